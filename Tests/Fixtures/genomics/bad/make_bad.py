#!/usr/bin/env python3
"""Writes the malformed-VCF fixtures of this folder (hand-written, synthetic: no patient data).

Every file is the same small GRCh37 VEP-annotated tumour/normal VCF: a CASP8 passenger (line 17) and
BRAF V600E (line 18, copied from ../../recommendation/cases/skcm_braf_v600e.grch37.vep.vcf), with one
defect planted in the BRAF record, the kind htslib 1.16 accepts silently or changes. Also writes
../../bad-inputs/vcf.tsv, the table of commands run by Tests/CLITests/BadInputTableTests.swift.

    python3 make_bad.py     # needs bcftools, bgzip, tabix, gzip (BCF, BGZF and gzip variants)
"""
import gzip, os, subprocess

HEADER = """##fileformat=VCFv4.2
##source=onco Tests/Fixtures/genomics/bad/make_bad.py (hand-written, synthetic)
##tumor_sample=TUMOR
##normal_sample=NORMAL
##FILTER=<ID=PASS,Description="All filters passed">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction of the alt allele">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Read depth">
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|cDNA_position|CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|DISTANCE|STRAND|FLAGS|SYMBOL_SOURCE|HGNC_ID|CANONICAL">
##VEP="v105" cache="homo_sapiens/105_GRCh37" ensembl=105 assembly="GRCh37"
##contig=<ID=2,length=243199373,assembly=GRCh37>
##contig=<ID=7,length=159138663,assembly=GRCh37>
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR"""
PASSENGER = ["2", "202131326", ".", "G", "T", ".", "PASS",
             "DP=338;AF=0.177;CSQ=T|missense_variant|MODERATE|CASP8||||protein_coding||||p.Lys98Asn|||98|K/N||||1||HGNC||YES",
             "GT:AD:DP:AF", "0/0:112,0:112:0.000", "0/1:186,40:226:0.177"]
BRAF = ["7", "140453136", "rs113488022", "A", "T", ".", "PASS",
        "DP=332;AF=0.387;CSQ=T|missense_variant|MODERATE|BRAF|ENSG00000157764|Transcript|ENST00000288602.6|protein_coding|15/18||"
        "ENST00000288602.6:c.1799T>A|ENSP00000288602:p.Val600Glu|||600|V/E|gTg/gAg|rs113488022||-1||HGNC|HGNC:1097|YES",
        "GT:AD:DP:AF", "0/0:120,0:120:0.000", "0/1:130,82:212:0.387"]
LINE = HEADER.count("\n") + 3  # the BRAF record's line
COL = {"REF": 3, "ALT": 4, "QUAL": 5, "INFO": 7, "TUMOR": 10}


def braf(**changes):
    cols = list(BRAF)
    for k, v in changes.items():
        if k == "INFO_DP": cols[7] = cols[7].replace("DP=332", "DP=" + v)
        elif k == "INFO_AF": cols[7] = cols[7].replace("AF=0.387", "AF=" + v)
        elif k == "TUMOR": cols[10] = v
        else: cols[COL[k]] = v
    return "\t".join(cols)


# name -> (BRAF record, message fragment of the strict error)
CASES = {
    "alt_empty": (braf(ALT=""), f'line {LINE}: ALT "" is empty'),
    "alt_invalid": (braf(ALT="T!G"), f'line {LINE}: ALT "T!G" is not a list of alleles'),
    "alt_dot_in_list": (braf(ALT="T,."), f'line {LINE}: ALT "T,." is not a list of alleles'),
    "alt_slash": (braf(ALT="A/T"), f'line {LINE}: ALT "A/T" is not a list of alleles'),
    "alt_broken_breakend": (braf(ALT="T[7:140453200"), f'line {LINE}: ALT "T[7:140453200" is not a list of alleles'),
    "ref_empty": (braf(REF=""), f'line {LINE}: REF "" is empty'),
    "ref_invalid": (braf(REF="A!Z"), f'line {LINE}: REF "A!Z" is not a sequence of bases A, C, G, T, N'),
    "ref_iupac": (braf(REF="R"), f'line {LINE}: REF "R" is not a sequence of bases A, C, G, T, N'),
    "nul_byte": (braf(QUAL="5\x000"), f"line {LINE}: NUL byte in column 6 (QUAL)"),
    "info_int_text": (braf(INFO_DP="abc"), f'line {LINE}: INFO/DP "abc" is not an Integer (header Type=Integer)'),
    "info_int_suffix": (braf(INFO_DP="332abc"), f'line {LINE}: INFO/DP "332abc" is not an Integer (header Type=Integer)'),
    "info_int_range": (braf(INFO_DP="99999999999"), f'line {LINE}: INFO/DP "99999999999" is beyond the 32-bit range of an Integer'),
    "info_float_text": (braf(INFO_AF="high"), f'line {LINE}: INFO/AF "high" is not a Float (header Type=Float)'),
    "info_count_a": (braf(INFO_AF="0.387,0.1"), f'line {LINE}: INFO/AF "0.387,0.1" has 2 values, the header\'s Number=A means 1'),
    "info_count_fixed": (braf(INFO_DP="332,10"), f'line {LINE}: INFO/DP "332,10" has 2 values, the header\'s Number=1 means 1'),
    "format_int_text": (braf(TUMOR="0/1:130,8x:212:0.387"), f'line {LINE}: FORMAT/AD of sample column 2 "8x" is not an Integer (header Type=Integer)'),
    "format_float_text": (braf(TUMOR="0/1:130,82:212:0.38x"), f'line {LINE}: FORMAT/AF of sample column 2 "0.38x" is not a Float (header Type=Float)'),
    "format_count_r": (braf(TUMOR="0/1:82:212:0.387"), f'line {LINE}: FORMAT/AD of sample column 2 "82" has 1 value, the header\'s Number=R means 2'),
    "format_empty_value": (braf(TUMOR="0/1:130,82::0.387"), f'line {LINE}: FORMAT/DP of sample column 2 "" is not an Integer (header Type=Integer)'),
}

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
for name, (record, _) in CASES.items():
    with open(f"{name}.vcf", "w", newline="\n") as f:
        f.write(HEADER + "\n" + "\t".join(PASSENGER) + "\n" + record + "\n")

# Compressed and binary variants: the line number must be right in each.
with open("info_int_text.bgzf.vcf.gz", "wb") as out:
    subprocess.run(["bgzip", "-c", "info_int_text.vcf"], stdout=out, check=True)
subprocess.run(["tabix", "-f", "-p", "vcf", "info_int_text.bgzf.vcf.gz"], check=True)
with open("alt_empty.vcf", "rb") as src, gzip.GzipFile("alt_empty.gzip.vcf.gz", "wb", mtime=0) as dst:
    dst.write(src.read())
for name in ["ref_invalid", "alt_invalid"]:
    subprocess.run(["bcftools", "view", "--no-version", "-Ob", "-o", f"{name}.bcf", f"{name}.vcf"], check=True,
                   stderr=subprocess.DEVNULL)

EXTRA = {
    "info_int_text.bgzf.vcf.gz": f'info_int_text.bgzf.vcf.gz: line {LINE}: INFO/DP "abc" is not an Integer',
    "alt_empty.gzip.vcf.gz": f'alt_empty.gzip.vcf.gz: line {LINE}: ALT "" is empty',
    "ref_invalid.bcf": 'ref_invalid.bcf: record 2 (7:140453136): REF "A!Z" is not a sequence of bases A, C, G, T, N',
    "alt_invalid.bcf": 'alt_invalid.bcf: record 2 (7:140453136): ALT "T!G" is not an allele',
}

rows = ["name\tcommand\texpected_exit\tmessage_fragment"]
def row(name, args, code, fragment):
    assert "\t" not in fragment
    rows.append(f"{name}\t{args}\t{code}\t{fragment}")
kb = "--kb {kb}"
for name, (_, fragment) in CASES.items():
    f = "{fixtures}/genomics/bad/" + name + ".vcf"
    row(f"vcf-{name}", f"recommend {kb} --vcf {f} --tumor-type SKCM", 1, f"{name}.vcf: {fragment}")
for file, fragment in EXTRA.items():
    row("vcf-" + file.replace(".", "-"), f"recommend {kb} --vcf {{fixtures}}/genomics/bad/{file} --tumor-type SKCM", 1, fragment)
# The same error from every command that reads a case VCF.
f = "{fixtures}/genomics/bad/alt_empty.vcf"
row("vcf-variants-alt_empty", f"variants {f}", 1, f'alt_empty.vcf: line {LINE}: ALT "" is empty')
row("vcf-kb-match-alt_empty", f"kb match {kb} --vcf {f} --tumor-type SKCM", 1, f'alt_empty.vcf: line {LINE}: ALT "" is empty')
row("vcf-region-info_int_text", "variants {fixtures}/genomics/bad/info_int_text.bgzf.vcf.gz --region 7:140453000-140454000", 1,
    'info_int_text.bgzf.vcf.gz: record 1 (7:140453136): INFO/DP "abc" is not an Integer')
# --lenient: exit 0, and the count is said.
row("vcf-lenient-recommend", f"recommend {kb} --vcf {f} --tumor-type SKCM --lenient", 0,
    f'1 malformed VCF record skipped (--lenient): line {LINE}: ALT "" is empty')
row("vcf-lenient-recommend-json", f"recommend {kb} --vcf {{fixtures}}/genomics/bad/info_int_text.vcf --tumor-type SKCM --lenient --format json", 0,
    '"malformed_skipped" : 1')
row("vcf-lenient-variants", f"variants {f} --lenient", 0, "onco: note: 1 malformed VCF record skipped (--lenient)")
with open(os.path.join(here, "..", "..", "bad-inputs", "vcf.tsv"), "w") as out:
    out.write("\n".join(rows) + "\n")
