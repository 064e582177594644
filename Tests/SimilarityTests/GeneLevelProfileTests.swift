import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport
@testable import Similarity

/// Issue #21 point 7: a warehouse patient's amplification or fusion (imported from a cBioPortal study's
/// `data_CNA.txt` / `data_sv.txt`; the synthetic Tests/Fixtures/warehouse/cna_sv_study) enters its
/// similarity profile exactly as the same alteration of a new case does (`ProfileBuilder` from
/// `ClinicalContext.copyNumber` / `.fusions`).
@Suite struct GeneLevelProfileTests {
    static let key = "gene-level-profile-test-key-0123456789"

    @Test func warehouseAndCaseProfilesAgreeOnGeneLevelAlterations() async throws {
        let store = try await Warehouse.openSQLite(path: nil)
        let pseudonymizer = try Pseudonymizer(key: Self.key)
        let importer = CBioPortalImporter(pseudonymizer: pseudonymizer)
        let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: RepoPaths.fixture("warehouse/cna_sv_study").path))
        _ = try await store.importDataset(d, from: source, progress: nil, logger: TestWarehouse.logger)
        let mapping = WarehouseProfileMapping()
        let table = try await store.similarityProfiles(cohort: .all, options: mapping.readOptions, logger: TestWarehouse.logger)
        func stored(_ patient: String) throws -> PatientProfile {
            let k = pseudonymizer.patientKey(study: "onco_synthetic_cna_sv", patient: patient).rawValue
            return mapping.profile(table, try #require(table.keys.firstIndex(of: k)))
        }
        func asCase(_ ctx: ClinicalContext) -> PatientProfile {
            mapping.builder.profile(key: PatientKey("case"), variants: [], clinical: ctx)
        }
        let cases: [(String, ClinicalContext)] = [
            ("B01", ClinicalContext(tumourType: OncoTreeCode("IDC"), copyNumber: [CopyNumberAlteration(gene: "ERBB2", kind: .amplification)])),
            ("B31", ClinicalContext(tumourType: OncoTreeCode("IDC"), copyNumber: [CopyNumberAlteration(gene: "CDKN2A", kind: .deletion)])),
            ("L01", ClinicalContext(tumourType: OncoTreeCode("LUAD"), fusions: [GeneFusion(fivePrime: "EML4", threePrime: "ALK")])),
        ]
        for (patient, ctx) in cases {
            let w = try stored(patient), c = asCase(ctx)
            #expect(w.hotspotGenes == c.hotspotGenes && w.truncatingGenes == c.truncatingGenes && w.otherGenes == c.otherGenes, "\(patient)")
            #expect(w.hotspotAlleles == c.hotspotAlleles && !w.hotspotAlleles.isEmpty, "\(patient): \(w.hotspotAlleles)")
            #expect(w.pathways == c.pathways, "\(patient)")
        }
        #expect(try stored("L01").hotspotAlleles == ["ALK fusion"] && stored("B01").hotspotAlleles == ["ERBB2 amplification"])
        try await store.close()
    }
}
