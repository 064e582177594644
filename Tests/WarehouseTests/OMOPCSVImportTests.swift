import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport

@Suite("OMOP CDM CSV import", .serialized)
struct OMOPCSVImportTests {
    static let dir = RepoPaths.fixture("warehouse/omop_csv")

    static func importExport(_ store: Warehouse, dir: URL = dir) async throws -> ImportOutcome {
        let (d, src) = try OMOPCSVImporter(pseudonymizer: Fixture.pseudonymizer).prepare(directory: dir.path, name: "omop-demo")
        return try await store.importDataset(d, from: src, progress: nil, logger: TestStore.logger)
    }

    @Test("hand-computed outcomes, lines and profiles", arguments: StoreKind.allCases)
    func handComputed(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        let log = TestStore.logger
        #expect(try await Self.importExport(t.store).action == .imported)
        #expect(try await Self.importExport(t.store).action == .unchanged)
        let s = try await t.store.stats(logger: log)
        #expect((s.patients, s.samples, s.mutations, s.treatmentRows, s.linesOfTherapy, s.deaths) == (3, 1, 1, 6, 4, 1))
        #expect(s.patientsByTumourType.map(\.tumourType) == ["LUAD", "SKCM"])
        let os = try #require(try await t.store.outcomes(.overallSurvival(from: .diagnosis), cohort: .all, groupBy: .none, logger: log).first).data
        #expect(os.days == [731, 182, 731])
        #expect(os.events == [false, true, false])
        let ttnt = try #require(try await t.store.outcomes(.timeToNextTreatment(line: 1), cohort: CohortCriteria(tumourTypes: ["LUAD"]), groupBy: .none, logger: log).first).data
        // Person 1: next line at 165 days; person 2: death 160 days after line start (2016-02-01 → 2016-07-10).
        #expect(ttnt.days == [165, 160])
        #expect(ttnt.events == [true, true])
        let lines = try await t.store.treatmentLines(cohort: .all, logger: log)
        #expect(lines.map(\.regimen) == ["carboplatin+pemetrexed", "osimertinib", "pembrolizumab", "dabrafenib+trametinib"])
        #expect(lines[0].timeToNextTreatment == TimeToEvent(days: 165, event: true))
        #expect(lines[0].progressionFreeSurvival == TimeToEvent(days: 148, event: true))
        #expect(lines[0].overallSurvival == TimeToEvent(days: 712, event: false))
        #expect(lines[0].startDay == 19)
        let p = try await t.store.profiles(cohort: CohortCriteria(variants: [GeneVariant(gene: "EGFR", hgvsp: "p.L858R")]), options: ProfileOptions(), logger: log)
        #expect(p.count == 1)
        #expect(p[0].age == 65 && p[0].stage == "IV" && p[0].tmb == 12.5 && p[0].sex == .female && p[0].lineCount == 2)
        #expect(p[0].alterations == [ProfileAlteration(gene: "EGFR", consequenceClass: "missense", hgvsp: "p.L858R")])
        try await t.finish()
    }

    /// Codon cohorts (`BRAF V600`, any change) on hand-made variants: `p.V600E` and `p.V600K` belong, a
    /// residue number that merely starts with 600 (`p.V6001A`) and an amplification row do not; the
    /// tumour-type condition holds. SQLite selects these by the prefix's byte range, PostgreSQL by `LIKE`.
    @Test("codon cohorts stop at the residue number", arguments: StoreKind.allCases)
    func codonBoundary(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        let log = TestStore.logger
        let dir = try makeTemporaryDirectory("onco-omop-codon")
        for f in try FileManager.default.contentsOfDirectory(atPath: Self.dir.path) {
            try FileManager.default.copyItem(at: Self.dir.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let specimens = dir.appendingPathComponent("specimen.csv")
        try (try String(contentsOf: specimens, encoding: .utf8) + """
            2,2,0,0,2016-01-10,SAMPLE-B,Primary Solid Tumor,LUAD
            3,3,0,0,2018-05-05,SAMPLE-C,Primary Solid Tumor,SKCM

            """).write(to: specimens, atomically: true, encoding: .utf8)
        let variants = dir.appendingPathComponent("onco_somatic_variant.csv")
        try (try String(contentsOf: variants, encoding: .utf8) + """
            2,1,1,GRCh37,7,140453136,A,T,BRAF,p.V6001A,missense_variant,missense,,0.2,100,PASS
            3,2,2,GRCh37,7,140453136,A,T,BRAF,p.V600E,missense_variant,missense,,0.3,100,PASS
            4,3,3,GRCh37,7,140453136,CA,TT,BRAF,p.Val600Lys,missense_variant,missense,,0.4,100,PASS
            5,1,1,GRCh37,7,140453136,N,N,BRAF,p.V600_amp_label,,,amplification,,,PASS

            """).write(to: variants, atomically: true, encoding: .utf8)
        _ = try await Self.importExport(t.store, dir: dir)
        let luad = try await t.store.selectCohort(CohortCriteria(tumourTypes: ["LUAD"]), logger: log)
        let skcm = try await t.store.selectCohort(CohortCriteria(tumourTypes: ["SKCM"]), logger: log)
        #expect(luad.count == 2 && skcm.count == 1)
        let v600E = try await t.store.selectCohort(CohortCriteria(variants: [GeneVariant(gene: "BRAF", hgvsp: "p.V600E")]), logger: log)
        #expect(v600E.count == 1)
        // Patients 2 (LUAD, V600E) and 3 (SKCM, V600K) have lines of therapy; patient 1 (V6001A) must not appear.
        let both = try await t.store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["LUAD", "SKCM"]),
                                                                   biomarkers: [.codon(gene: "BRAF", residue: "V600")]), logger: log)
        #expect(both.cohortSize == 2)
        #expect(Set(both.personIDs) == Set([v600E[0]] + skcm))
        let skcmOnly = try await t.store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"]),
                                                                       biomarkers: [.codon(gene: "BRAF", residue: "V600")]), logger: log)
        #expect(skcmOnly.cohortSize == 1 && Set(skcmOnly.personIDs) == Set(skcm))
        // "V60" is not a prefix of residue 600; "V6001" is a codon of its own (patient 1, LUAD).
        for (residue, expected) in [("V60", 0), ("V6001", 1), ("V601", 0)] {
            let table = try await t.store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["LUAD", "SKCM"]),
                                                                        biomarkers: [.codon(gene: "BRAF", residue: residue)]), logger: log)
            #expect(table.cohortSize == expected, "BRAF \(residue)")
        }
        try await t.finish()
    }

    @Test("a bad date fails with file, line and field; nothing written", arguments: StoreKind.allCases)
    func badDate(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        let dir = try makeTemporaryDirectory("onco-omop")
        for f in try FileManager.default.contentsOfDirectory(atPath: Self.dir.path) {
            try FileManager.default.copyItem(at: Self.dir.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let f = dir.appendingPathComponent("drug_exposure.csv")
        try (try String(contentsOf: f, encoding: .utf8)).replacingOccurrences(of: "2016-02-01", with: "2016-02-31x").write(to: f, atomically: true, encoding: .utf8)
        do {
            _ = try await Self.importExport(t.store, dir: dir)
            Issue.record("imported a bad date")
        } catch {
            #expect("\(error)" == "drug_exposure.csv:5: field drug_exposure_start_date: is not a date (YYYY-MM-DD)")
        }
        #expect(try await t.store.stats(logger: TestStore.logger).patients == 0)
        #expect(try await t.store.metadata(logger: TestStore.logger).warehouseVersion == 0)
        try await t.finish()
    }
}
