#!/usr/bin/env bash
# A throwaway one-node Slurm cluster on localhost, for tests/slurm/run.sh. Source this file, then:
#   cluster_start     munged + slurmctld + slurmd (as root) with their own config, state, pids and logs
#                     in a fresh temp dir ($SLURM_TMP); exports SLURM_CONF; waits until the node is idle
#   cluster_stop      stops every daemon it started by PID (call it from a trap) and removes $SLURM_TMP
# Non-default ports (override with SLURM_TEST_PORT) keep it clear of a real cluster on the same host;
# proctrack/linuxproc and task/none need neither cgroups nor systemd.
# Run directly (`cluster.sh start|stop`) it keeps the temp dir path in /tmp/fmplab-slurm-test.dir.

CLUSTER_STATE_FILE=/tmp/fmplab-slurm-test.dir

cluster_log() { echo "[cluster] $*" >&2; }

cluster_start() {
  [ "$(id -u)" -eq 0 ] || { cluster_log "must run as root (slurmd, munged)"; return 1; }
  local d
  for d in munged slurmctld slurmd sbatch sinfo; do
    command -v "$d" >/dev/null || [ -x "/usr/sbin/$d" ] || { cluster_log "$d not found: apt-get install slurm-wlm munge"; return 1; }
  done
  SLURM_TMP=$(mktemp -d /tmp/fmplab-slurm.XXXXXX)
  chmod 755 "$SLURM_TMP"
  export SLURM_TMP
  local host port mem cpus
  host=$(hostname -s)
  port=${SLURM_TEST_PORT:-26817}
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ {print int($2/1024) - 1024}' /proc/meminfo)   # MB, leaving 1 GB to the OS
  mkdir -p "$SLURM_TMP"/{state,spool,munge}
  chown munge:munge "$SLURM_TMP/munge"
  # munged with its own socket, pid and log (the system key): never touches a running system munged.
  su -s /bin/sh munge -c "/usr/sbin/munged --socket=$SLURM_TMP/munge/munge.socket \
      --pid-file=$SLURM_TMP/munge/munged.pid --log-file=$SLURM_TMP/munge/munged.log \
      --seed-file=$SLURM_TMP/munge/munged.seed" || { cluster_log "munged failed to start"; return 1; }
  cat > "$SLURM_TMP/slurm.conf" <<CONF
ClusterName=fmplabtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SLURM_TMP/munge/munge.socket
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$SLURM_TMP/state
SlurmdSpoolDir=$SLURM_TMP/spool
SlurmctldPidFile=$SLURM_TMP/slurmctld.pid
SlurmdPidFile=$SLURM_TMP/slurmd.pid
SlurmctldLogFile=$SLURM_TMP/slurmctld.log
SlurmdLogFile=$SLURM_TMP/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
MinJobAge=600
KillWait=5
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$SLURM_TMP/slurm.conf"
  /usr/sbin/slurmctld -f "$SLURM_CONF" || { cluster_log "slurmctld failed: $(tail -5 "$SLURM_TMP/slurmctld.log" 2>/dev/null)"; return 1; }
  /usr/sbin/slurmd -f "$SLURM_CONF" || { cluster_log "slurmd failed: $(tail -5 "$SLURM_TMP/slurmd.log" 2>/dev/null)"; return 1; }
  local i state
  for i in $(seq 1 60); do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && { cluster_log "node $host idle (${i}s), SLURM_CONF=$SLURM_CONF"; return 0; }
    sleep 1
  done
  cluster_log "node not idle after 60 s (state '$state'); slurmctld log:"; tail -20 "$SLURM_TMP/slurmctld.log" >&2
  return 1
}

# Stops a daemon by the PID in its pid file and waits (up to 10 s) for it to exit.
cluster_kill_pidfile() {
  local f=$1 pid i
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

cluster_stop() {
  [ -n "${SLURM_TMP:-}" ] && [ -d "$SLURM_TMP" ] || return 0
  # Jobs first (slurmd's job steps run as its children's children), then the daemons by PID.
  [ -s "$SLURM_TMP/slurmctld.pid" ] && scancel --full --quiet -u root 2>/dev/null && sleep 1
  cluster_kill_pidfile "$SLURM_TMP/slurmd.pid"
  cluster_kill_pidfile "$SLURM_TMP/slurmctld.pid"
  cluster_kill_pidfile "$SLURM_TMP/munge/munged.pid"
  rm -rf "$SLURM_TMP"
  unset SLURM_TMP SLURM_CONF
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start) cluster_start; echo "$SLURM_TMP" > "$CLUSTER_STATE_FILE"; echo "export SLURM_CONF=$SLURM_CONF" ;;
    stop) SLURM_TMP=$(cat "$CLUSTER_STATE_FILE" 2>/dev/null || true); export SLURM_CONF="${SLURM_TMP:-x}/slurm.conf"
          cluster_stop; rm -f "$CLUSTER_STATE_FILE" ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
  esac
fi
