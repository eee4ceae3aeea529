#!/usr/bin/env bash
# Installs the system packages if missing, then runs the test suite and a short
# fuzzing run. Tests run in release mode: the solvers' golden tests fit
# hundreds of factorisations, which unoptimised code takes minutes for. Swift
# Testing is switched off because every test is an XCTest (it would only
# report "0 tests").
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/system-packages.sh
ensure_system_packages

swift test -c release --disable-swift-testing "$@"

# Then, unless arguments select tests: the DocC catalogue built with no warning
# (Scripts/docs.sh: broken links, unresolved symbols, misdocumented parameters
# fail it), a study run as a SLURM job array on a private single-node cluster
# (Scripts/test_slurm.sh: installs Debian's slurm packages when missing, starts
# the daemons and stops exactly those), and each input reader's fuzz target for
# 15 s (longer runs: Scripts/fuzz.sh SECONDS).
if [ $# -eq 0 ]; then
    Scripts/docs.sh
    SYNERGY_BIN="$(swift build -c release --show-bin-path)/synergy" Scripts/test_slurm.sh
    Scripts/fuzz.sh 15
fi
