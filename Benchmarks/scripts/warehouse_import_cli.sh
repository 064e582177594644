#!/usr/bin/env bash
# Whole-process `onco warehouse import` of the full TCGA pan-cancer study into SQLite and PostgreSQL,
# with the peers (sqlite3 .import and psql \copy of the uncompressed MAF into one bare text table).
# Usage: Benchmarks/scripts/warehouse_import_cli.sh ONCO_BINARY LABEL [STUDY_DIR]
# Needs a running PostgreSQL in ONCO_TEST_POSTGRES_URL (scripts/pg-temp.sh). Prints /usr/bin/time lines
# (wall, user, sys, peak RSS) and `uptime` before each run; one run each, on a shared machine.
set -euo pipefail
ONCO="$1"; LABEL="$2"
STUDY="${3:-/work/shared/data/cohorts/tcga_pancan_open}"
WORK="${WORK:-/tmp/onco-import-bench}"
mkdir -p "$WORK"
export ONCO_PSEUDONYM_KEY="${ONCO_PSEUDONYM_KEY:-bench-warehouse-pseudonym-key-000}"
PG="${ONCO_TEST_POSTGRES_URL:?start PostgreSQL with scripts/pg-temp.sh}"
fmt="wall=%e s user=%U s sys=%S s peak_rss_kb=%M"
echo "== $LABEL sqlite  $(uptime)"
rm -f "$WORK/$LABEL.sqlite"*
/usr/bin/time -f "$fmt" "$ONCO" warehouse import "$STUDY" --db "$WORK/$LABEL.sqlite" | tail -3
echo "== $LABEL postgres  $(uptime)"
schema="bench_$(echo "$LABEL" | tr -c 'a-z0-9\n' '_')"
psql -q "$PG" -c "DROP SCHEMA IF EXISTS $schema CASCADE" 2>/dev/null || true
/usr/bin/time -f "$fmt" "$ONCO" warehouse import "$STUDY" --db "$PG?schema=$schema" | tail -3
if [[ "${PEERS:-0}" == "1" ]]; then
  [[ -f "$WORK/maf.tsv" ]] || gzip -dc "$STUDY/data_mutations.txt.gz" > "$WORK/maf.tsv"
  echo "== peer sqlite3 .import  $(uptime)"
  rm -f "$WORK/peer.sqlite"
  /usr/bin/time -f "$fmt" sqlite3 "$WORK/peer.sqlite" -cmd ".mode tabs" ".import $WORK/maf.tsv maf"
  echo "== peer psql \\copy  $(uptime)"
  cols=$(head -1 "$WORK/maf.tsv" | tr '\t' '\n' | awk '{printf "%s\"%s\" text", (NR>1?",":""), $0}')
  psql -q "$PG" -c "DROP TABLE IF EXISTS peer_maf" -c "CREATE TABLE peer_maf ($cols)"
  tail -n +2 "$WORK/maf.tsv" > "$WORK/maf_noheader.tsv"
  /usr/bin/time -f "$fmt" psql -q "$PG" -c "\\copy peer_maf FROM '$WORK/maf_noheader.tsv'"
fi
