#!/usr/bin/env bash
# Installs what synergy needs, builds it in release mode, and runs its main job
# on real recordings: `synergy compare` of two runners' sessions from the
# musclesyneRgies example data (13 leg muscles, treadmill, gait-cycle envelopes)
# through the santuz protocol: the number of synergies of each, matched pairs,
# merging and fractionation, sparseness, cross-fit, and an SVG figure; then
# `synergy batch` on all 15 runners of that data as one group: their counts,
# k-means clusters of their synergies (gap statistic, full default replicate
# counts), the group table and an HTML report.
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
"$binary" batch Datasets/musclesyneRgies/study.csv -o results/quickstart/study --input envelope --protocol santuz

echo
echo "synergy is built: $binary"
echo "Try: $binary --help"
