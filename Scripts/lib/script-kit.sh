# Shared by the benchmark and check scripts (bench.sh, bench_study.sh,
# bench_preprocess.sh, check_memory.sh): usage from the script's header,
# progress lines, a work folder and the synergy binary. The script sets ROOT
# (the repository) and LOG_TAG (its progress prefix) before sourcing this.

# The script's header comment, without the leading '# ': its --help.
print_usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

# unknown_option ARG: the one-line error for an option the script does not take; exit code 2.
unknown_option() { echo "$(basename "$0"): unknown option $1 (see --help)" >&2; exit 2; }

# parse_minutes_and_keep DEFAULT ARGS...: the options of the scripts that
# simulate a long recording: --minutes N sets $minutes (else DEFAULT), --keep
# sets $keep to 1, --help prints the usage.
parse_minutes_and_keep() {
  minutes="$1"; keep=0; shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --minutes) minutes="$2"; shift ;;
      --keep) keep=1 ;;
      -h|--help) print_usage; exit 0 ;;
      *) unknown_option "$1" ;;
    esac
    shift
  done
}

# log MESSAGE...: a time-stamped progress line on stderr.
log() { echo "[$LOG_TAG $(date +%H:%M:%S)] $*" >&2; }

# make_work_folder NAME KEEP: sets $work to a new temporary folder, removed on
# exit unless KEEP is 1 (then its path is printed).
make_work_folder() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  if [ "$2" = 1 ]; then trap 'log "results kept in $work"' EXIT; else trap 'rm -rf "$work"' EXIT; fi
}

# synergy_binary: sets $bin to $SYNERGY_BIN, or builds the tool (release) and
# sets $bin to the build.
synergy_binary() {
  if [ -n "${SYNERGY_BIN:-}" ]; then
    bin="$SYNERGY_BIN"
  else
    log "building synergy (release)"
    (cd "$ROOT" && swift build -c release --product synergy >&2) \
      || { echo "$(basename "$0"): swift build -c release --product synergy failed" >&2; exit 1; }
    bin="$(cd "$ROOT" && swift build -c release --show-bin-path)/synergy"
  fi
  [ -x "$bin" ] || { echo "$(basename "$0"): no executable synergy binary at $bin" >&2; exit 1; }
}
