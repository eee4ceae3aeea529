# Sourced by setup.sh and test.sh: makes sure Swift is there and installs the
# Debian packages synergy builds against (OpenBLAS's CBLAS, LAPACKE, pkg-config)
# when any is missing. Idempotent; needs root or sudo only when installing.
ensure_system_packages() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "setup: Swift is not on PATH; install a Swift toolchain (swift.org) first" >&2
        return 1
    fi
    local missing=()
    for package in libopenblas-dev liblapacke-dev pkg-config; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "setup: installing ${missing[*]} needs root or sudo" >&2; return 1; }
        sudo="sudo"
    fi
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}
