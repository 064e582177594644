#!/usr/bin/env bash
# Recommend benchmark: one case end to end (VCF read, KB match, biomarker-cohort lines of therapy,
# KM + adjusted Cox + PH test per candidate, ranking, all four report formats) against synthetic
# SQLite warehouses of 100,000 and 1,000,000 patients (Cohorts/synthetic-oncology.json, seed 1).
# Targets (issue #7): <= 0.5 s at 100,000 patients, <= 2 s at 1,000,000.
# Usage: Benchmarks/scripts/recommend.sh [SIZES...]   (default: 100000 1000000)
# Warehouses are kept in work/recommend/ and reused when present. The 1M warehouse is, by default, ten
# copies of the 100k one (scripts/replicate_warehouse.py; GENERATE_LARGE=1 generates it instead, ~6 min idle).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BENCH_BIN:-.build/release/bench-recommend}"
WORK=work/recommend
mkdir -p "$WORK" results
if [[ $# -gt 0 ]]; then SIZES=("$@"); else SIZES=(100000 1000000); fi
log="$WORK/log.txt"; : > "$log"
for n in "${SIZES[@]}"; do
  db="$WORK/synth-$n.sqlite"
  if [[ ! -s "$db" ]]; then
    if [[ "$n" -gt 100000 && -s "$WORK/synth-100000.sqlite" && "${GENERATE_LARGE:-0}" != 1 ]]; then
      # Timing fixture: N/100000 copies of the 100,000-patient warehouse (ids offset; see the script).
      echo "== replicate 100000 x $((n / 100000))" | tee -a "$log"
      /usr/bin/time -f "replicate_wall_seconds=%e" python3 scripts/replicate_warehouse.py "$WORK/synth-100000.sqlite" "$db.tmp" $((n / 100000)) 2>&1 | tee -a "$log"
    else
      echo "== synth $n" | tee -a "$log"
      /usr/bin/time -f "peak_rss_kb=%M" "$BIN" synth "$n" "$db.tmp" 2>&1 | tee -a "$log"
    fi
    mv "$db.tmp" "$db"; rm -f "$db.tmp-wal" "$db.tmp-shm" "$db.tmp-journal"
  fi
  # Bring the warehouse to the current schema first (0008 backfills the per-line summary once), so the
  # timed runs below measure a case, not a migration.
  python3 scripts/renumber_premerge_migrations.py "$db" | tee -a "$log"
  echo "== migrate $n" | tee -a "$log"
  "$BIN" migrate "$db" 2>&1 | tee -a "$log"
  echo "== case $n" | tee -a "$log"
  echo "uptime_before=$(uptime | sed 's/.*load average: //')" | tee -a "$log"
  /usr/bin/time -f "process_wall_seconds=%e process_user_seconds=%U process_sys_seconds=%S peak_rss_kb=%M" \
    "$BIN" case "$db" ../Cohorts/demo/melanoma-braf-v600e.grch37.vcf SKCM 5 2>&1 | tee -a "$log"
  echo "uptime_after=$(uptime | sed 's/.*load average: //')" | tee -a "$log"
done
echo "log: $log (results/recommend.md is written by hand from it)"
