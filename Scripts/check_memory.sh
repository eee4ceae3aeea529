#!/usr/bin/env bash
# Check that a long recording runs in bounded memory: `synergy simulate` writes
# a 16-channel, 2 kHz recording of one hour (115.2 M samples, a 461 MB C3D of
# 32-bit reals), then `synergy preprocess` and `synergy count` (cheung2020
# defaults: 20 ms bins, ranks 1-16, 20 replicates) run on it under
# /usr/bin/time -v, and each peak RSS is checked against the bound in
# Sources/SynergyKit/SynergyKit.docc/Speed.md
#
#     peak < F + S * (1 + w/4) + 256 MB
#
# with F the file's size, S = 8 bytes x channels x samples (the signal as
# doubles) and w the worker threads (one per core, at most one per channel). `count`
# runs with --max-iterations 20: memory does not depend on the iteration count
# (every buffer is allocated before the first iteration), and the full
# sweep would take hours; its warning about the cap is expected.
# Not part of the test suite. Needs about 2.5 GB free memory, 1.5 GB of disk
# and 5 minutes on 2 cores.
#
# Usage: Scripts/check_memory.sh [--minutes N] [--keep]
# Environment: SYNERGY_BIN to use a built binary (else it builds one).
# Exit code 0 when both runs stay within the bound, 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=memory
source "$ROOT/Scripts/lib/script-kit.sh"
parse_minutes_and_keep 60 "$@"
[ -x /usr/bin/time ] || { echo "check_memory.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

make_work_folder synergy-memory "$keep"

synergy_binary

channels=16; rate=2000; seconds=$((minutes * 60))
samples=$((rate * seconds))
threads="$(nproc)"
workers=$(( threads < channels ? threads : channels ))
log "simulating $channels channels x $rate Hz x $seconds s"
"$bin" simulate -o "$work/long" --muscles "$channels" --synergies 5 --sample-rate "$rate" --duration "$seconds" \
  --format c3d >&2
file_bytes="$(stat -c %s "$work/long.c3d")"

# Runs the command under /usr/bin/time -v; prints "seconds peak_kB".
measure() {
  /usr/bin/time -v -o "$work/time.txt" "$@" > /dev/null 2> "$work/stderr.txt" \
    || { cat "$work/stderr.txt" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /Maximum resident set size/ { kb = $2 } END { printf "%.1f %d\n", s, kb }' "$work/time.txt"
}

log "synergy preprocess"
read -r pre_seconds pre_kb < <(measure "$bin" preprocess "$work/long.c3d" -o "$work/envelope.csv")
log "synergy count --max-iterations 20"
read -r count_seconds count_kb < <(measure "$bin" count "$work/long.c3d" --threads "$threads" --max-iterations 20 \
  -o "$work/count.json")

python3 - "$file_bytes" "$channels" "$samples" "$workers" "$pre_seconds" "$pre_kb" "$count_seconds" "$count_kb" <<'PY'
import sys
file_bytes, channels, samples, workers = (int(v) for v in sys.argv[1:5])
runs = [("preprocess", float(sys.argv[5]), int(sys.argv[6])), ("count", float(sys.argv[7]), int(sys.argv[8]))]
mb = 1e6
signal = 8 * channels * samples
bound = file_bytes + signal * (1 + workers / 4) + 256 * 2**20
print(f"recording: {channels} channels x {samples} samples ({channels * samples / 1e6:.1f} M samples); "
      f"C3D {file_bytes / mb:.0f} MB; signal as doubles S = {signal / mb:.0f} MB; worker threads w = {workers}")
print(f"bound: F + S*(1 + w/4) + 256 MB = {bound / mb:.0f} MB")
ok = True
for name, seconds, kb in runs:
    peak = kb * 1024
    verdict = "within" if peak < bound else "ABOVE"
    ok &= peak < bound
    print(f"  {name:<10} {seconds:7.1f} s   peak {peak / mb:6.0f} MB = {peak / signal:.2f} S   {verdict} the bound")
sys.exit(0 if ok else 1)
PY
