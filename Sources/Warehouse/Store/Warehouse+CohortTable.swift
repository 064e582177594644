import Foundation
import Logging
import OncoCore

/// Cohort selection on clinical criteria, and the cohort table (endpoint + columns) of cohort studies.
///
/// The table is read as a few narrow, index-ordered queries, each ordered by person id and merged in one
/// pass, instead of one wide join (see `cohortTable` in `Warehouse+CohortTableRead.swift`; the
/// SQL-only read `cohortTableReference` here is its test reference).
extension Warehouse {
    /// SQL conditions (on `person p`) for the clinical criteria: stage, age, sex, TMB, diagnosis date,
    /// alterations, alteration sets and therapies.
    func clinicalConditions(_ c: CohortCriteria) -> [SQLFragment] {
        let d = dialect
        var conds: [SQLFragment] = []
        let stage = WarehouseSchema.MeasurementKind.stage, tmbKind = WarehouseSchema.MeasurementKind.tmb
        if !c.stages.isEmpty {
            conds.append(SQLFragment("p.person_id IN (SELECT person_id FROM measurement WHERE measurement_source_value = ? GROUP BY person_id HAVING ",
                                     [.text(stage)]) + d.inList("MAX(value_as_number)", .idList(c.stages.map(Int64.init))) + ")")
        }
        if let r = c.age {
            let age = "(\(d.year("(SELECT MIN(x.condition_start_date) FROM condition_occurrence x WHERE x.person_id = p.person_id)")) - p.year_of_birth)"
            var f = SQLFragment("p.year_of_birth > 0")
            if let lo = r.min { f += SQLFragment(" AND \(age) >= ?", [.double(lo)]) }
            if let hi = r.max { f += SQLFragment(" AND \(age) <= ?", [.double(hi)]) }
            conds.append(f)
        }
        if !c.sexes.isEmpty {
            let ids = Set(c.sexes.map { s -> Int64 in
                switch s {
                case .female: return Int64(WarehouseSchema.Concept.female)
                case .male: return Int64(WarehouseSchema.Concept.male)
                case .unknown: return Int64(WarehouseSchema.Concept.none)
                }
            })
            if c.sexes.contains(.unknown) {
                // unknown = neither of the two gender concepts
                let known = [Int64(WarehouseSchema.Concept.female), Int64(WarehouseSchema.Concept.male)].filter { ids.contains($0) }
                conds.append(known.isEmpty
                             ? SQLFragment("p.gender_concept_id NOT IN (\(WarehouseSchema.Concept.female), \(WarehouseSchema.Concept.male))")
                             : SQLFragment("(p.gender_concept_id NOT IN (\(WarehouseSchema.Concept.female), \(WarehouseSchema.Concept.male)) OR ")
                               + d.inList("p.gender_concept_id", .idList(known)) + ")")
            } else {
                conds.append(d.inList("p.gender_concept_id", .idList(ids.sorted())))
            }
        }
        if let r = c.tmb, r.min != nil || r.max != nil {
            var f = SQLFragment("p.person_id IN (SELECT person_id FROM measurement WHERE measurement_source_value = ? AND value_as_number IS NOT NULL GROUP BY person_id HAVING 1 = 1",
                                [.text(tmbKind)])
            if let lo = r.min { f += SQLFragment(" AND MAX(value_as_number) >= ?", [.double(lo)]) }
            if let hi = r.max { f += SQLFragment(" AND MAX(value_as_number) <= ?", [.double(hi)]) }
            conds.append(f + ")")
        }
        if let r = c.diagnosed, r.from != nil || r.to != nil {
            var f = SQLFragment("p.person_id IN (SELECT person_id FROM condition_occurrence GROUP BY person_id HAVING 1 = 1")
            if let lo = r.from { f += SQLFragment(" AND MIN(condition_start_date) >= \(d.datePlaceholder)", [.text(lo.iso)]) }
            if let hi = r.to { f += SQLFragment(" AND MIN(condition_start_date) <= \(d.datePlaceholder)", [.text(hi.iso)]) }
            conds.append(f + ")")
        }
        for a in c.alterations {
            let q = alteredPersons(a)
            conds.append(a.present ? SQLFragment("p.person_id IN (") + q + ")"
                                   : SQLFragment("p.person_id IN (SELECT person_id FROM specimen) AND p.person_id NOT IN (") + q + ")")
        }
        for s in c.alterationSets {
            // one index probe per member (`idx_variant_gene`), as for a single alteration; UNION in both dialects
            let q = s.members.isEmpty ? SQLFragment("SELECT person_id FROM specimen WHERE 1 = 0")
                                      : SQLFragment.join(s.members.map { alteredPersons($0) }, separator: " UNION ")
            conds.append(s.present ? SQLFragment("p.person_id IN (") + q + ")"
                                   : SQLFragment("p.person_id IN (SELECT person_id FROM specimen) AND p.person_id NOT IN (") + q + ")")
        }
        for t in c.therapies where !t.drugs.isEmpty {
            var q: SQLFragment
            let drugs = SQLValue.textList(t.drugs.map { $0.lowercased() })
            if let line = t.line {
                q = SQLFragment("""
                    SELECT e.person_id FROM episode e JOIN episode_event ee ON ee.episode_id = e.episode_id
                    JOIN drug_exposure x ON x.drug_exposure_id = ee.event_id
                    WHERE e.episode_source_value = ? AND e.episode_number = ? AND
                    """, [.text(WarehouseSchema.EpisodeKind.lineOfTherapy), .int(Int64(line))]) + d.inList("x.drug_source_value", drugs)
            } else {
                q = SQLFragment("SELECT person_id FROM drug_exposure WHERE ") + d.inList("drug_source_value", drugs)
            }
            conds.append(SQLFragment(t.received ? "p.person_id IN (" : "p.person_id NOT IN (") + q + ")")
        }
        return conds
    }

    /// `SELECT person_id FROM onco_somatic_variant v WHERE …` for the alteration (its `present` ignored).
    func alteredPersons(_ a: AlterationFilter, distinct: Bool = false) -> SQLFragment {
        let d = dialect
        let kinds = a.classes.filter { ["amplification", "deletion", "fusion"].contains($0) }
        let classes = a.classes.filter { !kinds.contains($0) }
        var q = SQLFragment("SELECT \(distinct ? "DISTINCT " : "")v.person_id FROM onco_somatic_variant v WHERE v.gene = ?", [.text(a.gene)])
        var parts: [SQLFragment] = []
        if !classes.isEmpty { parts.append(SQLFragment("(v.alteration IS NULL AND ") + d.inList("v.consequence_class", .textList(classes)) + ")") }
        if !kinds.isEmpty { parts.append(d.inList("v.alteration", .textList(kinds))) }
        q += parts.isEmpty ? SQLFragment(" AND 1 = 0") : SQLFragment(" AND (") + SQLFragment.join(parts, separator: " OR ") + ")"
        // a fusion's partner pair (`EML4::ALK`, as the importer stores it) is compared as written, not as a protein change
        if let h = a.hgvsp { q += SQLFragment(" AND v.hgvsp = ?", [.text(h.contains("::") ? h : AminoAcid.shortHGVSp(h))]) }
        if a.passOnly { q += " AND (v.filter IS NULL OR v.filter = 'PASS')" }
        if let f = a.fusionFrame { q += SQLFragment(" AND (v.alteration IS NULL OR v.alteration <> 'fusion' OR v.fusion_frame = ?)", [.text(f.rawValue)]) }
        return q
    }

    /// True when the criteria select everyone (no cohort join needed).
    static func isEveryone(_ c: CohortCriteria) -> Bool { c == .all }

    /// `WITH cohort AS (...) ` when the criteria restrict, else empty; and the join clause for `alias`.
    func cohortScope(_ c: CohortCriteria, alias: String) -> (with: SQLFragment, join: SQLFragment) {
        if Self.isEveryone(c) { return ("", "") }
        return (SQLFragment("WITH ") + cohortCTE(c) + "\n", SQLFragment(" JOIN cohort ON cohort.person_id = \(alias).person_id"))
    }

    /// The cohort table read in SQL alone: the cohort ids, the endpoint through `outcomeQuery` and one
    /// `columnQuery` per column, each ordered by person id and aligned here. The reference the streamed
    /// read (`cohortTable`, `Warehouse+CohortTableRead.swift`) is tested against; ~3× slower on
    /// SQLite at a million patients (Benchmarks/results/cohort.md).
    package func cohortTableReference(_ request: CohortTableRequest, logger: Logger) async throws -> CohortTable {
        let c = request.cohort
        let d = dialect
        let idsQ = SQLFragment("WITH ") + cohortCTE(c) + " SELECT person_id AS c0 FROM cohort ORDER BY c0"
        let endpointQ: SQLFragment?
        switch request.endpoint {
        case .derived(let e)?: endpointQ = outcomeQuery(e, cohort: c, groupBy: .none) + " ORDER BY c0"
        default: endpointQ = nil
        }
        var attributeNames: [String] = []
        if case .attributes(let t, let s)? = request.endpoint { attributeNames += [t, s] }
        for col in request.columns { if case .attribute(let n) = col { attributeNames.append(n) } }
        let columnQueries: [(SQLFragment, [SQLColumnType])] = request.columns.map { col in columnQuery(col, cohort: c, dialect: d) }
        let endpointAttrQueries: [SQLFragment] = {
            if case .attributes(let t, let s)? = request.endpoint { return [attributeQuery(t, cohort: c), attributeQuery(s, cohort: c)] }
            return []
        }()
        let genotypedQ: SQLFragment? = request.columns.contains { if case .alteration = $0 { return true }; return false }
            ? { let s = cohortScope(c, alias: "x"); return s.with + "SELECT DISTINCT x.person_id AS c0 FROM specimen x" + s.join + " ORDER BY c0" }()
            : nil

        let results = try await sql.withSession { s in
            let ids = try await s.fetch(idsQ, types: [.int])
            var ep: ResultColumns?
            if let q = endpointQ { ep = try await s.fetch(q, types: [.int, .int, .int, .text]) }
            var epAttr: [ResultColumns] = []
            for q in endpointAttrQueries { epAttr.append(try await s.fetch(q, types: [.int, .text, .double, .int])) }
            var genotyped: ResultColumns?
            if let q = genotypedQ { genotyped = try await s.fetch(q, types: [.int]) }
            var cols: [ResultColumns] = []
            for (q, t) in columnQueries { cols.append(try await s.fetch(q, types: t)) }
            return (ids, ep, epAttr, genotyped, cols)
        }
        let (idsR, epR, epAttr, genotypedR, colsR) = results
        var table = CohortTable()
        let cohortIDs = idsR.ints(0).map { $0! }
        table.cohortSize = cohortIDs.count

        // Rows: the cohort, restricted to those with an endpoint.
        if let epR {
            let pid = epR.ints(0), t = epR.ints(1), e = epR.ints(2)
            table.personIDs.reserveCapacity(epR.count)
            table.time.reserveCapacity(epR.count)
            table.event.reserveCapacity(epR.count)
            for i in 0..<epR.count {
                table.personIDs.append(pid[i]!)
                table.time.append(Double(t[i]!))
                table.event.append(e[i]! != 0)
            }
        } else if epAttr.count == 2 {
            Self.attributeEndpointRows(cohortIDs, time: epAttr[0], status: epAttr[1], into: &table)
        } else {
            table.personIDs = cohortIDs
        }

        // Columns.
        for (k, col) in request.columns.enumerated() {
            let r = colsR[k]
            switch col {
            case .tumourType, .sex, .patientKey:
                let ids = r.ints(0).map { $0! }
                table.columns.append(.init(column: col, texts: Self.align(table.personIDs, ids, r.texts(1)), numbers: nil))
            case .age, .tmb, .diagnosisYear:
                let ids = r.ints(0).map { $0! }
                table.columns.append(.init(column: col, texts: nil, numbers: Self.align(table.personIDs, ids, r.doubles(1))))
            case .stage:
                let ids = r.ints(0).map { $0! }
                let n = Self.align(table.personIDs, ids, r.doubles(1))
                let names = ["0", "I", "II", "III", "IV"]
                table.columns.append(.init(column: col, texts: n.map { v in v.map { names[max(0, min(4, Int($0)))] } }, numbers: n))
            case .attribute:
                let first = Self.firstPerPerson(r)
                table.columns.append(.init(column: col, texts: Self.align(table.personIDs, first.ids, first.texts),
                                           numbers: Self.align(table.personIDs, first.ids, first.numbers)))
            case .alteration:
                let genotyped = Set(genotypedR!.ints(0).map { $0! })
                let altered = Set(r.ints(0).map { $0! })
                let v: [Double?] = table.personIDs.map { p in altered.contains(p) ? 1 : (genotyped.contains(p) ? 0 : nil) }
                table.columns.append(.init(column: col, texts: nil, numbers: v))
            }
        }
        logger.debug("warehouse.cohort_table", metadata: ["cohort.size": "\(table.cohortSize)", "cohort.rows": "\(table.count)",
                                                          "cohort.columns": "\(request.columns.count)"])
        return table
    }

    /// Rows (person, text, number, specimen-or-0) ordered by person then specimen → the first per person.
    static func firstPerPerson(_ r: ResultColumns) -> (ids: [Int64], texts: [String?], numbers: [Double?]) {
        var ids: [Int64] = [], texts: [String?] = [], numbers: [Double?] = []
        let p = r.ints(0), t = r.texts(1), n = r.doubles(2)
        var last: Int64 = .min
        for i in 0..<r.count {
            let id = p[i]!
            if id == last { continue }
            last = id
            ids.append(id); texts.append(t[i]); numbers.append(n[i])
        }
        return (ids, texts, numbers)
    }

    /// Values of `valueIDs` (ascending) placed at the rows of `rowIDs` (ascending); nil where absent.
    static func align<T>(_ rowIDs: [Int64], _ valueIDs: [Int64], _ values: [T?]) -> [T?] {
        var out = [T?](repeating: nil, count: rowIDs.count)
        var j = 0
        for (i, p) in rowIDs.enumerated() {
            while j < valueIDs.count, valueIDs[j] < p { j += 1 }
            if j < valueIDs.count, valueIDs[j] == p { out[i] = values[j] }
        }
        return out
    }

    /// One attribute's values for the cohort: (person, text, number, specimen or 0), by person then specimen.
    func attributeQuery(_ name: String, cohort c: CohortCriteria) -> SQLFragment {
        let s = cohortScope(c, alias: "a")
        return s.with + SQLFragment("""
            SELECT a.person_id AS c0, a.value_as_string AS c1, a.value_as_number AS c2, COALESCE(a.specimen_id, 0) AS c3
            FROM onco_clinical_attribute a
            """) + s.join + SQLFragment(" WHERE a.attribute = ? ORDER BY c0, c3", [.text(name)])
    }

    func columnQuery(_ col: CohortColumn, cohort c: CohortCriteria, dialect d: SQLDialect) -> (SQLFragment, [SQLColumnType]) {
        switch col {
        case .tumourType:
            let s = cohortScope(c, alias: "x")
            return (s.with + "SELECT x.person_id AS c0, MIN(x.condition_source_value) AS c1 FROM condition_occurrence x" + s.join
                    + " GROUP BY x.person_id ORDER BY c0", [.int, .text])
        case .diagnosisYear:
            let s = cohortScope(c, alias: "x")
            return (s.with + SQLFragment("SELECT x.person_id AS c0, \(d.year("MIN(x.condition_start_date)")) AS c1 FROM condition_occurrence x")
                    + s.join + " GROUP BY x.person_id ORDER BY c0", [.int, .double])
        case .age:
            let s = cohortScope(c, alias: "x")
            return (s.with + SQLFragment("""
                SELECT x.person_id AS c0, \(d.year("MIN(x.condition_start_date)")) - MIN(p.year_of_birth) AS c1
                FROM condition_occurrence x JOIN person p ON p.person_id = x.person_id
                """) + s.join + " WHERE p.year_of_birth > 0 GROUP BY x.person_id ORDER BY c0", [.int, .double])
        case .sex:
            let s = cohortScope(c, alias: "p")
            return (s.with + SQLFragment("""
                SELECT p.person_id AS c0, CASE p.gender_concept_id WHEN \(WarehouseSchema.Concept.female) THEN 'female'
                       WHEN \(WarehouseSchema.Concept.male) THEN 'male' ELSE 'unknown' END AS c1 FROM person p
                """) + s.join + " ORDER BY c0", [.int, .text])
        case .patientKey:
            let s = cohortScope(c, alias: "p")
            return (s.with + "SELECT p.person_id AS c0, p.person_source_value AS c1 FROM person p" + s.join + " ORDER BY c0", [.int, .text])
        case .stage, .tmb:
            let kind = col == .stage ? WarehouseSchema.MeasurementKind.stage : WarehouseSchema.MeasurementKind.tmb
            let s = cohortScope(c, alias: "x")
            return (s.with + "SELECT x.person_id AS c0, MAX(x.value_as_number) AS c1 FROM measurement x" + s.join
                    + SQLFragment(" WHERE x.measurement_source_value = ? AND x.value_as_number IS NOT NULL GROUP BY x.person_id ORDER BY c0",
                                  [.text(kind)]), [.int, .double])
        case .attribute(let name):
            return (attributeQuery(name, cohort: c), [.int, .text, .double, .int])
        case .alteration(let a):
            let s = cohortScope(c, alias: "v")
            // alteredPersons selects from v; wrap to join the cohort and order
            return (s.with + SQLFragment("SELECT DISTINCT w.person_id AS c0 FROM (") + alteredPersons(a) + ") w"
                    + (Self.isEveryone(c) ? "" : " JOIN cohort ON cohort.person_id = w.person_id") + " ORDER BY c0", [.int])
        }
    }

    /// The rows of an attribute endpoint (a time and a status attribute, first value per person): the
    /// cohort's persons with a finite time ≥ 0 and a status `CohortEndpoint.isEvent` reads.
    static func attributeEndpointRows(_ cohortIDs: [Int64], time: ResultColumns, status: ResultColumns, into table: inout CohortTable) {
        let time = firstPerPerson(time)
        let status = firstPerPerson(status)
        let tAligned = align(cohortIDs, time.ids, time.numbers)
        let sAligned = align(cohortIDs, status.ids, status.texts)
        for (i, p) in cohortIDs.enumerated() {
            guard let t = tAligned[i], t.isFinite, t >= 0, let st = sAligned[i], let ev = CohortEndpoint.isEvent(st) else { continue }
            table.personIDs.append(p)
            table.time.append(t)
            table.event.append(ev)
        }
    }
}
