#!/usr/bin/env bash
# Survival benchmark: onco's Survival module against R survival, on the same synthetic data, in the
# same run. Writes Benchmarks/results/survival.md.
#   data:   scripts/bench_survival_gen.py (splitmix64 generator of the shared survival fixtures, seed 20251129)
#   onco:   .build/release/bench-survival  (Sources/bench-survival/main.swift)
#   R:      scripts/bench_survival.R        (coxph, survfit, survdiff; R 4.2 / survival 3.5)
# Environment: WORK (default work/survival), REPS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-work/survival}
REPS=${REPS:-3}
SEED=20251129
mkdir -p "$WORK" results
gen() {  # rows file [--cols ...]
  if [[ ! -s "$WORK/$2" ]]; then
    echo "== generating $2"
    python3 scripts/bench_survival_gen.py "$1" "$SEED" "$WORK/$2" "${@:3}" | tee "$WORK/$2.sha256"
  fi
}
gen 100000 synth_100k.csv
gen 1000000 synth_1m.csv
gen 10000000 synth_10m_km.csv --cols time,event,x2

echo "== building bench-survival (release)"
swift build -c release --product bench-survival 2>&1 | tail -1
echo "== onco"
.build/release/bench-survival "$WORK" --reps "$REPS"
echo "== R"
Rscript scripts/bench_survival.R "$WORK" "$REPS"
python3 scripts/bench_survival_report.py "$WORK" results/survival.md "$REPS"
cat results/survival.md
