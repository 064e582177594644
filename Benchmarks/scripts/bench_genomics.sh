#!/usr/bin/env bash
# onco's VCF streaming against bcftools query and cyvcf2 on the same generated VCF.gz (one run each).
#   Benchmarks/scripts/bench_genomics.sh            # RECORDS=1000000 SAMPLES=4 by default
# Writes Benchmarks/results/genomics.md. Needs bcftools, bgzip, python3 with cyvcf2
# (`scripts/install-deps.sh bench`). Figures are records per CPU second (user+sys, /usr/bin/time):
# the machine is shared, so wall time is printed too but the ratios use CPU time.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${RECORDS:-1000000}
SAMPLES=${SAMPLES:-4}
BIN=.build/release/bench-genomics
[[ -x $BIN ]] || swift build -c release --product bench-genomics
python3 -c 'import cyvcf2' 2>/dev/null || { echo "bench_genomics: cyvcf2 is missing (scripts/install-deps.sh bench)"; exit 1; }
DATA=${ONCO_BENCH_DATA:-${TMPDIR:-/tmp}/onco-bench-genomics}
mkdir -p "$DATA"
VCF=$DATA/bench.$RECORDS.$SAMPLES.vcf.gz
if [[ ! -s $VCF ]]; then
  echo "bench_genomics: generating $RECORDS records x $SAMPLES samples"
  $BIN generate "$RECORDS" "$SAMPLES" | bgzip -c > "$VCF.tmp"
  mv "$VCF.tmp" "$VCF"
fi
FMT='%CHROM\t%POS\t%REF\t%ALT\t%QUAL\t%FILTER\t%INFO/DP\t%INFO/AF[\t%GT\t%AD\t%DP]\n'

# run NAME OUTFILE CMD...: one timed run; appends "NAME wall cpu" to $DATA/times
: > "$DATA/times"
run() {
  local name=$1 out=$2; shift 2
  /usr/bin/time -f '%e %U %S' -o "$DATA/t" "$@" > "$out"
  read -r wall user sys < "$DATA/t"
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')" | tee -a "$DATA/times"
}

run bcftools_query "$DATA/bcftools.tsv" bcftools query -f "$FMT" "$VCF"
run onco_query "$DATA/onco.tsv" "$BIN" query "$VCF"
run onco_values "$DATA/onco.values" "$BIN" values "$VCF"
run cyvcf2 "$DATA/cyvcf2.values" python3 scripts/bench_genomics_cyvcf2.py "$VCF"
run bgzip_decompress /dev/null bgzip -dc "$VCF"
run onco_calls "$DATA/onco.calls" "$BIN" calls "$VCF"
run bcftools_split_vep /dev/null bcftools +split-vep -s worst -f '%CHROM\t%POS\t%REF\t%ALT\t%Consequence\t%SYMBOL\t%Feature\t%HGVSp\n' "$VCF"

# The same fields: onco's text output must be byte-identical to bcftools query's.
if cmp -s "$DATA/bcftools.tsv" "$DATA/onco.tsv"; then identical=yes; else identical=NO; fi
grep -q "^records $RECORDS " "$DATA/onco.values" && grep -q "^records $RECORDS " "$DATA/cyvcf2.values" || { echo "record counts differ"; exit 1; }

cpu() { awk -v n="$1" '$1==n {print $3}' "$DATA/times"; }
wall() { awk -v n="$1" '$1==n {print $2}' "$DATA/times"; }
rate() { awk -v r="$RECORDS" -v t="$1" 'BEGIN{printf "%.0f", r/t}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b/a}'; }   # rate(a)/rate(b) = cpu(b)/cpu(a)

row() { echo "| $1 | $(wall "$2") | $(cpu "$2") | $(rate "$(cpu "$2")") | $3 |"; }
mkdir -p results
{
  echo "# Genomics: VCF streaming (bench-genomics)"
  echo
  echo "One run each, $(date -u +%Y-%m-%d), on $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores shared with"
  echo "other work (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)); $(swift --version 2>&1 | head -1 | sed 's/ (.*//'),"
  echo "$(bcftools --version | head -1) ($(bcftools --version | sed -n 2p)), cyvcf2 $(python3 -c 'import cyvcf2; print(cyvcf2.__version__)')."
  echo
  echo "Data: \`bench-genomics generate $RECORDS $SAMPLES | bgzip\` — $RECORDS records (90% SNV, 5% deletions, 3% insertions,"
  echo "2% two-ALT), $SAMPLES samples with GT:AD:DP:GQ, INFO DP/AF/MQ and a VEP-style CSQ of 1-3 transcripts per ALT;"
  echo "$(du -h "$VCF" | cut -f1) BGZF."
  echo
  echo "Fields streamed by every tool: CHROM POS REF ALT QUAL FILTER INFO/DP INFO/AF and, per sample, GT AD DP:"
  echo
  echo '```'
  echo "bcftools query -f '$FMT' bench.vcf.gz > out.tsv"
  echo "bench-genomics query  bench.vcf.gz > out.tsv      # onco: same text; byte-identical to bcftools: $identical"
  echo "bench-genomics values bench.vcf.gz                # onco: into Swift values (VariantFileReader API), checksum"
  echo "python3 scripts/bench_genomics_cyvcf2.py bench.vcf.gz   # cyvcf2: into Python values (genotypes, format())"
  echo '```'
  echo
  echo "| tool | wall s | CPU s | records / CPU s | onco ratio |"
  echo "|---|---|---|---|---|"
  row "bcftools query (text)" bcftools_query "onco query: **$(ratio "$(cpu onco_query)" "$(cpu bcftools_query)")x**, onco values: **$(ratio "$(cpu onco_values)" "$(cpu bcftools_query)")x** (target ≥ 0.8x)"
  row "onco \`query\` (text)" onco_query ""
  row "onco \`values\`" onco_values ""
  row "cyvcf2" cyvcf2 "onco values: **$(ratio "$(cpu onco_values)" "$(cpu cyvcf2)")x** (target ≥ 2x)"
  row "bgzip -d (decompression only)" bgzip_decompress "the floor for any VCF.gz reader"
  echo
  echo "The whole onco path (\`SomaticVariantReader\`: split ALTs, trim, pick one CSQ entry per ALT, tumour VAF from FORMAT),"
  echo "beside bcftools' own CSQ tool (\`+split-vep -s worst\`, one consequence per record, 8 fields):"
  echo
  echo "| tool | wall s | CPU s | records / CPU s | |"
  echo "|---|---|---|---|---|"
  row "onco \`calls\`" onco_calls "onco/split-vep: $(ratio "$(cpu onco_calls)" "$(cpu bcftools_split_vep)")x"
  row "bcftools +split-vep" bcftools_split_vep ""
  echo
  echo "Reproduce: \`Benchmarks/scripts/bench_genomics.sh\` (or \`make bench\`). Wall times are inflated by the shared"
  echo "machine; CPU time is what each process used."
} > results/genomics.md
cat results/genomics.md
