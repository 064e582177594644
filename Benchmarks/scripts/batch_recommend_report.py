#!/usr/bin/env python3
"""Writes results/batch.md from the runs of scripts/batch.sh (recommendation throughput of `onco batch`).

    batch_recommend_report.py --cases DIR --warehouse DB --patients N --dir OUTDIR --runs j1 j2 --out results/batch.md

Per run OUTDIR/<run>.{jsonl,stderr,time,load-before,load-after}: the JSON lines (per-case stage timings),
onco's summary line, /usr/bin/time -v (wall, user, sys, peak RSS) and /proc/loadavg before and after.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import statistics


def time_v(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if ": " not in line:
            continue
        k, v = line.rsplit(": ", 1)
        out[k.strip()] = v.strip()
    wall = out.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    parts = [float(x) for x in wall.split(":")]
    secs = 0.0
    for p in parts:
        secs = secs * 60 + p
    return {"wall": secs, "user": float(out["User time (seconds)"]), "sys": float(out["System time (seconds)"]),
            "rss_mib": int(out["Maximum resident set size (kbytes)"]) / 1024}


def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    i = min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))
    return xs[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", required=True)
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--patients", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--runs", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--generated", type=int, default=0, help="cases generated, when the runs scored only the first ones")
    a = ap.parse_args()

    expected = {r["case_id"]: r for r in csv.DictReader(open(os.path.join(a.cases, "expected.tsv")), delimiter="\t")}
    n_cases = len(expected)
    n_corrupt = sum(1 for r in expected.values() if r["expected_status"] == "failed")
    records = sum(int(r["variants"]) for r in expected.values())
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_gib = int(open("/proc/meminfo").readline().split()[1]) / 1024 / 1024
    ncpu = os.cpu_count()

    rows, stages_by_run = [], {}
    stage_names = ["read", "match", "similarity", "survival", "rank", "render"]
    for run in a.runs:
        base = os.path.join(a.dir, run)
        t = time_v(base + ".time")
        err = open(base + ".stderr").read()
        m = re.search(r"batch: (\d+) ok, (\d+) failed; (\d+) cases in ([\d.]+) s \(([\d.]+) cases/s\)", err)
        ok, failed, total, run_s, rate = int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4)), float(m.group(5))
        loaded = re.search(r"loaded in ([\d.]+) s", err)
        cache = re.search(r"warehouse cache: (\d+) hits, (\d+) cohorts read, (\d+) neighbour cohorts", err)
        load_s = float(loaded.group(1)) if loaded else float("nan")
        lb = open(base + ".load-before").read().split()[:3]
        la = open(base + ".load-after").read().split()[:3]
        jobs = int(run.lstrip("j"))
        per_stage = {s: [] for s in stage_names + ["total"]}
        mism = 0
        actionable = 0
        for line in open(base + ".jsonl"):
            o = json.loads(line)
            e = expected[o["case_id"]]
            if o["status"] != e["expected_status"] or ((o["error"] or {}).get("code", "") != e["expected_code"]):
                mism += 1
            if o["status"] != "ok":
                continue
            actionable += 1 if o.get("actionable") else 0
            tm = o["timings"]
            for s in stage_names:
                per_stage[s].append(tm.get(s + "_ms", 0.0))
            per_stage["total"].append(tm["total_ms"])
        stages_by_run[run] = per_stage
        cpu_s = t["user"] + t["sys"]
        rows.append(dict(run=run, jobs=jobs, wall=t["wall"], run_s=run_s, rate=rate, load_s=load_s, user=t["user"], sys=t["sys"],
                         cpu=cpu_s, cases_per_cpu=total / cpu_s if cpu_s else float("nan"), rss=t["rss_mib"], ok=ok, failed=failed,
                         mism=mism, lb=" ".join(lb), la=" ".join(la), actionable=actionable,
                         cache=cache.groups() if cache else None))

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    md = []
    md.append("# Batch: recommendation throughput (`onco batch`, recommend scorer)\n")
    md.append(f"- Command: `make bench` / `Benchmarks/scripts/batch.sh` (then `scripts/batch_recommend_report.py`): "
              f"`bench-batch recommend --cases DIR --warehouse warehouse.sqlite --jobs J` (the code path of "
              f"`onco batch manifest.tsv --warehouse warehouse.sqlite --jobs J`: `RecommendScorer.prepare` + `BatchRunner`) under "
              f"`/usr/bin/time -v`, release build, page cache warm, one run per J.")
    md.append(f"- Machine: {ncpu} cores ({cpu}), {mem_gib:.0f} GiB, {platform.system()} {platform.release()}; {now}. "
              f"**Shared with other engineers' builds**: load average (1/5/15 min) before and after each run is in the table.")
    gen = a.generated or n_cases
    subset = f"the first {n_cases} of {gen} cases" if n_cases < gen else f"{n_cases} cases"
    md.append(f"- Cases: {subset} generated by `gen_cases.py --n {gen} --seed 42 --corrupt-fraction 0.05` (drivers, TP53 and "
              f"panel passengers drawn from the synthetic warehouse's model; 100-5,000 variants, log-uniform; {records} records in "
              f"the cases scored; GRCh37/38, half VEP-annotated), {n_corrupt} of them deliberately corrupt.")
    md.append(f"- Warehouse: `onco warehouse synth --patients {a.patients} --seed 42` (SQLite, {os.path.getsize(a.warehouse) / 2**20:.0f} MiB); "
              f"knowledge base: the repository's (CIViC 01-Aug-2021 v1); similarity index over all {a.patients} warehouse patients, "
              f"built at start-up; k = 200 neighbours per case; shared cohort reads cached for the batch (`BatchWarehouseCache`).\n")
    md.append("| jobs | wall s (process) | start-up s | scoring s | cases/s (scoring) | cases/s (wall) | user s | sys s | cases per CPU s | peak RSS MiB | ok | failed | unexpected status | load before | load after |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        md.append(f"| {r['jobs']} | {r['wall']:.1f} | {r['load_s']:.1f} | {r['run_s']:.1f} | {r['rate']:.1f} | {n_cases / r['wall']:.1f} | "
                  f"{r['user']:.1f} | {r['sys']:.1f} | {r['cases_per_cpu']:.1f} | {r['rss']:.0f} | {r['ok']} | {r['failed']} | {r['mism']} | "
                  f"{r['lb']} | {r['la']} |")
    by = {r["jobs"]: r for r in rows}
    md.append("")
    if 1 in by and 2 in by:
        sp = by[2]["rate"] / by[1]["rate"]
        spw = by[1]["wall"] / by[2]["wall"]
        md.append(f"- Speed-up 1 -> 2 jobs: {sp:.2f}x in scoring rate, {spw:.2f}x in process wall time (target >= 1.7x). "
                  f"CPU per case: {1000 * by[1]['cpu'] / n_cases:.1f} ms (1 job), {1000 * by[2]['cpu'] / n_cases:.1f} ms (2 jobs).")
        md.append(f"- 2 jobs: {by[2]['rate']:.1f} cases/s while scoring, {n_cases / by[2]['wall']:.1f} cases/s including start-up "
                  f"(target >= 50 cases/s on 2 cores).")
        md.append(f"- If both cores were the batch's alone, CPU time bounds the rate at 2 / (CPU s per case) = "
                  f"{2 * n_cases / by[2]['cpu']:.1f} cases/s (from the 2-job run's user+sys time).")
    for r in rows:
        if r["cache"]:
            h, m, b = r["cache"]
            md.append(f"- jobs = {r['jobs']}: {r['actionable']} of {r['ok']} ok cases actionable; warehouse cohort reads: {m} shared "
                      f"(biomarker) cohorts read once and reused {h} times, {b} neighbour cohorts read per case.")
    md.append("")
    md.append("Per-case cost by stage (ok cases; wall-clock ms inside the case's task, so with 2 jobs a stage also waits for the CPU "
              "the other job holds; `rank` is the recommender's time outside the timed stages: candidates, ranking, notes):\n")
    for run in a.runs:
        ps = stages_by_run[run]
        md.append(f"**{run.replace('j', 'jobs = ')}**\n")
        md.append("| stage | mean ms | median ms | p95 ms | share of total |")
        md.append("|---|---|---|---|---|")
        tot = sum(ps["total"]) or 1
        for s in stage_names + ["total"]:
            xs = ps[s]
            if not xs:
                continue
            md.append(f"| {s} | {statistics.fmean(xs):.2f} | {statistics.median(xs):.2f} | {pct(xs, 0.95):.2f} | {100 * sum(xs) / tot:.1f}% |")
        md.append("")
    md.append("Stages: `read` = VCF through Genomics (htslib, normalisation, CSQ/ANN); `match` = knowledge-base matching; "
              "`similarity` = case profile + exact top-200 search over the index; `survival` = warehouse line-outcome reads "
              "(biomarker cohorts: cached per batch; neighbour cohorts: one query per case) + Kaplan-Meier/Cox real-world "
              "analyses; `render` = the recommend JSON.")
    md.append("")
    md.append("No peer: no other tool makes this recommendation; the floor is the engine-overhead run in `batch-engine.md` "
              "(file-check scorer: full htslib read of every VCF, 4.3 ms CPU per case).")
    open(a.out, "w").write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
