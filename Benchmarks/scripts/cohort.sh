#!/usr/bin/env bash
# Cohort-study benchmark (issue 8): KM + log-rank + Cox over a 1,000,000-patient synthetic warehouse,
# SQLite and PostgreSQL. Usage (from the repo root):
#   Benchmarks/scripts/cohort.sh WORKDIR [PATIENTS]
# Builds bench-cohort (release), generates the warehouse(s) once (SQLite ~6 min at 1M), then times
# the studies 3 times each. Prints key=value lines with `uptime` before and after.
set -euo pipefail
work="${1:?usage: cohort.sh WORKDIR [PATIENTS]}"; n="${2:-1000000}"
mkdir -p "$work"
(cd Benchmarks && nice -n 10 swift build -c release --product bench-cohort)
bench=Benchmarks/.build/release/bench-cohort
db="$work/synth-$n.sqlite"
[[ -f "$db" ]] || /usr/bin/time -v "$bench" synth "$n" "$db" 2> "$work/synth-sqlite.time"
echo "uptime_before=$(uptime)"
/usr/bin/time -v "$bench" run "$db" 3 2> "$work/run-sqlite.time"
grep -E "Elapsed|User time|System time|Maximum resident" "$work/run-sqlite.time"
echo "uptime_after=$(uptime)"
if [[ -n "${ONCO_BENCH_POSTGRES_URL:-}" ]]; then
  pg="$ONCO_BENCH_POSTGRES_URL"
  [[ -f "$work/pg-$n.done" ]] || { "$bench" synth "$n" "$pg"; touch "$work/pg-$n.done"; }
  echo "uptime_before_pg=$(uptime)"
  /usr/bin/time -v "$bench" run "$pg" 3 2> "$work/run-pg.time"
  grep -E "Elapsed|User time|System time|Maximum resident" "$work/run-pg.time"
  echo "uptime_after_pg=$(uptime)"
fi
