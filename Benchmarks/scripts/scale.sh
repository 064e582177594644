#!/usr/bin/env bash
# Scale table (issue #23 point 5, docs/scale.md): one synthetic warehouse of N patients on one store, every
# step a whole `onco` process under /usr/bin/time. Usage (from the repo root):
#   Benchmarks/scripts/scale.sh WORKDIR ONCO N [STORE]
#     STORE: a SQLite path (default WORKDIR/scale-N.sqlite) or a postgres:// URL (an empty database).
# Steps, each printed as one `step=... wall=... user=... sys=... rss_kb=...` line with the load before it:
#   synth   `onco warehouse synth --params Cohorts/demo-cohort.json --patients N --seed 1` (the generator writes
#           through the warehouse's import path: one transaction per chunk, indexes, ANALYZE)
#   index   `onco warehouse index` (the similarity index beside the warehouse)
#   recommend x3, similar x3: the demo case (BRAF V600E melanoma), one-shot processes
#   cohort  `onco cohort run Cohorts/studies/synthetic-tp53-by-stage.json` (KM, log-rank, Cox + strata)
#   batch   200 generated cases (Benchmarks/scripts/gen_cases.py, seed 42) with `onco batch --warehouse --jobs 2`
#   size    bytes of the SQLite file + index, or pg_database_size
# The synth step is skipped when the store already holds N patients (WORKDIR/scale-N.done marks it).
set -euo pipefail
work=${1:?usage: scale.sh WORKDIR ONCO N [STORE]}; onco=${2:?ONCO binary}; n=${3:?patients}
store=${4:-$work/scale-$n.sqlite}
mkdir -p "$work"
tag=$(basename "$store" | tr -c 'A-Za-z0-9_.\n-' '_')
run() { # run STEP CMD...: one line of figures for a whole process
  local step=$1; shift
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f "step=$step wall=%e user=%U sys=%S rss_kb=%M load_before=\"$load\"" "$@" \
    >"$work/$tag.$step.out" 2>"$work/$tag.$step.err" || { echo "step=$step FAILED (see $work/$tag.$step.err)"; tail -3 "$work/$tag.$step.err"; return 1; }
  tail -1 "$work/$tag.$step.err"
}
echo "n=$n store=$store commit=$(git rev-parse --short HEAD) date=$(date -u +%FT%TZ)"
if [[ ! -f "$work/$tag.done" ]]; then
  run synth "$onco" warehouse synth --params Cohorts/demo-cohort.json --patients "$n" --seed 1 --db "$store"
  touch "$work/$tag.done"
fi
run index "$onco" warehouse index --db "$store"
for r in 1 2 3; do
  run "recommend$r" "$onco" recommend --vcf Cohorts/demo/melanoma-braf-v600e.grch37.vcf --tumor-type SKCM --db "$store" --kb KnowledgeBase
done
for r in 1 2 3; do
  run "similar$r" "$onco" similar --vcf Cohorts/demo/melanoma-braf-v600e.grch37.vcf --tumor-type SKCM --k 50 --db "$store"
done
run cohort "$onco" cohort run Cohorts/studies/synthetic-tp53-by-stage.json --db "$store" --format json
cases=$work/cases-200
if [[ ! -s "$cases/manifest.tsv" ]]; then
  python3 Benchmarks/scripts/gen_cases.py --out "$cases" --n 200 --seed 42 --corrupt-fraction 0
fi
run batch "$onco" batch run "$cases/manifest.tsv" --warehouse "$store" --kb KnowledgeBase --jobs 2 -o "$work/$tag.batch.jsonl" || echo "batch exit non-zero (cases failed or batch error)"
python3 -c 'import json,sys,collections; c=collections.Counter(json.loads(l).get("status") for l in open(sys.argv[1])); print("batch_status=" + ",".join(f"{k}:{v}" for k, v in sorted(c.items())))' "$work/$tag.batch.jsonl"
if [[ $store == postgres* ]]; then
  echo "size_bytes=$(psql "$store" -Atc 'SELECT pg_database_size(current_database())')"
else
  echo "size_bytes=$(stat -c %s "$store") index_bytes=$(stat -c %s "$store.simidx" 2>/dev/null || echo 0)"
fi
