import OncoCore
import Survival
import TargetTrial
import Warehouse

/// The minimum data before a real-world comparison counts: each arm needs at least
/// `minimumPatients` patients and `minimumEvents` deaths. Below them the analysis is reported as
/// inconclusive ("below the gates") and no hazard ratio or median is shown.
public struct RealWorldGates: Sendable, Hashable, Codable {
    public var minimumPatients: Int
    public var minimumEvents: Int
    public init(minimumPatients: Int = 20, minimumEvents: Int = 10) {
        self.minimumPatients = minimumPatients
        self.minimumEvents = minimumEvents
    }
}

/// How strongly local real-world outcomes agree with the direction the curated evidence claims
/// (benefit for a sensitivity or real-world-only therapy, no benefit for a resistance one).
///
/// With HR the target trial's weighted Cox hazard ratio treated vs comparator, (L, U) its cluster-robust
/// 95% Wald interval and p_PH the `cox.zph` p-value of the treatment term on the weighted
/// counting-process fit (NaN, not a violation, where it could not be computed); every grade but inconclusive also needs the
/// trial `estimated` (balance achieved, positivity held):
/// - **strong**: the gates pass and the whole interval lies on the expected side of 1
///   (benefit: U < 1; resistance: L > 1), and p_PH ≥ 0.05 where tested.
/// - **supportive**: the gates pass and either the interval lies on the expected side but the
///   treatment term violates proportional hazards (p_PH < 0.05), or the interval includes 1 but the
///   estimate shows a meaningful effect (benefit: HR ≤ 0.8; resistance: HR ≥ 1.25).
/// - **discordant**: the gates pass and the whole interval lies on the other side of 1
///   (benefit expected but L > 1; resistance expected but U < 1).
/// - **inconclusive**: anything else: below the gates, a model that could not be estimated, balance
///   not achieved or positivity not held, or an interval that includes 1 around an estimate without a
///   meaningful effect.
public enum RealWorldGrade: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case strong, supportive, inconclusive, discordant

    /// Sort order: strong first, discordant last.
    public var rank: Int {
        switch self {
        case .strong: return 0
        case .supportive: return 1
        case .inconclusive: return 2
        case .discordant: return 3
        }
    }
    public static func < (a: RealWorldGrade, b: RealWorldGrade) -> Bool { a.rank < b.rank }
}

/// Which way the curated evidence points, hence what real-world data would have to show to agree.
public enum ExpectedEffect: String, Sendable, Hashable, Codable {
    /// Sensitivity (or a real-world-only candidate): HR < 1 agrees.
    case benefit
    /// Resistance: HR > 1 agrees.
    case noBenefit = "no-benefit"
}

/// The warehouse patients a real-world analysis draws from.
public struct RealWorldCohort: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Same tumour type family and the matched biomarker.
        case biomarker
        /// The case's nearest neighbours.
        case neighbours
    }
    public var kind: Kind
    /// Plain description (`MEL family (2 OncoTree codes) with BRAF p.V600E`).
    public var description: String
    /// OncoTree codes of the cohort (empty for neighbours).
    public var tumourTypes: [String]
    /// The molecular conditions, as text.
    public var biomarkers: [String]
    /// Patients in the cohort, with or without lines of therapy.
    public var patients: Int
    /// The query that fetched it (for the trace and caching).
    public var query: LineOutcomeQuery
}

/// One arm of a real-world comparison: one line per patient.
public struct RealWorldArm: Sendable {
    public var patients: Int
    public var events: Int
    /// Kaplan–Meier of OS from the line's start, in months (days / 30.4375), log confidence bounds
    /// (R: `survfit(Surv(months, death) ~ 1)`); nil when the arm is empty.
    public var curve: KaplanMeier?
    /// Median OS in months and its 95% interval; NaN where not reached or not estimable.
    public var medianMonths: Double
    public var medianLowerMonths: Double
    public var medianUpperMonths: Double

    /// An arm of a target trial: distinct patients and deaths of its entries, the median and its
    /// interval from the weighted Kaplan–Meier curve with patient-clustered bands (`ArmEstimate`; NaN
    /// where not reached or when the trial stopped before the curves); `curve` the same weighted curve
    /// for plots (`TargetTrial.Analysis`: bands from the per-entry jackknife, months).
    public init(patients: Int, events: Int, trialArm: ArmEstimate?, curve: KaplanMeier?) {
        self.patients = patients
        self.events = events
        self.curve = curve
        medianMonths = trialArm?.medianMonths ?? .nan
        medianLowerMonths = trialArm?.medianLowerMonths ?? .nan
        medianUpperMonths = trialArm?.medianUpperMonths ?? .nan
    }

    public init(patients: Int, events: Int, curve: KaplanMeier?) {
        self.patients = patients
        self.events = events
        self.curve = curve
        let m = curve?.median
        medianMonths = m?.estimate ?? .nan
        medianLowerMonths = m?.lower ?? .nan
        medianUpperMonths = m?.upper ?? .nan
    }
}

/// The Cox model of a real-world comparison and its proportional-hazards check.
public struct RealWorldModel: Sendable, Hashable {
    /// R-style formula of what was fitted, e.g. the target trial's
    /// `coxph(Surv(entry, stop, death) ~ treated, weights = w, cluster = patient, ties = "efron")`.
    public var formula: String
    /// The covariates adjusted for (the target trial's propensity covariates kept: `age`, `sex`, ...).
    public var covariates: [String]
    /// Rows (lines) and events in the fit (complete cases).
    public var patients: Int
    public var events: Int
    public var hazardRatio: Double
    public var lower: Double
    public var upper: Double
    /// Wald p-value of the treatment term.
    public var pValue: Double
    /// `cox.zph(fit, transform = "km")` p-values: the treatment term and the global test.
    public var proportionalHazardsTreatedP: Double
    public var proportionalHazardsGlobalP: Double

    public init(formula: String, covariates: [String], patients: Int, events: Int, hazardRatio: Double, lower: Double,
                upper: Double, pValue: Double, proportionalHazardsTreatedP: Double, proportionalHazardsGlobalP: Double) {
        self.formula = formula; self.covariates = covariates; self.patients = patients; self.events = events
        self.hazardRatio = hazardRatio; self.lower = lower; self.upper = upper; self.pValue = pValue
        self.proportionalHazardsTreatedP = proportionalHazardsTreatedP; self.proportionalHazardsGlobalP = proportionalHazardsGlobalP
    }
}

/// The real-world evidence about one candidate therapy: the cohort, the two arms (treated with the
/// therapy vs treated otherwise in the same setting), the adjusted Cox hazard ratio, the
/// proportional-hazards check and the grade. See `RealWorldAnalysis` for the definitions.
public struct RealWorldEvidence: Sendable {
    public var cohort: RealWorldCohort
    public var expected: ExpectedEffect
    public var treated: RealWorldArm
    public var comparator: RealWorldArm
    /// Lines of therapy compared (`1`, `2`, `3+`): those in which the therapy was given.
    public var settings: [String]
    public var gates: RealWorldGates
    public var gatesPassed: Bool
    /// nil when the gates failed or the model could not be estimated.
    public var model: RealWorldModel?
    public var grade: RealWorldGrade
    /// Why this grade, in plain words.
    public var reason: String
    /// The emulated target trial behind the estimate: protocol table, flow, propensity model, balance,
    /// positivity, weighted and naive HRs, RMST, E-value (nil when it could not be run).
    public var targetTrial: TargetTrialResult? = nil
}
