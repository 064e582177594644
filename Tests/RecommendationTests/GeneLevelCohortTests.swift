import Foundation
import OncoCore
import Recommendation
import Testing
import Warehouse
import _TestSupport

/// Issue #21 point 7: an ERBB2 amplification or a fusion of the case finds the warehouse patients with the
/// same alteration (imported from a cBioPortal study's `data_CNA.txt` / `data_sv.txt`: the synthetic
/// Tests/Fixtures/warehouse/cna_sv_study, design in its make_fixture.py) in the real-world cohort.
@Suite(.serialized) struct GeneLevelCohortTests {
    static func warehouse() async throws -> Warehouse {
        let store = try await Warehouse.openSQLite(path: nil)
        let importer = CBioPortalImporter(pseudonymizer: try Pseudonymizer(key: "gene-level-cohort-test-key-0123456789"))
        let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: RepoPaths.fixture("warehouse/cna_sv_study").path))
        _ = try await store.importDataset(d, from: source, progress: nil, logger: Fixtures.logger)
        return store
    }

    static func recommend(_ tumourType: String, copyNumber: [CopyNumberAlteration] = [], fusions: [GeneFusion] = [],
                          warehouse: Warehouse) async throws -> [RankedTherapy] {
        let ctx = ClinicalContext(tumourType: OncoTreeCode(tumourType), copyNumber: copyNumber, fusions: fusions)
        let c = try RecommendationCase.read(vcf: Fixtures.casePath("luad_no_driver.grch37.vep"), clinical: ctx)
        return try await Recommender(knowledgeBase: Fixtures.kb, warehouse: warehouse).recommend(c, logger: Fixtures.logger).therapies
    }

    @Test func amplificationAndFusionCohortsHoldTheAlteredPatients() async throws {
        let store = try await Self.warehouse()
        // ERBB2 amplification, BRCA family: B01-B30.
        let brca = try await Self.recommend("BRCA", copyNumber: [CopyNumberAlteration(gene: "ERBB2", kind: .amplification)], warehouse: store)
        let erbb2 = brca.compactMap(\.realWorld).filter { $0.cohort.biomarkers == ["ERBB2 amplification"] }
        #expect(!erbb2.isEmpty, "\(brca.map { $0.realWorld?.cohort.description ?? $0.realWorldUnavailable ?? "-" })")
        #expect(erbb2.allSatisfy { $0.cohort.patients == 30 })
        // EML4::ALK, LUAD: L01-L12 (L13's germline call is not imported).
        let luad = try await Self.recommend("LUAD", fusions: [GeneFusion(fivePrime: "EML4", threePrime: "ALK")], warehouse: store)
        let alk = luad.compactMap(\.realWorld).filter { $0.cohort.biomarkers.contains { $0.contains("fusion") } }
        #expect(!alk.isEmpty, "\(luad.map { $0.realWorld?.cohort.description ?? $0.realWorldUnavailable ?? "-" })")
        #expect(alk.allSatisfy { $0.cohort.patients == 12 && ["EML4::ALK fusion", "ALK fusion"].contains($0.cohort.biomarkers.first!) },
                "\(alk.map(\.cohort.biomarkers))")
        try await store.close()
    }

    /// CIViC's `FGFR2 fusions` names the 5′ partner of FGFR2::BICC1: the cohort asks for fusions starting
    /// with FGFR2, not for any fusion of the 3′ gene BICC1.
    @Test func aGeneLevelRuleOnTheFivePrimePartnerAsksForThatPartner() async throws {
        let store = try await Self.warehouse()
        let chol = try await Self.recommend("CHOL", fusions: [GeneFusion(fivePrime: "FGFR2", threePrime: "BICC1")], warehouse: store)
        let cohorts = chol.compactMap(\.realWorld).map(\.cohort)
        #expect(cohorts.contains { $0.biomarkers == ["FGFR2 fusion (5′ partner)"] },
                "\(chol.map { $0.realWorld?.cohort.description ?? $0.realWorldUnavailable ?? "-" })")
        #expect(!cohorts.contains { $0.biomarkers.contains("BICC1 fusion") })
        try await store.close()
    }
}
