#!/usr/bin/env python3
"""Writes the synthetic fixtures of ../numbers.tsv (run from this folder: python3 make_fixtures.py).

Every value is made up here: a three-patient cBioPortal study, a one-person OMOP CSV export and small
survival tables, each variant differing from a valid base in one number. No real data.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

PATIENT = [["PATIENT_ID", "AGE", "SEX", "INITIAL_PATHOLOGIC_DX_YEAR", "OS_STATUS", "OS_MONTHS"],
           ["P1", "61", "Female", "2004", "1:DECEASED", "20.5"],
           ["P2", "55", "Male", "2006", "0:LIVING", "40.1"],
           ["P3", "70", "Male", "2005", "1:DECEASED", "7.2"]]
SAMPLE = [["SAMPLE_ID", "PATIENT_ID", "ONCOTREE_CODE", "TMB_NONSYNONYMOUS"],
          ["S1", "P1", "LUAD", "2.5"], ["S2", "P2", "LUAD", "10.1"], ["S3", "P3", "SKCM", "30"]]
MAF = [["Hugo_Symbol", "Chromosome", "Start_Position", "End_Position", "Variant_Classification", "Reference_Allele",
        "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSp_Short", "t_ref_count", "t_alt_count", "NCBI_Build"],
       ["BRAF", "7", "140453136", "140453136", "Missense_Mutation", "A", "A", "T", "S1", "p.V600E", "60", "40", "GRCh37"],
       ["KRAS", "12", "25398284", "25398284", "Missense_Mutation", "C", "C", "A", "S2", "p.G12V", "30", "12", "GRCh37"],
       ["TP53", "17", "7577120", "7577120", "Missense_Mutation", "C", "C", "T", "S3", "p.R273H", "25", "25", "GRCh37"]]
TIMELINE = [["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "SUBTYPE", "AGENT"],
            ["P1", "10", "100", "TREATMENT", "Chemotherapy", "CISPLATIN"],
            ["P2", "5", "60", "TREATMENT", "Targeted", "ERLOTINIB"]]


def tsv(path, rows):
    with open(path, "w") as f:
        f.write("\n".join("\t".join(r) for r in rows) + "\n")


def study(name, edit=None):
    """A study folder; `edit` = (table name, data row 1-based, column, value)."""
    tables = {"patient": [r[:] for r in PATIENT], "sample": [r[:] for r in SAMPLE],
              "maf": [r[:] for r in MAF], "timeline": [r[:] for r in TIMELINE]}
    if edit:
        t, row, col, value = edit
        tables[t][row][tables[t][0].index(col)] = value
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "meta_study.txt"), "w") as f:
        f.write("type_of_cancer: mixed\ncancer_study_identifier: numbers_fixture\nname: synthetic numbers fixture\nreference_genome: hg19\n")
    tsv(os.path.join(d, "data_clinical_patient.txt"), tables["patient"])
    tsv(os.path.join(d, "data_clinical_sample.txt"), tables["sample"])
    tsv(os.path.join(d, "data_mutations.txt"), tables["maf"])
    tsv(os.path.join(d, "data_timeline_treatment.txt"), tables["timeline"])


def omop(name, person_row=None, variant_pos=None):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    person = person_row or "1,8532,1960,P1"
    with open(os.path.join(d, "person.csv"), "w") as f:
        f.write("person_id,gender_concept_id,year_of_birth,person_source_value\n" + person + "\n")
    with open(os.path.join(d, "specimen.csv"), "w") as f:
        f.write("specimen_id,person_id,specimen_date,specimen_source_id\n1,1,2004-03-01,S1\n")
    with open(os.path.join(d, "onco_somatic_variant.csv"), "w") as f:
        f.write("person_id,specimen_id,build,chrom,pos,ref,alt,gene\n1,1,GRCh37,7,%s,A,T,BRAF\n" % (variant_pos or "140453136"))


def text(name, body):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(body)


study("study_ok")
study("age_inf", ("patient", 2, "AGE", "inf"))
study("age_nan", ("patient", 2, "AGE", "NAN"))
study("age_minus_inf", ("patient", 2, "AGE", "-inf"))
study("age_1e300", ("patient", 2, "AGE", "1e300"))
study("age_old", ("patient", 2, "AGE", "old"))
study("os_months_1e300", ("patient", 3, "OS_MONTHS", "1e300"))
study("year_typo", ("patient", 1, "INITIAL_PATHOLOGIC_DX_YEAR", "20O4"))
study("tmb_inf", ("sample", 2, "TMB_NONSYNONYMOUS", "inf"))
study("timeline_start_fraction", ("timeline", 2, "START_DATE", "4.5e0"))
study("maf_start_scientific", ("maf", 2, "Start_Position", "2.5398284e+07"))
study("maf_start_zero", ("maf", 1, "Start_Position", "0"))
study("maf_alt_count_fraction", ("maf", 3, "t_alt_count", "4.5e0"))
study("maf_ref_count_hex", ("maf", 1, "t_ref_count", "0x3C"))
omop("omop_ok")
omop("omop_pos_fraction", variant_pos="1.4045313650e8")
omop("omop_year_inf", person_row="1,8532,inf,P1")

rows = "".join("%d,%d,%d,%s\n" % (i + 1, i % 2, 40 + i, "1" if i % 3 else "0") for i in range(40))
text("cox_age_typo.csv", "time,event,age,arm\n" + rows + "41,1,6O,1\n")
text("cox_constant.csv", "time,event,age,c\n" + "".join("%d,%d,%d,0.1\n" % (i + 1, i % 2 if i % 5 else 1, 40 + (i * 7) % 23) for i in range(40)))
text("km_time_inf.csv", "time,event\n1,1\n2,0\ninf,1\n")
text("km_time_hex.csv", "time,event\n1,1\n0x10,0\n3,1\n")
text("km_time_comma.tsv", "time\tevent\n1\t1\n2,5\t0\n3\t1\n")
text("cox_weight_overflow.csv", "time,event,x,w\n1,1,1,1\n2,0,2,1\n3,1,3,1e400\n4,1,1,1\n")
text("pseudonym.key", "numbers-fixture-pseudonym-key-0123456789\n")
