#!/usr/bin/env bash
# Benchmark the bootstrap of `synergy compare` on simulated training pairs
# (`synergy simulate --training-change`: a novice and a trained session of one
# runner, planted fractionation, merging and kept synergies, electrode gains
# drawn per session).
#
#   1. Support: for each seed 1..N, compare --rank-a K --rank-b K --algorithm
#      hals --bootstrap R (defaults otherwise) on a pair of K = 5 synergies,
#      16 muscles, 2000 Hz, 60 s; fitted synergies are mapped to planted ones
#      (optimal assignment on cosine, per side) and every reported match,
#      merging and fractionation is classified as planted or false
#      (Scripts/bench/bootstrap_support.py). Prints a per-seed table and the
#      min/median support of planted instances, the max support of false ones,
#      and whether the goal holds (planted >= 0.8 with 50 resamples, false < 0.5).
#   2. Time: compare --bootstrap 100 --algorithm hals (defaults otherwise, no
#      --rank-*) on two 2-minute, 15-muscle sessions (5 planted synergies), and
#      the same command without --bootstrap for reference (goal: under 5
#      minutes). Wall seconds, with the load average (uptime) before and after.
# Ends with a plain summary block to paste into
# Sources/SynergyKit/SynergyKit.docc/BootstrapConfidence.md. Timings are noisy on
# a shared machine: read them with the load printed next to them.
#
# Usage: Scripts/bench_bootstrap.sh [options]
#   --seeds N              support: seeds 1..N (default 10)
#   --resamples R          support: bootstrap resamples per compare (default 50)
#   --muscles M            support: muscles (default 16)
#   --synergies K          support: planted synergies and compared rank (default 5)
#   --duration S           support: seconds per session (default 60)
#   --sample-rate HZ       support: sample rate (default 2000)
#   --timing-resamples N   timing: bootstrap resamples (default 100)
#   --skip-support         run the timing only
#   --skip-timing          run the support part only
#   --keep                 keep the work folder and print its path
# Environment: SYNERGY_BIN uses this binary instead of building one; PYTHON
# (default python3) needs numpy and scipy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=bench_bootstrap
source "$ROOT/Scripts/lib/script-kit.sh"
PYTHON="${PYTHON:-python3}"

seeds=10; resamples=50; muscles=16; synergies=5; duration=60; sample_rate=2000
timing_resamples=100; skip_support=0; skip_timing=0; keep=0

bad_value() { echo "$(basename "$0"): $1 needs $2 (see --help)" >&2; exit 2; }
# value OPTION KIND ARG: checks ARG is a positive integer (int) or number (num).
value() {
  case "$2" in
    int) [[ "${3:-}" =~ ^[1-9][0-9]*$ ]] || bad_value "$1" "a positive integer" ;;
    num) [[ "${3:-}" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] && [[ "${3:-}" =~ [1-9] ]] || bad_value "$1" "a positive number" ;;
  esac
}
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) value "$1" int "${2:-}"; seeds=$2; shift ;;
    --resamples) value "$1" int "${2:-}"; resamples=$2; shift ;;
    --muscles) value "$1" int "${2:-}"; muscles=$2; shift ;;
    --synergies) value "$1" int "${2:-}"; synergies=$2; shift ;;
    --duration) value "$1" num "${2:-}"; duration=$2; shift ;;
    --sample-rate) value "$1" num "${2:-}"; sample_rate=$2; shift ;;
    --timing-resamples) value "$1" int "${2:-}"; timing_resamples=$2; shift ;;
    --skip-support) skip_support=1 ;;
    --skip-timing) skip_timing=1 ;;
    --keep) keep=1 ;;
    -h|--help) print_usage; exit 0 ;;
    *) unknown_option "$1" ;;
  esac
  shift
done
if [ "$skip_support" = 1 ] && [ "$skip_timing" = 1 ]; then
  echo "$(basename "$0"): --skip-support and --skip-timing leave nothing to run" >&2; exit 2
fi
"$PYTHON" -c "import numpy, scipy" 2>/dev/null \
  || { echo "$(basename "$0"): $PYTHON with numpy and scipy is needed" >&2; exit 1; }

make_work_folder synergy-bench-bootstrap "$keep"
synergy_binary
run_start=$(date +%s)

load() { uptime | sed 's/.*load average: */load /'; }
# seconds_since START: wall seconds since START (date +%s.%N), one decimal.
seconds_since() { "$PYTHON" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(date +%s.%N)"; }

# ---- 1. support of planted and false instances ------------------------------
if [ "$skip_support" = 0 ]; then
  runs=()
  for seed in $(seq 1 "$seeds"); do
    prefix="$work/seed$seed"
    "$bin" simulate -o "$prefix" --training-change --muscles "$muscles" --synergies "$synergies" \
      --sample-rate "$sample_rate" --duration "$duration" --seed "$seed" --format csv >/dev/null
    log "seed $seed/$seeds: compare --rank-a $synergies --rank-b $synergies --algorithm hals --bootstrap $resamples ($(load))"
    start=$(date +%s.%N)
    "$bin" compare "${prefix}_novice.csv" "${prefix}_trained.csv" --rank-a "$synergies" --rank-b "$synergies" \
      --algorithm hals --bootstrap "$resamples" -o "${prefix}_compare.json" >"${prefix}_compare.txt" 2>"${prefix}_compare.log" \
      || { cat "${prefix}_compare.log" >&2; exit 1; }
    log "seed $seed: $(seconds_since "$start") s ($(load))"
    runs+=("$seed:$prefix")
  done
  echo "== 1. Support: $seeds seeds, k = $synergies, $muscles muscles, $sample_rate Hz, $duration s, $resamples resamples =="
  "$PYTHON" "$ROOT/Scripts/bench/bootstrap_support.py" --resamples "$resamples" --summary "$work/support.summary" "${runs[@]}"
  echo
fi

# ---- 2. time of compare --bootstrap ------------------------------------------
# timed NAME ARGS...: runs compare on the timing pair, writes $work/NAME.line.
timed() {
  local name=$1; shift
  local before after start seconds
  before=$(load)
  log "timing compare $* ($before)"
  start=$(date +%s.%N)
  "$bin" compare "$work/timing_novice.csv" "$work/timing_trained.csv" --algorithm hals "$@" \
    -o "$work/$name.json" >"$work/$name.txt" 2>"$work/$name.log" || { cat "$work/$name.log" >&2; exit 1; }
  seconds=$(seconds_since "$start")
  after=$(load)
  log "$name: $seconds s ($after)"
  echo "$seconds" >"$work/$name.seconds"
  echo "load before: ${before#load }; after: ${after#load }" >"$work/$name.load"
}
if [ "$skip_timing" = 0 ]; then
  log "simulating the timing pair: 15 muscles, 5 synergies, 120 s, 2000 Hz"
  "$bin" simulate -o "$work/timing" --training-change --muscles 15 --synergies 5 --duration 120 --format csv >/dev/null
  timed plain
  timed boot --bootstrap "$timing_resamples"
  {
    plain=$(cat "$work/plain.seconds"); boot=$(cat "$work/boot.seconds")
    echo "compare --algorithm hals (no bootstrap): $plain s ($(cat "$work/plain.load"))"
    echo "compare --algorithm hals --bootstrap $timing_resamples: $boot s = $("$PYTHON" -c "print(f'{$boot / 60:.1f}')") min ($(cat "$work/boot.load"))"
    echo "goal under 5 min: $("$PYTHON" -c "print('HOLDS' if $boot < 300 else 'DOES NOT HOLD')") ($("$PYTHON" -c "print(f'{$boot / 300:.2f}')") of it); bootstrap / plain = $("$PYTHON" -c "print(f'{$boot / $plain:.1f}')")x"
  } >"$work/timing.summary"
  echo "== 2. Time: two 120 s, 15-muscle sessions, $(nproc) cores =="
  cat "$work/timing.summary"
  echo
fi

# ---- summary block ------------------------------------------------------------
echo "---- summary (Scripts/bench_bootstrap.sh, $(date +%Y-%m-%d), $(nproc) cores, shared machine: timings are noisy) ----"
if [ "$skip_support" = 0 ]; then
  echo "Support of compare's instances (compare --rank-a $synergies --rank-b $synergies --algorithm hals --bootstrap $resamples;"
  echo "simulate --training-change, $muscles muscles, $sample_rate Hz, $duration s, seeds 1..$seeds):"
  sed 's/^/  /' "$work/support.summary"
fi
if [ "$skip_timing" = 0 ]; then
  echo "Time (simulate --training-change --muscles 15 --synergies 5 --duration 120; compare --algorithm hals, defaults otherwise):"
  sed 's/^/  /' "$work/timing.summary"
fi
echo "whole run: $(( $(date +%s) - run_start )) s"
