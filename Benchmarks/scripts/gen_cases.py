#!/usr/bin/env python3
"""Synthetic tumour cases for `onco batch`: N VCFs and their manifest, some deliberately corrupt.

    gen_cases.py --out DIR --n 200 --seed 7 [--corrupt-fraction 0.05] [--min-variants 100]
                 [--max-variants 5000] [--vep-fraction 0.5] [--grch38-fraction 0.5] [--jobs 2]
                 [--cohort Cohorts/synthetic-oncology.json]

Writes
    DIR/manifest.tsv   case_id, vcf (relative), tumor_type, sample, age, sex, stage
    DIR/expected.tsv   case_id, expected status (ok|failed), expected error code, corruption kind, variants,
                       build, annotation, driver (gene + HGVSp, "" for none), tp53 (HGVSp or ""),
                       msi (high|stable|"" where the type has no MSI), tmb
    DIR/vcf/<case>.vcf.gz + .tbi   BGZF-compressed (written here, block by block as bgzip does)
                                   and indexed with `tabix -p vcf`

Every case is a tumour/normal (TUMOR, NORMAL) or tumour-only VCF with 100-5,000 somatic variants
(log-uniform), on GRCh37 (contigs 1..22,X,Y) or GRCh38 (chr1..chr22,chrX,chrY) with the real
contig lengths, VEP-annotated (INFO/CSQ with VEP's header Format string) or not.

Patients are drawn as the synthetic warehouse draws them (`onco warehouse synth`, model
Cohorts/synthetic-oncology.json, read here: the same tumour types, frequencies, drivers and alleles):
tumour type by `frequency`; sex, age ~ Normal(ageMean, ageSD) clipped to 20-90, stage by the type's
weights, MSI-high by `msiHigh`, TMB log-normal around `tmbMedian` (x `msiTMBFactor` when MSI-high);
at most one driver, mutually exclusive by the drivers' `frequency`; a TP53 hotspot from `tp53Variants`
with probability `tp53`; Poisson(TMB x `panelMegabases`, at most 60) passengers from the model's
passenger pool (real TCGA variants in 63 panel genes). The rest of the 100-5,000 variants are
passengers at random positions outside those genes. Gene-level drivers (ERBB2 amplification,
EML4::ALK fusion) and MSI status cannot be written as small variants in a VCF: they are drawn (so the
other drivers keep their frequencies) and listed in expected.tsv, but not written, and the manifest
has no column for them.

Coordinates: the model's GRCh37 positions and MAF-style alleles. Indels get a VCF anchor base `N`
(the reference base before the event is not in the repository; htslib and onco accept `N`, and onco's
normalisation trims it, leaving the event at the model's position). GRCh38 cases shift each GRCh37
position by its gene's GRCh37->GRCh38 offset (GRCH38_OFFSET: checked on the hotspots with a known
GRCh38 position, BRAF V600E, EGFR L858R, KRAS G12, NRAS Q61, PIK3CA H1047R/E545K, TP53 R175H/R273H,
IDH1 R132H, FGFR3 S249C; the others from Ensembl gene coordinates). Pool passengers are written on
GRCh37 cases only (their genes' offsets are not all known here). All data are synthetic.

Corrupt cases (round(fraction * N), spread deterministically, kinds in turn):
    truncated_gz        the .vcf.gz cut inside a BGZF block          -> vcf_truncated
    malformed_line      one record cut after ALT, or a non-numeric FORMAT/AD value -> vcf_malformed
    missing_file        the manifest names a VCF that is not there   -> vcf_missing
    unknown_tumor_type  free text instead of an OncoTree code        -> tumor_type_invalid
    wrong_sample        the manifest's sample is not in the header   -> sample_not_found

Deterministic per seed: the same arguments give byte-identical files (BGZF MTIME is 0).
"""
import argparse
import math
import os
import random
import re
import struct
import subprocess
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor

CHROMS = [str(i) for i in range(1, 23)] + ["X", "Y"]
LENGTHS = {
    "GRCh37": [249250621, 243199373, 198022430, 191154276, 180915260, 171115067, 159138663, 146364022,
               141213431, 135534747, 135006516, 133851895, 115169878, 107349540, 102531392, 90354753,
               81195210, 78077248, 59128983, 63025520, 48129895, 51304566, 155270560, 59373566],
    "GRCh38": [248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636,
               138394717, 133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345,
               83257441, 80373285, 58617616, 64444167, 46709983, 50818468, 156040895, 57227415],
}

# GRCh37 -> GRCh38 position offset per driver gene (see the module docstring).
GRCH38_OFFSET = {"BRAF": 300200, "EGFR": -67693, "KRAS": -152934, "NRAS": -542621, "PIK3CA": 282212, "TP53": 96682,
                 "IDH1": -864724, "FGFR3": -1727, "FLT3": -574137, "BRCA2": -574137, "NPM1": 572996, "IDH2": -543232,
                 "BRCA1": 1847983}
# Ensembl gene, canonical transcript, protein, strand (as in Tests/Fixtures/recommendation/make_cases.py).
ENSEMBL = {
    "BRAF": ("ENSG00000157764", "ENST00000288602", "ENSP00000288602", -1),
    "EGFR": ("ENSG00000146648", "ENST00000275493", "ENSP00000275493", 1),
    "KRAS": ("ENSG00000133703", "ENST00000256078", "ENSP00000256078", -1),
    "NRAS": ("ENSG00000213281", "ENST00000369535", "ENSP00000358548", -1),
    "PIK3CA": ("ENSG00000121879", "ENST00000263967", "ENSP00000263967", 1),
    "TP53": ("ENSG00000141510", "ENST00000269305", "ENSP00000269305", -1),
    "IDH1": ("ENSG00000138413", "ENST00000345146", "ENSP00000345146", -1),
    "IDH2": ("ENSG00000182054", "ENST00000330062", "ENSP00000331897", -1),
    "FGFR3": ("ENSG00000068078", "ENST00000440486", "ENSP00000414914", 1),
    "BRCA1": ("ENSG00000012048", "ENST00000357654", "ENSP00000350283", -1),
    "BRCA2": ("ENSG00000139618", "ENST00000380152", "ENSP00000369497", 1),
    "FLT3": ("ENSG00000122025", "ENST00000241453", "ENSP00000241453", -1),
    "NPM1": ("ENSG00000181163", "ENST00000296930", "ENSP00000296930", 1),
}
AA1 = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly", "H": "His",
       "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp",
       "Y": "Tyr", "V": "Val", "*": "Ter"}
IMPACT = {"missense_variant": "MODERATE", "stop_gained": "HIGH", "frameshift_variant": "HIGH", "inframe_deletion": "MODERATE",
          "inframe_insertion": "MODERATE", "synonymous_variant": "LOW", "splice_region_variant": "LOW",
          "splice_acceptor_variant": "HIGH", "splice_donor_variant": "HIGH", "start_lost": "HIGH", "stop_lost": "HIGH"}


def three_letter(p):
    """p.V600E -> p.Val600Glu; p.R1443* -> p.Arg1443Ter; p.W288Cfs*12 -> p.Trp288CysfsTer12 (VEP's HGVSp form)."""
    out, i = [], 0
    while i < len(p):
        c = p[i]
        if c in AA1 and (i == 2 or not p[i - 1].isalpha() or p[i - 1] in "_") and p.startswith("p.") and i >= 2:
            out.append(AA1[c])
        elif c == "*" and i >= 2:
            out.append("Ter")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def load_cohort(path):
    """The synthetic warehouse's model: tumour types with drivers, TP53 hotspots, passenger pool."""
    import csv, json
    with open(path) as f:
        model = json.load(f)
    pool_path = os.path.join(os.path.dirname(path), model["passengerPool"])
    with open(pool_path) as f:
        pool = [r for r in csv.DictReader(f, delimiter="\t")]
    return model, pool


PASSENGER_GENES = ["TTN", "MUC16", "CSMD3", "RYR2", "LRP1B", "USH2A", "SYNE1", "ZFHX4", "FLG", "PCLO", "OBSCN",
                   "DNAH5", "XIRP2", "CSMD1", "FAT3", "RYR3", "DNAH11", "HMCN1", "AHNAK2", "MUC17", "SPTA1",
                   "FAT4", "COL11A1", "LRP2", "DST", "APOB", "PKHD1L1", "CSMD2", "DNAH8", "NEB"]
AA = ["Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile", "Leu", "Lys", "Met", "Phe", "Pro",
      "Ser", "Thr", "Trp", "Tyr", "Val"]
BASES = "ACGT"
CSQ_FIELDS = ("Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|"
              "cDNA_position|CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|DISTANCE|"
              "STRAND|FLAGS|SYMBOL_SOURCE|HGNC_ID|CANONICAL")
BAD_TUMOUR_TYPES = ["Lung adenocarcinoma", "NSCLC?", "LUAD (met)", "colon ca", "1234", "skin/melanoma primary"]
CORRUPTIONS = [("truncated_gz", "vcf_truncated"), ("malformed_line", "vcf_malformed"),
               ("missing_file", "vcf_missing"), ("unknown_tumor_type", "tumor_type_invalid"),
               ("wrong_sample", "sample_not_found")]
COHORT = None  # (model, pool, path), loaded once per process by make_case
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def bgzf_compress(data: bytes) -> bytes:
    """BGZF as bgzip writes it: gzip members of at most 0xff00 input bytes with a BC extra field."""
    out = []
    for i in range(0, len(data), 0xff00):
        chunk = data[i:i + 0xff00]
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        comp = c.compress(chunk) + c.flush()
        out.append(struct.pack("<BBBBIBBHBBHH", 31, 139, 8, 4, 0, 0, 255, 6, 66, 67, 2, len(comp) + 25))
        out.append(comp)
        out.append(struct.pack("<II", zlib.crc32(chunk) & 0xffffffff, len(chunk)))
    out.append(BGZF_EOF)
    return b"".join(out)


def header(build, vep, samples):
    prefix = "chr" if build == "GRCh38" else ""
    h = ["##fileformat=VCFv4.2", "##source=onco-gen_cases (synthetic)", f"##reference={build}"]
    for c, l in zip(CHROMS, LENGTHS[build]):
        h.append(f"##contig=<ID={prefix}{c},length={l},assembly={build}>")
    h += ['##FILTER=<ID=PASS,Description="All filters passed">',
          '##FILTER=<ID=LowQual,Description="Low quality">',
          '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
          '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic mutation">']
    if vep:
        h.append("##VEP=\"v110\" cache=\"homo_sapiens/110_" + build + "\"")
        h.append(f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: {CSQ_FIELDS}">')
    h += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
          '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">',
          '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
          '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction of the alt allele">']
    h.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"] + samples))
    return h


def vep_allele(ref, alt):
    """VEP's CSQ Allele: the ALT without the first base shared with REF (`-` for a deletion)."""
    if len(ref) != len(alt) and ref[0] == alt[0]:
        return alt[1:] or "-"
    return alt


def csq_known(v, alt):
    """CSQ of a model variant (driver, TP53 hotspot or pool passenger): its gene, consequence and HGVSp."""
    gene, cons, hgvsp = v["gene"], v["consequence"], v["hgvsp"]
    ensg, enst, ensp, strand = ENSEMBL.get(gene, ("", "", "", ""))
    m = re.search(r"(\d+)", hgvsp)
    return "|".join([alt, cons, IMPACT.get(cons, "MODIFIER"), gene, ensg, "Transcript", enst, "protein_coding", "", "",
                     "", f"{ensp}:{three_letter(hgvsp)}" if ensp else three_letter(hgvsp), "", "", m.group(1) if m else "",
                     "", "", "", "", str(strand), "", "HGNC", "", "YES"])


def vcf_alleles(v, pos):
    """VCF POS/REF/ALT of a MAF-style model variant: indels get the anchor base N before the event."""
    ref, alt = v["ref"], v["alt"]
    if ref != "-" and alt != "-" and len(ref) == len(alt):
        return pos, ref, alt
    if ref == "-":                      # insertion after pos
        return pos, "N", "N" + alt
    return pos - 1, "N" + ref, "N" + ("" if alt == "-" else alt)   # deletion starting at pos


def csq_passenger(rng, ref, alt):
    gene = rng.choice(PASSENGER_GENES)
    enst = "ENST%011d" % rng.randrange(10**6, 10**7)
    ensg = "ENSG%011d" % rng.randrange(10**6, 10**7)
    if len(ref) != len(alt):
        cons, impact = "frameshift_variant", "HIGH"
    else:
        cons, impact = rng.choices([("missense_variant", "MODERATE"), ("synonymous_variant", "LOW"),
                                    ("intron_variant", "MODIFIER"), ("3_prime_UTR_variant", "MODIFIER"),
                                    ("stop_gained", "HIGH")], weights=[45, 20, 25, 7, 3])[0]
    hgvsp, ppos, aas = "", "", ""
    if cons in ("missense_variant", "synonymous_variant", "stop_gained", "frameshift_variant"):
        p = rng.randrange(2, 3000)
        a = rng.choice(AA)
        b = {"missense_variant": rng.choice([x for x in AA if x != a]), "synonymous_variant": "=",
             "stop_gained": "Ter", "frameshift_variant": rng.choice(AA) + "fsTer" + str(rng.randrange(2, 40))}[cons]
        hgvsp, ppos, aas = f"{enst}:p.{a}{p}{b}", str(p), ""
    return "|".join([alt, cons, impact, gene, ensg, "Transcript", enst, "protein_coding", "", "", "", hgvsp, "", "",
                     ppos, aas, "", "", "", str(rng.choice([1, -1])), "", "HGNC", "", "YES"])


def lognormal(rng, median, logsd):
    return math.exp(math.log(median) + logsd * rng.gauss(0, 1))


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    l, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1


def make_case(args):
    """Builds one case; returns (manifest row, expected row)."""
    (i, case_id, seed, out, corruption, vmin, vmax, vep_fraction, g38_fraction, cohort_path) = args
    global COHORT
    if COHORT is None or COHORT[2] != cohort_path:
        COHORT = (*load_cohort(cohort_path), cohort_path)
    model, pool = COHORT[0], COHORT[1]
    rng = random.Random(seed * 1_000_003 + i)
    types = model["tumourTypes"]
    t = rng.choices(types, weights=[x["frequency"] for x in types])[0]
    tumour = t["code"]
    build = "GRCh38" if rng.random() < g38_fraction else "GRCh37"
    vep = rng.random() < vep_fraction
    paired = rng.random() < 0.7
    samples = ["TUMOR", "NORMAL"] if paired else [f"{case_id}_T"]
    n_variants = int(round(math.exp(rng.uniform(math.log(vmin), math.log(vmax)))))
    prefix = "chr" if build == "GRCh38" else ""

    # The patient as the warehouse model draws one.
    female = rng.random() < t["femaleFraction"]
    age = int(round(min(90, max(20, rng.gauss(t["ageMean"], t["ageSD"])))))
    stage = rng.choices(["I", "II", "III", "IV"], weights=t["stage"])[0]
    msi_p = t.get("msiHigh") or 0
    msi = msi_p > 0 and rng.random() < msi_p
    tmb = max(0.01, round(lognormal(rng, t["tmbMedian"], t["tmbLogSD"]) * ((t.get("msiTMBFactor") or 1) if msi else 1), 2))
    u, acc, driver = rng.random(), 0.0, None
    for d in t["drivers"]:
        acc += d["frequency"]
        if u < acc:
            driver = d
            break
    tp53 = rng.choice(model["tp53Variants"]) if rng.random() < t["tp53"] and model["tp53Variants"] else None
    n_pool = min(60, poisson(rng, tmb * model["panelMegabases"])) if build == "GRCh37" else 0

    records = {}
    known = [v for v in (driver, tp53) if v is not None and not v["alt"].startswith("<")]
    known += [pool[rng.randrange(len(pool))] for _ in range(n_pool)]
    for v in known:
        chrom = v["chrom"]
        pos = int(v["pos"]) + (GRCH38_OFFSET.get(v["gene"], 0) if build == "GRCh38" else 0)
        if build == "GRCh38" and v["gene"] not in GRCH38_OFFSET:
            continue
        pos, ref, alt = vcf_alleles(v, pos)
        records.setdefault((CHROMS.index(chrom), pos), ("known", (v, ref, alt)))
    lengths = LENGTHS[build]
    total = sum(lengths[:23])  # no passengers on Y
    while len(records) < n_variants:
        x = rng.randrange(total)
        k = 0
        while x >= lengths[k]:
            x -= lengths[k]
            k += 1
        pos = max(1_000_000, min(x, lengths[k] - 1_000_000))
        if (k, pos) in records:
            continue
        ref = rng.choice(BASES)
        r = rng.random()
        if r < 0.08:
            alt = ref + "".join(rng.choice(BASES) for _ in range(rng.randrange(1, 6)))
        elif r < 0.15:
            ref = ref + "".join(rng.choice(BASES) for _ in range(rng.randrange(1, 6)))
            alt = ref[0]
        else:
            alt = rng.choice([b for b in BASES if b != ref])
        records[(k, pos)] = ("passenger", (ref, alt))

    lines = header(build, vep, samples)
    for (k, pos) in sorted(records):
        kind, v = records[(k, pos)]
        if kind == "known":
            v, ref, alt = v
        else:
            ref, alt = v
        depth = rng.randrange(40, 400)
        af = round(rng.uniform(0.05, 0.6), 3)
        altc = max(1, int(depth * af))
        info = f"DP={depth};SOMATIC"
        if vep:
            info += ";CSQ=" + (csq_known(v, vep_allele(ref, alt)) if kind == "known" else csq_passenger(rng, ref, vep_allele(ref, alt)))
        qual = rng.randrange(30, 3000)
        filt = "PASS" if kind == "known" or rng.random() < 0.9 else "LowQual"
        tumour_call = f"0/1:{depth - altc},{altc}:{depth}:{af}"
        cols = [prefix + CHROMS[k], str(pos), ".", ref, alt, str(qual), filt, info, "GT:AD:DP:AF", tumour_call]
        if paired:
            nd = rng.randrange(30, 200)
            cols.append(f"0/0:{nd},0:{nd}:0")
        lines.append("\t".join(cols))

    n_header = sum(1 for l in lines if l.startswith("#"))
    sample = samples[0] if paired else (samples[0] if rng.random() < 0.5 else "")
    expected_code = ""
    kind = corruption[0] if corruption else ""
    if kind == "malformed_line":
        j = rng.randrange(n_header, len(lines))
        cols = lines[j].split("\t")
        if rng.random() < 0.5:
            lines[j] = "\t".join(cols[:5])                    # cut after ALT
        else:
            cols[9] = "0/1:x,y:" + cols[9].split(":")[2] + ":0.1"   # non-numeric FORMAT/AD
            lines[j] = "\t".join(cols)
    elif kind == "unknown_tumor_type":
        tumour = rng.choice(BAD_TUMOUR_TYPES)
    elif kind == "wrong_sample":
        sample = "TUMOUR" if paired else f"{case_id}_X"

    rel = f"vcf/{case_id}.vcf.gz"
    path = os.path.join(out, rel)
    if kind != "missing_file":
        data = bgzf_compress(("\n".join(lines) + "\n").encode())
        with open(path, "wb") as f:
            f.write(data)
        if kind != "malformed_line":
            subprocess.run(["tabix", "-f", "-p", "vcf", path], check=True)
        if kind == "truncated_gz":
            # Cut inside a block in the second half of the file (after the header blocks).
            cut = len(data) // 2 + rng.randrange(0, max(1, len(data) // 4))
            with open(path, "wb") as f:
                f.write(data[:cut])
    if corruption:
        expected_code = corruption[1]

    sex = "female" if female else "male"
    row = [case_id, rel, tumour, sample, str(age), sex, stage]
    drv = ""
    if driver is not None:
        drv = f"{driver['gene']} {driver['hgvsp']}" + (" (not in VCF)" if driver["alt"].startswith("<") else "")
    exp = [case_id, "failed" if corruption else "ok", expected_code, kind, str(len(records)), build, "CSQ" if vep else "",
           drv, tp53["hgvsp"] if tp53 else "", ("high" if msi else "stable") if msi_p > 0 else "", str(tmb)]
    return row, exp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corrupt-fraction", type=float, default=0.05)
    ap.add_argument("--min-variants", type=int, default=100)
    ap.add_argument("--max-variants", type=int, default=5000)
    ap.add_argument("--vep-fraction", type=float, default=0.5)
    ap.add_argument("--grch38-fraction", type=float, default=0.5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cohort", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Cohorts",
                                                     "synthetic-oncology.json"),
                    help="the synthetic warehouse's model (drivers, frequencies, passenger pool)")
    a = ap.parse_args()
    if a.n < 1 or not (0 <= a.corrupt_fraction <= 1) or not (1 <= a.min_variants <= a.max_variants):
        ap.error("need --n >= 1, 0 <= --corrupt-fraction <= 1, 1 <= --min-variants <= --max-variants")
    os.makedirs(os.path.join(a.out, "vcf"), exist_ok=True)
    width = max(5, len(str(a.n)))
    ids = [f"CASE-{i + 1:0{width}d}" for i in range(a.n)]
    master = random.Random(a.seed)
    n_bad = int(round(a.corrupt_fraction * a.n))
    bad = sorted(master.sample(range(a.n), n_bad))
    corruption = {idx: CORRUPTIONS[k % len(CORRUPTIONS)] for k, idx in enumerate(bad)}
    work = [(i, ids[i], a.seed, a.out, corruption.get(i), a.min_variants, a.max_variants, a.vep_fraction,
             a.grch38_fraction, os.path.abspath(a.cohort)) for i in range(a.n)]
    if a.jobs > 1 and a.n > 8:
        with ProcessPoolExecutor(max_workers=a.jobs) as ex:
            results = list(ex.map(make_case, work, chunksize=8))
    else:
        results = [make_case(w) for w in work]
    with open(os.path.join(a.out, "manifest.tsv"), "w") as f:
        f.write("case_id\tvcf\ttumor_type\tsample\tage\tsex\tstage\n")
        for row, _ in results:
            f.write("\t".join(row) + "\n")
    with open(os.path.join(a.out, "expected.tsv"), "w") as f:
        f.write("case_id\texpected_status\texpected_code\tcorruption\tvariants\tbuild\tannotation\tdriver\ttp53\tmsi\ttmb\n")
        for _, exp in results:
            f.write("\t".join(exp) + "\n")
    print(f"gen_cases: {a.n} cases ({n_bad} corrupt) in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
