import Foundation
import Logging
import OncoCore

/// Which patients' lines of therapy to fetch for real-world evidence: a `CohortCriteria` (tumour
/// types, protein changes, altered genes, explicit person ids, ...) and, optionally, molecular
/// conditions it cannot express. All conditions must hold.
public struct LineOutcomeQuery: Sendable, Hashable, Codable {
    public var cohort: CohortCriteria
    public var biomarkers: [BiomarkerCriterion]
    /// Clinical attribute names read as performance status (`LineOutcomeTable.performanceStatus`), in
    /// order of preference: the first a patient has recorded decides. Names containing `KARNOFSKY` (or
    /// `KPS`) hold Karnofsky scores, converted to ECOG (`PerformanceStatusScale`).
    public var performanceStatusAttributes: [String]
    /// The default names: ECOG (as cBioPortal and the synthetic generator write it) and Karnofsky.
    public static let defaultPerformanceStatusAttributes = ["ECOG", "ECOG_PS", "ECOG_SCORE", "PERFORMANCE_STATUS",
                                                            "KARNOFSKY_PERFORMANCE_SCORE", "KARNOFSKY"]
    public init(cohort: CohortCriteria, biomarkers: [BiomarkerCriterion] = [],
                performanceStatusAttributes: [String] = LineOutcomeQuery.defaultPerformanceStatusAttributes) {
        self.cohort = cohort
        self.biomarkers = biomarkers
        self.performanceStatusAttributes = performanceStatusAttributes
    }
}

/// Every line of therapy of a cohort with what a treated-versus-comparator survival analysis needs,
/// in columns: line `i` of the table is `personIDs[i]`'s line `lineNumbers[i]`, its drugs are
/// `drugs[drugStart[i] ..< drugStart[i + 1]]` (lower-case generic names as stored, sorted, distinct),
/// and its overall survival is measured from the line's start (`osDays`, `osEvents`: death is the
/// event; censored at the end of the person's observation). Rows are ordered by person, then line.
///
/// Lines whose start lies after the end of follow-up are left out. `cohortSize` counts the cohort's
/// patients, with or without lines.
public struct LineOutcomeTable: Sendable, Hashable {
    public var cohortSize: Int = 0
    public var personIDs: [Int64] = []
    public var lineNumbers: [Int] = []
    /// Days from diagnosis to the start of the line.
    public var startDays: [Int] = []
    public var osDays: [Double] = []
    public var osEvents: [Bool] = []
    /// Age at diagnosis in years (year of diagnosis − year of birth), nil when unknown.
    public var ages: [Int?] = []
    /// Stage at diagnosis as an ordinal 0...4 (`measurement` stage), nil when unknown.
    public var stages: [Int?] = []
    public var drugStart: [Int] = [0]
    public var drugs: [String] = []

    // What an emulated target trial (issue #22) needs at each line's start (time zero). Same length
    // as `personIDs`; nil = not recorded (never a default value). Sex, tumour type, start year and TMB
    // are read with the line (`onco_line_outcome`, migration 0012); performance status and the known
    // day depend on the query and are read for the patients with lines (`Warehouse+TimeZero`).
    /// Sex as recorded (`F`, `M`; nil when the warehouse has it as unknown).
    public var sexes: [String?] = []
    /// The OncoTree code of the person's diagnosis (the earliest `condition_occurrence`), upper case.
    public var tumourTypes: [String?] = []
    /// Calendar year of the line's start.
    public var startYears: [Int?] = []
    /// Performance status on the ECOG scale (0–4), from the person-level clinical attributes named by
    /// `LineOutcomeQuery.performanceStatusAttributes` (the first one the person has decides). Such
    /// attributes carry no date: the value is taken as recorded at diagnosis (baseline), the same on
    /// each of the person's rows, not as the status at each line's start. Karnofsky scores are
    /// converted (100–90 → 0, 80–70 → 1, 60–50 → 2, 40–30 → 3, 20–10 → 4; Oken et al. 1982, see
    /// `PerformanceStatusScale`). nil when not recorded, or recorded but unreadable (then the person is
    /// in `unreadablePerformanceStatus`).
    public var performanceStatus: [Double?] = []
    /// Persons of the table whose performance status was recorded but could not be read (not a number,
    /// off the scale, or disagreeing rows of the deciding attribute); their `performanceStatus` is nil.
    public var unreadablePerformanceStatus: Set<Int64> = []
    /// Tumour mutational burden (mutations/Mb), the first measured (earliest measurement date).
    public var tmb: [Double?] = []
    /// Days from diagnosis to when the query's biomarkers were first known for the person: per molecular
    /// condition of the query (each protein change, altered gene, codon, class, copy-number or fusion
    /// event, TMB/MSI threshold), the earliest sequencing date (else collection date) of a specimen
    /// carrying it (`onco_specimen_timing`; for TMB/MSI the measurement's specimen); the latest of the
    /// conditions (all known). The same on each of the person's rows. nil = timing unknown (no carrying
    /// specimen has a date; never "at diagnosis"), or no molecular condition (`not-required`).
    public var biomarkerKnownDays: [Int?] = []
    /// How `biomarkerKnownDays` was dated: `sequenced`, `collected`, `not-required` (the query has no
    /// molecular condition: nothing to wait for) or nil (unknown timing). On equal days, `sequenced`.
    public var biomarkerKnownBy: [String?] = []

    public init() {}
    /// Number of lines.
    public var count: Int { personIDs.count }
    /// The drugs of line `i`.
    public func drugs(ofLine i: Int) -> ArraySlice<String> { drugs[drugStart[i]..<drugStart[i + 1]] }

    /// `F`/`M` for a stored `gender_source_value` (`female`, `male`), nil otherwise.
    static func sexCode(_ stored: String?) -> String? {
        switch stored.map(Sex.init(parsing:)) {
        case .female?: return "F"
        case .male?: return "M"
        default: return nil
        }
    }
}

extension Warehouse {
    /// The condition on `onco_somatic_variant` (alias `v`) for one protein change.
    func proteinChangeBody(gene: String, hgvsp: String, alias v: String) -> SQLFragment {
        SQLFragment("\(v).gene = ? AND \(v).hgvsp = ?", [.text(gene), .text(AminoAcid.shortHGVSp(hgvsp))])
    }

    /// The condition on `onco_somatic_variant` for "the gene is altered" (`CohortCriteria.alteredGenes`):
    /// a gene-level alteration or a small variant of an altering consequence class.
    func alteredGeneBody(_ gene: String, alias v: String) -> SQLFragment {
        SQLFragment("\(v).gene = ? AND (\(v).alteration IS NOT NULL OR ", [.text(gene)])
            + dialect.inList("\(v).consequence_class", .textList(Self.alteringClasses)) + ")"
    }

    /// The condition on `onco_somatic_variant` for a biomarker evaluated on variants (nil for TMB, MSI).
    func biomarkerBody(_ b: BiomarkerCriterion, alias v: String) -> SQLFragment? {
        let d = dialect
        switch b {
        case .proteinChange(let g, let p):
            return proteinChangeBody(gene: g, hgvsp: p, alias: v)
        case .codon(let g, let r):
            // p.G12 followed by a non-digit: LIKE 'p.G12%' and the next character not a digit.
            let prefix = "p.\(r)"
            let n = prefix.count
            let next = d == .sqlite ? "substr(\(v).hgvsp, \(n + 1), 1)" : "substring(\(v).hgvsp from \(n + 1) for 1)"
            var f = SQLFragment("\(v).gene = ? AND ", [.text(g)])
            if d == .sqlite {
                // SQLite's LIKE is case-insensitive and cannot use an index; the byte range of the
                // prefix can (`idx_variant_gene_hgvsp_alteration`, which also holds `alteration`). HGVSp is ASCII, so prefix ≤ x < prefix + U+007F.
                f += SQLFragment("\(v).hgvsp >= ? AND \(v).hgvsp < ? AND ", [.text(prefix), .text(prefix + "\u{7F}")])
            }
            return f + SQLFragment("\(v).hgvsp LIKE ? AND \(v).alteration IS NULL AND \(next) NOT IN ('0','1','2','3','4','5','6','7','8','9')",
                                   [.text(prefix + "%")])
        case .consequenceClass(let g, let classes):
            return SQLFragment("\(v).gene = ? AND \(v).alteration IS NULL AND ", [.text(g)])
                + d.inList("\(v).consequence_class", .textList(classes))
        case .alteration(let g, let kind, let partner):
            var f = SQLFragment("\(v).gene = ? AND \(v).alteration = ?", [.text(g), .text(kind)])
            if let partner { f += SQLFragment(" AND \(v).hgvsp = ?", [.text(partner)]) }
            return f
        case .fusionFivePrime(let g):
            let prefix = "\(g)::"
            let head = d == .sqlite ? "substr(\(v).hgvsp, 1, \(prefix.count))" : "substring(\(v).hgvsp from 1 for \(prefix.count))"
            return SQLFragment("\(v).alteration = 'fusion' AND \(head) = ?", [.text(prefix)])
        case .tmbAtLeast, .microsatelliteInstabilityHigh:
            return nil
        }
    }

    /// The condition on `measurement` (alias `m`) for TMB and MSI (nil for the variant biomarkers).
    func measurementBody(_ b: BiomarkerCriterion, alias m: String) -> SQLFragment? {
        switch b {
        case .tmbAtLeast(let t):
            return SQLFragment("\(m).measurement_source_value = ? AND \(m).value_as_number >= ?",
                               [.text(WarehouseSchema.MeasurementKind.tmb), .double(t)])
        case .microsatelliteInstabilityHigh:
            return SQLFragment("\(m).measurement_source_value = ? AND \(m).value_source_value = ?",
                               [.text(WarehouseSchema.MeasurementKind.msi), .text(MSIStatus.high.rawValue)])
        default: return nil
        }
    }

    /// `cohort AS MATERIALIZED (...)`: the person ids of a line-outcome query, starting from the most
    /// selective indexed condition (explicit ids, a protein change, a gene, a tumour type) and
    /// checking the others per candidate with correlated `EXISTS` look-ups on `person_id` indexes, so
    /// a biomarker cohort of a 1M-patient warehouse never scans the whole warehouse.
    func targetedCohortCTE(_ q: LineOutcomeQuery) -> SQLFragment {
        let d = dialect
        let c = q.cohort
        var seed: SQLFragment?
        var conds: [SQLFragment] = []
        func variantExists(_ body: SQLFragment) -> SQLFragment {
            SQLFragment("EXISTS (SELECT 1 FROM onco_somatic_variant v WHERE v.person_id = s.person_id AND ") + body + ")"
        }
        func measurementExists(_ b: BiomarkerCriterion) -> SQLFragment? {
            measurementBody(b, alias: "m").map { SQLFragment("EXISTS (SELECT 1 FROM measurement m WHERE m.person_id = s.person_id AND ") + $0 + ")" }
        }

        var variants = c.variants[...]
        var biomarkers = q.biomarkers[...]
        var genes = c.alteredGenes[...]
        var typesUsedAsSeed = false
        if let ids = c.personIDs {
            seed = SQLFragment("SELECT p.person_id FROM person p WHERE ") + d.inList("p.person_id", .idList(ids))
        } else if let v = variants.popFirst() {
            seed = SQLFragment("SELECT v.person_id FROM onco_somatic_variant v WHERE ") + proteinChangeBody(gene: v.gene, hgvsp: v.hgvsp, alias: "v")
        } else if let i = biomarkers.firstIndex(where: { biomarkerBody($0, alias: "v") != nil }) {
            let b = biomarkers.remove(at: i)
            seed = SQLFragment("SELECT v.person_id FROM onco_somatic_variant v WHERE ") + biomarkerBody(b, alias: "v")!
        } else if let g = genes.popFirst() {
            seed = SQLFragment("SELECT v.person_id FROM onco_somatic_variant v WHERE ") + alteredGeneBody(g, alias: "v")
        } else if !c.tumourTypes.isEmpty {
            seed = SQLFragment("SELECT co.person_id FROM condition_occurrence co WHERE ")
                + d.inList("co.condition_source_value", .textList(c.tumourTypes.map { $0.uppercased() }))
            typesUsedAsSeed = true
        }
        if !c.tumourTypes.isEmpty && !typesUsedAsSeed {
            // A semi-join on the tumour types' patients (read once from `idx_condition_source`), not an
            // `EXISTS` probe per seed row: a probe costs one index seek per seed row and OncoTree code
            // (8 codes × 45,800 BRAF V600E rows at 1M patients: 0.13-0.26 s against 0.05 s this way).
            // On SQLite the unary `+` keeps the seed's index driving the query: without it SQLite walks
            // the tumour types' patients and probes `idx_variant_gene (gene, person_id)` for each, then
            // the table for the protein change (0.13 s warm, 0.5 s cold for the BRAF V600 codon).
            let plus = d == .sqlite ? "+" : ""
            conds.append(SQLFragment("\(plus)s.person_id IN (SELECT co.person_id FROM condition_occurrence co WHERE ")
                         + d.inList("co.condition_source_value", .textList(c.tumourTypes.map { $0.uppercased() })) + ")")
        }
        for v in variants { conds.append(variantExists(proteinChangeBody(gene: v.gene, hgvsp: v.hgvsp, alias: "v"))) }
        for g in genes { conds.append(variantExists(alteredGeneBody(g, alias: "v"))) }
        for b in biomarkers {
            if let body = biomarkerBody(b, alias: "v") { conds.append(variantExists(body)) }
            else if let m = measurementExists(b) { conds.append(m) }
        }
        // Criteria without a targeted form: restrict by the general cohort definition.
        var rest = CohortCriteria(attributes: c.attributes, drugs: c.drugs, datasets: c.datasets)
        rest.tumourTypes = []
        if rest != CohortCriteria.all {
            let general = cohortCTE(rest)   // "cohort AS (SELECT p.person_id FROM person p WHERE ...)"
            let inner = SQLFragment(String(general.sql.dropFirst("cohort AS (".count).dropLast()), general.values)
            conds.append(SQLFragment("s.person_id IN (") + inner + ")")
        }
        var out = SQLFragment("cohort AS MATERIALIZED (SELECT DISTINCT s.person_id FROM (")
        out += seed ?? SQLFragment("SELECT p.person_id FROM person p")
        out += ") s"
        if !conds.isEmpty { out += " WHERE " + SQLFragment.join(conds, separator: " AND ") }
        return out + ")"
    }

    /// The line outcomes of several cohorts at once, in the order of `queries`: each cohort's person
    /// ids are selected by its own targeted query, then the lines and drugs of the union of the cohorts
    /// are fetched once (one pass over episodes and drug exposures instead of one per cohort) and split.
    func readLineOutcomes(_ queries: [LineOutcomeQuery], logger: Logger) async throws -> [LineOutcomeTable] {
        if queries.count <= 1 { return try await queries.asyncMap { try await readLineOutcomes($0, logger: logger) } }
        let idQueries = queries.map { SQLFragment("WITH ") + targetedCohortCTE($0) + SQLFragment(" SELECT person_id AS c0 FROM cohort") }
        // The cohorts' selections are independent: read concurrently (SQLite: WAL readers of the pool;
        // PostgreSQL: pooled connections), kept in the order of `queries`.
        let sql = self.sql
        let cohorts: [Set<Int64>] = try await withThrowingTaskGroup(of: (Int, Set<Int64>).self) { g in
            for (k, q) in idQueries.enumerated() {
                g.addTask { (k, Set(try await sql.withSession { try await $0.fetch(q, types: [.int]) }.ints(0).compactMap { $0 })) }
            }
            var out = [Set<Int64>](repeating: [], count: idQueries.count)
            for try await (k, ids) in g { out[k] = ids }
            return out
        }
        let union = cohorts.reduce(into: Set<Int64>()) { $0.formUnion($1) }
        let (all, specimens) = try await lines(ofPersons: union.sorted())
        // a cohort holding every patient of the union holds every line read: no subset to take
        var tables = cohorts.map { c -> LineOutcomeTable in
            guard c.count < union.count else { var t = all; t.cohortSize = c.count; return t }
            return all.subset(persons: c, cohortSize: c.count)
        }
        // The query-dependent columns: performance status once per list of attribute names (usually one
        // for all), the known day per query.
        let withLines = Array(Set(all.personIDs)).sorted()
        let engine = self
        let subsets = tables
        let facts: [TimeZeroFacts] = try await sql.withSession { s in
            var byNames: [[String]: TimeZeroFacts] = [:]
            var out: [TimeZeroFacts] = []
            for (q, t) in zip(queries, subsets) {
                if byNames[q.performanceStatusAttributes] == nil {
                    byNames[q.performanceStatusAttributes] = try await engine.performanceStatus(
                        s, names: q.performanceStatusAttributes, persons: .ids(withLines), probeNames: true)
                }
                var f = byNames[q.performanceStatusAttributes]!
                f.known = try await engine.biomarkerKnownDays(s, query: q, persons: Array(Set(t.personIDs)).sorted(), specimens: specimens)
                out.append(f)
            }
            return out
        }
        for i in tables.indices { facts[i].apply(to: &tables[i]) }
        return tables
    }

    /// The lines of these (existing) patients, read straight from `onco_line_outcome` by primary key in
    /// key order (no cohort to materialise, no sort); `cohortSize` is left 0 for the caller to set. The
    /// columns that depend on a query (performance status, known day) are left empty for the caller
    /// to fill (`TimeZeroFacts.apply`), as `lineOutcomes(_ queries:)` does per query.
    /// A long id list is read in two halves on two sessions at once (ids ascending, so the halves' rows
    /// follow each other in key order).
    func lines(ofPersons ids: [Int64]) async throws -> (table: LineOutcomeTable, specimens: [Int64: PersonSpecimens]) {
        let halves = ids.count >= 20_000 ? [Array(ids[..<(ids.count / 2)]), Array(ids[(ids.count / 2)...])] : [ids]
        let queries = halves.map { part in
            SQLFragment("SELECT l.person_id AS c0, \(Self.lineColumns) FROM onco_line_outcome l WHERE ")
                + dialect.inList("l.person_id", .idList(part)) + SQLFragment(" ORDER BY c0, c1, l.episode_id")
        }
        let sql = self.sql
        let parts: [ResultColumns] = try await withThrowingTaskGroup(of: (Int, ResultColumns).self) { g in
            for (k, q) in queries.enumerated() {
                g.addTask { (k, try await sql.withSession { s in try await s.fetch(q, types: Self.lineColumnTypes) }) }
            }
            var out = [ResultColumns?](repeating: nil, count: queries.count)
            for try await (k, r) in g { out[k] = r }
            return out.map { $0! }
        }
        let read = Self.lineTable(ResultColumns.concatenating(parts))
        return (read.table, read.specimens)
    }

    /// The columns of `onco_line_outcome l` that `lineTable` reads after the person id (`c0`).
    static let lineColumns = """
        l.line_number AS c1, l.start_day AS c2, l.os_days AS c3, l.os_event AS c4, l.age AS c5, l.stage AS c6, l.drugs AS c7,
        l.sex AS c8, l.tumour_type AS c9, l.start_year AS c10, l.tmb AS c11, l.specimens AS c12, l.sole_sequenced_day AS c13,
        l.sole_collected_day AS c14
        """
    static let lineColumnTypes: [SQLColumnType] = [.int, .int, .int, .int, .int, .int, .double, .text, .text, .text, .int, .double,
                                                   .int, .int, .int]

    /// A `LineOutcomeTable` from rows (person, line, start, OS days, event, age, stage, packed drugs, sex,
    /// tumour type, start year, TMB); rows with a null line are patients without lines. Also returns the
    /// number of distinct patients, and the specimens of each patient with lines. The query-dependent
    /// columns are left empty.
    static func lineTable(_ r: ResultColumns) -> (table: LineOutcomeTable, patients: Int, specimens: [Int64: PersonSpecimens]) {
        let pid = r.ints(0), num = r.ints(1), start = r.ints(2), os = r.ints(3), ev = r.ints(4), age = r.ints(5)
        let stage = r.doubles(6), drugs = r.texts(7), sex = r.texts(8), type = r.texts(9), year = r.ints(10), tmb = r.doubles(11)
        let nSpecimens = r.ints(12), soleSeq = r.ints(13), soleColl = r.ints(14)
        var specimens: [Int64: PersonSpecimens] = [:]
        var t = LineOutcomeTable()
        t.personIDs.reserveCapacity(r.count)
        var size = 0
        var last: Int64?
        // Packed drug lists repeat (a few hundred regimens): split each distinct one once.
        var unpacked: [String: [String]] = [:]
        for k in 0..<r.count {
            let p = pid[k]!
            if p != last { size += 1; last = p }
            guard let n = num[k], let s0 = start[k], let osd = os[k] else { continue }   // a patient without lines
            t.personIDs.append(p)
            if specimens[p] == nil {
                specimens[p] = PersonSpecimens(count: Int(nSpecimens[k] ?? 0), soleSequencedDay: soleSeq[k].map(Int.init),
                                               soleCollectedDay: soleColl[k].map(Int.init))
            }
            t.lineNumbers.append(Int(n))
            t.startDays.append(Int(s0))
            t.osDays.append(Double(osd))
            t.osEvents.append(ev[k]! != 0)
            t.ages.append(age[k].map(Int.init))
            t.stages.append(stage[k].map { max(0, min(4, Int($0.rounded()))) })
            t.sexes.append(LineOutcomeTable.sexCode(sex[k]))
            t.tumourTypes.append(type[k])
            t.startYears.append(year[k].map(Int.init))
            t.tmb.append(tmb[k])
            // Query-dependent: filled by `TimeZeroFacts.apply`.
            t.performanceStatus.append(nil); t.biomarkerKnownDays.append(nil); t.biomarkerKnownBy.append(nil)
            let packed = drugs[k] ?? ""
            if let names = unpacked[packed] {
                t.drugs.append(contentsOf: names)
            } else {
                var names: [String] = []
                LineSummaryPacking.unpack(packed, into: &names)
                unpacked[packed] = names
                t.drugs.append(contentsOf: names)
            }
            t.drugStart.append(t.drugs.count)
        }
        return (t, size, specimens)
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for x in self { out.append(try await f(x)) }
        return out
    }
}
