#!/usr/bin/env bash
# Installs what synergy needs, builds it in release mode, and runs its main job
# on a real recording: counting the synergies of a musclesyneRgies example
# subject with the package's own protocol (it chose 5).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/system-packages.sh
ensure_system_packages

swift build -c release --product synergy
binary="$(swift build -c release --show-bin-path)/synergy"

mkdir -p results/quickstart
"$binary" count Datasets/musclesyneRgies/reference_syns/ID0001_TW_01_V.csv \
    --protocol santuz -o results/quickstart/ID0001_count.json

echo
echo "synergy is built: $binary"
echo "Try: $binary --help"
