import Foundation
import OncoCore
import Survival
import Vocabulary
import Warehouse

/// The steps of `CohortPlan.init`, one per part of a definition. Each checks its part, resolves it against
/// onco's vocabularies and adds the fields it reads to `fields` (the project scope check).
extension CohortPlan {
    typealias Fail = (String, String) -> CohortStudyError

    /// The population as warehouse criteria.
    struct ResolvedPopulation {
        var criteria: CohortCriteria
        var tumourTypesAsGiven: [String]
        var setMembers: [[AlterationSetSpec.Member]]
    }

    /// The compared groups.
    struct ResolvedGroups {
        var groupVariable: CohortVariable?
        var withinVariable: CohortVariable?
        var therapyA: [String] = []
        var therapyB: [String] = []
        var therapyLabels: (a: String, b: String) = ("", "")
        var therapyLine: Int?
        var therapyGrouping = false
        var setMembers: [AlterationSetSpec.Member] = []
    }

    /// The endpoint as read.
    struct ResolvedEndpoint {
        var tableEndpoint: CohortEndpoint?
        var nativeUnit: TimeUnit
        var fromTherapyLine: Bool
    }

    /// The analyses and their options.
    struct ResolvedAnalyses {
        var covariates: [(variable: CohortVariable, kind: CovariateSpec.Kind?)]
        var coxStrata: [CohortVariable]
        var logRankStrata: [CohortVariable]
        var runLogRank: Bool
        var runCox: Bool
        var runPHTest: Bool
        var ties: CoxFit.Ties
        var confidence: ConfidenceType
        var kmTimes: [Double]?
        var competingCause: CohortVariable?
    }

    /// Tumour types (expanded to their OncoTree descendants), stages, age, sex, alterations and alteration sets,
    /// TMB, therapies, diagnosis dates and clinical attributes.
    static func resolvePopulation(_ d: CohortDefinition, hierarchy: TumourTypeHierarchy, fields: inout Set<String>,
                                  fail: Fail) throws -> ResolvedPopulation {
        let p = d.population
        let extra = d.drugClasses ?? [:]
        let (asGiven, codes) = try tumourTypes(p, hierarchy: hierarchy, fail: fail)
        if !codes.isEmpty { fields.insert("tumour_type") }

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
        let diagnosed = try diagnosisDates(p, fields: &fields, fail: fail)
        let attributes = try attributeFilters(p, fields: &fields, fail: fail)
        let criteria = CohortCriteria(tumourTypes: codes, attributes: attributes, datasets: p.datasets, stages: stages, age: p.age,
                                      sexes: sexes, tmb: p.tmb, diagnosed: diagnosed, alterations: alterations, therapies: therapies,
                                      alterationSets: popSets.filters)
        return ResolvedPopulation(criteria: criteria, tumourTypesAsGiven: asGiven, setMembers: popSets.members)
    }

    /// The population's tumour types as given (upper-cased) and expanded to their descendants (no repeats).
    static func tumourTypes(_ p: Population, hierarchy: TumourTypeHierarchy, fail: Fail) throws -> (asGiven: [String], codes: [String]) {
        var codes: [String] = []
        let asGiven = p.tumourTypes.map { $0.uppercased() }
        for code in asGiven {
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
        var seen = Set<String>()
        return (asGiven, codes.filter { seen.insert($0).inserted })
    }

    /// `population.diagnosed`: calendar bounds of the diagnosis.
    static func diagnosisDates(_ p: Population, fields: inout Set<String>, fail: Fail) throws -> DayRange? {
        guard let b = p.diagnosed else { return nil }
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
        fields.insert("diagnosis_date")
        return r
    }

    /// `population.attributes`: one of some values, or a numeric range, per clinical attribute.
    static func attributeFilters(_ p: Population, fields: inout Set<String>, fail: Fail) throws -> [AttributeFilter] {
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
        return attributes
    }

    /// The grouping: its variable (and `within`), an alteration set's members, or the two therapies.
    static func resolveGroups(_ d: CohortDefinition, fields: inout Set<String>, fail: Fail) throws -> ResolvedGroups {
        let extra = d.drugClasses ?? [:]
        var g = ResolvedGroups()
        switch d.groups {
        case nil: break
        case .variable(let name, _)?:
            g.groupVariable = CohortVariable(parsing: name)
        case .mutation(let a)?:
            _ = try Self.filter(a, field: "groups", fail: fail)
            fields.insert("mutations")
        case .alterationSet(let s)?:
            for (name, m) in d.alterationSets ?? [:] where name.isEmpty || m.isEmpty {
                throw fail("alterationSets", "set \"\(name)\" needs a name and at least one member")
            }
            g.setMembers = try s.members(sets: d.alterationSets ?? [:], field: "groups", fail: fail)
            fields.insert("mutations")
        case .therapy(let a, let b, let line)?:
            let ta = try Self.drugs(a, extra: extra, field: "groups.a", fail: fail)
            let tb = try Self.drugs(b, extra: extra, field: "groups.b", fail: fail)
            if let line, line < 1 { throw fail("groups.line", "must be 1 or more") }
            if !Set(ta).isDisjoint(with: tb) { throw fail("groups", "therapies A and B share drugs (\(Set(ta).intersection(tb).sorted().joined(separator: ", ")))") }
            g.therapyA = ta
            g.therapyB = tb
            g.therapyLabels = (a.label, b.label)
            g.therapyLine = line
            g.therapyGrouping = true
            fields.insert("therapies")
        case .top(let v, let percent, let within, _)?, .bottom(let v, let percent, let within, _)?:
            guard percent > 0, percent < 100 else { throw fail("groups.percent", "must be between 0 and 100 (exclusive)") }
            g.groupVariable = CohortVariable(parsing: v)
            g.withinVariable = within.map { CohortVariable(parsing: $0) }
        case .cuts(let v, let at)?:
            guard !at.isEmpty, zip(at, at.dropFirst()).allSatisfy({ $0 < $1 }), at.allSatisfy(\.isFinite) else {
                throw fail("groups.at", "needs one or more increasing cut points")
            }
            g.groupVariable = CohortVariable(parsing: v)
        }
        if let v = g.groupVariable { fields.insert(v.field) }
        if let w = g.withinVariable { fields.insert(w.field) }
        return g
    }

    /// The endpoint: a study's own time/status attributes, or one derived from the warehouse (from diagnosis, from a
    /// line's start, or from the line of a therapy grouping).
    static func resolveEndpoint(_ d: CohortDefinition, groups: ResolvedGroups, fields: inout Set<String>,
                                fail: Fail) throws -> ResolvedEndpoint {
        let e = d.endpoint
        if let l = e.line, l < 1 { throw fail("endpoint.line", "must be 1 or more") }
        switch e.kind {
        case .study:
            guard let t = e.time, let s = e.status, !t.isEmpty, !s.isEmpty else {
                throw fail("endpoint", "kind study needs `time` and `status` (the study's attributes, e.g. OS_MONTHS and OS_STATUS)")
            }
            guard e.from == nil && e.line == nil else { throw fail("endpoint", "a study endpoint is measured as the study recorded it; from/line do not apply") }
            fields.insert(t); fields.insert(s)
            return ResolvedEndpoint(tableEndpoint: .attributes(time: t, status: s), nativeUnit: e.unit ?? .months, fromTherapyLine: false)
        case .os, .pfs, .ttnt:
            guard e.time == nil && e.status == nil else { throw fail("endpoint", "time/status apply to kind study only") }
            if e.unit != nil { throw fail("endpoint.unit", "derived endpoints are in days; set timeUnit for display") }
            fields.insert(e.kind.rawValue)
            let fromLine = e.kind == .ttnt || e.from == .line
            if fromLine { fields.insert("therapies") }
            var index: IndexEvent = .diagnosis
            var fromTherapy = false
            if fromLine {
                if let l = e.line {
                    index = .lineStart(l)
                    if groups.therapyGrouping, let tl = groups.therapyLine, tl != l { throw fail("endpoint.line", "differs from groups.line") }
                } else if groups.therapyGrouping {
                    fromTherapy = true
                } else {
                    throw fail("endpoint.line", "needed for \(e.kind == .ttnt ? "time to next treatment" : "an endpoint from a line start")")
                }
            }
            var tableEndpoint: CohortEndpoint?
            if !fromTherapy {
                switch e.kind {
                case .os: tableEndpoint = .derived(.overallSurvival(from: index))
                case .pfs: tableEndpoint = .derived(.progressionFreeSurvival(from: index))
                default:
                    guard case .lineStart(let l) = index else { throw fail("endpoint.line", "needed for time to next treatment") }
                    tableEndpoint = .derived(.timeToNextTreatment(line: l))
                }
            }
            return ResolvedEndpoint(tableEndpoint: tableEndpoint, nativeUnit: .days, fromTherapyLine: fromTherapy)
        }
    }

    /// The analyses to run (log-rank, Cox, the PH test, unless skipped), Cox's covariates, strata and ties, the KM
    /// confidence type and times, and the competing-risks cause.
    static func resolveAnalyses(_ d: CohortDefinition, groupVariable: CohortVariable?, fields: inout Set<String>,
                                fail: Fail) throws -> ResolvedAnalyses {
        let a = d.analysis
        let skip = Set((a.skip ?? []).map { $0.lowercased() })
        for s in skip where !["logrank", "cox", "phtest"].contains(s) { throw fail("analysis.skip", "unknown analysis \"\(s)\" (logrank, cox, phtest)") }
        let covariates = (a.cox?.covariates ?? []).map { (variable: CohortVariable(parsing: $0.variable), kind: $0.type) }
        let coxStrata = (a.cox?.strata ?? []).map { CohortVariable(parsing: $0) }
        let logRankStrata = (a.logRank?.strata ?? []).map { CohortVariable(parsing: $0) }
        for v in covariates.map(\.variable) + coxStrata + logRankStrata { fields.insert(v.field) }
        if let g = groupVariable, covariates.contains(where: { $0.variable == g }) {
            throw fail("analysis.cox.covariates", "\(g) is the grouping variable; it is in the model already")
        }
        let runCox = (d.groups != nil || !covariates.isEmpty) && !skip.contains("cox")
        let ties: CoxFit.Ties
        switch (a.cox?.ties ?? "efron").lowercased() {
        case "efron": ties = .efron
        case "breslow": ties = .breslow
        case "exact": ties = .exact
        default: throw fail("analysis.cox.ties", "must be efron, breslow or exact")
        }
        let confidence: ConfidenceType
        switch (a.km?.confidence ?? "log").lowercased() {
        case "log": confidence = .log
        case "log-log", "loglog": confidence = .logLog
        case "plain": confidence = .plain
        default: throw fail("analysis.km.confidence", "must be log, log-log or plain")
        }
        if let times = a.km?.times, times.contains(where: { !$0.isFinite || $0 < 0 }) {
            throw fail("analysis.km.times", "must be non-negative numbers")
        }
        let competingCause = try a.competingRisks.map { cr in
            let v = CohortVariable(parsing: cr.cause)
            guard case .attribute = v else {
                throw fail("analysis.competingRisks.cause", "\"\(cr.cause)\" must be a clinical attribute holding a status (e.g. DSS_STATUS)")
            }
            return v
        }
        if let c = competingCause { fields.insert(c.field) }
        return ResolvedAnalyses(covariates: covariates, coxStrata: coxStrata, logRankStrata: logRankStrata,
                                runLogRank: d.groups != nil && !skip.contains("logrank"), runCox: runCox,
                                runPHTest: runCox && (a.cox?.phTest ?? true) && !skip.contains("phtest"),
                                ties: ties, confidence: confidence, kmTimes: a.km?.times, competingCause: competingCause)
    }
}
