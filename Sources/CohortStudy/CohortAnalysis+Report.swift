import Foundation
import OncoCore
import Survival
import Warehouse

extension CohortAnalysis {
    /// The report, with disclosure control applied (`CohortDisclosure`, k = `provenance.minimumCellCount`):
    /// every count of patients or events becomes a `SuppressedCount` (`<k`, or rounded to a multiple of k);
    /// a group smaller than the minimum keeps only its count (as `<k`) — its curve, median, survival and
    /// hazard-ratio estimates are withheld, since they would describe fewer patients than the minimum;
    /// curves are published only at steps of at least k events.
    func report(plan: CohortPlan, provenance: CohortReport.Provenance, definitionJSON: String) -> CohortReport {
        let dc = CohortDisclosure(k: provenance.minimumCellCount)
        // KM summary times (display unit).
        let maxTime = groups.compactMap { $0.curve?.time.last }.max().map { $0 * timeScale } ?? 0
        let times = plan.kmTimes ?? Self.roundTimes(upTo: maxTime)
        let (summaries, curvesOut, series) = groupSummaries(dc: dc, times: times)

        let ph = proportionalHazards.map { p in
            CohortReport.PHTest(transform: p.transform.rawValue, terms: p.terms.map(\.name),
                                tests: p.terms.map { .init(chiSquare: $0.chiSquare, degreesOfFreedom: $0.degreesOfFreedom, p: $0.pValue) },
                                global: .init(chiSquare: p.global.chiSquare, degreesOfFreedom: p.global.degreesOfFreedom, p: p.global.pValue))
        }
        let levelCountsOut = levelCounts.map { lc in
            CohortReport.LevelCounts(variable: lc.variable, levels: lc.levels, groups: groups.map(\.label),
                                     counts: lc.counts.map { $0.map { dc.count($0) } })
        }
        let notesOut = reportNotes(plan: plan, provenance: provenance, dc: dc, anyWithheld: summaries.contains(where: \.withheld))

        var report = CohortReport(
            title: plan.definition.name, provenance: provenance, definition: definitionJSON,
            definitionSummary: Self.summary(plan), endpoint: Self.endpointText(plan), timeUnit: plan.displayUnit.rawValue,
            flow: flow.map { .init(label: $0.label, count: dc.count($0.count)) }, grouping: grouping,
            cutoffs: cutoffs.map { c in
                // a cut-off of a level smaller than the minimum would describe fewer patients than allowed
                .init(level: c.level, n: dc.count(c.n), nAbove: dc.count(c.nAbove), value: dc.isSmall(c.n) ? nil : c.value,
                      below: plan.selectsBottom ? true : nil)
            },
            groups: summaries, levelCounts: levelCountsOut, curves: curvesOut, logRank: logRankSummary(dc: dc),
            cox: coxSummary(dc: dc), proportionalHazards: ph, notes: notesOut, plotSeries: series)
        if !setMembers.isEmpty {
            report.setMembers = setMembers.map { CohortReport.SetMember(member: $0.label, carriers: dc.count($0.carriers)) }
        }
        report.competingRisks = competingRisks.map { competingRisksSummary($0, dc: dc, times: times) }
        return report
    }

    /// Each group's summary row, its published curve and its plot series; a group smaller than the minimum
    /// keeps only its counts.
    private func groupSummaries(dc: CohortDisclosure, times: [Double])
        -> ([CohortReport.GroupSummary], [CohortReport.Curve], [KaplanMeierSeries]) {
        let scale = timeScale
        func opt(_ x: Double) -> Double? { x.isFinite ? x : nil }
        var summaries: [CohortReport.GroupSummary] = []
        var curvesOut: [CohortReport.Curve] = []
        var series: [KaplanMeierSeries] = []
        for g in groups {
            let withheld = dc.isSmall(g.n)
            guard let km = g.curve, !withheld else {
                summaries.append(.init(label: g.label, n: dc.count(g.n), events: dc.count(g.events), censored: dc.count(g.censored),
                                       median: nil, medianLower: nil, medianUpper: nil, withheld: withheld, survivalAt: []))
                continue
            }
            let m = km.median
            let (steps, end) = dc.steps(km)
            let at = km.summary(at: times.map { $0 / scale }).map { p in
                // survival as the published (merged-step) curve shows it; exact without disclosure control
                let published = dc.active ? dc.survival(km, steps: steps, end: end, at: p.time) : Optional((p.survival, p.lower, p.upper))
                return CohortReport.SurvivalAt(time: p.time * scale, atRisk: dc.count(Int(p.atRisk.rounded())), survival: published.flatMap { opt($0.0) },
                                               lower: published.flatMap { opt($0.1) }, upper: published.flatMap { opt($0.2) })
            }
            summaries.append(.init(label: g.label, n: dc.count(g.n), events: dc.count(g.events), censored: dc.count(g.censored),
                                   median: opt(m.estimate).map { $0 * scale }, medianLower: opt(m.lower).map { $0 * scale },
                                   medianUpper: opt(m.upper).map { $0 * scale }, withheld: false, survivalAt: at))
            curvesOut.append(.init(label: g.label, points: steps.map { st in
                let j = st.index
                return CohortReport.CurvePoint(time: km.time[j] * scale, atRisk: dc.count(st.atRisk), events: dc.count(st.events),
                                               censored: dc.count(st.censored), survival: km.survival[j], lower: opt(km.lower[j]),
                                               upper: opt(km.upper[j]))
            }))
            series.append(dc.active ? dc.series(label: g.label, km, steps: steps, end: end, scale: scale)
                                    : KaplanMeierDisclosure(k: dc.k).series(label: g.label, km, scale: scale))
        }
        return (summaries, curvesOut, series)
    }

    /// The log-rank test; a test comparing a group smaller than the minimum describes that group: withheld,
    /// like its median and HR.
    private func logRankSummary(dc: CohortDisclosure) -> CohortReport.LogRankSummary? {
        let smallGroups = Set(groups.filter { dc.isSmall($0.n) }.map(\.label))
        return logRank.map { l in
            let withhold = l.groups.contains(where: smallGroups.contains)
            return CohortReport.LogRankSummary(test: withhold ? nil : .init(chiSquare: l.chiSquare, degreesOfFreedom: l.degreesOfFreedom, p: l.pValue),
                                               strata: logRankStrata, groups: l.groups,
                                               observed: l.observed.map { dc.count(Int($0.rounded())) }, expected: withhold ? nil : l.expected,
                                               withheld: withhold)
        }
    }

    /// The Cox model's table; a level (or a reference) smaller than the minimum has its contrast withheld.
    private func coxSummary(dc: CohortDisclosure) -> CohortReport.CoxSummary? {
        guard let fit = cox else { return nil }
        func opt(_ x: Double) -> Double? { x.isFinite ? x : nil }
        let table = fit.coefficientTable
        var terms: [CohortReport.CoxTerm] = []
        for (t, info) in zip(fit.terms, coxTerms) {
            if let levels = t.levels {
                terms.append(.init(term: t.name, level: levels[0], isReference: true, n: dc.count(info.counts[0]), coefficient: nil,
                                   standardError: nil, hazardRatio: nil, lower: nil, upper: nil, p: nil))
                // a level (or a reference) smaller than the minimum: its contrast describes fewer patients than allowed
                let smallReference = dc.isSmall(info.counts[0])
                for (k, col) in t.columns.enumerated() {
                    let c = table[col]
                    let withhold = smallReference || dc.isSmall(info.counts[k + 1])
                    var term = CohortReport.CoxTerm(term: t.name, level: levels[k + 1], isReference: false, n: dc.count(info.counts[k + 1]),
                                                    coefficient: withhold ? nil : opt(c.coefficient), standardError: withhold ? nil : opt(c.standardError),
                                                    hazardRatio: withhold ? nil : opt(c.hazardRatio), lower: withhold ? nil : opt(c.lower),
                                                    upper: withhold ? nil : opt(c.upper), p: withhold ? nil : opt(c.pValue))
                    term.withheld = withhold
                    terms.append(term)
                }
            } else {
                let c = table[t.columns.lowerBound]
                terms.append(.init(term: t.name, level: nil, isReference: false, n: dc.count(info.counts[0]),
                                   coefficient: opt(c.coefficient), standardError: opt(c.standardError), hazardRatio: opt(c.hazardRatio),
                                   lower: opt(c.lower), upper: opt(c.upper), p: opt(c.pValue)))
            }
        }
        func test(_ t: ChiSquareTest) -> CohortReport.Test { .init(chiSquare: t.statistic, degreesOfFreedom: t.degreesOfFreedom, p: t.pValue) }
        return .init(n: dc.count(fit.n), events: dc.count(fit.eventCount), ties: fit.options.ties.rawValue, strata: coxStrata, terms: terms,
                     likelihoodRatio: test(fit.likelihoodRatioTest), wald: test(fit.waldTest), score: test(fit.scoreTest),
                     logLikelihood: fit.logLikelihood, concordance: fit.concordance.map(\.c),
                     concordanceStandardError: fit.concordance.map(\.standardError),
                     problems: fit.problems.map(\.description))
    }

    /// The notes under the report: withheld groups, the disclosure-control rule, the cut-off rule, competing
    /// risks' notes; the synthetic-data banner first.
    private func reportNotes(plan: CohortPlan, provenance: CohortReport.Provenance, dc: CohortDisclosure,
                             anyWithheld: Bool) -> [String] {
        var notesOut = notes
        if anyWithheld {
            notesOut.append("groups with fewer than \(provenance.minimumCellCount) patients are shown as <\(provenance.minimumCellCount); their curves and estimates (median, survival, hazard ratios, the log-rank test comparing them) are withheld")
        }
        if dc.active {
            notesOut.append("disclosure control: \(DisclosureControl(minimumCount: dc.k).roundingStatement!), so no suppressed count can be derived by subtraction (totals may differ from the sum of their parts); curves are shown only at steps of at least \(dc.k) events")
        }
        if !cutoffs.isEmpty {
            notesOut.append(plan.cutoffRule)
        }
        if let cr = competingRisks { notesOut += cr.notes }
        if provenance.synthetic { notesOut.insert(CohortReport.syntheticBanner, at: 0) }
        return notesOut
    }

    /// Round times (excluding 0) over follow-up: steps of 1, 2, 2.5 or 5 × 10^k, at most 8.
    static func roundTimes(upTo maxValue: Double) -> [Double] {
        guard maxValue > 0, maxValue.isFinite else { return [] }
        let mag = pow(10, (log10(maxValue / 6)).rounded(.down))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { (maxValue / $0).rounded(.down) <= 8 } ?? 10 * mag
        var out: [Double] = []
        var t = step
        while t <= maxValue * (1 + 1e-12) { out.append(t); t += step }
        return out
    }

    static func endpointText(_ plan: CohortPlan) -> String {
        let e = plan.definition.endpoint
        var s: String
        switch e.kind {
        case .study: s = "survival as the study recorded it (time \(e.time ?? "?"), status \(e.status ?? "?"))"
        case .os, .pfs:
            s = e.kind == .os ? "overall survival" : "progression-free survival"
            if plan.endpointFromTherapyLine { s += " from the start of the line with the compared therapy" }
            else if e.from == .line, let l = e.line { s += " from the start of line \(l)" }
            else { s += " from diagnosis" }
        case .ttnt:
            s = "time to next treatment"
            if plan.endpointFromTherapyLine { s += " from the line with the compared therapy" } else if let l = e.line { s += " from line \(l)" }
        }
        if let l = e.landmark { s += ", landmark \(l)" }
        return s
    }

    static func summary(_ plan: CohortPlan) -> [String] {
        let d = plan.definition
        let p = d.population
        var pop: [String] = []
        if !p.tumourTypes.isEmpty {
            pop.append("tumour type \(p.tumourTypes.map { $0.uppercased() }.joined(separator: " or "))" + (p.includeDescendants ? " (with OncoTree descendants)" : ""))
        }
        if !p.stages.isEmpty { pop.append("stage \(p.stages.joined(separator: ", "))") }
        if let a = p.age { pop.append("age " + rangeText(a)) }
        if !p.sex.isEmpty { pop.append("sex \(p.sex.joined(separator: " or "))") }
        for a in p.alterations { pop.append(alterationText(a)) }
        for (s, m) in zip(p.alterationSets, plan.populationSetMembers) { pop.append(CohortPlan.populationSetText(s, members: m)) }
        if let t = p.tmb { pop.append("TMB " + rangeText(t) + " mut/Mb") }
        for t in p.therapies {
            pop.append(((t.received ?? true) ? "received " : "never received ") + t.label + (t.line.map { " in line \($0)" } ?? ""))
        }
        if let b = p.diagnosed { pop.append("diagnosed \(b.from ?? "…") to \(b.to ?? "…")") }
        for a in p.attributes {
            if let v = a.values { pop.append("\(a.name) in {\(v.joined(separator: ", "))}") }
            else { pop.append("\(a.name) " + rangeText(NumericRange(min: a.min, max: a.max))) }
        }
        if !p.datasets.isEmpty { pop.append("datasets \(p.datasets.joined(separator: ", "))") }
        var lines = ["Population: " + (pop.isEmpty ? "every patient of the warehouse" : pop.joined(separator: "; "))]
        switch d.groups {
        case nil: lines.append("Groups: none (one curve)")
        case .alterationSet(let s)?:
            lines.append("Groups: \(s.label) altered (any of \(plan.setMembers.map(\.label).joined(separator: ", "))) vs wild-type (none of them; patients with a sequenced specimen)")
        case .mutation(let a)? where a.fusionFrame != nil && a.resolvedClasses == ["fusion"]:
            lines.append("Groups: \(a.label) vs no \(a.label) (patients with a sequenced specimen)")
        case .mutation(let a)?: lines.append("Groups: \(a.label) mutated vs wild-type (\(a.resolvedClasses.joined(separator: ", ")); patients with a sequenced specimen)")
        case .variable(let n, let v)?: lines.append("Groups: by \(CohortVariable(parsing: n).label)" + (v.map { " (\($0.joined(separator: ", ")))" } ?? ""))
        case .therapy(let a, let b, let line)?:
            lines.append("Groups: \(a.label) vs \(b.label) (reference) in \(line.map { "line \($0)" } ?? "the first line with either")")
        case .top(let v, let pc, let w, let q)?, .bottom(let v, let pc, let w, let q)?:
            let side = plan.selectsBottom ? "bottom" : "top"
            lines.append("Groups: \(side) \(numberText(pc))% of \(CohortVariable(parsing: v).label)" + (w.map { " within each \(CohortVariable(parsing: $0).label)" } ?? "")
                         + " vs the rest (cut-off R quantile \(q); ties at the cut-off in the \(side) group)")
        case .cuts(let v, let at)?: lines.append("Groups: \(CohortVariable(parsing: v).label) cut at \(at.map(numberText).joined(separator: ", "))")
        }
        lines.append("Endpoint: \(endpointText(plan)); times in \(plan.displayUnit.rawValue)")
        var an = ["Kaplan–Meier (\(plan.confidence.rawValue) CI)"]
        if plan.runLogRank { an.append("log-rank" + (plan.logRankStrata.isEmpty ? "" : " stratified by \(plan.logRankStrata.map(\.label).joined(separator: ", "))")) }
        if plan.runCox {
            var c = "Cox (\(plan.ties.rawValue) ties"
            if !plan.covariates.isEmpty { c += "; adjusted for \(plan.covariates.map(\.variable.label).joined(separator: ", "))" }
            if !plan.coxStrata.isEmpty { c += "; stratified by \(plan.coxStrata.map(\.label).joined(separator: ", "))" }
            an.append(c + ")")
        }
        if plan.runPHTest { an.append("proportional-hazards test (cox.zph)") }
        if let c = plan.competingCause {
            an.append("competing risks by \(c.label) (cumulative incidence, Gray's test, Fine–Gray subdistribution HR)")
        }
        lines.append("Analyses: " + an.joined(separator: ", "))
        if plan.filtersFusionFrame { lines.append(CohortPlan.fusionFrameMethod) }
        if let desc = d.description, !desc.isEmpty { lines.insert(desc, at: 0) }
        return lines
    }

    /// `TP53 mutated (missense)`; with a frame `EML4::ALK fusion, in-frame` (`no …` for wild-type).
    static func alterationText(_ a: AlterationSpec) -> String {
        let status = (a.status ?? "mutated").lowercased()
        if a.fusionFrame != nil, a.resolvedClasses == ["fusion"] {
            return ["wildtype", "wild-type", "absent"].contains(status) ? "no \(a.label) (patients with a sequenced specimen)" : a.label
        }
        return "\(a.label) \(status)" + (a.classes.map { " (\($0.joined(separator: ", ")))" } ?? "")
    }

    static func rangeText(_ r: NumericRange) -> String {
        switch (r.min, r.max) {
        case let (lo?, hi?): return "\(numberText(lo))–\(numberText(hi))"
        case let (lo?, nil): return "≥ \(numberText(lo))"
        case let (nil, hi?): return "≤ \(numberText(hi))"
        default: return "any"
        }
    }
}
