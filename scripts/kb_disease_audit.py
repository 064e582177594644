#!/usr/bin/env python3
"""Audit: does every disease of every accepted CIViC evidence item and every MOAlmanac assertion resolve to
OncoTree node(s)? Mirrors Knowledge's DiseaseMapping (Sources/Knowledge/DiseaseMapping.swift): routes, in order,
override (KnowledgeBase/disease_overrides.tsv) > pan-cancer > crosswalk (OncoTree code whose DO term is the
item's DOID) > OncoTree name > DO ancestor's mapping. Run from the repository root; exit 1 when a disease with
level A/B (CIViC) or FDA-Approved/Guideline/Clinical trial (MOAlmanac) evidence is unmapped, or an override row
is invalid. `--all` prints every disease with its route."""
import csv, glob, json, re, sys
kb = 'KnowledgeBase'
csv.field_size_limit(1 << 30)
ot = {r['code']: r for r in csv.DictReader(open(glob.glob(f'{kb}/oncotree/oncotree_*.tsv')[0]), delimiter='\t')}
obo = open(glob.glob(f'{kb}/disease_ontology/*.obo')[0]).read()
names, parents, alt = {}, {}, {}
for blk in obo.split('\n\n'):
    if not blk.startswith('[Term]') or 'is_obsolete: true' in blk: continue
    i = re.search(r'^id: (\S+)', blk, re.M).group(1)
    names[i] = re.search(r'^name: (.+)$', blk, re.M).group(1)
    parents[i] = re.findall(r'^is_a: (\S+)', blk, re.M)
    for a in re.findall(r'^alt_id: (\S+)', blk, re.M): alt[a] = i
def rows(path, numbered=False):
    ls = [(n, l.rstrip('\n').split('\t')) for n, l in enumerate(open(path), 1) if not l.startswith('#') and l.strip()]
    out = [(n, dict(zip(ls[0][1], r))) for n, r in ls[1:]]
    return out if numbered else [d for _, d in out]
# OncoTree code -> DOID (exact), crosswalk then crosswalk_overrides
cw = {}
for r in rows(f'{kb}/crosswalk/oncotree_to_doid_via_ncit.tsv'):
    if r['doid'] and r['route'] == 'self': cw[r['oncotree_code']] = r['doid']
for r in rows(f'{kb}/crosswalk_overrides.tsv'):
    if r['match'] == 'exact': cw[r['oncotree_code']] = r['doid']
    else: cw.pop(r['oncotree_code'], None)
by_doid = {}
for c, d in cw.items(): by_doid.setdefault(alt.get(d, d), set()).add(c)
def norm(s): return re.sub(r'[^a-z0-9]+', ' ', s.lower()).strip()
by_name = {}
for c, r in ot.items(): by_name.setdefault(norm(r['name']), set()).add(c)
PAN_DOIDS = {'DOID:162', 'DOID:14566', 'DOID:0050686', 'DOID:0050687'}
PAN_NAMES = {'cancer', 'solid tumor', 'solid tumour', 'neoplasm', 'any solid tumor', 'any cancer type'}
bad = 0
overrides = {}
for n, r in rows(f'{kb}/disease_overrides.tsv', numbered=True):
    codes = [c for c in r['oncotree_codes'].split(',') if c]
    for c in codes:
        if c not in ('*', '-') and c not in ot: print(f'disease_overrides.tsv line {n}: unknown OncoTree code {c}'); bad += 1
    if not r['reason'].strip(): print(f'disease_overrides.tsv line {n}: empty reason'); bad += 1
    if r['source'] not in ('civic', 'moalmanac'): print(f'disease_overrides.tsv line {n}: source must be civic|moalmanac'); bad += 1
    overrides[(r['source'], r['disease_key'])] = codes
def resolve(source, key, doid, name):
    if (source, key) in overrides: return overrides[(source, key)], 'override'
    if (doid in PAN_DOIDS) or norm(name) in PAN_NAMES: return ['*'], 'pan-cancer'
    if doid and alt.get(doid, doid) in by_doid: return sorted(by_doid[alt.get(doid, doid)]), 'crosswalk'
    if norm(name) in by_name: return sorted(by_name[norm(name)]), 'oncotree-name'
    if doid:  # nearest DO ancestor with a mapping: broader
        seen, q = set(), list(parents.get(alt.get(doid, doid), []))
        while q:
            x = q.pop(0)
            if x in seen: continue
            seen.add(x)
            if x in PAN_DOIDS: break
            if x in by_doid: return sorted(by_doid[x]), f'do-ancestor:{x}'
            q += parents.get(x, [])
    return [], 'unmapped'
diseases = {}  # (source,key) -> [name, doid, levels set, count]
for f in glob.glob(f'{kb}/civic/*ClinicalEvidenceSummaries.tsv'):
    for r in csv.DictReader(open(f), delimiter='\t', quoting=csv.QUOTE_NONE):
        if r.get('evidence_status', 'accepted') != 'accepted': continue
        doid = ('DOID:' + r['doid']) if r['doid'] and not r['doid'].startswith('DOID:') else r['doid']
        key = doid or r['disease']
        d = diseases.setdefault(('civic', key), [r['disease'], doid, set(), 0])
        d[2].add(r['evidence_level']); d[3] += 1
for f in glob.glob(f'{kb}/moalmanac/*.json'):
    for a in json.load(open(f)):
        if a.get('_deprecated'): continue
        key = a['oncotree_code'] or a['oncotree_term'] or a['disease']
        d = diseases.setdefault(('moalmanac', key), [a['oncotree_term'] or a['disease'], '', set(), 0])
        d[2].add(a['predictive_implication']); d[3] += 1
strong = {'A', 'B', 'FDA-Approved', 'Guideline', 'Clinical trial'}
mapped = 0
for (src, key), (name, doid, levels, n) in sorted(diseases.items(), key=lambda kv: -kv[1][3]):
    if src == 'moalmanac' and key in ot: codes, route = [key], 'oncotree-code'
    else: codes, route = resolve(src, key, doid, name)
    real = [c for c in codes if c != '-']
    if real: mapped += 1
    lv = ','.join(sorted(levels))
    if not real and levels & strong: bad += 1
    if '--all' in sys.argv or not real:
        print(f'{src}\t{key}\t{name}\t{n}\t{lv}\t{route}\t{",".join(codes)}')
print(f'{mapped}/{len(diseases)} diseases mapped to OncoTree; {bad} problems', file=sys.stderr)
sys.exit(1 if bad else 0)
