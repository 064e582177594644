#!/usr/bin/env bash
# Batch engine overhead on 10,000 generated cases (see results/batch.md). Run from Benchmarks/ (make bench).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_BATCH_CASES:-10000}
CASES=work/batch-cases-$N
if [[ ! -s "$CASES/expected.tsv" ]]; then
  rm -rf "$CASES"
  python3 scripts/gen_cases.py --out "$CASES" --n "$N" --seed 42 --corrupt-fraction 0.05
fi
mkdir -p results
.build/release/bench-batch all --cases "$CASES" --out results/batch.md --repeats "${BENCH_BATCH_REPEATS:-3}"
