#!/usr/bin/env python3
"""Validates KnowledgeBase/crosswalk_overrides.tsv: every OncoTree code exists in the shipped OncoTree,
every DOID exists in the shipped DO cancer slim with the stated name. Run from the repository root."""
import re, sys, csv
kb = 'KnowledgeBase'
codes = {r['code'] for r in csv.DictReader(open(f'{kb}/oncotree/oncotree_2025_10_03.tsv'), delimiter='\t')}
obo = open(f'{kb}/disease_ontology/DO_cancer_slim_2026-07-31.obo').read()
names = {}
for blk in obo.split('\n\n'):
    m = re.search(r'^id: (\S+)', blk, re.M); n = re.search(r'^name: (.+)$', blk, re.M)
    if m and n: names[m.group(1)] = n.group(1)
bad = 0
rows = [l.rstrip('\n').split('\t') for l in open(f'{kb}/crosswalk_overrides.tsv') if not l.startswith('#')]
hdr, rows = rows[0], rows[1:]
for i, r in enumerate(rows, 2):
    d = dict(zip(hdr, r))
    if d['oncotree_code'] not in codes: print(f'line {i}: unknown OncoTree code {d["oncotree_code"]}'); bad += 1
    if names.get(d['doid']) != d['doid_name']: print(f'line {i}: {d["doid"]} is {names.get(d["doid"])!r}, file says {d["doid_name"]!r}'); bad += 1
    if d['match'] not in ('exact', 'broader'): print(f'line {i}: match must be exact|broader'); bad += 1
    if not d['reason'].strip(): print(f'line {i}: empty reason'); bad += 1
print(f'{len(rows)} rows, {bad} problems'); sys.exit(1 if bad else 0)
