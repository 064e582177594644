#!/usr/bin/env python3
"""Cross-checks onco's GRCh37 -> GRCh38 lifting of the KB's exact alleles against pyliftover (an independent
reader of the same UCSC chain). Dev-time check, not a test; pyliftover is not a dependency of onco:
    python3 -m venv /tmp/lo && /tmp/lo/bin/pip install pyliftover
    onco kb rules --lifted > /tmp/lifted.tsv
    /tmp/lo/bin/python KnowledgeBase/scripts/check_liftover.py /tmp/lifted.tsv KnowledgeBase/liftover/hg19ToHg38.over.chain
For a lifted allele every base of its span (the REF; for an indel the anchor base too, for an insertion the
base after it too) must map, with pyliftover,
to exactly one place, consecutively, on the strand that makes onco's position and (reverse-complemented) alleles
right. For an allele onco did not lift, pyliftover must confirm the reason: a base with no mapping, a base with
more than one mapping, a non-consecutive span, or a '-' strand for an indel."""
import sys
from pyliftover import LiftOver

COMP = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N"}


def rc(s):
    return "".join(COMP[c] for c in reversed(s))


def parse(a):  # GRCh37:7:140453136:A>T
    build, chrom, pos, alleles = a.split(":")
    ref, alt = alleles.split(">")
    return chrom, int(pos), "" if ref == "-" else ref, "" if alt == "-" else alt


lo = LiftOver(sys.argv[2])
agree, problems, reasons = 0, [], {}
for line in open(sys.argv[1]):
    if line.startswith("#") or line.startswith("grch37\t"):
        continue
    a37, a38, why = line.rstrip("\n").split("\t")
    chrom, pos, ref, alt = parse(a37)
    indel = len(ref) != len(alt)
    start = pos - 1 - (1 if indel else 0)            # 0-based span start
    span = list(range(start, pos - 1 + (max(len(ref), 1) if indel else len(ref))))   # an insertion: both flanks
    hits = [lo.convert_coordinate("chr" + ("M" if chrom == "MT" else chrom), x) or [] for x in span]
    # What pyliftover says about the span, as onco's reasons.
    if any(len(h) == 0 for h in hits):
        theirs = "not in an aligned block" if all(len(h) == 0 for h in hits) else "span crosses a block edge or gap"
    elif any(len(h) > 1 for h in hits):
        theirs = "in more than one chain"
    else:
        h = [x[0] for x in hits]
        strand = h[0][2]
        step = 1 if strand == "+" else -1
        consecutive = all(h[i][0] == h[0][0] and h[i][1] == h[0][1] + step * i and h[i][2] == strand for i in range(len(h)))
        if not consecutive:
            theirs = "span crosses a block edge or gap"
        elif strand == "-" and indel:
            theirs = "indel on a reverse-strand block"
        else:
            first = min(x[1] for x in h) + 1                 # 1-based forward start of the span
            q = h[0][0][3:] if h[0][0].startswith("chr") else h[0][0]
            q = "MT" if q == "M" else q
            r, t = (ref, alt) if strand == "+" else (rc(ref), rc(alt))
            p = first + (1 if indel else 0)
            theirs = f"GRCh38:{q}:{p}:{r or '-'}>{t or '-'}"
    ours = a38 if a38 else why
    if ours == theirs:
        agree += 1
        reasons[why or "lifted"] = reasons.get(why or "lifted", 0) + 1
    else:
        problems.append((a37, ours, theirs))
for k, v in sorted(reasons.items()):
    print(f"agree, {k}: {v}")
for p in problems:
    print("DIFFERENT", *p, sep="\t")
print(f"{agree} agree, {len(problems)} differ")
sys.exit(1 if problems else 0)
