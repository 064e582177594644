import Foundation
import Logging
import OncoCore

// Reads for the similarity index (module Similarity): a packed profile read and person keys.
// Kept apart from `Warehouse+Queries.swift` so that the index's fast path and the general
// `profiles(cohort:options:logger:)` can evolve (and merge) independently.

extension Warehouse {
    /// The same profiles as `profiles(cohort:options:logger:)`, read for the similarity index, with the
    /// alterations also dictionary-coded (`ProfileTable.alterationKinds`, `alterationCodes`).
    ///
    /// Profiles from five narrow reads merged by person id in Swift: persons; diagnosis year and type;
    /// stage and TMB measurements; line counts; alterations (dictionary-coded, no DISTINCT or ORDER BY in
    /// SQL: deduplicated and sorted per patient here). Each read is one pass over its table (or its index)
    /// with no join when the cohort is everyone.
    public func similarityProfiles(cohort: CohortCriteria, options: ProfileOptions, logger: Logger) async throws -> ProfileTable {
        let d = dialect
        let everyone = cohort == .all
        let head: SQLFragment = everyone ? "" : SQLFragment("WITH ") + cohortCTE(cohort) + "\n"
        func inCohort(_ alias: String) -> String { everyone ? "" : " JOIN cohort ON cohort.person_id = \(alias).person_id" }
        let personsQ = head + SQLFragment("""
            SELECT p.person_id AS c0, p.person_source_value AS c1, p.year_of_birth AS c2, p.gender_source_value AS c3
            FROM person p\(inCohort("p")) ORDER BY c0
            """)
        let diagQ = head + SQLFragment("""
            SELECT x.person_id AS c0, \(d.year("MIN(x.condition_start_date)")) AS c1, MIN(x.condition_source_value) AS c2
            FROM condition_occurrence x\(inCohort("x")) GROUP BY x.person_id ORDER BY c0
            """)
        let measQ = head + SQLFragment("""
            SELECT x.person_id AS c0, CASE WHEN x.measurement_source_value = ? THEN 1 ELSE 2 END AS c1, MAX(x.value_as_number) AS c2
            FROM measurement x\(inCohort("x")) WHERE x.measurement_source_value = ? OR x.measurement_source_value = ?
            GROUP BY x.person_id, x.measurement_source_value ORDER BY c0, c1
            """, [.text(WarehouseSchema.MeasurementKind.stage), .text(WarehouseSchema.MeasurementKind.stage),
                  .text(WarehouseSchema.MeasurementKind.tmb)])
        let linesQ = head + SQLFragment("""
            SELECT x.person_id AS c0, COUNT(*) AS c1 FROM episode x\(inCohort("x"))
            WHERE x.episode_source_value = ? GROUP BY x.person_id ORDER BY c0
            """, [.text(WarehouseSchema.EpisodeKind.lineOfTherapy)])
        var altQ = head + SQLFragment("""
            SELECT v.person_id AS c0, v.gene AS c1, COALESCE(v.alteration, v.consequence_class) AS c2, v.hgvsp AS c3
            FROM onco_somatic_variant v\(inCohort("v"))
            WHERE v.gene IS NOT NULL AND (v.alteration IS NOT NULL OR\u{20}
            """)
        altQ += d.inList("v.consequence_class", .textList(options.consequenceClasses)) + ")"
        if options.passOnly { altQ += " AND (v.filter IS NULL OR v.filter = 'PASS')" }
        let queries = (personsQ, diagQ, measQ, linesQ, altQ)
        let (pr, dr, mr, lr, ar) = try await sql.withSession { s in
            (try await s.fetch(queries.0, types: [.int, .text, .int, .text]),
             try await s.fetch(queries.1, types: [.int, .int, .text]),
             try await s.fetch(queries.2, types: [.int, .int, .double]),
             try await s.fetch(queries.3, types: [.int, .int]),
             try await s.fetchCoded(queries.4, textColumns: 3))
        }
        return Self.assembleProfiles(persons: pr, diagnoses: dr, measurements: mr, lines: lr, alterations: ar)
    }

    /// Merges the five reads of `packedProfiles` (each ordered by person id, alterations in any order).
    static func assembleProfiles(persons pr: ResultColumns, diagnoses dr: ResultColumns, measurements mr: ResultColumns,
                                 lines lr: ResultColumns, alterations ar: CodedRows) -> ProfileTable {
        var t = ProfileTable()
        let n = pr.count
        t.personIDs = pr.ints(0).map { $0! }
        t.keys = pr.texts(1).map { $0 ?? "" }
        t.sexes = pr.texts(3).map { Sex(parsing: $0 ?? "") }
        let yob = pr.ints(2)
        // Person id → row: a dense table when ids are compact (they are: assigned 1, 2, … by imports).
        let lo = t.personIDs.first ?? 0, hi = t.personIDs.last ?? -1
        let dense = n > 0 && hi - lo < Int64(4 * n + 1024)
        var denseRow = [Int32](repeating: -1, count: dense ? Int(hi - lo + 1) : 0)
        var sparseRow: [Int64: Int32] = [:]
        if dense { for (i, p) in t.personIDs.enumerated() { denseRow[Int(p - lo)] = Int32(i) } } else {
            sparseRow.reserveCapacity(n)
            for (i, p) in t.personIDs.enumerated() { sparseRow[p] = Int32(i) }
        }
        func row(_ p: Int64) -> Int? {
            if dense { return p >= lo && p <= hi ? Int(denseRow[Int(p - lo)]).nonNegative : nil }
            return sparseRow[p].map(Int.init)
        }
        t.tumourTypes = Array(repeating: nil, count: n)
        t.ages = Array(repeating: nil, count: n)
        let dp = dr.ints(0), dy = dr.ints(1), dt = dr.texts(2)
        for j in 0..<dr.count {
            guard let i = row(dp[j]!) else { continue }
            t.tumourTypes[i] = dt[j]
            if let y = dy[j], let b = yob[i], b > 0 { t.ages[i] = Int(y - b) }
        }
        t.stages = Array(repeating: nil, count: n)
        t.tmb = Array(repeating: nil, count: n)
        let mp = mr.ints(0), mk = mr.ints(1), mv = mr.doubles(2)
        for j in 0..<mr.count {
            guard let i = row(mp[j]!), let v = mv[j] else { continue }
            if mk[j] == 1 { t.stages[i] = ["0", "I", "II", "III", "IV"][max(0, min(4, Int(v)))] } else { t.tmb[i] = v }
        }
        t.lineCounts = Array(repeating: 0, count: n)
        let lp = lr.ints(0), lc = lr.ints(1)
        for j in 0..<lr.count { if let i = row(lp[j]!) { t.lineCounts[i] = Int(lc[j] ?? 0) } }

        // Alteration kinds sorted (gene, HGVSp, class), then bucketed per patient (counting sort),
        // sorted and deduplicated per patient.
        let kinds = ar.tuples.map { ProfileAlteration(gene: $0[0] ?? "", consequenceClass: $0[1] ?? "", hgvsp: $0[2]) }
        let order = kinds.indices.sorted { a, b in
            let x = kinds[a], y = kinds[b]
            if x.gene != y.gene { return x.gene < y.gene }
            if (x.hgvsp ?? "") != (y.hgvsp ?? "") { return (x.hgvsp ?? "") < (y.hgvsp ?? "") }
            if x.consequenceClass != y.consequenceClass { return x.consequenceClass < y.consequenceClass }
            return x.hgvsp == nil && y.hgvsp != nil
        }
        var rank = [Int32](repeating: 0, count: kinds.count)
        for (r, k) in order.enumerated() { rank[k] = Int32(r) }
        t.alterationKinds = order.map { kinds[$0] }
        var start = [Int](repeating: 0, count: n + 1)
        var owner = [Int32](repeating: -1, count: ar.count)
        for j in 0..<ar.count {
            guard let i = row(ar.ids[j]) else { continue }
            owner[j] = Int32(i)
            start[i + 1] += 1
        }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start
        var bucket = [Int32](repeating: 0, count: start[n])
        for j in 0..<ar.count where owner[j] >= 0 {
            let i = Int(owner[j])
            bucket[fill[i]] = rank[Int(ar.codes[j])]
            fill[i] += 1
        }
        t.alterationStart = [0]
        t.alterationStart.reserveCapacity(n + 1)
        t.alterationCodes.reserveCapacity(bucket.count)
        for i in 0..<n {
            var s = bucket[start[i]..<start[i + 1]]
            s.sort()
            var last: Int32 = -1
            for c in s where c != last { t.alterationCodes.append(c); last = c }
            t.alterationStart.append(t.alterationCodes.count)
        }
        t.genes.reserveCapacity(t.alterationCodes.count)
        t.classes.reserveCapacity(t.alterationCodes.count)
        t.hgvsp.reserveCapacity(t.alterationCodes.count)
        for c in t.alterationCodes {
            let k = t.alterationKinds[Int(c)]
            t.genes.append(k.gene); t.classes.append(k.consequenceClass); t.hgvsp.append(k.hgvsp)
        }
        return t
    }

    /// Person ids and pseudonymous keys (`person_source_value`) of a cohort, ordered by person id: maps
    /// similarity-search neighbours (keys) back to persons, and lists who is in the warehouse.
    public func personKeys(cohort: CohortCriteria, logger: Logger) async throws -> PersonKeys {
        let q: SQLFragment = cohort == .all
            ? "SELECT p.person_id AS c0, p.person_source_value AS c1 FROM person p ORDER BY c0"
            : SQLFragment("WITH ") + cohortCTE(cohort) + " SELECT p.person_id AS c0, p.person_source_value AS c1 FROM person p JOIN cohort ON cohort.person_id = p.person_id ORDER BY c0"
        let r = try await sql.withSession { s in try await s.fetch(q, types: [.int, .text]) }
        return PersonKeys(personIDs: r.ints(0).map { $0! }, keys: r.texts(1).map { $0 ?? "" })
    }
}

private extension Int {
    /// nil for a negative value (an absent row).
    var nonNegative: Int? { self >= 0 ? self : nil }
}
