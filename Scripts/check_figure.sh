#!/usr/bin/env bash
# Renders an SVG figure with headless Chromium to a PNG the size of the SVG, to look
# at it as a browser shows it. Installs Debian's `chromium` when missing (root or sudo);
# crops with python3 (standard library only).
#
#   Scripts/check_figure.sh SVG [PNG]     PNG defaults to SVG with .png
set -euo pipefail

fail() { echo "check_figure: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || fail "usage: $0 SVG [PNG]"
svg=$1
png=${2:-${svg%.svg}.png}
[ -f "$svg" ] || fail "no such file: $svg"

find_chromium() { command -v chromium || command -v chromium-browser || true; }

browser=$(find_chromium)
if [ -z "$browser" ]; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "chromium is not installed, and installing it needs root or sudo"
        sudo="sudo"
    fi
    echo "check_figure: installing chromium" >&2
    $sudo apt-get update -qq || fail "apt-get update failed"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        || fail "could not install the Debian package chromium"
    browser=$(find_chromium)
    [ -n "$browser" ] || fail "chromium was installed but is not on PATH"
fi

# The root element's width and height attributes (in pixels) size the screenshot.
root=$(tr '\n' ' ' < "$svg" | grep -o '<svg[^>]*>' | head -n 1) || fail "$svg has no <svg> element"
width=$(sed -n 's/.* width="\([0-9.]*\)\(px\)\{0,1\}".*/\1/p' <<< "$root")
height=$(sed -n 's/.* height="\([0-9.]*\)\(px\)\{0,1\}".*/\1/p' <<< "$root")
[ -n "$width" ] && [ -n "$height" ] || fail "the <svg> element of $svg needs width and height in pixels"
width=$(printf '%.0f' "$width")
height=$(printf '%.0f' "$height")

# Headless Chromium clips a very short window, so the window is taller than the
# figure and the extra rows at the bottom are cut off the PNG afterwards.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
extra=100
rm -f "$png"
if ! "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
        --window-size="$width,$((height + extra))" --screenshot="$work/screen.png" \
        "file://$(realpath "$svg")" >"$work/chromium.log" 2>&1 || [ ! -s "$work/screen.png" ]; then
    cat "$work/chromium.log" >&2
    fail "chromium failed to render $svg"
fi
python3 - "$work/screen.png" "$png" "$height" <<'PY' || fail "could not crop the screenshot to the figure's height"
# Keeps the first HEIGHT rows of a non-interlaced PNG: the filtered rows stay valid as they are.
import struct, sys, zlib
source, target, height = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(source, "rb").read()
chunks, offset = [], 8
while offset < len(data):
    length, kind = struct.unpack(">I4s", data[offset:offset + 8])
    chunks.append((kind, data[offset + 8:offset + 8 + length]))
    offset += 12 + length
header = dict(chunks)[b"IHDR"]
width, _, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
assert depth == 8 and interlace == 0, "expected an 8-bit, non-interlaced PNG"
channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
with open(target, "wb") as out:
    out.write(data[:8] + chunk(b"IHDR", struct.pack(">I", width) + struct.pack(">I", height) + header[8:])
              + chunk(b"IDAT", zlib.compress(pixels[:height * (1 + width * channels)], 9)) + chunk(b"IEND", b""))
PY
echo "check_figure: $svg → $png (${width}×${height})"
