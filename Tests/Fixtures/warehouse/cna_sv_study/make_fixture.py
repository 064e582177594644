#!/usr/bin/env python3
"""Writes the synthetic cBioPortal study of this folder (issue #21 point 7): 60 invented patients with a
discrete copy-number matrix (data_CNA.txt) and structural variants (data_sv.txt). Synthetic data only;
no real patient, sample or record. Deterministic: the same files on every run.

Design (what the tests rely on):
- BRCA family: B01-B40 (ONCOTREE IDC or BRCA). B01-B30 carry ERBB2 = 2 (amplification); B31-B40 do not
  (ERBB2 -1.5/-1/0/1/NA). CDKN2A = -2 (deep deletion) in B05 and B31. First line: B01-B15
  trastuzumab + docetaxel, B16-B30 and B31-B40 docetaxel.
- LUAD: L01-L20. L01-L12 carry EML4::ALK (Site1 EML4 = 5', Site2 ALK = 3'), somatic; L01-L06 alectinib,
  L07-L20 carboplatin + pemetrexed. L16 KIF5B::RET (somatic), L17 CD74::ROS1 with SV_Status empty (read as
  somatic). Set aside: L13 EML4::ALK GERMLINE, L14 EGFR/EGFR (intragenic), L15 EML4/NA (one partner
  missing), a repeat of L01's EML4::ALK.
- Every sample: DAYS_TO_COLLECTION 0, DAYS_TO_SEQUENCING 14; first line starts on day 30-60.
- Fusion frames: L01-L11 Site2_Effect_On_Frame In_frame; L12 Site2_Effect_On_Frame empty and Event_Info
  "Protein fusion: in frame (EML4-ALK)" (in frame from Event_Info); L16 neither says (frame unknown);
  L17 Out-of-frame (frameshift).
- Gene panels (data_gene_panel_matrix.txt, columns = profile stable_ids mutations/gistic): PANEL_A
  (data_gene_panel_a.txt, coding_megabases 0.8, TP53 KRAS ERBB2 EGFR CDKN2A) for B32-B36; PANEL_B
  (gene_panels/panel_b.txt, coding_megabases 1.25, TP53 EGFR: no KRAS) for B37-B38; WES for B39;
  L18 NA (not profiled). Every other sample is absent from the matrix.
- MAF (data_mutations.txt): B32 TP53 missense + KRAS missense (2 counted / 0.8 = 2.5/Mb), B33 TP53
  Silent (0), B37 TP53 nonsense + KRAS missense (KRAS not on PANEL_B: 1 / 1.25 = 0.8/Mb), B38 TP53
  frameshift (0.8/Mb), B39 TP53 missense, L19 KRAS missense. TMB_NONSYNONYMOUS (clinical) 99 for
  B32-B38 (replaced by the panel TMB), 3.3 for B39 (WES: kept), 1.5 for L19 (not in the matrix: kept);
  NA for every other sample.
Run: python3 make_fixture.py (from any directory).
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261207)


def write(name, text):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(text)


def table(header, rows, meta=True):
    lines = []
    if meta:
        lines += ["#" + "\t".join(header), "#" + "\t".join(header), "#" + "\t".join(["STRING"] * len(header)),
                  "#" + "\t".join(["1"] * len(header))]
    lines.append("\t".join(header))
    lines += ["\t".join(str(c) for c in r) for r in rows]
    return "\n".join(lines) + "\n"


brca = [f"B{i:02d}" for i in range(1, 41)]
luad = [f"L{i:02d}" for i in range(1, 21)]
patients = brca + luad


def sample(p):
    return f"SYN-{p}-T1"


write("meta_study.txt", "type_of_cancer: mixed\ncancer_study_identifier: onco_synthetic_cna_sv\n"
      "name: onco synthetic copy-number and fusion study (invented patients)\n"
      "description: Synthetic study written by make_fixture.py for the importer's copy-number and structural-variant tests. No real data.\n"
      "reference_genome: hg19\n")
write("meta_clinical_patient.txt", "cancer_study_identifier: onco_synthetic_cna_sv\ngenetic_alteration_type: CLINICAL\n"
      "datatype: PATIENT_ATTRIBUTES\ndata_filename: data_clinical_patient.txt\n")
write("meta_clinical_sample.txt", "cancer_study_identifier: onco_synthetic_cna_sv\ngenetic_alteration_type: CLINICAL\n"
      "datatype: SAMPLE_ATTRIBUTES\ndata_filename: data_clinical_sample.txt\n")
write("meta_CNA.txt", "cancer_study_identifier: onco_synthetic_cna_sv\ngenetic_alteration_type: COPY_NUMBER_ALTERATION\n"
      "datatype: DISCRETE\nstable_id: gistic\nshow_profile_in_analysis_tab: true\n"
      "profile_name: Putative copy-number alterations (synthetic)\n"
      "profile_description: Synthetic GISTIC-style values: -2 deep deletion, -1 shallow loss, 0 neutral, 1 gain, 2 amplification.\n"
      "data_filename: data_CNA.txt\n")
write("meta_sv.txt", "cancer_study_identifier: onco_synthetic_cna_sv\ngenetic_alteration_type: STRUCTURAL_VARIANT\n"
      "datatype: SV\nstable_id: structural_variants\nshow_profile_in_analysis_tab: true\n"
      "profile_name: Structural variants (synthetic)\nprofile_description: Synthetic fusions.\ndata_filename: data_sv.txt\n")
write("meta_timeline_treatment.txt", "cancer_study_identifier: onco_synthetic_cna_sv\ngenetic_alteration_type: CLINICAL\n"
      "datatype: TIMELINE\ndata_filename: data_timeline_treatment.txt\n")

prow = []
for p in patients:
    dead = rng.random() < 0.6
    months = round(rng.uniform(4, 60), 2)
    prow.append([p, "Female" if p.startswith("B") or rng.random() < 0.5 else "Male", rng.randint(35, 80),
                 rng.randint(2010, 2015), "Stage IV", "1:DECEASED" if dead else "0:LIVING", months])
write("data_clinical_patient.txt", table(["PATIENT_ID", "SEX", "AGE", "INITIAL_PATHOLOGIC_DX_YEAR", "AJCC_PATHOLOGIC_TUMOR_STAGE",
                                          "OS_STATUS", "OS_MONTHS"], prow))
clinical_tmb = {**{f"B{i}": "99" for i in range(32, 39)}, "B39": "3.3", "L19": "1.5"}
srow = []
for p in patients:
    code = ("IDC" if int(p[1:]) % 2 else "BRCA") if p.startswith("B") else "LUAD"
    srow.append([sample(p), p, code, "Primary", 0, 14, clinical_tmb.get(p, "NA")])
write("data_clinical_sample.txt", table(["SAMPLE_ID", "PATIENT_ID", "ONCOTREE_CODE", "SAMPLE_TYPE", "DAYS_TO_COLLECTION",
                                         "DAYS_TO_SEQUENCING", "TMB_NONSYNONYMOUS"], srow))

# Treatment timeline: one first line per patient.
trow = []
for p in patients:
    n = int(p[1:])
    start = rng.randint(30, 60)
    stop = start + rng.randint(60, 200)
    if p.startswith("B"):
        drugs = ["TRASTUZUMAB", "DOCETAXEL"] if n <= 15 else ["DOCETAXEL"]
    else:
        drugs = ["ALECTINIB"] if n <= 6 else ["CARBOPLATIN", "PEMETREXED"]
    for d in drugs:
        trow.append([p, start, stop, "TREATMENT", "Chemotherapy", d])
write("data_timeline_treatment.txt", table(["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "SUBTYPE", "AGENT"],
                                           trow, meta=False))

# Discrete copy number (wide).
genes = [("ERBB2", 2064), ("CDKN2A", 1029), ("EGFR", 1956), ("MYC", 4609), ("PTEN", 5728)]
background = ["-1.5", "-1", "0", "0", "0", "1", "NA"]
crow = []
for g, entrez in genes:
    cells = []
    for p in patients:
        n = int(p[1:])
        if g == "ERBB2" and p.startswith("B") and n <= 30:
            v = "2"
        elif g == "CDKN2A" and p in ("B05", "B31"):
            v = "-2"
        else:
            v = rng.choice(background)
        cells.append(v)
    crow.append([g, entrez] + cells)
write("data_CNA.txt", table(["Hugo_Symbol", "Entrez_Gene_Id"] + [sample(p) for p in patients], crow, meta=False))

# Structural variants.
svh = ["Sample_Id", "Site1_Hugo_Symbol", "Site1_Chromosome", "Site1_Position", "Site2_Hugo_Symbol", "Site2_Chromosome",
       "Site2_Position", "Site2_Effect_On_Frame", "SV_Status", "Class", "Event_Info"]
sv = []
for i in range(1, 13):
    frame, info = ("In_frame", "Fusion") if i < 12 else ("", "Protein fusion: in frame (EML4-ALK)")
    sv.append([sample(f"L{i:02d}"), "EML4", 2, 42522656 - i, "ALK", 2, 29446394 + i, frame, "SOMATIC", "INVERSION", info])
sv.append([sample("L01"), "EML4", 2, 42522656, "ALK", 2, 29446394, "In_frame", "SOMATIC", "INVERSION", "Fusion"])  # repeat
sv.append([sample("L13"), "EML4", 2, 42522000, "ALK", 2, 29446000, "In_frame", "GERMLINE", "INVERSION", "Fusion"])
sv.append([sample("L14"), "EGFR", 7, 55240000, "EGFR", 7, 55260000, "In_frame", "SOMATIC", "DELETION", "EGFR-intragenic"])
sv.append([sample("L15"), "EML4", 2, 42500000, "NA", 2, 60000000, "NA", "SOMATIC", "TRANSLOCATION", "intergenic"])
sv.append([sample("L16"), "KIF5B", 10, 32317000, "RET", 10, 43610000, "NA", "SOMATIC", "INVERSION", "Fusion"])
sv.append([sample("L17"), "CD74", 5, 149784000, "ROS1", 6, 117645000, "Out-of-frame", "", "TRANSLOCATION", "Fusion"])
write("data_sv.txt", table(svh, sv, meta=False))

# Gene panels and the panel matrix.
write("meta_mutations_extended.txt", "cancer_study_identifier: onco_synthetic_cna_sv\ngenetic_alteration_type: MUTATION_EXTENDED\n"
      "datatype: MAF\nstable_id: mutations\nshow_profile_in_analysis_tab: true\nprofile_name: Mutations (synthetic)\n"
      "profile_description: Synthetic mutations.\ndata_filename: data_mutations.txt\n")
write("data_gene_panel_a.txt", "stable_id: PANEL_A\ndescription: Synthetic 5-gene panel.\ncoding_megabases: 0.8\n"
      "gene_list: TP53\tKRAS\tERBB2\tEGFR\tCDKN2A\n")
os.makedirs(os.path.join(HERE, "gene_panels"), exist_ok=True)
write("gene_panels/panel_b.txt", "stable_id: PANEL_B\ndescription: Synthetic 2-gene panel.\ncoding_megabases: 1.25\n"
      "gene_list: TP53\tEGFR\n")
mrow = [[sample(f"B{i}"), "PANEL_A", "PANEL_A"] for i in range(32, 37)] + [[sample(f"B{i}"), "PANEL_B", "NA"] for i in (37, 38)]
mrow += [[sample("B39"), "WES", "WES"], [sample("L18"), "NA", "NA"]]
write("data_gene_panel_matrix.txt", table(["SAMPLE_ID", "mutations", "gistic"], mrow, meta=False))
mafh = ["Hugo_Symbol", "NCBI_Build", "Chromosome", "Start_Position", "End_Position", "Variant_Classification", "Variant_Type",
        "Reference_Allele", "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSp_Short", "FILTER"]
maf = [
    ["TP53", "GRCh37", 17, 7577120, 7577120, "Missense_Mutation", "SNP", "C", "T", sample("B32"), "p.R273H", "PASS"],
    ["KRAS", "GRCh37", 12, 25398284, 25398284, "Missense_Mutation", "SNP", "C", "T", sample("B32"), "p.G12D", "PASS"],
    ["TP53", "GRCh37", 17, 7579472, 7579472, "Silent", "SNP", "G", "A", sample("B33"), "p.P72P", "PASS"],
    ["TP53", "GRCh37", 17, 7577538, 7577538, "Nonsense_Mutation", "SNP", "C", "A", sample("B37"), "p.R248*", "PASS"],
    ["KRAS", "GRCh37", 12, 25398285, 25398285, "Missense_Mutation", "SNP", "C", "A", sample("B37"), "p.G12C", "PASS"],
    ["TP53", "GRCh37", 17, 7578406, 7578407, "Frame_Shift_Del", "DEL", "CT", "-", sample("B38"), "p.R175fs", "PASS"],
    ["TP53", "GRCh37", 17, 7577548, 7577548, "Missense_Mutation", "SNP", "C", "T", sample("B39"), "p.G245S", "PASS"],
    ["KRAS", "GRCh37", 12, 25398281, 25398281, "Missense_Mutation", "SNP", "C", "T", sample("L19"), "p.G13D", "PASS"],
]
write("data_mutations.txt", table(mafh, maf, meta=False))
