import Foundation
import OncoCore
import Survival
import TargetTrial
import Vocabulary
import Warehouse

/// The real-world comparison of one therapy within one cohort's lines of therapy, as an emulated
/// target trial (module `TargetTrial`; the protocol is printed as the target-trial table in every
/// report and carried whole in `RealWorldEvidence.targetTrial`).
///
/// - **Protocol**: `TargetTrialProtocol()` with the gates as its minimum entries and events per arm
///   (`trialProtocol(gates:)`): eligibility at the line's start (biomarker known by then or within 90
///   days, entering on the day it became known; unknown timing excluded and counted), new users,
///   the settings where the therapy was started; the therapy's lines against the other lines of those
///   settings (active comparator), each eligible line one entry, patients clustered; stabilised IPTW
///   from a propensity model of the recorded time-zero covariates, truncated at the 1st/99th percentiles.
/// - **Arms**: distinct patients and deaths of each arm's entries; the median OS and its 95% interval
///   from the weighted Kaplan–Meier curve (months of 30.4375 days).
/// - **Model**: the weighted Cox model with cluster-robust 95% interval
///   (`coxph(Surv(entry, stop, death) ~ treated, weights = w, cluster = patient)`); the naive HR
///   (unweighted, unadjusted) stays beside it in the trial result. Proportional hazards: R's
///   `cox.zph(fit, transform = "km")` on the weighted counting-process fit (the treatment term, which
///   is also the global test); NaN when it could not be computed.
/// - **Gates**: both arms need `gates.minimumPatients` patients and `gates.minimumEvents` deaths
///   before any HR or median is reported.
/// - **Grade**: `grade(_:expected:)` on the weighted HR, and only when the trial is `estimated`: balance
///   achieved (every |SMD| ≤ 0.1) and positivity held; otherwise inconclusive with the trial's reasons.
public enum RealWorldAnalysis {
    /// Days per month used for every month figure.
    public static let daysPerMonth = TargetTrialProtocol.daysPerMonth

    /// The target-trial protocol of the recommendation's real-world lane: the defaults, with the
    /// gates as the minimum entries and events per arm.
    public static func trialProtocol(gates: RealWorldGates, includeUnknownTiming: Bool = false) -> TargetTrialProtocol {
        TargetTrialProtocol(includeUnknownTiming: includeUnknownTiming, minimumEntriesPerArm: max(2, gates.minimumPatients),
                            minimumEventsPerArm: max(1, gates.minimumEvents))
    }

    /// The lines of a cohort with each line's drugs as canonical sets, computed once per cohort.
    public struct PreparedLines: Sendable {
        public let table: LineOutcomeTable
        /// The lines prepared for target trials; nil when the table cannot be used (`problem` says why).
        public let trial: TargetTrial.PreparedLines?
        public let problem: String?

        public init(_ table: LineOutcomeTable) {
            self.table = table
            do {
                trial = try TargetTrial.PreparedLines(table)
                problem = nil
            } catch {
                trial = nil
                problem = "\(error)"
            }
        }

        /// Canonical drug set of each line (empty when the table cannot be used).
        public var drugSets: [Set<String>] { trial?.drugSets ?? [] }

        /// Regimens (canonical drug sets) and the number of distinct patients who received each, in any line.
        public func regimenCounts() -> [[String]: Int] { trial?.regimenCounts() ?? [:] }
    }

    /// Runs the target trial of the therapy against the other lines of the same settings in a cohort.
    /// - Parameters:
    ///   - drugs: the therapy's canonical drug names.
    ///   - expected: the direction the curated evidence claims (benefit for sensitivity).
    ///   - trialProtocol: nil for `trialProtocol(gates:)`.
    public static func analyse(_ lines: PreparedLines, drugs: [String], cohort: RealWorldCohort,
                               expected: ExpectedEffect, gates: RealWorldGates,
                               trialProtocol: TargetTrialProtocol? = nil) -> RealWorldEvidence {
        analyse(lines, drugs: drugs, cohort: cohort, expected: expected, gates: gates,
                trialProtocol: trialProtocol ?? Self.trialProtocol(gates: gates), comparisons: nil)
    }

    /// `analyse`, taking the trial from `comparisons` when it has it, and keeping it there.
    static func analyse(_ lines: PreparedLines, drugs: [String], cohort: RealWorldCohort, expected: ExpectedEffect,
                        gates: RealWorldGates, trialProtocol p: TargetTrialProtocol, comparisons: RealWorldCache?) -> RealWorldEvidence {
        let empty = RealWorldArm(patients: 0, events: 0, curve: nil)
        var ev = RealWorldEvidence(cohort: cohort, expected: expected, treated: empty, comparator: empty, settings: [],
                                   gates: gates, gatesPassed: false, model: nil, grade: .inconclusive, reason: "")
        guard let prepared = lines.trial else {
            ev.reason = "the cohort's lines cannot be analysed (\(lines.problem ?? "inconsistent table"))"
            return ev
        }
        let compute = { () -> RealWorldCache.TrialOutcome in
            do { return .done(try TargetTrial.run(prepared: prepared, therapy: drugs, protocol: p)) }
            catch { return .failed("\(error)") }
        }
        let outcome = comparisons?.trial(query: cohort.query, drugs: drugs, trialProtocol: p, compute: compute) ?? compute()
        let analysis: TargetTrial.Analysis
        switch outcome {
        case .failed(let why):
            ev.reason = "the target trial could not be run (\(why))"
            return ev
        case .done(let a):
            analysis = a
        }
        let r = analysis.result
        ev.targetTrial = r
        ev.settings = r.settings
        let f = r.flow
        ev.treated = RealWorldArm(patients: f.treatedPatients, events: f.treatedEvents, trialArm: r.treated,
                                  curve: analysis.treatedCurve)
        ev.comparator = RealWorldArm(patients: f.comparatorPatients, events: f.comparatorEvents, trialArm: r.comparatorArm,
                                     curve: analysis.comparatorCurve)
        func passes(_ a: RealWorldArm) -> Bool { a.patients >= gates.minimumPatients && a.events >= gates.minimumEvents }
        guard passes(ev.treated) && passes(ev.comparator) else {
            ev.reason = f.treatedEntries == 0
                ? "no eligible patient of the cohort received it (\(r.reasons.joined(separator: "; ")))"
                : "below the gates (each arm needs ≥ \(gates.minimumPatients) patients and ≥ \(gates.minimumEvents) deaths)"
            return ev
        }
        ev.gatesPassed = true
        guard let hr = r.hazardRatio else {
            ev.reason = "the target trial is inconclusive: \(r.reasons.joined(separator: "; "))"
            return ev
        }
        let model = RealWorldModel(formula: hr.model, covariates: r.covariates.filter(\.kept).map(\.name), patients: hr.entries,
                                   events: hr.events, hazardRatio: hr.hazardRatio, lower: hr.lower, upper: hr.upper,
                                   pValue: hr.pValue, proportionalHazardsTreatedP: hr.proportionalHazardsPValue ?? .nan,
                                   proportionalHazardsGlobalP: hr.proportionalHazardsPValue ?? .nan)
        ev.model = model
        guard r.status == .estimated else {
            ev.reason = "the target trial is inconclusive: \(r.reasons.joined(separator: "; "))"
            return ev
        }
        (ev.grade, ev.reason) = grade(model, expected: expected)
        ev.reason += "; balance achieved and positivity held"
        return ev
    }

    /// The smallest effect a non-significant estimate must show to count as supportive: HR ≤ 0.8 for
    /// a benefit, HR ≥ 1/0.8 = 1.25 for no benefit.
    public static let meaningfulHazardRatio = 0.8

    /// The grade of a fitted comparison (`RealWorldGrade`). A NaN PH p-value (not tested) does not
    /// count as a violation.
    public static func grade(_ m: RealWorldModel, expected: ExpectedEffect) -> (RealWorldGrade, String) {
        let hr = m.hazardRatio, lo = m.lower, hi = m.upper
        let phOK = !(m.proportionalHazardsTreatedP < 0.05)
        let agreesAll = expected == .benefit ? hi < 1 : lo > 1
        let meaningful = expected == .benefit ? hr <= meaningfulHazardRatio : hr >= 1 / meaningfulHazardRatio
        let contradictsAll = expected == .benefit ? lo > 1 : hi < 1
        let want = expected == .benefit ? "benefit (HR < 1)" : "no benefit (HR > 1)"
        let ph = m.proportionalHazardsTreatedP.isNaN ? "" : " and proportional hazards hold"
        if agreesAll && phOK { return (.strong, "the 95% interval lies entirely on the side of \(want)\(ph)") }
        if agreesAll { return (.supportive, "the 95% interval shows \(want), but the treatment effect varies over time (PH p < 0.05)") }
        if meaningful {
            let bound = expected == .benefit ? "≤ \(meaningfulHazardRatio)" : "≥ \(1 / meaningfulHazardRatio)"
            return (.supportive, "the estimate shows a meaningful \(want) (HR \(bound)), but the 95% interval includes 1")
        }
        if contradictsAll { return (.discordant, "the 95% interval lies entirely on the opposite side of \(want)") }
        return (.inconclusive, "the 95% interval includes 1 and the estimate shows no meaningful \(want)")
    }
}
