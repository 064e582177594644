#!/usr/bin/env bash
# Runs bench-knowledge and its Python peer on the same generated case; writes results/knowledge.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bench-knowledge >/dev/null
case_tsv=$(mktemp /tmp/onco-knowledge-case.XXXXXX.tsv)
ours=$(.build/release/bench-knowledge ../KnowledgeBase --runs 30 --write-case "$case_tsv")
peer=$(python3 scripts/knowledge_peer.py ../KnowledgeBase "$case_tsv" 10)
ours_total=$(echo "$ours" | sed -n 's/.*load+match median \([0-9.]*\) ms.*/\1/p')
peer_total=$(echo "$peer" | sed -n 's/.*total median \([0-9.]*\) ms.*/\1/p')
ratio=$(python3 -c "print(f'{$peer_total/$ours_total:.1f}')")
mkdir -p results
# Earlier runs (everything from "## Earlier runs" on) are kept below the new one.
history=$(sed -n '/^## Earlier runs/,$p' results/knowledge.md 2>/dev/null || true)
cat > results/knowledge.md <<MD
# Knowledge: KB load + matching a 5,000-variant case

Command: \`bash Benchmarks/scripts/bench-knowledge.sh\` (\`bench-knowledge ../KnowledgeBase --runs 30\`, release build)
Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), $(swift --version 2>/dev/null | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)

\`\`\`
$ours
$peer
\`\`\`

Target (issues #5, #18): KB load plus matching a 5,000-variant case under 100 ms — median **${ours_total} ms**.
Ratio to the peer (peer total / onco total): **${ratio}×**. The peer parses the CIViC evidence TSV with
Python's csv module and looks variants up by (gene, protein change) only; onco loads the prebuilt index
(CIViC + MOAlmanac + OncoTree + DO + rules, with source checksums checked against MANIFEST.tsv) and evaluates every rule kind,
the tumour-type ontology and the tiers.
MD
[[ -n $history ]] && printf '\n%s\n' "$history" >> results/knowledge.md
cat results/knowledge.md
rm -f "$case_tsv"
