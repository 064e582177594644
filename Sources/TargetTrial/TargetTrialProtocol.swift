/// The protocol of an emulated target trial (Hernán & Robins, Am J Epidemiol 2016) of one therapy
/// against an active comparator on a cohort's lines of therapy: the settings that decide who enters,
/// when, in which arm, and how the arms are compared. `table()` prints it as the classic
/// target-trial table from these very settings.
///
/// Every setting has a stated default; nothing is chosen silently. Times are in days in the
/// protocol (as the warehouse records them) and in months of `daysPerMonth` days in the estimates.
public struct TargetTrialProtocol: Sendable, Hashable, Codable {
    /// How the arms are weighted.
    public enum Weighting: String, Sendable, Hashable, Codable, CaseIterable {
        /// Stabilised inverse-probability-of-treatment weights: P(T)/e for treated, (1 − P(T))/(1 − e)
        /// for comparator entries, e the propensity score and P(T) the treated share (estimand: the
        /// average treatment effect in the eligible population).
        case stabilisedIPTW = "stabilised-iptw"
        /// Overlap weights: 1 − e for treated, e for comparator entries (Li, Morgan & Zaslavsky 2018;
        /// estimand: the average treatment effect in the overlap population).
        case overlap
    }

    /// What is done with an entry whose value of a kept propensity covariate is missing.
    public enum MissingCovariates: String, Sendable, Hashable, Codable, CaseIterable {
        /// Numeric: the value is set to the mean of the entries where it is known, and a 0/1 column
        /// `<name> (missing)` enters the model; categorical: a level `(missing)`. No entry is dropped.
        case missingIndicator = "missing-indicator"
        /// Entries missing any kept covariate leave the trial (counted in the flow).
        case completeCases = "complete-cases"
    }

    /// Propensity-score covariates the protocol may use (each only when recorded; see
    /// `TargetTrialResult.covariates` for what was kept and why).
    public enum Covariate: String, Sendable, Hashable, Codable, CaseIterable {
        /// Age at diagnosis, years (numeric).
        case age
        /// Sex (categorical).
        case sex
        /// Stage at diagnosis, ordinal 0–4 (numeric).
        case stage
        /// The setting `1`, `2`, `3+` (categorical).
        case setting
        /// One 0/1 column per drug class (`DrugClasses`, WHO ATC groups; umbrella classes left out) given
        /// in an earlier line of the same patient.
        case priorTherapyClasses = "prior-therapy-classes"
        /// log(1 + TMB), TMB in mutations/Mb (numeric).
        case logTMB = "log-tmb"
        /// The patient's OncoTree code within the cohort's family (categorical).
        case tumourType = "tumour-type"
        /// Calendar year of time zero (numeric).
        case startYear = "start-year"
        /// Performance status on the ECOG scale 0–4 at time zero (numeric).
        case performanceStatus = "performance-status"
    }

    /// Days after time zero (the line's start) within which a biomarker first known later may still
    /// make the line eligible; the line then enters the risk set on the day the biomarker became
    /// known (delayed entry, counting process (start, stop]), never at time zero. 0 = only biomarkers
    /// known on or before time zero.
    public var graceDays: Int
    /// Lines of patients whose biomarker timing is unknown: excluded (false, the default), or included
    /// as entering at time zero (true: a stated sensitivity analysis, open to immortal-time bias).
    public var includeUnknownTiming: Bool
    /// Settings compared (`1`, `2`, `3+`); nil = the settings in which the therapy was started.
    public var settings: [String]?
    public var weighting: Weighting
    /// Weights truncated (winsorised) at these percentiles of all entries' weights (R `quantile`,
    /// type 7); nil = no truncation. Default 1st and 99th.
    public var truncation: Truncation?
    public var missingCovariates: MissingCovariates
    /// Covariates offered to the propensity model.
    public var covariates: [Covariate]
    /// Restricted-mean horizon τ, months.
    public var horizonMonths: Double
    /// An absolute standardised mean difference above this is imbalance (default 0.1).
    public var balanceThreshold: Double
    /// Positivity holds when at most this share of either arm lies outside the common support of the
    /// propensity score (default 0.05) ...
    public var maximumOutsideSupport: Double
    /// ... and each arm's effective sample size (Σw)²/Σw² is at least this (default 20).
    public var minimumEffectiveSampleSize: Double
    /// Each arm needs this many entries and events before anything is estimated (defaults 20 and 10,
    /// the real-world gates).
    public var minimumEntriesPerArm: Int
    public var minimumEventsPerArm: Int

    /// Percentiles (fractions in [0, 1], lower < upper).
    public struct Truncation: Sendable, Hashable, Codable {
        public var lower: Double
        public var upper: Double
        public init(lower: Double = 0.01, upper: Double = 0.99) { self.lower = lower; self.upper = upper }
    }

    /// Days per month in every month figure (365.25 / 12).
    public static let daysPerMonth = 30.4375

    public init(graceDays: Int = 90, includeUnknownTiming: Bool = false, settings: [String]? = nil,
                weighting: Weighting = .stabilisedIPTW, truncation: Truncation? = Truncation(),
                missingCovariates: MissingCovariates = .missingIndicator, covariates: [Covariate] = Covariate.allCases,
                horizonMonths: Double = 24, balanceThreshold: Double = 0.1, maximumOutsideSupport: Double = 0.05,
                minimumEffectiveSampleSize: Double = 20, minimumEntriesPerArm: Int = 20, minimumEventsPerArm: Int = 10) {
        self.graceDays = graceDays; self.includeUnknownTiming = includeUnknownTiming; self.settings = settings
        self.weighting = weighting; self.truncation = truncation; self.missingCovariates = missingCovariates
        self.covariates = covariates; self.horizonMonths = horizonMonths; self.balanceThreshold = balanceThreshold
        self.maximumOutsideSupport = maximumOutsideSupport; self.minimumEffectiveSampleSize = minimumEffectiveSampleSize
        self.minimumEntriesPerArm = minimumEntriesPerArm; self.minimumEventsPerArm = minimumEventsPerArm
    }

    /// One row of the target-trial table.
    public struct Row: Sendable, Hashable, Codable {
        /// `eligibility`, `treatment strategies`, `assignment`, `time zero`, `outcome`, `follow-up`,
        /// `causal contrast`, `analysis`.
        public var component: String
        public var specification: String
        public init(component: String, specification: String) { self.component = component; self.specification = specification }
    }
}
