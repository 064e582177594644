#!/usr/bin/env python3
"""Compares bcftools csq's BCSQ with the BCSQ member onco annotate writes in CSQ (its last field,
'|' written as ':'), record by record, as sets of entries (onco annotates each ALT on its own; bcftools
merges a multi-ALT record's non-coding entries, so sets, not multisets).
Usage: compare_bcsq.py BCSQ.tsv ONCO.tsv   (bcftools query -f '%CHROM:%POS:%REF:%ALT\t%INFO/BCSQ\n' / %INFO/CSQ)"""
import sys


def read(path, onco):
    out = []
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            if value == ".":
                out.append((key, frozenset()))
            elif onco:
                out.append((key, frozenset(e.split("|")[-1].replace(":", "|") for e in value.split(","))))
            else:
                out.append((key, frozenset(value.split(","))))
    return out


a, b = read(sys.argv[1], False), read(sys.argv[2], True)
assert len(a) == len(b), "record counts differ: %d vs %d" % (len(a), len(b))
equal, diffs = 0, []
for (ka, sa), (kb, sb) in zip(a, b):
    assert ka == kb, "records out of step: %s vs %s" % (ka, kb)
    if sa == sb:
        equal += 1
    elif len(diffs) < 10:
        diffs.append("%s\n  bcftools %s\n  onco     %s" % (ka, sorted(sa), sorted(sb)))
print("BCSQ equal on %d of %d records" % (equal, len(a)))
for d in diffs:
    print(d)
