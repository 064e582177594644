#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, with accounting, for running workflow/Snakefile through
# snakemake-executor-plugin-slurm exactly as on a real cluster.
#
#   scripts/slurm-local.sh start                 start munged, MariaDB, slurmdbd, slurmctld, slurmd
#   scripts/slurm-local.sh exec CMD...           run CMD inside the cluster's network namespace (sinfo, sbatch, sacct, ...)
#   scripts/slurm-local.sh run-workflow [ONCO]   generate 40 cases, run the Snakemake workflow on Slurm, check it
#   scripts/slurm-local.sh stop                  stop everything and remove the state
#   scripts/slurm-local.sh test                  start + run-workflow + stop (what .ci/run calls)
#
# Needs root and Debian's slurm-wlm, slurmdbd, munge, mariadb-server, iproute2 (scripts/install-deps.sh slurm),
# and snakemake + snakemake-executor-plugin-slurm from PyPI. ONCO is the onco binary (default: .build/debug/onco).
#
# How (facts in the design notes, checked on this machine kind with Slurm 22.05):
# - Everything Slurm lives in a private network namespace "onco-slurm" made here: loopback plus a veth pair
#   with both ends inside (10.213.0.1, 10.213.0.2; slurmctld listens on all addresses and glibc wants a
#   non-loopback one). Nothing listens on the host's interfaces; no traffic leaves the namespace.
# - Config, state, logs, the munge key and the MariaDB data live in $ONCO_SLURM_DIR (default /tmp/onco-slurm).
#   Commands find the config through SLURM_CONF; munge through AuthInfo=socket=... (and AccountingStoragePass=
#   the same socket, which sacct/sacctmgr use to reach slurmdbd). srun inside jobs reads only the compiled-in
#   /etc/slurm/slurm.conf, so that path is a symlink to our config while the cluster runs (removed by stop;
#   start refuses to replace a real one).
# - Accounting: slurmdbd on MariaDB (TCP 127.0.0.1:3306 inside the namespace), so that `sacct`, which the
#   Snakemake Slurm executor uses to learn when jobs end, works. Cluster "onco", account "onco", user root.
# - Process tracking with proctrack/linuxproc, task/none, cgroup.conf CgroupPlugin=cgroup/v1; no cgroup limits.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
DIR=${ONCO_SLURM_DIR:-/tmp/onco-slurm}
NS=onco-slurm
CONF="$DIR/etc/slurm.conf"
CPUS=$(nproc)
MEM_MB=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))

log() { echo "slurm-local: $*" >&2; }
die() { log "$*"; exit 1; }
inns() { ip netns exec "$NS" env SLURM_CONF="$CONF" "$@"; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  if [[ $1 == inns ]]; then shift; set -- ip netns exec "$NS" env SLURM_CONF="$CONF" "$@"; fi
  local deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if timeout 10 "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "timed out waiting for $what (logs in $DIR/log)"
}

start() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (namespaces, daemons)"
  for b in slurmctld slurmd slurmdbd munged mariadbd mariadb-install-db ip sacct; do
    command -v "$b" >/dev/null || die "$b not found: scripts/install-deps.sh slurm"
  done
  if [[ -e "$DIR/running" ]]; then die "already running (state in $DIR); stop it first"; fi
  rm -rf "$DIR"
  mkdir -p "$DIR"/{etc,log,state,spool,run,munge,mysql}
  trap 'log "start failed (logs kept in $DIR.log.failed)"; rm -rf "$DIR.log.failed"; cp -r "$DIR/log" "$DIR.log.failed" 2>/dev/null; stop' EXIT
  chmod 700 "$DIR/munge"

  log "network namespace $NS"
  ip netns del "$NS" 2>/dev/null || true
  ip netns add "$NS"
  ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" ip link add oncs0 type veth peer name oncs1
  ip netns exec "$NS" ip addr add 10.213.0.1/24 dev oncs0
  ip netns exec "$NS" ip addr add 10.213.0.2/24 dev oncs1
  ip netns exec "$NS" ip link set oncs0 up
  ip netns exec "$NS" ip link set oncs1 up
  touch "$DIR/running"

  log "munged"
  dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$DIR/munge/munge.key"
  munged --force --socket="$DIR/munge/munge.socket" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munged.seed"
  wait_for 10 munged test -S "$DIR/munge/munge.socket"

  log "MariaDB"
  mariadb-install-db --no-defaults --datadir="$DIR/mysql" --user=root --auth-root-authentication-method=normal \
    --skip-test-db >"$DIR/log/mariadb-install.log" 2>&1
  setsid ip netns exec "$NS" mariadbd --no-defaults --datadir="$DIR/mysql" --socket="$DIR/run/mysql.sock" \
    --bind-address=127.0.0.1 --port=3306 --pid-file="$DIR/run/mariadbd.pid" --user=root \
    --log-error="$DIR/log/mariadb.log" --innodb-buffer-pool-size=64M </dev/null >/dev/null 2>&1 &
  wait_for 60 MariaDB mariadb --no-defaults --socket="$DIR/run/mysql.sock" -uroot -e "select 1"
  mariadb --no-defaults --socket="$DIR/run/mysql.sock" -uroot <<'SQL'
CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY 'onco-slurm-local';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
SQL

  log "config in $DIR/etc"
  cat >"$DIR/etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=3306
StorageUser=slurm
StoragePass=onco-slurm-local
StorageLoc=slurm_acct_db
PidFile=$DIR/run/slurmdbd.pid
LogFile=$DIR/log/slurmdbd.log
DebugLevel=info
EOF
  chmod 600 "$DIR/etc/slurmdbd.conf"
  cat >"$CONF" <<EOF
ClusterName=onco
SlurmctldHost=$(hostname -s)(127.0.0.1)
MailProg=/bin/true
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
AccountingStoragePass=$DIR/munge/munge.socket
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=600
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=onco-node CPUs=$CPUS RealMemory=$MEM_MB NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=onco Nodes=onco-node Default=YES MaxTime=INFINITE State=UP
EOF
  echo "CgroupPlugin=cgroup/v1" >"$DIR/etc/cgroup.conf"
  # srun inside a job (the Snakemake plugin runs each rule with srun) finds the config only at the
  # compiled-in path, not through SLURM_CONF: link /etc/slurm/slurm.conf to ours while the cluster runs.
  mkdir -p /etc/slurm
  if [[ -e /etc/slurm/slurm.conf || -L /etc/slurm/slurm.conf ]]; then
    [[ $(readlink /etc/slurm/slurm.conf || true) == "$CONF" ]] || die "/etc/slurm/slurm.conf exists (a real Slurm install?): not replacing it"
  fi
  ln -sfn "$CONF" /etc/slurm/slurm.conf

  log "slurmdbd"
  inns slurmdbd
  wait_for 30 slurmdbd inns sacctmgr -n list cluster
  inns sacctmgr -i add cluster onco >/dev/null
  inns sacctmgr -i add account onco Description="onco batch" Organization=onco >/dev/null
  inns sacctmgr -i add user root Account=onco DefaultAccount=onco >/dev/null

  log "slurmctld, slurmd"
  inns slurmctld
  wait_for 30 slurmctld inns scontrol ping
  inns slurmd -N onco-node
  wait_for 60 "node onco-node idle" bash -c "ip netns exec $NS env SLURM_CONF=$CONF sinfo -h -n onco-node -o %T | grep -qx idle"
  trap - EXIT
  log "up: $(inns sinfo -h -o '%P %D %T %c CPUs %m MB') (state in $DIR)"
}

stop() {
  for d in slurmd slurmctld slurmdbd mariadbd munged; do
    local pidf="$DIR/run/$d.pid"
    if [[ -s "$pidf" ]]; then
      local pid; pid=$(cat "$pidf")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  ip netns del "$NS" 2>/dev/null || true
  if [[ $(readlink /etc/slurm/slurm.conf 2>/dev/null || true) == "$CONF" ]]; then rm -f /etc/slurm/slurm.conf; fi
  if [[ -z "${ONCO_SLURM_KEEP:-}" ]]; then rm -rf "$DIR"; else rm -f "$DIR/running"; fi
  log "stopped"
}

run_workflow() {
  local onco=${1:-$REPO/.build/debug/onco}
  [[ -x "$onco" ]] || die "onco binary $onco not found (swift build)"
  onco=$(cd "$(dirname "$onco")" && pwd)/$(basename "$onco")
  command -v snakemake >/dev/null || die "snakemake not found: scripts/install-deps.sh test"
  python3 -c "import snakemake_executor_plugin_slurm" 2>/dev/null || die "snakemake-executor-plugin-slurm not installed"
  local work="$DIR/work"
  rm -rf "$work" && mkdir -p "$work"
  python3 "$REPO/Benchmarks/scripts/gen_cases.py" --out "$work/cases" --n 40 --seed 5 --corrupt-fraction 0.1 \
    --min-variants 100 --max-variants 1000 --jobs 1
  # The recommend scorer's warehouse: a synthetic SQLite file (one node shares its file system; a real
  # cluster would use PostgreSQL, warehouse=postgres://...).
  "$onco" warehouse synth --patients 2000 --seed 3 --params "$REPO/Cohorts/synthetic-oncology.json" --db "$work/warehouse.sqlite" >/dev/null
  local t0=$SECONDS
  log "snakemake --profile workflow/profiles/slurm (4 shards)"
  local since; since=$(date +%Y-%m-%dT%H:%M:%S)
  # The profile is used unchanged; only status polling is made faster than a real cluster's defaults
  # (40 s before the first sacct, then every 10+ s), which would dominate on a 5-job run.
  (cd "$work" && inns snakemake -s "$REPO/workflow/Snakefile" --profile "$REPO/workflow/profiles/slurm" \
      --slurm-init-seconds-before-status-checks 5 --seconds-between-status-checks 5 \
      --config manifest="$work/cases/manifest.tsv" shards=4 onco="$onco" warehouse="$work/warehouse.sqlite" \
      >"$work/snakemake.log" 2>&1) || {
    tail -40 "$work/snakemake.log" >&2; die "the workflow failed on Slurm (log: $work/snakemake.log)"; }
  local took=$((SECONDS - t0))
  # The same cases in one direct run; the merged Slurm output must hold the same lines (timings aside).
  local rc=0
  "$onco" batch "$work/cases/manifest.tsv" -o "$work/direct.jsonl" --progress none --warehouse "$work/warehouse.sqlite" 2>/dev/null || rc=$?
  [[ $rc -eq 0 || $rc -eq 2 ]] || die "direct onco batch failed ($rc)"
  python3 - "$work/batch-out/merged.jsonl" "$work/direct.jsonl" <<'PY'
import json, sys
def norm(p):
    out = []
    for line in open(p):
        o = json.loads(line); o.pop("timings"); out.append(json.dumps(o, sort_keys=True))
    return out
merged, direct = norm(sys.argv[1]), norm(sys.argv[2])
assert len(merged) == 40, len(merged)
assert sorted(merged) == sorted(direct), "merged Slurm output differs from a direct run"
print(f"slurm-local: merged output = direct run: {len(merged)} cases, "
      f"{sum(json.loads(l)['status'] == 'failed' for l in merged)} failed (the corrupt ones)", file=sys.stderr)
PY
  local jobs
  jobs=$(inns sacct -n -X -P -S "$since" -o State | grep -c "^COMPLETED$" || true)
  others=$(inns sacct -n -X -P -S "$since" -o State | grep -vc "^COMPLETED$" || true)
  inns sacct -X -S "$since" -o JobID,JobName%40,State,Elapsed,AllocCPUS | sed 's/^/  /' >&2
  log "sacct: $jobs jobs COMPLETED, $others other; workflow took ${took}s; $(cat "$work/batch-out/logs/merge.log")"
  [[ $jobs -eq 5 && $others -eq 0 ]] || die "expected 5 completed Slurm jobs (4 shards + merge) and no other"
}

cmd=${1:-}
shift || true
case "$cmd" in
  start) start ;;
  stop) stop ;;
  exec) inns "$@" ;;
  run-workflow) run_workflow "$@" ;;
  test)
    start
    trap stop EXIT
    run_workflow "$@"
    ;;
  *) sed -n '2,12p' "$0" >&2; exit 64 ;;
esac
