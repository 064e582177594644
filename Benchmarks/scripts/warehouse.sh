#!/usr/bin/env bash
# Warehouse benchmark: full tcga_pancan_open import into SQLite and PostgreSQL (rows/s), the peers
# (sqlite3 .import and psql \copy of the same MAF into a bare table: the raw load ceiling), synthetic
# generation rate, and a 1,000,000-patient synthetic warehouse built and queried.
# Usage: Benchmarks/scripts/warehouse.sh [STUDY_DIR] [PATIENTS]   (run from the repository root or Benchmarks/)
set -euo pipefail
cd "$(dirname "$0")/.."
STUDY="${1:-${ONCO_STUDY:-../../shared/data/cohorts/tcga_pancan_open}}"
N="${2:-1000000}"
BIN="${BENCH_BIN:-.build/release/bench-warehouse}"
WORK=work/warehouse
rm -rf "$WORK"; mkdir -p "$WORK" results
export ONCO_PSEUDONYM_KEY="${ONCO_PSEUDONYM_KEY:-bench-warehouse-pseudonym-key-000}"
started=""
if [[ -z "${ONCO_TEST_POSTGRES_URL:-}" ]]; then
  eval "$(../scripts/pg-temp.sh)"; started="$ONCO_PG_DIR"
  trap '../scripts/pg-temp.sh stop "$started"' EXIT
fi
PG="$ONCO_TEST_POSTGRES_URL"
log="$WORK/log.txt"
run() { echo "== $*" | tee -a "$log"; /usr/bin/time -f "peak_rss_kb=%M" "$@" 2>&1 | tee -a "$log"; }

run "$BIN" import "$STUDY" "$WORK/tcga.sqlite"
run "$BIN" import "$STUDY" "$PG?schema=bench_tcga"
# Peers: bare loads of the uncompressed MAF (no parsing, no pseudonymisation, no indexes).
gzip -dc "$STUDY/data_mutations.txt.gz" > "$WORK/maf.tsv"
echo "== peer sqlite3 .import" | tee -a "$log"
s=$(date +%s.%N); sqlite3 "$WORK/peer.sqlite" -cmd ".mode tabs" ".import $WORK/maf.tsv maf" ; e=$(date +%s.%N)
echo "peer_sqlite_seconds=$(echo "$e - $s" | bc)" | tee -a "$log"
echo "== peer psql \\copy" | tee -a "$log"
cols=$(head -1 "$WORK/maf.tsv" | tr '\t' '\n' | awk '{printf "%s\"%s\" text", (NR>1?",":""), $0}')
psql -q "$PG" -c "CREATE TABLE peer_maf ($cols)"
s=$(date +%s.%N); psql -q "$PG" -c "\\copy peer_maf FROM '$WORK/maf.tsv' WITH (FORMAT text, HEADER false)" 2>/dev/null || \
  (tail -n +2 "$WORK/maf.tsv" > "$WORK/maf_noheader.tsv" && psql -q "$PG" -c "\\copy peer_maf FROM '$WORK/maf_noheader.tsv'"); e=$(date +%s.%N)
echo "peer_psql_seconds=$(echo "$e - $s" | bc)" | tee -a "$log"

run "$BIN" synth-rate 200000
run "$BIN" synth "$N" "$WORK/synth.sqlite"
ls -l "$WORK/synth.sqlite" | tee -a "$log"
run "$BIN" query "$WORK/synth.sqlite"
if [[ "${BENCH_PG_SYNTH:-1}" == "1" ]]; then
  run "$BIN" synth "$N" "$PG?schema=bench_synth"
  run "$BIN" query "$PG?schema=bench_synth"
fi
echo "log: $WORK/log.txt (results/warehouse.md is written by hand from it, with the machine and command)"
