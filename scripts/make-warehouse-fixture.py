#!/usr/bin/env python3
"""Cut a small, real subset out of the tcga_pancan_open cBioPortal study for the warehouse tests.

Usage: scripts/make-warehouse-fixture.py STUDY_DIR OUT_DIR

Deterministic: for each project in PROJECTS, the first N patients in patient-file order (the file is
sorted by barcode); their samples, every MAF row of those samples (written gzipped, as the source),
and every treatment timeline row of those patients. Header lines and column order are kept verbatim,
so the subset is itself a valid cBioPortal study.
"""
import gzip
import os
import sys

PROJECTS = {"LUAD": 120, "OV": 90, "PAAD": 60, "SKCM": 60}


def main(study, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(study, "data_clinical_patient.txt")) as f:
        lines = f.read().split("\n")
    header = [l for l in lines if l.startswith("#")]
    rows = [l for l in lines if l and not l.startswith("#")]
    cols = rows[0].split("\t")
    pc, proj = cols.index("PATIENT_ID"), cols.index("TCGA_PROJECT")
    taken, keep = {p: 0 for p in PROJECTS}, []
    for r in rows[1:]:
        c = r.split("\t")
        if c[proj] in PROJECTS and taken[c[proj]] < PROJECTS[c[proj]]:
            taken[c[proj]] += 1
            keep.append(r)
    patients = {r.split("\t")[pc] for r in keep}
    with open(os.path.join(out, "data_clinical_patient.txt"), "w") as f:
        f.write("\n".join(header + [rows[0]] + keep) + "\n")

    with open(os.path.join(study, "data_clinical_sample.txt")) as f:
        lines = f.read().split("\n")
    header = [l for l in lines if l.startswith("#")]
    rows = [l for l in lines if l and not l.startswith("#")]
    cols = rows[0].split("\t")
    spc, ssc = cols.index("PATIENT_ID"), cols.index("SAMPLE_ID")
    keep = [r for r in rows[1:] if r.split("\t")[spc] in patients]
    samples = {r.split("\t")[ssc] for r in keep}
    with open(os.path.join(out, "data_clinical_sample.txt"), "w") as f:
        f.write("\n".join(header + [rows[0]] + keep) + "\n")

    n_maf = 0
    with gzip.open(os.path.join(study, "data_mutations.txt.gz"), "rt") as f, \
            gzip.GzipFile(os.path.join(out, "data_mutations.txt.gz"), "wb", mtime=0) as g:
        head = f.readline()
        g.write(head.encode())
        bc = head.rstrip("\n").split("\t").index("Tumor_Sample_Barcode")
        for line in f:
            if line.split("\t", bc + 1)[bc] in samples:
                g.write(line.encode())
                n_maf += 1

    with open(os.path.join(study, "data_timeline_treatment.txt")) as f:
        lines = f.read().rstrip("\n").split("\n")
    tpc = lines[0].split("\t").index("PATIENT_ID")
    keep = [l for l in lines[1:] if l.split("\t")[tpc] in patients]
    with open(os.path.join(out, "data_timeline_treatment.txt"), "w") as f:
        f.write("\n".join([lines[0]] + keep) + "\n")

    for name in ["meta_clinical_patient.txt", "meta_clinical_sample.txt", "meta_timeline_treatment.txt",
                 "meta_mutations_extended.txt"]:
        with open(os.path.join(study, name)) as f, open(os.path.join(out, name), "w") as g:
            g.write(f.read())
    with open(os.path.join(study, "meta_study.txt")) as f:
        meta = f.read()
    with open(os.path.join(out, "meta_study.txt"), "w") as g:
        g.write(meta)
    print(f"patients {len(patients)} samples {len(samples)} mutations {n_maf} treatment_rows {len(keep)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
