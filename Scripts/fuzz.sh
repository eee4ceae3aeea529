#!/usr/bin/env bash
# Fuzzes the input readers with libFuzzer under AddressSanitizer.
#
#   Scripts/fuzz.sh SECONDS [csv|c3d|events|manifest|delsys|nexus|noraxon|edf|bts ...]
#
# Runs each target (all nine by default) for SECONDS. Targets are built into
# .build-fuzz with SYNERGY_FUZZ=1 (see Package.swift). Each starts from the
# corpus it grew before (.build-fuzz/corpus/TARGET), the repository's files of
# its kind as seeds, and the committed regression inputs
# (Tests/SynergyKitTests/Fixtures/fuzz/TARGET), which are replayed first.
# A finding is a trap or sanitizer report, an error that is not a one-line
# InputError naming the file, a run over 10 s (a hang) or an allocation over
# 512 MB; it is saved to .build-fuzz/findings/TARGET/ and the script fails.
# Time fuzzed is added up per target in .build-fuzz/fuzz-time.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: Scripts/fuzz.sh SECONDS [csv|c3d|events|manifest|delsys|nexus|noraxon|edf|bts ...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv c3d events manifest delsys nexus noraxon edf bts)

# Longest input each target is given: a few blocks of a C3D file, a few hundred CSV rows.
declare -A max_len=([csv]=16384 [c3d]=16384 [events]=4096 [manifest]=4096
                   [delsys]=16384 [nexus]=16384 [noraxon]=16384 [edf]=16384 [bts]=16384)

build=.build-fuzz
for target in "${targets[@]}"; do
    [ -n "${max_len[$target]:-}" ] || { echo "fuzz: unknown target '$target' (${!max_len[*]})" >&2; exit 2; }
done

# Seeds: every file of the target's kind in the repository, large ones cut to max_len.
seed_files() {
    case $1 in
        csv) find Datasets Tests Scripts -name '*.csv' -not -path '*/manifest/*' -not -name 'study*.csv' \
                 -not -name 'CYCLES*' -not -path '*/events/*' ;;
        c3d) find Datasets Tests -name '*.c3d' ;;
        events) find Datasets Tests -name 'CYCLES*.csv' -o -path '*/events/*.csv' ;;
        manifest) find Datasets Tests -name 'study*.csv' -o -path '*/manifest/*' -type f ;;
        delsys) find Datasets Tests -path '*delsys*' -type f -not -name 'LICENSE*' ;;
        nexus) find Datasets Tests -path '*nexus*' -type f -not -name 'LICENSE*' ;;
        noraxon) find Datasets Tests -path '*noraxon*' -type f -not -name 'LICENSE*' ;;
        edf) find Datasets Tests -iname '*.edf' -o -iname '*.bdf' ;;
        bts) find Datasets Tests -iname '*.emt' ;;
    esac
}

echo "fuzz: building ${targets[*]} (release, AddressSanitizer, libFuzzer)"
mkdir -p "$build/logs"
# One binary serves every target (SYNERGY_FUZZ_TARGET chooses), so one sanitizer build.
# Coverage is asked for explicitly: on a rebuild the driver can leave it out of the Swift modules.
if ! SYNERGY_FUZZ=1 swift build -c release --build-path "$build" --sanitize=fuzzer --sanitize=address \
        -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
        --product FuzzReaders > "$build/logs/build.log" 2>&1; then
    grep -E "error:" "$build/logs/build.log" >&2 || tail -5 "$build/logs/build.log" >&2
    echo "fuzz: building FuzzReaders failed" >&2
    exit 1
fi
binary="$build/release/FuzzReaders"

status=0
for target in "${targets[@]}"; do
    export SYNERGY_FUZZ_TARGET="$target"
    corpus="$build/corpus/$target" seeds="$build/seeds/$target" findings="$build/findings/$target"
    regressions="Tests/SynergyKitTests/Fixtures/fuzz/$target"
    mkdir -p "$corpus" "$findings"
    rm -rf "$seeds" && mkdir -p "$seeds"
    while IFS= read -r file; do
        head -c "${max_len[$target]}" "$file" > "$seeds/$(echo "$file" | tr '/' '_')"
    done < <(seed_files "$target")
    log="$build/logs/$target-$(date -u +%Y%m%dT%H%M%S).log"
    options=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len="${max_len[$target]}"
             -artifact_prefix="$findings/" -print_final_stats=1)
    mapfile -t replay < <(find "$regressions" -type f -not -name '.*' 2>/dev/null | sort)
    if [ ${#replay[@]} -gt 0 ] && ! "$binary" "${options[@]}" "${replay[@]}" > "$log.regressions" 2>&1; then
        echo "fuzz: $target: a committed regression input fails again; see $log.regressions" >&2
        status=1
        continue
    fi
    start=$(date +%s)
    if "$binary" "${options[@]}" -max_total_time="$seconds" "$corpus" "$seeds" > "$log" 2>&1; then
        result="no findings"
        if grep -q "no interesting inputs were found" "$log"; then
            result="NOT INSTRUMENTED: no coverage feedback (log $log)"
            status=1
        fi
    else
        result="FINDING in $findings (log $log)"
        status=1
    fi
    elapsed=$(( $(date +%s) - start ))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
    printf '%s\t%s\t%s\t%s\n' "$target" "$(date -u +%FT%TZ)" "$elapsed" "$runs" >> "$build/fuzz-time.tsv"
    total=$(awk -F'\t' -v t="$target" '$1 == t { s += $3 } END { print s }' "$build/fuzz-time.tsv")
    echo "fuzz: $target: ${elapsed} s, $runs inputs, coverage $coverage, corpus $(ls "$corpus" | wc -l) files," \
         "${total} s in total here: $result"
done
exit $status
