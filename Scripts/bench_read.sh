#!/usr/bin/env bash
# Benchmark reading raw EMG in every supported format: one 16-channel, 2 kHz,
# 10-minute recording (written by `synergy simulate` as CSV and C3D, and by
# Scripts/bench/lab_formats.py as EDF, BDF, Nexus, Delsys Discover and
# EMGworks, Noraxon and BTS files of the same values), read by
# `synergy preprocess --timings` (the read stage: parsing, channel selection,
# checks) and by a peer in the same run (ezc3d, pyedflib, pandas.read_csv).
# Prints seconds per format, the ratio to our C3D read (goal: at most 2x for
# binary formats, 3x for text) and to the peer.
#
# Usage: Scripts/bench_read.sh [--minutes N] [--keep]
# Environment: SYNERGY_BIN to use a built binary. Python packages numpy,
# pandas, pyedflib and ezc3d are installed with pip when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=bench
source "$ROOT/Scripts/lib/script-kit.sh"
PYTHON="${PYTHON:-python3}"
parse_minutes_and_keep 10 "$@"
"$PYTHON" -c "import numpy, pandas, pyedflib, ezc3d" 2>/dev/null || {
  log "installing numpy, pandas, pyedflib, ezc3d (pip)"
  "$PYTHON" -m pip install --quiet numpy pandas pyedflib ezc3d >&2
}

make_work_folder synergy-bench-read "$keep"
synergy_binary

seconds=$((minutes * 60))
log "simulating 16 channels x 2000 Hz x ${seconds} s"
"$bin" simulate -o "$work/rec" --muscles 16 --synergies 5 --sample-rate 2000 --duration "$seconds" --format both >&2
log "writing the other formats"
"$PYTHON" -W ignore "$ROOT/Scripts/bench/lab_formats.py" write "$work/rec.csv" "$work"

# format  file  peer-kind  binary|text
cases="c3d rec.c3d c3d binary
edf rec.edf edf binary
bdf rec.bdf bdf binary
csv rec.csv csv text
nexus_csv rec_nexus.csv nexus text
delsys_discover rec_discover.csv discover text
delsys_emgworks rec_emgworks.csv emgworks text
noraxon_csv rec_noraxon.csv noraxon text
bts_emt rec.emt emt text"

results="$work/results.tsv"
: > "$results"
while read -r format file kind class; do
  log "reading $file ($format)"
  ours=""
  for _ in 1 2 3; do  # best of three: the read is short, the first run warms the page cache
    /usr/bin/time -f "%M" -o "$work/ours.rss" \
      "$bin" preprocess "$work/$file" --format "$format" --timings -o "$work/env.csv" >/dev/null 2>"$work/ours.err"
    t=$(sed -n 's/.*read \([0-9.]*\) s.*/\1/p' "$work/ours.err")
    ours=$("$PYTHON" -c "print(min(float(x) for x in '$ours $t'.split()))")
  done
  rss_mb=$(( $(tail -1 "$work/ours.rss") / 1024 ))
  peer=$("$PYTHON" "$ROOT/Scripts/bench/lab_formats.py" peer "$kind" "$work/$file" \
         | "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)['seconds'])")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$format" "$class" "$ours" "$peer" "$(stat -c %s "$work/$file")" "$rss_mb" >> "$results"
done <<< "$cases"

"$PYTHON" - "$results" <<'PY'
import sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
c3d = float(rows[0][2])
print(f"{'format':<17}{'MB':>7}{'ours (s)':>10}{'x C3D':>8}{'goal':>6}{'peer (s)':>10}{'peer/ours':>11}{'peak MB':>9}")
for format, kind, ours, peer, size, rss in rows:
    ours, peer = float(ours), float(peer)
    goal = 2 if kind == "binary" else 3
    mark = "" if ours / c3d <= goal or format == "c3d" else "  (over the goal)"
    print(f"{format:<17}{int(size) / 1e6:7.1f}{ours:10.3f}{ours / c3d:8.2f}{goal:>5}x{peer:10.3f}{peer / ours:11.1f}{int(rss):9d}{mark}")
print("peers: ezc3d (C3D), pyedflib (EDF, BDF), pandas.read_csv (text formats), reading only;")
print("peak MB: the whole preprocess command (read, filter, write) of the 16 x 1.2 M samples (154 MB as doubles)")
PY
