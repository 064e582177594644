#!/usr/bin/env bash
# Cohort-study benchmark (issue 8): KM + log-rank + Cox over a 1,000,000-patient synthetic warehouse,
# SQLite and PostgreSQL. Usage (from the repo root):
#   Benchmarks/scripts/cohort.sh WORKDIR [PATIENTS]
# Builds bench-cohort (release). The SQLite warehouse is WORKDIR/synth-N.sqlite: when missing, a copy of
# $ONCO_BENCHDATA/synth-N.sqlite (default /work/benchdata; never modified) if there is one, else generated
# (`bench-cohort synth`, ~6 min at 1M). The shared copy predates the renumbering of the biomarker index
# migration (0004 → 0005): its `onco_migration` row is renamed in the copy so that 0004, 0006 and 0007
# apply on the first open (timed separately by `bench-cohort migrate`). Then the studies run 3 times each.
# PostgreSQL too when ONCO_BENCH_POSTGRES_URL is set (generated there once, timed). Prints key=value
# lines with `uptime` before and after.
set -euo pipefail
work="${1:?usage: cohort.sh WORKDIR [PATIENTS]}"; n="${2:-1000000}"
mkdir -p "$work"
(cd Benchmarks && nice -n 10 swift build -c release --product bench-cohort)
bench=Benchmarks/.build/release/bench-cohort
db="$work/synth-$n.sqlite"
shared="${ONCO_BENCHDATA:-/work/benchdata}/synth-$n.sqlite"
if [[ ! -f "$db" && -f "$shared" ]]; then
  cp "$shared" "$db"
  sqlite3 "$db" "UPDATE onco_migration SET name = '0005_biomarker_cohort_indexes' WHERE name = '0004_biomarker_cohort_indexes'"
fi
[[ -f "$db" ]] || /usr/bin/time -v "$bench" synth "$n" "$db" 2> "$work/synth-sqlite.time"
"$bench" migrate "$db"
echo "uptime_before=$(uptime)"
/usr/bin/time -v "$bench" run "$db" 3 2> "$work/run-sqlite.time"
grep -E "Elapsed|User time|System time|Maximum resident" "$work/run-sqlite.time"
echo "uptime_after=$(uptime)"
if [[ -n "${ONCO_BENCH_POSTGRES_URL:-}" ]]; then
  pg="$ONCO_BENCH_POSTGRES_URL"
  if [[ ! -f "$work/pg-$n.done" ]]; then
    echo "uptime_before_pg_load=$(uptime)"
    /usr/bin/time -v "$bench" synth "$n" "$pg" 2> "$work/synth-pg.time"
    grep -E "Elapsed|User time|System time" "$work/synth-pg.time"
    touch "$work/pg-$n.done"
  fi
  "$bench" migrate "$pg"
  echo "uptime_before_pg=$(uptime)"
  /usr/bin/time -v "$bench" run "$pg" 3 2> "$work/run-pg.time"
  grep -E "Elapsed|User time|System time|Maximum resident" "$work/run-pg.time"
  echo "uptime_after_pg=$(uptime)"
fi
