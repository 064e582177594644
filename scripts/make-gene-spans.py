#!/usr/bin/env python3
"""Writes KnowledgeBase/genes/gene_spans.tsv: the genomic span of every gene a KB rule names, GRCh38 and GRCh37.

Source (open, reachable from Debian): the Bioconductor annotation package org.Hs.eg.db 3.16.0 as Debian ships it
(`apt-get download r-bioc-org.hs.eg.db`, version 3.16.0-1; licence Artistic-2.0). Its table
`chromosome_locations` (CHRLOC/CHRLOCEND) holds, per Entrez gene, the start and end of each UCSC knownGene
transcript on hg38 (UCSC Genome Bioinformatics, 2022-08-31); a minus sign marks the minus strand.
A gene's GRCh38 span is the smallest start and the largest end over its transcripts on a primary chromosome
(1-22, X, Y; `_alt`/`_fix` contigs are left out). The GRCh37 span is the GRCh38 one lifted with UCSC's
hg38ToHg19 chain (`../shared/data/liftover/hg38ToHg19.over.chain.gz`): both ends must map, in an aligned block
of the best-scoring chain that covers them, to the same chromosome on the + strand, and the lifted length
must be within 10% of the GRCh38 length; a gene that fails is written for GRCh38 only and listed on stderr.

Genes: every gene the shipped KB names (CIViC 01-Aug-2021 `gene` column and fusion partners in its variant
names, MOAlmanac `gene`/`gene1`/`gene2`), kept when org.Hs.eg.db knows the symbol.

Usage: python3 scripts/make-gene-spans.py ORG_HS_EG_SQLITE HG38TOHG19_CHAIN_GZ KB_DIR > KnowledgeBase/genes/gene_spans.tsv
"""
import bisect
import csv
import gzip
import json
import os
import re
import sqlite3
import sys

PRIMARY = {str(i) for i in range(1, 23)} | {"X", "Y"}


def kb_genes(kb):
    genes = set()
    path = os.path.join(kb, "civic", "01-Aug-2021-VariantSummaries.tsv")
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            genes.add(row["gene"].strip())
            name = row["variant"]
            # Fusion variants name their partners: "EML4-ALK", "BCR-ABL", "FGFR3-TACC3 ...".
            m = re.match(r"^([A-Z0-9]+)-([A-Z0-9]+)\b", name)
            if m and "fusion" in (row["variant_types"] + name).lower() or (m and row["gene"] in m.groups()):
                genes.update(m.groups())
    moa = [f for f in os.listdir(os.path.join(kb, "moalmanac")) if f.endswith(".json")]
    for f in moa:
        for a in json.load(open(os.path.join(kb, "moalmanac", f))):
            for k in ("gene", "gene1", "gene2"):
                v = (a.get(k) or "").strip()
                if v:
                    genes.add(v)
    return {g for g in genes if g}


def hg38_spans(sqlite_path, genes):
    db = sqlite3.connect(sqlite_path)
    rows = db.execute(
        "SELECT g.symbol, c.seqname, c.start_location, c.end_location FROM gene_info g "
        "JOIN chromosome_locations c USING(_id)").fetchall()
    spans = {}
    for sym, chrom, s, e in rows:
        if sym not in genes or chrom not in PRIMARY:
            continue
        strand = "-" if s < 0 else "+"
        s, e = abs(s), abs(e)
        key = (sym, chrom)
        lo, hi, strands = spans.get(key, (s, e, set()))
        strands.add(strand)
        spans[key] = (min(lo, s), max(hi, e), strands)
    return spans


class Chain:
    """UCSC chain blocks of one target chromosome: (tStart, tEnd, qChrom, qStart, qStrand, score), 0-based."""

    def __init__(self, path):
        self.blocks = {}
        with gzip.open(path, "rt") as f:
            header = None
            t = q = 0
            for line in f:
                p = line.split()
                if not p:
                    continue
                if p[0] == "chain":
                    score = int(p[1])
                    tname, tstart = p[2], int(p[5])
                    qname, qstrand, qstart = p[7], p[9], int(p[10])
                    header = (tname, qname, qstrand, score)
                    t, q = tstart, qstart
                    continue
                size = int(p[0])
                tname, qname, qstrand, score = header
                self.blocks.setdefault(tname, []).append((t, t + size, qname, q, qstrand, score))
                if len(p) == 3:
                    t += size + int(p[1])
                    q += size + int(p[2])
        for v in self.blocks.values():
            v.sort()
        self.starts = {k: [b[0] for b in v] for k, v in self.blocks.items()}

    def lift(self, chrom, pos):
        """1-based position → (chrom, 1-based position) through the best-scoring block containing it, or None."""
        name = "chr" + chrom
        blocks = self.blocks.get(name, [])
        i = bisect.bisect_right(self.starts.get(name, []), pos - 1)
        best = None
        # Blocks of different chains may overlap in the target; look back over those that could contain pos.
        for b in blocks[max(0, i - 64):i]:
            if b[0] <= pos - 1 < b[1] and (best is None or b[5] > best[5]):
                best = b
        if best is None or best[4] != "+":
            return None
        return best[2][3:] if best[2].startswith("chr") else best[2], best[3] + (pos - 1 - best[0]) + 1


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sqlite_path, chain_path, kb = sys.argv[1:]
    genes = kb_genes(kb)
    spans = hg38_spans(sqlite_path, genes)
    chain = Chain(chain_path)
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    sys.stdout.write("# Gene spans (1-based, inclusive) of the genes KB rules name; written by scripts/make-gene-spans.py.\n")
    sys.stdout.write("# GRCh38: org.Hs.eg.db 3.16.0 (Debian r-bioc-org.hs.eg.db 3.16.0-1; UCSC knownGene hg38 2022-08-31; Artistic-2.0).\n")
    sys.stdout.write("# GRCh37: the GRCh38 span lifted with UCSC hg38ToHg19.over.chain (both ends; length within 10%).\n")
    out.writerow(["gene", "build", "chrom", "start", "end", "strand"])
    dropped = []
    for (sym, chrom), (s, e, strands) in sorted(spans.items()):
        if len(strands) != 1:
            dropped.append(f"{sym}: transcripts on both strands")
            continue
        if e - s > 2_500_000:
            # No human gene spans more than ~2.3 Mb (PTPRD, DMD); a longer span joins copies of the gene at two loci.
            dropped.append(f"{sym} {chrom}:{s}-{e}: transcripts at loci {e - s:,} bp apart, left out of both builds")
            continue
        strand = next(iter(strands))
        out.writerow([sym, "GRCh38", chrom, s, e, strand])
        a, b = chain.lift(chrom, s), chain.lift(chrom, e)
        if a is None or b is None or a[0] != b[0] or b[1] < a[1] or abs((b[1] - a[1]) - (e - s)) > 0.1 * (e - s + 1):
            dropped.append(f"{sym} {chrom}:{s}-{e}: no GRCh37 lift")
            continue
        out.writerow([sym, "GRCh37", a[0], a[1], b[1], strand])
    missing = sorted(g for g in genes if not any(k[0] == g for k in spans))
    print(f"{len(spans)} GRCh38 spans; {len(dropped)} not (or not both) written: {'; '.join(dropped)}", file=sys.stderr)
    print(f"{len(missing)} KB gene names unknown to org.Hs.eg.db or off the primary chromosomes: {' '.join(missing)}", file=sys.stderr)


if __name__ == "__main__":
    main()
