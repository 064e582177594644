// bench-cohort: a cohort study (Kaplan–Meier, log-rank and Cox) over a large synthetic warehouse,
// end to end through `CohortStudy.run` (cohort table read from the store, grouping, KM per group,
// stratified log-rank, adjusted + stratified Cox, PH test, report with small-cell suppression, audit entry).
//
//   bench-cohort synth N DB          # build an N-patient synthetic warehouse (Cohorts/synthetic-oncology.json, seed 1)
//   bench-cohort migrate DB          # open once (applies pending migrations; timed), then close
//   bench-cohort run DB [REPEATS]    # the studies below, timed (wall and process CPU), REPEATS times each
//
// DB: SQLite path or postgres:// URL. Prints `key=value` lines; Benchmarks/scripts/cohort.sh collects them.
import CohortStudy
import Foundation
import Logging
import OncoCore
import Survival
import Warehouse
import WarehousePostgres

let logger = Logger(label: "bench-cohort")
let args = CommandLine.arguments
func now() -> Double { Date().timeIntervalSince1970 }
func report(_ k: String, _ v: Any) { print("\(k)=\(v)") }
/// User + system CPU seconds of this process so far.
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let params = ProcessInfo.processInfo.environment["ONCO_SYNTH_PARAMS"] ?? repo.appendingPathComponent("Cohorts/synthetic-oncology.json").path

guard args.count >= 3 else {
    print("usage: bench-cohort synth N DB | migrate DB | run DB [REPEATS]")
    exit(64)
}

/// The studies timed: all patients, OS from diagnosis.
let studies: [(key: String, definition: CohortDefinition)] = [
    // KM per group + log-rank + Cox of TP53 mutated vs wild-type, adjusted for age, stratified by tumour type.
    ("tp53_os_adjusted_stratified",
     CohortDefinition(name: "TP53 mutated vs wild-type, OS from diagnosis (synthetic)",
                      groups: .mutation(AlterationSpec(gene: "TP53")),
                      endpoint: EndpointSpec(kind: .os, from: .diagnosis),
                      analysis: AnalysisSpec(logRank: .init(strata: ["tumour_type"]),
                                             cox: .init(covariates: [CovariateSpec("age")], strata: ["tumour_type"])))),
    // KM per tumour type + log-rank + Cox with tumour type as a factor (12 groups).
    ("os_by_tumour_type",
     CohortDefinition(name: "OS by tumour type (synthetic)",
                      groups: .variable(name: "tumour_type", values: nil),
                      endpoint: EndpointSpec(kind: .os, from: .diagnosis),
                      analysis: AnalysisSpec(cox: .init(covariates: [CovariateSpec("age")])))),
]

switch args[1] {
case "synth":
    let n = Int(args[2])!
    let g = try SyntheticCohortGenerator(parametersPath: params, patients: n, seed: 1)
    let store = try await Warehouse.open(db: args[3], mode: .createIfMissing, logger: logger)
    let t0 = now()
    let outcome = try await store.importDataset(g.descriptor, from: g.makeSource(), progress: nil, logger: logger)
    let t = now() - t0
    try await store.close()
    report("backend", store.backend)
    report("patients", n); report("rows_written", outcome.rowsWritten)
    report("build_seconds", String(format: "%.1f", t))

case "migrate":
    let c0 = cpuSeconds(), t0 = now()
    let store = try await Warehouse.open(db: args[2], mode: .existing, logger: logger)
    let meta = try await store.metadata(logger: logger)
    try await store.close()
    report("backend", store.backend)
    report("schema_version", meta.schemaVersion)
    report("open_migrate_wall_seconds", String(format: "%.1f", now() - t0))
    report("open_migrate_cpu_seconds", String(format: "%.1f", cpuSeconds() - c0))

case "run":
    let repeats = args.count > 3 ? Int(args[3])! : 1
    let store = try await Warehouse.open(db: args[2], mode: .existing, logger: logger)
    let research = store
    report("backend", store.backend)
    for (key, d) in studies {
        let plan = try CohortPlan(d, source: "bench")
        for r in 1...repeats {
            let c0 = cpuSeconds(), t0 = now()
            let run = try await CohortStudy.run(plan, store: research, logger: logger)
            let wall = now() - t0, cpu = cpuSeconds() - c0
            // The parts: the cohort-table read alone, then the analysis alone (same inputs).
            // (The read runs its queries concurrently, so its CPU time can exceed its wall time.)
            let request = try plan.tableRequest()
            let c1 = cpuSeconds(), t1 = now()
            let table = try await research.cohortTable(request, logger: logger)
            let tRead = now() - t1, cRead = cpuSeconds() - c1
            let c2 = cpuSeconds(), t2 = now()
            let a = try CohortAnalysis.compute(plan: plan, table: table, lines: nil)
            let tAnalyse = now() - t2, cAnalyse = cpuSeconds() - c2
            report("\(key).run\(r).total_wall_seconds", String(format: "%.2f", wall))
            report("\(key).run\(r).total_cpu_seconds", String(format: "%.2f", cpu))
            report("\(key).run\(r).table_read_wall_seconds", String(format: "%.2f", tRead))
            report("\(key).run\(r).table_read_cpu_seconds", String(format: "%.2f", cRead))
            report("\(key).run\(r).analysis_wall_seconds", String(format: "%.2f", tAnalyse))
            report("\(key).run\(r).analysis_cpu_seconds", String(format: "%.2f", cAnalyse))
            if r == 1 {
                report("\(key).patients_analysed", run.analysis.rows.personIDs.count)
                report("\(key).events", run.analysis.groups.map(\.events).reduce(0, +))
                report("\(key).groups", run.analysis.groups.count)
                if let lr = a.logRank { report("\(key).logrank_chisq", String(format: "%.4f", lr.chiSquare)) }
                if let cox = a.cox {
                    report("\(key).cox_terms", cox.columnNames.count)
                    report("\(key).cox_hr_first", String(format: "%.5f", cox.coefficientTable[0].hazardRatio))
                }
                report("\(key).ph_test", a.proportionalHazards != nil)
            }
        }
    }
    try await store.close()

default:
    print("unknown command \(args[1])")
    exit(64)
}
