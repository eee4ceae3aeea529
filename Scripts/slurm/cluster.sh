#!/usr/bin/env bash
# A private single-node SLURM cluster for tests: its own slurm.conf, state,
# spool, logs and ports in a temporary folder, no munge (auth/none,
# cred/none), daemons in the foreground so their process ids are known, and
# nothing left behind: the daemons it started, the jobs they ran and the
# folder are removed when it stops. Installs Debian's slurmctld, slurmd and
# slurm-client when missing (root or sudo), without letting their install
# scripts start any service.
#
#   Scripts/slurm/cluster.sh COMMAND [ARGS...]   starts the cluster, runs COMMAND
#                                                with SLURM_CONF set, stops the
#                                                cluster; exits with COMMAND's status
#   Scripts/slurm/cluster.sh --install           only installs the packages
#   source Scripts/slurm/cluster.sh              defines the functions below:
#     slurm_install          installs the packages when missing
#     slurm_cluster_start    installs, starts the cluster, waits until its node is
#                            idle, exports SLURM_CONF and SLURM_CLUSTER_DIR, and
#                            sets an EXIT trap (run before any EXIT trap already
#                            set) that calls slurm_cluster_stop, and INT and TERM
#                            traps that exit; on failure it prints the daemons'
#                            logs, stops what it started and returns 1
#     slurm_cluster_stop     cancels every job, stops the daemons it started (and
#                            any job step of this cluster still running), removes
#                            the folder
#
# The cluster: one node named `hostname -s` at 127.0.0.1 with nproc CPUs, one
# partition (debug), two free TCP ports, the daemons run as the current user
# (SlurmUser; a non-root slurmd runs only that user's jobs), jobs tracked by
# process (no cgroups), finished jobs listed in $SLURM_CLUSTER_DIR/jobcomp.txt
# (there is no sacct: no slurmdbd) and forgotten by the controller 5 s after
# they end (MinJobAge=5, so that sbatch --wait returns soon).
#
# Environment: SLURM_CLUSTER_TIMEOUT, seconds to wait for the node to be idle
# (default 30).

# The Debian packages and the commands they bring.
SLURM_PACKAGES=(slurmctld slurmd slurm-client)
SLURM_COMMANDS=(slurmctld slurmd sbatch squeue sinfo scancel scontrol)

_slurm_log() { echo "cluster: $*" >&2; }

# slurm_install: installs the packages when a command is missing. Returns 1 on failure.
slurm_install() {
    local command missing=0
    for command in "${SLURM_COMMANDS[@]}"; do
        command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ] || missing=1
    done
    [ "$missing" = 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || { _slurm_log "installing ${SLURM_PACKAGES[*]} needs root or sudo"; return 1; }
        sudo="sudo"
    fi
    _slurm_log "installing ${SLURM_PACKAGES[*]}"
    # A policy-rc.d that exits 101 tells the packages' install scripts not to
    # start their services; one already there is put back afterwards.
    local policy=/usr/sbin/policy-rc.d backup="" status=0
    if [ -e "$policy" ]; then
        backup="$policy.synergy-slurm-backup"
        $sudo mv "$policy" "$backup" || return 1
    fi
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" || status=1
    if [ "$status" = 0 ]; then
        $sudo apt-get update -qq >&2 || status=1
    fi
    if [ "$status" = 0 ]; then
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${SLURM_PACKAGES[@]}" >&2 || status=1
    fi
    $sudo rm -f "$policy"
    [ -z "$backup" ] || $sudo mv "$backup" "$policy"
    [ "$status" = 0 ] || { _slurm_log "could not install ${SLURM_PACKAGES[*]}"; return 1; }
}

# _slurm_free_ports N: prints N different TCP ports, from 20000-59999, that
# nothing on this machine uses (local ports of /proc/net/tcp and tcp6, any state).
_slurm_free_ports() {
    local used=" " local_address rest port tries=0 found=0
    while read -r _ local_address rest; do
        case "$local_address" in *:*) used+="$((16#${local_address##*:})) " ;; esac
    done < <(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)
    while [ "$found" -lt "$1" ] && [ "$tries" -lt 1000 ]; do
        tries=$((tries + 1))
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        case "$used" in *" $port "*) continue ;; esac
        used+="$port "
        found=$((found + 1))
        echo "$port"
    done
    [ "$found" = "$1" ]
}

# _slurm_dump_logs: the daemons' standard error (in the foreground they log
# there as well as to their log files), on standard error.
_slurm_dump_logs() {
    local file
    for file in "$SLURM_CLUSTER_DIR"/log/*.out; do
        [ -s "$file" ] || continue
        echo "----- $file (last 30 lines)" >&2
        tail -n 30 "$file" >&2
    done
}

# _slurm_start_failed MESSAGE: the daemons' logs and MESSAGE on standard
# error, the cluster stopped; returns 1.
_slurm_start_failed() {
    _slurm_dump_logs
    _slurm_log "$*"
    slurm_cluster_stop
    return 1
}

# shellcheck disable=SC2120  # its "set --" only parses the caller's EXIT trap
slurm_cluster_start() {
    slurm_install || return 1
    PATH="$PATH:/usr/sbin:/sbin"
    [ -z "${SLURM_CLUSTER_DIR:-}" ] || { _slurm_log "a cluster is already running in $SLURM_CLUSTER_DIR"; return 1; }
    local dir node cpus user ctld_port slurmd_port timeout
    dir="$(mktemp -d "${TMPDIR:-/tmp}/synergy-slurm.XXXXXX")"
    SLURM_CLUSTER_DIR="$dir"
    _slurm_pids=()
    export SLURM_CLUSTER_DIR

    # Stop the cluster on exit, after whatever EXIT trap the caller had; an
    # interrupt exits, so that the EXIT trap runs.
    local previous=""
    eval "set -- $(trap -p EXIT)"
    [ $# -lt 3 ] || previous="$3"
    # shellcheck disable=SC2064
    trap "slurm_cluster_stop; $previous" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    node="$(hostname -s)"
    cpus="$(nproc)"
    user="$(id -un)"
    local ports
    ports="$(_slurm_free_ports 2)" || { _slurm_start_failed "found no free TCP ports"; return 1; }
    ctld_port="${ports%%$'\n'*}" slurmd_port="${ports##*$'\n'}"
    mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run" "$dir/tmp"
    cat >"$dir/slurm.conf" <<EOF
# A private single-node cluster made by Scripts/slurm/cluster.sh.
ClusterName=synergy-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
TmpFS=$dir/tmp
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
MailProg=/bin/true
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
MinJobAge=5
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=256 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF="$dir/slurm.conf"

    # Each daemon runs in the foreground (-D), so $! is its process id, in a
    # session of its own (setsid), so that an interrupt meant for the caller
    # (Ctrl-C) reaches only the caller, whose trap cancels the jobs and then
    # stops the daemons.
    setsid slurmctld -D -f "$SLURM_CONF" </dev/null >"$dir/log/slurmctld.out" 2>&1 &
    _slurm_pids+=($!)
    setsid slurmd -D -f "$SLURM_CONF" -N "$node" </dev/null >"$dir/log/slurmd.out" 2>&1 &
    _slurm_pids+=($!)

    timeout="${SLURM_CLUSTER_TIMEOUT:-30}"
    local deadline=$((SECONDS + timeout)) state="" pid
    while :; do
        state="$(sinfo -h -N -n "$node" -o '%T' 2>/dev/null || true)"
        [ "$state" = idle ] && break
        for pid in "${_slurm_pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || {
                _slurm_start_failed "a daemon (process $pid) exited during start-up; its logs are above"
                return 1
            }
        done
        if [ "$SECONDS" -ge "$deadline" ]; then
            _slurm_start_failed "node $node was not idle after ${timeout} s (state: ${state:-none}); the logs are above"
            return 1
        fi
        sleep 0.2
    done
    # Where setsid had to fork (a shell with job control), $! was setsid's own
    # id: the daemons' pid files say which processes they are.
    local i file
    for i in 0 1; do
        file="$dir/run/$([ "$i" = 0 ] && echo slurmctld || echo slurmd).pid"
        pid="$(cat "$file" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] && _slurm_pids[i]=$pid
    done
    _slurm_log "node $node idle ($cpus CPUs, ports $ctld_port/$slurmd_port, $dir)"
}

# _slurm_steps: process ids of this cluster's job steps still running (a
# slurmstepd keeps files of the cluster's folder open, e.g. the slurmd log).
_slurm_steps() {
    local pid
    for pid in $(pgrep -x slurmstepd || true); do
        [ -z "$(find "/proc/$pid/fd" -lname "$SLURM_CLUSTER_DIR/*" -print -quit 2>/dev/null)" ] || echo "$pid"
    done
}

slurm_cluster_stop() {
    [ -n "${SLURM_CLUSTER_DIR:-}" ] || return 0
    local pid jobs deadline
    # Cancel every job first, so that no job step outlives the daemons (only
    # while the controller runs: a client would retry for a long time).
    if [ -n "${SLURM_CONF:-}" ] && [ ${#_slurm_pids[@]} -gt 0 ] && kill -0 "${_slurm_pids[0]}" 2>/dev/null; then
        jobs="$(timeout 10 squeue -h -o %A 2>/dev/null || true)"
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086
            timeout 10 scancel $jobs 2>/dev/null || true
            deadline=$((SECONDS + 10))
            while [ -n "$(timeout 5 squeue -h -o %A 2>/dev/null || true)" ] && [ "$SECONDS" -lt "$deadline" ]; do
                sleep 0.2
            done
        fi
    fi
    for pid in "${_slurm_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    deadline=$((SECONDS + 10))
    for pid in "${_slurm_pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    local steps
    steps=$(_slurm_steps)
    for pid in $steps; do kill -KILL "$pid" 2>/dev/null || true; done
    deadline=$((SECONDS + 5))
    for pid in $steps; do   # gone, or a zombie that init reaps
        while [ "$SECONDS" -lt "$deadline" ]; do
            case "$(ps -o stat= -p "$pid" 2>/dev/null || true)" in ""|Z*) break ;; esac
            sleep 0.1
        done
    done
    rm -rf "$SLURM_CLUSTER_DIR"
    _slurm_pids=()
    unset SLURM_CLUSTER_DIR SLURM_CONF
}

# Run, not sourced: install, or run a command inside a cluster.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    print_usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
    case "${1:-}" in
        -h|--help) print_usage; exit 0 ;;
        "") print_usage >&2; exit 2 ;;
        --install) slurm_install; exit ;;
        -*) echo "cluster.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    # shellcheck disable=SC2119
    slurm_cluster_start
    status=0
    "$@" || status=$?
    exit "$status"
fi
