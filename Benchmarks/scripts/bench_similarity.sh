#!/usr/bin/env bash
# Similar-patient search: onco (bench-similarity) vs faiss-cpu IndexBinaryFlat on the same bitsets.
# Writes Benchmarks/results/similarity.md. Needs faiss-cpu and numpy (scripts/install-deps.sh bench).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
patients="${PATIENTS:-1000000}"
work="${WORK:-$(mktemp -d /tmp/onco-bench-similarity.XXXXXX)}"
python3 -c "import faiss, numpy" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check faiss-cpu numpy
swift build -c release --product bench-similarity 2>&1 | tail -n 3
cmd=".build/release/bench-similarity --patients $patients --queries 200 --batch 1000 --out $work"
$cmd >/dev/null
python3 scripts/faiss_similarity.py "$work" >/dev/null
mkdir -p results
python3 scripts/render_similarity.py "$work" results/similarity.md "Benchmarks/scripts/bench_similarity.sh (PATIENTS=$patients): $cmd; python3 scripts/faiss_similarity.py"
rm -rf "$work"
