#!/usr/bin/env bash
# Renders a study report (HTML) with headless Chromium to one PNG of the whole page,
# 1200 pixels wide (WIDTH in the environment changes it), to look at it as a
# browser shows it. The page's height is measured first by loading a copy of it
# with a one-line script added (the report itself has none). Installs Debian's
# `chromium` when missing (root or sudo).
#
#   Scripts/check_report.sh HTML [PNG]     PNG defaults to HTML with .png
set -euo pipefail

fail() { echo "check_report: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib/chromium.sh"

[ $# -ge 1 ] && [ $# -le 2 ] || fail "usage: $0 HTML [PNG]"
html=$1
png=${2:-${html%.html}.png}
[ -f "$html" ] || fail "no such file: $html"
width=${WIDTH:-1200}
limit=30000

ensure_chromium
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The report is self-contained, so a copy elsewhere lays out the same.
probe="$work/probe.html"
sed 's|</body>|<script>document.title = "height=" + Math.ceil(document.documentElement.scrollHeight);</script></body>|' \
    "$html" > "$probe"
run_chromium "$work" --window-size="$width,800" --virtual-time-budget=2000 --dump-dom "file://$(realpath "$probe")" \
    > "$work/dom.html" 2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; fail "chromium could not load $html"; }
height=$(sed -n 's/.*<title>height=\([0-9]*\)<\/title>.*/\1/p' "$work/dom.html" | head -n 1)
[ -n "$height" ] || fail "could not measure the page's height"
if [ "$height" -gt "$limit" ]; then
    echo "check_report: the page is ${height} pixels tall; the PNG shows its first ${limit}" >&2
    height=$limit
fi
chromium_screenshot "$html" "$width" "$height" "$png" "$work"
echo "check_report: $html → $png (${width}×${height})"
