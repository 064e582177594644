#!/bin/sh
# `onco annotate` vs `bcftools csq --local-csq` on the synthetic genome of gen_annotate_genome.py:
# the same GFF3, FASTA and VCF, whole processes, pinned to one core, output to a plain VCF file.
# Usage: Benchmarks/scripts/bench_annotate.sh [DATA_DIR] [RUNS]   (onco: .build/release/onco)
set -eu
DIR=${1:-/tmp/onco-annotate-bench}
RUNS=${2:-5}
ONCO=${ONCO:-.build/release/onco}
CORE=${CORE:-1}
[ -f "$DIR/variants.vcf" ] || nice -n 10 python3 Benchmarks/scripts/gen_annotate_genome.py "$DIR"
t() { /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" taskset -c "$CORE" "$@" 2>/dev/null >/dev/null; cat "$DIR/time.txt"; }
echo "uptime: $(uptime)"
echo "tool run wall_s user_s sys_s maxrss_kb"
i=1
while [ "$i" -le "$RUNS" ]; do
  echo "bcftools $i $(t bcftools csq -l --no-version -f "$DIR/genome.fa" -g "$DIR/genes.gff3" -O v -o "$DIR/bcsq.vcf" "$DIR/variants.vcf")"
  echo "onco $i $(t "$ONCO" annotate "$DIR/variants.vcf" --gff "$DIR/genes.gff3" --reference "$DIR/genome.fa" -o "$DIR/onco.vcf")"
  i=$((i + 1))
done
echo "uptime: $(uptime)"
# Agreement: the BCSQ field onco writes (':' for '|') against bcftools' BCSQ, record by record.
bcftools query -f '%CHROM:%POS:%REF:%ALT\t%INFO/BCSQ\n' "$DIR/bcsq.vcf" > "$DIR/bcsq.tsv"
bcftools query -f '%CHROM:%POS:%REF:%ALT\t%INFO/CSQ\n' "$DIR/onco.vcf" > "$DIR/onco.tsv"
python3 Benchmarks/scripts/compare_bcsq.py "$DIR/bcsq.tsv" "$DIR/onco.tsv"
