#!/usr/bin/env bash
# Benchmark raw-EMG preprocessing: a 16-channel, 2 kHz, 10-minute recording
# (19.2 M samples, written by `synergy simulate` as C3D) through the cheung2020
# chain (FIR high-pass 50 Hz, rectification, FIR low-pass 20 Hz, 20 ms bins,
# unit variance) by `synergy preprocess` and by SciPy in the same run.
# Prints seconds (ours: the preprocessing stage alone, and the whole command),
# the ratio to SciPy, and our peak memory against the raw data size (8 bytes a sample).
#
# Usage: Scripts/bench_preprocess.sh [--minutes N] [--keep]
# Environment: SYNERGY_BIN to use a built binary. Python needs numpy, scipy, ezc3d.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=bench
source "$ROOT/Scripts/lib/script-kit.sh"
PYTHON="${PYTHON:-python3}"
parse_minutes_and_keep 10 "$@"
"$PYTHON" -c "import numpy, scipy, ezc3d" 2>/dev/null \
  || { echo "bench_preprocess.sh: python3 with numpy, scipy and ezc3d is needed (pip install ezc3d)" >&2; exit 1; }

make_work_folder synergy-bench-pre "$keep"

synergy_binary

seconds=$((minutes * 60))
log "simulating 16 channels x 2000 Hz x ${seconds} s"
"$bin" simulate -o "$work/long" --muscles 16 --synergies 5 --sample-rate 2000 --duration "$seconds" --format c3d >&2

log "synergy preprocess (cheung2020)"
/usr/bin/time -f "%e %M" -o "$work/ours.time" \
  "$bin" preprocess "$work/long.c3d" --timings -o "$work/env.csv" >/dev/null 2>"$work/ours.err"
log "SciPy"
"$PYTHON" "$ROOT/Scripts/bench/preprocess_peer.py" "$work/long.c3d" > "$work/scipy.json"

"$PYTHON" - "$work" <<'PY'
import json, re, sys, pathlib
work = pathlib.Path(sys.argv[1])
wall, rss_kb = (float(v) for v in (work / "ours.time").read_text().split()[-2:])
timings = (work / "ours.err").read_text()
stage = float(re.search(r"preprocess ([0-9.]+) s", timings).group(1))
scipy = json.loads((work / "scipy.json").read_text())
raw_mb = scipy["channels"] * scipy["samples"] * 8 / 1e6
print(f"recording: {scipy['channels']} channels x {scipy['samples']} samples = {scipy['channels'] * scipy['samples'] / 1e6:.1f} M samples ({raw_mb:.0f} MB as doubles)")
print(f"  synergy preprocessing stage   {stage:8.3f} s   (whole command incl. C3D read and CSV write: {wall:.2f} s)")
print(f"  SciPy, same chain             {scipy['seconds']:8.3f} s   ratio SciPy / ours: {scipy['seconds'] / stage:.1f}x")
print(f"  synergy peak memory           {rss_kb / 1024:8.0f} MB = {rss_kb * 1024 / 1e6 / raw_mb:.2f} x the raw data")
print("  target: preprocessing < 1 s, peak memory < 4 x raw data")
PY
