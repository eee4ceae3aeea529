#!/usr/bin/env bash
# Benchmark the cheung2020 NMF sweep of `synergy` against its peers.
#
# One synthetic envelope (15 muscles x 6000 samples = two minutes at 20 ms
# bins, ~6 planted gait-locked synergies, fixed seed) is factorised with the
# full cheung2020 sweep (ranks 1..15 x 20 replicates) by
#   a. synergy count --algorithm mu
#   b. synergy count --algorithm hals
#   c. the plain NumPy reference (Scripts/reference/nmf_reference.py)
#   d. scikit-learn NMF, solver mu and solver cd (same random starts)
# and the report compares wall time, R^2 per rank, counts and the floating-
# point rate of our MU run against NumPy's measured dgemm peak.
#
# Usage: Scripts/bench.sh [--quick] [--skip-ours] [--skip-peers] [--keep] [--help]
#   --quick       smoke run (under a minute): 3 muscles x 1500 samples, so the
#                 protocol's sweep is ranks 1..3 x 20 replicates for every
#                 method, and a 2000x2000 dgemm
#   --skip-ours   do not build or run synergy (peers only)
#   --skip-peers  only our two runs (plus dgemm)
#   --keep        keep the work folder (envelope, all JSON) and print its path
# Environment:
#   SYNERGY_BIN   use this binary instead of building one
#   SYNERGY_ARGS  extra arguments appended to both `synergy count` calls
#   BENCH_SEED    envelope seed (default 2020); the NMF seed is always 1
# Progress goes to stderr, the report to stdout. Python needs numpy, scipy and
# scikit-learn (`python3 -m pip install numpy scipy scikit-learn`).
# NumPy / OpenBLAS / scikit-learn threads are left at their default (all cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=bench
source "$ROOT/Scripts/lib/script-kit.sh"
BENCH="$ROOT/Scripts/bench"
PYTHON="${PYTHON:-python3}"

quick=0; skip_ours=0; skip_peers=0; keep=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --skip-ours) skip_ours=1 ;;
    --skip-peers) skip_peers=1 ;;
    --keep) keep=1 ;;
    -h|--help) print_usage; exit 0 ;;
    *) unknown_option "$arg" ;;
  esac
done

fail() { echo "bench.sh: error: $*" >&2; exit 1; }

make_work_folder synergy-bench "$keep"

"$PYTHON" -c "import numpy, scipy" 2>/dev/null \
  || fail "python3 with numpy and scipy is needed (python3 -m pip install numpy scipy)"
if [ "$skip_peers" = 0 ]; then
  "$PYTHON" -c "import sklearn" 2>/dev/null \
    || fail "scikit-learn is needed for the peers (python3 -m pip install scikit-learn), or pass --skip-peers"
fi

# --- sizes -------------------------------------------------------------------
if [ "$quick" = 1 ]; then
  muscles=3; samples=1500; synergies=2; peer_reps=20; dgemm_size=2000; dgemm_repeats=2
else
  muscles=15; samples=6000; synergies=6; peer_reps=20; dgemm_size=4000; dgemm_repeats=3
fi

# --- build ---------------------------------------------------------------------
bin=""
if [ "$skip_ours" = 0 ]; then
  synergy_binary
fi

# --- data ------------------------------------------------------------------------
envelope="$work/envelope.csv"
log "envelope: $muscles muscles x $samples samples, $synergies planted synergies"
"$PYTHON" "$BENCH/make_envelope.py" "$envelope" --muscles "$muscles" --samples "$samples" \
  --synergies "$synergies" --seed "${BENCH_SEED:-2020}"

log "dgemm peak: ${dgemm_size}x${dgemm_size}, best of $dgemm_repeats"
"$PYTHON" "$BENCH/dgemm_peak.py" --size "$dgemm_size" --repeats "$dgemm_repeats" --out "$work/dgemm.json"

# --- ours ------------------------------------------------------------------------
run_ours() {  # $1 = mu | hals
  local algorithm="$1"
  log "synergy count --algorithm $algorithm"
  # shellcheck disable=SC2086  # SYNERGY_ARGS is a word list on purpose
  if ! "$PYTHON" "$BENCH/timed.py" --out "$work/ours_$algorithm.time.json" -- \
      "$bin" count "$envelope" --input envelope --protocol cheung2020 --algorithm "$algorithm" \
      --seed 1 -o "$work/ours_$algorithm.json" ${SYNERGY_ARGS:-} >"$work/ours_$algorithm.log" 2>&1; then
    tail -n 20 "$work/ours_$algorithm.log" >&2
    fail "synergy count --algorithm $algorithm failed (output above); use --skip-ours to run the peers only"
  fi
  [ -s "$work/ours_$algorithm.json" ] || fail "synergy count --algorithm $algorithm wrote no JSON (-o)"
  "$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); d['ranks'][0]['r2']" \
    "$work/ours_$algorithm.json" 2>/dev/null \
    || fail "ours_$algorithm.json lacks ranks[].r2 (expected {ranks: [{rank, r2, iterations, converged, replicates}], count, muscles})"
  log "  done in $("$PYTHON" -c "import json,sys; print(round(json.load(open(sys.argv[1]))['seconds'], 2))" "$work/ours_$algorithm.time.json") s"
}

if [ "$skip_ours" = 0 ]; then
  run_ours mu
  run_ours hals
fi

# --- peers -------------------------------------------------------------------------
if [ "$skip_peers" = 0 ]; then
  for method in numpy sklearn-mu sklearn-cd; do
    log "peer: $method ($peer_reps replicates per rank)"
    "$PYTHON" "$BENCH/peers.py" "$envelope" --method "$method" --seed 1 \
      --replicates "$peer_reps" --out "$work/$method.json"
  done
fi

# --- report ----------------------------------------------------------------------
note=""
if [ "$quick" = 1 ]; then
  note="QUICK smoke run on a small envelope: timings are not representative"
fi
"$PYTHON" "$BENCH/summarize.py" --dir "$work" --envelope "$envelope" --note "$note"
