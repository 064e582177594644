#!/usr/bin/env bash
# Whole-process timing of `onco kb match` (release) on bench-knowledge's 5,000-variant case, against the Python
# peer as a whole process; N runs each (default 20), medians printed as a Markdown table.
#   bash Benchmarks/scripts/bench-knowledge-whole.sh [RUNS] [--format json|text]
# Needs the release builds of onco (`swift build -c release --product onco` at the top level) and bench-knowledge
# (`swift build -c release --product bench-knowledge` in Benchmarks/); both are built when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
format=${3:-json}
[[ -x .build/release/onco ]] || swift build -c release --product onco >/dev/null
[[ -x Benchmarks/.build/release/bench-knowledge ]] || (cd Benchmarks && swift build -c release --product bench-knowledge >/dev/null)
case_tsv=$(mktemp /tmp/onco-kb-whole.XXXXXX.tsv)
out=$(mktemp /tmp/onco-kb-whole.XXXXXX.out)
trap 'rm -f "$case_tsv" "$out"' EXIT
Benchmarks/.build/release/bench-knowledge KnowledgeBase --runs 1 --write-case "$case_tsv" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$runs" "$case_tsv" "$out" "$format" <<'PY'
import resource, statistics, subprocess, sys, time
runs, case, out, fmt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cmds = {
    f"`onco kb match --format {fmt}` (whole process)":
        [".build/release/onco", "kb", "match", "--variants", case, "--tumor-type", "LUAD", "--kb", "KnowledgeBase", "--format", fmt],
    "Python peer (whole process)": ["python3", "Benchmarks/scripts/knowledge_peer.py", "KnowledgeBase", case, "1"],
}
res, cpu = {}, {}
def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime
for name, cmd in cmds.items():
    ts, cs = [], []
    for _ in range(runs):
        with open(out, "w") as f:
            c0 = child_cpu(); t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=f)
            ts.append((time.perf_counter() - t0) * 1000); cs.append((child_cpu() - c0) * 1000)
    res[name], cpu[name] = ts, cs
print("| command | median wall | min | max | median CPU (user + sys) |\n|---|---|---|---|---|")
for name, ts in res.items():
    print(f"| {name} | **{statistics.median(ts):.1f} ms** | {min(ts):.1f} ms | {max(ts):.1f} ms | {statistics.median(cpu[name]):.1f} ms |")
o, p = (statistics.median(v) for v in res.values())
oc, pc = (statistics.median(v) for v in cpu.values())
print(f"\nratio peer / onco: wall {p / o:.2f}x, CPU {pc / oc:.2f}x; runs: {runs} each")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
