#!/usr/bin/env python3
"""Peer for bench-knowledge: what a plain Python script takes to load the CIViC 2021 TSVs and look a
5,000-variant case up by (gene, 1-letter protein change) -- exact protein matches only, no codon,
exon, gene-level, fusion or ontology work (so it does strictly less than onco).
Usage: knowledge_peer.py KB_DIR CASE_TSV [RUNS]"""
import csv, sys, time, statistics
kb, case = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
def once():
    t0 = time.perf_counter()
    ev = {}
    with open(f'{kb}/civic/01-Aug-2021-ClinicalEvidenceSummaries.tsv', newline='') as f:
        for r in csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE):
            ev.setdefault((r['gene'], r['variant']), []).append(r)
    t1 = time.perf_counter()
    hits = 0
    with open(case, newline='') as f:
        for r in csv.DictReader(f, delimiter='\t'):
            if r['filter'] not in ('PASS', ''): continue
            p = r['hgvsp'][2:] if r['hgvsp'].startswith('p.') else r['hgvsp']
            hits += len(ev.get((r['gene'], p), []))
    t2 = time.perf_counter()
    return (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t2 - t0) * 1e3, hits
res = [once() for _ in range(runs)]
print(f"peer (python csv + dict): load median {statistics.median(r[0] for r in res):.1f} ms | match median {statistics.median(r[1] for r in res):.1f} ms | "
      f"total median {statistics.median(r[2] for r in res):.1f} ms | evidence hits {res[-1][3]}")
