#!/usr/bin/env bash
# Benchmark suite: the NMF rank sweeps of `synergy count` against their peers.
#
# Every case is timed for every method in the same run, one after another:
#   a. synergy count --algorithm hals      b. synergy count --algorithm mu
#   c. the plain NumPy reference (Scripts/reference/nmf_reference.py)
#   d. scikit-learn NMF, solvers mu and cd (same random starts as c)
#   e. santuz cases on the real envelopes: the R package musclesyneRgies
#      (synsNMF.R, run from $PEERS_DIR; Debian's r-base-core is installed
#      when Rscript is missing, as root or with sudo)
# Cases (each protocol with its defaults: cheung2020 ranks 1..m x 20
# replicates, santuz ranks 1..m-round(m/4) x 5):
#   synthetic-cheung2020, synthetic-santuz   gait-like synthetic, 15 x 6000
#   lowrank-cheung2020, lowrank-santuz       rank-6 product + uniform noise,
#                                            unit variance per muscle, 15 x 6000
#   real-santuz, real-cheung2020             the 15 musclesyneRgies envelopes
#         (13 x 200, Datasets/musclesyneRgies/reference_syns/*_V.csv): one
#         `synergy count` process per envelope, as a script runs them, process
#         start included; NumPy/scikit-learn fit all 15 in one process; R once
#         per envelope (one Rscript each) and once for all 15 in one Rscript.
#         real-santuz checks every count against the package's stored rank;
#         real-cheung2020 has NumPy as its only peer (scikit-learn's tol runs
#         these small fits about 6x longer than the rule: 7 minutes)
#   large-fixed   32 muscles x 60 000 bins (20 min at 20 ms), every method
#         with the same fixed work: ranks 1..32 x 5 replicates x 20 iterations
#         (cheung2020 starts; no stopping rule can stop a replicate before
#         iteration 21; scikit-learn tol 0)
#   large-cheung2020, large-santuz           32 x 60 000: our two solvers
#         only, full sweeps, peak memory against the stated bound (the peers'
#         full sweeps would take hours here: they are timed on large-fixed)
# Duration on 2 cores, measured 2026-12-06 per case, every
# method included: synthetic-cheung2020 3.6 min, synthetic-santuz 0.5,
# lowrank-cheung2020 20.6 (scikit-learn cd alone 13.4), lowrank-santuz 1.2,
# real-santuz 1.4 (R already installed), real-cheung2020 0.7, large-fixed 4.1,
# large-cheung2020 7.8 (HALS 1.6, MU 6.2), large-santuz 1.3 (HALS 0.2,
# MU 1.0). The whole suite: 41 minutes, plus the build.
# --quick takes 2.5 minutes.
#
# Usage: Scripts/bench.sh [--case NAME]... [--quick] [--table FILE] [--manual] [--skip-ours]
#                         [--skip-peers] [--skip-r] [--keep] [--list] [--help]
#   --case NAME   run only this case; repeatable, or comma-separated; a prefix
#                 selects every case it starts (synthetic, lowrank, real, large)
#   --quick       smoke run (2.5 minutes): every case on small sizes
#                 (5 x 1500; 2 real envelopes; 6 x 3000 for large) and a
#                 2000x2000 dgemm; timings are not representative
#   --table FILE  also write the summary table (markdown) to FILE
#   --manual      also regenerate the manual's speed section from it (the
#                 section "The suite's latest run" of SynergyKit.docc/Speed.md);
#                 not with --quick
#   --skip-ours   do not build or run synergy (peers only)
#   --skip-peers  only our runs (plus the GEMM peaks)
#   --skip-r      no R peer (and no r-base-core install)
#   --keep        keep the work folder (envelopes, all JSON) and print its path
#   --list        print the case names and exit
# Environment:
#   SYNERGY_BIN   use this binary instead of building one
#   SYNERGY_ARGS  extra arguments appended to every `synergy count` call
#   BENCH_SEED    seed of the synthetic envelopes (default 2020); NMF seed is 1
#   PEERS_DIR     peers folder holding musclesyneRgies/synsNMF.R
#                 (default /work/shared/peers)
# Progress goes to stderr, the report to stdout. Python needs numpy, scipy and
# scikit-learn (`python3 -m pip install numpy scipy scikit-learn`), for the
# benchmark only. NumPy / OpenBLAS / scikit-learn threads are left at their
# default (all cores); synergy uses one thread per core.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=bench
source "$ROOT/Scripts/lib/script-kit.sh"
BENCH="$ROOT/Scripts/bench"
PYTHON="${PYTHON:-python3}"
PEERS_DIR="${PEERS_DIR:-/work/shared/peers}"
REAL="$ROOT/Datasets/musclesyneRgies/reference_syns"
ALL_CASES="synthetic-cheung2020 synthetic-santuz lowrank-cheung2020 lowrank-santuz real-santuz real-cheung2020 large-fixed large-cheung2020 large-santuz"

quick=0; skip_ours=0; skip_peers=0; skip_r=0; keep=0; table=""; manual=""; selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --case) [ $# -ge 2 ] || unknown_option "$1 (needs a name)"; IFS=, read -r -a names <<<"$2"; selected+=("${names[@]}"); shift ;;
    --quick) quick=1 ;;
    --table) [ $# -ge 2 ] || unknown_option "$1 (needs a file)"; table="$2"; shift ;;
    --manual) manual="$ROOT/Sources/SynergyKit/SynergyKit.docc/Speed.md" ;;
    --skip-ours) skip_ours=1 ;;
    --skip-peers) skip_peers=1 ;;
    --skip-r) skip_r=1 ;;
    --keep) keep=1 ;;
    --list) tr ' ' '\n' <<<"$ALL_CASES"; exit 0 ;;
    -h|--help) print_usage; exit 0 ;;
    *) unknown_option "$1" ;;
  esac
  shift
done

fail() { echo "bench.sh: error: $*" >&2; exit 1; }

# --- which cases ------------------------------------------------------------------
cases=()
if [ ${#selected[@]} -eq 0 ]; then
  read -r -a cases <<<"$ALL_CASES"
else
  for name in "${selected[@]}"; do
    found=0
    for c in $ALL_CASES; do
      if [ "$c" = "$name" ] || [[ "$c" == "$name"-* ]]; then
        [[ " ${cases[*]:-} " == *" $c "* ]] || cases+=("$c")
        found=1
      fi
    done
    [ "$found" = 1 ] || fail "no case named $name (see --list)"
  done
fi
wants() { [[ " ${cases[*]} " == *" $1"* ]]; }   # wants PREFIX: a selected case starts with it

[ -n "$manual" ] && [ "$quick" = 1 ] && fail "--manual records a full run: not with --quick"
if [ -n "$table" ]; then
  table="$(cd "$(dirname "$table")" 2>/dev/null && pwd)/$(basename "$table")" \
    || fail "--table: the folder of $table does not exist"
fi
make_work_folder synergy-bench "$keep"

"$PYTHON" -c "import numpy, scipy" 2>/dev/null \
  || fail "python3 with numpy and scipy is needed (python3 -m pip install numpy scipy)"
if [ "$skip_peers" = 0 ]; then
  "$PYTHON" -c "import sklearn" 2>/dev/null \
    || fail "scikit-learn is needed for the peers (python3 -m pip install scikit-learn), or pass --skip-peers"
fi

# --- the R peer (only for real-santuz) ----------------------------------------------
use_r=0
if [ "$skip_peers" = 0 ] && [ "$skip_r" = 0 ] && wants real-santuz; then
  [ -f "$PEERS_DIR/musclesyneRgies/synsNMF.R" ] \
    || fail "no $PEERS_DIR/musclesyneRgies/synsNMF.R (set PEERS_DIR, or pass --skip-r)"
  if ! command -v Rscript >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null 2>&1 || fail "Rscript is missing and installing r-base-core needs root or sudo (or pass --skip-r)"
      sudo="sudo"
    fi
    log "installing Debian's r-base-core for the R peer (benchmark only)"
    $sudo apt-get update -qq >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends r-base-core >&2 \
      || fail "apt-get install r-base-core failed (or pass --skip-r)"
  fi
  use_r=1
fi

# --- sizes ------------------------------------------------------------------------
if [ "$quick" = 1 ]; then
  m=5; n=1500; k=2; large_m=6; large_n=3000; large_k=3; real_count=2; dgemm_size=2000; dgemm_repeats=2
else
  m=15; n=6000; k=6; large_m=32; large_n=60000; large_k=8; real_count=15; dgemm_size=4000; dgemm_repeats=3
fi
fixed_reps=5; fixed_iterations=20

# --- build ------------------------------------------------------------------------
bin=""
if [ "$skip_ours" = 0 ]; then
  synergy_binary
fi
suite_start=$(date +%s)

log "GEMM peaks: ${dgemm_size}x${dgemm_size}, best of $dgemm_repeats"
"$PYTHON" "$BENCH/dgemm_peak.py" --size "$dgemm_size" --repeats "$dgemm_repeats" --out "$work/dgemm.json"

# --- envelopes -----------------------------------------------------------------------
seed="${BENCH_SEED:-2020}"
synthetic="$work/synthetic.csv"; lowrank="$work/lowrank.csv"; large="$work/large.csv"
if wants synthetic; then
  "$PYTHON" "$BENCH/make_envelope.py" "$synthetic" --muscles "$m" --samples "$n" --synergies "$k" --seed "$seed"
fi
if wants lowrank; then
  "$PYTHON" "$BENCH/make_envelope.py" "$lowrank" --kind lowrank --muscles "$m" --samples "$n" --synergies "$k" --seed "$seed"
fi
if wants large; then
  "$PYTHON" "$BENCH/make_envelope.py" "$large" --muscles "$large_m" --samples "$large_n" --synergies "$large_k" --seed "$seed"
fi
real=()
for i in $(seq 1 "$real_count"); do real+=("$REAL/$(printf 'ID%04d_TW_01' "$i")_V.csv"); done

# --- one case --------------------------------------------------------------------------
# run_case NAME ORDER LABEL PROTOCOL "OURS_ARGS" "PEER_ARGS" PEERS DESCRIPTION ENVELOPE...
#   PEERS: which peers to run ("numpy sklearn-mu sklearn-cd r" or "")
run_case() {
  local name="$1" order="$2" label="$3" protocol="$4" ours_args="$5" peer_args="$6" peers="$7" description="$8"
  shift 8
  local dir="$work/$name"
  mkdir -p "$dir"
  log "case $name: $description"
  "$PYTHON" - "$dir/meta.json" "$name" "$order" "$label" "$protocol" "$description" "${CASE_NOTE:-}" \
      "${CASE_STORED:-}" "${CASE_BOUND:-}" <<'PY'
import json, sys
out, name, order, label, protocol, description, note, stored, bound = sys.argv[1:]
meta = {"case": name, "order": int(order), "label": label, "protocol": protocol,
        "description": description, "note": note}
if stored:
    meta["stored_counts"] = json.loads(stored)
if bound:
    meta["memory_bound_mb"] = float(bound)
json.dump(meta, open(out, "w"), indent=1)
PY
  if [ "$skip_ours" = 0 ]; then
    for algorithm in hals mu; do
      log "  synergy count --algorithm $algorithm ($# envelope(s))"
      "$PYTHON" "$BENCH/run_ours.py" --bin "$bin" --algorithm "$algorithm" --protocol "$protocol" \
        --work "$dir/ours" --extra "$ours_args ${SYNERGY_ARGS:-}" --out "$dir/ours_$algorithm.json" "$@" \
        || fail "synergy count --algorithm $algorithm failed in case $name (output above)"
    done
  fi
  if [ "$skip_peers" = 0 ]; then
    local peer
    for peer in $peers; do
      if [ "$peer" = r ]; then
        [ "$use_r" = 1 ] || continue
        log "  peer: R musclesyneRgies ($# envelopes, one Rscript each, then all in one)"
        "$PYTHON" "$BENCH/run_r.py" --peers "$PEERS_DIR" --work "$dir/r" --out "$dir/r.json" "$@"
      else
        log "  peer: $peer"
        # shellcheck disable=SC2086  # peer_args is a word list on purpose
        "$PYTHON" "$BENCH/peers.py" "$@" --method "$peer" --protocol "$protocol" --seed 1 $peer_args \
          --out "$dir/$peer.json"
      fi
    done
  fi
}

all_peers="numpy sklearn-mu sklearn-cd"
for c in "${cases[@]}"; do
  CASE_NOTE=""; CASE_STORED=""; CASE_BOUND=""
  case "$c" in
    synthetic-cheung2020)
      run_case "$c" 1 "synthetic $m×$n, cheung2020" cheung2020 "" "" "$all_peers" \
        "gait-like synthetic envelope, $m x $n, cheung2020 (ranks 1..$m x 20)" "$synthetic" ;;
    synthetic-santuz)
      run_case "$c" 2 "synthetic $m×$n, santuz" santuz "" "" "$all_peers" \
        "gait-like synthetic envelope, $m x $n, santuz (5 replicates)" "$synthetic" ;;
    lowrank-cheung2020)
      run_case "$c" 3 "low-rank $m×$n, cheung2020" cheung2020 "" "" "$all_peers" \
        "rank-$k product + uniform noise, $m x $n, cheung2020 (ranks 1..$m x 20)" "$lowrank" ;;
    lowrank-santuz)
      run_case "$c" 4 "low-rank $m×$n, santuz" santuz "" "" "$all_peers" \
        "rank-$k product + uniform noise, $m x $n, santuz (5 replicates)" "$lowrank" ;;
    real-santuz)
      CASE_STORED="$("$PYTHON" -c '
import json, os, sys
print(json.dumps({os.path.basename(f): len(open(f.replace("_V.csv", "_M.csv")).readline().split(",")) - 1
                  for f in sys.argv[1:]}))' "${real[@]}")"
      CASE_NOTE="one synergy count (and one Rscript) process per envelope, process start included; NumPy and scikit-learn fit all in one process; counts against the R package's stored ranks (columns of *_M.csv)"
      run_case "$c" 5 "${real_count} real 13×200, santuz" santuz "" "" "$all_peers r" \
        "the ${real_count} musclesyneRgies envelopes, 13 x 200, santuz" "${real[@]}" ;;
    real-cheung2020)
      CASE_NOTE="one synergy count process per envelope, process start included; NumPy fits all in one process; no scikit-learn here (its tol-based stop runs these small fits to about 6x the iterations of the cheung2020 rule, some 7 minutes for the 15)"
      run_case "$c" 6 "${real_count} real 13×200, cheung2020" cheung2020 "" "" "numpy" \
        "the ${real_count} musclesyneRgies envelopes, 13 x 200, cheung2020" "${real[@]}" ;;
    large-cheung2020|large-santuz)
      protocol="${c#large-}"
      CASE_BOUND="$("$PYTHON" -c '
import os, sys
path, m, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
w = min(os.cpu_count(), m)
S = 8 * m * n
print((os.path.getsize(path) + S * (1 + w / 4) + 256e6) / 1e6)' "$large" "$large_m" "$large_n")"
      CASE_NOTE="our solvers only, full sweeps (the peers are timed on large-fixed); memory bound F + S(1 + w/4) + 256 MB"
      run_case "$c" "$([ "$protocol" = cheung2020 ] && echo 8 || echo 9)" "large $large_m×$large_n, $protocol" \
        "$protocol" "" "" "" "synthetic envelope, $large_m x $large_n, $protocol, full sweep" "$large" ;;
    large-fixed)
      CASE_NOTE="fixed work for every method: ranks 1..$large_m x $fixed_reps replicates x $fixed_iterations iterations (cheung2020 starts and R²; no stop before iteration 21; scikit-learn tol 0); our times include process start and reading the envelope CSV, and our starts are our own (R² after 20 iterations differs by start)"
      run_case "$c" 7 "large $large_m×$large_n, fixed ${fixed_reps}×${fixed_iterations} it" cheung2020 \
        "--replicates $fixed_reps --max-iterations $fixed_iterations" \
        "--replicates $fixed_reps --fixed-iterations $fixed_iterations" "$all_peers" \
        "synthetic envelope, $large_m x $large_n, fixed work ($fixed_reps replicates x $fixed_iterations iterations per rank)" "$large" ;;
  esac
done

# --- report ----------------------------------------------------------------------------
elapsed=$(( $(date +%s) - suite_start ))
note="$(date -u +%Y-%m-%d), cases: ${cases[*]}; suite run $((elapsed / 60)) min $((elapsed % 60)) s (build excluded)"
[ "$quick" = 1 ] && note="QUICK smoke run on small envelopes: timings are not representative. $note"
"$PYTHON" "$BENCH/suite_summary.py" --work "$work" --note "$note" ${table:+--table "$table"} \
  ${manual:+--manual "$manual"}
