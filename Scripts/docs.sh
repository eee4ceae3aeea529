#!/usr/bin/env bash
# Builds the DocC catalogue Sources/SynergyKit/SynergyKit.docc (the articles and
# the documentation comments of SynergyKit's public API) with the
# swift-docc-plugin, and fails on any warning: a broken <doc:Article> link, an
# unresolved ``Symbol`` reference, a parameter documented that does not exist, …
#
#   Scripts/docs.sh                   → .build/docs/SynergyKit.doccarchive
#   Scripts/docs.sh OUTDIR            → OUTDIR (a .doccarchive folder)
#   Scripts/docs.sh --static OUTDIR   → OUTDIR as a static website (any web server;
#                                       HOSTING_BASE_PATH=synergy for a site under /synergy/)
#
# Live preview while writing: swift package --disable-sandbox preview-documentation --target SynergyKit
set -euo pipefail
cd "$(dirname "$0")/.."

static=()
if [ "${1:-}" = "--static" ]; then
    static=(--transform-for-static-hosting)
    [ -n "${HOSTING_BASE_PATH:-}" ] && static+=(--hosting-base-path "$HOSTING_BASE_PATH")
    shift
fi
out="${1:-.build/docs/SynergyKit.doccarchive}"
mkdir -p "$(dirname "$out")"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# In release mode, as setup.sh and test.sh build: the symbol graphs then come
# from the build those scripts already made (a debug build would compile
# swift-crypto once more).
swift package -c release --disable-sandbox generate-documentation --target SynergyKit \
    --output-path "$out" --warnings-as-errors "${static[@]}" 2>&1 | tee "$log" || status=$?

# docc's --warnings-as-errors already fails the build; the check below also
# catches a warning docc or the plugin prints that the flag lets through. Only
# the documentation step counts: compiler output of the build that makes the
# symbol graphs (before "Building documentation for") is the compiler's business.
if awk '/^Building documentation for/ { docs = 1 } docs' "$log" | grep -E "(warning|error): " >/dev/null; then
    echo "docs: the documentation build gave warnings (above)" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "docs: the documentation build failed (exit code $status)" >&2
    exit "$status"
fi
echo "docs: built $out without warnings"
