#!/usr/bin/env python3
"""Synthetic mini-genome for `onco annotate` tests (deterministic; no real sequence).

Writes into OUT (default Tests/Fixtures/annotate):
  mini.fa.gz (+ .fai, .gzi)  one contig, chr1, of random bases (bgzip + samtools faidx)
  mini.gff3                   Ensembl-style GFF3: multi-exon coding genes on both strands (UTRs,
                              Ensembl_canonical tags), a second transcript of one gene, a lincRNA
  variants.vcf                sites-only VCF: SNVs, MNVs, insertions and deletions in exons, at
                              start and stop codons, across splice sites and in introns and UTRs
  variants.bcsq.vcf           `bcftools csq -l` on the above (the stored reference output)
Usage: scripts/make-mini-genome.py [OUT]
"""
import os, random, subprocess, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/annotate"
rng = random.Random(20261207)
BASES = "ACGT"
STOPS = {"TAA", "TAG", "TGA"}
COMP = str.maketrans("ACGT", "TGCA")
def rc(s): return s.translate(COMP)[::-1]
def codon():
    while True:
        c = "".join(rng.choice(BASES) for _ in range(3))
        if c not in STOPS: return c

LEN = 60000
genome = [rng.choice(BASES) for _ in range(LEN)]

def put(pos1, seq):
    for i, b in enumerate(seq): genome[pos1 - 1 + i] = b

# Genes: (id, name, strand, exons as (start, end) 1-based, utr5 length, utr3 length)
genes = [
    ("GENE1", "ALPHA", "+", [(2001, 2300), (3001, 3150), (4001, 4240), (5001, 5400)], 60, 90),
    ("GENE2", "BETA", "-", [(10001, 10350), (11001, 11200), (12001, 12120), (13001, 13400)], 70, 80),
    ("GENE3", "GAMMA", "+", [(20001, 20500), (21001, 21300), (22001, 22500)], 100, 100),
    ("GENE4", "DELTA", "-", [(30001, 30400), (31001, 31100), (32001, 32300), (33001, 33200), (34001, 34400)], 90, 120),
]
gff = ["##gff-version 3", "##sequence-region chr1 1 %d" % LEN]
transcripts = []

def add_transcript(gid, tid, strand, exons, u5, u3, canonical, name=None, gene_line=True):
    # CDS = exon bases minus UTRs, in transcript order
    order = exons if strand == "+" else list(reversed(exons))
    tx = []  # transcript-order list of genomic positions
    for s, e in order:
        rng_ = range(s, e + 1) if strand == "+" else range(e, s - 1, -1)
        tx.extend(rng_)
    cds_pos = tx[u5:len(tx) - u3]
    n = len(cds_pos) - len(cds_pos) % 3
    cds_pos = cds_pos[:n]
    seq = "ATG" + "".join(codon() for _ in range(n // 3 - 2)) + rng.choice(sorted(STOPS))
    for p, b in zip(cds_pos, seq):
        genome[p - 1] = b if strand == "+" else b.translate(COMP)
    start, end = exons[0][0], exons[-1][1]
    if gene_line:
        gff.append("chr1\tsynthetic\tgene\t%d\t%d\t.\t%s\t.\tID=gene:%s;Name=%s;biotype=protein_coding" % (start, end, strand, gid, name))
    tag = ";tag=Ensembl_canonical" if canonical else ""
    gff.append("chr1\tsynthetic\tmRNA\t%d\t%d\t.\t%s\t.\tID=transcript:%s;Parent=gene:%s;biotype=protein_coding%s" % (start, end, strand, tid, gid, tag))
    cset = set(cds_pos)
    done = 0
    for s, e in order:
        gff.append("chr1\tsynthetic\texon\t%d\t%d\t.\t%s\t.\tParent=transcript:%s" % (s, e, strand, tid))
        inside = [p for p in range(s, e + 1) if p in cset]
        if inside:
            phase = (3 - done % 3) % 3
            gff.append("chr1\tsynthetic\tCDS\t%d\t%d\t.\t%s\t%d\tParent=transcript:%s" % (min(inside), max(inside), strand, phase, tid))
            done += len(inside)
        utr = [p for p in range(s, e + 1) if p not in cset]
        if utr:
            first_cds = cds_pos[0]
            # split UTR bases of this exon into 5' and 3' runs
            for kind in ("five_prime_UTR", "three_prime_UTR"):
                if strand == "+":
                    part = [p for p in utr if (p < first_cds) == (kind == "five_prime_UTR")]
                else:
                    part = [p for p in utr if (p > first_cds) == (kind == "five_prime_UTR")]
                if part:
                    gff.append("chr1\tsynthetic\t%s\t%d\t%d\t.\t%s\t.\tParent=transcript:%s" % (kind, min(part), max(part), strand, tid))
    transcripts.append((tid, strand, exons, cds_pos))

for i, (gid, name, strand, exons, u5, u3) in enumerate(genes):
    add_transcript(gid, "TX%d" % (i + 1), strand, exons, u5, u3, True, name)
# a lincRNA
gff.append("chr1\tsynthetic\tlincRNA_gene\t40001\t43000\t.\t+\t.\tID=gene:GENE5;Name=EPSILON;biotype=lincRNA")
gff.append("chr1\tsynthetic\tlnc_RNA\t40001\t43000\t.\t+\t.\tID=transcript:TX5;Parent=gene:GENE5;biotype=lincRNA")
for s, e in [(40001, 40500), (42001, 43000)]:
    gff.append("chr1\tsynthetic\texon\t%d\t%d\t.\t+\t.\tParent=transcript:TX5" % (s, e))

# Variants
variants = set()
def snv(p):
    r = genome[p - 1]
    variants.add((p, r, rng.choice([b for b in BASES if b != r])))
def mnv(p, n):
    r = "".join(genome[p - 1:p - 1 + n])
    a = "".join(rng.choice([b for b in BASES if b != x]) for x in r)
    variants.add((p, r, a))
def ins(p, n):
    r = genome[p - 1]
    variants.add((p, r, r + "".join(rng.choice(BASES) for _ in range(n))))
def dele(p, n):
    variants.add((p, "".join(genome[p - 1:p + n]), genome[p - 1]))

for tid, strand, exons, cds in transcripts:
    span = (exons[0][0] - 50, exons[-1][1] + 50)
    for s, e in exons:
        for b in (s, e):
            for d in range(-11, 12):
                p = b + d
                snv(p)
                if d % 2 == 0: ins(p, rng.choice([1, 2, 3, 4, 6]))
                if d % 3 == 0: dele(p, rng.choice([1, 2, 3, 5, 6]))
                if d % 4 == 0: mnv(p, rng.choice([2, 3]))
    for p in cds[:9] + cds[-9:]:   # start and stop codons
        snv(p); ins(p, rng.choice([1, 3])); dele(p, rng.choice([1, 3])); mnv(p, 2)
    for _ in range(60):
        p = rng.choice(cds)
        snv(p)
        ins(p, rng.choice([1, 2, 3, 6]))
        dele(p, rng.choice([1, 2, 3, 6, 9]))
        mnv(p, rng.choice([2, 3]))
    for _ in range(30):
        p = rng.randint(*span)
        snv(p)
for p in (40100, 41000, 42500, 45000, 50000):
    snv(p)

os.makedirs(OUT, exist_ok=True)
fa = os.path.join(OUT, "mini.fa")
with open(fa, "w") as f:
    f.write(">chr1 synthetic\n")
    s = "".join(genome)
    for i in range(0, len(s), 60): f.write(s[i:i + 60] + "\n")
for ext in (".gz", ".gz.fai", ".gz.gzi"):
    if os.path.exists(fa + ext): os.remove(fa + ext)
subprocess.check_call(["bgzip", "-f", "-i", fa])
subprocess.check_call(["samtools", "faidx", fa + ".gz"])
with open(os.path.join(OUT, "mini.gff3"), "w") as f: f.write("\n".join(gff) + "\n")
vcf = os.path.join(OUT, "variants.vcf")
with open(vcf, "w") as f:
    f.write("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=%d>\n" % LEN)
    f.write("##source=onco scripts/make-mini-genome.py (synthetic)\n")
    f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    for p, r, a in sorted(variants):
        f.write("chr1\t%d\t.\t%s\t%s\t.\tPASS\t.\n" % (p, r, a))
out = os.path.join(OUT, "variants.bcsq.vcf")
subprocess.check_call(["bcftools", "csq", "-l", "--no-version", "-f", fa + ".gz", "-g", os.path.join(OUT, "mini.gff3"), "-o", out, vcf])
print("%d variants" % len(variants))
