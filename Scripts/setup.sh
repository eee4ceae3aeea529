#!/usr/bin/env bash
# Installs what synergy needs, builds it in release mode, and runs its main job
# on real recordings: `synergy compare` of two runners' sessions from the
# musclesyneRgies example data (13 leg muscles, treadmill, gait-cycle envelopes)
# through the santuz protocol: the number of synergies of each, matched pairs,
# merging and fractionation, sparseness, cross-fit, and an SVG figure.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/system-packages.sh
ensure_system_packages

swift build -c release --product synergy
binary="$(swift build -c release --show-bin-path)/synergy"

mkdir -p results/quickstart
"$binary" compare Datasets/musclesyneRgies/reference_syns/ID0001_TW_01_V.csv \
    Datasets/musclesyneRgies/reference_syns/ID0002_TW_01_V.csv --input envelope --protocol santuz \
    -o results/quickstart/compare.json --figure results/quickstart/compare.svg

echo
echo "synergy is built: $binary"
echo "Try: $binary --help"
