#!/usr/bin/env python3
"""Writes the synthetic case VCFs of Tests/Fixtures/recommendation/cases/ (and the demo case in
Cohorts/demo/). Deterministic: running it again rewrites identical files.

Every case is SYNTHETIC: made-up tumour/normal read counts around real, public somatic variants.
Driver coordinates and alleles are CIViC's GRCh37 coordinates (KnowledgeBase/civic VariantSummaries)
or variants of the open-access TCGA MAF (tcga_pancan_open); GRCh38 positions are the same variants
on GRCh38 (checked against KnowledgeBase/genes/exons.tsv where the gene is there). Passengers are
rows of Cohorts/passenger_pool_grch37.tsv (TCGA open access). The CSQ strings follow VEP's layout
(`--everything`-like subset of fields, one canonical transcript per variant); passengers carry
HGVSp but no HGVSc.

    python3 Tests/Fixtures/recommendation/make_cases.py
"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

GRCH37 = [("1", 249250621), ("2", 243199373), ("3", 198022430), ("4", 191154276), ("5", 180915260), ("6", 171115067),
          ("7", 159138663), ("8", 146364022), ("9", 141213431), ("10", 135534747), ("11", 135006516), ("12", 133851895),
          ("13", 115169878), ("14", 107349540), ("15", 102531392), ("16", 90354753), ("17", 81195210), ("18", 78077248),
          ("19", 59128983), ("20", 63025520), ("21", 48129895), ("22", 51304566), ("X", 155270560), ("Y", 59373566)]
GRCH38 = [("chr1", 248956422), ("chr2", 242193529), ("chr3", 198295559), ("chr4", 190214555), ("chr5", 181538259),
          ("chr6", 170805979), ("chr7", 159345973), ("chr8", 145138636), ("chr9", 138394717), ("chr10", 133797422),
          ("chr11", 135086622), ("chr12", 133275309), ("chr13", 114364328), ("chr14", 107043718), ("chr15", 101991189),
          ("chr16", 90338345), ("chr17", 83257441), ("chr18", 80373285), ("chr19", 58617616), ("chr20", 64444167),
          ("chr21", 46709983), ("chr22", 50818468), ("chrX", 156040895), ("chrY", 57227415)]

CSQ_FIELDS = ["Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature", "BIOTYPE", "EXON", "INTRON",
              "HGVSc", "HGVSp", "cDNA_position", "CDS_position", "Protein_position", "Amino_acids", "Codons",
              "Existing_variation", "DISTANCE", "STRAND", "FLAGS", "SYMBOL_SOURCE", "HGNC_ID", "CANONICAL", "MANE_SELECT",
              "ENSP", "SIFT", "PolyPhen"]

THREE = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly", "H": "His",
         "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp",
         "Y": "Tyr", "V": "Val", "*": "Ter"}

# gene -> (Ensembl gene, GRCh37 transcript, GRCh38 transcript, protein, strand, HGNC)
GENES = {
    "BRAF": ("ENSG00000157764", "ENST00000288602.6", "ENST00000646891.2", "ENSP00000288602", -1, "HGNC:1097"),
    "EGFR": ("ENSG00000146648", "ENST00000275493.2", "ENST00000275493.7", "ENSP00000275493", 1, "HGNC:3236"),
    "KRAS": ("ENSG00000133703", "ENST00000256078.4", "ENST00000256078.10", "ENSP00000256078", -1, "HGNC:6407"),
    "PIK3CA": ("ENSG00000121879", "ENST00000263967.3", "ENST00000263967.4", "ENSP00000263967", 1, "HGNC:8975"),
    "TP53": ("ENSG00000141510", "ENST00000269305.4", "ENST00000269305.9", "ENSP00000269305", -1, "HGNC:11998"),
    "IDH1": ("ENSG00000138413", "ENST00000345146.2", "ENST00000345146.7", "ENSP00000345146", -1, "HGNC:5382"),
    "IDH2": ("ENSG00000182054", "ENST00000330062.3", "ENST00000330062.8", "ENSP00000331897", -1, "HGNC:5383"),
    "FGFR3": ("ENSG00000068078", "ENST00000440486.2", "ENST00000440486.8", "ENSP00000414914", 1, "HGNC:3690"),
    "BRCA1": ("ENSG00000012048", "ENST00000357654.3", "ENST00000357654.9", "ENSP00000350283", -1, "HGNC:1100"),
    "APC": ("ENSG00000134982", "ENST00000257430.4", "ENST00000257430.9", "ENSP00000257430", 1, "HGNC:583"),
    "DNMT3A": ("ENSG00000119772", "ENST00000264709.3", "ENST00000264709.8", "ENSP00000264709", -1, "HGNC:2978"),
}

IMPACT = {"missense_variant": "MODERATE", "stop_gained": "HIGH", "frameshift_variant": "HIGH", "inframe_deletion": "MODERATE",
          "synonymous_variant": "LOW", "splice_region_variant": "LOW"}


def three_letter(p):
    """p.V600E -> p.Val600Glu; p.R1443* -> p.Arg1443Ter; p.E746_A750del -> p.Glu746_Ala750del."""
    m = re.fullmatch(r"p\.([A-Z*])(\d+)([A-Z*])", p)
    if m:
        return f"p.{THREE[m[1]]}{m[2]}{THREE[m[3]]}"
    m = re.fullmatch(r"p\.([A-Z])(\d+)_([A-Z])(\d+)del", p)
    if m:
        return f"p.{THREE[m[1]]}{m[2]}_{THREE[m[3]]}{m[4]}del"
    raise ValueError(f"no 3-letter form for {p}")


class V:
    """A variant row. Drivers carry full annotation; passengers only gene/consequence/HGVSp."""
    def __init__(self, chrom, pos, ref, alt, gene, consequence, hgvsp=None, hgvsc=None, exon=None, codons=None,
                 filt="PASS", t_ref=180, t_alt=60, n_ref=120, n_alt=0, existing=""):
        self.__dict__.update(locals())
        del self.__dict__["self"]


def csq(v, build):
    gene = GENES.get(v.gene)
    ensg, t37, t38, ensp, strand, hgnc = gene if gene else ("", "", "", "", 1, "")
    tx = t37 if build == "GRCh37" else t38
    hgvsp_long = three_letter(v.hgvsp) if v.hgvsp else ""
    aa = ""
    ppos = ""
    if v.hgvsp and v.consequence == "missense_variant":
        body = v.hgvsp[2:]
        aa = body[0] + "/" + body[-1]
        ppos = "".join(ch for ch in body if ch.isdigit())
    elif v.hgvsp:
        ppos = "".join(ch for ch in v.hgvsp[2:].split("_")[0] if ch.isdigit())
    allele = v.alt if len(v.ref) == len(v.alt) else (v.alt[1:] or "-")
    vals = {
        "Allele": allele, "Consequence": v.consequence, "IMPACT": IMPACT.get(v.consequence, "MODIFIER"), "SYMBOL": v.gene,
        "Gene": ensg, "Feature_type": "Transcript" if tx else "", "Feature": tx, "BIOTYPE": "protein_coding",
        "EXON": v.exon or "", "HGVSc": f"{tx}:{v.hgvsc}" if (tx and v.hgvsc) else "",
        "HGVSp": f"{ensp}:{hgvsp_long}" if (ensp and hgvsp_long) else (hgvsp_long if hgvsp_long else ""),
        "Protein_position": ppos, "Amino_acids": aa, "Codons": v.codons or "", "Existing_variation": v.existing,
        "STRAND": str(strand), "SYMBOL_SOURCE": "HGNC", "HGNC_ID": hgnc, "CANONICAL": "YES", "MANE_SELECT": "",
        "ENSP": ensp,
    }
    return "|".join(vals.get(f, "") for f in CSQ_FIELDS)


def write_case(path, build, records, annotated, description, tumour_type):
    contigs = GRCH37 if build == "GRCh37" else GRCH38
    lines = ["##fileformat=VCFv4.2",
             "##source=onco synthetic case generator (Tests/Fixtures/recommendation/make_cases.py)",
             f"##onco_synthetic_case=\"{description}; suggested tumour type {tumour_type}; SYNTHETIC, not a patient\"",
             "##reference=" + ("file:///references/GRCh37/human_g1k_v37.fasta" if build == "GRCh37" else
                                "file:///references/GRCh38/GRCh38_no_alt_analysis_set.fasta"),
             "##tumor_sample=TUMOR", "##normal_sample=NORMAL",
             '##FILTER=<ID=PASS,Description="All filters passed">',
             '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
             '##FILTER=<ID=germline,Description="Evidence indicates this site is germline, not somatic">',
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
             '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">',
             '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">']
    if annotated:
        lines.append('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: '
                     + "|".join(CSQ_FIELDS) + '">')
        lines.append(f'##VEP="v105" time="2026-11-30 12:00:00" cache="homo_sapiens/105_{build}" ensembl=105 assembly="{build}"')
    for name, length in contigs:
        lines.append(f"##contig=<ID={name},length={length},assembly={build}>")
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", "NORMAL", "TUMOR"]))
    order = {c: i for i, (c, _) in enumerate(contigs)}
    for v in sorted(records, key=lambda r: (order[r.chrom], r.pos)):
        dp_t, dp_n = v.t_ref + v.t_alt, v.n_ref + v.n_alt
        info = f"DP={dp_t + dp_n}"
        if annotated:
            info += ";CSQ=" + csq(v, build)
        normal = f"0/0:{v.n_ref},{v.n_alt}:{dp_n}:{v.n_alt / dp_n:.3f}"
        tumour = f"0/1:{v.t_ref},{v.t_alt}:{dp_t}:{v.t_alt / dp_t:.3f}"
        lines.append("\t".join([v.chrom, str(v.pos), v.existing or ".", v.ref, v.alt, ".", v.filt, info, "GT:AD:DP:AF", normal, tumour]))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def pool(*rows):
    """Passengers from Cohorts/passenger_pool_grch37.tsv, by (gene, hgvsp)."""
    table = {}
    with open(os.path.join(ROOT, "Cohorts", "passenger_pool_grch37.tsv")) as f:
        next(f)
        for line in f:
            g, c, p, r, a, h, cons = line.rstrip("\n").split("\t")
            table[(g, h)] = (c, int(p), r, a, cons)
    out = []
    for i, (g, h) in enumerate(rows):
        c, p, r, a, cons = table[(g, h)]
        out.append(V(c, p, r, a, g, cons, hgvsp=h, t_ref=200 - 7 * i, t_alt=30 + 5 * i, n_ref=110 + i))
    return out


PASSENGERS_A = pool(("ARID1B", "p.R565W"), ("BCOR", "p.E1386Q"), ("CASP8", "p.K98N"), ("CIC", "p.R190C"),
                    ("CTCF", "p.N172S"), ("EPHA3", "p.V133L"))
PASSENGERS_B = pool(("ARID1B", "p.S1010F"), ("BCOR", "p.A719S"), ("CIC", "p.G287W"), ("CTCF", "p.H345R"))

# Drivers, GRCh37 (CIViC coordinates or TCGA MAF rows) ...
BRAF_V600E_37 = V("7", 140453136, "A", "T", "BRAF", "missense_variant", "p.V600E", "c.1799T>A", "15/18", "gTg/gAg",
                  t_ref=130, t_alt=82, existing="rs113488022")
EGFR_L858R_37 = V("7", 55259515, "T", "G", "EGFR", "missense_variant", "p.L858R", "c.2573T>G", "21/28", "cTg/cGg",
                  t_ref=150, t_alt=95, existing="rs121434568")
EGFR_E746_37 = V("7", 55242464, "AGGAATTAAGAGAAGC", "A", "EGFR", "inframe_deletion", "p.E746_A750del",
                 "c.2235_2249del", "19/28", t_ref=170, t_alt=64)
KRAS_G12C_37 = V("12", 25398285, "C", "A", "KRAS", "missense_variant", "p.G12C", "c.34G>T", "2/6", "Ggt/Tgt",
                 t_ref=160, t_alt=71, existing="rs121913530")
KRAS_G12D_37 = V("12", 25398284, "C", "T", "KRAS", "missense_variant", "p.G12D", "c.35G>A", "2/6", "gGt/gAt",
                 t_ref=140, t_alt=88, existing="rs121913529")
TP53_R273H_37 = V("17", 7577120, "C", "T", "TP53", "missense_variant", "p.R273H", "c.818G>A", "8/11", "cGt/cAt",
                  t_ref=90, t_alt=110, existing="rs28934576")
TP53_R175H_37 = V("17", 7578406, "C", "T", "TP53", "missense_variant", "p.R175H", "c.524G>A", "5/11", "cGc/cAc",
                  t_ref=100, t_alt=96, existing="rs28934578")
TP53_R248Q_37 = V("17", 7577538, "C", "T", "TP53", "missense_variant", "p.R248Q", "c.743G>A", "7/11", "cGg/cAg",
                  t_ref=80, t_alt=120, existing="rs11540652")
IDH2_R140Q_37 = V("15", 90631934, "C", "T", "IDH2", "missense_variant", "p.R140Q", "c.419G>A", "4/11", "cGg/cAg",
                  t_ref=110, t_alt=104, existing="rs121913502")
DNMT3A_R882H_37 = V("2", 25457242, "C", "T", "DNMT3A", "missense_variant", "p.R882H", "c.2645G>A", "23/23", "cGc/cAc",
                    t_ref=120, t_alt=98, existing="rs147001633")
BRCA1_R1443X_37 = V("17", 41234451, "G", "A", "BRCA1", "stop_gained", "p.R1443*", "c.4327C>T", "13/23", "Cga/Tga",
                    t_ref=70, t_alt=150, existing="rs41293455")
FGFR3_S249C_37 = V("4", 1803568, "C", "G", "FGFR3", "missense_variant", "p.S249C", "c.746C>G", "7/18", "tCc/tGc",
                   t_ref=128, t_alt=69, existing="rs121913483")
PIK3CA_H1047R_37 = V("3", 178952085, "A", "G", "PIK3CA", "missense_variant", "p.H1047R", "c.3140A>G", "21/21", "cAt/cGt",
                     t_ref=146, t_alt=63, existing="rs121913279")
APC_S320X_37 = V("5", 112154688, "C", "G", "APC", "stop_gained", "p.S320*", "c.959C>G", "9/16", "tCa/tGa", t_ref=140, t_alt=60)

# ... and GRCh38.
BRAF_V600E_38 = V("chr7", 140753336, "A", "T", "BRAF", "missense_variant", "p.V600E", "c.1799T>A", "15/18", "gTg/gAg",
                  t_ref=121, t_alt=77, existing="rs113488022")
EGFR_L858R_38 = V("chr7", 55191822, "T", "G", "EGFR", "missense_variant", "p.L858R", "c.2573T>G", "21/28", "cTg/cGg",
                  t_ref=140, t_alt=90, existing="rs121434568")
EGFR_T790M_38 = V("chr7", 55181378, "C", "T", "EGFR", "missense_variant", "p.T790M", "c.2369C>T", "20/28", "aCg/aTg",
                  t_ref=190, t_alt=34, existing="rs121434569")
PIK3CA_H1047R_38 = V("chr3", 179234297, "A", "G", "PIK3CA", "missense_variant", "p.H1047R", "c.3140A>G", "21/21", "cAt/cGt",
                     t_ref=150, t_alt=66, existing="rs121913279")
IDH1_R132H_38 = V("chr2", 208248388, "C", "T", "IDH1", "missense_variant", "p.R132H", "c.395G>A", "4/10", "cGt/cAt",
                  t_ref=105, t_alt=99, existing="rs121913500")
FGFR3_S249C_38 = V("chr4", 1801841, "C", "G", "FGFR3", "missense_variant", "p.S249C", "c.746C>G", "7/18", "tCc/tGc",
                   t_ref=133, t_alt=71, existing="rs121913483")
TP53_R273H_38 = V("chr17", 7673802, "C", "T", "TP53", "missense_variant", "p.R273H", "c.818G>A", "8/11", "cGt/cAt",
                  t_ref=92, t_alt=104, existing="rs28934576")
TP53_R175H_38 = V("chr17", 7675088, "C", "T", "TP53", "missense_variant", "p.R175H", "c.524G>A", "5/11", "cGc/cAc",
                  t_ref=99, t_alt=93, existing="rs28934578")


def filtered(v, filt):
    w = V(**{k: getattr(v, k) for k in v.__dict__})
    w.filt = filt
    return w


# name: (build, annotated, tumour type, records, description)
CASES = {
    "skcm_braf_v600e.grch37.vep": ("GRCh37", True, "SKCM", [BRAF_V600E_37] + PASSENGERS_A + [filtered(pool(("CIC", "p.R422Q"))[0], "germline")],
                                   "cutaneous melanoma, BRAF V600E, six passengers, one germline-filtered call"),
    "skcm_braf_v600e.grch38.vep": ("GRCh38", True, "SKCM", [BRAF_V600E_38, TP53_R273H_38], "cutaneous melanoma, BRAF V600E and TP53 R273H on GRCh38"),
    "skcm_braf_v600e.grch38.bare": ("GRCh38", False, "SKCM", [BRAF_V600E_38, TP53_R273H_38],
                                    "the same melanoma on GRCh38 without annotation (matched by the KB's GRCh37 alleles lifted to GRCh38)"),
    "skcm_braf_v600e.grch37.bare": ("GRCh37", False, "SKCM", [BRAF_V600E_37, TP53_R273H_37],
                                    "the bare GRCh38 melanoma's GRCh37 twin, without annotation"),
    "luad_egfr_l858r.grch37.vep": ("GRCh37", True, "LUAD", [EGFR_L858R_37, TP53_R273H_37] + PASSENGERS_B,
                                   "lung adenocarcinoma, EGFR L858R"),
    "luad_egfr_l858r_t790m.grch38.vep": ("GRCh38", True, "LUAD", [EGFR_L858R_38, EGFR_T790M_38, TP53_R175H_38],
                                         "lung adenocarcinoma, EGFR L858R with the T790M resistance mutation"),
    "luad_egfr_ex19del.grch37.bare": ("GRCh37", False, "LUAD", [EGFR_E746_37, TP53_R248Q_37],
                                      "lung adenocarcinoma, EGFR exon 19 deletion E746_A750del, no annotation"),
    "luad_kras_g12c.grch37.vep": ("GRCh37", True, "LUAD", [KRAS_G12C_37] + PASSENGERS_B, "lung adenocarcinoma, KRAS G12C"),
    "luad_egfr_l858r_filtered.grch37.vep": ("GRCh37", True, "LUAD", [filtered(EGFR_L858R_37, "weak_evidence"), TP53_R273H_37],
                                            "lung adenocarcinoma whose EGFR L858R call failed a filter (weak_evidence)"),
    "brca_pik3ca_h1047r.grch38.vep": ("GRCh38", True, "BRCA", [PIK3CA_H1047R_38, TP53_R175H_38], "invasive breast carcinoma, PIK3CA H1047R"),
    "brca_erbb2amp.grch37.vep": ("GRCh37", True, "BRCA", [TP53_R248Q_37] + PASSENGERS_A[:3],
                                 "invasive breast carcinoma with ERBB2 amplification (give --amplification ERBB2)"),
    "coadread_kras_g12d.grch37.vep": ("GRCh37", True, "COADREAD", [KRAS_G12D_37, APC_S320X_37, TP53_R175H_37],
                                      "colorectal adenocarcinoma, KRAS G12D, APC and TP53"),
    "coadread_braf_v600e.grch38.vep": ("GRCh38", True, "COADREAD", [BRAF_V600E_38, TP53_R273H_38], "colorectal adenocarcinoma, BRAF V600E"),
    "aml_idh2_r140q.grch37.vep": ("GRCh37", True, "AML", [IDH2_R140Q_37, DNMT3A_R882H_37], "acute myeloid leukaemia, IDH2 R140Q and DNMT3A R882H"),
    "aml_idh1_r132h.grch38.vep": ("GRCh38", True, "AML", [IDH1_R132H_38], "acute myeloid leukaemia, IDH1 R132H"),
    "blca_fgfr3_s249c.grch38.vep": ("GRCh38", True, "BLCA", [FGFR3_S249C_38, TP53_R175H_38], "bladder urothelial carcinoma, FGFR3 S249C"),
    "hgsoc_brca1_r1443x.grch37.vep": ("GRCh37", True, "HGSOC", [BRCA1_R1443X_37, TP53_R273H_37],
                                      "high-grade serous ovarian cancer, BRCA1 R1443* (truncating) and TP53"),
    # Acceptance cases of issue #18 (bladder on both builds; IDC; a lung adenocarcinoma without an actionable
    # variant, combined with --fusion / --msi / --tmb in the tests).
    "blca_fgfr3_s249c.grch37.vep": ("GRCh37", True, "BLCA", [FGFR3_S249C_37, TP53_R175H_37], "bladder urothelial carcinoma, FGFR3 S249C"),
    "idc_pik3ca_h1047r.grch37.vep": ("GRCh37", True, "IDC", [PIK3CA_H1047R_37, TP53_R248Q_37] + PASSENGERS_A[:2],
                                     "invasive ductal breast carcinoma, PIK3CA H1047R"),
    "luad_no_driver.grch37.vep": ("GRCh37", True, "LUAD", [TP53_R273H_37] + PASSENGERS_B,
                                  "lung adenocarcinoma with no actionable variant (fusions, MSI and TMB are given as clinical inputs)"),
    "hnsc_no_actionable.grch37.vep": ("GRCh37", True, "HNSC", [TP53_R248Q_37] + PASSENGERS_B[:3],
                                      "head and neck squamous cell carcinoma without an actionable alteration"),
}

if __name__ == "__main__":
    out = os.path.join(HERE, "cases")
    os.makedirs(out, exist_ok=True)
    for name, (build, annotated, tt, records, desc) in CASES.items():
        write_case(os.path.join(out, name + ".vcf"), build, records, annotated, desc, tt)
    demo = os.path.join(ROOT, "Cohorts", "demo")
    os.makedirs(demo, exist_ok=True)
    write_case(os.path.join(demo, "melanoma-braf-v600e.grch37.vcf"), "GRCh37",
               [BRAF_V600E_37, TP53_R273H_37] + PASSENGERS_A + [filtered(pool(("CIC", "p.R422Q"))[0], "germline")],
               True, "onco demo case: cutaneous melanoma, BRAF V600E", "SKCM")
    print(f"wrote {len(CASES)} cases to {out} and the demo case to {demo}")
