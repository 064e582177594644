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
    let store = try await Warehouse.openSQLite(path: db, logger: warehouseBenchLogger)
    let t0 = now(), c0 = processCPU()
    let outcome = try await store.importDataset(g.descriptor, from: g.makeSource(), progress: nil, logger: warehouseBenchLogger)
    print("synth_patients=\(n) rows=\(outcome.rowsWritten) seconds=\(String(format: "%.1f", now() - t0)) cpu=\(String(format: "%.1f", processCPU() - c0)) load=\(loadAverage())")
    try await store.close()
}

/// `bench-similarity warehouse-profiles DB`: time the packed read the index uses
/// (`similarityProfiles(cohort: .all)`), then the general `profiles(cohort: .all)`, and a full index build.
func warehouseProfiles(_ args: [String]) async throws {
    let store = try await Warehouse.openSQLite(path: args[0], logger: warehouseBenchLogger)
    var t0 = now(), c0 = processCPU()
    let p = try await store.similarityProfiles(cohort: .all, options: ProfileOptions(), logger: warehouseBenchLogger)
    print("similarityProfiles=\(p.count) alterations=\(p.genes.count) seconds=\(String(format: "%.2f", now() - t0)) cpu=\(String(format: "%.2f", processCPU() - c0)) load=\(loadAverage())")
    t0 = now(); c0 = processCPU()
    let t = try await store.profiles(cohort: .all, options: ProfileOptions(), logger: warehouseBenchLogger)
    print("profiles=\(t.count) alterations=\(t.genes.count) seconds=\(String(format: "%.2f", now() - t0)) cpu=\(String(format: "%.2f", processCPU() - c0)) load=\(loadAverage())")
    t0 = now(); c0 = processCPU()
    let index = try await WarehouseSimilarity.build(from: store, logger: warehouseBenchLogger)
    print("index_build patients=\(index.count) alleles=\(index.alleles.count) seconds=\(String(format: "%.2f", now() - t0)) cpu=\(String(format: "%.2f", processCPU() - c0)) load=\(loadAverage())")
    try await store.close()
}

/// `bench-similarity warehouse-drivers DB QUERIES [QUERY_SEED]`: the acceptance figure on a synthetic
/// SQLite warehouse (made by `warehouse-synth`): its similarity index is built from the warehouse, then
/// QUERIES patients of a separately seeded cohort (never imported) are profiled as new cases from their
/// variants and clinical values; a query with a planted driver (gene + protein change, amplification or
/// fusion, `Cohorts/synthetic-oncology.json`) *succeeds* when at least 45 of its top 50 neighbours carry the
/// same alteration in the warehouse. Prints the success rate, the mean share and the index build time.
/// (The same definition as `Tests/SimilarityTests/DriverSharingTests.swift`.)
func warehouseDrivers(_ args: [String]) async throws {
    let db = args[0], nq = Int(args[1])!
    let seed = args.count > 2 ? UInt64(args[2])! : 2
    let store = try await Warehouse.openSQLite(path: db, logger: warehouseBenchLogger)
    let t0 = now(), c0 = processCPU()
    let index = try await WarehouseSimilarity.build(from: store, logger: warehouseBenchLogger)
    let buildS = now() - t0, buildCPU = processCPU() - c0
    let table = try await store.similarityProfiles(cohort: .all, options: ProfileOptions(), logger: warehouseBenchLogger)
    var labels: [PatientKey: Set<String>] = [:]
    for i in 0..<table.count {
        var s = Set<String>()
        for a in table.alterationStart[i]..<table.alterationStart[i + 1] {
            s.insert(WarehouseSimilarity.alterationLabel(gene: table.genes[a], kind: table.classes[a], hgvsp: table.hgvsp[a]))
        }
        labels[PatientKey(table.keys[i])] = s
    }
    try await store.close()
    let cases = try syntheticCases(patients: nq, seed: seed)
    let withDriver = cases.filter { $0.driver != nil }
    let t1 = now(), c1 = processCPU()
    let results = try index.searchBatch(withDriver.map(\.profile), options: SearchOptions(k: 50, threads: 2))
    let searchS = now() - t1, searchCPU = processCPU() - c1
    var ok = 0, shareSum = 0.0
    var failures: [String: Int] = [:]
    for (q, ns) in zip(withDriver, results) {
        let d = q.driver!
        let sharing = ns.filter { labels[$0.key]?.contains(d) == true }.count
        shareSum += Double(sharing) / Double(ns.count)
        if sharing >= 45 { ok += 1 } else { failures[d + " in " + q.type, default: 0] += 1 }
    }
    let f = { (x: Double) in String(format: "%.3f", x) }
    print("warehouse_patients=\(index.count) alleles=\(index.alleles.count) words_per_row=\(index.wordsPerRow) build_s=\(f(buildS)) build_cpu_s=\(f(buildCPU))")
    print("queries=\(nq) with_driver=\(withDriver.count) succeeded=\(ok) success_rate=\(f(Double(ok) / Double(max(1, withDriver.count)))) mean_share=\(f(shareSum / Double(max(1, withDriver.count))))")
    print("batch_search_s=\(f(searchS)) batch_search_cpu_s=\(f(searchCPU)) load=\(loadAverage())")
    print("failures=\(failures.sorted { $0.value > $1.value }.prefix(15).map { "\($0.key): \($0.value)" })")
}

/// A generated patient as a new case arrives: variants, clinical values, and the planted driver's label.
struct SyntheticCase {
    var key: PatientKey
    var type: String
    var variants: [SomaticVariant]
    var clinical: ClinicalContext
    var lines: Int
    var driver: String?
    var profile: Similarity.PatientProfile { WarehouseSimilarity.caseProfile(variants: variants, clinical: clinical, priorLines: lines, key: key) }
}

/// `GENE p.X`, `GENE amplification`, `A::B fusion` (as `WarehouseSimilarity.alterationLabel`).
func driverLabel(gene: String, hgvsp: String, alteration: String?) -> String {
    switch alteration {
    case "amplification": return "\(gene) amplification"
    case "deletion": return "\(gene) deletion"
    case "fusion": return "\(hgvsp) fusion"
    default: return "\(gene) \(hgvsp)"
    }
}

/// Every patient of a generated cohort, from the generator's rows (no warehouse, no SQL).
func syntheticCases(patients: Int, seed: UInt64) throws -> [SyntheticCase] {
    let params = benchRepo().appendingPathComponent("Cohorts/synthetic-oncology.json").path
    let g = try SyntheticCohortGenerator(parametersPath: params, patients: patients, seed: seed)
    var drivers = Set<String>()
    for t in try SyntheticCohortParameters.load(params).tumourTypes {
        for d in t.drivers { drivers.insert(driverLabel(gene: d.gene, hgvsp: d.hgvsp, alteration: d.alteration)) }
    }
    var out: [SyntheticCase] = []
    for k in 0..<((patients + g.chunkSize - 1) / g.chunkSize) {
        let b = g.chunk(k)
        var byPerson: [Int64: SyntheticCase] = [:]
        var diagYear: [Int64: Int] = [:]
        var diagType: [Int64: String] = [:]
        for c in b.conditions where diagType[c.person] == nil { diagYear[c.person] = c.start.year; diagType[c.person] = c.tumourType }
        for p in b.persons {
            let type = diagType[p.id] ?? "TISSUE"
            byPerson[p.id] = SyntheticCase(key: p.key, type: type, variants: [],
                                           clinical: ClinicalContext(tumourType: OncoTreeCode(type), age: diagYear[p.id].map { $0 - p.yearOfBirth }, sex: p.sex),
                                           lines: 0, driver: nil)
        }
        for m in b.measurements {
            if m.kind == WarehouseSchema.MeasurementKind.stage { byPerson[m.person]!.clinical.stage = m.text }
            if m.kind == WarehouseSchema.MeasurementKind.tmb { byPerson[m.person]!.clinical.tmb = m.number }
        }
        for e in b.episodes where e.kind == WarehouseSchema.EpisodeKind.lineOfTherapy { byPerson[e.person]!.lines += 1 }
        for v in b.variants {
            let l = driverLabel(gene: v.gene!, hgvsp: v.hgvsp!, alteration: v.alteration)
            if drivers.contains(l) { byPerson[v.person]!.driver = l }
            switch v.alteration {
            case "amplification": byPerson[v.person]!.clinical.copyNumber.append(CopyNumberAlteration(gene: v.gene!, kind: .amplification))
            case "deletion": byPerson[v.person]!.clinical.copyNumber.append(CopyNumberAlteration(gene: v.gene!, kind: .deletion))
            case "fusion":
                let parts = v.hgvsp!.components(separatedBy: "::")
                byPerson[v.person]!.clinical.fusions.append(GeneFusion(fivePrime: parts[0], threePrime: parts[1]))
            default:
                let ann = VariantAnnotation(symbol: v.gene, consequences: [v.consequence!], hgvspShort: v.hgvsp)
                byPerson[v.person]!.variants.append(SomaticVariant(key: v.key, filters: v.filter.map { [$0] } ?? [], annotation: ann))
            }
        }
        out += b.persons.map { byPerson[$0.id]! }
    }
    return out
}
