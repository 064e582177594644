// bench-warehouse: import rate of a real cBioPortal study into SQLite and PostgreSQL, synthetic
// generation rate, and a 1,000,000-patient synthetic warehouse built and queried.
//
//   bench-warehouse import STUDY_DIR DB          # DB: SQLite path or postgres:// URL
//   bench-warehouse synth-rate N                 # generation only (no store)
//   bench-warehouse synth N DB                   # generate + write
//   bench-warehouse query DB                     # OS by tumour type, profiles, treatment lines
//
// Prints one `key=value` line per measurement; Benchmarks/scripts/warehouse.sh collects them.
import Foundation
import Genomics
import Logging
import OncoCore
import Warehouse
import WarehousePostgres

let logger = Logger(label: "bench-warehouse")
let args = CommandLine.arguments
func now() -> Double { Date().timeIntervalSince1970 }
func report(_ k: String, _ v: Any) { print("\(k)=\(v)") }

let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let params = ProcessInfo.processInfo.environment["ONCO_SYNTH_PARAMS"] ?? repo.appendingPathComponent("Cohorts/synthetic-oncology.json").path

guard args.count >= 2 else {
    print("usage: bench-warehouse import STUDY DB | synth-rate N | synth N DB | query DB")
    exit(64)
}

switch args[1] {
case "import":
    let key = ProcessInfo.processInfo.environment["ONCO_PSEUDONYM_KEY"] ?? "bench-warehouse-pseudonym-key-000"
    let importer = CBioPortalImporter(pseudonymizer: try Pseudonymizer(key: key))
    let t0 = now()
    let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: args[2]))
    let tHash = now() - t0
    let store = try await Warehouse.open(db: args[3], mode: .createIfMissing, logger: logger)
    let t1 = now()
    let outcome = try await store.importDataset(d, from: source, progress: nil, logger: logger)
    let tImport = now() - t1
    let stats = try await store.stats(logger: logger)
    let t2 = now()
    let os = try await store.outcomeCounts(.overallSurvival(from: .diagnosis), cohort: .all, groupBy: .tumourType, logger: logger)
    let tQuery = now() - t2
    try await store.close()
    report("backend", store.backend)
    report("action", outcome.action.rawValue)
    report("patients", stats.patients); report("samples", stats.samples); report("mutations", stats.mutations)
    report("treatment_rows", stats.treatmentRows); report("rows_written", outcome.rowsWritten)
    report("hash_seconds", String(format: "%.2f", tHash))
    report("import_seconds", String(format: "%.2f", tImport))
    report("rows_per_second", String(format: "%.0f", Double(outcome.rowsWritten) / tImport))
    report("os_by_type_seconds", String(format: "%.3f", tQuery))
    report("os_groups", os.count)

case "maf":
    let t0 = now()
    let r = try MAFReader(path: args[2], defaultBuild: .grch37)
    var n = 0
    while try r.next() != nil { n += 1 }
    let t = now() - t0
    report("maf_rows", n); report("maf_seconds", String(format: "%.2f", t)); report("maf_rows_per_second", String(format: "%.0f", Double(n) / t))

case "synth-rate":
    let n = Int(args[2])!
    let g = try SyntheticCohortGenerator(parametersPath: params, patients: n, seed: 1)
    let src = g.makeSource()
    let t0 = now()
    var rows = 0
    while let b = try src.nextBatch() { rows += b.rowCount }
    let t = now() - t0
    report("patients", n); report("rows", rows)
    report("generate_seconds", String(format: "%.2f", t))
    report("patients_per_second", String(format: "%.0f", Double(n) / t))

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
    report("rows_per_second", String(format: "%.0f", Double(outcome.rowsWritten) / t))

case "query":
    let store = try await Warehouse.open(db: args[2], mode: .existing, logger: logger)
    var t0 = now()
    let counts = try await store.outcomeCounts(.overallSurvival(from: .diagnosis), cohort: .all, groupBy: .tumourType, logger: logger)
    report("os_by_type_aggregated_seconds", String(format: "%.2f", now() - t0))
    report("os_by_type_groups", counts.count); report("os_patients", counts.map(\.total).reduce(0, +))
    t0 = now()
    let per = try await store.outcomes(.overallSurvival(from: .diagnosis), cohort: .all, groupBy: .tumourType, logger: logger)
    report("os_by_type_per_patient_seconds", String(format: "%.2f", now() - t0))
    report("os_rows", per.map(\.data.count).reduce(0, +))
    t0 = now()
    let luad = try await store.outcomes(.overallSurvival(from: .diagnosis), cohort: CohortCriteria(tumourTypes: ["LUAD"]), groupBy: .none, logger: logger)
    report("os_one_type_seconds", String(format: "%.2f", now() - t0)); report("os_one_type_rows", luad.first?.data.count ?? 0)
    t0 = now()
    let braf = try await store.outcomes(.overallSurvival(from: .lineStart(1)), cohort: CohortCriteria(tumourTypes: ["SKCM"], variants: [GeneVariant(gene: "BRAF", hgvsp: "p.V600E")]),
                                        groupBy: .none, logger: logger)
    report("os_line1_braf_skcm_seconds", String(format: "%.2f", now() - t0)); report("os_line1_braf_skcm_rows", braf.first?.data.count ?? 0)
    t0 = now()
    let profiles = try await store.profiles(cohort: .all, options: ProfileOptions(), logger: logger)
    report("profiles_seconds", String(format: "%.2f", now() - t0)); report("profiles", profiles.count); report("profile_alterations", profiles.genes.count)
    t0 = now()
    let lines = try await store.treatmentLines(cohort: CohortCriteria(tumourTypes: ["LUAD"]), logger: logger)
    report("lines_luad_seconds", String(format: "%.2f", now() - t0)); report("lines_luad", lines.count)
    try await store.close()

default:
    print("unknown command \(args[1])")
    exit(64)
}
