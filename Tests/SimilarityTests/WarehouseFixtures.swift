import Foundation
import Logging
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport
@testable import Similarity

/// Warehouse also defines a `PatientProfile`; in these tests the name means Similarity's.
typealias PatientProfile = Similarity.PatientProfile

/// The two warehouse backends every warehouse-backed similarity test runs on.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A warehouse for one test: a SQLite file in a temporary folder, or a fresh schema on the PostgreSQL
/// server named by ONCO_TEST_POSTGRES_URL (skipped without it, failed when ONCO_REQUIRE_POSTGRES=1).
struct TestWarehouse {
    let store: Warehouse
    let schema: String?
    let dir: URL
    static let logger = Logger(label: "onco.similarity.tests")

    static func make(_ backend: Backend) async throws -> TestWarehouse? {
        let dir = try makeTemporaryDirectory("onco-simwh")
        switch backend {
        case .sqlite:
            return TestWarehouse(store: try await Warehouse.openSQLite(path: dir.appendingPathComponent("w.sqlite").path), schema: nil, dir: dir)
        case .postgres:
            let env = ProcessInfo.processInfo.environment
            guard let url = env["ONCO_TEST_POSTGRES_URL"], !url.isEmpty else {
                if env["ONCO_REQUIRE_POSTGRES"] == "1" { Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set") }
                return nil
            }
            let schema = "onco_s_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let sep = url.contains("?") ? "&" : "?"
            return TestWarehouse(store: try await Warehouse.openPostgres(url: url + sep + "schema=" + schema), schema: String(schema), dir: dir)
        }
    }

    var indexPath: String { dir.appendingPathComponent("w.simidx").path }

    func finish() async throws {
        if let schema { try await store.dropPostgresSchema(schema) }
        try await store.close()
        try? FileManager.default.removeItem(at: dir)
    }

    @discardableResult
    func synth(patients: Int, seed: UInt64) async throws -> ImportOutcome {
        let g = try Synthetic.generator(patients: patients, seed: seed)
        return try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: 2), progress: nil, logger: Self.logger)
    }
}

/// Synthetic patients straight from the generator's rows, turned into what a new case is: somatic
/// variants and a clinical context, profiled by `ProfileBuilder`. Independent of the warehouse's SQL.
enum Synthetic {
    static let parameters = RepoPaths.cohorts("synthetic-oncology.json").path

    static func generator(patients: Int, seed: UInt64) throws -> SyntheticCohortGenerator {
        try SyntheticCohortGenerator(parametersPath: parameters, patients: patients, seed: seed)
    }

    /// One generated patient as a new case would arrive.
    struct Case {
        var key: PatientKey
        var variants: [SomaticVariant]
        var clinical: ClinicalContext
        var lines: Int
        /// Protein-level labels of the generator's driver (`WarehouseSimilarity.alterationLabels` spelling), if any.
        var driver: String?
        var profile: PatientProfile { ProfileBuilder().profile(key: key, variants: variants, clinical: clinical, priorLines: lines) }
    }

    /// Every patient of the cohort, in generation order.
    static func cases(patients: Int, seed: UInt64) throws -> [Case] {
        let g = try generator(patients: patients, seed: seed)
        let params = try SyntheticCohortParameters.load(parameters)
        var drivers = Set<String>()
        for t in params.tumourTypes {
            for d in t.drivers { drivers.insert(label(gene: d.gene, hgvsp: d.hgvsp, alteration: d.alteration)) }
        }
        var out: [Case] = []
        let chunks = (patients + g.chunkSize - 1) / g.chunkSize
        for k in 0..<chunks {
            let b = g.chunk(k)
            var byPerson: [Int64: Case] = [:]
            var diagYear: [Int64: Int] = [:]
            for c in b.conditions { diagYear[c.person] = c.start.year }
            for p in b.persons {
                let age = diagYear[p.id].map { $0 - p.yearOfBirth }
                let type = b.conditions.first { $0.person == p.id }!.tumourType!
                byPerson[p.id] = Case(key: p.key, variants: [], clinical: ClinicalContext(tumourType: OncoTreeCode(type), age: age, sex: p.sex),
                                      lines: 0, driver: nil)
            }
            for m in b.measurements {
                if m.kind == WarehouseSchema.MeasurementKind.stage { byPerson[m.person]!.clinical.stage = m.text }
                if m.kind == WarehouseSchema.MeasurementKind.tmb { byPerson[m.person]!.clinical.tmb = m.number }
            }
            for e in b.episodes where e.kind == WarehouseSchema.EpisodeKind.lineOfTherapy { byPerson[e.person]!.lines += 1 }
            for v in b.variants {
                let l = label(gene: v.gene!, hgvsp: v.hgvsp!, alteration: v.alteration)
                if drivers.contains(l) { byPerson[v.person]!.driver = l }
                switch v.alteration {
                case "amplification":
                    byPerson[v.person]!.clinical.copyNumber.append(CopyNumberAlteration(gene: v.gene!, kind: .amplification))
                case "deletion":
                    byPerson[v.person]!.clinical.copyNumber.append(CopyNumberAlteration(gene: v.gene!, kind: .deletion))
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

    /// `GENE p.X`, `GENE amplification`, `A::B fusion` (as `WarehouseSimilarity.alterationLabel`).
    static func label(gene: String, hgvsp: String, alteration: String?) -> String {
        switch alteration {
        case "amplification": return "\(gene) amplification"
        case "deletion": return "\(gene) deletion"
        case "fusion": return "\(hgvsp) fusion"
        default: return "\(gene) \(hgvsp)"
        }
    }
}
