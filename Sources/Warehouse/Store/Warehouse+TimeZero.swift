import Foundation
import OncoCore

/// The query-dependent time-zero columns of a `LineOutcomeTable` (issue #22): performance status (the
/// attribute names are the query's) and the day the query's biomarkers became known (its molecular
/// conditions). The facts that do not depend on the query (sex, tumour type, start year, TMB, the
/// patient's specimens) are columns of `onco_line_outcome` (`0012_line_outcome_time_zero`).
extension Warehouse {
    /// Whose facts to read: explicit person ids (the patients with lines: `lineOutcomes`), or the
    /// persons of a cohort CTE (`cohort AS (...)`, the reference `derivedLineOutcomes`).
    enum TimeZeroPersons: Sendable {
        case ids([Int64])
        case cohort(SQLFragment)
    }

    /// What the time-zero reads found: per person, the performance status (or the fact that it was
    /// recorded but unreadable) and, when the query has molecular conditions, the known day.
    struct TimeZeroFacts: Sendable {
        var performanceStatus: [Int64: Double] = [:]
        var unreadablePerformanceStatus: Set<Int64> = []
        /// nil: the query has no molecular condition (`not-required`); else per person, absent = unknown.
        var known: [Int64: BiomarkerKnownDay]? = nil

        /// Fills the table's performance-status and known-day columns: one lookup per run of a
        /// patient's rows.
        func apply(to t: inout LineOutcomeTable) {
            let n = t.count
            var status = [Double?](repeating: nil, count: n)
            var days = [Int?](repeating: nil, count: n)
            var by = [String?](repeating: known == nil ? BiomarkerKnownDay.Basis.notRequired.rawValue : nil, count: n)
            var i = 0
            while i < n {
                var j = i + 1
                while j < n && t.personIDs[j] == t.personIDs[i] { j += 1 }
                let p = t.personIDs[i]
                let ps = performanceStatus[p]
                if let known {
                    let k = known[p]
                    for r in i..<j { status[r] = ps; days[r] = k?.day; by[r] = k?.by.rawValue }
                } else {
                    for r in i..<j { status[r] = ps }
                }
                i = j
            }
            t.performanceStatus = status
            t.biomarkerKnownDays = days
            t.biomarkerKnownBy = by
            t.unreadablePerformanceStatus = unreadablePerformanceStatus.isEmpty ? [] : unreadablePerformanceStatus.intersection(Set(t.personIDs))
        }
    }

    /// `column` (a `person_id`) restricted to `persons`: a bound id list, or the cohort CTE's persons.
    private func personFilter(_ column: String, _ persons: TimeZeroPersons) -> (head: SQLFragment, condition: SQLFragment) {
        switch persons {
        case .ids(let ids):
            return ("", dialect.inList(column, .idList(ids)))
        case .cohort(let cte):
            return (SQLFragment("WITH ") + cte + "\n", SQLFragment("\(column) IN (SELECT person_id FROM cohort)"))
        }
    }

    /// The reference read (`derivedLineOutcomes`): the query's performance status and biomarker known
    /// days for the persons of a cohort CTE, every molecular condition looked up on its variants or
    /// measurements, and every attribute name read without probing.
    func referenceTimeZeroFacts(_ s: any SQLSession, query: LineOutcomeQuery, cohort: SQLFragment) async throws -> TimeZeroFacts {
        var facts = try await performanceStatus(s, names: query.performanceStatusAttributes, persons: .cohort(cohort), probeNames: false)
        let conditions = molecularConditions(query)
        if !conditions.isEmpty {
            var perCondition: [[Int64: BiomarkerKnownDay]] = []
            for (table, body) in conditions {
                perCondition.append(try await conditionKnownDays(s, table: table, body: body, persons: .cohort(cohort)))
            }
            facts.known = BiomarkerKnownDay.allKnown(perCondition)
        }
        return facts
    }

    // MARK: performance status

    /// Performance status as recorded by person-level clinical attributes (no date: taken as at
    /// diagnosis). The first of `names` a person has decides; see `PerformanceStatusScale`.
    func performanceStatus(_ s: any SQLSession, names: [String], persons: TimeZeroPersons,
                           probeNames: Bool) async throws -> TimeZeroFacts {
        var present = names
        if probeNames && !names.isEmpty {
            let probes = names.indices.map {
                SQLFragment("SELECT \($0) AS c0 WHERE EXISTS (SELECT 1 FROM onco_clinical_attribute a WHERE a.attribute = ?)", [.text(names[$0])])
            }
            let found = try await s.fetch(SQLFragment.join(probes, separator: "\nUNION ALL\n"), types: [.int]).ints(0)
            let indices = Set(found.compactMap { $0 })
            present = names.indices.filter { indices.contains(Int64($0)) }.map { names[$0] }
        }
        var facts = TimeZeroFacts()
        guard !present.isEmpty else { return facts }
        if case .ids(let ids) = persons, ids.isEmpty { return facts }
        let (head, cond) = personFilter("a.person_id", persons)
        let q = head + SQLFragment("""
            SELECT a.person_id AS c0, a.attribute AS c1, a.value_as_number AS c2
            FROM onco_clinical_attribute a WHERE a.specimen_id IS NULL AND\u{20}
            """) + dialect.inList("a.attribute", .textList(present)) + " AND " + cond
        let r = try await s.fetch(q, types: [.int, .text, .double])
        let pid = r.ints(0), attr = r.texts(1), number = r.doubles(2)
        let rank = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // person → (rank of the deciding name, its readings)
        var best: [Int64: (rank: Int, values: [Double?])] = [:]
        for k in 0..<r.count {
            guard let p = pid[k], let a = attr[k], let rk = rank[a] else { continue }
            let v = PerformanceStatusScale.ecog(attribute: a, number: number[k])
            if let b = best[p], b.rank < rk { continue }
            if let b = best[p], b.rank == rk { best[p]!.values = b.values + [v] } else { best[p] = (rk, [v]) }
        }
        for (p, b) in best {
            // Every row of the deciding attribute must be readable and agree.
            if let first = b.values.first, let v = first, b.values.allSatisfy({ $0 == v }) {
                facts.performanceStatus[p] = v
            } else {
                facts.unreadablePerformanceStatus.insert(p)
            }
        }
        return facts
    }

    // MARK: biomarker known day

    /// The molecular conditions of a query, each as the body of a look-up on `onco_somatic_variant v`
    /// or on `measurement m`: the cohort's protein changes and altered genes, and the query's biomarkers.
    func molecularConditions(_ q: LineOutcomeQuery) -> [(table: MolecularTable, body: SQLFragment)] {
        var out: [(MolecularTable, SQLFragment)] = []
        for v in q.cohort.variants { out.append((.variant, proteinChangeBody(gene: v.gene, hgvsp: v.hgvsp, alias: "v"))) }
        for g in q.cohort.alteredGenes { out.append((.variant, alteredGeneBody(g, alias: "v"))) }
        for b in q.biomarkers {
            if let body = biomarkerBody(b, alias: "v") { out.append((.variant, body)) }
            else if let body = measurementBody(b, alias: "m") { out.append((.measurement, body)) }
        }
        return out
    }

    enum MolecularTable: Sendable { case variant, measurement }

    /// Per person, when all the query's molecular conditions were known (nil when it has none): for
    /// each condition the earliest day over the rows carrying it (a variant's specimen, a TMB/MSI
    /// measurement's specimen `measurement_event_id`), the specimen dated by its sequencing date, else
    /// its collection date (`onco_specimen_timing`), in days from the diagnosis (the earliest
    /// `condition_occurrence`); then the latest of the conditions' days. A person for whom some
    /// condition has no dated row is absent (unknown timing). Ties prefer `sequenced`.
    ///
    /// `persons` are the patients with lines, `specimens` their specimen summary from
    /// `onco_line_outcome`: a patient with exactly one specimen carries every variant condition in it,
    /// so its day is that specimen's, with no look-up; only patients with several specimens, and the
    /// TMB/MSI conditions, are looked up (on `person_id` indexes).
    func biomarkerKnownDays(_ s: any SQLSession, query: LineOutcomeQuery, persons: [Int64],
                            specimens: [Int64: PersonSpecimens]) async throws -> [Int64: BiomarkerKnownDay]? {
        let conditions = molecularConditions(query)
        guard !conditions.isEmpty else { return nil }
        let several = persons.filter { (specimens[$0]?.count ?? 0) > 1 }
        var sole: [Int64: BiomarkerKnownDay] = [:]
        for p in persons { if let sp = specimens[p], sp.count == 1, let k = sp.known { sole[p] = k } }
        var perCondition: [[Int64: BiomarkerKnownDay]] = []
        for (table, body) in conditions {
            switch table {
            case .variant:
                var known = sole
                if !several.isEmpty {
                    known.merge(try await conditionKnownDays(s, table: .variant, body: body, persons: .ids(several))) { $1 }
                }
                perCondition.append(known)
            case .measurement:
                perCondition.append(persons.isEmpty ? [:] : try await conditionKnownDays(s, table: .measurement, body: body, persons: .ids(persons)))
            }
        }
        return BiomarkerKnownDay.allKnown(perCondition)
    }

    /// Per person of `persons`, the earliest day a row satisfying one molecular condition was known
    /// (`BiomarkerKnownDay.earliest`).
    func conditionKnownDays(_ s: any SQLSession, table: MolecularTable, body: SQLFragment,
                            persons: TimeZeroPersons) async throws -> [Int64: BiomarkerKnownDay] {
        let alias = table == .variant ? "v" : "m"
        let from = table == .variant
            ? "onco_somatic_variant v LEFT JOIN onco_specimen_timing t ON t.specimen_id = v.specimen_id"
            : "measurement m LEFT JOIN onco_specimen_timing t ON t.specimen_id = m.measurement_event_id"
        let (head, cond) = personFilter("\(alias).person_id", persons)
        let diagnosis = "(SELECT MIN(co.condition_start_date) FROM condition_occurrence co WHERE co.person_id = \(alias).person_id)"
        let q = head + SQLFragment("""
            SELECT \(alias).person_id AS c0, \(epochDay("t.sequenced_date")) AS c1, \(epochDay("t.collected_date")) AS c2,
                   \(epochDay(diagnosis)) AS c3
            FROM \(from) WHERE\u{20}
            """) + body + " AND " + cond
        let r = try await s.fetch(q, types: [.int, .int, .int, .int])
        var rows: [(person: Int64, sequenced: Int?, collected: Int?, diagnosis: Int?)] = []
        rows.reserveCapacity(r.count)
        let p = r.ints(0), sq = r.ints(1), co = r.ints(2), dg = r.ints(3)
        for k in 0..<r.count { rows.append((p[k]!, sq[k].map(Int.init), co[k].map(Int.init), dg[k].map(Int.init))) }
        return BiomarkerKnownDay.earliest(rows)
    }
}

/// A patient's specimens as `onco_line_outcome` summarises them (migration 0012): how many, and the
/// dates of the only one, in days from diagnosis.
struct PersonSpecimens: Sendable, Hashable {
    var count: Int
    var soleSequencedDay: Int?
    var soleCollectedDay: Int?
    /// The day the only specimen was known (sequenced, else collected); nil for another count or no date.
    var known: BiomarkerKnownDay? {
        guard count == 1 else { return nil }
        if let d = soleSequencedDay { return BiomarkerKnownDay(day: d, by: .sequenced) }
        return soleCollectedDay.map { BiomarkerKnownDay(day: $0, by: .collected) }
    }
}

/// When a person's biomarkers became known, in days from diagnosis, and how that day was dated.
package struct BiomarkerKnownDay: Sendable, Hashable {
    package enum Basis: String, Sendable {
        case sequenced, collected
        /// The query has no molecular condition (`LineOutcomeTable.biomarkerKnownBy`).
        case notRequired = "not-required"
    }
    package var day: Int
    package var by: Basis
    package init(day: Int, by: Basis) { self.day = day; self.by = by }

    /// `a` is a better (earlier) day than `b`: earlier, or the same day dated by sequencing.
    package static func earlier(_ a: BiomarkerKnownDay, than b: BiomarkerKnownDay) -> Bool {
        a.day < b.day || (a.day == b.day && a.by == .sequenced && b.by != .sequenced)
    }

    /// Per person, the earliest dated row (rows without a date, or without a diagnosis, are skipped).
    package static func earliest(_ rows: [(person: Int64, sequenced: Int?, collected: Int?, diagnosis: Int?)]) -> [Int64: BiomarkerKnownDay] {
        var out: [Int64: BiomarkerKnownDay] = [:]
        for r in rows {
            guard let dx = r.diagnosis else { continue }
            let k: BiomarkerKnownDay
            if let sq = r.sequenced { k = BiomarkerKnownDay(day: sq - dx, by: .sequenced) }
            else if let co = r.collected { k = BiomarkerKnownDay(day: co - dx, by: .collected) }
            else { continue }
            if let cur = out[r.person], !earlier(k, than: cur) { continue }
            out[r.person] = k
        }
        return out
    }

    /// Per person, the day every condition was known: the latest of the conditions' days, present only
    /// when each condition has one. Ties prefer `sequenced`.
    package static func allKnown(_ perCondition: [[Int64: BiomarkerKnownDay]]) -> [Int64: BiomarkerKnownDay] {
        guard let first = perCondition.first else { return [:] }
        var out: [Int64: BiomarkerKnownDay] = [:]
        persons: for (p, k0) in first {
            var k = k0
            for c in perCondition.dropFirst() {
                guard let x = c[p] else { continue persons }
                if x.day > k.day || (x.day == k.day && x.by == .sequenced) { k = x }
            }
            out[p] = k
        }
        return out
    }
}

/// Performance status on the ECOG scale (0–4) from a clinical attribute value. Attributes whose name
/// contains `KARNOFSKY` or is `KPS` hold the Karnofsky score, converted by the usual correspondence
/// (Oken et al., Am J Clin Oncol 1982;5:649–655, as tabulated by ECOG-ACRIN): 100–90 → 0, 80–70 → 1,
/// 60–50 → 2, 40–30 → 3, 20–10 → 4; only whole multiples of 10 in 10...100 are read. Any other
/// attribute holds ECOG itself, an integer 0...4. ECOG 5 and Karnofsky 0 (dead), a value that is not a
/// number (the importer stores `value_as_number` only for text its number parser reads) and anything
/// else are unreadable (nil): never a default.
package enum PerformanceStatusScale {
    package static func isKarnofsky(_ attribute: String) -> Bool {
        let a = attribute.uppercased()
        return a.contains("KARNOFSKY") || a == "KPS"
    }

    package static func ecog(attribute: String, number: Double?) -> Double? {
        guard let value = number, value.isFinite, value == value.rounded() else { return nil }
        if isKarnofsky(attribute) {
            guard (10...100).contains(value), value.truncatingRemainder(dividingBy: 10) == 0 else { return nil }
            switch value {
            case 90...100: return 0
            case 70...80: return 1
            case 50...60: return 2
            case 30...40: return 3
            default: return 4
            }
        }
        return (0...4).contains(value) ? value : nil
    }
}
