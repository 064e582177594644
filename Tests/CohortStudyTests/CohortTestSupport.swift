import Foundation
import Logging
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport
@testable import CohortStudy

/// The two backends the cohort tests run on.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A research warehouse for one test: SQLite (in memory, or a file when `file` is set), or a fresh
/// schema on the server named by ONCO_TEST_POSTGRES_URL (skipped without it unless ONCO_REQUIRE_POSTGRES=1).
struct TestWarehouse {
    let store: Warehouse
    let schema: String?
    static let logger = Logger(label: "onco.cohort.tests")

    static func make(_ kind: StoreKind, file: String? = nil) async throws -> TestWarehouse? {
        switch kind {
        case .sqlite:
            return TestWarehouse(store: try await Warehouse.openSQLite(path: file), schema: nil)
        case .postgres:
            let env = ProcessInfo.processInfo.environment
            guard let url = env["ONCO_TEST_POSTGRES_URL"], !url.isEmpty else {
                if env["ONCO_REQUIRE_POSTGRES"] == "1" { Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set") }
                return nil
            }
            let schema = "onco_c_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let sep = url.contains("?") ? "&" : "?"
            return TestWarehouse(store: try await Warehouse.openPostgres(url: url + sep + "schema=" + schema), schema: String(schema))
        }
    }

    func finish() async throws {
        if let schema { try await store.dropPostgresSchema(schema) }
        try await store.close()
    }
}

/// The real TCGA HNSC + GBM subset (Tests/Fixtures/tcga_hnsc_gbm, SOURCE.md there).
enum TCGAFixture {
    static let study = RepoPaths.fixture("tcga_hnsc_gbm")
    static let key = "onco-cohort-test-pseudonym-key-0123"

    /// Imports the study. A real dataset starts governed; unless `governed`, the test keys are registered
    /// and governance is turned off with the administrator key, for tests of the statistics.
    @discardableResult
    static func importStudy(_ store: Warehouse, governed: Bool = false) async throws -> ImportOutcome {
        let importer = CBioPortalImporter(pseudonymizer: try Pseudonymizer(key: key), mafBatchSize: 5_000)
        let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: study.path))
        let outcome = try await store.importDataset(d, from: source, progress: nil, logger: TestWarehouse.logger)
        if !governed {
            let keys = try TestKeys.both()
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            try await store.setGovernance(GovernanceSettings(enabled: false), keys: keys, logger: TestWarehouse.logger)
        }
        return outcome
    }
}

/// Test governance keys (random-looking, 40 characters; never used outside tests).
enum TestKeys {
    static let adminText = "test-admin-key-3f9c1d7e5b2a4068a1c3e5f7"
    static let auditText = "test-audit-key-8e2b4d6f0a1c3e5b7d9f1a2c"
    static func both() throws -> GovernanceKeys {
        GovernanceKeys(admin: try GovernanceSecret(adminText, source: "test admin key"), audit: try GovernanceSecret(auditText, source: "test audit key"))
    }
    static func auditOnly() throws -> GovernanceKeys { GovernanceKeys(audit: try GovernanceSecret(auditText, source: "test audit key")) }
}

/// The R reference values (Tests/Fixtures/cohort/tcga_reference.json; README there).
struct TCGAReference: Decodable {
    struct Group: Decodable {
        let mutated: Int, n: Int, events: Int
        let median: Double?, median_lower: Double?, median_upper: Double?
    }
    struct LogRank: Decodable { let chisq: Double, df: Int, p: Double }
    struct Cox: Decodable {
        let n: Int, events: Int, terms: [String], coef: [Double], se: [Double], hazard_ratio: [Double], lower: [Double], upper: [Double]
        let p: [Double], loglik: Double
    }
    struct Analysis: Decodable {
        let oncotree_code: String, gene: String, n: Int, events: Int, groups: [Group], logrank: LogRank, cox: Cox
    }
    let analyses: [Analysis]

    static func load() throws -> TCGAReference {
        try JSONDecoder().decode(TCGAReference.self, from: Data(contentsOf: RepoPaths.fixture("cohort/tcga_reference.json")))
    }
}

/// Relative difference, for reporting.
func relativeDifference(_ a: Double, _ b: Double) -> Double {
    a == b ? 0 : abs(a - b) / max(abs(a), abs(b))
}

/// Runs `body` on a fresh warehouse of `kind` (nothing when PostgreSQL is not configured) and cleans up.
func withWarehouse(_ kind: StoreKind, file: String? = nil, _ body: (Warehouse) async throws -> Void) async throws {
    guard let w = try await TestWarehouse.make(kind, file: file) else { return }
    do {
        try await body(w.store)
    } catch {
        try? await w.finish()
        throw error
    }
    try await w.finish()
}
