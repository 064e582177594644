import Foundation
import Survival

extension TargetTrial {
    /// R `survival:::findq` on (firstx, time) and (0, 1 − curve): the time at which the curve reaches p.
    static func findq(_ x0: [Double], _ y0: [Double], p: Double, tol: Double = Double.ulpOfOne.squareRoot()) -> Double? {
        guard let maxY = y0.filter({ !$0.isNaN }).max(), maxY >= p else { return nil }
        let xmax = x0.last!
        var x: [Double] = [], y: [Double] = [], seen = Set<Double>()
        for (a, b) in zip(x0, y0) where !seen.contains(b) { seen.insert(b); if !b.isNaN { x.append(a); y.append(b) } }
        func first(_ shift: Double) -> Int? { y.firstIndex { $0 + shift >= p } }
        guard let i1 = first(tol), let i2 = first(-tol) else { return nil }
        if abs(p - y[y.count - 1]) < tol { return (x[i1] + xmax) / 2 }
        return (x[i1] + x[i2]) / 2
    }

    /// One arm's estimate from its clustered curve: log bounds S exp(±z se/S) clipped at 1 (R
    /// `conf.type = "log"`; 0 where S = 0, R's NA), the median and its interval by R's rule (`findq`),
    /// RMST with its clustered se.
    static func armEstimate(_ c: ClusteredCurve, entries: Int, patients: Int, events: Int, weightSum: Double) -> ArmEstimate {
        let m = c.time.count
        let z = 1.959963984540054
        var lower = [Double](repeating: .nan, count: m), upper = [Double](repeating: .nan, count: m)
        for k in 0..<m where c.survival[k] > 0 {
            let logSE = c.standardError[k] / c.survival[k]
            lower[k] = c.survival[k] * exp(-z * logSE)
            upper[k] = min(1, c.survival[k] * exp(z * logSE))
        }
        let x = [0] + c.time
        let median = findq(x, [0] + c.survival.map { 1 - $0 }, p: 0.5)
        // R `quantile.survfit`: the interval of a quantile is where the lower and the upper curve reach it
        let medianLower = findq(x, [0] + lower.map { 1 - $0 }, p: 0.5)
        let medianUpper = findq(x, [0] + upper.map { 1 - $0 }, p: 0.5)
        var rmstVariance = 0.0
        for v in c.rmstInfluence { rmstVariance += v * v }   // in cluster order; a cluster without entries here adds +0
        return ArmEstimate(entries: entries, patients: patients, events: events, weightSum: weightSum, time: c.time,
                           survival: c.survival, standardError: c.standardError, lower: lower.map { $0.isNaN ? 0 : $0 },
                           upper: upper.map { $0.isNaN ? 0 : $0 }, atRisk: c.atRisk, medianMonths: median,
                           medianLowerMonths: medianLower, medianUpperMonths: medianUpper, rmstMonths: c.rmst,
                           rmstStandardError: rmstVariance.squareRoot())
    }

    /// The E-value of an HR and its interval (see `EValue`).
    static func eValue(hazardRatio hr: Double, lower: Double, upper: Double, eventShare: Double) -> EValue {
        let common = eventShare > 0.15
        func rr(_ h: Double) -> Double { common ? (1 - pow(0.5, h.squareRoot())) / (1 - pow(0.5, (1 / h).squareRoot())) : h }
        func e(_ r: Double) -> Double { let q = r < 1 ? 1 / r : r; return q + (q * (q - 1)).squareRoot() }
        let bound: Double
        if lower <= 1 && upper >= 1 { bound = 1 } else { bound = e(rr(hr < 1 ? upper : lower)) }
        return EValue(estimate: e(rr(hr)), boundNearestOne: bound,
                      conversion: common ? "common outcome (> 15% with the event): RR ≈ (1 − 0.5^√HR)/(1 − 0.5^√(1/HR))"
                                         : "rare outcome (≤ 15% with the event): RR ≈ HR",
                      eventShare: eventShare)
    }

    /// A Cox fit of `treated` on the entries; nil with the reason when it cannot be read.
    static func coxHazardRatio(_ e: [TrialEntry], weights: [Double]?, cluster: Factor?) -> (HazardRatioEstimate?, String?) {
        let design: CoxDesign
        do { design = try CoxDesign([.numeric("treated", e.map { $0.treated ? 1 : 0 })]) } catch { return (nil, "\(error)") }
        let fit: CoxFit
        do {
            fit = try CoxFit(entry: e.map(\.entry), time: e.map(\.stop), event: e.map(\.event), design: design, weights: weights,
                             cluster: cluster, options: CoxFit.Options(timeFix: false, concordance: false))
        } catch { return (nil, "the Cox model could not be fitted (\(error))") }
        if !fit.problems.isEmpty { return (nil, "the Cox model could not be estimated (\(fit.problems.map(\.description).joined(separator: "; ")))") }
        let row = fit.coefficientTable[0]
        guard row.hazardRatio.isFinite, row.lower.isFinite, row.upper.isFinite, row.standardError.isFinite else {
            return (nil, "the Cox model gave no finite hazard ratio")
        }
        let modelSE = fit.naiveStandardErrors?[0] ?? row.standardError
        let robust = cluster != nil
        // the PH test of the weighted (adjusted) fit; finite values only
        let ph = robust ? (try? fit.proportionalHazardsTest(transform: .km))?.terms.first : nil
        let phOK = ph.map { $0.chiSquare.isFinite && $0.pValue.isFinite } ?? false
        let model = robust
            ? "coxph(Surv(entry, stop, death) ~ treated, weights = w, cluster = patient, ties = \"efron\")"
            : "coxph(Surv(entry, stop, death) ~ treated, ties = \"efron\")"
        return (HazardRatioEstimate(model: model, hazardRatio: row.hazardRatio, lower: row.lower, upper: row.upper,
                                    coefficient: row.coefficient, standardError: row.standardError, modelStandardError: modelSE,
                                    variance: robust ? .clusterRobust : .model, pValue: row.pValue, entries: e.count,
                                    events: e.filter(\.event).count,
                                    proportionalHazardsChiSquare: phOK ? ph?.chiSquare : nil,
                                    proportionalHazardsPValue: phOK ? ph?.pValue : nil), nil)
    }

    /// Steps 2–4 on built entries and their raw covariates (the part the R reference checks).
    @discardableResult
    static func estimate(entries all: [TrialEntry], covariates raw: [RawCovariate], protocol p: TargetTrialProtocol,
                         into result: inout TargetTrialResult) -> (treated: KaplanMeier, comparator: KaplanMeier)? {
        // 2. covariates kept, complete cases, the flow, and the gates on entries and events per arm
        let selection = selectCovariates(raw, entries: all.count)
        result.covariates = selection.uses
        let (entries, kept) = completeCases(all, covariates: selection.kept, protocol: p, flow: &result.flow)
        result.flow = entryFlow(entries, flow: result.flow)
        let few = tooFewEntries(result.flow, protocol: p)
        guard few.isEmpty else { for r in few { result.inconclusive(r) }; return nil }
        let clusters = patientClusters(entries)
        // the naive HR: unweighted, unadjusted, model-based variance
        let (naive, naiveProblem) = coxHazardRatio(entries, weights: nil, cluster: nil)
        result.naiveHazardRatio = naive
        if let naiveProblem { result.inconclusive("naive model: \(naiveProblem)") }
        // 3. propensity, weights, balance, positivity
        let treated = entries.map(\.treated)
        let design = propensityDesign(kept, entries: entries.count)
        guard let ps = propensityScores(design, treated: treated, into: &result) else { return nil }
        let (w, summary) = weights(ps: ps, treated: treated, protocol: p)
        result.weights = summary
        if summary.truncatedLow + summary.truncatedHigh == entries.count {
            result.inconclusive("every weight was truncated")
            return nil
        }
        result.balance = balance(design.balanceColumns, treated: treated, weights: w, threshold: p.balanceThreshold)
        let pos = positivity(ps: ps, treated: treated, weights: w, protocol: p)
        result.positivity = pos
        guard pos.supportLower != nil else {
            result.inconclusive("positivity: the propensity scores of the arms do not overlap")
            return nil
        }
        // 4. weighted Cox (cluster-robust), per-arm curves and RMST, E-value
        let (adjusted, problem) = coxHazardRatio(entries, weights: w, cluster: clusters.factor)
        result.hazardRatio = adjusted
        if let problem { result.inconclusive("weighted model: \(problem)") }
        armsAndRMST(entries, weights: w, clusters: clusters, protocol: p, into: &result)
        if let adjusted {
            let share = Double(entries.filter(\.event).count) / Double(entries.count)
            result.eValue = eValue(hazardRatio: adjusted.hazardRatio, lower: adjusted.lower, upper: adjusted.upper, eventShare: share)
        }
        if let b = result.balance, !b.achieved {
            let names = b.rows.filter(\.imbalanced).map { row in row.level.map { "\(row.covariate)=\($0)" } ?? row.covariate }
            result.inconclusive("balance not achieved after weighting: |SMD| > \(TargetTrialProtocol.number(p.balanceThreshold)) for \(names.joined(separator: ", "))")
        }
        if !pos.held { result.inconclusive("positivity not held: \(pos.reasons.joined(separator: "; "))") }
        // the arms as Survival curves for plots (same S; the bands use the per-entry jackknife, R survfit without id)
        func curve(_ isTreated: Bool) -> KaplanMeier? {
            let idx = entries.indices.filter { entries[$0].treated == isTreated }
            return try? KaplanMeier(entry: idx.map { entries[$0].entry }, time: idx.map { entries[$0].stop },
                                    event: idx.map { entries[$0].event }, weights: idx.map { w[$0] },
                                    variance: .infinitesimalJackknife, timeFix: false)
        }
        guard let tc = curve(true), let cc = curve(false) else { return nil }
        return (tc, cc)
    }

    /// With `missingCovariates == .completeCases`, the entries without a missing kept covariate (the
    /// count dropped goes to the flow); otherwise all of them.
    static func completeCases(_ all: [TrialEntry], covariates kept: [RawCovariate], protocol p: TargetTrialProtocol,
                              flow: inout TargetTrialFlow) -> (entries: [TrialEntry], kept: [RawCovariate]) {
        guard p.missingCovariates == .completeCases else { return (all, kept) }
        let drop = incompleteEntries(kept, entries: all.count)
        flow.entriesMissingCovariates = drop.count
        guard !drop.isEmpty else { return (all, kept) }
        let keepIdx = all.indices.filter { !drop.contains($0) }
        return (keepIdx.map { all[$0] }, kept.map { c in
            switch c.values {
            case .numeric(let v): return RawCovariate(name: c.name, values: .numeric(keepIdx.map { v[$0] }))
            case .categorical(let v): return RawCovariate(name: c.name, values: .categorical(keepIdx.map { v[$0] }))
            }
        })
    }

    /// The flow of the entries: entries, patients (also in both arms, with repeated entries) and events per arm.
    static func entryFlow(_ entries: [TrialEntry], flow: TargetTrialFlow) -> TargetTrialFlow {
        var f = flow
        let (person, patients) = personCodes(entries)
        // per patient: entries in each arm (0, 1, or more)
        var inArm = [UInt8](repeating: 0, count: 2 * patients)
        f.treatedEntries = 0; f.treatedEvents = 0; f.comparatorEvents = 0
        for (i, e) in entries.enumerated() {
            let k = 2 * person[i] + (e.treated ? 1 : 0)
            if inArm[k] < 2 { inArm[k] += 1 }
            if e.treated { f.treatedEntries += 1; if e.event { f.treatedEvents += 1 } } else if e.event { f.comparatorEvents += 1 }
        }
        f.comparatorEntries = entries.count - f.treatedEntries
        f.treatedPatients = 0; f.comparatorPatients = 0; f.patientsInBothArms = 0; f.patientsWithRepeatedEntries = 0
        for c in 0..<patients {
            let comparator = inArm[2 * c], treated = inArm[2 * c + 1]
            if treated > 0 { f.treatedPatients += 1 }
            if comparator > 0 { f.comparatorPatients += 1 }
            if treated > 0 && comparator > 0 { f.patientsInBothArms += 1 }
            if treated > 1 || comparator > 1 { f.patientsWithRepeatedEntries += 1 }
        }
        return f
    }

    /// Each entry's patient as a code 0..<count, in order of first appearance. Entries built from a
    /// table come ordered by patient (the table's rows are), so the codes follow the runs without
    /// hashing; entries in any other order go through a dictionary.
    static func personCodes(_ entries: [TrialEntry]) -> (codes: [Int], count: Int) {
        var codes = [Int](repeating: 0, count: entries.count)
        var count = 0
        if zip(entries, entries.dropFirst()).allSatisfy({ $0.person <= $1.person }) {
            for i in entries.indices {
                if i > 0 && entries[i].person != entries[i - 1].person { count += 1 }
                codes[i] = count
            }
            return (codes, entries.isEmpty ? 0 : count + 1)
        }
        var code: [Int64: Int] = [:]
        for (i, e) in entries.enumerated() {
            if let c = code[e.person] { codes[i] = c } else { codes[i] = count; code[e.person] = count; count += 1 }
        }
        return (codes, count)
    }

    /// Why an arm has too few entries or events for the protocol (empty: enough).
    static func tooFewEntries(_ f: TargetTrialFlow, protocol p: TargetTrialProtocol) -> [String] {
        var few: [String] = []
        for (arm, n, d) in [("treated", f.treatedEntries, f.treatedEvents), ("comparator", f.comparatorEntries, f.comparatorEvents)] {
            if n < p.minimumEntriesPerArm || d < p.minimumEventsPerArm {
                few.append("the \(arm) arm has \(n) entries and \(d) events (each arm needs ≥ \(p.minimumEntriesPerArm) entries and ≥ \(p.minimumEventsPerArm) events)")
            }
        }
        return few
    }

    /// One cluster per patient: dense codes in order of appearance.
    struct PatientClusters {
        var codes: [Int]
        var count: Int
        var factor: Factor
    }

    static func patientClusters(_ entries: [TrialEntry]) -> PatientClusters {
        let (clusters, count) = personCodes(entries)
        return PatientClusters(codes: clusters, count: count,
                               factor: Factor(codes: clusters.map { Int32($0) }, levels: (0..<count).map(String.init)))
    }

    /// The propensity scores (the treated share when no covariate is kept), with the model's summary in
    /// `result`; nil, with the reason in `result`, when the model cannot be used (not fitted, separation,
    /// no convergence).
    static func propensityScores(_ design: PropensityDesign, treated: [Bool], into result: inout TargetTrialResult) -> [Double]? {
        let n = treated.count
        guard !design.covariates.isEmpty else {
            let share = Double(result.flow.treatedEntries) / Double(n)
            result.propensity = PropensityModelSummary(formula: "glm(treated ~ 1, family = binomial)",
                                                       terms: [], entries: n, iterations: 0,
                                                       problems: ["no covariate kept: every propensity score is the treated share"])
            return [Double](repeating: share, count: n)
        }
        let model: LogisticRegression
        do {
            model = try LogisticRegression(outcome: treated, design: try CoxDesign(design.covariates))
        } catch {
            result.inconclusive("the propensity model could not be fitted (\(error))")
            return nil
        }
        let se = model.standardErrors
        result.propensity = PropensityModelSummary(
            formula: "glm(treated ~ \(design.formulaTerms.joined(separator: " + ")), family = binomial)",
            terms: model.columnNames.indices.map { j in
                PropensityModelSummary.Term(name: model.columnNames[j], coefficient: model.coefficients[j].isNaN ? nil : model.coefficients[j],
                                            standardError: se[j].isNaN ? nil : se[j])
            },
            entries: n, iterations: model.iterations, problems: model.problems.map(\.description))
        if model.problems.contains(.separation) {
            result.inconclusive("separation in the propensity model: some covariates predict the arm exactly (no overlap)")
            return nil
        }
        if model.problems.contains(.iterationLimit) {
            result.inconclusive("the propensity model did not converge")
            return nil
        }
        return model.fitted
    }

    /// Each arm's weighted curve clustered by patient, its estimate, and the RMST difference with the
    /// infinitesimal-jackknife se clustered by patient across both arms.
    static func armsAndRMST(_ entries: [TrialEntry], weights w: [Double], clusters: PatientClusters, protocol p: TargetTrialProtocol,
                            into result: inout TargetTrialResult) {
        func arm(_ isTreated: Bool) -> (ArmEstimate, [Double]) {
            let idx = entries.indices.filter { entries[$0].treated == isTreated }
            let curve = clusteredCurve(entry: idx.map { entries[$0].entry }, stop: idx.map { entries[$0].stop },
                                       event: idx.map { entries[$0].event }, weights: idx.map { w[$0] },
                                       cluster: idx.map { clusters.codes[$0] }, clusters: clusters.count, horizon: p.horizonMonths)
            var seen = [Bool](repeating: false, count: clusters.count)   // clusters are patients
            var patients = 0
            for i in idx where !seen[clusters.codes[i]] { seen[clusters.codes[i]] = true; patients += 1 }
            let estimate = armEstimate(curve, entries: idx.count, patients: patients,
                                       events: idx.filter { entries[$0].event }.count, weightSum: idx.reduce(0) { $0 + w[$1] })
            return (estimate, curve.rmstInfluence)
        }
        let (ta, ti) = arm(true), (ca, ci) = arm(false)
        result.treated = ta
        result.comparatorArm = ca
        var v = 0.0
        for c in 0..<clusters.count { let d = ti[c] - ci[c]; v += d * d }
        let diff = ta.rmstMonths - ca.rmstMonths, se = v.squareRoot(), z = 1.959963984540054
        result.rmst = RMSTDifference(horizonMonths: p.horizonMonths, treatedMonths: ta.rmstMonths, comparatorMonths: ca.rmstMonths,
                                     differenceMonths: diff, standardError: se, lower: diff - z * se, upper: diff + z * se,
                                     variance: "infinitesimal jackknife of each weighted Kaplan–Meier curve, clustered by patient across both arms")
    }
}
