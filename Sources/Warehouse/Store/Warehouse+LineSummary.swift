import Foundation
import Logging
import OncoCore

/// The per-line summary (`onco_line_outcome`, migration `0008_line_outcome_summary`): derived from the
/// OMOP tables when a dataset is imported (and by the migration for older warehouses), read by
/// `lineOutcomes`.
extension Warehouse {
    /// One line of therapy as derived from the OMOP tables: a row of `onco_line_outcome`.
    struct DerivedLine {
        var personID: Int64
        var lineNumber: Int64
        var episodeID: Int64
        var startDay: Int64
        var osDays: Int64
        var event: Bool
        var age: Int64?
        /// The largest `stage` measurement as stored (rounded and clamped only when read).
        var stage: Double?
        /// Distinct non-empty drug names, in the database's order.
        var drugs: [String]
        /// `person.gender_source_value` as stored (`female`, `male`, `unknown`).
        var sex: String?
        /// The diagnosis's OncoTree code, upper case (see `WarehouseSchema.lineOutcomeTimeZero`).
        var tumourType: String?
        /// Calendar year of the line's start.
        var startYear: Int64?
        /// The first TMB measurement (earliest date, then lowest id).
        var tmb: Double?
        /// The person's specimens, and when the only one (if there is exactly one) was sequenced and
        /// collected, in days from diagnosis (`onco_specimen_timing`).
        var specimens: Int64
        var soleSequencedDay: Int64?
        var soleCollectedDay: Int64?
    }

    static let lineSummaryColumns = ["person_id", "line_number", "episode_id", "start_day", "os_days", "os_event", "age", "stage", "drugs",
                                     "sex", "tumour_type", "start_year", "tmb", "specimens", "sole_sequenced_day", "sole_collected_day"]

    /// Patients per derivation query when the summary is (re)built.
    static let lineSummaryChunk = 20_000

    /// The lines of therapy of the patients of `cohort` (`cohort AS MATERIALIZED (SELECT ... person_id ...)`),
    /// derived from `episode` (line-of-therapy episodes with a number), `episode_event` → `drug_exposure`
    /// (the drugs), the first `condition_occurrence` (diagnosis), the last `observation_period` end,
    /// `death`, `person.year_of_birth` and the `stage` measurements; in person, line, episode order.
    /// Lines without a diagnosis or observation period, or starting after the end of follow-up, are
    /// left out. This is the derivation `lineOutcomes` read directly before migration 0008.
    ///
    /// The lines are driven from `diag` (one row per cohort patient with a diagnosis), not from `cohort`
    /// joined again: PostgreSQL estimates the grouped CTEs at 200 rows and then rescans the materialised
    /// cohort inside a nested loop, 170 s for one 20,000-patient chunk of a 1M warehouse (1.7 s this way).
    static func deriveLines(_ s: any SQLSession, cohort: SQLFragment) async throws -> [DerivedLine] {
        let d = s.dialect
        let line = WarehouseSchema.EpisodeKind.lineOfTherapy
        let head = SQLFragment("WITH ") + cohort
        let linesQ = head + SQLFragment("""
            ,
            diag AS (SELECT c.person_id, MIN(co.condition_start_date) AS d FROM cohort c JOIN condition_occurrence co ON co.person_id = c.person_id GROUP BY c.person_id),
            obs AS (SELECT c.person_id, MAX(op.observation_period_end_date) AS d FROM cohort c JOIN observation_period op ON op.person_id = c.person_id GROUP BY c.person_id),
            st AS (SELECT c.person_id, MAX(m.value_as_number) AS v FROM cohort c JOIN measurement m ON m.person_id = c.person_id AND m.measurement_source_value = ? GROUP BY c.person_id)
            SELECT e.person_id AS c0, e.episode_number AS c1, \(d.daysBetween("diag.d", "e.episode_start_date")) AS c2,
                   CASE WHEN de.death_date IS NOT NULL THEN \(d.daysBetween("e.episode_start_date", "de.death_date")) ELSE \(d.daysBetween("e.episode_start_date", "obs.d")) END AS c3,
                   CASE WHEN de.death_date IS NOT NULL THEN 1 ELSE 0 END AS c4,
                   CASE WHEN p.year_of_birth > 0 THEN \(d.year("diag.d")) - p.year_of_birth END AS c5,
                   st.v AS c6, e.episode_id AS c7, p.gender_source_value AS c8,
                   (SELECT UPPER(co.condition_source_value) FROM condition_occurrence co WHERE co.person_id = diag.person_id
                    ORDER BY co.condition_start_date, co.condition_source_value LIMIT 1) AS c9,
                   \(d.year("e.episode_start_date")) AS c10,
                   (SELECT m.value_as_number FROM measurement m WHERE m.person_id = diag.person_id AND m.measurement_source_value = ?
                    ORDER BY m.measurement_date, m.measurement_id LIMIT 1) AS c11,
                   (SELECT COUNT(*) FROM specimen sp WHERE sp.person_id = diag.person_id) AS c12,
                   (SELECT MIN(\(d.daysBetween("diag.d", "t.sequenced_date"))) FROM onco_specimen_timing t WHERE t.person_id = diag.person_id) AS c13,
                   (SELECT MIN(\(d.daysBetween("diag.d", "t.collected_date"))) FROM onco_specimen_timing t WHERE t.person_id = diag.person_id) AS c14
            FROM diag JOIN episode e ON e.person_id = diag.person_id JOIN person p ON p.person_id = diag.person_id
            JOIN obs ON obs.person_id = diag.person_id
            LEFT JOIN death de ON de.person_id = diag.person_id LEFT JOIN st ON st.person_id = diag.person_id
            WHERE e.episode_source_value = ? AND e.episode_number IS NOT NULL
            ORDER BY c0, c1, c7
            """, [.text(WarehouseSchema.MeasurementKind.stage), .text(WarehouseSchema.MeasurementKind.tmb), .text(line)])
        let drugsQ = head + SQLFragment("""

            SELECT DISTINCT e.episode_id AS c0, x.drug_source_value AS c1
            FROM cohort c JOIN episode e ON e.person_id = c.person_id JOIN episode_event ee ON ee.episode_id = e.episode_id
            JOIN drug_exposure x ON x.drug_exposure_id = ee.event_id
            WHERE e.episode_source_value = ? ORDER BY c0, c1
            """, [.text(line)])
        let lr = try await s.fetch(linesQ, types: [.int, .int, .int, .int, .int, .int, .double, .int, .text, .text, .int, .double, .int, .int, .int])
        let dr = try await s.fetch(drugsQ, types: [.int, .text])
        // episode id → drug rows (drug rows are ordered by episode id)
        let de = dr.ints(0), dn = dr.texts(1)
        var drugRange: [Int64: Range<Int>] = [:]
        drugRange.reserveCapacity(dr.count / 2 + 1)
        var i = 0
        while i < dr.count {
            let e = de[i]!
            var j = i + 1
            while j < dr.count, de[j]! == e { j += 1 }
            drugRange[e] = i..<j
            i = j
        }
        let pid = lr.ints(0), num = lr.ints(1), start = lr.ints(2), os = lr.ints(3), ev = lr.ints(4), age = lr.ints(5)
        let stage = lr.doubles(6), eid = lr.ints(7), sex = lr.texts(8), type = lr.texts(9), year = lr.ints(10), tmb = lr.doubles(11)
        let nSpecimens = lr.ints(12), soleSeq = lr.ints(13), soleColl = lr.ints(14)
        var out: [DerivedLine] = []
        out.reserveCapacity(lr.count)
        for k in 0..<lr.count {
            guard let osd = os[k], osd >= 0, let n = num[k], let s0 = start[k] else { continue }
            var names: [String] = []
            if let r = drugRange[eid[k]!] {
                for x in r { if let name = dn[x], !name.isEmpty { names.append(name) } }
            }
            out.append(DerivedLine(personID: pid[k]!, lineNumber: n, episodeID: eid[k]!, startDay: s0, osDays: osd,
                                   event: ev[k]! != 0, age: age[k], stage: stage[k], drugs: names,
                                   sex: sex[k], tumourType: type[k], startYear: year[k], tmb: tmb[k], specimens: nSpecimens[k] ?? 0,
                                   soleSequencedDay: nSpecimens[k] == 1 ? soleSeq[k] : nil, soleCollectedDay: nSpecimens[k] == 1 ? soleColl[k] : nil))
        }
        return out
    }

    /// Writes the summary rows of one dataset's patients (`dataset`), or of every patient (nil: the
    /// migration's backfill), inside the caller's transaction, `lineSummaryChunk` patients per
    /// derivation. The rows must not exist yet (a replaced dataset's rows go with `deleteDataset`).
    static func rebuildLineSummaries(_ s: any SQLSession, dataset: Int64?) async throws {
        let ids: [Int64]
        if let dataset {
            ids = try await s.fetch(SQLFragment("SELECT person_id AS c0 FROM onco_person WHERE dataset_id = ? ORDER BY person_id", [.int(dataset)]),
                                    types: [.int]).ints(0).compactMap { $0 }
        } else {
            ids = try await s.fetch("SELECT person_id AS c0 FROM person ORDER BY person_id", types: [.int]).ints(0).compactMap { $0 }
        }
        var lo = 0
        while lo < ids.count {
            let hi = min(lo + lineSummaryChunk, ids.count) - 1
            var select: SQLFragment
            if let dataset {
                select = SQLFragment("SELECT person_id FROM onco_person WHERE dataset_id = ? AND person_id BETWEEN ? AND ?",
                                     [.int(dataset), .int(ids[lo]), .int(ids[hi])])
            } else {
                select = SQLFragment("SELECT person_id FROM person WHERE person_id BETWEEN ? AND ?", [.int(ids[lo]), .int(ids[hi])])
            }
            let lines = try await deriveLines(s, cohort: SQLFragment("cohort AS MATERIALIZED (") + select + ")")
            if !lines.isEmpty {
                var v: [SQLValue] = []
                v.reserveCapacity(lines.count * lineSummaryColumns.count)
                for l in lines {
                    v += [.int(l.personID), .int(l.lineNumber), .int(l.episodeID), .int(l.startDay), .int(l.osDays),
                          .int(l.event ? 1 : 0), l.age.map { .int($0) } ?? .null, l.stage.map { .double($0) } ?? .null,
                          .text(LineSummaryPacking.pack(l.drugs)), l.sex.map { .text($0) } ?? .null,
                          l.tumourType.map { .text($0) } ?? .null, l.startYear.map { .int($0) } ?? .null,
                          l.tmb.map { .double($0) } ?? .null, .int(l.specimens), l.soleSequencedDay.map { .int($0) } ?? .null,
                          l.soleCollectedDay.map { .int($0) } ?? .null]
                }
                try await s.insert(table: "onco_line_outcome", columns: lineSummaryColumns, values: v)
            }
            lo = hi + 1
        }
        if dataset == nil && s.dialect == .postgres { try await s.execute("ANALYZE onco_line_outcome") }
    }

    /// `lineOutcomes` derived from the OMOP tables (episodes, episode events, drug exposures), not from
    /// the summary: the reference the summary is tested against. Its query-dependent time-zero columns
    /// (performance status, biomarker known day) are read over the cohort's SQL definition, not over the
    /// ids of the patients with lines, and without `lineOutcomes`' probe of which attribute names exist.
    package func derivedLineOutcomes(_ query: LineOutcomeQuery) async throws -> LineOutcomeTable {
        let cte = targetedCohortCTE(query)
        let (lines, size, facts) = try await sql.withSession { s in
            (try await Self.deriveLines(s, cohort: cte),
             try await s.scalarInt(SQLFragment("WITH ") + cte + SQLFragment(" SELECT COUNT(*) AS c0 FROM cohort")) ?? 0,
             try await self.referenceTimeZeroFacts(s, query: query, cohort: cte))
        }
        var t = LineOutcomeTable()
        t.cohortSize = Int(size)
        for l in lines {
            t.personIDs.append(l.personID)
            t.lineNumbers.append(Int(l.lineNumber))
            t.startDays.append(Int(l.startDay))
            t.osDays.append(Double(l.osDays))
            t.osEvents.append(l.event)
            t.ages.append(l.age.map(Int.init))
            t.stages.append(l.stage.map { max(0, min(4, Int($0.rounded()))) })
            t.sexes.append(LineOutcomeTable.sexCode(l.sex))
            t.tumourTypes.append(l.tumourType)
            t.startYears.append(l.startYear.map(Int.init))
            t.tmb.append(l.tmb)
            t.drugs.append(contentsOf: l.drugs)
            t.drugStart.append(t.drugs.count)
        }
        facts.apply(to: &t)
        return t
    }

    /// The number of rows of `onco_line_outcome` (for tests).
    package func lineSummaryRowCount() async throws -> Int {
        Int(try await sql.withSession { s in try await s.scalarInt("SELECT COUNT(*) AS c0 FROM onco_line_outcome") } ?? 0)
    }

    /// The lines of therapy of a cohort with OS from each line's start, age, stage, drugs and the
    /// time-zero columns; see `LineOutcomeTable`. One query: the materialised cohort joined to the
    /// per-line summary (`onco_line_outcome`, migrations 0008 and 0012), one primary-key range read per
    /// patient; then the performance-status attributes (only the names that occur, probed first) and,
    /// for patients with several specimens or a TMB/MSI condition, the biomarker look-ups
    /// (`Warehouse+TimeZero`).
    func readLineOutcomes(_ query: LineOutcomeQuery, logger: Logger) async throws -> LineOutcomeTable {
        let q = SQLFragment("WITH ") + targetedCohortCTE(query) + SQLFragment("""

            SELECT c.person_id AS c0, \(Self.lineColumns)
            FROM cohort c LEFT JOIN onco_line_outcome l ON l.person_id = c.person_id
            ORDER BY c0, c1, l.episode_id
            """)
        let engine = self
        let (read, size, facts) = try await sql.withSession { s in
            let (t, size, specimens) = Self.lineTable(try await s.fetch(q, types: Self.lineColumnTypes))
            let persons = Array(Set(t.personIDs)).sorted()
            var facts = try await engine.performanceStatus(s, names: query.performanceStatusAttributes, persons: .ids(persons), probeNames: true)
            facts.known = try await engine.biomarkerKnownDays(s, query: query, persons: persons, specimens: specimens)
            return (t, size, facts)
        }
        var t = read
        facts.apply(to: &t)
        t.cohortSize = size
        logger.debug("warehouse.lineOutcomes", metadata: ["cohort.size": "\(t.cohortSize)", "lines": "\(t.count)",
                                                         "performanceStatus.unreadable": "\(t.unreadablePerformanceStatus.count)"])
        return t
    }
}
