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

# Then each input reader's fuzz target for 15 s (longer runs: Scripts/fuzz.sh SECONDS);
# skipped when arguments select tests.
[ $# -gt 0 ] || Scripts/fuzz.sh 15
