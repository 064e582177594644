#!/usr/bin/env python3
"""The real-world-evidence validity study of issue #22: planted traps, many seeds.

For each trap warehouse definition (Cohorts/rwe-trap-*.json) and seed, build a synthetic warehouse with
`onco warehouse synth`, run `onco recommend` on the EGFR L858R LUAD case, and read the matched therapy's
real-world block (erlotinib): the adjusted (target-trial) hazard ratio with its 95% interval and the naive
one beside it. The truth an inverse-probability-weighted design estimates is the *marginal* HR the generator
stores in `onco_dataset.planted_truth` (`marginalHazardRatio`); the conditional HR it plants is shown too.
A file planting its effect on the marginal scale (`effects.matchedTargetedScale: marginal`, e.g. the
true-effect control since stop 18) has a target (`marginalCalibration.targetMarginalHazardRatio`); `report`
then also prints coverage of that literal target.

    python3 Benchmarks/scripts/rwe_validity.py synth   --onco .build/release/onco --out DIR [--seeds 50] [--patients 20000] [--jobs 2]
    python3 Benchmarks/scripts/rwe_validity.py analyse --onco .build/release/onco --out DIR [--jobs 2]
    python3 Benchmarks/scripts/rwe_validity.py report  --out DIR > Benchmarks/results/rwe-validity-runs.md

Each subcommand takes `--traps true-effect[,confounding,...]` to run only some traps (default: all three).

`synth` keeps each warehouse as DIR/<trap>/seed-<n>.sqlite (72 MB at 20,000 patients); `analyse` writes
DIR/results.jsonl (one line per warehouse); `report` prints the coverage table. Python 3 standard library only.
Every warehouse is synthetic.
"""
import argparse
import concurrent.futures
import json
import os
import sqlite3
import subprocess
import sys
import time

TRAPS = ["confounding", "immortal-time", "true-effect"]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASE = os.path.join(REPO, "Tests/Fixtures/recommendation/cases/luad_egfr_l858r.grch37.vep.vcf")
THERAPY = "erlotinib"


def db_path(out, trap, seed):
    return os.path.join(out, trap, f"seed-{seed}.sqlite")


def synth_one(onco, out, trap, seed, patients):
    db = db_path(out, trap, seed)
    if os.path.exists(db):
        return db, 0.0
    tmp = db + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    t0 = time.time()
    subprocess.run(["nice", "-n", "19", onco, "warehouse", "synth", "--patients", str(patients), "--seed", str(seed),
                    "--params", os.path.join(REPO, f"Cohorts/rwe-trap-{trap}.json"), "--db", tmp],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.rename(tmp, db)
    return db, time.time() - t0


def planted_truth(db):
    with sqlite3.connect(db) as c:
        row = c.execute("SELECT planted_truth FROM onco_dataset").fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def first(d, *names):
    """The first of several spellings present in d (the JSON layout names the target-trial fields)."""
    for n in names:
        cur = d
        for part in n.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is not None:
            return cur
    return None


def analyse_one(onco, out, trap, seed):
    db = db_path(out, trap, seed)
    r = subprocess.run(["nice", "-n", "19", onco, "recommend", "--vcf", CASE, "--tumor-type", "LUAD", "--db", db,
                        "--kb", os.path.join(REPO, "KnowledgeBase"), "--no-neighbours", "--format", "json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return {"trap": trap, "seed": seed, "error": r.stderr.strip()[-500:]}
    doc = json.loads(r.stdout)
    rw = next((t.get("real_world") for t in doc["therapies"] if t.get("therapy") == THERAPY), None) or {}
    truth = planted_truth(db)
    return {
        "trap": trap, "seed": seed,
        "grade": rw.get("grade"), "reason": rw.get("reason"),
        "status": first(rw, "target_trial.status"),
        "hr": first(rw, "target_trial.hazardRatio.hazardRatio"),
        "lower": first(rw, "target_trial.hazardRatio.lower"),
        "upper": first(rw, "target_trial.hazardRatio.upper"),
        "naive_hr": first(rw, "target_trial.naiveHazardRatio.hazardRatio"),
        "naive_lower": first(rw, "target_trial.naiveHazardRatio.lower"),
        "naive_upper": first(rw, "target_trial.naiveHazardRatio.upper"),
        "balance_achieved": first(rw, "target_trial.balance.achieved"),
        "positivity_held": first(rw, "target_trial.positivity.held"),
        "conditional_truth": truth.get("trueHazardRatioMatchedTargetedVsChemotherapy"),
        "marginal_truth": first(truth, "marginalHazardRatio", "marginal.hazardRatio"),
        "scale": truth.get("matchedTargetedScale", "conditional"),
        "target": first(truth, "marginalCalibration.targetMarginalHazardRatio"),
        "achieved_calibration": first(truth, "marginalCalibration.achievedMarginalHazardRatio"),
    }


def cmd_synth(a):
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        for trap in a.traps:
            os.makedirs(os.path.join(a.out, trap), exist_ok=True)
            for seed in range(1, a.seeds + 1):
                jobs.append(ex.submit(synth_one, a.onco, a.out, trap, seed, a.patients))
        for j in concurrent.futures.as_completed(jobs):
            db, secs = j.result()
            print(f"{db}\t{secs:.1f} s", file=sys.stderr)


def cmd_analyse(a):
    todo = [(trap, int(f[5:-7])) for trap in a.traps if os.path.isdir(os.path.join(a.out, trap))
            for f in sorted(os.listdir(os.path.join(a.out, trap))) if f.startswith("seed-") and f.endswith(".sqlite")]
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex, open(os.path.join(a.out, "results.jsonl"), "w") as f:
        for res in ex.map(lambda ts: analyse_one(a.onco, a.out, *ts), todo):
            f.write(json.dumps(res) + "\n")


def covers(lo, hi, x):
    return lo is not None and hi is not None and x is not None and lo <= x <= hi


def cmd_report(a):
    rows = [json.loads(l) for l in open(os.path.join(a.out, "results.jsonl"))]
    rows = [r for r in rows if r["trap"] in a.traps]
    print("| trap | seeds | marginal truth, median (range); conditional | adjusted HR, median (range) | adjusted CI covers truth | naive CI covers truth | grades |")
    print("|---|---|---|---|---|---|---|")
    for trap in a.traps:
        rs = [r for r in rows if r["trap"] == trap and "error" not in r]
        errs = [r for r in rows if r["trap"] == trap and "error" in r]
        if not rs:
            continue
        truth = [r["marginal_truth"] if r["marginal_truth"] is not None else r["conditional_truth"] for r in rs]
        hrs = sorted(r["hr"] for r in rs if r["hr"] is not None)
        adj = sum(covers(r["lower"], r["upper"], t) for r, t in zip(rs, truth))
        naive = sum(covers(r["naive_lower"], r["naive_upper"], t) for r, t in zip(rs, truth))
        grades = {}
        for r in rs:
            grades[r["grade"]] = grades.get(r["grade"], 0) + 1
        med = hrs[len(hrs) // 2] if hrs else None
        mt = sorted(x for x in truth if x is not None)
        def f3(x):
            return "?" if x is None else f"{x:.3f}"
        unbalanced = sum(1 for r in rs if r.get("balance_achieved") is False)
        no_positivity = sum(1 for r in rs if r.get("positivity_held") is False)
        print(f"| {trap} | {len(rs)}{f' ({len(errs)} failed)' if errs else ''} | "
              f"{f3(mt[len(mt) // 2]) if mt else '?'} ({f3(mt[0]) if mt else '?'}–{f3(mt[-1]) if mt else '?'}); {rs[0]['conditional_truth']} | "
              f"{f3(med)} ({f3(hrs[0]) if hrs else '?'}–{f3(hrs[-1]) if hrs else '?'}) | {adj}/{len(rs)} ({100 * adj / len(rs):.0f}%) | "
              f"{naive}/{len(rs)} ({100 * naive / len(rs):.0f}%) | "
              + ", ".join(f"{k} {v}" for k, v in sorted(grades.items(), key=lambda kv: str(kv[0])))
              + f"; balance not achieved {unbalanced}, positivity not held {no_positivity} |")
    report_targets(rows, a.traps)


def report_targets(rows, traps):
    """Coverage of the literal planted target, for the traps planting a marginal effect."""
    targeted = [t for t in traps if any(r["trap"] == t and r.get("target") is not None for r in rows)]
    if not targeted:
        return
    print()
    print("| trap | seeds | planted marginal target; calibrated conditional (achieved marginal on the calibration cohort) | "
          "adjusted HR, median (range) | adjusted CI covers the target | naive CI covers the target | grades |")
    print("|---|---|---|---|---|---|---|")
    for trap in targeted:
        rs = [r for r in rows if r["trap"] == trap and "error" not in r and r.get("target") is not None]
        errs = [r for r in rows if r["trap"] == trap and "error" in r]
        hrs = sorted(r["hr"] for r in rs if r["hr"] is not None)
        adj = sum(covers(r["lower"], r["upper"], r["target"]) for r in rs)
        naive = sum(covers(r["naive_lower"], r["naive_upper"], r["target"]) for r in rs)
        grades = {}
        for r in rs:
            grades[r["grade"]] = grades.get(r["grade"], 0) + 1
        targets = sorted({r["target"] for r in rs})
        conds = sorted({r["conditional_truth"] for r in rs})
        achieved = sorted({r["achieved_calibration"] for r in rs})
        print(f"| {trap} | {len(rs)}{f' ({len(errs)} failed)' if errs else ''} | "
              f"{', '.join(f'{t:g}' for t in targets)}; {', '.join(f'{c:.4f}' for c in conds)} "
              f"({', '.join(f'{x:.5f}' for x in achieved)}) | "
              f"{hrs[len(hrs) // 2]:.3f} ({hrs[0]:.3f}–{hrs[-1]:.3f}) | {adj}/{len(rs)} ({100 * adj / len(rs):.0f}%) | "
              f"{naive}/{len(rs)} ({100 * naive / len(rs):.0f}%) | "
              + ", ".join(f"{k} {v}" for k, v in sorted(grades.items(), key=lambda kv: str(kv[0]))) + " |")


def traps_arg(text):
    traps = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in traps if t not in TRAPS]
    if unknown or not traps:
        raise argparse.ArgumentTypeError(f"unknown trap(s) {', '.join(unknown) or '(none)'}; known: {', '.join(TRAPS)}")
    return traps


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("synth", "analyse", "report"):
        s = sub.add_parser(name)
        s.add_argument("--out", required=True)
        s.add_argument("--traps", type=traps_arg, default=TRAPS, help="comma-separated subset of " + ",".join(TRAPS))
        if name != "report":
            s.add_argument("--onco", required=True)
            s.add_argument("--jobs", type=int, default=2)
        if name == "synth":
            s.add_argument("--seeds", type=int, default=50)
            s.add_argument("--patients", type=int, default=20000)
    a = p.parse_args()
    {"synth": cmd_synth, "analyse": cmd_analyse, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
