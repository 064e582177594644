#!/usr/bin/env bash
# Batch benchmarks (results/batch.md; engine overhead in results/batch-engine.md). Run from Benchmarks/ (make all) or directly.
#
# 1. Recommendation throughput (issue 9): 10,000 generated cases (gen_cases.py, drivers drawn from the
#    synthetic warehouse's model) scored by the recommend scorer (`bench-batch recommend`: the same
#    RecommendScorer.prepare + BatchRunner as `onco batch --warehouse DB`, release build) against a
#    100,000-patient synthetic SQLite warehouse, with --jobs 1 and --jobs 2, each under /usr/bin/time -v
#    (wall, user+sys CPU, peak RSS), with the load average before and after; the per-stage cost comes
#    from the JSON lines' timings. Report: scripts/batch_recommend_report.py.
# 2. Engine overhead (bench-batch: file-check and null scorers), unless BENCH_BATCH_ENGINE=0.
#
# Environment: BENCH_BATCH_CASES (10000), BENCH_BATCH_SUBSET (score only the first K cases of the generated
# set: a manifest of them in work/batch-cases-N-first-K), BENCH_BATCH_PATIENTS (100000), BENCH_BATCH_JOBS ("1 2"),
# ONCO (for `warehouse synth`; default: ../.build/debug/onco, built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_BATCH_CASES:-10000}
P=${BENCH_BATCH_PATIENTS:-100000}
JOBS=${BENCH_BATCH_JOBS:-"1 2"}
CASES=work/batch-cases-$N
DB=work/warehouse-${P}.sqlite
OUT=work/batch-recommend
ONCO=${ONCO:-../.build/debug/onco}
mkdir -p results work "$OUT"
if [[ ! -x "$ONCO" ]]; then (cd .. && swift build --product onco); fi
swift build -c release --product bench-batch
if [[ ! -s "$CASES/expected.tsv" ]]; then
  rm -rf "$CASES"
  python3 scripts/gen_cases.py --out "$CASES" --n "$N" --seed 42 --corrupt-fraction 0.05
fi
if [[ ! -s "$DB" ]]; then
  "$ONCO" warehouse synth --patients "$P" --seed 42 --params ../Cohorts/synthetic-oncology.json --db "$DB.partial" && mv "$DB.partial" "$DB"
fi
if [[ -n ${BENCH_BATCH_SUBSET:-} ]]; then
  K=$BENCH_BATCH_SUBSET
  SUB=work/batch-cases-$N-first-$K
  mkdir -p "$SUB"
  head -n $((K + 1)) "$CASES/manifest.tsv" | awk -F'\t' -v OFS='\t' 'NR > 1 { $2 = "../batch-cases-'"$N"'/" $2 } { print }' >"$SUB/manifest.tsv"
  head -n $((K + 1)) "$CASES/expected.tsv" >"$SUB/expected.tsv"
  CASES=$SUB
fi
# Bring the warehouse to the current schema before the timed runs (migration 0008 backfills the
# per-line summary once; otherwise the first run's start-up would include it).
python3 scripts/renumber_premerge_migrations.py "$DB"
"$ONCO" warehouse init --db "$DB"
# Page cache warm for every run alike: read the cases and the warehouse once.
cat work/batch-cases-$N/vcf/*.vcf.gz "$DB" >/dev/null

runs=()
for j in $JOBS; do
  tag="j$j"
  cat /proc/loadavg >"$OUT/$tag.load-before"
  /usr/bin/time -v -o "$OUT/$tag.time" .build/release/bench-batch recommend --cases "$CASES" --out "$OUT/$tag.jsonl" \
    --warehouse "$DB" --kb ../KnowledgeBase --jobs "$j" 2>"$OUT/$tag.stderr" || rc=$?
  rc=${rc:-0}
  cat /proc/loadavg >"$OUT/$tag.load-after"
  [[ $rc -eq 0 || $rc -eq 2 ]] || { cat "$OUT/$tag.stderr" >&2; exit 1; }
  unset rc
  runs+=("$tag")
done
python3 scripts/batch_recommend_report.py --cases "$CASES" --warehouse "$DB" --patients "$P" --dir "$OUT" \
  --runs "${runs[@]}" --generated "$N" --out results/batch.md

if [[ ${BENCH_BATCH_ENGINE:-1} != 0 ]]; then
  .build/release/bench-batch all --cases "$CASES" --out results/batch-engine.md --repeats "${BENCH_BATCH_REPEATS:-3}"
fi
