#!/usr/bin/env bash
# One-shot `onco recommend` (whole process: KB, warehouse, similarity index, case, report) of the demo
# case, several release binaries interleaved on the same warehouse (issue #22 / #23 timing).
# Usage: Benchmarks/scripts/recommend-oneshot.sh DB RUNS BIN [BIN...]
#   DB: a SQLite warehouse (e.g. ten id-offset copies of `onco warehouse synth --params
#   Cohorts/demo-cohort.json --patients 100000 --seed 1`, scripts/replicate_warehouse.py); its similarity
#   index must exist (the first `onco recommend` on it builds it). Prints one line per run: binary, wall,
#   user, system (s), peak RSS (kB), and the load average before the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=$1; runs=$2; shift 2
for ((r = 1; r <= runs; r++)); do
  for bin in "$@"; do
    load=$(uptime | sed 's/.*load average: //')
    /usr/bin/time -f "$bin run $r: wall %e s, user %U s, sys %S s, max RSS %M kB, load before $load" \
      "$bin" recommend --vcf Cohorts/demo/melanoma-braf-v600e.grch37.vcf --tumor-type SKCM --db "$db" --kb KnowledgeBase \
      2>&1 >/dev/null | tail -1
  done
done
