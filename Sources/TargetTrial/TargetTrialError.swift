/// A protocol that cannot be run (a setting out of its range). Data problems are never thrown: they
/// make the result inconclusive with a reason. `description` names the field and the value; no
/// patient data.
public struct TargetTrialError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        fileprivate enum Base: String, Hashable, Sendable { case invalidProtocol, invalidInput }
        fileprivate let base: Base
        /// A protocol setting out of its range.
        public static let invalidProtocol = Code(base: .invalidProtocol)
        /// Input columns of different lengths, or a therapy without drugs.
        public static let invalidInput = Code(base: .invalidInput)
    }
    public let code: Code
    /// The field (`graceDays`, `truncation.lower`).
    public let field: String
    /// The offending value, as text.
    public let value: String
    /// What it must be.
    public let requirement: String

    init(_ code: Code, field: String, value: String, requirement: String) {
        self.code = code; self.field = field; self.value = value; self.requirement = requirement
    }

    public var description: String {
        "TargetTrialError.\(code.base.rawValue): \(field) = \(value): \(requirement)"
    }
}

extension TargetTrialProtocol {
    /// Checks every setting's range.
    /// - Throws: `TargetTrialError.invalidProtocol` naming the field and value.
    public func validate() throws {
        func bad(_ field: String, _ value: Any, _ requirement: String) -> TargetTrialError {
            TargetTrialError(.invalidProtocol, field: field, value: "\(value)", requirement: requirement)
        }
        guard graceDays >= 0 else { throw bad("graceDays", graceDays, "must be ≥ 0") }
        if let s = settings {
            guard !s.isEmpty else { throw bad("settings", "[]", "must name at least one of 1, 2, 3+ (or be absent)") }
            for x in s where !["1", "2", "3+"].contains(x) { throw bad("settings", x, "must be one of 1, 2, 3+") }
        }
        if let t = truncation {
            guard t.lower.isFinite, t.lower >= 0, t.lower < 0.5 else { throw bad("truncation.lower", t.lower, "must be in [0, 0.5)") }
            guard t.upper.isFinite, t.upper > 0.5, t.upper <= 1 else { throw bad("truncation.upper", t.upper, "must be in (0.5, 1]") }
        }
        guard horizonMonths.isFinite, horizonMonths > 0 else { throw bad("horizonMonths", horizonMonths, "must be finite and > 0") }
        guard balanceThreshold.isFinite, balanceThreshold > 0 else { throw bad("balanceThreshold", balanceThreshold, "must be finite and > 0") }
        guard maximumOutsideSupport.isFinite, maximumOutsideSupport >= 0, maximumOutsideSupport < 1 else {
            throw bad("maximumOutsideSupport", maximumOutsideSupport, "must be in [0, 1)")
        }
        guard minimumEffectiveSampleSize.isFinite, minimumEffectiveSampleSize >= 1 else {
            throw bad("minimumEffectiveSampleSize", minimumEffectiveSampleSize, "must be finite and ≥ 1")
        }
        guard minimumEntriesPerArm >= 2 else { throw bad("minimumEntriesPerArm", minimumEntriesPerArm, "must be ≥ 2") }
        guard minimumEventsPerArm >= 1 else { throw bad("minimumEventsPerArm", minimumEventsPerArm, "must be ≥ 1") }
        guard Set(covariates).count == covariates.count else { throw bad("covariates", covariates.map(\.rawValue), "must not repeat a covariate") }
    }

    /// The target-trial table (eligibility, treatment strategies, assignment, time zero, outcome,
    /// follow-up, causal contrast, analysis), written from these settings.
    /// - Parameters:
    ///   - therapy: the therapy as named (`erlotinib`).
    ///   - comparator: the comparator strategy as described.
    ///   - settings: the settings compared, when known (else the protocol's rule is printed).
    public func table(therapy: String, comparator: String, settings compared: [String]? = nil) -> [Row] {
        let settingText: String
        if let s = compared ?? settings {
            settingText = "line \(s.joined(separator: ", "))"
        } else {
            settingText = "the lines (1, 2, 3+) in which \(therapy) was started"
        }
        let timing = graceDays == 0
            ? "biomarker known (specimen sequenced, else collected) on or before time zero"
            : "biomarker known (specimen sequenced, else collected) on or before time zero or within \(graceDays) days after it (such lines enter follow-up on the day it became known: delayed entry)"
        let unknown = includeUnknownTiming
            ? "patients whose biomarker timing is unknown are included as known at time zero (sensitivity analysis; open to immortal-time bias)"
            : "patients whose biomarker timing is unknown are excluded (counted)"
        let weightText: String
        switch weighting {
        case .stabilisedIPTW: weightText = "stabilised inverse-probability-of-treatment weights P(T)/e and (1 − P(T))/(1 − e)"
        case .overlap: weightText = "overlap weights 1 − e (treated) and e (comparator)"
        }
        let trunc = truncation.map { "truncated at the \(Self.percent($0.lower)) and \(Self.percent($0.upper)) percentiles" } ?? "not truncated"
        let missing = missingCovariates == .missingIndicator
            ? "missing values: mean value plus a missing indicator (numeric), a (missing) level (categorical)"
            : "missing values: complete cases"
        let contrast = weighting == .stabilisedIPTW
            ? "observational analogue of the intention-to-treat effect in the eligible population (average treatment effect): marginal hazard ratio, survival curves and RMST difference at \(Self.number(horizonMonths)) months"
            : "observational analogue of the intention-to-treat effect in the overlap population: marginal hazard ratio, survival curves and RMST difference at \(Self.number(horizonMonths)) months"
        return [
            Row(component: "eligibility",
                specification: "lines of the cohort in \(settingText); \(timing); \(unknown); new users only (no earlier line with any of \(therapy)'s drugs); lines with recorded drugs"),
            Row(component: "treatment strategies",
                specification: "start a line containing \(therapy) versus \(comparator)"),
            Row(component: "assignment",
                specification: "by what was started, emulating randomisation conditional on \(covariates.map(\.rawValue).joined(separator: ", ")) at time zero (each used when recorded for at least half of the entries and not constant); propensity score by logistic regression; \(weightText), \(trunc); \(missing)"),
            Row(component: "time zero", specification: "the start of the line (eligibility met, strategy assigned, follow-up starts)"),
            Row(component: "outcome", specification: "death from any cause"),
            Row(component: "follow-up",
                specification: "from time zero (or the day the biomarker became known, within the grace period) to death or the end of the patient's observation; each eligible line of a patient is one trial entry (sequential trials)"),
            Row(component: "causal contrast", specification: contrast),
            Row(component: "analysis",
                specification: "weighted Kaplan–Meier per arm with delayed entry; weighted Cox model coxph(Surv(entry, stop, death) ~ treated, weights, cluster(patient)) with cluster-robust 95% CI, the unweighted unadjusted Cox HR beside it; RMST difference with a patient-clustered infinitesimal-jackknife variance; balance (|SMD| ≤ \(Self.number(balanceThreshold)) for every covariate after weighting) and positivity (≤ \(Self.percent(maximumOutsideSupport)) of each arm outside the common support, effective sample size ≥ \(Self.number(minimumEffectiveSampleSize)) per arm) checked; E-value of the HR and its CI bound nearest 1"),
        ]
    }

    static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
    static func percent(_ x: Double) -> String { number((x * 1000).rounded() / 10) + "%" }
}
