#!/usr/bin/env python3
"""Brings a benchmark warehouse made before the phase-2 merge renumbered the migrations up to main's
numbering, so the current onco can open (and migrate) it: such files record `0004_biomarker_cohort_indexes`,
which main calls `0005_biomarker_cohort_indexes` (same statement: idx_variant_gene_hgvsp), with main's
0004 (the similarity index) not yet applied. Renames the row only when that index exists; otherwise
does nothing. Used on copies in work/, never on shared data.

    python3 scripts/renumber_premerge_migrations.py DB.sqlite
"""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
names = {r[0] for r in db.execute("SELECT name FROM onco_migration")}
index = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'idx_variant_gene_hgvsp'").fetchone()
if "0004_biomarker_cohort_indexes" in names and "0005_biomarker_cohort_indexes" not in names and index \
        and "(gene, hgvsp, person_id)" in index[0]:
    db.execute("UPDATE onco_migration SET name = '0005_biomarker_cohort_indexes' WHERE name = '0004_biomarker_cohort_indexes'")
    db.commit()
    print(f"{sys.argv[1]}: migration 0004_biomarker_cohort_indexes renamed 0005_biomarker_cohort_indexes (main's numbering)")
db.close()
