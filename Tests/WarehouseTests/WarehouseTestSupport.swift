import Foundation
import Logging
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport

/// The two backends every store test runs on.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A store for one test: SQLite in memory, or a fresh schema on the PostgreSQL server named by
/// ONCO_TEST_POSTGRES_URL. Without that variable the PostgreSQL cases are skipped (nil), unless
/// ONCO_REQUIRE_POSTGRES=1, in which case they fail.
struct TestStore {
    let store: Warehouse
    let schema: String?

    static let logger = Logger(label: "onco.warehouse.tests")

    static func make(_ kind: StoreKind) async throws -> TestStore? {
        switch kind {
        case .sqlite:
            return TestStore(store: try await Warehouse.openSQLite(path: nil), schema: nil)
        case .postgres:
            let env = ProcessInfo.processInfo.environment
            guard let url = env["ONCO_TEST_POSTGRES_URL"], !url.isEmpty else {
                if env["ONCO_REQUIRE_POSTGRES"] == "1" {
                    Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set")
                }
                return nil
            }
            let schema = "onco_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let sep = url.contains("?") ? "&" : "?"
            return TestStore(store: try await Warehouse.openPostgres(url: url + sep + "schema=" + schema), schema: String(schema))
        }
    }

    func finish() async throws {
        if let schema { try await store.dropPostgresSchema(schema) }
        try await store.close()
    }
}

/// The real TCGA subset (Tests/Fixtures/warehouse/tcga_subset, see SOURCE.md there).
enum Fixture {
    static let study = RepoPaths.fixture("warehouse/tcga_subset")
    static let key = "onco-test-pseudonym-key-0123456789"
    static var pseudonymizer: Pseudonymizer { try! Pseudonymizer(key: key) }

    /// Counts of the fixture's source files, counted here from the files themselves.
    static func sourceCounts(_ dir: URL = study) throws -> (patients: Int, samples: Int, mutations: Int, treatments: Int) {
        func dataRows(_ name: String) throws -> Int {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count - 1
        }
        let maf = try run("/bin/sh", ["-c", "gzip -dc '\(dir.appendingPathComponent("data_mutations.txt.gz").path)' | wc -l"])
        return (try dataRows("data_clinical_patient.txt"), try dataRows("data_clinical_sample.txt"),
                Int(maf.stdout.trimmingCharacters(in: .whitespacesAndNewlines))! - 1, try dataRows("data_timeline_treatment.txt"))
    }

    @discardableResult
    static func importStudy(_ store: Warehouse, dir: URL = study) async throws -> ImportOutcome {
        let importer = CBioPortalImporter(pseudonymizer: pseudonymizer, mafBatchSize: 10_000)
        let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: dir.path))
        return try await store.importDataset(d, from: source, progress: nil, logger: TestStore.logger)
    }

    /// Copies the fixture study to a temporary folder.
    static func copy() throws -> URL {
        let dir = try makeTemporaryDirectory("onco-wh-study")
        for f in try FileManager.default.contentsOfDirectory(atPath: study.path) {
            try FileManager.default.copyItem(at: study.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        return dir
    }
}

/// Kaplan–Meier median (smallest time with S(t) ≤ 0.5; R survfit's rule, without its averaging when
/// S is exactly 0.5 on an interval, which the fixture values do not hit), written out here so that the
/// test does not depend on module Survival (built on another branch).
func kaplanMeierMedian(days: [Double], events: [Bool]) -> Double? {
    let order = days.indices.sorted { days[$0] < days[$1] }
    var atRisk = Double(days.count)
    var s = 1.0
    var i = 0
    while i < order.count {
        let t = days[order[i]]
        var d = 0.0, n = 0.0
        while i < order.count, days[order[i]] == t {
            if events[order[i]] { d += 1 }
            n += 1
            i += 1
        }
        if d > 0 { s *= 1 - d / atRisk }
        atRisk -= n
        if s <= 0.5 { return t }
    }
    return nil
}
