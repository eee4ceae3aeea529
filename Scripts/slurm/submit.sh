#!/usr/bin/env bash
# Runs a study on a SLURM cluster: submits one job array of N tasks, each
# running one shard of `synergy batch MANIFEST -o OUTDIR` (Scripts/slurm/study.sbatch),
# then one job running `synergy merge OUTDIR` once every task has ended,
# whether it succeeded, failed or was cancelled (--dependency=afterany).
#
#   Scripts/slurm/submit.sh MANIFEST OUTDIR --tasks N [--partition P] [--time HH:MM:SS]
#                           [--cpus C] [--wait] [-- BATCH OPTIONS...]
#
#   --tasks N       tasks of the array, i.e. shards (required)
#   --partition P   the partition of both jobs (default: the cluster's default)
#   --time T        time limit of each task and of the merge job (default: the
#                   #SBATCH line of study.sbatch, one hour, for the tasks; the
#                   partition's for the merge job)
#   --cpus C        CPUs of each task and of the merge job (default 1); synergy
#                   runs --threads C --jobs C
#   --wait          wait for the merge job, and exit with its exit code: 0 when
#                   every session was analysed, 1 when some failed (listed in
#                   summary.csv and report.html), 2 when sessions have no
#                   result (a task was cancelled or died: submit again)
#   -- OPTIONS      options of `synergy batch` for every task (e.g. --algorithm hals)
#
# Prints "array job ID" and "merge job ID" on standard output. MANIFEST and
# OUTDIR must be on a filesystem the nodes share. Submitting the same study
# again finishes it: sessions already done are kept, the rest are run. Slurm's
# output of each job goes to OUTDIR/slurm/ (slurm-ARRAYID_TASK.out,
# slurm-ID-merge.out); synergy leaves files it does not know alone.
# The synergy binary is $SYNERGY_BIN, else synergy on PATH, else this
# repository's release build (swift build -c release); the jobs get its
# absolute path. Bad arguments: one line on standard error, exit code 2,
# nothing submitted.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/Scripts/lib/script-kit.sh"

die() { echo "submit.sh: $*" >&2; exit 2; }

manifest="" outdir="" tasks="" partition="" time_limit="" cpus=1 wait=0
positional=()
batch_options=()
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) print_usage; exit 0 ;;
        --tasks|--partition|--time|--cpus)
            [ $# -ge 2 ] || die "$1 needs a value (see --help)"
            case "$1" in
                --tasks) tasks=$2 ;;
                --partition) partition=$2 ;;
                --time) time_limit=$2 ;;
                --cpus) cpus=$2 ;;
            esac
            shift ;;
        --wait) wait=1 ;;
        --) shift; batch_options=("$@"); break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) positional+=("$1") ;;
    esac
    shift
done

[ ${#positional[@]} -ge 1 ] || die "no MANIFEST given (usage: submit.sh MANIFEST OUTDIR --tasks N; see --help)"
[ ${#positional[@]} -ge 2 ] || die "no OUTDIR given (usage: submit.sh MANIFEST OUTDIR --tasks N; see --help)"
[ ${#positional[@]} -le 2 ] || die "unexpected argument ${positional[2]} (options of synergy batch go after --)"
manifest=${positional[0]}
outdir=${positional[1]}
[ -f "$manifest" ] || die "no such manifest: $manifest"
[ -n "$tasks" ] || die "--tasks N is required (the number of array tasks)"
[[ "$tasks" =~ ^[0-9]+$ ]] && [ "$((10#$tasks))" -ge 1 ] || die "--tasks takes a whole number of at least 1, not '$tasks'"
[[ "$cpus" =~ ^[0-9]+$ ]] && [ "$((10#$cpus))" -ge 1 ] || die "--cpus takes a whole number of at least 1, not '$cpus'"
tasks=$((10#$tasks)) cpus=$((10#$cpus))
[ -z "$outdir" ] && die "OUTDIR is empty"
[ ! -e "$outdir" ] || [ -d "$outdir" ] || die "OUTDIR is not a folder: $outdir"
command -v sbatch >/dev/null 2>&1 || die "sbatch is not on PATH (is this a SLURM cluster's login node?)"

# The binary, as an absolute path.
if [ -n "${SYNERGY_BIN:-}" ]; then
    bin=$SYNERGY_BIN
    [ -f "$bin" ] && [ -x "$bin" ] || die "SYNERGY_BIN is not an executable file: $bin"
elif command -v synergy >/dev/null 2>&1; then
    bin=$(command -v synergy)
else
    bin=""
    if command -v swift >/dev/null 2>&1; then
        bin="$(cd "$ROOT" && swift build -c release --show-bin-path 2>/dev/null)/synergy" || bin=""
    fi
    [ -n "$bin" ] && [ -x "$bin" ] \
        || die "no synergy binary: set SYNERGY_BIN, put synergy on PATH, or build it (swift build -c release)"
fi
absolute() { (cd "$(dirname "$1")" && echo "$(pwd -P)/$(basename "$1")"); }
bin=$(absolute "$bin")
manifest=$(absolute "$manifest")
mkdir -p "$outdir/slurm" || die "cannot make $outdir/slurm"
outdir=$(cd "$outdir" && pwd -P)
logs="$outdir/slurm"

common=(--parsable --cpus-per-task="$cpus" --export="ALL,SYNERGY_BIN=$bin,SYNERGY_SHARDS=$tasks")
[ -z "$partition" ] || common+=(--partition="$partition")
[ -z "$time_limit" ] || common+=(--time="$time_limit")

# Strips the ";cluster" that --parsable may add to a job id.
job_id() { local id=$1; echo "${id%%;*}"; }

array=$(sbatch "${common[@]}" --array="1-$tasks" --job-name=synergy-study --output="$logs/slurm-%A_%a.out" \
    "$ROOT/Scripts/slurm/study.sbatch" "$manifest" "$outdir" "${batch_options[@]}") \
    || { echo "submit.sh: sbatch refused the job array" >&2; exit 1; }
array=$(job_id "$array")
echo "array job $array"

# The merge job's command, quoted for /bin/sh (sbatch --wrap).
quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
merge="exec $(quote "$bin") merge $(quote "$outdir") --threads $cpus"
merge_job=(sbatch "${common[@]}" --dependency="afterany:$array" --kill-on-invalid-dep=no --job-name=synergy-merge
    --output="$logs/slurm-%j-merge.out" --wrap="$merge")

if [ "$wait" = 0 ]; then
    id=$("${merge_job[@]}") || { echo "submit.sh: sbatch refused the merge job (array job $array is queued)" >&2; exit 1; }
    echo "merge job $(job_id "$id")"
    exit 0
fi

# sbatch --wait prints the job id at once, then exits with the job's exit code
# when it ends. It runs in the background so that an interrupt stops the
# waiting at once (the jobs stay queued).
idfile=$(mktemp "${TMPDIR:-/tmp}/synergy-submit.XXXXXX")
"${merge_job[@]}" --wait >"$idfile" &
waiter=$!
trap 'kill "$waiter" 2>/dev/null || true; rm -f "$idfile"' EXIT
trap 'echo "submit.sh: stopped waiting; array job $array and merge job ${id:-?} are still queued" >&2; exit 130' INT TERM
id=""
while [ -z "$id" ] && kill -0 "$waiter" 2>/dev/null; do
    sleep 0.1
    read -r id <"$idfile" || true
done
[ -n "$id" ] || read -r id <"$idfile" || true
[ -n "$id" ] || { echo "submit.sh: sbatch refused the merge job (array job $array is queued)" >&2; exit 1; }
echo "merge job $(job_id "$id")"
status=0
wait "$waiter" || status=$?
exit "$status"
