import Foundation
import Logging
import OncoCore

extension Warehouse {
    /// Consequence classes that count as "altered" for cohort selection.
    static let alteringClasses: [String] = ["truncating", "missense", "inframeIndel", "splice"]

    /// `WITH cohort AS (...)`: the person ids matching the criteria.
    func cohortCTE(_ c: CohortCriteria) -> SQLFragment {
        let d = dialect
        var conds: [SQLFragment] = []
        if !c.tumourTypes.isEmpty {
            conds.append(SQLFragment("p.person_id IN (SELECT person_id FROM condition_occurrence WHERE ")
                         + d.inList("condition_source_value", .textList(c.tumourTypes.map { $0.uppercased() })) + ")")
        }
        for g in c.alteredGenes {
            conds.append(SQLFragment("p.person_id IN (SELECT person_id FROM onco_somatic_variant WHERE gene = ? AND (alteration IS NOT NULL OR ",
                                     [.text(g)]) + d.inList("consequence_class", .textList(Self.alteringClasses)) + "))")
        }
        for v in c.variants {
            conds.append(SQLFragment("p.person_id IN (SELECT person_id FROM onco_somatic_variant WHERE gene = ? AND hgvsp = ?)",
                                     [.text(v.gene), .text(AminoAcid.shortHGVSp(v.hgvsp))]))
        }
        for a in c.attributes {
            switch a {
            case .oneOf(let name, let values):
                conds.append(SQLFragment("p.person_id IN (SELECT person_id FROM onco_clinical_attribute WHERE attribute = ? AND ", [.text(name)])
                             + d.inList("value_as_string", .textList(values)) + ")")
            case .range(let name, let lo, let hi):
                var f = SQLFragment("p.person_id IN (SELECT person_id FROM onco_clinical_attribute WHERE attribute = ? AND value_as_number IS NOT NULL",
                                    [.text(name)])
                if let lo { f += SQLFragment(" AND value_as_number >= ?", [.double(lo)]) }
                if let hi { f += SQLFragment(" AND value_as_number <= ?", [.double(hi)]) }
                conds.append(f + ")")
            }
        }
        if !c.drugs.isEmpty {
            conds.append(SQLFragment("p.person_id IN (SELECT person_id FROM drug_exposure WHERE ")
                         + d.inList("drug_source_value", .textList(c.drugs.map { $0.lowercased() })) + ")")
        }
        if !c.datasets.isEmpty {
            conds.append(SQLFragment("p.person_id IN (SELECT op.person_id FROM onco_person op JOIN onco_dataset ds ON ds.dataset_id = op.dataset_id WHERE ")
                         + d.inList("ds.name", .textList(c.datasets)) + ")")
        }
        if let ids = c.personIDs { conds.append(d.inList("p.person_id", .idList(ids))) }
        if let keys = c.patientKeys { conds.append(d.inList("p.person_source_value", .textList(keys))) }
        conds += clinicalConditions(c)
        var out = SQLFragment("cohort AS (SELECT p.person_id FROM person p")
        if !conds.isEmpty { out += " WHERE " + SQLFragment.join(conds, separator: " AND ") }
        return out + ")"
    }

    /// `AND person_id IN (SELECT person_id FROM cohort)` unless the cohort is everyone: the per-person CTEs
    /// below (diagnosis, end of observation, line starts) are always joined with `cohort`, so restricting
    /// them changes no row, and lets the database read only the cohort's rows through the person indexes
    /// instead of grouping every person's (`onco similar` at 1M patients: 1.4–2.6 s per query for a
    /// cohort of 50 neighbours, ~4 ms restricted).
    static func inCohort(_ cohort: CohortCriteria, where clause: Bool) -> String {
        cohort == .all ? "" : (clause ? " WHERE" : " AND") + " person_id IN (SELECT person_id FROM cohort)"
    }
    /// Earliest diagnosis (date `d`, tumour type `tt`) per person of the cohort.
    static func diagCTE(_ cohort: CohortCriteria) -> String {
        "diag AS (SELECT person_id, MIN(condition_start_date) AS d, MIN(condition_source_value) AS tt FROM condition_occurrence\(inCohort(cohort, where: true)) GROUP BY person_id)"
    }
    /// End of observation (`d`) per person of the cohort.
    static func obsCTE(_ cohort: CohortCriteria) -> String {
        "obs AS (SELECT person_id, MAX(observation_period_end_date) AS d FROM observation_period\(inCohort(cohort, where: true)) GROUP BY person_id)"
    }

    /// The per-patient outcome query (columns: person, days, event, group), without ORDER BY.
    func outcomeQuery(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping) -> SQLFragment {
        let d = dialect
        let line = WarehouseSchema.EpisodeKind.lineOfTherapy
        let prog = WarehouseSchema.EpisodeKind.progression
        func index(_ i: IndexEvent) -> SQLFragment {
            switch i {
            case .diagnosis: return "idx AS (SELECT person_id, d FROM diag)"
            case .lineStart(let n):
                return SQLFragment("idx AS (SELECT person_id, MIN(episode_start_date) AS d FROM episode WHERE episode_source_value = ? AND episode_number = ?\(Self.inCohort(cohort, where: false)) GROUP BY person_id)",
                                   [.text(line), .int(Int64(n))])
            }
        }
        func earliest(_ a: String, _ b: String) -> String {
            "CASE WHEN \(a) IS NULL THEN \(b) WHEN \(b) IS NULL THEN \(a) WHEN \(a) < \(b) THEN \(a) ELSE \(b) END"
        }
        var ctes: [SQLFragment] = [cohortCTE(cohort), SQLFragment(Self.diagCTE(cohort)), SQLFragment(Self.obsCTE(cohort))]
        switch endpoint {
        case .overallSurvival(let i):
            ctes.append(index(i))
            ctes.append("ev AS (SELECT person_id, death_date AS d FROM death)")
        case .progressionFreeSurvival(let i):
            ctes.append(index(i))
            let cmp = i == .diagnosis ? ">=" : ">"
            ctes.append(SQLFragment("""
                pr AS (SELECT i.person_id, MIN(e.episode_start_date) AS d FROM idx i JOIN episode e ON e.person_id = i.person_id
                       AND e.episode_source_value = ? AND e.episode_start_date \(cmp) i.d GROUP BY i.person_id)
                """, [.text(prog)]))
            ctes.append(SQLFragment("ev AS (SELECT i.person_id, \(earliest("pr.d", "de.death_date")) AS d FROM idx i LEFT JOIN pr ON pr.person_id = i.person_id LEFT JOIN death de ON de.person_id = i.person_id)"))
        case .timeToNextTreatment(let n):
            ctes.append(index(.lineStart(n)))
            ctes.append(SQLFragment("nx AS (SELECT person_id, MIN(episode_start_date) AS d FROM episode WHERE episode_source_value = ? AND episode_number = ?\(Self.inCohort(cohort, where: false)) GROUP BY person_id)",
                                    [.text(line), .int(Int64(n + 1))]))
            ctes.append(SQLFragment("ev AS (SELECT i.person_id, \(earliest("nx.d", "de.death_date")) AS d FROM idx i LEFT JOIN nx ON nx.person_id = i.person_id LEFT JOIN death de ON de.person_id = i.person_id)"))
        }
        var group: SQLFragment
        switch groupBy {
        case .none: group = "'all'"
        case .tumourType: group = "COALESCE(diag.tt, 'unknown')"
        case .attribute(let name):
            group = SQLFragment("""
                COALESCE((SELECT MIN(a.value_as_string) FROM onco_clinical_attribute a WHERE a.person_id = i.person_id AND a.attribute = ? AND a.specimen_id IS NULL),
                         (SELECT MIN(a.value_as_string) FROM onco_clinical_attribute a WHERE a.person_id = i.person_id AND a.attribute = ?
                            AND a.specimen_id = (SELECT MIN(a2.specimen_id) FROM onco_clinical_attribute a2 WHERE a2.person_id = i.person_id AND a2.attribute = ? AND a2.specimen_id IS NOT NULL)),
                         'NA')
                """, [.text(name), .text(name), .text(name)])
        }
        let t = "CASE WHEN ev.d IS NOT NULL THEN \(d.daysBetween("i.d", "ev.d")) ELSE \(d.daysBetween("i.d", "obs.d")) END"
        var q = SQLFragment("WITH ") + SQLFragment.join(ctes, separator: ",\n")
        q += SQLFragment("\nSELECT i.person_id AS c0, \(t) AS c1, CASE WHEN ev.d IS NOT NULL THEN 1 ELSE 0 END AS c2, ")
        q += group + SQLFragment("""
             AS c3
            FROM idx i JOIN cohort ON cohort.person_id = i.person_id JOIN obs ON obs.person_id = i.person_id
            LEFT JOIN diag ON diag.person_id = i.person_id LEFT JOIN ev ON ev.person_id = i.person_id
            WHERE \(t) >= 0
            """)
        return q
    }

    /// Per-patient (time, event) of an endpoint for a cohort, optionally in groups; see `OutcomeEndpoint`
    /// for the definitions. Arrays are ordered by person id and ready for `Survival`.
    public func outcomes(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                          logger: Logger) async throws -> [OutcomeGroup] {
        let q = outcomeQuery(endpoint, cohort: cohort, groupBy: groupBy) + " ORDER BY c0"
        let r = try await sql.withSession { s in try await s.fetch(q, types: [.int, .int, .int, .text]) }
        var groups: [String: OutcomeData] = [:]
        let ids = r.ints(0), t = r.ints(1), e = r.ints(2), g = r.texts(3)
        for i in 0..<r.count {
            let label = g[i] ?? "NA"
            groups[label, default: OutcomeData()].personIDs.append(ids[i]!)
            groups[label]!.days.append(Double(t[i]!))
            groups[label]!.events.append(e[i]! != 0)
        }
        if groupBy == .none && groups.isEmpty { groups["all"] = OutcomeData() }
        return groups.keys.sorted().map { OutcomeGroup(label: $0, data: groups[$0]!) }
    }

    /// The same outcomes aggregated in the database to (time, events, censored) per distinct time and
    /// group: all Kaplan–Meier and log-rank need, without moving one row per patient.
    public func outcomeCounts(_ endpoint: OutcomeEndpoint, cohort: CohortCriteria, groupBy: OutcomeGrouping,
                               logger: Logger) async throws -> [OutcomeCountGroup] {
        let inner = outcomeQuery(endpoint, cohort: cohort, groupBy: groupBy)
        let q = SQLFragment("SELECT o.c3 AS c0, o.c1 AS c1, SUM(o.c2) AS c2, COUNT(*) - SUM(o.c2) AS c3 FROM (") + inner
            + ") o GROUP BY o.c3, o.c1 ORDER BY o.c1"
        let r = try await sql.withSession { s in try await s.fetch(q, types: [.text, .int, .int, .int]) }
        var groups: [String: OutcomeCountGroup] = [:]
        for i in 0..<r.count {
            let label = r.texts(0)[i] ?? "NA"
            groups[label, default: OutcomeCountGroup(label: label, days: [], events: [], censored: [])].days.append(Double(r.ints(1)[i]!))
            groups[label]!.events.append(Int(r.ints(2)[i]!))
            groups[label]!.censored.append(Int(r.ints(3)[i]!))
        }
        return groups.keys.sorted().map { groups[$0]! }
    }

    /// Person ids matching the criteria, ascending.
    public func selectCohort(_ cohort: CohortCriteria, logger: Logger) async throws -> [Int64] {
        let q = SQLFragment("WITH ") + cohortCTE(cohort) + " SELECT person_id AS c0 FROM cohort ORDER BY c0"
        return try await sql.withSession { s in try await s.fetch(q, types: [.int]) }.ints(0).map { $0! }
    }

    /// Values of the clinical attribute `name` for the cohort's patients (patient-level values, and
    /// the first specimen's value for sample attributes), ordered by person id.
    public func attributeValues(_ name: String, cohort: CohortCriteria, logger: Logger) async throws -> [AttributeValue] {
        let q = SQLFragment("WITH ") + cohortCTE(cohort) + SQLFragment("""
             SELECT a.person_id AS c0, a.value_as_string AS c1, a.value_as_number AS c2, COALESCE(a.specimen_id, 0) AS c3
            FROM onco_clinical_attribute a JOIN cohort ON cohort.person_id = a.person_id
            WHERE a.attribute = ? ORDER BY c0, c3
            """, [.text(name)])
        let r = try await sql.withSession { s in try await s.fetch(q, types: [.int, .text, .double, .int]) }
        var out: [AttributeValue] = []
        var last: Int64 = -1
        for i in 0..<r.count {
            let p = r.ints(0)[i]!
            if p == last { continue }   // patient-level (specimen 0) first, else the first specimen
            last = p
            out.append(AttributeValue(personID: p, value: r.texts(1)[i] ?? "", number: r.doubles(2)[i]))
        }
        return out
    }

    // MARK: profiles

    /// Patient profiles for similarity search, columnar (one entry per patient, alterations packed).
    public func profiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable {
        let d = dialect
        var main = SQLFragment("WITH ")
        main += cohortCTE(cohort)
        main += SQLFragment(",\n" + Self.diagCTE(cohort))
        main += SQLFragment("""
            ,
            st AS (SELECT person_id, MAX(value_as_number) AS v FROM measurement WHERE measurement_source_value = ? GROUP BY person_id),
            tm AS (SELECT person_id, MAX(value_as_number) AS v FROM measurement WHERE measurement_source_value = ? GROUP BY person_id),
            ln AS (SELECT person_id, COUNT(*) AS n FROM episode WHERE episode_source_value = ? GROUP BY person_id)
            SELECT p.person_id AS c0, p.person_source_value AS c1, diag.tt AS c2, st.v AS c3, CASE WHEN p.year_of_birth > 0 THEN \(d.year("diag.d")) - p.year_of_birth END AS c4,
                   p.gender_source_value AS c5, tm.v AS c6, COALESCE(ln.n, 0) AS c7
            FROM person p JOIN cohort ON cohort.person_id = p.person_id LEFT JOIN diag ON diag.person_id = p.person_id
            LEFT JOIN st ON st.person_id = p.person_id LEFT JOIN tm ON tm.person_id = p.person_id LEFT JOIN ln ON ln.person_id = p.person_id
            ORDER BY c0
            """, [.text(WarehouseSchema.MeasurementKind.stage), .text(WarehouseSchema.MeasurementKind.tmb),
                  .text(WarehouseSchema.EpisodeKind.lineOfTherapy)])
        var alt = SQLFragment("WITH ") + cohortCTE(cohort) + """
             SELECT DISTINCT v.person_id AS c0, v.gene AS c1, COALESCE(v.alteration, v.consequence_class) AS c2, v.hgvsp AS c3
            FROM onco_somatic_variant v JOIN cohort ON cohort.person_id = v.person_id
            WHERE v.gene IS NOT NULL AND (v.alteration IS NOT NULL OR\u{20}
            """
        alt += d.inList("v.consequence_class", .textList(options.consequenceClasses)) + ")"
        if options.passOnly { alt += " AND (v.filter IS NULL OR v.filter = 'PASS')" }
        alt += " ORDER BY c0"
        let altQ = alt, mainQ = main
        let (m, a) = try await sql.withSession { s in
            (try await s.fetch(mainQ, types: [.int, .text, .text, .double, .int, .text, .double, .int]),
             try await s.fetch(altQ, types: [.int, .text, .text, .text]))
        }
        var t = ProfileTable()
        t.personIDs = m.ints(0).map { $0! }
        t.keys = m.texts(1).map { $0 ?? "" }
        t.tumourTypes = m.texts(2)
        t.stages = m.doubles(3).map { v in v.map { ["0", "I", "II", "III", "IV"][max(0, min(4, Int($0)))] } }
        t.ages = m.ints(4).map { $0.map(Int.init) }
        t.sexes = m.texts(5).map { Sex(parsing: $0 ?? "") }
        t.tmb = m.doubles(6)
        t.lineCounts = m.ints(7).map { Int($0 ?? 0) }
        t.alterationStart = [0]
        t.alterationStart.reserveCapacity(m.count + 1)
        let ap = a.ints(0), ag = a.texts(1), ac = a.texts(2), ah = a.texts(3)
        t.genes.reserveCapacity(a.count); t.classes.reserveCapacity(a.count); t.hgvsp.reserveCapacity(a.count)
        var j = 0
        var scratch: [(String, String?, String)] = []
        for pid in t.personIDs {
            while j < a.count, ap[j]! < pid { j += 1 }
            scratch.removeAll(keepingCapacity: true)
            while j < a.count, ap[j]! == pid {
                scratch.append((ag[j]!, ah[j], ac[j] ?? ""))
                j += 1
            }
            scratch.sort { ($0.0, $0.1 ?? "", $0.2) < ($1.0, $1.1 ?? "", $1.2) }
            for x in scratch { t.genes.append(x.0); t.hgvsp.append(x.1); t.classes.append(x.2) }
            t.alterationStart.append(t.genes.count)
        }
        return t
    }

    // MARK: treatment lines

    /// Lines of therapy with their drugs and outcomes, for the patients of a cohort.
    public func treatmentLines(cohort: CohortCriteria, logger: Logger) async throws -> [TreatmentLine] {
        let d = dialect
        let line = WarehouseSchema.EpisodeKind.lineOfTherapy
        var head = SQLFragment("WITH ")
        head += cohortCTE(cohort)
        head += SQLFragment(",\n" + Self.diagCTE(cohort) + ",\n" + Self.obsCTE(cohort) + "\n")
        let linesQ = head + SQLFragment("""
            SELECT e.person_id AS c0, e.episode_number AS c1, \(d.daysBetween("diag.d", "e.episode_start_date")) AS c2,
                   \(d.daysBetween("diag.d", "e.episode_end_date")) AS c3, e.episode_id AS c4
            FROM episode e JOIN cohort ON cohort.person_id = e.person_id JOIN diag ON diag.person_id = e.person_id
            WHERE e.episode_source_value = ? AND e.episode_number IS NOT NULL ORDER BY c0, c1, c4
            """, [.text(line)])
        let drugsQ = head + SQLFragment("""
            SELECT DISTINCT e.episode_id AS c0, x.drug_source_value AS c1
            FROM episode e JOIN cohort ON cohort.person_id = e.person_id JOIN episode_event ee ON ee.episode_id = e.episode_id
            JOIN drug_exposure x ON x.drug_exposure_id = ee.event_id
            WHERE e.episode_source_value = ? ORDER BY c0
            """, [.text(line)])
        let personQ = head + SQLFragment("""
            SELECT diag.person_id AS c0, \(d.daysBetween("diag.d", "de.death_date")) AS c1, \(d.daysBetween("diag.d", "obs.d")) AS c2
            FROM diag JOIN cohort ON cohort.person_id = diag.person_id LEFT JOIN death de ON de.person_id = diag.person_id
            LEFT JOIN obs ON obs.person_id = diag.person_id ORDER BY c0
            """)
        let progQ = head + SQLFragment("""
            SELECT e.person_id AS c0, \(d.daysBetween("diag.d", "e.episode_start_date")) AS c1
            FROM episode e JOIN cohort ON cohort.person_id = e.person_id JOIN diag ON diag.person_id = e.person_id
            WHERE e.episode_source_value = ? ORDER BY c0, c1
            """, [.text(WarehouseSchema.EpisodeKind.progression)])
        let (lr, dr, pr, gr) = try await sql.withSession { s in
            (try await s.fetch(linesQ, types: [.int, .int, .int, .int, .int]),
             try await s.fetch(drugsQ, types: [.int, .text]),
             try await s.fetch(personQ, types: [.int, .int, .int]),
             try await s.fetch(progQ, types: [.int, .int]))
        }
        var drugs: [Int64: [String]] = [:]
        for i in 0..<dr.count { drugs[dr.ints(0)[i]!, default: []].append(dr.texts(1)[i] ?? "") }
        var death: [Int64: Int] = [:], obsEnd: [Int64: Int] = [:]
        for i in 0..<pr.count {
            if let v = pr.ints(1)[i] { death[pr.ints(0)[i]!] = Int(v) }
            if let v = pr.ints(2)[i] { obsEnd[pr.ints(0)[i]!] = Int(v) }
        }
        var progressions: [Int64: [Int]] = [:]
        for i in 0..<gr.count { progressions[gr.ints(0)[i]!, default: []].append(Int(gr.ints(1)[i]!)) }

        struct Raw { var person: Int64; var number: Int; var start: Int; var end: Int?; var episode: Int64 }
        let raws = (0..<lr.count).map { i in
            Raw(person: lr.ints(0)[i]!, number: Int(lr.ints(1)[i]!), start: Int(lr.ints(2)[i]!), end: lr.ints(3)[i].map(Int.init),
                episode: lr.ints(4)[i]!)
        }
        var out: [TreatmentLine] = []
        out.reserveCapacity(raws.count)
        for (k, r) in raws.enumerated() {
            let dDeath = death[r.person], dEnd = obsEnd[r.person]
            func tte(_ eventDay: Int?) -> TimeToEvent? {
                if let e = eventDay { return e >= r.start ? TimeToEvent(days: Double(e - r.start), event: true) : nil }
                guard let dEnd, dEnd >= r.start else { return nil }
                return TimeToEvent(days: Double(dEnd - r.start), event: false)
            }
            func earliest(_ a: Int?, _ b: Int?) -> Int? {
                switch (a, b) { case let (x?, y?): return min(x, y); case let (x?, nil): return x; case let (nil, y?): return y; default: return nil }
            }
            // The next line: the first later-numbered line of the same person.
            var next: Int?
            var j = k + 1
            while j < raws.count, raws[j].person == r.person {
                if raws[j].number == r.number + 1 { next = raws[j].start; break }
                j += 1
            }
            let prog = progressions[r.person]?.first { $0 > r.start }
            let lineDrugs = Array(Set(drugs[r.episode] ?? [])).sorted()
            out.append(TreatmentLine(personID: r.person, line: r.number, startDay: r.start, endDay: r.end, drugs: lineDrugs,
                                     overallSurvival: tte(dDeath),
                                     timeToNextTreatment: tte(earliest(next, dDeath)),
                                     progressionFreeSurvival: tte(earliest(prog, dDeath))))
        }
        return out
    }
}
