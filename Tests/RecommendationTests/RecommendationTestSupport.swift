import Foundation
import Knowledge
import Logging
import OncoCore
import Recommendation
import Reports
import Warehouse
import _TestSupport

/// Shared fixtures: the shipped KB (loaded once) and the synthetic case VCFs of
/// `Tests/Fixtures/recommendation/cases` (made by `make_cases.py` there; see SOURCE.md).
enum Fixtures {
    static let kb: KnowledgeBase = try! KnowledgeBase.load(directory: RepoPaths.root.appendingPathComponent("KnowledgeBase"))
    static let logger = Logger(label: "onco.recommendation.tests")

    static func casePath(_ name: String) -> String {
        RepoPaths.fixture("recommendation/cases/\(name).vcf").path
    }

    static func readCase(_ name: String, tumourType: String, amplification: [String] = [], prior: [String] = [],
                         age: Int? = nil, stage: String? = nil) throws -> RecommendationCase {
        let ctx = ClinicalContext(tumourType: OncoTreeCode(tumourType), age: age, stage: stage, priorTherapies: prior,
                                  copyNumber: amplification.map { CopyNumberAlteration(gene: $0, kind: .amplification) })
        return try RecommendationCase.read(vcf: casePath(name), clinical: ctx)
    }

    static func recommend(_ name: String, tumourType: String, amplification: [String] = [], prior: [String] = [],
                          warehouse: Warehouse? = nil, options: RecommenderOptions = RecommenderOptions()) async throws -> Recommendation {
        let c = try readCase(name, tumourType: tumourType, amplification: amplification, prior: prior)
        return try await Recommender(knowledgeBase: kb, warehouse: warehouse, options: options).recommend(c, logger: logger)
    }

    /// A synthetic warehouse (SQLite file in a temporary folder) generated from a parameter file.
    static func syntheticWarehouse(params: String, patients: Int, seed: UInt64) async throws -> Warehouse {
        let dir = try makeTemporaryDirectory("onco-recommend-wh")
        let store = try await Warehouse.openSQLite(path: dir.appendingPathComponent("wh.sqlite").path)
        let g = try SyntheticCohortGenerator(parametersPath: params, patients: patients, seed: seed)
        _ = try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: 2), progress: nil, logger: logger)
        return store
    }

    /// `RECORD_GOLDEN=1 swift test` rewrites the golden file (and fails, so the diff gets reviewed).
    static func assertGolden(_ text: String, _ name: String) throws -> (matches: Bool, message: String) {
        let url = RepoPaths.fixture("recommendation/golden/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return (false, "recorded golden \(name); review the diff and run again without RECORD_GOLDEN")
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if expected.utf8.elementsEqual(text.utf8) { return (true, "") }      // bytes, not canonical equivalence
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false), b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        return (false, "\(name) differs at line \(i + 1):\n  golden: \(i < a.count ? String(a[i]) : "<end>")\n  actual: \(i < b.count ? String(b[i]) : "<end>")")
    }
}
