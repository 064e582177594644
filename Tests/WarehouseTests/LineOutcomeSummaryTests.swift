import Foundation
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport

/// Migration `0008_line_outcome_summary`: `lineOutcomes` reads `onco_line_outcome`, which must give exactly
/// what the derivation from the OMOP tables (episodes → episode events → drug exposures, diagnosis,
/// observation, death, stage, birth year) gives, on both backends, after an import, a re-import, a second
/// dataset, and the migration's backfill of an older warehouse.
@Suite("line-outcome summary", .serialized)
struct LineOutcomeSummaryTests {
    static let params = RepoPaths.cohorts("synthetic-oncology.json").path
    static let log = TestStore.logger

    static func synth(_ n: Int, seed: UInt64, into store: Warehouse) async throws {
        let g = try SyntheticCohortGenerator(parametersPath: params, patients: n, seed: seed)
        _ = try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: 2), progress: nil, logger: log)
    }

    static func engine(_ store: Warehouse) -> WarehouseEngineHandle { WarehouseEngineHandle(engine: store) }

    /// Cohorts of every targeted form: protein change, codon, consequence class, gene-level alteration,
    /// tumour types only, MSI, explicit ids, everyone.
    static func queries(ids: [Int64]) -> [LineOutcomeQuery] {
        [LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM", "MEL"], variants: [GeneVariant(gene: "BRAF", hgvsp: "p.Val600Glu")])),
         LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"]), biomarkers: [.codon(gene: "BRAF", residue: "V600")]),
         LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["LUAD", "LUSC"]), biomarkers: [.consequenceClass(gene: "EGFR", classes: ["missense", "inframe"])]),
         LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["LUAD"]), biomarkers: [.alteration(gene: "ALK", kind: "fusion", partner: nil)]),
         LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["COADREAD", "COAD", "READ"])),
         LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["COADREAD"]), biomarkers: [.microsatelliteInstabilityHigh]),
         LineOutcomeQuery(cohort: CohortCriteria(personIDs: ids)),
         LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["LUAD"], alteredGenes: ["EGFR"]), biomarkers: [.tmbAtLeast(2)]),
         LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["LUAD"], variants: [GeneVariant(gene: "EGFR", hgvsp: "p.L858R")]),
                          performanceStatusAttributes: ["KARNOFSKY", "ECOG"]),
         LineOutcomeQuery(cohort: .all)]
    }

    /// Every query: the summary read equals the derivation (and, if `nonEmpty`, its cohort has patients:
    /// the synthetic warehouse has every cohort; the TCGA subset has only some); returns the lines read.
    @discardableResult
    static func expectSummaryMatches(_ store: Warehouse, _ label: String, nonEmpty: Bool = true) async throws -> Int {
        let all = try await store.selectCohort(.all, logger: log)
        let ids = stride(from: 0, to: all.count, by: 7).map { all[$0] } + [999_999_999]   // and one id that does not exist
        let handle = engine(store)
        var lines = 0
        for q in queries(ids: ids) {
            let read = try await store.lineOutcomes(q, logger: log)
            let derived = try await handle.engine.derivedLineOutcomes(q)
            #expect(read == derived, "\(label): summary and derivation differ for \(q.cohort) \(q.biomarkers)")
            #expect(!nonEmpty || read.cohortSize > 0, "\(label): empty cohort \(q.cohort) \(q.biomarkers): the comparison tests nothing")
            lines += read.count
        }
        // The batched form over the summary, too.
        let qs = queries(ids: ids)
        let batched = try await store.lineOutcomes(qs, logger: log)
        for (q, t) in zip(qs, batched) { #expect(t == (try await handle.engine.derivedLineOutcomes(q)), "\(label): batched \(q.biomarkers)") }
        return lines
    }

    @Test("summary = derivation after imports, a replacement and the backfill", arguments: StoreKind.allCases)
    func summaryMatchesDerivation(kind: StoreKind) async throws {
        guard let ts = try await TestStore.make(kind) else { return }
        let store = ts.store
        try await Self.synth(1500, seed: 21, into: store)
        let everyone = try await store.lineOutcomes(LineOutcomeQuery(cohort: .all), logger: Self.log)
        #expect(everyone.cohortSize == 1500)
        #expect(everyone.count > 1500)                                      // most patients have 1-3 lines
        #expect(everyone.drugs.count > everyone.count)                      // combinations are packed and unpacked
        #expect(Set(everyone.lineNumbers).isSuperset(of: [1, 2, 3]))
        #expect(everyone.osEvents.contains(true) && everyone.osEvents.contains(false))
        #expect(everyone.ages.contains { $0 != nil } && everyone.stages.contains { $0 != nil })
        // The time-zero columns (issue #22): every synthetic patient has a sex, a tumour type, a TMB and a
        // diagnosis in 2010-2020 (lines start within follow-up); the generator records no performance status
        // here; a cohort without a molecular condition needs no known day.
        #expect(Set(everyone.sexes) == ["F", "M"])
        #expect(everyone.tumourTypes.allSatisfy { $0 != nil && $0 == $0?.uppercased() })
        #expect(everyone.tmb.allSatisfy { $0 != nil })
        #expect(everyone.startYears.allSatisfy { ($0 ?? 0) >= 2010 && ($0 ?? 0) <= 2021 + 30 })
        #expect(everyone.performanceStatus.allSatisfy { $0 == nil } && everyone.unreadablePerformanceStatus.isEmpty)
        #expect(everyone.biomarkerKnownBy.allSatisfy { $0 == "not-required" } && everyone.biomarkerKnownDays.allSatisfy { $0 == nil })
        // Synthetic specimens without traps are collected and sequenced at diagnosis: known on day 0.
        let braf = try await store.lineOutcomes(Self.queries(ids: [])[0], logger: Self.log)
        #expect(braf.count > 0 && braf.biomarkerKnownDays.allSatisfy { $0 == 0 } && braf.biomarkerKnownBy.allSatisfy { $0 == "sequenced" })
        let rows = try await Self.engine(store).engine.lineSummaryRowCount()
        #expect(rows == everyone.count)
        let lines = try await Self.expectSummaryMatches(store, "\(kind) one dataset")
        #expect(lines > everyone.count)                                     // the cohorts other than everyone have lines

        // A second dataset: its patients' rows are added, the first dataset's stay.
        try await Self.synth(700, seed: 22, into: store)
        try await Self.expectSummaryMatches(store, "\(kind) two datasets")
        let rows2 = try await Self.engine(store).engine.lineSummaryRowCount()
        let everyone2 = try await store.lineOutcomes(LineOutcomeQuery(cohort: .all), logger: Self.log)
        #expect(everyone2.cohortSize == 2200 && rows2 == everyone2.count)

        // The migration's backfill: an older warehouse (no summary table, migration not recorded) is
        // brought up to date on open/migrate and gives the same answers.
        let handle = Self.engine(store)
        try await handle.engine.sql.withTransaction { s in
            try await s.execute("DROP TABLE onco_line_outcome")
            try await s.execute("DELETE FROM onco_migration WHERE name IN ('0008_line_outcome_summary', '0012_line_outcome_time_zero')")
        }
        try await store.migrate(logger: Self.log)
        #expect(try await handle.engine.lineSummaryRowCount() == rows2)
        #expect(try await store.lineOutcomes(LineOutcomeQuery(cohort: .all), logger: Self.log) == everyone2)
        try await Self.expectSummaryMatches(store, "\(kind) after backfill")
        #expect(try await store.metadata(logger: Self.log).migrations.contains("0008_line_outcome_summary"))

        // Migration 0012 on a warehouse that has the 0008 summary without the time-zero columns: the
        // columns are added and every row rebuilt.
        try await handle.engine.sql.withTransaction { s in
            try await s.execute("DROP TABLE onco_line_outcome")
            try await s.execute("DELETE FROM onco_migration WHERE name IN ('0008_line_outcome_summary', '0012_line_outcome_time_zero')")
            for st in WarehouseSchema.statements(WarehouseSchema.migrations.first { $0.name == "0008_line_outcome_summary" }!, dialect: s.dialect) {
                try await s.execute(SQLFragment(st))
            }
            try await s.execute("INSERT INTO onco_migration (name, applied_at) VALUES ('0008_line_outcome_summary', 'test')")
        }
        try await store.migrate(logger: Self.log)
        #expect(try await store.lineOutcomes(LineOutcomeQuery(cohort: .all), logger: Self.log) == everyone2)
        try await Self.expectSummaryMatches(store, "\(kind) after migration 0012")
        try await ts.finish()
    }

    /// The trap cohorts record ECOG (confounding) and late sequencing (immortal time): the same tables on
    /// both backends, equal to the derivation; performance status read (and Karnofsky converted); trap
    /// specimens known after line 1 started, all others on the day of diagnosis.
    @Test("time-zero columns: SQLite = PostgreSQL = derivation; ECOG, Karnofsky and late sequencing read")
    func timeZeroAcrossBackends() async throws {
        guard let lite = try await TestStore.make(.sqlite), let pg = try await TestStore.make(.postgres) else { return }
        var tables: [[LineOutcomeTable]] = []
        for (kind, ts) in [(StoreKind.sqlite, lite), (.postgres, pg)] {
            for (name, seed) in [("rwe-trap-confounding", UInt64(31)), ("rwe-trap-immortal-time", 32)] {
                let g = try SyntheticCohortGenerator(parametersPath: RepoPaths.cohorts("\(name).json").path, patients: 1200, seed: seed)
                _ = try await ts.store.importDataset(g.descriptor, from: g.makeSource(parallelism: 2), progress: nil, logger: Self.log)
            }
            // A Karnofsky score for some patients (converted), and an unreadable one, as clinical attributes.
            let h = Self.engine(ts.store)
            try await h.engine.sql.withTransaction { s in
                try await s.execute("""
                    INSERT INTO onco_clinical_attribute (person_id, specimen_id, attribute, value_as_string, value_as_number)
                    SELECT person_id, NULL, 'KARNOFSKY', '70', 70 FROM person WHERE person_id % 5 = 0
                    """)
                try await s.execute("""
                    INSERT INTO onco_clinical_attribute (person_id, specimen_id, attribute, value_as_string, value_as_number)
                    SELECT person_id, NULL, 'KARNOFSKY', 'bedridden', NULL FROM person WHERE person_id % 5 = 1
                    """)
            }
            let all = try await ts.store.selectCohort(.all, logger: Self.log)
            var read = try await ts.store.lineOutcomes(Self.queries(ids: all), logger: Self.log)
            for (i, q) in Self.queries(ids: all).enumerated() {
                let single = try await ts.store.lineOutcomes(q, logger: Self.log)
                #expect(single == read[i], "\(kind): batched and single reads differ for \(q.cohort)")
                #expect(single == (try await h.engine.derivedLineOutcomes(q)), "\(kind): read and derivation differ for \(q.cohort)")
            }
            read.append(try await ts.store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(variants: [GeneVariant(gene: "EGFR", hgvsp: "p.L858R")])), logger: Self.log))
            tables.append(read)
        }
        #expect(tables[0] == tables[1], "SQLite and PostgreSQL differ")
        let egfr = tables[0].last!
        let karnofsky = tables[0][try #require(Self.queries(ids: []).firstIndex { $0.performanceStatusAttributes.first == "KARNOFSKY" })]
        #expect(egfr.count > 300)
        for i in 0..<egfr.count {
            // ECOG from the generator (0-2) for everyone; KARNOFSKY 70 → ECOG 1 when listed first.
            #expect(egfr.performanceStatus[i].map { (0...2).contains($0) } == true)
        }
        for i in 0..<karnofsky.count {
            let p = karnofsky.personIDs[i]
            if p % 5 == 0 { #expect(karnofsky.performanceStatus[i] == 1) }
            if p % 5 == 1 { #expect(karnofsky.performanceStatus[i] == nil && karnofsky.unreadablePerformanceStatus.contains(p)) }
        }
        #expect(!karnofsky.unreadablePerformanceStatus.isEmpty && egfr.unreadablePerformanceStatus.isEmpty)
        // Known days: first lines of erlotinib patients of the immortal-time dataset are partly known only
        // after they started (60-300 days later); every other first line was known at diagnosis (day 0).
        var late = 0
        for i in 0..<egfr.count where egfr.lineNumbers[i] == 1 {
            let known = try #require(egfr.biomarkerKnownDays[i])
            #expect(egfr.biomarkerKnownBy[i] == "sequenced")
            if known > 0 {
                late += 1
                #expect(egfr.drugs(ofLine: i).contains("erlotinib"))
                #expect(known - egfr.startDays[i] >= 60 && known - egfr.startDays[i] <= 300)
            }
        }
        #expect(late > 30, "only \(late) late-sequenced first lines")
        try await lite.finish()
        try await pg.finish()
    }

    @Test("a replaced dataset's summary rows are replaced (real TCGA subset)", arguments: StoreKind.allCases)
    func replacedDataset(kind: StoreKind) async throws {
        guard let ts = try await TestStore.make(kind) else { return }
        let store = ts.store
        let dir = try Fixture.copy()
        try await Fixture.importStudy(store, dir: dir)
        let first = try await Self.expectSummaryMatches(store, "\(kind) TCGA subset", nonEmpty: false)
        #expect(first > 0)
        // Drop the last treatment row: the study's content changes, the dataset is replaced.
        let tl = dir.appendingPathComponent("data_timeline_treatment.txt")
        var text = try String(contentsOf: tl, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while text.last == "" { text.removeLast() }
        text.removeLast()
        try (text.joined(separator: "\n") + "\n").write(to: tl, atomically: true, encoding: .utf8)
        let outcome = try await Fixture.importStudy(store, dir: dir)
        #expect(outcome.action == .replaced)
        try await Self.expectSummaryMatches(store, "\(kind) TCGA subset replaced", nonEmpty: false)
        let everyone = try await store.lineOutcomes(LineOutcomeQuery(cohort: .all), logger: Self.log)
        #expect(try await Self.engine(store).engine.lineSummaryRowCount() == everyone.count)
        try await ts.finish()
    }

    @Test("drug names round-trip through the packed column")
    func packing() {
        let cases: [[String]] = [[], ["dabrafenib"], ["dabrafenib", "trametinib"], ["a\\b", "c\nd", "\\n", "x\\", "braf inhibitor"],
                                 ["tegafur/gimeracil/oteracil", "5-fu, leucovorin"]]
        for names in cases {
            var out: [String] = []
            LineSummaryPacking.unpack(LineSummaryPacking.pack(names), into: &out)
            #expect(out == names)
        }
    }
}

/// A warehouse, for reading the derivation and the raw summary (package API).
struct WarehouseEngineHandle {
    let engine: Warehouse
}
