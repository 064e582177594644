#!/usr/bin/env bash
# Whole-process `onco variants` against `bcftools query` (issue #23 point 3): the same VCF.gz, the same
# fields (chrom, pos, ref, alt, filter, the consequence annotation, the tumour's AD and DP), one core each,
# one run, CPU time (user + sys). onco also splits ALTs, trims alleles, picks one CSQ entry per ALT and
# computes VAF; bcftools prints the CSQ string whole.
# Usage: variants_cli.sh ONCO_BINARY DATA_DIR [RECORDS] [OUT.md]
set -euo pipefail
cd "$(dirname "$0")/.."
ONCO=$1
DATA=$2
N=${3:-300000}
OUT=${4:-results/variants-cli.md}
VCF="$DATA/vep${N}.vcf.gz"
[[ -s "$VCF" ]] || { nice -n 10 python3 scripts/gen_vep_vcf.py "$N" 4 | nice -n 10 bgzip -c > "$VCF"; }
FMT='%CHROM\t%POS\t%REF\t%ALT\t%FILTER\t%INFO/CSQ[\t%AD\t%DP]\n'
declare -A WALL CPU
run() {
  local t
  /usr/bin/time -o "$DATA/$1.time" -f "%e %U %S" "${@:2}" > "$DATA/$1.out" 2> "$DATA/$1.err"
  t=$(tail -1 "$DATA/$1.time")
  WALL[$1]=$(awk '{print $1}' <<< "$t")
  CPU[$1]=$(awk '{printf "%.2f", $2 + $3}' <<< "$t")
  echo "$1: wall ${WALL[$1]} s, cpu ${CPU[$1]} s"
}
run bcftools_query bcftools query -s TUMOR -f "$FMT" "$VCF"
run onco_tsv "$ONCO" variants "$VCF" --format tsv
run onco_json "$ONCO" variants "$VCF" --format json
LOAD=$(uptime)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
{
  echo "# onco variants: whole process against bcftools query (issue #23)"
  echo
  echo "One run each, $(date -u +%Y-%m-%d), $(nproc) cores shared with other work; load: \`$LOAD\`. $(bcftools --version | head -1)."
  echo
  echo "Data: \`scripts/gen_vep_vcf.py $N 4 | bgzip\` ($N records, 4 samples, VEP CSQ of 1-3 transcripts per ALT), $(du -m "$VCF" | cut -f1) MB."
  echo
  echo '```'
  echo "bcftools query -s TUMOR -f '$FMT' vep${N}.vcf.gz"
  echo "onco variants vep${N}.vcf.gz --format tsv     # $(($(wc -l < "$DATA/onco_tsv.out") - 1)) lines"
  echo "onco variants vep${N}.vcf.gz --format json"
  echo '```'
  echo
  echo "| command | wall s | CPU s | onco vs bcftools query (CPU) |"
  echo "|---|---|---|---|"
  echo "| bcftools query | ${WALL[bcftools_query]} | ${CPU[bcftools_query]} | |"
  echo "| onco variants --format tsv | ${WALL[onco_tsv]} | ${CPU[onco_tsv]} | **$(ratio "${CPU[onco_tsv]}" "${CPU[bcftools_query]}")x** (target ≥ 1x) |"
  echo "| onco variants --format json | ${WALL[onco_json]} | ${CPU[onco_json]} | **$(ratio "${CPU[onco_json]}" "${CPU[bcftools_query]}")x** (target ≥ 0.5x) |"
} > "$OUT"
cat "$OUT"
