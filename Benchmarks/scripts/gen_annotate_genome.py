#!/usr/bin/env python3
"""Synthetic genome, GFF3 and VCF for the `onco annotate` vs `bcftools csq` benchmark (deterministic).

No human reference is needed: random bases, with open reading frames written into the CDS of every
transcript (ATG ... stop, no internal stop), so that coding consequences are as in a real genome.

Writes into OUT (default /tmp/onco-annotate-bench):
  genome.fa (+ .fai)   3 contigs (chr1 14 Mb, chr2 11 Mb, chr3 8 Mb by default at SCALE=1)
  genes.gff3           Ensembl-style GFF3: GENES multi-exon coding genes (3-14 exons) on both strands,
                       UTRs, Ensembl_canonical on the first transcript, a second transcript (an exon
                       skipped) for every 8th gene, a lincRNA gene every 25th gene
  variants.vcf         sites-only, sorted; RECORDS records: ~76% SNV, 9% deletions, 9% insertions,
                       4% MNV, 2% two-ALT; ~55% in exons (CDS/UTR), ~15% at exon edges (splice
                       region), ~18% in introns, ~12% anywhere (mostly intergenic)
Usage: gen_annotate_genome.py [OUT] [GENES] [RECORDS]
"""
import os, random, subprocess, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/onco-annotate-bench"
GENES = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
RECORDS = int(sys.argv[3]) if len(sys.argv) > 3 else 300000
rng = random.Random(20261207)
BASES = "ACGT"
STOPS = ("TAA", "TAG", "TGA")
SENSE = [a + b + c for a in BASES for b in BASES for c in BASES if a + b + c not in STOPS]
COMP = bytes.maketrans(b"ACGT", b"TGCA")
CONTIGS = [("chr1", 0.42), ("chr2", 0.33), ("chr3", 0.25)]


def gene_layout(n_genes):
    """Exon coordinates (1-based, ascending) per gene, packed along contigs with intergenic gaps."""
    per = [max(1, round(n_genes * f)) for _, f in CONTIGS]
    layout, lengths = [], {}
    for (name, _), count in zip(CONTIGS, per):
        pos = 5000
        for _ in range(count):
            n_ex = rng.randint(3, 14)
            exons, p = [], pos
            for k in range(n_ex):
                ln = rng.randint(60, 320)
                if k == n_ex // 2 and n_ex > 3:
                    ln -= ln % 3  # the skippable middle exon keeps the frame
                exons.append((p, p + ln - 1))
                p += ln + rng.randint(150, 2200)
            layout.append((name, rng.choice("+-"), exons))
            pos = exons[-1][1] + rng.randint(800, 6000)
        lengths[name] = pos + 5000
    return layout, lengths


def main():
    layout, lengths = gene_layout(GENES)
    genome = {c: bytearray(rng.choices(b"ACGT", k=n)) for c, n in lengths.items()}
    gff = ["##gff-version 3"] + ["##sequence-region %s 1 %d" % (c, n) for c, n in lengths.items()]
    targets = []  # (contig, exons, cds positions) for variant placement

    def transcript(contig, gid, tid, strand, exons, u5, u3, canonical, write_seq):
        order = exons if strand == "+" else exons[::-1]
        tx = []
        for s, e in order:
            tx.extend(range(s, e + 1) if strand == "+" else range(e, s - 1, -1))
        cds = tx[u5:len(tx) - u3]
        cds = cds[:len(cds) - len(cds) % 3]
        if write_seq:
            seq = ("ATG" + "".join(rng.choices(SENSE, k=len(cds) // 3 - 2)) + rng.choice(STOPS)).encode()
            if strand == "-":
                seq = seq.translate(COMP)
            g = genome[contig]
            for p, b in zip(cds, seq):
                g[p - 1] = b
        tag = ";tag=Ensembl_canonical" if canonical else ""
        gff.append("%s\tsynthetic\tmRNA\t%d\t%d\t.\t%s\t.\tID=transcript:%s;Parent=gene:%s;biotype=protein_coding%s"
                   % (contig, exons[0][0], exons[-1][1], strand, tid, gid, tag))
        lo, hi = min(cds), max(cds)
        done = 0
        for s, e in order:
            gff.append("%s\tsynthetic\texon\t%d\t%d\t.\t%s\t.\tParent=transcript:%s" % (contig, s, e, strand, tid))
            cs, ce = max(s, lo), min(e, hi)
            if cs <= ce:
                gff.append("%s\tsynthetic\tCDS\t%d\t%d\t.\t%s\t%d\tParent=transcript:%s"
                           % (contig, cs, ce, strand, (3 - done % 3) % 3, tid))
                done += ce - cs + 1
            for us, ue, before in ((s, min(e, lo - 1), True), (max(s, hi + 1), e, False)):
                if us <= ue:
                    five = before == (strand == "+")
                    kind = "five_prime_UTR" if five else "three_prime_UTR"
                    gff.append("%s\tsynthetic\t%s\t%d\t%d\t.\t%s\t.\tParent=transcript:%s" % (contig, kind, us, ue, strand, tid))
        targets.append((contig, exons, cds))

    for i, (contig, strand, exons) in enumerate(layout):
        gid = "G%05d" % i
        if i % 25 == 24:
            gff.append("%s\tsynthetic\tlincRNA_gene\t%d\t%d\t.\t%s\t.\tID=gene:%s;Name=LNC%d;biotype=lincRNA"
                       % (contig, exons[0][0], exons[-1][1], strand, gid, i))
            gff.append("%s\tsynthetic\tlnc_RNA\t%d\t%d\t.\t%s\t.\tID=transcript:T%05d;Parent=gene:%s;biotype=lincRNA"
                       % (contig, exons[0][0], exons[-1][1], strand, i, gid))
            for s, e in (exons if strand == "+" else exons[::-1]):
                gff.append("%s\tsynthetic\texon\t%d\t%d\t.\t%s\t.\tParent=transcript:T%05d" % (contig, s, e, strand, i))
            targets.append((contig, exons, []))
            continue
        gff.append("%s\tsynthetic\tgene\t%d\t%d\t.\t%s\t.\tID=gene:%s;Name=GENE%d;biotype=protein_coding"
                   % (contig, exons[0][0], exons[-1][1], strand, gid, i))
        u5, u3 = rng.randint(20, 90), rng.randint(20, 120)
        transcript(contig, gid, "T%05d" % i, strand, exons, u5, u3, True, True)
        if i % 8 == 0 and len(exons) > 3:
            alt = [e for k, e in enumerate(exons) if k != len(exons) // 2]
            transcript(contig, gid, "T%05d_2" % i, strand, alt, u5, u3, False, False)

    variants = {c: {} for c in lengths}

    def add(contig, p, kind):
        g = genome[contig]
        if p < 2 or p + 12 >= len(g):
            return False
        r = chr(g[p - 1])
        if kind < 0.76:
            ref, alt = r, rng.choice([b for b in BASES if b != r])
        elif kind < 0.85:
            n = rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 9))
            ref, alt = g[p - 1:p + n].decode(), r
        elif kind < 0.94:
            n = rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 9))
            ref, alt = r, r + "".join(rng.choices(BASES, k=n))
        elif kind < 0.98:
            ref = g[p - 1:p - 1 + rng.choice((2, 3))].decode()
            alt = "".join(rng.choice([b for b in BASES if b != x]) for x in ref)
        else:
            a1, a2 = rng.sample([b for b in BASES if b != r], 2)
            ref, alt = r, a1 + "," + a2
        key = (p, ref, alt)
        new = key not in variants[contig]
        variants[contig][key] = True
        return new

    total = 0
    while total < RECORDS:
        contig, exons, cds = rng.choice(targets)
        where = rng.random()
        if where < 0.55:
            s, e = rng.choice(exons)
            p = rng.choice(cds) if cds and rng.random() < 0.8 else rng.randint(s, e)
        elif where < 0.70:
            s, e = rng.choice(exons)
            p = rng.choice((s, e)) + rng.randint(-10, 10)
        elif where < 0.88:
            k = rng.randrange(len(exons) - 1)
            p = rng.randint(exons[k][1] + 1, exons[k + 1][0] - 1)
        else:
            contig = rng.choice(list(lengths))
            p = rng.randint(1, lengths[contig])
        total += add(contig, p, rng.random())

    os.makedirs(OUT, exist_ok=True)
    fa = os.path.join(OUT, "genome.fa")
    with open(fa, "wb") as f:
        for c, g in genome.items():
            f.write(b">" + c.encode() + b" synthetic\n")
            for i in range(0, len(g), 60):
                f.write(g[i:i + 60] + b"\n")
    subprocess.check_call(["samtools", "faidx", fa])
    with open(os.path.join(OUT, "genes.gff3"), "w") as f:
        f.write("\n".join(gff) + "\n")
    n = 0
    with open(os.path.join(OUT, "variants.vcf"), "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        for c, ln in lengths.items():
            f.write("##contig=<ID=%s,length=%d>\n" % (c, ln))
        f.write("##source=onco Benchmarks/scripts/gen_annotate_genome.py (synthetic)\n")
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for c in lengths:
            for p, ref, alt in sorted(variants[c]):
                f.write("%s\t%d\t.\t%s\t%s\t.\tPASS\t.\n" % (c, p, ref, alt))
                n += 1
    print("%d bp in %d contigs, %d genes, %d transcripts, %d records"
          % (sum(lengths.values()), len(lengths), len(layout), len(targets), n))


main()
