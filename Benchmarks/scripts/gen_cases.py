#!/usr/bin/env python3
"""Synthetic tumour cases for `onco batch`: N VCFs and their manifest, some deliberately corrupt.

    gen_cases.py --out DIR --n 200 --seed 7 [--corrupt-fraction 0.05] [--min-variants 100]
                 [--max-variants 5000] [--vep-fraction 0.5] [--grch38-fraction 0.5] [--jobs 2]

Writes
    DIR/manifest.tsv   case_id, vcf (relative), tumor_type, sample, age, sex, stage
    DIR/expected.tsv   case_id, expected status (ok|failed), expected error code, corruption kind
    DIR/vcf/<case>.vcf.gz + .tbi   BGZF-compressed (written here, block by block as bgzip does)
                                   and indexed with `tabix -p vcf`

Every case is a tumour/normal (TUMOR, NORMAL) or tumour-only VCF with 100-5,000 somatic variants
(log-uniform), on GRCh37 (contigs 1..22,X,Y) or GRCh38 (chr1..chr22,chrX,chrY) with the real
contig lengths, VEP-annotated (INFO/CSQ with VEP's header Format string) or not. Drivers are drawn
per tumour type with roughly TCGA-like frequencies from real hotspots at their real coordinates in
both builds (GRCh37 checked against CIViC's accepted-variants VCF; BRAF V600E GRCh38 against PCGR's
example VCF); the rest are passengers at random positions. All data are synthetic.

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

# Hotspots: gene, protein change (HGVSp short and long), chrom, GRCh37 pos, GRCh38 pos, REF, ALT,
# Ensembl gene, transcript, HGVSc, strand.
HOTSPOTS = {
    "BRAF_V600E": ("BRAF", "p.Val600Glu", "7", 140453136, 140753336, "A", "T", "ENSG00000157764", "ENST00000288602", "c.1799T>A", -1, 600, "V/E", "gTg/gAg"),
    "EGFR_L858R": ("EGFR", "p.Leu858Arg", "7", 55259515, 55191822, "T", "G", "ENSG00000146648", "ENST00000275493", "c.2573T>G", 1, 858, "L/R", "cTg/cGg"),
    "KRAS_G12D": ("KRAS", "p.Gly12Asp", "12", 25398284, 25245350, "C", "T", "ENSG00000133703", "ENST00000256078", "c.35G>A", -1, 12, "G/D", "gGt/gAt"),
    "KRAS_G12C": ("KRAS", "p.Gly12Cys", "12", 25398285, 25245351, "C", "A", "ENSG00000133703", "ENST00000256078", "c.34G>T", -1, 12, "G/C", "Ggt/Tgt"),
    "PIK3CA_H1047R": ("PIK3CA", "p.His1047Arg", "3", 178952085, 179234297, "A", "G", "ENSG00000121879", "ENST00000263967", "c.3140A>G", 1, 1047, "H/R", "cAt/cGt"),
    "TP53_R175H": ("TP53", "p.Arg175His", "17", 7578406, 7675088, "C", "T", "ENSG00000141510", "ENST00000269305", "c.524G>A", -1, 175, "R/H", "cGc/cAc"),
    "NRAS_Q61R": ("NRAS", "p.Gln61Arg", "1", 115256529, 114713908, "T", "C", "ENSG00000213281", "ENST00000369535", "c.182A>G", -1, 61, "Q/R", "cAa/cGa"),
    "IDH1_R132H": ("IDH1", "p.Arg132His", "2", 209113112, 208248388, "C", "T", "ENSG00000138413", "ENST00000415913", "c.395G>A", -1, 132, "R/H", "cGt/cAt"),
}

# Tumour types (OncoTree codes) with a weight and driver frequencies.
TUMOURS = [
    ("LUAD", 0.20, {"EGFR_L858R": 0.12, "KRAS_G12C": 0.13, "KRAS_G12D": 0.04, "BRAF_V600E": 0.02, "TP53_R175H": 0.04, "PIK3CA_H1047R": 0.02}),
    ("COADREAD", 0.18, {"KRAS_G12D": 0.12, "BRAF_V600E": 0.10, "PIK3CA_H1047R": 0.05, "TP53_R175H": 0.10, "NRAS_Q61R": 0.02, "KRAS_G12C": 0.03}),
    ("SKCM", 0.12, {"BRAF_V600E": 0.45, "NRAS_Q61R": 0.20}),
    ("BRCA", 0.18, {"PIK3CA_H1047R": 0.20, "TP53_R175H": 0.05}),
    ("PAAD", 0.10, {"KRAS_G12D": 0.40, "KRAS_G12C": 0.02, "TP53_R175H": 0.07}),
    ("THPA", 0.07, {"BRAF_V600E": 0.60, "NRAS_Q61R": 0.08}),
    ("UCEC", 0.08, {"PIK3CA_H1047R": 0.12, "KRAS_G12D": 0.08, "TP53_R175H": 0.04}),
    ("ASTR", 0.07, {"IDH1_R132H": 0.70, "TP53_R175H": 0.10}),
]

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


def csq_driver(spot, alt):
    gene, hgvsp, _c, _p37, _p38, _ref, _alt, ensg, enst, hgvsc, strand, ppos, aas, codons = spot
    return "|".join([alt, "missense_variant", "MODERATE", gene, ensg, "Transcript", enst, "protein_coding", "", "",
                     f"{enst}:{hgvsc}", f"{enst}:{hgvsp}", "", "", str(ppos), aas, codons, "", "", str(strand), "",
                     "HGNC", "", "YES"])


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


def make_case(args):
    """Builds one case; returns (manifest row, expected row)."""
    (i, case_id, seed, out, corruption, vmin, vmax, vep_fraction, g38_fraction) = args
    rng = random.Random(seed * 1_000_003 + i)
    tumour, _w, drivers = rng.choices(TUMOURS, weights=[t[1] for t in TUMOURS])[0]
    build = "GRCh38" if rng.random() < g38_fraction else "GRCh37"
    vep = rng.random() < vep_fraction
    paired = rng.random() < 0.7
    samples = ["TUMOR", "NORMAL"] if paired else [f"{case_id}_T"]
    n_variants = int(round(math.exp(rng.uniform(math.log(vmin), math.log(vmax)))))
    prefix = "chr" if build == "GRCh38" else ""

    records = {}
    for key, freq in drivers.items():
        if rng.random() < freq:
            spot = HOTSPOTS[key]
            pos = spot[3] if build == "GRCh37" else spot[4]
            records[(CHROMS.index(spot[2]), pos)] = ("driver", spot)
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
        if kind == "driver":
            ref, alt = v[5], v[6]
        else:
            ref, alt = v
        depth = rng.randrange(40, 400)
        af = round(rng.uniform(0.05, 0.6), 3)
        altc = max(1, int(depth * af))
        info = f"DP={depth};SOMATIC"
        if vep:
            info += ";CSQ=" + (csq_driver(v, alt) if kind == "driver" else csq_passenger(rng, ref, alt))
        qual = rng.randrange(30, 3000)
        filt = "PASS" if rng.random() < 0.9 else "LowQual"
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

    age = rng.randrange(28, 88)
    sex = "female" if tumour in ("BRCA", "UCEC") else rng.choice(["female", "male"])
    stage = rng.choice(["I", "II", "III", "IV", "IIIA", "IB"])
    row = [case_id, rel, tumour, sample, str(age), sex, stage]
    exp = [case_id, "failed" if corruption else "ok", expected_code, kind, str(len(records)), build, "CSQ" if vep else ""]
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
             a.grch38_fraction) for i in range(a.n)]
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
        f.write("case_id\texpected_status\texpected_code\tcorruption\tvariants\tbuild\tannotation\n")
        for _, exp in results:
            f.write("\t".join(exp) + "\n")
    print(f"gen_cases: {a.n} cases ({n_bad} corrupt) in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
