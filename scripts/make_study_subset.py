#!/usr/bin/env python3
"""Cut a small, real subset out of a cBioPortal study folder (e.g. tcga_pancan_open).

Usage: make_study_subset.py STUDY_DIR OUT_DIR --projects HNSC,GBM [--genes TP53,IDH1,...]

Keeps every patient of the given TCGA projects (patient column TCGA_PROJECT), their samples, their
treatment-timeline rows, and the MAF rows of their samples (only the listed genes when --genes is
given, so that per-gene mutation status stays exact for those genes while the file stays small).
The meta files are copied with the study id suffixed. Output is deterministic (input order kept).
"""
import argparse, gzip, os, shutil, sys

def open_text(path):
    return gzip.open(path, "rt") if path.endswith(".gz") else open(path)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("study"); ap.add_argument("out")
    ap.add_argument("--projects", required=True)
    ap.add_argument("--genes", default="")
    ap.add_argument("--study-id", default=None)
    a = ap.parse_args()
    projects = set(a.projects.split(","))
    genes = set(g for g in a.genes.split(",") if g)
    os.makedirs(a.out, exist_ok=True)

    patients = set()
    with open(os.path.join(a.study, "data_clinical_patient.txt")) as f, \
         open(os.path.join(a.out, "data_clinical_patient.txt"), "w") as o:
        header = None
        for line in f:
            if line.startswith("#"):
                o.write(line); continue
            cols = line.rstrip("\n").split("\t")
            if header is None:
                header = cols; o.write(line); continue
            if cols[header.index("TCGA_PROJECT")] in projects:
                patients.add(cols[0]); o.write(line)
    samples = set()
    with open(os.path.join(a.study, "data_clinical_sample.txt")) as f, \
         open(os.path.join(a.out, "data_clinical_sample.txt"), "w") as o:
        header = None
        for line in f:
            if line.startswith("#"):
                o.write(line); continue
            cols = line.rstrip("\n").split("\t")
            if header is None:
                header = cols; o.write(line); continue
            if cols[header.index("PATIENT_ID")] in patients:
                samples.add(cols[0]); o.write(line)
    maf_in = os.path.join(a.study, "data_mutations.txt")
    if not os.path.exists(maf_in): maf_in += ".gz"
    n_maf = 0
    with open_text(maf_in) as f, gzip.open(os.path.join(a.out, "data_mutations.txt.gz"), "wt", compresslevel=9) as o:
        header = None
        for line in f:
            if line.startswith("#"):
                o.write(line); continue
            cols = line.rstrip("\n").split("\t")
            if header is None:
                header = cols; o.write(line)
                si, gi = header.index("Tumor_Sample_Barcode"), header.index("Hugo_Symbol"); continue
            if cols[si] in samples and (not genes or cols[gi] in genes):
                o.write(line); n_maf += 1
    n_tl = 0
    tl = os.path.join(a.study, "data_timeline_treatment.txt")
    if os.path.exists(tl):
        with open(tl) as f, open(os.path.join(a.out, "data_timeline_treatment.txt"), "w") as o:
            for i, line in enumerate(f):
                if i == 0 or line.split("\t", 1)[0] in patients:
                    o.write(line); n_tl += i > 0
    sid = a.study_id or "subset_" + "_".join(sorted(p.lower() for p in projects))
    for name in os.listdir(a.study):
        if name.startswith("meta_"):
            with open(os.path.join(a.study, name)) as f, open(os.path.join(a.out, name), "w") as o:
                for line in f:
                    if line.startswith("cancer_study_identifier:"):
                        line = f"cancer_study_identifier: {sid}\n"
                    if line.startswith("data_filename: data_mutations.txt"):
                        line = "data_filename: data_mutations.txt.gz\n"
                    o.write(line)
    print(f"patients {len(patients)} samples {len(samples)} maf_rows {n_maf} timeline_rows {n_tl}", file=sys.stderr)

if __name__ == "__main__":
    main()
