# Sourced by check_figure.sh and check_report.sh: headless Chromium screenshots.
# Needs the caller to define fail() (print a message and exit). Installs Debian's
# `chromium` when missing (root or sudo); crops with python3 (standard library only).

find_chromium() { command -v chromium || command -v chromium-browser || true; }

# Sets $browser to a Chromium binary, installing the Debian package if there is none.
ensure_chromium() {
    browser=$(find_chromium)
    [ -n "$browser" ] && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "chromium is not installed, and installing it needs root or sudo"
        sudo="sudo"
    fi
    echo "$(basename "$0" .sh): installing chromium" >&2
    $sudo apt-get update -qq || fail "apt-get update failed"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        || fail "could not install the Debian package chromium"
    browser=$(find_chromium)
    [ -n "$browser" ] || fail "chromium was installed but is not on PATH"
}

# Runs headless Chromium with a throw-away profile in $1 (a folder), then the remaining arguments.
run_chromium() {
    local work=$1
    shift
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" "$@"
}

# chromium_screenshot FILE WIDTH HEIGHT PNG WORK: FILE as a browser window WIDTH pixels
# wide shows it, the first HEIGHT rows of it, as PNG. WORK is a scratch folder.
chromium_screenshot() {
    local file=$1 width=$2 height=$3 png=$4 work=$5
    # Headless Chromium clips a very short window, so the window is taller than
    # wanted and the extra rows at the bottom are cut off the PNG afterwards.
    local extra=100
    rm -f "$png" "$work/screen.png"
    if ! run_chromium "$work" --window-size="$width,$((height + extra))" --screenshot="$work/screen.png" \
            "file://$(realpath "$file")" >"$work/chromium.log" 2>&1 || [ ! -s "$work/screen.png" ]; then
        cat "$work/chromium.log" >&2
        fail "chromium failed to render $file"
    fi
    python3 - "$work/screen.png" "$png" "$height" <<'PY' || fail "could not crop the screenshot to $height rows"
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
}
