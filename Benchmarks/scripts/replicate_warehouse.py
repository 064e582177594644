#!/usr/bin/env python3
"""Makes an N-times larger synthetic warehouse from a generated one, in SQL: copy k (k = 1..N-1) of
every patient gets every integer id column (person, rows, episodes, events, specimens) offset by
k * 10^8, so references stay consistent and cohort sizes scale exactly by N. Used by recommend.sh to
build the 1,000,000-patient benchmark warehouse from the 100,000-patient one when generating 1M
patients afresh would take too long on a loaded machine; it is a timing fixture only (each patient
appears N times, so its statistics are not those of a 1M-patient cohort).

    python3 scripts/replicate_warehouse.py SRC.sqlite DST.sqlite N
"""
import shutil
import sqlite3
import sys

src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil.copyfile(src, dst)
db = sqlite3.connect(dst)
db.execute("PRAGMA journal_mode=OFF")
db.execute("PRAGMA synchronous=OFF")
db.execute("PRAGMA cache_size=-1000000")
SKIP = {"onco_migration", "onco_warehouse", "onco_dataset", "onco_import_log", "onco_audit_log", "onco_project"}   # governance: not patient rows
NOT_IDS = {"dataset_id"}
OFFSET = 10**8
tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
plan = []
for t in tables:
    if t in SKIP:
        continue
    cols = [(r[1], (r[2] or "").upper()) for r in db.execute(f"PRAGMA table_info({t})")]
    exprs = []
    for c, ty in cols:
        if c.endswith("_id") and not c.endswith("concept_id") and c not in NOT_IDS and "INT" in ty:
            exprs.append(f"{c} + :off")
        elif c == "person_source_value":
            exprs.append(f"{c} || '-r' || :k")
        else:
            exprs.append(c)
    plan.append((t, [c for c, _ in cols], exprs))
db.execute("ATTACH DATABASE ? AS src", (src,))
db.execute("BEGIN")
for k in range(1, n):
    for t, cols, exprs in plan:
        db.execute(f"INSERT INTO main.{t} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM src.{t}", {"off": k * OFFSET, "k": k})
    print(f"copy {k} of {n - 1} written", flush=True)
db.execute("UPDATE onco_dataset SET name = name || ' x' || ?, patients = patients * ?, samples = samples * ?, mutations = mutations * ?, treatment_rows = treatment_rows * ?", (n, n, n, n, n))
db.execute("COMMIT")
db.execute("ANALYZE")
db.close()
