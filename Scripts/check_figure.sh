#!/usr/bin/env bash
# Renders an SVG figure with headless Chromium to a PNG the size of the SVG, to look
# at it as a browser shows it. Installs Debian's `chromium` when missing (root or sudo);
# crops with python3 (standard library only).
#
#   Scripts/check_figure.sh SVG [PNG]     PNG defaults to SVG with .png
set -euo pipefail

fail() { echo "check_figure: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib/chromium.sh"

[ $# -ge 1 ] && [ $# -le 2 ] || fail "usage: $0 SVG [PNG]"
svg=$1
png=${2:-${svg%.svg}.png}
[ -f "$svg" ] || fail "no such file: $svg"

ensure_chromium

# The root element's width and height attributes (in pixels) size the screenshot.
root=$(tr '\n' ' ' < "$svg" | grep -o '<svg[^>]*>' | head -n 1) || fail "$svg has no <svg> element"
width=$(sed -n 's/.* width="\([0-9.]*\)\(px\)\{0,1\}".*/\1/p' <<< "$root")
height=$(sed -n 's/.* height="\([0-9.]*\)\(px\)\{0,1\}".*/\1/p' <<< "$root")
[ -n "$width" ] && [ -n "$height" ] || fail "the <svg> element of $svg needs width and height in pixels"
width=$(printf '%.0f' "$width")
height=$(printf '%.0f' "$height")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chromium_screenshot "$svg" "$width" "$height" "$png" "$work"
echo "check_figure: $svg → $png (${width}×${height})"
