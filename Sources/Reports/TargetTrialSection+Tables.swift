import Foundation
import CohortStudy
import OncoCore
import TargetTrial

extension TargetTrialSection {
    /// The section's tables in reading order, shared by every renderer (text, Markdown, HTML, CSV):
    /// the target-trial protocol, the eligibility flow, the arms, the estimates, the covariate balance,
    /// the weights and positivity, the propensity covariates. `idPrefix` keeps HTML ids unique when a
    /// page holds several trials.
    public func tables(full: Bool = false, idPrefix: String = "tt") -> [CohortReport.Table] {
        let f = CohortReport.NumberStyle(full: full)
        func ci(_ lo: Double?, _ hi: Double?, _ g: (Double?) -> String) -> String {
            lo == nil && hi == nil ? "NA" : "\(g(lo)) – \(g(hi))"
        }
        var out: [CohortReport.Table] = []
        out.append(.init(id: "\(idPrefix)-protocol", title: "Target trial protocol: \(therapy) vs \(comparator)",
                         headers: ["component", "specification"], rows: protocolTable.map { [$0.component, $0.specification] },
                         numericColumns: [], note: nil, wrapLastColumn: true))
        out.append(.init(id: "\(idPrefix)-flow", title: "Eligibility flow (lines of therapy → trial entries)", headers: ["step", "count"],
                         rows: flow.map { [$0.label, $0.count.description] }, numericColumns: [1],
                         note: "a patient may enter once per eligible line and arm (sequential trials); every variance is clustered by patient"))
        out.append(.init(id: "\(idPrefix)-arms", title: "Arms: weighted overall survival from time zero (months)",
                         headers: ["arm", "entries", "patients", "deaths", "median", "95% CI", "RMST (se)"],
                         rows: arms.map { a in
                             a.withheld ? [a.label, a.entries.description, a.patients.description, a.events.description, "withheld", "withheld", "withheld"]
                                 : [a.label, a.entries.description, a.patients.description, a.events.description, f.time(a.medianMonths),
                                    ci(a.medianLowerMonths, a.medianUpperMonths, f.time),
                                    a.rmstMonths.map { "\(f.time($0)) (\(f.time(a.rmstStandardError)))" } ?? "NA"]
                         }, numericColumns: [1, 2, 3, 4],
                         note: "median NA: not reached or not estimated; RMST to the horizon of the protocol" + (rmst.map { " (\(f.value($0.horizonMonths)) months)" } ?? "")))
        out.append(estimatesTable(f, id: "\(idPrefix)-estimates"))
        if let b = balance {
            out.append(.init(id: "\(idPrefix)-balance", title: "Covariate balance: standardised mean differences before and after weighting",
                             headers: ["covariate", "level", "SMD before", "SMD after", "flag"],
                             rows: b.rows.map { r in
                                 [r.covariate, r.level ?? "", f.stat(r.smdBefore), f.stat(r.smdAfter),
                                  r.imbalanced ? "imbalanced (|SMD| > \(f.value(b.threshold)))"
                                     : r.smdAfter == nil ? "undefined (constant within each arm)"
                                     : (abs(r.smdBefore ?? 0) > b.threshold ? "balanced by weighting" : "")]
                             }, numericColumns: [2, 3],
                             note: "balance \(b.achieved ? "achieved" : "NOT achieved"): every |SMD after| ≤ \(f.value(b.threshold)) is required; SMD = difference in (weighted) means / pooled unweighted SD"))
        }
        out.append(positivityTable(f, id: "\(idPrefix)-positivity"))
        if !covariates.isEmpty {
            var note = propensityFormula.map { "propensity model: \($0)" } ?? "no propensity model fitted"
            if !propensityProblems.isEmpty { note += "; WARNING: \(propensityProblems.joined(separator: "; "))" }
            out.append(.init(id: "\(idPrefix)-covariates", title: "Propensity-score covariates at time zero",
                             headers: ["covariate", "used", "known", "missing", "why not used"],
                             rows: covariates.map { [$0.name, $0.kept ? "yes" : "no", $0.known.description, $0.missing.description, $0.droppedBecause ?? ""] },
                             numericColumns: [2, 3], note: note, wrapLastColumn: true))
        }
        return out
    }

    /// Naive and adjusted hazard ratios, RMST difference, E-values, grade.
    func estimatesTable(_ f: CohortReport.NumberStyle, id: String) -> CohortReport.Table {
        func ci(_ lo: Double?, _ hi: Double?, _ g: (Double?) -> String) -> String { lo == nil && hi == nil ? "NA" : "\(g(lo)) – \(g(hi))" }
        var rows: [[String]] = []
        if let n = naiveHazardRatio {
            rows.append(["naive hazard ratio (unweighted, unadjusted)", f.ratio(n.hazardRatio), ci(n.lower, n.upper, f.ratio), f.p(n.pValue),
                         "\(n.variance) variance; \(n.entries) entries, \(n.events) deaths"])
        } else {
            rows.append(["naive hazard ratio (unweighted, unadjusted)", "NA", "NA", "NA", "not estimated"])
        }
        if let h = hazardRatio {
            rows.append(["adjusted hazard ratio (weighted)", f.ratio(h.hazardRatio), ci(h.lower, h.upper, f.ratio), f.p(h.pValue),
                         "\(h.variance) variance (se \(f.stat(h.standardError)); model-based \(f.stat(h.modelStandardError))); \(h.entries) entries, \(h.events) deaths"])
        } else {
            rows.append(["adjusted hazard ratio (weighted)", "NA", "NA", "NA", "not estimated"])
        }
        if let r = rmst {
            rows.append(["RMST difference at \(f.value(r.horizonMonths)) months (treated − comparator)", f.time(r.differenceMonths),
                         ci(r.lower, r.upper, f.time), "", "\(f.time(r.treatedMonths)) vs \(f.time(r.comparatorMonths)) months; \(r.variance)"])
        } else {
            rows.append(["RMST difference", "NA", "NA", "", "not estimated"])
        }
        if let e = eValue {
            rows.append(["E-value of the adjusted hazard ratio", f.stat(e.estimate), "", "", e.conversion])
            rows.append(["E-value of the CI bound nearest 1", f.stat(e.boundNearestOne), "", "", e.boundNearestOne == 1 ? "the interval includes 1" : ""])
        } else {
            rows.append(["E-value", "NA", "", "", "not estimated"])
        }
        if let g = grade { rows.append(["grade", g, "", "", gradeReason ?? ""]) }
        var note = "status: \(status)"
        if !reasons.isEmpty { note += " (\(reasons.joined(separator: "; ")))" }
        if !notes.isEmpty { note += "; " + notes.joined(separator: "; ") }
        return .init(id: id, title: "Estimates: adjusted (weighted, cluster-robust) beside naive",
                     headers: ["measure", "estimate", "95% CI", "p", "detail"], rows: rows, numericColumns: [1, 3], note: note,
                     wrapLastColumn: true)
    }

    /// The weights and the propensity overlap.
    func positivityTable(_ f: CohortReport.NumberStyle, id: String) -> CohortReport.Table {
        func pct(_ x: Double) -> String { CohortReport.NumberStyle.significant(x * 100, 3) + "%" }
        var rows: [[String]] = []
        if let w = weights {
            rows.append(["weights", "\(w.scheme), truncated \(w.truncation)"])
            rows.append(["weights moved by truncation (low / high)", "\(w.truncatedLow) / \(w.truncatedHigh)"])
            rows.append(["weight range", "\(f.value(w.minimum)) – \(f.value(w.maximum))"])
            rows.append(["mean weight (treated / comparator)", "\(f.value(w.treatedMean)) / \(f.value(w.comparatorMean))"])
        }
        guard let p = positivity else {
            rows.append(["positivity", "not checked (no propensity score)"])
            return .init(id: id, title: "Weights and positivity", headers: ["check", "value"], rows: rows, numericColumns: [], note: nil)
        }
        rows.append(["propensity range, treated", "\(f.prob(p.treatedMinimum)) – \(f.prob(p.treatedMaximum))"])
        rows.append(["propensity range, comparator", "\(f.prob(p.comparatorMinimum)) – \(f.prob(p.comparatorMaximum))"])
        if let lo = p.supportLower, let hi = p.supportUpper {
            rows.append(["common support", "\(f.prob(lo)) – \(f.prob(hi))"])
        } else {
            rows.append(["common support", "none: the arms' propensity ranges do not overlap"])
        }
        rows.append(["outside the common support (treated / comparator)", "\(pct(p.treatedOutsideShare)) / \(pct(p.comparatorOutsideShare))"])
        rows.append(["effective sample size (treated / comparator)",
                     "\(String(format: "%.1f", p.treatedEffectiveSampleSize)) / \(String(format: "%.1f", p.comparatorEffectiveSampleSize))"])
        rows.append(["largest weight", f.value(p.maximumWeight)])
        rows.append(["positivity", p.held ? "held" : "NOT held: " + p.reasons.joined(separator: "; ")])
        return .init(id: id, title: "Weights and positivity (propensity overlap)", headers: ["check", "value"], rows: rows,
                     numericColumns: [], note: "rule: \(p.rule)")
    }

    /// The few lines the concise board view shows under the candidate (the tables sit in the appendix or a
    /// details element); `status`: end with why the trial is inconclusive (left out where a grade line says it).
    public func summaryLines(status withStatus: Bool = true) -> [String] {
        let f = CohortReport.NumberStyle(full: false)
        var out: [String] = []
        let setting = settings.isEmpty ? "" : " (line \(settings.joined(separator: ", ")))"
        out.append("target trial\(setting): new users of \(therapy) vs \(comparator); entries \(arms[0].entries) vs \(arms[1].entries), deaths \(arms[0].events) vs \(arms[1].events)")
        var est: [String] = []
        if let h = hazardRatio { est.append("adjusted HR \(f.ratio(h.hazardRatio)) (95% CI \(f.ratio(h.lower))–\(f.ratio(h.upper)), \(h.variance))") }
        if let n = naiveHazardRatio { est.append("naive HR \(f.ratio(n.hazardRatio)) (\(f.ratio(n.lower))–\(f.ratio(n.upper)))") }
        if let r = rmst { est.append("RMST difference \(f.time(r.differenceMonths)) months at \(f.value(r.horizonMonths)) (\(f.time(r.lower))–\(f.time(r.upper)))") }
        if let e = eValue { est.append("E-value \(f.stat(e.estimate)) (CI bound \(f.stat(e.boundNearestOne)))") }
        if !est.isEmpty { out.append(est.joined(separator: "; ")) }
        var checks: [String] = []
        if let b = balance {
            let worst = b.rows.compactMap { $0.smdAfter.map(abs) }.max() ?? 0
            checks.append("balance \(b.achieved ? "achieved" : "NOT achieved") (largest |SMD| after weighting \(f.stat(worst)))")
        }
        if let p = positivity { checks.append("positivity \(p.held ? "held" : "NOT held")") }
        if !checks.isEmpty { out.append(checks.joined(separator: "; ")) }
        if withStatus && status != "estimated" { out.append("inconclusive: " + reasons.joined(separator: "; ")) }
        out += notes
        return out
    }
}
