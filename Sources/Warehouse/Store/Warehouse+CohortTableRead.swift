import Foundation
import Logging
import OncoCore

/// The cohort-table read: person-ordered streams merged in one pass.
///
/// Each query is a plain scan of one covering index in person order (`0007_cohort_outcome_indexes`),
/// without SQL joins between the clinical tables and, on SQLite, without `GROUP BY`: per-person MIN/MAX
/// and the endpoint arithmetic (index → event or end of follow-up) are done here while merging. One
/// diagnosis stream (earliest date, tumour type) feeds the endpoint's index, the age, tumour-type and
/// diagnosis-year columns. The streams are independent and read concurrently (SQLite: WAL readers of the
/// `DatabasePool`; PostgreSQL: pooled connections).
///
/// Semantics are those of `outcomeQuery` and `columnQuery` (the SQL-only read kept as
/// `cohortTableReference`, which the tests compare against): dates are whole days (`Day`), so the
/// difference of epoch days equals SQLite's `julianday` difference and PostgreSQL's `date - date`.
/// On PostgreSQL the diagnosis stream stays grouped in SQL so that `MIN(condition_source_value)` follows
/// the database collation; on SQLite (`BINARY` collation) it is the bytewise minimum computed here.
extension Warehouse {
    /// One stream of the read: a query and its column types.
    private struct Stream: Sendable {
        var query: SQLFragment
        var types: [SQLColumnType]
    }

    /// Days since 1970-01-01 of a `date` expression, as an integer (NULL for an unreadable SQLite date).
    func epochDay(_ date: String) -> String {
        switch dialect {
        case .sqlite: return "CAST(julianday(\(date)) - 2440587.5 AS INTEGER)"
        case .postgres: return "(\(date) - DATE '1970-01-01')"
        }
    }

    /// The streams of one cohort-table read, and which result each part of the table comes from.
    private struct StreamPlan {
        var streams: [Stream] = []
        /// (person, day, tumour type) of the diagnosis, when the endpoint or a column needs it.
        var diagnosisK: Int?
        /// The derived endpoint's (person, day) streams.
        var followUpK: Int?, deathK: Int?, lineK: Int?, nextLineK: Int?, progressionK: Int?
        /// A study endpoint's time and status attributes.
        var attributeKs: [Int] = []
        /// The sequenced persons, when an alteration column is asked for.
        var genotypedK: Int?
        /// Per requested column, its stream (nil: made from the diagnosis or persons streams).
        var columnK: [Int?] = []
    }

    /// Answers a `CohortTableRequest`: the cohort's rows with the endpoint and the requested columns. The
    /// cohort's persons are read first, its criteria evaluated once (`personsQuery`); the other streams are
    /// scoped by that result (`streamScope`), planned (`planStreams`), read concurrently, then merged by
    /// person: the rows with the endpoint (`endpointRows`), then the columns (`appendColumns`). Scoping every
    /// stream by the criteria instead re-evaluated them per stream: a stage and age population took 24 s of
    /// CPU at a million patients in nine streams (docs/scale.md, stop 19).
    public func cohortTable(_ request: CohortTableRequest, logger: Logger) async throws -> CohortTable {
        let sql = self.sql
        let everyone = Self.isEveryone(request.cohort)
        async let personCount: Int64? = everyone ? nil
            : try await sql.withSession { try await $0.fetch(SQLFragment("SELECT COUNT(*) AS c0 FROM person"), types: [.int]) }.ints(0).first ?? nil
        let personsQ = personsQuery(request)
        let persons = try await sql.withSession { try await $0.fetch(personsQ, types: [.int, .int]) }
        let cohortIDs = persons.ints(0).map { $0! }
        let plan = planStreams(request, scope: Self.streamScope(request.cohort, cohortIDs: cohortIDs, persons: try await personCount))

        // Read them concurrently.
        let reads = plan.streams
        let results: [ResultColumns] = try await withThrowingTaskGroup(of: (Int, ResultColumns).self) { g in
            for (k, s) in reads.enumerated() {
                g.addTask { (k, try await sql.withSession { try await $0.fetch(s.query, types: s.types) }) }
            }
            var out = [ResultColumns?](repeating: nil, count: reads.count)
            for try await (k, r) in g { out[k] = r }
            return out.map { $0! }
        }

        var table = CohortTable()
        table.cohortSize = cohortIDs.count
        let diagnosis = plan.diagnosisK.map { Self.diagnoses(results[$0]) }

        // Rows.
        if case .derived(let e)? = request.endpoint {
            let rows = Self.endpointRows(e, cohortIDs: cohortIDs, index: plan.lineK.map { Self.dayStream(results[$0]) } ?? diagnosis!.days,
                                         followUp: Self.dayStream(results[plan.followUpK!], latest: true), death: Self.dayStream(results[plan.deathK!]),
                                         progression: plan.progressionK.map { results[$0] }, nextLine: plan.nextLineK.map { Self.dayStream(results[$0]) })
            table.personIDs = rows.ids; table.time = rows.time; table.event = rows.event
        } else if plan.attributeKs.count == 2 {
            Self.attributeEndpointRows(cohortIDs, time: results[plan.attributeKs[0]], status: results[plan.attributeKs[1]], into: &table)
        } else {
            table.personIDs = cohortIDs
        }

        Self.appendColumns(request, plan: plan, results: results, persons: persons, cohortIDs: cohortIDs, diagnosis: diagnosis, to: &table)
        logger.debug("warehouse.cohort_table", metadata: ["cohort.size": "\(table.cohortSize)", "cohort.rows": "\(table.count)",
                                                          "cohort.columns": "\(request.columns.count)", "cohort.queries": "\(plan.streams.count)"])
        return table
    }

    /// The cohort's persons (with the year of birth when the age is asked for), ascending.
    private func personsQuery(_ request: CohortTableRequest) -> SQLFragment {
        let c = request.cohort
        let born = request.columns.contains(.age) ? "p.year_of_birth" : "0"
        return Self.isEveryone(c)
            ? SQLFragment("SELECT p.person_id AS c0, \(born) AS c1 FROM person p ORDER BY c0")
            : SQLFragment("WITH ") + cohortCTE(c) + SQLFragment(" SELECT p.person_id AS c0, \(born) AS c1 FROM person p JOIN cohort ON cohort.person_id = p.person_id ORDER BY c0")
    }

    /// How the streams after the persons' read are scoped: everyone when the criteria select everyone or
    /// when the cohort holds more than a tenth of the warehouse's persons (a scan of the whole table costs
    /// less than looking up that many ids, and the merges keep only the cohort's rows: each walks the
    /// ascending cohort ids and skips the others); else the cohort's ids as a list (an indexed lookup
    /// each). Never the criteria again.
    static func streamScope(_ c: CohortCriteria, cohortIDs: [Int64], persons: Int64?) -> CohortCriteria {
        if isEveryone(c) { return .all }
        if let persons, Int64(cohortIDs.count) * 10 > persons { return .all }
        return CohortCriteria(personIDs: cohortIDs)
    }

    /// The queries of a read after the persons': the diagnosis when needed, the endpoint's streams, the
    /// sequenced persons and one stream per requested column that is not made from those, each scoped by
    /// `scope` (the cohort's ids, or everyone).
    private func planStreams(_ request: CohortTableRequest, scope c: CohortCriteria) -> StreamPlan {
        let d = dialect
        let lineKind = WarehouseSchema.EpisodeKind.lineOfTherapy

        // What is needed.
        var derived: OutcomeEndpoint?
        if case .derived(let e)? = request.endpoint { derived = e }
        let needsDiagnosis: Bool = {
            switch derived {
            case .overallSurvival(.diagnosis)?, .progressionFreeSurvival(.diagnosis)?: return true
            default: break
            }
            return request.columns.contains { [CohortColumn.tumourType, .age, .diagnosisYear].contains($0) }
        }()

        // The streams.
        var streams: [Stream] = []
        func add(_ q: SQLFragment, _ t: [SQLColumnType]) -> Int { streams.append(Stream(query: q, types: t)); return streams.count - 1 }
        func scoped(_ alias: String, _ body: SQLFragment) -> SQLFragment {
            let s = cohortScope(c, alias: alias)
            return s.with + body.replacingJoin(s.join)
        }
        // Diagnosis: (person, day, tumour type), several rows per person on SQLite.
        var diagnosisK: Int?
        if needsDiagnosis {
            let body: SQLFragment = d == .sqlite
                ? SQLFragment("SELECT x.person_id AS c0, \(epochDay("x.condition_start_date")) AS c1, x.condition_source_value AS c2 FROM condition_occurrence x{JOIN} ORDER BY c0")
                : SQLFragment("SELECT x.person_id AS c0, MIN(\(epochDay("x.condition_start_date"))) AS c1, MIN(x.condition_source_value) AS c2 FROM condition_occurrence x{JOIN} GROUP BY x.person_id ORDER BY c0")
            diagnosisK = add(scoped("x", body), [.int, .int, .text])
        }
        // Endpoint streams: (person, day), several rows per person; reduced while merging.
        var followUpK: Int?, deathK: Int?, lineK: Int?, nextLineK: Int?, progressionK: Int?
        func lineStart(_ n: Int) -> Int {
            add(scoped("x", SQLFragment("SELECT x.person_id AS c0, \(epochDay("x.episode_start_date")) AS c1 FROM episode x{JOIN} WHERE x.episode_source_value = ? AND x.episode_number = ? ORDER BY c0",
                                        [.text(lineKind), .int(Int64(n))])), [.int, .int])
        }
        if let e = derived {
            followUpK = add(scoped("x", SQLFragment("SELECT x.person_id AS c0, \(epochDay("x.observation_period_end_date")) AS c1 FROM observation_period x{JOIN} ORDER BY c0")), [.int, .int])
            deathK = add(scoped("x", SQLFragment("SELECT x.person_id AS c0, \(epochDay("x.death_date")) AS c1 FROM death x{JOIN} ORDER BY c0")), [.int, .int])
            switch e {
            case .overallSurvival(let i):
                if case .lineStart(let n) = i { lineK = lineStart(n) }
            case .progressionFreeSurvival(let i):
                if case .lineStart(let n) = i { lineK = lineStart(n) }
                progressionK = add(scoped("x", SQLFragment("SELECT x.person_id AS c0, \(epochDay("x.episode_start_date")) AS c1 FROM episode x{JOIN} WHERE x.episode_source_value = ? ORDER BY c0, c1",
                                                           [.text(WarehouseSchema.EpisodeKind.progression)])), [.int, .int])
            case .timeToNextTreatment(let n):
                lineK = lineStart(n)
                nextLineK = lineStart(n + 1)
            }
        }
        var attributeKs: [Int] = []
        if case .attributes(let t, let s)? = request.endpoint {
            attributeKs = [add(attributeQuery(t, cohort: c), [.int, .text, .double, .int]), add(attributeQuery(s, cohort: c), [.int, .text, .double, .int])]
        }
        var genotypedK: Int?
        if request.columns.contains(where: { if case .alteration = $0 { return true }; return false }) {
            // One row per specimen (no DISTINCT: the merge skips repeats).
            genotypedK = add(scoped("x", "SELECT x.person_id AS c0 FROM specimen x{JOIN} ORDER BY c0"), [.int])
        }
        var columnK: [Int?] = []
        for col in request.columns {
            switch col {
            case .tumourType, .age, .diagnosisYear: columnK.append(nil)
            default:
                let (q, t) = columnQuery(col, cohort: c, dialect: d)
                columnK.append(add(q, t))
            }
        }

        return StreamPlan(streams: streams, diagnosisK: diagnosisK, followUpK: followUpK, deathK: deathK, lineK: lineK,
                          nextLineK: nextLineK, progressionK: progressionK, attributeKs: attributeKs, genotypedK: genotypedK, columnK: columnK)
    }

    /// The requested columns, aligned to the table's rows: tumour type, diagnosis year and age from the diagnosis
    /// stream, the others from their own streams.
    private static func appendColumns(_ request: CohortTableRequest, plan: StreamPlan, results: [ResultColumns], persons: ResultColumns, cohortIDs: [Int64],
                                      diagnosis: (days: DayStream, tumourTypes: [String?])?, to table: inout CohortTable) {
        for (k, col) in request.columns.enumerated() {
            switch col {
            case .tumourType:
                let dg = diagnosis!
                table.columns.append(.init(column: col, texts: Self.align(table.personIDs, dg.days.ids, dg.tumourTypes), numbers: nil))
            case .diagnosisYear:
                let dg = diagnosis!
                let years = dg.days.days.map { $0.map { Double(Day(daysSinceEpoch: Int($0)).year) } }
                table.columns.append(.init(column: col, texts: nil, numbers: Self.align(table.personIDs, dg.days.ids, years)))
            case .age:
                let dg = diagnosis!
                let born = Self.align(table.personIDs, cohortIDs, persons.ints(1))
                let first = Self.align(table.personIDs, dg.days.ids, dg.days.days)
                let ages: [Double?] = zip(born, first).map { b, f in
                    guard let b, b > 0, let f else { return nil }
                    return Double(Day(daysSinceEpoch: Int(f)).year - Int(b))
                }
                table.columns.append(.init(column: col, texts: nil, numbers: ages))
            case .sex, .patientKey:
                let r = results[plan.columnK[k]!]
                table.columns.append(.init(column: col, texts: Self.align(table.personIDs, r.ints(0).map { $0! }, r.texts(1)), numbers: nil))
            case .tmb:
                let r = results[plan.columnK[k]!]
                table.columns.append(.init(column: col, texts: nil, numbers: Self.align(table.personIDs, r.ints(0).map { $0! }, r.doubles(1))))
            case .stage:
                let r = results[plan.columnK[k]!]
                let n = Self.align(table.personIDs, r.ints(0).map { $0! }, r.doubles(1))
                let names = ["0", "I", "II", "III", "IV"]
                table.columns.append(.init(column: col, texts: n.map { v in v.map { names[max(0, min(4, Int($0)))] } }, numbers: n))
            case .attribute:
                let first = Self.firstPerPerson(results[plan.columnK[k]!])
                table.columns.append(.init(column: col, texts: Self.align(table.personIDs, first.ids, first.texts),
                                           numbers: Self.align(table.personIDs, first.ids, first.numbers)))
            case .alteration:
                let genotypedIDs = results[plan.genotypedK!].ints(0).map { $0! }
                let alteredIDs = results[plan.columnK[k]!].ints(0).map { $0! }
                let genotyped = Self.align(table.personIDs, genotypedIDs, [Bool?](repeating: true, count: genotypedIDs.count))
                let altered = Self.align(table.personIDs, alteredIDs, [Bool?](repeating: true, count: alteredIDs.count))
                let v: [Double?] = zip(altered, genotyped).map { a, g in a != nil ? 1 : (g != nil ? 0 : nil) }
                table.columns.append(.init(column: col, texts: nil, numbers: v))
            }
        }
    }

    /// Per-person days (ascending person ids, one entry each).
    struct DayStream {
        var ids: [Int64] = []
        var days: [Int64?] = []
    }

    /// The diagnosis stream reduced per person: the earliest day and the least tumour type (SQL `MIN`,
    /// NULLs ignored; text compared bytewise, as SQLite's `BINARY` collation).
    static func diagnoses(_ r: ResultColumns) -> (days: DayStream, tumourTypes: [String?]) {
        var s = DayStream(), tt: [String?] = []
        let p = r.ints(0), dd = r.ints(1), t = r.texts(2)
        s.ids.reserveCapacity(r.count); s.days.reserveCapacity(r.count); tt.reserveCapacity(r.count)
        for i in 0..<r.count {
            let id = p[i]!
            if id != s.ids.last {
                s.ids.append(id); s.days.append(dd[i]); tt.append(t[i])
                continue
            }
            let k = s.ids.count - 1
            if let v = dd[i], s.days[k].map({ v < $0 }) ?? true { s.days[k] = v }
            if let v = t[i], tt[k].map({ v.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true { tt[k] = v }
        }
        return (s, tt)
    }

    /// A (person, day) stream reduced per person to its earliest day (`MIN`, NULLs ignored); `latest`
    /// takes the latest (`MAX`). A person whose days are all NULL keeps a row with a NULL day.
    static func dayStream(_ r: ResultColumns, latest: Bool = false) -> DayStream {
        var s = DayStream()
        let p = r.ints(0), dd = r.ints(1)
        s.ids.reserveCapacity(r.count); s.days.reserveCapacity(r.count)
        for i in 0..<r.count {
            let id = p[i]!
            if id != s.ids.last { s.ids.append(id); s.days.append(dd[i]); continue }
            let k = s.ids.count - 1
            if let v = dd[i], s.days[k].map({ latest ? v > $0 : v < $0 }) ?? true { s.days[k] = v }
        }
        return s
    }

    /// The endpoint per cohort patient, as `outcomeQuery` defines it: the index day (`index`), the event
    /// day (death; for PFS the earlier of the first progression on/after the diagnosis — after a line
    /// start — and death; for TTNT the earlier of the next line's start and death), censored at the latest
    /// end of observation. Patients without an index, without an observation period, or with a negative
    /// or unknown time are left out.
    static func endpointRows(_ e: OutcomeEndpoint, cohortIDs: [Int64], index: DayStream, followUp: DayStream, death: DayStream,
                             progression: ResultColumns?, nextLine: DayStream?) -> (ids: [Int64], time: [Double], event: [Bool]) {
        var ids: [Int64] = [], time: [Double] = [], event: [Bool] = []
        ids.reserveCapacity(cohortIDs.count); time.reserveCapacity(cohortIDs.count); event.reserveCapacity(cohortIDs.count)
        var ci = 0, fi = 0, di = 0, ni = 0, pi = 0
        let prIDs = progression?.ints(0) ?? [], prDays = progression?.ints(1) ?? []
        let strictlyAfter: Bool
        switch e {
        case .progressionFreeSurvival(.lineStart): strictlyAfter = true
        default: strictlyAfter = false
        }
        /// The row of `p` in a per-person stream (advancing its cursor), nil when absent.
        func find(_ p: Int64, _ ids: [Int64], _ j: inout Int) -> Int? {
            while j < ids.count, ids[j] < p { j += 1 }
            return j < ids.count && ids[j] == p ? j : nil
        }
        /// SQL's `CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a WHEN a < b THEN a ELSE b END`.
        func earliest(_ a: Int64?, _ b: Int64?) -> Int64? {
            guard let a else { return b }
            guard let b else { return a }
            return a < b ? a : b
        }
        for p in cohortIDs {
            guard let ik = find(p, index.ids, &ci), let start = index.days[ik] else { continue }
            guard let fk = find(p, followUp.ids, &fi) else { continue }
            // A death row with an unreadable date: the SQL time is NULL, the patient left out.
            let dk = find(p, death.ids, &di)
            if let dk, death.days[dk] == nil { continue }
            let died = dk.flatMap { death.days[$0] }
            var ev: Int64?
            switch e {
            case .overallSurvival:
                ev = died
            case .progressionFreeSurvival:
                while pi < prIDs.count, prIDs[pi]! < p { pi += 1 }
                var first: Int64?
                while pi < prIDs.count, prIDs[pi]! == p {
                    if first == nil, let day = prDays[pi], strictlyAfter ? day > start : day >= start { first = day }
                    pi += 1
                }
                ev = earliest(first, died)
            case .timeToNextTreatment:
                let nk = find(p, nextLine!.ids, &ni)
                ev = earliest(nk.flatMap { nextLine!.days[$0] }, died)
            }
            guard let end = ev ?? followUp.days[fk] else { continue }
            let t = end - start
            guard t >= 0 else { continue }
            ids.append(p); time.append(Double(t)); event.append(ev != nil)
        }
        return (ids, time, event)
    }
}

extension SQLFragment {
    /// Replaces the `{JOIN}` marker of a stream query with the cohort join (or nothing).
    fileprivate func replacingJoin(_ join: SQLFragment) -> SQLFragment {
        guard let r = sql.range(of: "{JOIN}") else { return self }
        // Stream queries bind values only after the marker (their WHERE clause); the join binds nothing.
        precondition(!sql[..<r.lowerBound].contains("?") && join.values.isEmpty, "a stream query binds before {JOIN}")
        var out = SQLFragment(String(sql[..<r.lowerBound]))
        out += join
        out += SQLFragment(String(sql[r.upperBound...]), values)
        return out
    }
}
