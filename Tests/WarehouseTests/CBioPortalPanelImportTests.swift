import Foundation
import Logging
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport

/// Issue #21 point 7, left-overs: gene panels (`data_gene_panel_matrix.txt`, panel files) give each sample's
/// TMB denominator and are stored per sample; fusions keep their reading frame. Fixture: the synthetic
/// study Tests/Fixtures/warehouse/cna_sv_study (its make_fixture.py states the panel, MAF and frame design).
@Suite("cBioPortal gene panels and fusion frames", .serialized)
struct CBioPortalPanelImportTests {
    typealias A = CBioPortalAlterationImportTests

    static func sampleKey(_ patient: String) -> String {
        Fixture.pseudonymizer.sampleKey(study: A.studyID, sample: "SYN-\(patient)-T1").rawValue
    }

    static func patients(_ store: Warehouse, _ c: CohortCriteria) async throws -> Set<String> {
        let ids = try await store.selectCohort(c, logger: TestStore.logger)
        guard !ids.isEmpty else { return [] }
        return Set(try await store.personKeys(cohort: CohortCriteria(personIDs: ids), logger: TestStore.logger).keys)
    }

    @Test("each sample's panel is stored and its TMB is computed over the panel's coding Mb", arguments: StoreKind.allCases)
    func panelTMB(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        defer { Task { try? await t.finish() } }
        let (_, notes) = try await A.importStudy(t.store)
        #expect(notes.last == "gene panels (data_gene_panel_matrix.txt): 9 samples named; TMB over the panel's coding_megabases for 7; "
                + "1 whole exome/genome; 1 NA (not profiled); samples not computed over a panel keep TMB_NONSYNONYMOUS as given")
        let panels = try await t.store.specimenPanels(logger: TestStore.logger)
        let byKey = Dictionary(uniqueKeysWithValues: panels.map { ($0.sampleKey, $0) })
        #expect(panels.count == 8)   // B32-B39; L18 is NA (not profiled), the others are not in the matrix
        // B32: TP53 + KRAS missense on PANEL_A (0.8 Mb) = 2.5/Mb; B33 a silent change, B34-B36 none: 0.
        #expect(byKey[Self.sampleKey("B32")] == SpecimenPanelInfo(sampleKey: Self.sampleKey("B32"), panelID: "PANEL_A",
                                                                  codingMegabases: 0.8, genes: 5, tmb: 2.5))
        for p in ["B33", "B34", "B35", "B36"] { #expect(byKey[Self.sampleKey(p)]?.tmb == 0, "\(p)") }
        // B37: TP53 nonsense counts, KRAS is not on PANEL_B: 1 / 1.25; B38 a frameshift: 1 / 1.25.
        for p in ["B37", "B38"] {
            let info = byKey[Self.sampleKey(p)]
            #expect(info?.panelID == "PANEL_B" && info?.codingMegabases == 1.25 && info?.genes == 2 && info?.tmb == 0.8, "\(p)")
        }
        // B39: whole exome, no stated size: the clinical TMB_NONSYNONYMOUS stays.
        #expect(byKey[Self.sampleKey("B39")] == SpecimenPanelInfo(sampleKey: Self.sampleKey("B39"), panelID: "WES",
                                                                  codingMegabases: nil, genes: nil, tmb: 3.3))
        // TMB cohort filters read the panel TMB (B33-B38's clinical 99 is replaced); L19 is not in the matrix (1.5 kept).
        let key = { (p: String) in Fixture.pseudonymizer.patientKey(study: A.studyID, patient: p).rawValue }
        #expect(try await Self.patients(t.store, CohortCriteria(tmb: NumericRange(min: 2))) == Set(["B32", "B39"].map(key)))
        #expect(try await Self.patients(t.store, CohortCriteria(tmb: NumericRange(min: 0.5, max: 1))) == Set(["B37", "B38"].map(key)))
        #expect(try await Self.patients(t.store, CohortCriteria(tmb: NumericRange(min: 1, max: 2))) == Set(["L19"].map(key)))
        #expect(try await Self.patients(t.store, CohortCriteria(tmb: NumericRange(min: 50))).isEmpty)
        // Similarity profiles carry the same TMB.
        let profiles = try await t.store.profiles(cohort: .all, options: ProfileOptions(), logger: TestStore.logger)
        func tmb(_ p: String) -> Double? { profiles.keys.firstIndex(of: key(p)).flatMap { profiles.tmb[$0] } }
        #expect(tmb("B32") == 2.5 && tmb("B37") == 0.8 && tmb("B33") == 0 && tmb("B39") == 3.3 && tmb("L19") == 1.5 && tmb("B01") == nil)
        try await t.finish()
    }

    @Test("fusions keep their reading frame; unknown stays unknown", arguments: StoreKind.allCases)
    func fusionFrame(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        defer { Task { try? await t.finish() } }
        let (_, notes) = try await A.importStudy(t.store)
        #expect(notes.contains { $0.hasPrefix("fusions (data_sv.txt): 14 from 18 rows (site 1 = 5', site 2 = 3'); 12 in frame, 1 frameshift, 1 frame unknown") })
        func fusion(_ gene: String, _ frame: FusionFrame?) async throws -> Int {
            try await t.store.selectCohort(CohortCriteria(alterations: [AlterationFilter(gene: gene, classes: ["fusion"], fusionFrame: frame)]),
                                           logger: TestStore.logger).count
        }
        let counts = [try await fusion("ALK", .inFrame), try await fusion("ALK", .frameshift), try await fusion("ALK", nil),
                      try await fusion("ROS1", .frameshift), try await fusion("ROS1", .inFrame),
                      try await fusion("RET", nil), try await fusion("RET", .inFrame), try await fusion("RET", .frameshift)]
        // ALK: 12 in frame (L12's from Event_Info); ROS1 frameshift; RET's frame unknown: no frame matches it.
        #expect(counts == [12, 0, 12, 1, 0, 1, 0, 0])
        try await t.finish()
    }

    @Test("FusionFrame reads cBioPortal's wording and nothing else")
    func frameWording() {
        for s in ["In_frame", "in-frame", "IN FRAME", "Protein fusion: in frame (EML4-ALK)"] { #expect(FusionFrame(describing: s) == .inFrame, "\(s)") }
        for s in ["Frameshift", "Out-of-frame", "Protein fusion: out of frame (A-B)", "frame_shift"] {
            #expect(FusionFrame(describing: s) == .frameshift, "\(s)")
        }
        for s in ["Fusion", "", "unknown", "intergenic"] { #expect(FusionFrame(describing: s) == nil, "\(s)") }
    }

    /// A malformed matrix or panel file fails the import with file, line, field and value; nothing is written.
    @Test("a malformed matrix or panel file names file, line, field and value; nothing is written", arguments: StoreKind.allCases)
    func malformed(kind: StoreKind) async throws {
        let cases: [(file: String, edit: @Sendable (String) -> String, line: Int, field: String, problem: String)] = [
            ("data_gene_panel_matrix.txt", { $0.replacingOccurrences(of: "SYN-B34-T1", with: "SYN-X99-T1") }, 4, "SAMPLE_ID",
             "names a sample that is not in the clinical sample file"),
            ("data_gene_panel_matrix.txt", { $0.replacingOccurrences(of: "SYN-B35-T1\tPANEL_A", with: "SYN-B35-T1\tPANEL_Z") }, 5, "mutations",
             "value 'PANEL_Z' is not a gene panel of the study (no data_gene_panel_*.txt or gene_panels/*.txt defines it)"),
            ("data_gene_panel_matrix.txt", { $0.replacingOccurrences(of: "\tgistic\n", with: "\tcopy_number\n") }, 1, "column 3",
             "value 'copy_number' is not the stable_id of a genetic profile of the study (meta_*.txt), or repeats one"),
            ("data_gene_panel_matrix.txt", { $0.replacingOccurrences(of: "SYN-B36-T1\tPANEL_A\tPANEL_A", with: "SYN-B36-T1\tPANEL_A") }, 6, "",
             "2 fields, the header has 3"),
            ("data_gene_panel_matrix.txt", { $0 + "SYN-B32-T1\tPANEL_B\tNA\n" }, 11, "SAMPLE_ID", "repeats an earlier sample"),
            ("data_gene_panel_a.txt", { $0.replacingOccurrences(of: "coding_megabases: 0.8", with: "coding_megabases: 0,8") }, 3,
             "coding_megabases", "value '0,8' is not a number"),
        ]
        for c in cases {
            guard let t = try await TestStore.make(kind) else { return }
            let dir = try A.broken(c.file, c.edit)
            do {
                _ = try await A.importStudy(t.store, dir: dir)
                Issue.record("the import should have failed: \(c.problem)")
            } catch let e as ImportError {
                #expect(e.file == c.file && e.line == c.line && (e.field ?? "") == c.field, "\(e)")
                #expect(e.problem.hasPrefix(c.problem), "\(e)")
                #expect(!e.description.contains("SYN-"))   // no sample id in the message
            }
            let stats = try await t.store.stats(logger: TestStore.logger)
            #expect(stats.patients == 0 && stats.mutations == 0 && stats.datasets.isEmpty)
            #expect(try await t.store.specimenPanels(logger: TestStore.logger).isEmpty)
            try await t.finish()
        }
    }
}
