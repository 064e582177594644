import Foundation
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport

@Suite("cBioPortal import of a real TCGA subset", .serialized)
struct CBioPortalImportTests {
    @Test("stats give the source files' counts; re-import changes nothing", arguments: StoreKind.allCases)
    func importAndStats(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        defer { Task { try? await t.finish() } }
        let src = try Fixture.sourceCounts()
        let first = try await Fixture.importStudy(t.store)
        #expect(first.action == .imported)
        let stats = try await t.store.stats(logger: TestStore.logger)
        #expect(stats.patients == src.patients)
        #expect(stats.samples == src.samples)
        #expect(stats.mutations == src.mutations)
        #expect(stats.treatmentRows == src.treatments)
        #expect(stats.datasets.map(\.name) == ["tcga_pancan_open"])
        let meta1 = try await t.store.metadata(logger: TestStore.logger)
        #expect(meta1.warehouseVersion == 1)
        #expect(meta1.synthetic == false)
        #expect(meta1.schemaVersion == WarehouseSchema.version)

        let second = try await Fixture.importStudy(t.store)
        #expect(second.action == .unchanged)
        #expect(second.rowsWritten == 0)
        #expect(try await t.store.stats(logger: TestStore.logger) == stats)
        #expect(try await t.store.metadata(logger: TestStore.logger) == meta1)
        try await t.finish()
    }

    @Test("KM median OS of LUAD equals R survfit on the source file (1357 days)", arguments: StoreKind.allCases)
    func kmMedianMatchesR(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        try await Fixture.importStudy(t.store)
        let groups = try await t.store.outcomes(.overallSurvival(from: .diagnosis), cohort: CohortCriteria(tumourTypes: ["LUAD"]),
                                                groupBy: .none, logger: TestStore.logger)
        let os = try #require(groups.first).data
        // R: see Tests/Fixtures/warehouse/README.md — n 108, events 35, median 1357.
        #expect(os.count == 108)
        #expect(os.events.filter { $0 }.count == 35)
        #expect(kaplanMeierMedian(days: os.days, events: os.events) == 1357)
        // The aggregated form says the same.
        let counts = try await t.store.outcomeCounts(.overallSurvival(from: .diagnosis), cohort: CohortCriteria(tumourTypes: ["LUAD"]),
                                                     groupBy: .none, logger: TestStore.logger)
        #expect(counts.first?.total == 108)
        #expect(counts.first?.events.reduce(0, +) == 35)
        try await t.finish()
    }

    @Test("no source identifier reaches the warehouse file")
    func pseudonymised() async throws {
        let dir = try makeTemporaryDirectory("onco-wh")
        let path = dir.appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: path)
        try await Fixture.importStudy(store)
        try await store.close()
        var bytes = Data()
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            bytes += try Data(contentsOf: dir.appendingPathComponent(f))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.range(of: #"TCGA-[0-9A-Z]{2}-[0-9A-Z]{4}"#, options: .regularExpression) == nil)
        #expect(!text.contains(Fixture.key))
        // Pseudonyms are there instead.
        let profiles = try await Warehouse.openSQLite(path: path).profiles(cohort: .all, options: ProfileOptions(), logger: TestStore.logger)
        #expect(profiles.keys.allSatisfy { $0.hasPrefix("P") && $0.count == 32 })
    }

    @Test("lines of therapy follow the documented rule (same-start non-ancillary agents)")
    func linesOfTherapy() async throws {
        let store = try await Warehouse.openSQLite(path: nil)
        try await Fixture.importStudy(store)
        // Independent count from the timeline file: distinct (patient, start) among non-ancillary rows.
        let text = try String(contentsOf: Fixture.study.appendingPathComponent("data_timeline_treatment.txt"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let lineKeys = Set(rows.filter { $0[5] != "Ancillary" }.map { "\($0[0])|\($0[1])" })
        let lines = try await store.treatmentLines(cohort: .all, logger: TestStore.logger)
        #expect(lines.count == lineKeys.count)
        #expect(try await store.stats(logger: TestStore.logger).linesOfTherapy == lineKeys.count)
        // Generic lower-case names only.
        let drugs = Set(lines.flatMap(\.drugs))
        #expect(drugs.allSatisfy { $0 == $0.lowercased() })
        #expect(!drugs.contains("5-fluorouracil"))
        // Line numbers per patient are 1...n.
        for (_, ls) in Dictionary(grouping: lines, by: \.personID) { #expect(ls.map(\.line) == Array(1...ls.count)) }
    }

    @Test("the two stores answer every query identically")
    func storesAgree() async throws {
        guard let pg = try await TestStore.make(.postgres) else { return }
        let lite = try #require(try await TestStore.make(.sqlite))
        try await Fixture.importStudy(pg.store)
        try await Fixture.importStudy(lite.store)
        let log = TestStore.logger
        #expect(try await pg.store.stats(logger: log).patientsByTumourType == lite.store.stats(logger: log).patientsByTumourType)
        let endpoints: [OutcomeEndpoint] = [.overallSurvival(from: .diagnosis), .overallSurvival(from: .lineStart(1)),
                                            .progressionFreeSurvival(from: .diagnosis), .progressionFreeSurvival(from: .lineStart(1)),
                                            .timeToNextTreatment(line: 1)]
        for e in endpoints {
            for g in [OutcomeGrouping.none, .tumourType, .attribute("TCGA_PROJECT")] {
                let a = try await pg.store.outcomes(e, cohort: .all, groupBy: g, logger: log)
                let b = try await lite.store.outcomes(e, cohort: .all, groupBy: g, logger: log)
                #expect(a == b, "\(e) \(g)")
                #expect(!a.isEmpty)
                #expect(try await pg.store.outcomeCounts(e, cohort: .all, groupBy: g, logger: log)
                        == lite.store.outcomeCounts(e, cohort: .all, groupBy: g, logger: log))
            }
        }
        let cohorts = [CohortCriteria.all, CohortCriteria(tumourTypes: ["LUAD"], alteredGenes: ["TP53"]),
                       CohortCriteria(attributes: [.range("TMB_NONSYNONYMOUS", min: 5, max: nil)]),
                       CohortCriteria(drugs: ["carboplatin"]), CohortCriteria(variants: [GeneVariant(gene: "KRAS", hgvsp: "p.Gly12Cys")])]
        for c in cohorts {
            let a = try await pg.store.profiles(cohort: c, options: ProfileOptions(), logger: log)
            let b = try await lite.store.profiles(cohort: c, options: ProfileOptions(), logger: log)
            #expect(a == b)
            #expect(try await pg.store.treatmentLines(cohort: c, logger: log) == lite.store.treatmentLines(cohort: c, logger: log))
            #expect(try await pg.store.selectCohort(c, logger: log) == lite.store.selectCohort(c, logger: log))
        }
        #expect(try await pg.store.attributeValues("TMB_NONSYNONYMOUS", cohort: .all, logger: log)
                == lite.store.attributeValues("TMB_NONSYNONYMOUS", cohort: .all, logger: log))
        try await pg.finish()
        try await lite.finish()
    }
}

@Suite("cBioPortal web clinical TSV")
struct ClinicalTSVTests {
    /// A download in the shape cBioPortal's "Download clinical data" gives (display names as headers,
    /// one row per sample); values made up.
    static let tsv = """
        Study ID\tPatient ID\tSample ID\tDiagnosis Age\tSex\tOncotree Code\tOverall Survival (Months)\tOverall Survival Status\tTMB (nonsynonymous)
        demo_study\tPT-1\tPT-1-T1\t61\tFemale\tLUAD\t12.0\t1:DECEASED\t5.5
        demo_study\tPT-1\tPT-1-T2\t61\tFemale\tLUAD\t12.0\t1:DECEASED\t7.25
        demo_study\tPT-2\tPT-2-T1\t70\tMale\tSKCM\t30.5\t0:LIVING\t20
        demo_study\tPT-3\tPT-3-T1\tNA\tMale\tSKCM\tNA\tNA\tNA

        """

    @Test("patients, samples, OS and attributes from the web TSV")
    func webTSV() async throws {
        let dir = try makeTemporaryDirectory("onco-tsv")
        let f = dir.appendingPathComponent("demo_study_clinical_data.tsv")
        try Self.tsv.write(to: f, atomically: true, encoding: .utf8)
        let store = try await Warehouse.openSQLite(path: nil)
        let (d, src) = try CBioPortalImporter(pseudonymizer: Fixture.pseudonymizer).prepare(clinicalTSV: f.path)
        #expect(d.name == "demo_study")
        let out = try await store.importDataset(d, from: src, progress: nil, logger: TestStore.logger)
        #expect(out.dataset.patients == 3 && out.dataset.samples == 4)
        let os = try await store.outcomes(.overallSurvival(from: .diagnosis), cohort: .all, groupBy: .tumourType, logger: TestStore.logger)
        // 12.0 months = 365.25 → 365 days; 30.5 months = 928.34 → 928 days; PT-3 has no OS.
        #expect(os.map(\.label) == ["LUAD", "SKCM"])
        #expect(os[0].data.days == [365] && os[0].data.events == [true])
        #expect(os[1].data.days == [928] && os[1].data.events == [false])
        let tmb = try await store.attributeValues("TMB_NONSYNONYMOUS", cohort: .all, logger: TestStore.logger)
        #expect(tmb.map(\.number) == [5.5, 20])   // first sample of each patient
        let p = try await store.profiles(cohort: .all, options: ProfileOptions(), logger: TestStore.logger)
        #expect(p.tmb == [7.25, 20, nil])   // profile TMB: the highest over the patient's samples
        #expect(p.ages == [61, 70, nil])
    }
}
