#!/usr/bin/env python3
"""Writes a small synthetic cBioPortal study with an immortal-time trap (issue #22), for the importer.

    python3 scripts/rwe-trap-cbioportal.py OUT_DIR [--patients N] [--seed S] [--truth FILE]

Every patient has lung adenocarcinoma (LUAD) with EGFR L858R and one first line of therapy, erlotinib
(treated) or carboplatin + pemetrexed (comparator), each with probability 1/2, started 14-60 days after
diagnosis. Overall survival from diagnosis is exponential with the same hazard in both arms (the truth is
HR 1.0). The trap is in the specimen dates: a comparator patient's specimen is collected 0-10 days after
diagnosis (the `SPECIMEN` row of `data_timeline_specimen.txt`) and sequenced 5-20 days later
(`DAYS_TO_SEQUENCING`), before the line starts; a treated patient's specimen is sequenced 60-300 days
after the line started, and a treated patient who died before that day was never sequenced (no sample, no
variant: outside an EGFR L858R cohort). The survivors look better: immortal time. Besides, a tenth of the
patients have a sample with no date at all (timing unknown) and another tenth a second sample; a few have a
collection date only (no `DAYS_TO_SEQUENCING`).

With `--truth FILE`, writes per patient (tab-separated): PATIENT_ID, arm, line-1 start day, and when the
EGFR L858R was known (days from diagnosis: the earliest `DAYS_TO_SEQUENCING`, else collection day, over
the patient's samples; `NA` when no sample has a date or the patient has no sample) with how it was dated
(`sequenced`, `collected`, `NA`). That is what `LineOutcomeTable.biomarkerKnownDays`/`biomarkerKnownBy`
must give after `onco warehouse import --cbioportal OUT_DIR`.

Python 3 standard library only; deterministic per seed. All data are synthetic.
"""

import argparse
import math
import os
import random
import sys

EGFR_L858R = ("EGFR", "7", 55259515, "T", "G", "Missense_Mutation", "p.L858R")
PASSENGERS = [("TP53", "17", 7577120, "C", "T", "Missense_Mutation", "p.R273H"),
              ("KRAS", "12", 25398284, "C", "A", "Missense_Mutation", "p.G12V"),
              ("STK11", "19", 1220580, "C", "T", "Nonsense_Mutation", "p.Q170*")]
MEDIAN_OS_DAYS = 540.0


def clinical(path, names, descriptions, types, rows):
    """A cBioPortal clinical file: four '#' header lines, the column names, then the rows."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("#" + "\t".join(descriptions) + "\n")
        f.write("#" + "\t".join(descriptions) + "\n")
        f.write("#" + "\t".join(types) + "\n")
        f.write("#" + "\t".join("1" for _ in names) + "\n")
        f.write("\t".join(names) + "\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


def table(path, header, rows):
    """A plain tab-separated file: the column names, then the rows."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


def meta(path, **fields):
    with open(path, "w", encoding="utf-8") as f:
        for k, v in fields.items():
            f.write(f"{k}: {v}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--patients", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--truth")
    a = ap.parse_args()
    if a.patients < 1:
        sys.exit("--patients must be at least 1")
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    study = f"rwe_trap_immortal_seed{a.seed}"

    patients, samples, timeline_specimen, treatments, mutations, truth = [], [], [], [], [], []
    for i in range(a.patients):
        pid = f"TRAP-{a.seed}-{i + 1:05d}"
        treated = rng.random() < 0.5
        ecog = rng.choice([0, 0, 1, 1, 1, 2])
        age = rng.randint(40, 85)
        sex = rng.choice(["Female", "Male"])
        os_days = max(1, int(round(-math.log(1 - rng.random()) * MEDIAN_OS_DAYS / math.log(2))))
        follow = rng.randint(720, 1800)
        died = os_days <= follow
        obs = os_days if died else follow
        start = rng.randint(14, 60)
        if start >= obs:
            start = max(0, obs - 1)
        stop = min(obs, start + rng.randint(60, 240))
        months = obs / 30.4375
        # Months are written with 4 decimals: round(months × 30.4375) gives back `obs` days.
        patients.append([pid, sex, age, ecog, "1:DECEASED" if died else "0:LIVING", f"{months:.4f}", 2015])
        agents = ["ERLOTINIB"] if treated else ["CARBOPLATIN", "PEMETREXED"]
        for agent in agents:
            treatments.append([pid, start, stop, "TREATMENT", "Medical Therapy", "Targeted Therapy" if treated else "Chemotherapy", agent])

        # Specimens: (sample id, collection day or None, sequencing day or None).
        specs = []
        kind = rng.random()
        if treated:
            seq = start + rng.randint(60, 300)
            if seq < obs:                      # died or left follow-up first: never sequenced
                specs.append((f"{pid}-01", rng.randint(0, 10), seq))
        else:
            c = rng.randint(0, 10)
            specs.append((f"{pid}-01", c, c + rng.randint(5, 20)))
        if specs and kind < 0.1:
            specs.append((f"{pid}-02", None, None))                    # no date at all: timing unknown
        elif specs and kind < 0.2:
            c2 = rng.randint(0, 400)
            specs.append((f"{pid}-02", c2, c2 + rng.randint(5, 30)))   # a second dated sample
        elif specs and kind < 0.25:
            sid, c, _ = specs[0]
            specs[0] = (sid, c, None)                                  # collection date only
        elif specs and kind < 0.3:
            specs = [(specs[0][0], None, None)]                        # the only sample has no date

        known = None
        for sid, c, s in specs:
            samples.append([sid, pid, "LUAD", "Primary Solid Tumor", "" if s is None else s])
            if c is not None:
                timeline_specimen.append([pid, c, "", "SPECIMEN", sid, "lung"])
            day, by = (s, "sequenced") if s is not None else (c, "collected") if c is not None else (None, None)
            if day is not None and (known is None or day < known[0] or (day == known[0] and by == "sequenced")):
                known = (day, by)
            for g in [EGFR_L858R] + [p for p in PASSENGERS if rng.random() < 0.3]:
                mutations.append([g[0], g[1], g[2], g[2], g[5], "SNP", g[3], g[3], g[4], sid, g[6], "PASS"])
        truth.append([pid, "erlotinib" if treated else "carboplatin+pemetrexed", start,
                      "NA" if known is None else known[0], "NA" if known is None else known[1], len(specs)])

    meta(os.path.join(a.out, "meta_study.txt"), type_of_cancer="luad", cancer_study_identifier=study,
         name=f"Synthetic immortal-time trap, seed {a.seed}",
         description="Synthetic (scripts/rwe-trap-cbioportal.py): EGFR L858R LUAD, erlotinib vs carboplatin + pemetrexed, truth HR 1.0; treated patients sequenced after line start",
         reference_genome="hg19")
    clinical(os.path.join(a.out, "data_clinical_patient.txt"),
             ["PATIENT_ID", "SEX", "AGE", "ECOG", "OS_STATUS", "OS_MONTHS", "INITIAL_PATHOLOGIC_DX_YEAR"],
             ["Patient Identifier", "Sex", "Diagnosis Age", "ECOG performance status at diagnosis", "Overall Survival Status",
              "Overall Survival (Months)", "Year of Diagnosis"],
             ["STRING", "STRING", "NUMBER", "NUMBER", "STRING", "NUMBER", "NUMBER"], patients)
    meta(os.path.join(a.out, "meta_clinical_patient.txt"), cancer_study_identifier=study, genetic_alteration_type="CLINICAL",
         datatype="PATIENT_ATTRIBUTES", data_filename="data_clinical_patient.txt")
    clinical(os.path.join(a.out, "data_clinical_sample.txt"),
             ["SAMPLE_ID", "PATIENT_ID", "ONCOTREE_CODE", "SAMPLE_TYPE", "DAYS_TO_SEQUENCING"],
             ["Sample Identifier", "Patient Identifier", "Oncotree Code", "Sample Type", "Days from diagnosis to sequencing"],
             ["STRING", "STRING", "STRING", "STRING", "NUMBER"], [[x if x != "" else "NA" for x in r] for r in samples])
    meta(os.path.join(a.out, "meta_clinical_sample.txt"), cancer_study_identifier=study, genetic_alteration_type="CLINICAL",
         datatype="SAMPLE_ATTRIBUTES", data_filename="data_clinical_sample.txt")
    table(os.path.join(a.out, "data_timeline_treatment.txt"),
          ["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "TREATMENT_TYPE", "SUBTYPE", "AGENT"], treatments)
    meta(os.path.join(a.out, "meta_timeline_treatment.txt"), cancer_study_identifier=study, genetic_alteration_type="CLINICAL",
         datatype="TIMELINE", data_filename="data_timeline_treatment.txt")
    table(os.path.join(a.out, "data_timeline_specimen.txt"),
          ["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "SAMPLE_ID", "SPECIMEN_SITE"], timeline_specimen)
    meta(os.path.join(a.out, "meta_timeline_specimen.txt"), cancer_study_identifier=study, genetic_alteration_type="CLINICAL",
         datatype="TIMELINE", data_filename="data_timeline_specimen.txt")
    table(os.path.join(a.out, "data_mutations.txt"),
          ["Hugo_Symbol", "Chromosome", "Start_Position", "End_Position", "Variant_Classification", "Variant_Type",
           "Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSp_Short", "FILTER"], mutations)
    meta(os.path.join(a.out, "meta_mutations_extended.txt"), cancer_study_identifier=study, genetic_alteration_type="MUTATION_EXTENDED",
         datatype="MAF", stable_id="mutations", profile_name="Mutations", profile_description="Synthetic",
         data_filename="data_mutations.txt")
    if a.truth:
        table(a.truth, ["PATIENT_ID", "arm", "line1_start_day", "known_day", "known_by", "samples"], truth)
    sequenced = sum(1 for r in truth if r[5] > 0)
    print(f"{a.patients} patients ({sequenced} with a sample) written to {a.out} (study {study})")


if __name__ == "__main__":
    main()
