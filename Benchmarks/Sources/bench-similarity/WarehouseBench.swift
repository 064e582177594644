// bench-similarity warehouse modes: a synthetic warehouse built, its profiles read, the similarity
// index built and persisted from it, and the driver-sharing figure at scale.
import Foundation
import Logging
import OncoCore
import Similarity
import Warehouse

let warehouseBenchLogger = Logger(label: "bench-similarity")

func benchRepo() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

/// `bench-similarity warehouse-synth N DB [SEED]`: generate a synthetic cohort into a SQLite warehouse.
func warehouseSynth(_ args: [String]) async throws {
    let n = Int(args[0])!, db = args[1]
    let seed = args.count > 2 ? UInt64(args[2])! : 1
    let params = benchRepo().appendingPathComponent("Cohorts/synthetic-oncology.json").path
    let g = try SyntheticCohortGenerator(parametersPath: params, patients: n, seed: seed)
    let store = try await SQLiteWarehouseStore(path: db, logger: warehouseBenchLogger)
    let t0 = now(), c0 = processCPU()
    let outcome = try await store.importDataset(g.descriptor, from: g.makeSource(), progress: nil, logger: warehouseBenchLogger)
    print("synth_patients=\(n) rows=\(outcome.rowsWritten) seconds=\(String(format: "%.1f", now() - t0)) cpu=\(String(format: "%.1f", processCPU() - c0)) load=\(loadAverage())")
    try await store.close()
}

/// `bench-similarity warehouse-profiles DB`: time `profiles(cohort: .all)`.
func warehouseProfiles(_ args: [String]) async throws {
    let store = try await SQLiteWarehouseStore(path: args[0], logger: warehouseBenchLogger)
    let t0 = now(), c0 = processCPU()
    let t = try await store.profiles(cohort: .all, options: ProfileOptions(), logger: warehouseBenchLogger)
    print("profiles=\(t.count) alterations=\(t.genes.count) seconds=\(String(format: "%.2f", now() - t0)) cpu=\(String(format: "%.2f", processCPU() - c0)) load=\(loadAverage())")
    try await store.close()
}
