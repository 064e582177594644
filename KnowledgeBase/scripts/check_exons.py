#!/usr/bin/env python3
"""Cross-checks the GRCh37 rows of KnowledgeBase/genes/exons.tsv against a GRCh37 MAF with VEP
Exon_Number (e.g. the TCGA MC3 MAF): every SNV of the gene's canonical transcript annotated with the
row's exon must lie inside the row's range, and no SNV annotated with another exon may.
Usage: check_exons.py MAF[.gz]   (run from the repository root; dev-time check, not a test)"""
import csv, gzip, sys, collections
rows = [r for r in csv.DictReader((l for l in open('KnowledgeBase/genes/exons.tsv') if not l.startswith('#')), delimiter='\t') if r['build'] == 'GRCh37']
genes = {r['gene'] for r in rows}
tx = {r['gene']: r['transcript'].split()[0] for r in rows}
op = gzip.open if sys.argv[1].endswith('.gz') else open
inside = collections.Counter(); bad = []
for m in csv.DictReader(op(sys.argv[1], 'rt'), delimiter='\t'):
    g = m['Hugo_Symbol']
    if g not in genes or m['Transcript_ID'] != tx[g] or m['Variant_Type'] != 'SNP' or not m['Exon_Number']: continue
    ex = int(m['Exon_Number'].split('/')[0]); pos = int(m['Start_Position'])
    for r in rows:
        if r['gene'] != g: continue
        within = int(r['start']) <= pos <= int(r['end'])
        if int(r['exon']) == ex:
            inside[(g, ex)] += within
            if not within: bad.append((g, ex, pos, 'annotated in exon but outside range'))
        elif within:
            bad.append((g, ex, pos, f'annotated exon {ex} but inside exon {r["exon"]} range'))
for k, v in sorted(inside.items()): print(f'{k[0]} exon {k[1]}: {v} SNVs inside')
for b in bad: print('PROBLEM', *b)
print(f'{len(bad)} problems'); sys.exit(1 if bad else 0)
