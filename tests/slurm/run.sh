#!/usr/bin/env bash
# Runs ./fmplab study through a real one-node Slurm cluster started here (tests/slurm/cluster.sh) and checks:
#  (a) the Slurm executor gives exactly the local executor's CSVs (cells.csv without its seconds column,
#      summary.csv, paired.csv);
#  (b) an array task cancelled with scancel is simply run again by the next `study` call, nothing lost or
#      duplicated;
#  (c) a task that fails (a bad attack parameter) is reported with its index, exit code and log while the
#      other task completes;
#  (d) every daemon is stopped by PID and the temp dir removed, whatever happens (trap).
# Needs root, slurm-wlm and munge, and the built toolkit (./fmplab setup). Prints "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source tests/slurm/cluster.sh

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok: $*"; }
bad() { FAILED=$((FAILED + 1)); echo "FAILED: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

WORK=$(mktemp -d /tmp/fmplab-slurm-test.XXXXXX)
BG=()
cleanup() {
  local p
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
  cluster_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

JAR=$(ls toolkit/target/fmplab-toolkit-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1)
[ -n "$JAR" ] || { echo "toolkit not built (./fmplab setup)"; echo "0 passed, 1 failed"; exit 1; }
CP="$ROOT/$JAR:$ROOT/toolkit/target/lib/*"
study() {
  java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" org.fmplab.experiment.Main study "$@"
}
# Slurm flags of every run here: 1 CPU and 3 GB per task (two tasks at once on 2 cores), squeue every second.
SLURM=(--executor slurm --cpus-per-task 1 --mem 3G --time 10 --poll 1)

# A tiny study, 2 tasks x 3 cells: the undefended model, FMP at C/4 and one random control draw.
spec() {  # spec FILE ATTACKS SEEDS
  cat > "$1" <<JSON
{"name": "slurm-test", "datasets": ["fashion-mnist"], "attacks": $2, "seeds": $3,
 "defenses": ["fmp(probe=8;steps=2)"], "sizes": ["C/4"], "fine-tune-sizes": [], "control-draws": 1, "analyses": [],
 "model": "smallcnn", "width": 4, "train-limit": 400, "test-limit": 200, "epochs": 1, "defender-fraction": 0.2}
JSON
}
# A CSV without the column named $2 (timings differ between runs; everything else must not).
without_column() {
  python3 -c 'import csv,sys
r=list(csv.reader(open(sys.argv[1])))
i=r[0].index(sys.argv[2]) if sys.argv[2] in r[0] else None
for row in r: print(",".join(c for j,c in enumerate(row) if j!=i))' "$1" "$2"
}
same_cells() {  # same_cells DIR1 DIR2: cells.csv equal but for the seconds column
  [ -s "$1/cells.csv" ] && [ -s "$2/cells.csv" ] || { echo "  no cells.csv in $1 or $2"; return 1; }
  diff <(without_column "$1/cells.csv" seconds) <(without_column "$2/cells.csv" seconds) >&2
}
same_stats() {  # same_stats DIR1 DIR2: summary.csv and paired.csv equal
  local f
  for f in summary.csv paired.csv; do
    [ -s "$1/$f" ] && [ -s "$2/$f" ] || { echo "  no $f in $1 or $2"; return 1; }
    diff "$1/$f" "$2/$f" >&2 || return 1
  done
}
no_duplicate_rows() {  # every (dataset, attack, defense, variant, size, seed, draw, stage) once
  [ "$(without_column "$1" seconds | cut -d, -f1-8 | sort | uniq -d | wc -l)" -eq 0 ]
}
some_missing() { study --spec "$1" --out "$2" --list-tasks | grep -q "	missing$"; }

T0=$(date +%s)
cluster_start || { echo "0 passed, 1 failed"; exit 1; }
cd "$WORK"
spec "$WORK/two.json" '["badnets"]' '[0, 1]'

# (a) local (2 JVMs) and Slurm give the same tables
study --spec two.json --out local --executor local --jobs 2 > local.out 2>&1
check "(a) local executor finishes the study" test $? -eq 0
study --spec two.json --out slurm "${SLURM[@]}" > slurm.out 2>&1
rc=$?
check "(a) slurm executor finishes the study" test $rc -eq 0
check "(a) slurm executor submitted one array of 2 tasks" grep -q "submitted job array [0-9]* (2 tasks" slurm.out
check "(a) slurm cells.csv equals the local one (but for seconds)" same_cells local slurm
check "(a) slurm summary.csv and paired.csv equal the local ones" same_stats local slurm
check "(a) 6 cells, each once" test "$(grep -c ',pruned,\|,backdoored,' slurm/cells.csv)" -eq 6

# (b) scancel a running array task, then rerun: only that task runs again; the tables are complete
study --spec two.json --out cancel "${SLURM[@]}" > cancel1.out 2>&1 &
BG+=($!)
job=""; victim=""
for i in $(seq 1 120); do
  job=$(sed -n 's/^submitted job array \([0-9]*\).*/\1/p' cancel1.out)
  [ -n "$job" ] && victim=$(squeue -h -r -j "$job" -t RUNNING -o %i 2>/dev/null | head -1)
  [ -n "$victim" ] && break
  sleep 1
done
sleep 3  # let the task get into its work (the JVM is up, the store opened)
if [ -n "$victim" ] && scancel "$victim"; then ok "(b) cancelled running array task $victim"; else bad "(b) no running array task to cancel (job '$job')"; fi
wait "${BG[-1]}"; rc=$?
check "(b) the interrupted study exits non-zero" test $rc -ne 0
check "(b) the report names the cancelled task" grep -q "failed: task ${victim#*_} .*CANCELLED" cancel1.out
check "(b) after the cancel the study lists a missing task" some_missing two.json cancel
study --spec two.json --out cancel "${SLURM[@]}" > cancel2.out 2>&1
check "(b) the rerun finishes the study" test $? -eq 0
check "(b) the rerun submits only the cancelled task" grep -q "submitted job array [0-9]* (1 tasks" cancel2.out
check "(b) nothing duplicated" no_duplicate_rows cancel/cells.csv
check "(b) nothing lost: cells.csv equals the uninterrupted study's" same_cells slurm cancel
check "(b) summary.csv and paired.csv equal the uninterrupted study's" same_stats slurm cancel

# (c) a bad attack parameter makes task 1 fail; task 0 completes and the report names task 1
spec "$WORK/bad.json" '["badnets", "badnets(size=0)"]' '[2]'
study --spec bad.json --out bad "${SLURM[@]}" > bad.out 2>&1
check "(c) a study with a failing task exits non-zero" test $? -ne 0
check "(c) the report names task 1 with its exit code and log" grep -q "failed: task 1 (fashion-mnist/badnets(size=0)/seed 2) FAILED, exit code [1-9][0-9]*, log $WORK/bad/exec/logs/task-1-job[0-9]*.log" bad.out
log=$(sed -n 's/^failed: task 1 .* log \(.*\)$/\1/p' bad.out)
check "(c) the failed task's log says why" grep -q "size = 0 must be >= 1" "${log:-/nonexistent}"
check "(c) the other task completed" grep -q "^0	.*	done$" <(study --spec bad.json --out bad --list-tasks)

# (d) the daemons stop by PID and nothing is left behind
pids=$(cat "$SLURM_TMP/slurmctld.pid" "$SLURM_TMP/slurmd.pid" "$SLURM_TMP/munge/munged.pid")
tmp=$SLURM_TMP
cluster_stop
alive=0; for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
check "(d) slurmctld, slurmd and munged stopped" test $alive -eq 0
check "(d) the cluster's temp dir is gone" test ! -e "$tmp"

for f in "$WORK"/*.out; do [ $FAILED -gt 0 ] && { echo "--- $f"; tail -15 "$f"; }; done
echo "slurm test took $(( $(date +%s) - T0 )) s"
echo "$PASSED passed, $FAILED failed"
[ $FAILED -eq 0 ]
