#!/usr/bin/env bash
# One-shot `onco similar` (whole process: warehouse, similarity index, case, the k neighbours' lines and
# outcomes, report) of the demo case, several release binaries interleaved on the same warehouse (issue #23).
# Usage: Benchmarks/scripts/similar-oneshot.sh DB RUNS BIN [BIN...]
#   DB: a SQLite warehouse with its similarity index (see recommend-oneshot.sh). Prints one line per run:
#   binary, wall, user, system (s), peak RSS (kB), and the load average before the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=$1; runs=$2; shift 2
for ((r = 1; r <= runs; r++)); do
  for bin in "$@"; do
    load=$(uptime | sed 's/.*load average: //')
    /usr/bin/time -f "$bin run $r: wall %e s, user %U s, sys %S s, max RSS %M kB, load before $load" \
      "$bin" similar --vcf Cohorts/demo/melanoma-braf-v600e.grch37.vcf --tumor-type SKCM --db "$db" \
      2>&1 >/dev/null | tail -1
  done
done
