#!/usr/bin/env python3
"""Build Cohorts/passenger_pool_grch37.tsv: real somatic variants (GRCh37) used as passenger
mutations by the synthetic cohort generator, taken from the open-access TCGA MAF of the
tcga_pancan_open study (MC3 / Firehose rows, TCGA open access; see that study's README).

Usage: scripts/make-passenger-pool.py STUDY_DIR OUT_TSV

Deterministic: distinct (gene, chrom, pos, ref, alt, HGVSp_Short, class) of coding, non-synonymous
rows with an HGVSp_Short and FILTER PASS or empty, in a fixed list of panel genes (a cancer gene
panel of the kind MSK-IMPACT covers), excluding the genes whose alterations the generator plants
(drivers and TP53); at most 40 per gene, in file order.
"""
import gzip
import sys

PANEL = """APC ARID1A ARID1B ARID2 ATM ATRX AXIN1 B2M BAP1 BCOR CASP8 CDH1 CDKN2A CIC CREBBP CTCF CTNNB1
DNMT3A EP300 EPHA3 ERBB3 ERBB4 FAT1 FBXW7 FLT4 GATA3 GNAS KDM5C KDM6A KEAP1 KMT2C KMT2D LRP1B MAP2K4
MAP3K1 MET MGA NF1 NF2 NFE2L2 NOTCH1 NOTCH2 PBRM1 PIK3R1 POLE PTCH1 PTEN PTPRD RB1 RNF43 ROS1 RUNX1
SETD2 SMAD2 SMAD4 SMARCA4 SPOP STAG2 STK11 TET2 TSC1 TSC2 ZFHX3""".split()
CLASSES = {"Missense_Mutation": "missense_variant", "Nonsense_Mutation": "stop_gained",
           "Frame_Shift_Del": "frameshift_variant", "Frame_Shift_Ins": "frameshift_variant",
           "In_Frame_Del": "inframe_deletion", "In_Frame_Ins": "inframe_insertion", "Splice_Site": "splice_donor_variant"}


def main(study, out):
    panel, seen, per_gene, rows = set(PANEL), set(), {}, []
    with gzip.open(f"{study}/data_mutations.txt.gz", "rt") as f:
        cols = f.readline().rstrip("\n").split("\t")
        ix = {c: i for i, c in enumerate(cols)}
        for line in f:
            c = line.rstrip("\n").split("\t")
            gene, cls, hgvsp = c[ix["Hugo_Symbol"]], c[ix["Variant_Classification"]], c[ix["HGVSp_Short"]]
            if gene not in panel or cls not in CLASSES or not hgvsp or c[ix["FILTER"]] not in ("", "PASS"):
                continue
            key = (gene, c[ix["Chromosome"]], c[ix["Start_Position"]], c[ix["Reference_Allele"]], c[ix["Tumor_Seq_Allele2"]], hgvsp)
            if key in seen or per_gene.get(gene, 0) >= 40:
                continue
            seen.add(key)
            per_gene[gene] = per_gene.get(gene, 0) + 1
            rows.append(key + (CLASSES[cls],))
    rows.sort(key=lambda r: (r[0], int(r[2])))
    with open(out, "w") as g:
        g.write("gene\tchrom\tpos\tref\talt\thgvsp\tconsequence\n")
        for r in rows:
            g.write("\t".join(r) + "\n")
    print(f"{len(rows)} variants in {len(per_gene)} genes")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
