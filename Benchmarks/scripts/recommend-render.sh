#!/usr/bin/env bash
# Report rendering benchmark (issue #7): the demo melanoma case (Cohorts/demo/melanoma-braf-v600e.grch37.vcf,
# SKCM) is recommended once against the 100,000-patient synthetic SQLite warehouse, then the same
# Recommendation is rendered REPEATS times in each format; prints CPU seconds per render (median, mean).
# Target: HTML <= 0.05 s CPU. Usage: Benchmarks/scripts/recommend-render.sh [REPEATS] [OUT_DIR]
# OUT_DIR (optional) receives the four reports, with and without the warehouse, for byte comparison.
# The warehouse is work/recommend/synth-100000.sqlite (as recommend.sh uses it), generated when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BENCH_BIN:-.build/release/bench-recommend}"
WORK=work/recommend
mkdir -p "$WORK"
db="$WORK/synth-100000.sqlite"
if [[ ! -s "$db" ]]; then
  "$BIN" synth 100000 "$db.tmp"
  mv "$db.tmp" "$db"; rm -f "$db.tmp-wal" "$db.tmp-shm" "$db.tmp-journal"
fi
echo "uptime_before=$(uptime | sed 's/.*load average: //')"
/usr/bin/time -f "process_wall_seconds=%e process_user_seconds=%U process_sys_seconds=%S peak_rss_kb=%M" \
  "$BIN" render "$db" ../Cohorts/demo/melanoma-braf-v600e.grch37.vcf SKCM "${1:-20}" ${2:+"$2"} 2>&1
echo "uptime_after=$(uptime | sed 's/.*load average: //')"
