import Foundation
import OncoCore
import Survival
import Vocabulary
import Warehouse

/// A definition checked and resolved against onco's vocabularies: tumour types expanded to their
/// OncoTree descendants, drug classes to drugs, variables to warehouse columns, the endpoint to a
/// warehouse endpoint; plus the scope fields it uses.
public struct CohortPlan: Sendable {
    public let definition: CohortDefinition
    /// Where the definition came from (file name or `flags`), for error messages.
    public let source: String
    public let criteria: CohortCriteria
    /// The endpoint read with the cohort table; nil when times come from the therapy lines.
    public let tableEndpoint: CohortEndpoint?
    /// Time to the endpoint measured from the line in which the compared therapy was given.
    public let endpointFromTherapyLine: Bool
    /// The unit of the endpoint times as read (days, or the study attribute's unit).
    public let nativeUnit: TimeUnit
    /// The unit shown.
    public let displayUnit: TimeUnit
    public let groupVariable: CohortVariable?
    public let withinVariable: CohortVariable?
    public let covariates: [(variable: CohortVariable, kind: CovariateSpec.Kind?)]
    public let coxStrata: [CohortVariable]
    public let logRankStrata: [CohortVariable]
    /// Therapy grouping: the drugs of A and B (lower-case), and their labels.
    public let therapyA: [String]
    public let therapyB: [String]
    public let therapyLabels: (a: String, b: String)
    /// OncoTree codes as written in the definition (before expansion).
    public let tumourTypesAsGiven: [String]
    /// Fields the study uses (for the project scope check).
    public let fields: Set<String>
    public let runLogRank: Bool
    public let runCox: Bool
    public let runPHTest: Bool
    public let ties: CoxFit.Ties
    public let confidence: ConfidenceType
    public let kmTimes: [Double]?
    /// The attribute splitting the endpoint's events into the event of interest and the competing event.
    public let competingCause: CohortVariable?
    /// The emulated target trial, when the definition's design is one (`CohortPlan+TargetTrial.swift`).
    public let targetTrial: TargetTrialPlan?
    /// The members of an alteration-set grouping (`CohortDefinition+AlterationSets.swift`), in order; empty otherwise.
    public let setMembers: [AlterationSetSpec.Member]
    /// The members of each of the population's alteration sets (`population.alterationSets`, in order).
    public let populationSetMembers: [[AlterationSetSpec.Member]]
    /// A gene screen's settings (`CohortDefinition+Screen.swift`), when the definition is one.
    public let screen: ScreenPlan?

    /// Every variable whose values the study reads.
    public var variables: [CohortVariable] {
        var out: [CohortVariable] = []
        func add(_ v: CohortVariable?) { if let v, !out.contains(v) { out.append(v) } }
        add(groupVariable); add(withinVariable)
        for c in covariates { add(c.variable) }
        for s in coxStrata { add(s) }
        for s in logRankStrata { add(s) }
        add(competingCause)
        return out
    }

    /// What the study reads from the warehouse: the cohort, the endpoint and every column it uses
    /// (plus the pseudonymous key for a row-level export).
    public func tableRequest(exportRows: Bool = false) throws -> CohortTableRequest {
        var columns = variables.map(\.column)
        if case .mutation(let spec)? = definition.groups {
            let f = try CohortPlan.filter(spec, field: "groups") { a, b in CohortStudyError(.invalidDefinition, a, b) }
            let c = CohortColumn.alteration(AlterationFilter(gene: f.gene, hgvsp: f.hgvsp, classes: f.classes, passOnly: f.passOnly, present: true))
            if !columns.contains(c) { columns.append(c) }
        }
        for m in setMembers where !columns.contains(.alteration(m.filter)) { columns.append(.alteration(m.filter)) }
        if exportRows { columns.append(.patientKey) }
        return CohortTableRequest(cohort: criteria, endpoint: tableEndpoint, columns: columns)
    }

    func fail(_ field: String, _ message: String) -> CohortStudyError {
        CohortStudyError(.invalidDefinition, "\(source): \(field)", message)
    }

    /// Checks and resolves a definition.
    /// - Parameter source: the file name or `flags`, used in error messages.
    /// - Throws: `CohortStudyError.invalidDefinition` naming the field.
    public init(_ d: CohortDefinition, source: String, hierarchy: TumourTypeHierarchy = .embedded) throws {
        definition = d
        self.source = source
        func fail(_ field: String, _ message: String) -> CohortStudyError {
            CohortStudyError(.invalidDefinition, "\(source): \(field)", message)
        }
        guard !d.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("name", "is empty") }
        var fields = Set<String>()
        let p = d.population
        let extra = d.drugClasses ?? [:]

        // Tumour types, expanded to descendants.
        var codes: [String] = []
        tumourTypesAsGiven = p.tumourTypes.map { $0.uppercased() }
        for code in tumourTypesAsGiven {
            guard !code.isEmpty, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw fail("population.tumourTypes", "\"\(code)\" is not an OncoTree code")
            }
            codes.append(code)
            if p.includeDescendants, let id = hierarchy.id(of: OncoTreeCode(code)) {
                for (k, other) in hierarchy.codes.enumerated() where k != Int(id) && hierarchy.isDescendant(Int32(k), of: id) {
                    codes.append(other)
                }
            }
        }
        if !codes.isEmpty { fields.insert("tumour_type") }
        var seen = Set<String>()
        codes = codes.filter { seen.insert($0).inserted }

        // Stages.
        var stages: [Int] = []
        for s in p.stages {
            guard let o = Stage.ordinal(s) else { throw fail("population.stages", "\"\(s)\" is not a stage (0, I, II, III, IV)") }
            stages.append(o)
        }
        if !stages.isEmpty { fields.insert("stage") }
        if p.age != nil { fields.insert("age") }
        var sexes: [Sex] = []
        for s in p.sex {
            switch s.lowercased() {
            case "female", "f": sexes.append(.female)
            case "male", "m": sexes.append(.male)
            case "unknown": sexes.append(.unknown)
            default: throw fail("population.sex", "\"\(s)\" is not female, male or unknown")
            }
        }
        if !sexes.isEmpty { fields.insert("sex") }
        var alterations: [AlterationFilter] = []
        for (i, a) in p.alterations.enumerated() {
            alterations.append(try Self.filter(a, field: "population.alterations[\(i)]", fail: fail))
            fields.insert("mutations")
        }
        let popSets = try Self.populationSets(d, fail: fail)
        if !popSets.filters.isEmpty { fields.insert("mutations") }
        populationSetMembers = popSets.members
        if let r = p.age, let lo = r.min, let hi = r.max, lo > hi { throw fail("population.age", "min is above max") }
        if let r = p.tmb, let lo = r.min, let hi = r.max, lo > hi { throw fail("population.tmb", "min is above max") }
        if p.tmb != nil { fields.insert("tmb") }
        var therapies: [TherapyFilter] = []
        for (i, t) in p.therapies.enumerated() {
            let drugs = try Self.drugs(t, extra: extra, field: "population.therapies[\(i)]", fail: fail)
            if let l = t.line, l < 1 { throw fail("population.therapies[\(i)].line", "must be 1 or more") }
            therapies.append(TherapyFilter(drugs: drugs, line: t.line, received: t.received ?? true))
            fields.insert("therapies")
        }
        var diagnosed: DayRange?
        if let b = p.diagnosed {
            var r = DayRange()
            if let f = b.from {
                guard let day = Day(iso: f) else { throw fail("population.diagnosed.from", "\"\(f)\" is not a date (YYYY-MM-DD)") }
                r.from = day
            }
            if let t = b.to {
                guard let day = Day(iso: t) else { throw fail("population.diagnosed.to", "\"\(t)\" is not a date (YYYY-MM-DD)") }
                r.to = day
            }
            if let a = r.from, let b = r.to, a > b { throw fail("population.diagnosed", "from is after to") }
            diagnosed = r
            fields.insert("diagnosis_date")
        }
        var attributes: [AttributeFilter] = []
        for (i, a) in p.attributes.enumerated() {
            guard !a.name.isEmpty else { throw fail("population.attributes[\(i)].name", "is empty") }
            if let v = a.values {
                guard a.min == nil && a.max == nil else { throw fail("population.attributes[\(i)]", "give values or min/max, not both") }
                attributes.append(.oneOf(a.name, v))
            } else {
                guard a.min != nil || a.max != nil else { throw fail("population.attributes[\(i)]", "needs values, min or max") }
                attributes.append(.range(a.name, min: a.min, max: a.max))
            }
            fields.insert(a.name)
        }
        criteria = CohortCriteria(tumourTypes: codes, attributes: attributes, datasets: p.datasets, stages: stages, age: p.age,
                                  sexes: sexes, tmb: p.tmb, diagnosed: diagnosed, alterations: alterations, therapies: therapies,
                                  alterationSets: popSets.filters)

        // Groups.
        var groupVariable: CohortVariable?
        var withinVariable: CohortVariable?
        var ta: [String] = [], tb: [String] = [], labels = ("", "")
        var therapyLine: Int? = nil
        var therapyGrouping = false
        var members: [AlterationSetSpec.Member] = []
        switch d.groups {
        case nil: break
        case .variable(let name, _)?:
            groupVariable = CohortVariable(parsing: name)
        case .mutation(let a)?:
            _ = try Self.filter(a, field: "groups", fail: fail)
            fields.insert("mutations")
        case .alterationSet(let s)?:
            for (name, m) in d.alterationSets ?? [:] where name.isEmpty || m.isEmpty {
                throw fail("alterationSets", "set \"\(name)\" needs a name and at least one member")
            }
            members = try s.members(sets: d.alterationSets ?? [:], field: "groups", fail: fail)
            fields.insert("mutations")
        case .therapy(let a, let b, let line)?:
            ta = try Self.drugs(a, extra: extra, field: "groups.a", fail: fail)
            tb = try Self.drugs(b, extra: extra, field: "groups.b", fail: fail)
            if let line, line < 1 { throw fail("groups.line", "must be 1 or more") }
            if !Set(ta).isDisjoint(with: tb) { throw fail("groups", "therapies A and B share drugs (\(Set(ta).intersection(tb).sorted().joined(separator: ", ")))") }
            labels = (a.label, b.label)
            therapyLine = line
            therapyGrouping = true
            fields.insert("therapies")
        case .top(let v, let percent, let within, _)?, .bottom(let v, let percent, let within, _)?:
            guard percent > 0, percent < 100 else { throw fail("groups.percent", "must be between 0 and 100 (exclusive)") }
            groupVariable = CohortVariable(parsing: v)
            withinVariable = within.map { CohortVariable(parsing: $0) }
        case .cuts(let v, let at)?:
            guard !at.isEmpty, zip(at, at.dropFirst()).allSatisfy({ $0 < $1 }), at.allSatisfy(\.isFinite) else {
                throw fail("groups.at", "needs one or more increasing cut points")
            }
            groupVariable = CohortVariable(parsing: v)
        }
        if let g = groupVariable { fields.insert(g.field) }
        if let w = withinVariable { fields.insert(w.field) }
        self.groupVariable = groupVariable
        self.withinVariable = withinVariable
        setMembers = members
        therapyA = ta
        therapyB = tb
        therapyLabels = labels

        // Endpoint.
        let e = d.endpoint
        if let l = e.line, l < 1 { throw fail("endpoint.line", "must be 1 or more") }
        var fromTherapy = false
        switch e.kind {
        case .study:
            guard let t = e.time, let s = e.status, !t.isEmpty, !s.isEmpty else {
                throw fail("endpoint", "kind study needs `time` and `status` (the study's attributes, e.g. OS_MONTHS and OS_STATUS)")
            }
            guard e.from == nil && e.line == nil else { throw fail("endpoint", "a study endpoint is measured as the study recorded it; from/line do not apply") }
            tableEndpoint = .attributes(time: t, status: s)
            nativeUnit = e.unit ?? .months
            fields.insert(t); fields.insert(s)
        case .os, .pfs, .ttnt:
            guard e.time == nil && e.status == nil else { throw fail("endpoint", "time/status apply to kind study only") }
            if e.unit != nil { throw fail("endpoint.unit", "derived endpoints are in days; set timeUnit for display") }
            fields.insert(e.kind.rawValue)
            let fromLine = e.kind == .ttnt || e.from == .line
            if fromLine { fields.insert("therapies") }
            var index: IndexEvent = .diagnosis
            if fromLine {
                if let l = e.line {
                    index = .lineStart(l)
                    if therapyGrouping, let tl = therapyLine, tl != l { throw fail("endpoint.line", "differs from groups.line") }
                } else if therapyGrouping {
                    fromTherapy = true
                } else {
                    throw fail("endpoint.line", "needed for \(e.kind == .ttnt ? "time to next treatment" : "an endpoint from a line start")")
                }
            }
            if fromTherapy {
                tableEndpoint = nil
            } else {
                switch e.kind {
                case .os: tableEndpoint = .derived(.overallSurvival(from: index))
                case .pfs: tableEndpoint = .derived(.progressionFreeSurvival(from: index))
                default:
                    guard case .lineStart(let l) = index else { throw fail("endpoint.line", "needed for time to next treatment") }
                    tableEndpoint = .derived(.timeToNextTreatment(line: l))
                }
            }
            nativeUnit = .days
        }
        endpointFromTherapyLine = fromTherapy
        displayUnit = d.timeUnit ?? (e.kind == .study ? (e.unit ?? .months) : .months)

        // Analyses.
        let a = d.analysis
        let skip = Set((a.skip ?? []).map { $0.lowercased() })
        for s in skip where !["logrank", "cox", "phtest"].contains(s) { throw fail("analysis.skip", "unknown analysis \"\(s)\" (logrank, cox, phtest)") }
        covariates = (a.cox?.covariates ?? []).map { (CohortVariable(parsing: $0.variable), $0.type) }
        coxStrata = (a.cox?.strata ?? []).map { CohortVariable(parsing: $0) }
        logRankStrata = (a.logRank?.strata ?? []).map { CohortVariable(parsing: $0) }
        for v in covariates.map(\.variable) + coxStrata + logRankStrata { fields.insert(v.field) }
        if let g = groupVariable, covariates.contains(where: { $0.variable == g }) {
            throw fail("analysis.cox.covariates", "\(g) is the grouping variable; it is in the model already")
        }
        runLogRank = d.groups != nil && !skip.contains("logrank")
        runCox = (d.groups != nil || !covariates.isEmpty) && !skip.contains("cox")
        runPHTest = runCox && (a.cox?.phTest ?? true) && !skip.contains("phtest")
        switch (a.cox?.ties ?? "efron").lowercased() {
        case "efron": ties = .efron
        case "breslow": ties = .breslow
        case "exact": ties = .exact
        default: throw fail("analysis.cox.ties", "must be efron, breslow or exact")
        }
        switch (a.km?.confidence ?? "log").lowercased() {
        case "log": confidence = .log
        case "log-log", "loglog": confidence = .logLog
        case "plain": confidence = .plain
        default: throw fail("analysis.km.confidence", "must be log, log-log or plain")
        }
        if let times = a.km?.times, times.contains(where: { !$0.isFinite || $0 < 0 }) {
            throw fail("analysis.km.times", "must be non-negative numbers")
        }
        kmTimes = a.km?.times
        competingCause = try a.competingRisks.map { cr in
            let v = CohortVariable(parsing: cr.cause)
            guard case .attribute = v else {
                throw fail("analysis.competingRisks.cause", "\"\(cr.cause)\" must be a clinical attribute holding a status (e.g. DSS_STATUS)")
            }
            return v
        }
        if let c = competingCause { fields.insert(c.field) }
        if let m = d.minimumCellCount, m < 1 { throw fail("minimumCellCount", "must be 1 or more") }
        if let l = e.landmark, l.days < 0 { throw fail("endpoint.landmark", "must not be negative") }
        screen = try d.screen.map { _ in try ScreenPlan(d, fail: fail) }
        if screen != nil { fields.insert("mutations") }
        targetTrial = try TargetTrialPlan.resolve(d, fail: fail)
        if let t = targetTrial { fields.formUnion(t.fields) }
        self.fields = fields
    }

    static func filter(_ a: AlterationSpec, field: String, fail: (String, String) -> CohortStudyError) throws -> AlterationFilter {
        guard !a.gene.isEmpty, a.gene.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw fail("\(field).gene", "\"\(a.gene)\" is not a gene symbol")
        }
        for c in a.classes ?? [] where !AlterationSpec.knownClasses.contains(c) {
            throw fail("\(field).classes", "unknown class \"\(c)\" (\(AlterationSpec.knownClasses.sorted().joined(separator: ", ")))")
        }
        let present = try isPresent(a.status, field: field, fail: fail)
        return AlterationFilter(gene: a.gene.uppercased(), hgvsp: a.hgvsp, classes: a.resolvedClasses, passOnly: a.passOnly ?? false,
                                present: present)
    }

    static func drugs(_ t: TherapySpec, extra: [String: [String]], field: String,
                      fail: (String, String) -> CohortStudyError) throws -> [String] {
        var out = (t.drugs ?? []).map { DrugName.generic($0) }
        if let k = t.drugClass {
            guard let ds = DrugClasses.drugs(ofClass: k, extra: extra) else {
                throw fail("\(field).class", "unknown drug class \"\(k)\"; known: \(DrugClasses.names(extra: extra).joined(separator: ", "))")
            }
            out += ds
        }
        guard !out.isEmpty else { throw fail(field, "names no drug (give drugs or class)") }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The line whose drugs decide a therapy grouping (nil: the first line with A or B).
    var therapyLine: Int? {
        if case .therapy(_, _, let line)? = definition.groups { return line ?? definition.endpoint.line }
        return nil
    }
}
