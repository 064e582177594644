import OncoCore

/// The result of an emulated target trial: the flow of lines into the trial, the propensity model,
/// the weights, balance, positivity, and the estimates (weighted Kaplan–Meier per arm, the weighted
/// Cox hazard ratio with its cluster-robust interval beside the naive one, the RMST difference, the
/// E-value). Codable: a JSON report encodes it whole. Optional numbers are nil where nothing could
/// be estimated (never NaN, never a made-up value); `status` and `reasons` say why.
public struct TargetTrialResult: Sendable, Hashable, Codable {
    /// Whether the estimates can be read.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Every estimate computed; read `balance.achieved` and `positivity.held` before trusting it.
        case estimated
        /// Something needed is missing or degenerate; `reasons` say what. Estimates computed before the
        /// problem arose are kept (for instance the naive HR), never invented.
        case inconclusive
    }

    /// The protocol run.
    public var trialProtocol: TargetTrialProtocol
    /// The protocol as the classic target-trial table, from the settings actually used.
    public var table: [TargetTrialProtocol.Row]
    /// The therapy's canonical drug names.
    public var therapy: [String]
    /// The comparator as described (`another line in setting 1 without erlotinib`).
    public var comparator: String
    /// Settings compared (`1`, `2`, `3+`).
    public var settings: [String]
    public var status: Status
    /// Why inconclusive (empty when estimated), in plain words.
    public var reasons: [String]
    public var flow: TargetTrialFlow
    public var covariates: [CovariateUse]
    public var propensity: PropensityModelSummary?
    public var weights: WeightSummary?
    public var balance: BalanceTable?
    public var positivity: Positivity?
    public var treated: ArmEstimate?
    public var comparatorArm: ArmEstimate?
    /// Weighted Cox, cluster-robust variance by patient: the adjusted estimate.
    public var hazardRatio: HazardRatioEstimate?
    /// Unweighted, unadjusted Cox on the same entries, model-based variance: shown beside it.
    public var naiveHazardRatio: HazardRatioEstimate?
    public var rmst: RMSTDifference?
    public var eValue: EValue?

    public init(trialProtocol: TargetTrialProtocol, table: [TargetTrialProtocol.Row], therapy: [String], comparator: String,
                settings: [String], status: Status, reasons: [String], flow: TargetTrialFlow) {
        self.trialProtocol = trialProtocol; self.table = table; self.therapy = therapy; self.comparator = comparator
        self.settings = settings; self.status = status; self.reasons = reasons; self.flow = flow
        covariates = []
    }

    /// Marks the result inconclusive with a reason (keeps earlier reasons).
    public mutating func inconclusive(_ reason: String) {
        status = .inconclusive
        if !reasons.contains(reason) { reasons.append(reason) }
    }
}

/// How the cohort's lines became trial entries. Every exclusion is counted; nothing leaves silently.
/// A line is counted at the first criterion it fails, in the order of the fields (see
/// `TargetTrial.buildEntries`); the settings come last.
public struct TargetTrialFlow: Sendable, Hashable, Codable {
    /// Lines of the cohort and their patients.
    @DisclosableCount public var lines = 0
    @DisclosableCount public var patients = 0
    /// Lines left out because no drug was recorded for them.
    @DisclosableCount public var linesWithoutDrugs = 0
    /// Lines containing some but not all of the therapy's drugs (neither arm).
    @DisclosableCount public var linesPartialTherapy = 0
    /// Lines without the therapy's drugs that are not the comparator strategy (a named comparator's
    /// drugs missing).
    @DisclosableCount public var linesOtherTreatments = 0
    /// Lines after an earlier line with any of the therapy's drugs (not new users).
    @DisclosableCount public var linesNotNewUsers = 0
    /// Lines whose patient's biomarker timing is unknown: excluded, or (when the protocol includes them)
    /// entered at time zero.
    @DisclosableCount public var linesTimingUnknown = 0
    @DisclosableCount public var linesTimingUnknownIncluded = 0
    /// Lines whose biomarker became known after the grace period.
    @DisclosableCount public var linesKnownAfterGrace = 0
    /// Lines outside the compared settings.
    @DisclosableCount public var linesOutsideSettings = 0
    /// Eligible lines entered later than time zero (biomarker known within the grace period).
    @DisclosableCount public var linesDelayedEntry = 0
    /// Lines whose follow-up ended (death or censoring) before the biomarker became known.
    @DisclosableCount public var linesEndedBeforeKnown = 0
    /// Entries dropped for a missing covariate (complete cases only).
    @DisclosableCount public var entriesMissingCovariates = 0
    /// Trial entries (lines) per arm, and distinct patients per arm.
    @DisclosableCount public var treatedEntries = 0
    @DisclosableCount public var comparatorEntries = 0
    @DisclosableCount public var treatedPatients = 0
    @DisclosableCount public var comparatorPatients = 0
    /// Patients with entries in both arms (sequential-trial style; their entries share one cluster
    /// in every robust variance).
    @DisclosableCount public var patientsInBothArms = 0
    /// Patients with more than one entry in one arm.
    @DisclosableCount public var patientsWithRepeatedEntries = 0
    /// Events (deaths) during follow-up per arm.
    @DisclosableCount public var treatedEvents = 0
    @DisclosableCount public var comparatorEvents = 0
    public init() {}
}

/// One propensity covariate: used or dropped, and why; its missing values.
public struct CovariateUse: Sendable, Hashable, Codable {
    /// `age`, `sex`, `prior: platinum`, ...
    public var name: String
    public var kind: Kind
    public enum Kind: String, Sendable, Hashable, Codable { case numeric, categorical }
    public var kept: Bool
    /// Why dropped (`known for 12 of 80 entries (< half)`, `constant`, `not offered by the protocol`); nil when kept.
    public var droppedBecause: String?
    /// Entries where it is known / missing.
    @DisclosableCount public var known: Int
    @DisclosableCount public var missing: Int
    public init(name: String, kind: Kind, kept: Bool, droppedBecause: String?, known: Int, missing: Int) {
        self.name = name; self.kind = kind; self.kept = kept; self.droppedBecause = droppedBecause
        self.known = known; self.missing = missing
    }
}

/// The fitted propensity model.
public struct PropensityModelSummary: Sendable, Hashable, Codable {
    /// R-style formula (`glm(treated ~ age + factor(sex) + ..., family = binomial)`).
    public var formula: String
    public var terms: [Term]
    public struct Term: Sendable, Hashable, Codable {
        public var name: String
        /// nil when not estimable (aliased).
        public var coefficient: Double?
        public var standardError: Double?
        public init(name: String, coefficient: Double?, standardError: Double?) {
            self.name = name; self.coefficient = coefficient; self.standardError = standardError
        }
    }
    /// Entries fitted, IRLS iterations, and what R would have warned about.
    @DisclosableCount public var entries: Int
    public var iterations: Int
    public var problems: [String]
    public init(formula: String, terms: [Term], entries: Int, iterations: Int, problems: [String]) {
        self.formula = formula; self.terms = terms; self.entries = entries; self.iterations = iterations; self.problems = problems
    }
}

/// The weights as used.
public struct WeightSummary: Sendable, Hashable, Codable {
    public var scheme: TargetTrialProtocol.Weighting
    /// The treated share P(T) stabilised weights use.
    public var treatedShare: Double
    /// Truncation bounds (the percentiles' values) and how many weights each bound moved.
    public var truncationLower: Double?
    public var truncationUpper: Double?
    @DisclosableCount public var truncatedLow: Int
    @DisclosableCount public var truncatedHigh: Int
    /// Weights after truncation: smallest, largest, mean per arm.
    public var minimum: Double
    public var maximum: Double
    public var treatedMean: Double
    public var comparatorMean: Double
    public init(scheme: TargetTrialProtocol.Weighting, treatedShare: Double, truncationLower: Double?, truncationUpper: Double?,
                truncatedLow: Int, truncatedHigh: Int, minimum: Double, maximum: Double, treatedMean: Double, comparatorMean: Double) {
        self.scheme = scheme; self.treatedShare = treatedShare; self.truncationLower = truncationLower
        self.truncationUpper = truncationUpper; self.truncatedLow = truncatedLow; self.truncatedHigh = truncatedHigh
        self.minimum = minimum; self.maximum = maximum; self.treatedMean = treatedMean; self.comparatorMean = comparatorMean
    }
}

/// Standardised mean differences before and after weighting.
///
/// Per model column (a numeric covariate, each level of a categorical one as a 0/1 column, each
/// missing indicator): SMD = (m_T − m_C) / sqrt((s²_T + s²_C) / 2), m the arm's mean (weighted after
/// weighting: Σwx/Σw) and s² the arm's *unweighted* sample variance (n − 1) in both columns, so
/// that weighting changes only the numerator (R `tableone`'s pooled SD; `cobalt::bal.tab` with
/// `s.d.denom = "pooled"` and `binary = "std"`). A column constant in both arms has SMD 0.
public struct BalanceTable: Sendable, Hashable, Codable {
    public var rows: [BalanceRow]
    public var threshold: Double
    /// Every |SMD after| ≤ threshold.
    public var achieved: Bool
    public init(rows: [BalanceRow], threshold: Double, achieved: Bool) { self.rows = rows; self.threshold = threshold; self.achieved = achieved }
}

public struct BalanceRow: Sendable, Hashable, Codable {
    /// Covariate (`stage`) and, for a level or indicator, the level (`F`, `(missing)`); nil for numeric.
    public var covariate: String
    public var level: String?
    public var treatedMeanBefore: Double
    public var comparatorMeanBefore: Double
    public var treatedMeanAfter: Double
    public var comparatorMeanAfter: Double
    /// nil when undefined: the column varies in neither arm but the arms' means differ.
    public var smdBefore: Double?
    public var smdAfter: Double?
    /// |SMD after| > threshold.
    public var imbalanced: Bool
    public init(covariate: String, level: String?, treatedMeanBefore: Double, comparatorMeanBefore: Double, treatedMeanAfter: Double,
                comparatorMeanAfter: Double, smdBefore: Double?, smdAfter: Double?, imbalanced: Bool) {
        self.covariate = covariate; self.level = level; self.treatedMeanBefore = treatedMeanBefore
        self.comparatorMeanBefore = comparatorMeanBefore; self.treatedMeanAfter = treatedMeanAfter
        self.comparatorMeanAfter = comparatorMeanAfter; self.smdBefore = smdBefore; self.smdAfter = smdAfter; self.imbalanced = imbalanced
    }
}

/// Overlap of the propensity score between the arms.
///
/// Common support = [max(min e_T, min e_C), min(max e_T, max e_C)]. Held when at most
/// `maximumOutsideSupport` of each arm lies outside it and each arm's effective sample size
/// (Σw)²/Σw² (weights after truncation) is at least `minimumEffectiveSampleSize`.
public struct Positivity: Sendable, Hashable, Codable {
    public var treatedMinimum: Double
    public var treatedMaximum: Double
    public var comparatorMinimum: Double
    public var comparatorMaximum: Double
    /// nil bounds: the arms' ranges do not overlap at all.
    public var supportLower: Double?
    public var supportUpper: Double?
    public var treatedOutsideShare: Double
    public var comparatorOutsideShare: Double
    public var treatedEffectiveSampleSize: Double
    public var comparatorEffectiveSampleSize: Double
    public var maximumWeight: Double
    public var held: Bool
    /// The rule, as applied (`≤ 5% of each arm outside the common support and ESS ≥ 20 per arm`).
    public var rule: String
    /// Why not held (empty when held).
    public var reasons: [String]
    public init(treatedMinimum: Double, treatedMaximum: Double, comparatorMinimum: Double, comparatorMaximum: Double,
                supportLower: Double?, supportUpper: Double?, treatedOutsideShare: Double, comparatorOutsideShare: Double,
                treatedEffectiveSampleSize: Double, comparatorEffectiveSampleSize: Double, maximumWeight: Double,
                held: Bool, rule: String, reasons: [String]) {
        self.treatedMinimum = treatedMinimum; self.treatedMaximum = treatedMaximum; self.comparatorMinimum = comparatorMinimum
        self.comparatorMaximum = comparatorMaximum; self.supportLower = supportLower; self.supportUpper = supportUpper
        self.treatedOutsideShare = treatedOutsideShare; self.comparatorOutsideShare = comparatorOutsideShare
        self.treatedEffectiveSampleSize = treatedEffectiveSampleSize; self.comparatorEffectiveSampleSize = comparatorEffectiveSampleSize
        self.maximumWeight = maximumWeight; self.held = held; self.rule = rule; self.reasons = reasons
    }
}

/// One arm: entries, events and the weighted Kaplan–Meier curve with delayed entry (R:
/// `survfit(Surv(entry, stop, event) ~ 1, weights = w, id = patient)`, months), infinitesimal-jackknife
/// standard errors clustered by patient, log-transformed bounds.
public struct ArmEstimate: Sendable, Hashable, Codable {
    @DisclosableCount public var entries: Int
    @DisclosableCount public var patients: Int
    @DisclosableCount public var events: Int
    /// Σ weights of the arm's entries.
    public var weightSum: Double
    /// The curve at its distinct stop times: time (months), S, its standard error and 95% bounds,
    /// weighted number at risk.
    public var time: [Double]
    public var survival: [Double]
    public var standardError: [Double]
    public var lower: [Double]
    public var upper: [Double]
    public var atRisk: [Double]
    // The curve is encoded as empty arrays when the encoder's disclosure control (`TargetTrialResult.disclosureKey`)
    // has a minimum above 1: its steps and weighted numbers at risk would show small counts.
    /// Median and its 95% interval (months), nil when not reached.
    public var medianMonths: Double?
    public var medianLowerMonths: Double?
    public var medianUpperMonths: Double?
    /// RMST to the protocol's horizon (months) and its cluster-robust standard error.
    public var rmstMonths: Double
    public var rmstStandardError: Double
    public init(entries: Int, patients: Int, events: Int, weightSum: Double, time: [Double], survival: [Double],
                standardError: [Double], lower: [Double], upper: [Double], atRisk: [Double], medianMonths: Double?,
                medianLowerMonths: Double?, medianUpperMonths: Double?, rmstMonths: Double, rmstStandardError: Double) {
        self.entries = entries; self.patients = patients; self.events = events; self.weightSum = weightSum
        self.time = time; self.survival = survival; self.standardError = standardError; self.lower = lower
        self.upper = upper; self.atRisk = atRisk; self.medianMonths = medianMonths; self.medianLowerMonths = medianLowerMonths
        self.medianUpperMonths = medianUpperMonths; self.rmstMonths = rmstMonths; self.rmstStandardError = rmstStandardError
    }

    enum CodingKeys: String, CodingKey {
        case entries, patients, events, weightSum, time, survival, standardError, lower, upper, atRisk, medianMonths
        case medianLowerMonths, medianUpperMonths, rmstMonths, rmstStandardError
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let withhold = ((encoder.userInfo[TargetTrialResult.disclosureKey] as? DisclosureControl)?.minimumCount ?? 0) > 1
        try c.encode(_entries, forKey: .entries); try c.encode(_patients, forKey: .patients); try c.encode(_events, forKey: .events)
        try c.encode(weightSum, forKey: .weightSum)
        for (key, v) in [(CodingKeys.time, time), (.survival, survival), (.standardError, standardError), (.lower, lower),
                         (.upper, upper), (.atRisk, atRisk)] {
            try c.encode(withhold ? [] : v, forKey: key)
        }
        try c.encodeIfPresent(medianMonths, forKey: .medianMonths)
        try c.encodeIfPresent(medianLowerMonths, forKey: .medianLowerMonths)
        try c.encodeIfPresent(medianUpperMonths, forKey: .medianUpperMonths)
        try c.encode(rmstMonths, forKey: .rmstMonths); try c.encode(rmstStandardError, forKey: .rmstStandardError)
    }
}

/// A Cox hazard ratio treated vs comparator with its 95% Wald interval.
public struct HazardRatioEstimate: Sendable, Hashable, Codable {
    /// R call of the fit (`coxph(Surv(entry, stop, event) ~ treated, weights = w, cluster = patient, ties = "efron")`).
    public var model: String
    public var hazardRatio: Double
    public var lower: Double
    public var upper: Double
    public var coefficient: Double
    /// The standard error the interval uses (robust when `variance` says so) ...
    public var standardError: Double
    /// ... and the model-based one.
    public var modelStandardError: Double
    public var variance: Variance
    public enum Variance: String, Sendable, Hashable, Codable {
        case model
        /// Sandwich from score residuals summed within patient (R `cluster(id)`).
        case clusterRobust = "cluster-robust"
    }
    public var pValue: Double
    @DisclosableCount public var entries: Int
    @DisclosableCount public var events: Int
    /// The proportional-hazards test of the treatment term (R `cox.zph(fit, transform = "km")` on the
    /// fit's counting-process rows, with its case weights and the model-based information: the cluster
    /// plays no part, as in R): chi-square (1 df) and p-value; nil when not run (the naive fit) or
    /// when it could not be computed.
    public var proportionalHazardsChiSquare: Double?
    public var proportionalHazardsPValue: Double?
    public init(model: String, hazardRatio: Double, lower: Double, upper: Double, coefficient: Double, standardError: Double,
                modelStandardError: Double, variance: Variance, pValue: Double, entries: Int, events: Int,
                proportionalHazardsChiSquare: Double? = nil, proportionalHazardsPValue: Double? = nil) {
        self.model = model; self.hazardRatio = hazardRatio; self.lower = lower; self.upper = upper
        self.coefficient = coefficient; self.standardError = standardError; self.modelStandardError = modelStandardError
        self.variance = variance; self.pValue = pValue; self.entries = entries; self.events = events
        self.proportionalHazardsChiSquare = proportionalHazardsChiSquare; self.proportionalHazardsPValue = proportionalHazardsPValue
    }
}

/// The difference in restricted mean survival time (treated − comparator) to the horizon, months.
///
/// Variance: each arm's RMST has an infinitesimal-jackknife influence per patient (Σ over the curve's
/// steps before τ of the step width × ∂S/∂w, times w, summed over the patient's entries); the
/// difference's variance is Σ over patients of (influence in the treated arm − influence in the
/// comparator arm)², so a patient in both arms is one cluster. 95% interval: difference ± 1.96 se.
public struct RMSTDifference: Sendable, Hashable, Codable {
    public var horizonMonths: Double
    public var treatedMonths: Double
    public var comparatorMonths: Double
    public var differenceMonths: Double
    public var standardError: Double
    public var lower: Double
    public var upper: Double
    public var variance: String
    public init(horizonMonths: Double, treatedMonths: Double, comparatorMonths: Double, differenceMonths: Double,
                standardError: Double, lower: Double, upper: Double, variance: String) {
        self.horizonMonths = horizonMonths; self.treatedMonths = treatedMonths; self.comparatorMonths = comparatorMonths
        self.differenceMonths = differenceMonths; self.standardError = standardError; self.lower = lower; self.upper = upper
        self.variance = variance
    }
}

/// The E-value (VanderWeele & Ding, Ann Intern Med 2017): the minimum strength of association, on
/// the risk-ratio scale, an unmeasured confounder would need with both treatment and outcome to
/// explain away the estimate (and the CI bound nearest 1) given the measured covariates.
///
/// The HR is first turned into a risk ratio. Deaths in an oncology cohort are a common outcome, for
/// which RR ≈ HR overstates the effect; when more than 15% of entries have the event during
/// follow-up the conversion VanderWeele & Ding give for a hazard ratio with a common outcome (their
/// Table; from VanderWeele's square-root approximations, Epidemiology 2017) is used:
/// RR ≈ (1 − 0.5^√HR) / (1 − 0.5^√(1/HR)); otherwise (rare outcome) RR ≈ HR. With RR < 1 its
/// reciprocal is used; E = RR + √(RR (RR − 1)). The bound nearest 1 gives E = 1 when the interval
/// includes 1.
public struct EValue: Sendable, Hashable, Codable {
    public var estimate: Double
    public var boundNearestOne: Double
    /// `common outcome (HR → RR by √ conversion)` or `rare outcome (RR ≈ HR)`.
    public var conversion: String
    /// Share of entries with the event (decides common vs rare).
    public var eventShare: Double
    public init(estimate: Double, boundNearestOne: Double, conversion: String, eventShare: Double) {
        self.estimate = estimate; self.boundNearestOne = boundNearestOne; self.conversion = conversion; self.eventShare = eventShare
    }
}
