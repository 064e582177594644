#!/usr/bin/env python3
"""Synthetic mini-genome for `onco annotate` tests (deterministic; no real sequence).

Writes into OUT (default Tests/Fixtures/annotate):
  mini.fa.gz (+ .fai, .gzi)  one contig, chr1, of random bases (bgzip + samtools faidx)
  mini.gff3                   Ensembl-style GFF3: multi-exon coding genes on both strands (UTRs,
                              Ensembl_canonical tags), a lincRNA
  mini.refseq.gff3            the same genes in NCBI's RefSeq GFF3 form: seqid NC_000001.11 (GRCh38
                              chr1's accession; a region line with chromosome=1), ID=gene-NAME with
                              gene_biotype and Dbxref=GeneID, mRNA/lnc_RNA ID=rna-NM_/NR_ with
                              transcript_id, exon/CDS Parent=rna-..., no UTR lines, tag=MANE Select on
                              ALPHA, BETA and GAMMA and tag=RefSeq Select on DELTA
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
# The RefSeq twin (NCBI annotwriter layout: gene, mRNA, its exons, then its CDS lines, transcript order).
ACC = "NC_000001.11"
refseq = ["##gff-version 3", "#!gff-spec-version 1.21", "#!processor NCBI annotwriter",
          "#!genome-build GRCh38.p14 (synthetic twin of mini.gff3, scripts/make-mini-genome.py)",
          "##sequence-region %s 1 %d" % (ACC, LEN),
          "%s\tRefSeq\tregion\t1\t%d\t.\t+\t.\tID=%s:1..%d;Dbxref=taxon:9606;Name=1;chromosome=1;gbkey=Src;genome=chromosome;mol_type=genomic DNA" % (ACC, LEN, ACC, LEN)]

def refseq_transcript(k, name, strand, order, cds_runs, tag):
    start, end = min(s for s, _ in order), max(e for _, e in order)
    nm, np_ = "NM_90000%d.1" % k, "NP_90000%d.1" % k
    refseq.append("%s\tBestRefSeq\tgene\t%d\t%d\t.\t%s\t.\tID=gene-%s;Dbxref=GeneID:90000%d;Name=%s;description=synthetic gene %s;gbkey=Gene;gene=%s;gene_biotype=protein_coding"
                  % (ACC, start, end, strand, name, k, name, name, name))
    refseq.append("%s\tBestRefSeq\tmRNA\t%d\t%d\t.\t%s\t.\tID=rna-%s;Parent=gene-%s;Dbxref=GeneID:90000%d,GenBank:%s;Name=%s;gbkey=mRNA;gene=%s;product=synthetic protein %s%%2C isoform a;tag=%s;transcript_id=%s"
                  % (ACC, start, end, strand, nm, name, k, nm, nm, name, name, tag, nm))
    for i, (s, e) in enumerate(order):
        refseq.append("%s\tBestRefSeq\texon\t%d\t%d\t.\t%s\t.\tID=exon-%s-%d;Parent=rna-%s;Dbxref=GeneID:90000%d,GenBank:%s;gbkey=mRNA;gene=%s;tag=%s;transcript_id=%s"
                      % (ACC, s, e, strand, nm, i + 1, nm, k, nm, name, tag, nm))
    for s, e, phase in cds_runs:
        refseq.append("%s\tBestRefSeq\tCDS\t%d\t%d\t.\t%s\t%d\tID=cds-%s;Parent=rna-%s;Dbxref=GeneID:90000%d,GenBank:%s;Name=%s;gbkey=CDS;gene=%s;product=synthetic protein %s;protein_id=%s;tag=%s"
                      % (ACC, s, e, strand, phase, np_, nm, k, np_, np_, name, name, np_, tag))

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
    cds_runs = []
    for s, e in order:
        gff.append("chr1\tsynthetic\texon\t%d\t%d\t.\t%s\t.\tParent=transcript:%s" % (s, e, strand, tid))
        inside = [p for p in range(s, e + 1) if p in cset]
        if inside:
            phase = (3 - done % 3) % 3
            gff.append("chr1\tsynthetic\tCDS\t%d\t%d\t.\t%s\t%d\tParent=transcript:%s" % (min(inside), max(inside), strand, phase, tid))
            cds_runs.append((min(inside), max(inside), phase))
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
    k = int(tid[2:])
    refseq_transcript(k, name, strand, order, cds_runs, "MANE Select" if k <= 3 else "RefSeq Select")

for i, (gid, name, strand, exons, u5, u3) in enumerate(genes):
    add_transcript(gid, "TX%d" % (i + 1), strand, exons, u5, u3, True, name)
# a lincRNA
gff.append("chr1\tsynthetic\tlincRNA_gene\t40001\t43000\t.\t+\t.\tID=gene:GENE5;Name=EPSILON;biotype=lincRNA")
gff.append("chr1\tsynthetic\tlnc_RNA\t40001\t43000\t.\t+\t.\tID=transcript:TX5;Parent=gene:GENE5;biotype=lincRNA")
for s, e in [(40001, 40500), (42001, 43000)]:
    gff.append("chr1\tsynthetic\texon\t%d\t%d\t.\t+\t.\tParent=transcript:TX5" % (s, e))
refseq.append("%s\tBestRefSeq\tgene\t40001\t43000\t.\t+\t.\tID=gene-EPSILON;Dbxref=GeneID:900005;Name=EPSILON;gbkey=Gene;gene=EPSILON;gene_biotype=lncRNA" % ACC)
refseq.append("%s\tBestRefSeq\tlnc_RNA\t40001\t43000\t.\t+\t.\tID=rna-NR_900005.1;Parent=gene-EPSILON;Dbxref=GeneID:900005,GenBank:NR_900005.1;Name=NR_900005.1;gbkey=ncRNA;gene=EPSILON;transcript_id=NR_900005.1" % ACC)
for i, (s, e) in enumerate([(40001, 40500), (42001, 43000)]):
    refseq.append("%s\tBestRefSeq\texon\t%d\t%d\t.\t+\t.\tID=exon-NR_900005.1-%d;Parent=rna-NR_900005.1;gbkey=ncRNA;gene=EPSILON;transcript_id=NR_900005.1" % (ACC, s, e, i + 1))

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
with open(os.path.join(OUT, "mini.refseq.gff3"), "w") as f: f.write("\n".join(refseq) + "\n")
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
