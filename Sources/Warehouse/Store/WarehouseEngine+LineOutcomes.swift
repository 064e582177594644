import Foundation
import Logging
import OncoCore

/// A molecular condition on a warehouse patient, for cohorts that `CohortCriteria` cannot express
/// (a codon, a consequence class, a copy-number or fusion event, TMB, MSI). Each is evaluated on
/// `onco_somatic_variant` (or `measurement` for TMB and MSI) of any of the patient's specimens.
public enum BiomarkerCriterion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Gene and 1-letter HGVSp (`BRAF p.V600E`); the same as `CohortCriteria.variants`.
    case proteinChange(gene: String, hgvsp: String)
    /// Any protein change starting at one residue: gene and the residue with its position (`KRAS`, `G12`),
    /// matching `p.G12` followed by anything but a digit (`p.G12C`, `p.G12D`; not `p.G123S`).
    case codon(gene: String, residue: String)
    /// A small variant of one of these consequence classes (`Consequence.Class` raw values) in the gene.
    case consequenceClass(gene: String, classes: [String])
    /// A gene-level alteration: `amplification`, `deletion` or `fusion`; for a fusion optionally the
    /// pair as stored (`EML4::ALK`).
    case alteration(gene: String, kind: String, partner: String?)
    /// Tumour mutational burden at least this many mutations/Mb (`measurement` TMB, any specimen).
    case tmbAtLeast(Double)
    /// MSI-high (`measurement` MSI = `MSI-H`).
    case microsatelliteInstabilityHigh

    public var description: String {
        switch self {
        case .proteinChange(let g, let p): return "\(g) \(AminoAcid.shortHGVSp(p))"
        case .codon(let g, let r): return "\(g) \(r) (any change)"
        case .consequenceClass(let g, let c): return "\(g) \(c.joined(separator: "/")) variant"
        case .alteration(let g, let k, let p): return p.map { "\($0) \(k)" } ?? "\(g) \(k)"
        case .tmbAtLeast(let t): return "TMB ≥ \(t == t.rounded() ? String(Int(t)) : String(t))/Mb"
        case .microsatelliteInstabilityHigh: return "MSI-H"
        }
    }
}

/// Which patients' lines of therapy to fetch for real-world evidence: a `CohortCriteria` (tumour
/// types, protein changes, altered genes, explicit person ids, ...) and, optionally, molecular
/// conditions it cannot express. All conditions must hold.
public struct LineOutcomeQuery: Sendable, Hashable, Codable {
    public var cohort: CohortCriteria
    public var biomarkers: [BiomarkerCriterion]
    public init(cohort: CohortCriteria, biomarkers: [BiomarkerCriterion] = []) {
        self.cohort = cohort
        self.biomarkers = biomarkers
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

    public init() {}
    /// Number of lines.
    public var count: Int { personIDs.count }
    /// The drugs of line `i`.
    public func drugs(ofLine i: Int) -> ArraySlice<String> { drugs[drugStart[i]..<drugStart[i + 1]] }

    /// The lines of the patients in `persons` (rows keep their order), with `cohortSize` as given.
    public func subset(persons: Set<Int64>, cohortSize: Int) -> LineOutcomeTable {
        var t = LineOutcomeTable()
        t.cohortSize = cohortSize
        for i in 0..<count where persons.contains(personIDs[i]) {
            t.personIDs.append(personIDs[i]); t.lineNumbers.append(lineNumbers[i]); t.startDays.append(startDays[i])
            t.osDays.append(osDays[i]); t.osEvents.append(osEvents[i]); t.ages.append(ages[i]); t.stages.append(stages[i])
            t.drugs.append(contentsOf: drugs(ofLine: i))
            t.drugStart.append(t.drugs.count)
        }
        return t
    }
}

extension WarehouseEngine {
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
        func biomarkerBody(_ b: BiomarkerCriterion, alias v: String) -> SQLFragment? {
            switch b {
            case .proteinChange(let g, let p):
                return SQLFragment("\(v).gene = ? AND \(v).hgvsp = ?", [.text(g), .text(AminoAcid.shortHGVSp(p))])
            case .codon(let g, let r):
                // p.G12 followed by a non-digit: LIKE 'p.G12%' and the next character not a digit.
                let prefix = "p.\(r)"
                let n = prefix.count
                let next = d == .sqlite ? "substr(\(v).hgvsp, \(n + 1), 1)" : "substring(\(v).hgvsp from \(n + 1) for 1)"
                return SQLFragment("\(v).gene = ? AND \(v).hgvsp LIKE ? AND \(v).alteration IS NULL AND \(next) NOT IN ('0','1','2','3','4','5','6','7','8','9')",
                                   [.text(g), .text(prefix + "%")])
            case .consequenceClass(let g, let classes):
                return SQLFragment("\(v).gene = ? AND \(v).alteration IS NULL AND ", [.text(g)])
                    + d.inList("\(v).consequence_class", .textList(classes))
            case .alteration(let g, let kind, let partner):
                var f = SQLFragment("\(v).gene = ? AND \(v).alteration = ?", [.text(g), .text(kind)])
                if let partner { f += SQLFragment(" AND \(v).hgvsp = ?", [.text(partner)]) }
                return f
            case .tmbAtLeast, .microsatelliteInstabilityHigh:
                return nil
            }
        }
        func measurementExists(_ b: BiomarkerCriterion) -> SQLFragment? {
            switch b {
            case .tmbAtLeast(let t):
                return SQLFragment("EXISTS (SELECT 1 FROM measurement m WHERE m.person_id = s.person_id AND m.measurement_source_value = ? AND m.value_as_number >= ?)",
                                   [.text(WarehouseSchema.MeasurementKind.tmb), .double(t)])
            case .microsatelliteInstabilityHigh:
                return SQLFragment("EXISTS (SELECT 1 FROM measurement m WHERE m.person_id = s.person_id AND m.measurement_source_value = ? AND m.value_source_value = ?)",
                                   [.text(WarehouseSchema.MeasurementKind.msi), .text(MSIStatus.high.rawValue)])
            default: return nil
            }
        }

        var variants = c.variants[...]
        var biomarkers = q.biomarkers[...]
        var genes = c.alteredGenes[...]
        var typesUsedAsSeed = false
        if let ids = c.personIDs {
            seed = SQLFragment("SELECT p.person_id FROM person p WHERE ") + d.inList("p.person_id", .idList(ids))
        } else if let v = variants.popFirst() {
            seed = SQLFragment("SELECT v.person_id FROM onco_somatic_variant v WHERE v.gene = ? AND v.hgvsp = ?",
                               [.text(v.gene), .text(AminoAcid.shortHGVSp(v.hgvsp))])
        } else if let i = biomarkers.firstIndex(where: { biomarkerBody($0, alias: "v") != nil }) {
            let b = biomarkers.remove(at: i)
            seed = SQLFragment("SELECT v.person_id FROM onco_somatic_variant v WHERE ") + biomarkerBody(b, alias: "v")!
        } else if let g = genes.popFirst() {
            seed = SQLFragment("SELECT v.person_id FROM onco_somatic_variant v WHERE v.gene = ? AND (v.alteration IS NOT NULL OR ", [.text(g)])
                + d.inList("v.consequence_class", .textList(Self.alteringClasses)) + ")"
        } else if !c.tumourTypes.isEmpty {
            seed = SQLFragment("SELECT co.person_id FROM condition_occurrence co WHERE ")
                + d.inList("co.condition_source_value", .textList(c.tumourTypes.map { $0.uppercased() }))
            typesUsedAsSeed = true
        }
        if !c.tumourTypes.isEmpty && !typesUsedAsSeed {
            conds.append(SQLFragment("EXISTS (SELECT 1 FROM condition_occurrence co WHERE co.person_id = s.person_id AND ")
                         + d.inList("co.condition_source_value", .textList(c.tumourTypes.map { $0.uppercased() })) + ")")
        }
        for v in variants {
            conds.append(variantExists(SQLFragment("v.gene = ? AND v.hgvsp = ?", [.text(v.gene), .text(AminoAcid.shortHGVSp(v.hgvsp))])))
        }
        for g in genes {
            conds.append(variantExists(SQLFragment("v.gene = ? AND (v.alteration IS NOT NULL OR ", [.text(g)])
                                       + d.inList("v.consequence_class", .textList(Self.alteringClasses)) + ")"))
        }
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
    package func lineOutcomes(_ queries: [LineOutcomeQuery], logger: Logger) async throws -> [LineOutcomeTable] {
        if queries.count <= 1 { return try await queries.asyncMap { try await lineOutcomes($0, logger: logger) } }
        let idQueries = queries.map { SQLFragment("WITH ") + targetedCohortCTE($0) + SQLFragment(" SELECT person_id AS c0 FROM cohort") }
        let cohorts: [Set<Int64>] = try await backend.withSession { s in
            var out: [Set<Int64>] = []
            for q in idQueries { out.append(Set(try await s.fetch(q, types: [.int]).ints(0).compactMap { $0 })) }
            return out
        }
        let union = cohorts.reduce(into: Set<Int64>()) { $0.formUnion($1) }
        let all = try await lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(personIDs: union.sorted())), logger: logger)
        return cohorts.map { all.subset(persons: $0, cohortSize: $0.count) }
    }

    /// The lines of therapy of a cohort with OS from each line's start, age, stage and drugs; see
    /// `LineOutcomeTable`. Three indexed queries over the materialised cohort (lines, drugs, size).
    package func lineOutcomes(_ query: LineOutcomeQuery, logger: Logger) async throws -> LineOutcomeTable {
        let d = dialect
        let line = WarehouseSchema.EpisodeKind.lineOfTherapy
        let head = SQLFragment("WITH ") + targetedCohortCTE(query)
        let linesQ = head + SQLFragment("""
            ,
            diag AS (SELECT c.person_id, MIN(co.condition_start_date) AS d FROM cohort c JOIN condition_occurrence co ON co.person_id = c.person_id GROUP BY c.person_id),
            obs AS (SELECT c.person_id, MAX(op.observation_period_end_date) AS d FROM cohort c JOIN observation_period op ON op.person_id = c.person_id GROUP BY c.person_id),
            st AS (SELECT c.person_id, MAX(m.value_as_number) AS v FROM cohort c JOIN measurement m ON m.person_id = c.person_id AND m.measurement_source_value = ? GROUP BY c.person_id)
            SELECT e.person_id AS c0, e.episode_number AS c1, \(d.daysBetween("diag.d", "e.episode_start_date")) AS c2,
                   CASE WHEN de.death_date IS NOT NULL THEN \(d.daysBetween("e.episode_start_date", "de.death_date")) ELSE \(d.daysBetween("e.episode_start_date", "obs.d")) END AS c3,
                   CASE WHEN de.death_date IS NOT NULL THEN 1 ELSE 0 END AS c4,
                   CASE WHEN p.year_of_birth > 0 THEN \(d.year("diag.d")) - p.year_of_birth END AS c5,
                   st.v AS c6, e.episode_id AS c7
            FROM cohort c JOIN episode e ON e.person_id = c.person_id JOIN person p ON p.person_id = c.person_id
            JOIN diag ON diag.person_id = c.person_id JOIN obs ON obs.person_id = c.person_id
            LEFT JOIN death de ON de.person_id = c.person_id LEFT JOIN st ON st.person_id = c.person_id
            WHERE e.episode_source_value = ? AND e.episode_number IS NOT NULL
            ORDER BY c0, c1, c7
            """, [.text(WarehouseSchema.MeasurementKind.stage), .text(line)])
        let drugsQ = head + SQLFragment("""

            SELECT DISTINCT e.episode_id AS c0, x.drug_source_value AS c1
            FROM cohort c JOIN episode e ON e.person_id = c.person_id JOIN episode_event ee ON ee.episode_id = e.episode_id
            JOIN drug_exposure x ON x.drug_exposure_id = ee.event_id
            WHERE e.episode_source_value = ? ORDER BY c0, c1
            """, [.text(line)])
        let sizeQ = head + SQLFragment(" SELECT COUNT(*) AS c0 FROM cohort")
        let (lr, dr, size) = try await backend.withSession { s in
            (try await s.fetch(linesQ, types: [.int, .int, .int, .int, .int, .int, .double, .int]),
             try await s.fetch(drugsQ, types: [.int, .text]),
             try await s.scalarInt(sizeQ) ?? 0)
        }
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
        var t = LineOutcomeTable()
        t.cohortSize = Int(size)
        let pid = lr.ints(0), num = lr.ints(1), start = lr.ints(2), os = lr.ints(3), ev = lr.ints(4), age = lr.ints(5)
        let stage = lr.doubles(6), eid = lr.ints(7)
        t.personIDs.reserveCapacity(lr.count)
        for k in 0..<lr.count {
            guard let osd = os[k], osd >= 0, let n = num[k], let s0 = start[k] else { continue }
            t.personIDs.append(pid[k]!)
            t.lineNumbers.append(Int(n))
            t.startDays.append(Int(s0))
            t.osDays.append(Double(osd))
            t.osEvents.append(ev[k]! != 0)
            t.ages.append(age[k].map(Int.init))
            t.stages.append(stage[k].map { max(0, min(4, Int($0.rounded()))) })
            if let r = drugRange[eid[k]!] {
                for x in r { if let name = dn[x], !name.isEmpty { t.drugs.append(name) } }
            }
            t.drugStart.append(t.drugs.count)
        }
        logger.debug("warehouse.lineOutcomes", metadata: ["cohort.size": "\(t.cohortSize)", "lines": "\(t.count)"])
        return t
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
