#!/usr/bin/env bash
# Benchmark a whole study end to end: `synergy batch` on 100 simulated sessions
# of the paper's size (15 muscles, two minutes at 1000 Hz; 2 groups x 25
# subjects x 2 time points, planted merging), with every default of the
# protocol and of the group analysis (20 replicates per rank, k-means 1000
# replicates, gap statistic 500 reference sets x 100 replicates, k = 2..20).
#
#   a. synergy batch --algorithm hals   (target: under 10 minutes on 2 cores)
#   b. synergy batch --algorithm mu     (target: under 40 minutes; --with-mu)
#   c. a plain NumPy/SciPy/scikit-learn pipeline (Scripts/bench/study_peer.py),
#      timed on a sample (1 session, 2 reference sets of one group) and scaled
#      to the whole study
# and prints each time, its ratio to the target, and the peer's ratio to ours.
#
# Usage: Scripts/bench_study.sh [--with-mu] [--quick] [--keep]
#   --with-mu   also run (b), which takes about half an hour
#   --quick     smoke run: 8 sessions of 20 s and small replicate counts
#   --keep      keep the work folder and print its path
# Environment: SYNERGY_BIN uses this binary instead of building one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=bench_study
source "$ROOT/Scripts/lib/script-kit.sh"
PYTHON="${PYTHON:-python3}"
with_mu=0; quick=0; keep=0
for arg in "$@"; do
  case "$arg" in
    --with-mu) with_mu=1 ;;
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    -h|--help) print_usage; exit 0 ;;
    *) unknown_option "$arg" ;;
  esac
done
make_work_folder synergy-bench-study "$keep"

synergy_binary

if [ "$quick" = 1 ]; then
  study=(--groups 2 --subjects 2 --time-points 2 --duration 20); extra=(--replicates 5 --kmeans-replicates 50 --gap-references 10 --gap-replicates 10)
else
  study=(--groups 2 --subjects 25 --time-points 2 --duration 120); extra=()
fi
log "simulating the study"
"$bin" simulate --study -o "$work/study" --muscles 15 --synergies 6 --sample-rate 1000 --seed 2020 "${study[@]}" >&2
sessions=$(($(wc -l < "$work/study/manifest.csv") - 1))

run() {  # run NAME TARGET_SECONDS ARGS...
  local name=$1 target=$2; shift 2
  log "batch $name ($sessions sessions)"
  local start end
  start=$(date +%s.%N)
  "$bin" batch "$work/study/manifest.csv" -o "$work/out_$name" "$@" "${extra[@]}" >"$work/out_$name.txt" 2>"$work/out_$name.log" \
    || { cat "$work/out_$name.log" >&2; exit 1; }
  end=$(date +%s.%N)
  "$PYTHON" -c "import sys; print(f'{sys.argv[1]}: {float(sys.argv[3]) - float(sys.argv[2]):.1f} s')" "$name" "$start" "$end" \
    >"$work/$name.seconds"
  echo "$(cut -d' ' -f2 <"$work/$name.seconds")" >"$work/$name.value"
  log "$(cat "$work/$name.seconds")"
}
run hals 600 --algorithm hals
[ "$with_mu" = 1 ] && run mu 2400 --algorithm mu

log "timing the NumPy peer on a sample"
"$PYTHON" "$ROOT/Scripts/bench/study_peer.py" "$work/study/manifest.csv" "$work/out_hals" >"$work/peer.json"

"$PYTHON" - "$work" "$sessions" "$with_mu" <<'PY'
import json, os, sys
work, sessions, with_mu = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
peer = json.load(open(os.path.join(work, "peer.json")))
print(f"study: {sessions} sessions, 15 muscles, {os.cpu_count()} cores")
rows = [("hals", 600)] + ([("mu", 2400)] if with_mu else [])
for name, target in rows:
    seconds = float(open(os.path.join(work, f"{name}.value")).read())
    print(f"synergy batch --algorithm {name}: {seconds:8.1f} s = {seconds / 60:5.1f} min; "
          f"target {target // 60} min: {seconds / target:.2f} of it; NumPy peer / ours = {peer['estimated_seconds'] / seconds:.1f}x")
print(f"NumPy peer (estimated): {peer['estimated_seconds']:.0f} s = {peer['estimated_seconds'] / 3600:.2f} h "
      f"({peer['session_seconds']:.1f} s per session sweep x {peer['sessions']}; gap statistic "
      f"{peer['group_seconds']:.1f} s for {peer['references_timed']} reference sets of {peer['group']} "
      f"({peer['points']} vectors), scaled to 500 x {peer['groups']} groups)")
PY
