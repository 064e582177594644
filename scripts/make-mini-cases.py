#!/usr/bin/env python3
"""Synthetic mini reference + GFF3 for the bare-VCF acceptance cases of `onco annotate` (issue #21):
IDH1 R132H (AML), PIK3CA H1047R (IDC), FGFR3 S249C (BLCA), GRCh37 contig names.

Each gene is a random multi-exon coding sequence (real protein length and strand, the real codon at
the hotspot) on a short synthetic contig named like the GRCh37 chromosome; the bare VCFs hold the
hotspot SNV at its synthetic position with the header of the VEP-annotated twin in
Tests/Fixtures/recommendation/cases (CSQ definition dropped). Nothing here is real sequence.
Usage: scripts/make-mini-cases.py [OUT]   (default Tests/Fixtures/annotate/cases)
"""
import os, random, subprocess, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/annotate/cases"
TWINS = "Tests/Fixtures/recommendation/cases"
rng = random.Random(21)
STOPS = {"TAA", "TAG", "TGA"}
COMP = str.maketrans("ACGT", "TGCA")
def rc(s): return s.translate(COMP)[::-1]
def codon():
    while True:
        c = "".join(rng.choice("ACGT") for _ in range(3))
        if c not in STOPS: return c

# name, contig, strand, protein length, hotspot codon number, reference codon, alt codon, gene id, transcript id, case file, twin
GENES = [
    ("IDH1", "2", "-", 414, 132, "CGT", "CAT", "ENSG00000138413", "ENST00000345146", "aml_idh1_r132h.grch37.bare.vcf", "idc_pik3ca_h1047r.grch37.vep.vcf"),
    ("PIK3CA", "3", "+", 1068, 1047, "CAT", "CGT", "ENSG00000121879", "ENST00000263967", "idc_pik3ca_h1047r.grch37.bare.vcf", "idc_pik3ca_h1047r.grch37.vep.vcf"),
    ("FGFR3", "4", "+", 806, 249, "TCC", "TGC", "ENSG00000068078", "ENST00000440486", "blca_fgfr3_s249c.grch37.bare.vcf", "blca_fgfr3_s249c.grch37.vep.vcf"),
]
os.makedirs(OUT, exist_ok=True)
fasta, gff = [], ["##gff-version 3"]
for name, contig, strand, plen, hot, refc, altc, gid, tid, case, twin in GENES:
    cds = ["ATG"] + [codon() for _ in range(plen - 1)] + ["TGA"]
    cds[hot - 1] = refc
    cds = "".join(cds)
    utr5, utr3 = "".join(rng.choice("ACGT") for _ in range(60)), "".join(rng.choice("ACGT") for _ in range(120))
    tx = utr5 + cds + utr3                        # transcript order
    cuts = sorted(rng.sample(range(200, len(tx) - 200), 3))
    pieces = [tx[a:b] for a, b in zip([0] + cuts, cuts + [len(tx)])]   # exons, transcript order
    intron = lambda: "".join(rng.choice("ACGT") for _ in range(400))
    start = 2001
    genome = ["".join(rng.choice("ACGT") for _ in range(start - 1))]
    exons = []   # genomic (beg, end), transcript order
    pos = start
    seq_pieces = pieces if strand == "+" else [rc(p) for p in reversed(pieces)]
    for i, p in enumerate(seq_pieces):
        if i:
            s = intron(); s = "GT" + s[2:-2] + "AG" if strand == "+" else "CT" + s[2:-2] + "AC"
            genome.append(s); pos += len(s)
        genome.append(p); exons.append((pos, pos + len(p) - 1)); pos += len(p)
    genome.append("".join(rng.choice("ACGT") for _ in range(2000)))
    g = "".join(genome)
    fasta.append((contig, g))
    beg, end = exons[0][0], exons[-1][1]
    gff.append(f"{contig}\tsynthetic\tgene\t{beg}\t{end}\t.\t{strand}\t.\tID=gene:{gid};Name={name};biotype=protein_coding")
    gff.append(f"{contig}\tsynthetic\tmRNA\t{beg}\t{end}\t.\t{strand}\t.\tID=transcript:{tid};Parent=gene:{gid};biotype=protein_coding;tag=Ensembl_canonical")
    # genome position of each transcript base
    gpos = []
    for b, e in exons:
        gpos.extend(range(b, e + 1))
    if strand == "-": gpos = gpos[::-1]
    cds_g = gpos[len(utr5):len(utr5) + len(cds)]
    done = 0
    order = exons if strand == "+" else exons[::-1]
    for b, e in order:
        gff.append(f"{contig}\tsynthetic\texon\t{b}\t{e}\t.\t{strand}\t.\tParent=transcript:{tid}")
    # CDS lines in transcript order with phases
    tx_exons = exons if strand == "+" else sorted(exons, reverse=True)
    cset = set(cds_g)
    for b, e in tx_exons:
        inside = [p for p in range(b, e + 1) if p in cset]
        if not inside: continue
        gff.append(f"{contig}\tsynthetic\tCDS\t{min(inside)}\t{max(inside)}\t.\t{strand}\t{(3 - done % 3) % 3}\tParent=transcript:{tid}")
        done += len(inside)
    # the hotspot SNV
    first = cds_g[(hot - 1) * 3:(hot - 1) * 3 + 3]
    k = next(i for i in range(3) if refc[i] != altc[i])
    p = first[k]
    r, a = (refc[k], altc[k]) if strand == "+" else (refc[k].translate(COMP), altc[k].translate(COMP))
    assert g[p - 1] == r, (name, g[p - 1], r)
    header = [l for l in open(os.path.join(TWINS, twin)) if l.startswith("#") and "ID=CSQ" not in l and not l.startswith("##VEP")]
    header = [l.replace("onco_synthetic_case=", "onco_synthetic_case_twin=") for l in header]
    with open(os.path.join(OUT, case), "w") as f:
        f.writelines(header)
        f.write(f"{contig}\t{p}\t.\t{r}\t{a}\t.\tPASS\tDP=320\tGT:AD:DP:AF\t0/0:110,0:110:0.000\t0/1:150,90:240:0.375\n")
fa = os.path.join(OUT, "cases.fa")
with open(fa, "w") as f:
    for contig, g in fasta:
        f.write(f">{contig} synthetic\n")
        for i in range(0, len(g), 60): f.write(g[i:i + 60] + "\n")
for ext in (".gz", ".gz.fai", ".gz.gzi"):
    if os.path.exists(fa + ext): os.remove(fa + ext)
subprocess.check_call(["bgzip", "-f", "-i", fa])
subprocess.check_call(["samtools", "faidx", fa + ".gz"])
with open(os.path.join(OUT, "cases.gff3"), "w") as f: f.write("\n".join(gff) + "\n")
