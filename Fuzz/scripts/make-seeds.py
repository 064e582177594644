#!/usr/bin/env python3
"""Seed inputs for the fuzz targets, cut from the repository's own fixtures (Tests/Fixtures, Cohorts).

Writes Fuzz/seeds/<target>/ (not committed). scripts/fuzz.sh --seed minimises them with libFuzzer's
`-merge=1` into Fuzz/corpus/<target>/, which is committed. Every seed is small (a header and the
first records): libFuzzer mutates small inputs fastest, and the corpus stays well under 2 MB.
The fixtures' sources and licences are in their SOURCE.md files; the seeds are excerpts of them.
"""
import gzip
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIX = ROOT / "Tests" / "Fixtures"
OUT = ROOT / "Fuzz" / "seeds"
MAX = 12_000   # bytes per seed


def read_text(p: pathlib.Path) -> str:
    data = gzip.open(p).read() if p.suffix == ".gz" else p.read_bytes()
    return data.decode("utf-8", errors="replace")


def head(text: str, records: int, comment: str = "#") -> str:
    """The leading comment/header lines plus `records` further lines, cut to MAX bytes by whole lines."""
    out, n = [], 0
    for line in text.splitlines(keepends=True):
        if not line.startswith(comment):
            n += 1
            if n > records:
                break
        out.append(line)
    s = "".join(out)
    while len(s.encode()) > MAX and "\n" in s.rstrip("\n"):
        s = s.rstrip("\n").rsplit("\n", 1)[0] + "\n"
    return s


def vcf_header_slim(text: str) -> str:
    """Drops long ##contig / ##reference / ##source noise lines but keeps INFO/FORMAT/FILTER."""
    keep = []
    for line in text.splitlines(keepends=True):
        if line.startswith("##contig") and len(keep) > 40:
            continue
        keep.append(line)
    return "".join(keep)


def write(target: str, name: str, text: str) -> None:
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text(text)


def vcf_seeds() -> None:
    sources = sorted((FIX / "genomics").rglob("*.vcf")) + sorted((FIX / "genomics").rglob("*.vcf.gz"))
    sources.append(ROOT / "Cohorts" / "demo" / "melanoma-braf-v600e.grch37.vcf")
    for p in sources:
        text = vcf_header_slim(read_text(p))
        name = p.name.replace(".vcf.gz", "").replace(".vcf", "")
        s = head(text, 12)
        write("vcf", name + ".vcf", s)
        write("vcf-bgzf", name + ".vcf", s)
        # the same with a region (first data line's contig) and, with samples, a requested sample
        data = [l for l in s.splitlines() if l and not l.startswith("#")]
        chrom_line = next((l for l in s.splitlines() if l.startswith("#CHROM")), None)
        if data and chrom_line and len(data[0].split("\t")) >= 2:
            chrom, pos = data[0].split("\t")[:2]
            extra = f"##onco_fuzz_region={chrom}:{pos}-{int(pos) + 100000 if pos.isdigit() else pos}\n"
            cols = chrom_line.split("\t")
            if len(cols) > 9:
                extra += f"##onco_fuzz_sample={cols[-1]}\n"
            first_meta_end = s.index("\n") + 1
            r = s[:first_meta_end] + extra + s[first_meta_end:]
            write("vcf", name + ".region.vcf", r)
            write("vcf-bgzf", name + ".region.vcf", r)


def csq_seeds() -> None:
    sources = sorted((FIX / "genomics").rglob("*.vcf")) + sorted((FIX / "genomics").rglob("*.vcf.gz"))
    for p in sources:
        text = read_text(p)
        desc = {}
        for line in text.splitlines():
            if not line.startswith("##"):
                break
            for tag in ("CSQ", "ANN"):
                if line.startswith(f"##INFO=<ID={tag},"):
                    d = line.split('Description="', 1)[1].rsplit('"', 1)[0]
                    desc[tag] = d
        if not desc:
            continue
        n = 0
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 8:
                continue
            for item in cols[7].split(";"):
                for tag, d in desc.items():
                    if item.startswith(tag + "="):
                        value = item[len(tag) + 1:]
                        s = f"{d}\n{cols[3]}\t{cols[4]}\n{value}"
                        if len(s.encode()) <= MAX:
                            write("csq", f"{p.name.split('.')[0]}-{n}.txt", s)
                            n += 1
            if n >= 6:
                break


def maf_seeds() -> None:
    sources = [FIX / "genomics" / "vcf2maf" / "test.maf", FIX / "genomics" / "vcf2maf" / "test_b38_output.maf",
               FIX / "genomics" / "tcga" / "TCGA-A2-A04W-01.maf.tsv", FIX / "tcga_hnsc_gbm" / "data_mutations.txt.gz"]
    for p in sources:
        write("maf", p.name.split(".")[0] + ".maf", head(read_text(p), 8))


def study_seed(study: pathlib.Path, patients: int) -> str:
    """A cBioPortal study folder in `=== NAME` sections: the first patients, their samples, mutations and treatments."""
    pt = read_text(study / "data_clinical_patient.txt")
    pt_head = head(pt, patients)
    ids = {l.split("\t")[0] for l in pt_head.splitlines()[1:] if l and not l.startswith("#")}
    def rows(name: str, key: str, limit: int) -> str:
        p = study / name
        if not p.exists():
            p = study / (name + ".gz")
        lines = read_text(p).splitlines(keepends=True)
        header_at = next(i for i, l in enumerate(lines) if not l.startswith("#"))
        col = lines[header_at].rstrip("\n").split("\t").index(key)
        body = [l for l in lines[header_at + 1:] if any(l.split("\t")[col].startswith(i) for i in ids)][:limit]
        return "".join(lines[:header_at + 1] + body)
    meta = (study / "meta_study.txt").read_text()
    meta = "".join(l + "\n" for l in meta.splitlines() if not l.startswith(("description", "citation", "name")))
    parts = [("meta_study.txt", meta), ("data_clinical_patient.txt", pt_head),
             ("data_clinical_sample.txt", rows("data_clinical_sample.txt", "PATIENT_ID", 2 * patients)),
             ("data_mutations.txt", rows("data_mutations.txt", "Tumor_Sample_Barcode", 6)),
             ("data_timeline_treatment.txt", rows("data_timeline_treatment.txt", "PATIENT_ID", 6))]
    return "".join(f"=== {n}\n{t}" for n, t in parts)


def cbioportal_seeds() -> None:
    write("cbioportal", "tcga_hnsc_gbm.txt", study_seed(FIX / "tcga_hnsc_gbm", 3))
    write("cbioportal", "tcga_subset.txt", study_seed(FIX / "warehouse" / "tcga_subset", 3))
    # the web download's single clinical TSV (display-name headers), as in CBioPortalImportTests
    write("cbioportal", "web-clinical.tsv",
          "Study ID\tPatient ID\tSample ID\tDiagnosis Age\tSex\tOncotree Code\tOverall Survival (Months)\t"
          "Overall Survival Status\tTMB (nonsynonymous)\n"
          "demo_study\tPT-1\tPT-1-T1\t61\tFemale\tLUAD\t12.0\t1:DECEASED\t5.5\n"
          "demo_study\tPT-1\tPT-1-T2\t61\tFemale\tLUAD\t12.0\t1:DECEASED\t7.25\n"
          "demo_study\tPT-2\tPT-2-T1\t70\tMale\tSKCM\t30.5\t0:LIVING\t20\n"
          "demo_study\tPT-3\tPT-3-T1\tNA\tMale\tSKCM\tNA\tNA\tNA\n")


def omop_seeds() -> None:
    d = FIX / "warehouse" / "omop_csv"
    files = sorted(d.glob("*.csv"), key=lambda p: (p.name != "person.csv", p.name))
    write("omop-csv", "omop_csv.txt", "".join(f"=== {p.name}\n{p.read_text()}" for p in files))
    write("omop-csv", "person-only.txt", f"=== person.csv\n{(d / 'person.csv').read_text()}")


def cohort_seeds() -> None:
    for p in sorted((ROOT / "Cohorts" / "studies").iterdir()):
        write("cohort-definition", p.name, p.read_text())
    flags = {
        "flags-hnsc-tp53.txt": ["--tumour-type HNSC", "--group-by mutation:TP53", "--adjust age"],
        "flags-top-tmb.txt": ["--where SAMPLE_TYPE=Primary Solid Tumor,Primary Blood Tumor", "--top 20",
                              "--of TMB_NONSYNONYMOUS", "--within CANCER_TYPE_ACRONYM", "--endpoint study",
                              "--time-attribute OS_MONTHS", "--status-attribute OS_STATUS", "--adjust age",
                              "--strata CANCER_TYPE_ACRONYM", "--logrank-strata CANCER_TYPE_ACRONYM"],
        "flags-therapy.txt": ["--tumour-type NSCLC", "--altered EGFR:p.L858R", "--therapy-a osimertinib",
                              "--therapy-b class:platinum", "--line 1", "--endpoint ttnt", "--landmark 90d",
                              "--km-times 6 12 24", "--time-unit months", "--ties breslow", "--age 40-70",
                              "--tmb 10-", "--diagnosed 2010-01-01..2015-12-31", "--sex female", "--stage III,IV"],
        "flags-cuts.txt": ["--name cuts", "--group-by cuts:age:50,65", "--from diagnosis", "--skip phtest",
                           "--wild-type KRAS", "--exact-tumour-types", "--tumour-type LUAD", "--dataset tcga"],
    }
    for name, lines in flags.items():
        write("cohort-definition", name, "=== flags\n" + "".join(l + "\n" for l in lines))
    first = sorted((ROOT / "Cohorts" / "studies").glob("*.yaml"))[0]
    write("cohort-definition", "yaml-plus-flags.txt", first.read_text() + "=== flags\n--group-by sex\n--endpoint pfs\n")


def survival_seeds() -> None:
    """The survival tables of the R reference fixtures (time, event first), as CSV and one as TSV."""
    fixtures = ROOT / "Tests" / "Fixtures" / "survival"
    for p in sorted((fixtures / "data").glob("*.csv")) + sorted((fixtures / "extra").glob("*.csv")):
        write("survival-csv", p.name, head(read_text(p), 30))
    lung = head(read_text(fixtures / "data" / "lung.csv"), 30)
    write("survival-csv", "lung.tsv", lung.replace(",", "\t"))


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    vcf_seeds(); csq_seeds(); maf_seeds(); cbioportal_seeds(); omop_seeds(); cohort_seeds(); survival_seeds()
    for d in sorted(OUT.iterdir()):
        files = list(d.iterdir())
        print(f"{d.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
