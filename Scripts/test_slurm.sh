#!/usr/bin/env bash
# Integration test of Scripts/slurm/: a study run as a SLURM job array on a
# live single-node cluster (Scripts/slurm/cluster.sh starts a private one,
# installing Debian's slurm packages when missing, and stops it at the end).
#
#   bad input  submit.sh refuses a missing manifest, a missing OUTDIR, --tasks
#              missing, 0 or not a number, an unknown option, no sbatch on PATH
#              and no synergy binary: one line on stderr, exit code 2, nothing
#              submitted, no OUTDIR made
#   a. a simulated study of 8 sessions, run by one `synergy batch` (the
#      reference), then by `submit.sh --tasks 4 --wait`: every file in OUTDIR
#      is the reference's byte for byte (diff -r; only OUTDIR/slurm/, the job
#      logs, is extra), every task and the merge job completed
#   b. the same study submitted into a new OUTDIR, task 2 cancelled (scancel)
#      while it runs, between its two sessions' first and second: the merge
#      job still runs and fails (exit code 2, naming the missing session),
#      `synergy status` reports all sessions done but that one, pending;
#      submitting again completes the study, byte for byte the reference, with
#      no temporaries (.*.partial-*) left and the finished session kept
#   c. a copy of the study with one recording cut in half: the merge job runs,
#      summary.csv, study.json, report.html and `synergy status` list that session
#      as failed with its error, and `submit.sh --wait` exits with merge's code, 1
# then checks that no daemon or job step of the cluster is left, and prints
# the time taken (about a minute on 2 cores).
#
# Usage: Scripts/test_slurm.sh [--keep]
#   --keep   keep the work folder and print its path
# Environment: SYNERGY_BIN uses this binary instead of building one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=test_slurm
source "$ROOT/Scripts/lib/script-kit.sh"
source "$ROOT/Scripts/slurm/cluster.sh"
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -h|--help) print_usage; exit 0 ;;
    *) unknown_option "$arg" ;;
  esac
done
started=$SECONDS
SUBMIT="$ROOT/Scripts/slurm/submit.sh"

fail() { echo "test_slurm: FAIL: $*" >&2; exit 1; }

make_work_folder synergy-test-slurm "$keep"
synergy_binary
export SYNERGY_BIN="$bin"

steps_before=" $( (pgrep -x slurmstepd || true) | tr "\n" " ") "
# shellcheck disable=SC2119
slurm_cluster_start
conf=$SLURM_CONF
daemons=("${_slurm_pids[@]}")
jobcomp="$SLURM_CLUSTER_DIR/jobcomp.txt"

# The study: 2 groups x 2 subjects x 2 time points = 8 sessions of 30 s.
# Settings as the CLI tests' fast ones, but 20 replicates per rank so that a
# task runs for a few seconds (long enough to be cancelled while it runs).
log "simulating the study"
"$bin" simulate --study -o "$work/study" --muscles 12 --synergies 4 --sample-rate 1000 --duration 30 \
    --seed 3 --groups 2 --subjects 2 --time-points 2 >/dev/null
manifest="$work/study/manifest.csv"
sessions=$(($(wc -l <"$manifest") - 1))
[ "$sessions" -ge 8 ] || fail "the simulated study has $sessions sessions, not at least 8"
settings=(--algorithm hals --replicates 20 --kmeans-replicates 50 --gap-references 20 --gap-replicates 10
          --max-clusters 8)

log "reference: synergy batch on this machine"
"$bin" batch "$manifest" -o "$work/reference" "${settings[@]}" --quiet >/dev/null \
    || fail "the reference run of synergy batch failed"

# wait_for_jobcomp JOBID [ARRAY_TASK]: waits until the job has ended and prints
# its line in the cluster's job completion log.
wait_for_jobcomp() {
  local pattern="^JobId=$1 " deadline=$((SECONDS + 120)) line
  [ $# -lt 2 ] || pattern=" ArrayJobId=$1 ArrayTaskId=$2 "
  while :; do
    line=$(grep -E -- "$pattern" "$jobcomp" 2>/dev/null | tail -n 1 || true)
    [ -z "$line" ] || { echo "$line"; return 0; }
    [ "$SECONDS" -lt "$deadline" ] || fail "job $1${2:+_$2} did not end within 120 s"
    sleep 0.2
  done
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# submit_ids OUTPUT: sets $array_job and $merge_job from submit.sh's output.
submit_ids() {
  array_job=$(sed -n 's/^array job \([0-9][0-9]*\)$/\1/p' <<<"$1")
  merge_job=$(sed -n 's/^merge job \([0-9][0-9]*\)$/\1/p' <<<"$1")
  [ -n "$array_job" ] && [ -n "$merge_job" ] || fail "submit.sh printed no 'array job ID' and 'merge job ID' lines: $1"
}
same_as_reference() {  # same_as_reference OUTDIR SCENARIO
  diff -r -x slurm "$work/reference" "$1" >"$work/diff.txt" 2>&1 \
    || { head -n 20 "$work/diff.txt" >&2; fail "$2: $1 differs from the reference run (diff -r above)"; }
}
queue_is_empty() { [ -z "$(squeue -h -o %A)" ]; }

# Bad input: one line on stderr, exit code 2, nothing submitted, no OUTDIR.
log "bad input"
queue_is_empty || fail "the queue is not empty before the bad-input checks"
nosbatch="$work/no-sbatch-bin"   # every command of /usr/bin but sbatch
mkdir -p "$nosbatch"
find /usr/bin -mindepth 1 -maxdepth 1 ! -name sbatch -exec ln -s -t "$nosbatch" {} +
bad_input() {  # bad_input WHAT EXPECTED ARGS...: ARGS may start with VAR=VALUE; EXPECTED is in the message
  local what=$1 expected=$2 status=0
  shift 2
  env "$@" >"$work/bad.out" 2>"$work/bad.err" || status=$?
  [ "$status" = 2 ] || fail "bad input ($what): exit code $status, not 2"
  [ "$(wc -l <"$work/bad.err")" = 1 ] || { cat "$work/bad.err" >&2; fail "bad input ($what): not one line on stderr"; }
  grep -q -- "$expected" "$work/bad.err" || fail "bad input ($what): '$(cat "$work/bad.err")' does not say '$expected'"
  [ ! -s "$work/bad.out" ] || fail "bad input ($what): printed on stdout: $(cat "$work/bad.out")"
  [ ! -e "$work/bad-outdir" ] || fail "bad input ($what): OUTDIR was made"
  queue_is_empty || fail "bad input ($what): a job was submitted"
}
out="$work/bad-outdir"
bad_input "missing manifest" "no such manifest" "$SUBMIT" "$work/missing.csv" "$out" --tasks 2
bad_input "no OUTDIR" "no OUTDIR" "$SUBMIT" "$manifest" --tasks 2
bad_input "no --tasks" "--tasks N is required" "$SUBMIT" "$manifest" "$out"
bad_input "--tasks 0" "not '0'" "$SUBMIT" "$manifest" "$out" --tasks 0
bad_input "--tasks x" "not 'x'" "$SUBMIT" "$manifest" "$out" --tasks x
bad_input "--tasks without a value" "--tasks needs a value" "$SUBMIT" "$manifest" "$out" --tasks
bad_input "unknown option" "unknown option --nodes" "$SUBMIT" "$manifest" "$out" --tasks 2 --nodes 3
bad_input "no sbatch on PATH" "sbatch is not on PATH" PATH="$nosbatch" "$SUBMIT" "$manifest" "$out" --tasks 2
bad_input "no synergy binary" "SYNERGY_BIN is not an executable" SYNERGY_BIN="$work/no-synergy" \
  "$SUBMIT" "$manifest" "$out" --tasks 2

# a. Four tasks and a merge give the reference's bytes.
log "a. submit.sh --tasks 4 --wait"
status=0
output=$("$SUBMIT" "$manifest" "$work/out_a" --tasks 4 --wait -- "${settings[@]}") || status=$?
submit_ids "$output"
[ "$status" = 0 ] || fail "a: submit.sh --wait exited with $status, not 0 (merge log: $(cat "$work"/out_a/slurm/*merge.out))"
for task in 1 2 3 4; do
  line=$(wait_for_jobcomp "$array_job" "$task")
  [ "$(field JobState "$line")" = COMPLETED ] || fail "a: task $task did not complete: $line"
  [ -s "$work/out_a/slurm/slurm-${array_job}_$task.out" ] || fail "a: no log of task $task in out_a/slurm"
done
line=$(wait_for_jobcomp "$merge_job")
[ "$(field JobState "$line")" = COMPLETED ] || fail "a: the merge job did not complete: $line"
same_as_reference "$work/out_a" a

# b. Task 2 (shard 2/4: sessions 2 and 6) cancelled while it runs, once its first
# session is done and the second in flight; the merge job runs and fails;
# submitting again finishes the study and keeps the session that was done.
session_id() { sed -n "$(($1 + 1))p" "$manifest" | awk -F, '{ print $1 "_" $3 }'; }
done_id=$(session_id 2) inflight_id=$(session_id 6)
log "b. task 2 cancelled while it runs ($done_id done, $inflight_id in flight), then submitted again"
output=$("$SUBMIT" "$manifest" "$work/out_b" --tasks 4 -- "${settings[@]}")
submit_ids "$output"
deadline=$((SECONDS + 60))
until [ -e "$work/out_b/sessions/$done_id.key" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "b: task 2 did not finish $done_id within 60 s"
  sleep 0.05
done
scancel "${array_job}_2"
line=$(wait_for_jobcomp "$array_job" 2)
[ "$(field JobState "$line")" = CANCELLED ] || fail "b: task 2 was not cancelled (finished first?): $line"
line=$(wait_for_jobcomp "$merge_job")
[ "$(field JobState "$line")" = FAILED ] && [ "$(field ExitCode "$line")" = 2:0 ] \
  || fail "b: the merge job after the cancelled task did not fail with exit code 2 (sessions missing): $line"
merge_log="$work/out_b/slurm/slurm-$merge_job-merge.out"
grep -q "have no result yet.*$inflight_id" "$merge_log" && ! grep -q "$done_id" "$merge_log" \
  || fail "b: the merge log does not name just the cancelled session $inflight_id as missing: $(cat "$merge_log")"
[ ! -e "$work/out_b/study.json" ] || fail "b: the failed merge wrote study.json"
log "b: temporaries left by the cancelled task: $(find "$work/out_b" -name '.*.partial-*' | wc -l)"
# synergy status on the half-finished study: all but the cancelled session done,
# that one pending (its process is gone, so its running marker does not count).
state=$("$SYNERGY_BIN" status "$work/out_b" --json)
counts=$(python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["done"], s["failed"], s["running"], s["pending"],
  " ".join(x["id"] for x in s["sessions"] if x["state"] != "done"))' <<<"$state")
[ "$counts" = "$((sessions - 1)) 0 0 1 $inflight_id" ] \
  || fail "b: synergy status of the half-finished study says done failed running pending = $counts"
"$SYNERGY_BIN" status "$work/out_b" | grep -q "^  $inflight_id: pending$" \
  || fail "b: synergy status does not list $inflight_id as pending: $("$SYNERGY_BIN" status "$work/out_b")"
kept=$(stat -c %y "$work/out_b/sessions/$done_id.json")
status=0
output=$("$SUBMIT" "$manifest" "$work/out_b" --tasks 4 --wait -- "${settings[@]}") || status=$?
[ "$status" = 0 ] || fail "b: submitting again exited with $status, not 0"
same_as_reference "$work/out_b" b
partials=$(find "$work/out_b" -name '.*.partial-*')
[ -z "$partials" ] || fail "b: temporaries left in OUTDIR: $partials"
[ "$(stat -c %y "$work/out_b/sessions/$done_id.json")" = "$kept" ] \
  || fail "b: $done_id, finished before the cancel, was computed again"

# c. One recording cut in half: merge runs and reports that session as failed.
log "c. a corrupt recording"
cp -r "$work/study" "$work/study_c"
broken_row=$(sed -n 4p "$work/study_c/manifest.csv")   # the third session
IFS=, read -r subject _ session path _ <<<"$broken_row"
broken="${subject}_$session"
recording="$work/study_c/$path"
truncate -s $(($(stat -c %s "$recording") / 2)) "$recording"
status=0
output=$("$SUBMIT" "$work/study_c/manifest.csv" "$work/out_c" --tasks 4 --wait -- "${settings[@]}") || status=$?
submit_ids "$output"
[ "$status" = 1 ] || fail "c: submit.sh --wait exited with $status, not merge's 1 (some sessions failed)"
for task in 1 2 3 4; do
  line=$(wait_for_jobcomp "$array_job" "$task")
  [ "$(field JobState "$line")" = COMPLETED ] || fail "c: task $task is not COMPLETED (a failed session must not fail it): $line"
done
grep -q "^  $broken: $path: " "$work"/out_c/slurm/slurm-"${array_job}"_*.out \
  || fail "c: no task log names the failed session $broken and its error"
line=$(wait_for_jobcomp "$merge_job")
[ "$(field ExitCode "$line")" = 1:0 ] || fail "c: the merge job's exit code is not 1: $line"
[ -s "$work/out_c/sessions/$broken.error.json" ] || fail "c: no sessions/$broken.error.json"
row=$(grep "^$subject,.*,$session,.*" "$work/out_c/summary.csv" || true)
[[ "$row" == *",failed,"*"$path:"* ]] || fail "c: summary.csv does not list $broken as failed with its error: $row"
error=${row#*"$path: "}
[ "$(grep -c ',ok,' "$work/out_c/summary.csv")" = $((sessions - 1)) ] \
  || fail "c: summary.csv does not have $((sessions - 1)) sessions ok"
grep -q '"failed" : 1\|"failed": 1' "$work/out_c/study.json" || fail "c: study.json does not count 1 failed session"
grep -q "$broken" "$work/out_c/report.html" && grep -q "failed" "$work/out_c/report.html" \
  || fail "c: report.html does not list $broken as failed"
grep -qF "${error:0:30}" "$work/out_c/report.html" || fail "c: report.html does not show the error of $broken: $error"
"$SYNERGY_BIN" status "$work/out_c" | grep -qF "  $broken: failed: $path: ${error:0:30}" \
  || fail "c: synergy status does not list $broken as failed with its error: $("$SYNERGY_BIN" status "$work/out_c")"

# Nothing left running.
slurm_cluster_stop
left=$(pgrep -f -- "$conf" || true)
for pid in "${daemons[@]}"; do kill -0 "$pid" 2>/dev/null && left+=" $pid"; done
for pid in $(pgrep -x slurmstepd || true); do   # zombies are not running: init reaps them
  [[ "$steps_before" == *" $pid "* ]] && continue
  case "$(ps -o stat= -p "$pid" || true)" in ""|Z*) ;; *) left+=" $pid" ;; esac
done
[ -z "${left// /}" ] || fail "processes of the cluster are still running: $left"

echo "test_slurm: bad input, a, b and c passed in $((SECONDS - started)) s"
