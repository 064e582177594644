import Foundation
import OncoCore
import Survival

/// A cohort outcome study ready to render: provenance, the definition, the patient flow, cut-offs
/// of derived groups, Kaplan–Meier summaries and curves, log-rank, Cox (with forest-plot rows) and the
/// proportional-hazards test.
///
/// Built by `CohortStudy` with small-cell suppression already applied: every patient count in this
/// value is a `SuppressedCount` (`<5` below the minimum), and estimates of a group smaller than the
/// minimum are withheld. The renderers (`text()`, `markdown()`, `html()`, `json()`, `csv()`,
/// `kaplanMeierSVG()`, `forestPlotSVG()`) only format what is here, so no output can show more than
/// another. Every output embeds the definition, the warehouse version and onco's version, and labels
/// synthetic data.
public struct CohortReport: Sendable, Codable {
    /// Where the numbers come from.
    public struct Provenance: Sendable, Codable, Hashable {
        public var oncoVersion: String
        public var warehouseBackend: String
        public var warehouseVersion: Int
        public var schemaVersion: Int
        public var datasets: [String]
        /// True when every patient is synthetic.
        public var synthetic: Bool
        /// ISO 8601 time of the run.
        public var generatedAt: String
        public var project: String?
        public var definitionSHA256: String
        public var minimumCellCount: Int
        /// Sequence number of the audit-log entry of this run.
        public var auditEntry: Int64?
        public init(oncoVersion: String, warehouseBackend: String, warehouseVersion: Int, schemaVersion: Int, datasets: [String],
                    synthetic: Bool, generatedAt: String, project: String?, definitionSHA256: String, minimumCellCount: Int,
                    auditEntry: Int64?) {
            self.oncoVersion = oncoVersion; self.warehouseBackend = warehouseBackend; self.warehouseVersion = warehouseVersion
            self.schemaVersion = schemaVersion; self.datasets = datasets; self.synthetic = synthetic; self.generatedAt = generatedAt
            self.project = project; self.definitionSHA256 = definitionSHA256; self.minimumCellCount = minimumCellCount
            self.auditEntry = auditEntry
        }
    }

    /// One step of the patient flow (selected, with endpoint, grouped, analysed …).
    public struct FlowStep: Sendable, Codable, Hashable {
        public var label: String
        public var count: SuppressedCount
        public init(label: String, count: SuppressedCount) { self.label = label; self.count = count }
    }

    /// The cut-off of a derived group within one level (e.g. top 20% TMB within LUAD).
    public struct Cutoff: Sendable, Codable, Hashable {
        /// The level of the `within` variable (`all` when not split).
        public var level: String
        /// Patients of the level with a value.
        public var n: SuppressedCount
        /// Patients at or above the cut-off (at or below it for a bottom group; ties at the cut-off included).
        public var nAbove: SuppressedCount
        /// The cut-off value (nil when the level is empty or withheld).
        public var value: Double?
        /// True for a bottom X% group (members at or below the cut-off); nil for a top group.
        public var below: Bool?
        public init(level: String, n: SuppressedCount, nAbove: SuppressedCount, value: Double?, below: Bool? = nil) {
            self.level = level; self.n = n; self.nAbove = nAbove; self.value = value; self.below = below
        }
    }

    /// One member of an alteration set and the patients of the altered group carrying it (a patient may
    /// carry several members, so the counts may add up to more than the group).
    public struct SetMember: Sendable, Codable, Hashable {
        public var member: String
        public var carriers: SuppressedCount
        public init(member: String, carriers: SuppressedCount) { self.member = member; self.carriers = carriers }
    }

    /// Survival at a time.
    public struct SurvivalAt: Sendable, Codable, Hashable {
        public var time: Double
        public var atRisk: SuppressedCount
        public var survival: Double?
        public var lower: Double?
        public var upper: Double?
        public init(time: Double, atRisk: SuppressedCount, survival: Double?, lower: Double?, upper: Double?) {
            self.time = time; self.atRisk = atRisk; self.survival = survival; self.lower = lower; self.upper = upper
        }
    }

    /// One group's counts and Kaplan–Meier summary.
    public struct GroupSummary: Sendable, Codable, Hashable {
        public var label: String
        public var n: SuppressedCount
        public var events: SuppressedCount
        public var censored: SuppressedCount
        /// Median survival and its CI (nil: not reached / not estimable / withheld).
        public var median: Double?
        public var medianLower: Double?
        public var medianUpper: Double?
        /// True when the group is smaller than the minimum cell count: its estimates are withheld.
        public var withheld: Bool
        public var survivalAt: [SurvivalAt]
        public init(label: String, n: SuppressedCount, events: SuppressedCount, censored: SuppressedCount, median: Double?,
                    medianLower: Double?, medianUpper: Double?, withheld: Bool, survivalAt: [SurvivalAt]) {
            self.label = label; self.n = n; self.events = events; self.censored = censored; self.median = median
            self.medianLower = medianLower; self.medianUpper = medianUpper; self.withheld = withheld; self.survivalAt = survivalAt
        }
    }

    /// A Kaplan–Meier curve as a table (one row per distinct time), counts suppressed.
    public struct CurvePoint: Sendable, Codable, Hashable {
        public var time: Double
        public var atRisk: SuppressedCount
        public var events: SuppressedCount
        public var censored: SuppressedCount
        public var survival: Double
        public var lower: Double?
        public var upper: Double?
        public init(time: Double, atRisk: SuppressedCount, events: SuppressedCount, censored: SuppressedCount, survival: Double,
                    lower: Double?, upper: Double?) {
            self.time = time; self.atRisk = atRisk; self.events = events; self.censored = censored; self.survival = survival
            self.lower = lower; self.upper = upper
        }
    }

    public struct Curve: Sendable, Codable, Hashable {
        public var label: String
        public var points: [CurvePoint]
        public init(label: String, points: [CurvePoint]) { self.label = label; self.points = points }
    }

    /// A χ² test.
    public struct Test: Sendable, Codable, Hashable {
        public var chiSquare: Double
        public var degreesOfFreedom: Int
        public var p: Double
        public init(chiSquare: Double, degreesOfFreedom: Int, p: Double) {
            self.chiSquare = chiSquare; self.degreesOfFreedom = degreesOfFreedom; self.p = p
        }
    }

    public struct LogRankSummary: Sendable, Codable, Hashable {
        /// The test (nil when withheld).
        public var test: Test?
        /// Stratifying variables (empty: unstratified).
        public var strata: [String]
        public var groups: [String]
        /// Observed events per group (a count of patients, so suppressed like the others).
        public var observed: [SuppressedCount]
        /// Expected events per group (nil when withheld).
        public var expected: [Double]?
        /// True when a group has fewer patients than the minimum: the test and the expected events are withheld,
        /// like that group's other estimates (they would describe it).
        public var withheld: Bool = false
        public init(test: Test?, strata: [String], groups: [String], observed: [SuppressedCount], expected: [Double]?, withheld: Bool = false) {
            self.test = test; self.strata = strata; self.groups = groups; self.observed = observed; self.expected = expected
            self.withheld = withheld
        }
    }

    /// One row of the Cox table and forest plot: a coefficient, or a reference level (no estimate).
    public struct CoxTerm: Sendable, Codable, Hashable {
        /// The covariate (`group`, `age`, …).
        public var term: String
        /// The level of a categorical term (nil for a numeric term).
        public var level: String?
        public var isReference: Bool
        /// Patients in the level (categorical) or in the model (numeric).
        public var n: SuppressedCount
        public var coefficient: Double?
        public var standardError: Double?
        public var hazardRatio: Double?
        public var lower: Double?
        public var upper: Double?
        public var p: Double?
        /// True when the level (or its reference) has fewer patients than the minimum: its estimates are withheld.
        public var withheld: Bool = false
        public init(term: String, level: String?, isReference: Bool, n: SuppressedCount, coefficient: Double?, standardError: Double?,
                    hazardRatio: Double?, lower: Double?, upper: Double?, p: Double?) {
            self.term = term; self.level = level; self.isReference = isReference; self.n = n; self.coefficient = coefficient
            self.standardError = standardError; self.hazardRatio = hazardRatio; self.lower = lower; self.upper = upper; self.p = p
        }
        /// `term=level` or the term.
        public var label: String { level.map { "\(term)=\($0)" } ?? term }
    }

    public struct CoxSummary: Sendable, Codable, Hashable {
        public var n: SuppressedCount
        public var events: SuppressedCount
        public var ties: String
        public var strata: [String]
        public var terms: [CoxTerm]
        public var likelihoodRatio: Test
        public var wald: Test
        public var score: Test
        public var logLikelihood: Double
        public var concordance: Double?
        public var concordanceStandardError: Double?
        /// Estimation problems (non-convergence, infinite coefficients), as R's warnings.
        public var problems: [String]
        public init(n: SuppressedCount, events: SuppressedCount, ties: String, strata: [String], terms: [CoxTerm], likelihoodRatio: Test,
                    wald: Test, score: Test, logLikelihood: Double, concordance: Double?, concordanceStandardError: Double?, problems: [String]) {
            self.n = n; self.events = events; self.ties = ties; self.strata = strata; self.terms = terms
            self.likelihoodRatio = likelihoodRatio; self.wald = wald; self.score = score; self.logLikelihood = logLikelihood
            self.concordance = concordance; self.concordanceStandardError = concordanceStandardError; self.problems = problems
        }
    }

    /// Patients per level of a variable (rows: the `within` or first strata variable) and group (columns).
    public struct LevelCounts: Sendable, Codable, Hashable {
        public var variable: String
        public var levels: [String]
        public var groups: [String]
        public var counts: [[SuppressedCount]]
        public init(variable: String, levels: [String], groups: [String], counts: [[SuppressedCount]]) {
            self.variable = variable; self.levels = levels; self.groups = groups; self.counts = counts
        }
    }

    /// The proportional-hazards test (R: `cox.zph`).
    public struct PHTest: Sendable, Codable, Hashable {
        public var transform: String
        public var terms: [String]
        public var tests: [Test]
        public var global: Test
        public init(transform: String, terms: [String], tests: [Test], global: Test) {
            self.transform = transform; self.terms = terms; self.tests = tests; self.global = global
        }
    }

    public var title: String
    public var provenance: Provenance
    /// The definition as run (canonical JSON; its SHA-256 is `provenance.definitionSHA256`).
    public var definition: String
    /// The definition in words, one line per part.
    public var definitionSummary: [String]
    /// The endpoint in words, e.g. "overall survival from diagnosis".
    public var endpoint: String
    /// The time unit of every time in the report (`days`, `months`, `years`).
    public var timeUnit: String
    public var flow: [FlowStep]
    /// What the groups are, in words (e.g. "top 20% of TMB within each tumour type vs the rest").
    public var grouping: String
    public var cutoffs: [Cutoff]
    public var groups: [GroupSummary]
    public var levelCounts: LevelCounts?
    public var curves: [Curve]
    public var logRank: LogRankSummary?
    public var cox: CoxSummary?
    public var proportionalHazards: PHTest?
    /// Competing risks of the endpoint's events (`CohortReport+CompetingRisks.swift`), nil when not asked.
    public var competingRisks: CompetingRisksSummary?
    /// An alteration-set grouping: how many of the altered group carry each member; nil for other groupings.
    public var setMembers: [SetMember]?
    /// A gene (or set) screen (`CohortReport+Screen.swift`); nil for other studies.
    public var screen: ScreenSection?
    public var notes: [String]
    /// The emulated target trial of a `design: target-trial` study (its curves are `plotSeries`).
    public var targetTrial: TargetTrialSection?

    /// The curves to draw (times in `timeUnit`); groups withheld by suppression are absent. Not encoded:
    /// the plot suppresses its own at-risk numbers.
    public var plotSeries: [KaplanMeierSeries] = []

    enum CodingKeys: String, CodingKey {
        case title, provenance, definition, definitionSummary, endpoint, timeUnit, flow, grouping, cutoffs, groups, levelCounts, curves, logRank, cox,
             proportionalHazards, competingRisks, notes, targetTrial, setMembers, screen
    }

    public init(title: String, provenance: Provenance, definition: String, definitionSummary: [String], endpoint: String, timeUnit: String,
                flow: [FlowStep], grouping: String, cutoffs: [Cutoff], groups: [GroupSummary], levelCounts: LevelCounts?, curves: [Curve],
                logRank: LogRankSummary?,
                cox: CoxSummary?, proportionalHazards: PHTest?, notes: [String], plotSeries: [KaplanMeierSeries]) {
        self.title = title; self.provenance = provenance; self.definition = definition; self.definitionSummary = definitionSummary
        self.endpoint = endpoint; self.timeUnit = timeUnit; self.flow = flow; self.grouping = grouping; self.cutoffs = cutoffs
        self.groups = groups; self.levelCounts = levelCounts; self.curves = curves; self.logRank = logRank; self.cox = cox; self.proportionalHazards = proportionalHazards
        self.notes = notes; self.plotSeries = plotSeries
    }

    /// The banner every output carries for synthetic data.
    public static let syntheticBanner = "SYNTHETIC DATA: every patient in this warehouse was generated; no result describes real people."

    /// An RFC 4180 field: quoted when it holds a comma, quote or line break (the CSV report and the row-level export).
    public static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// One line of provenance, as shown under every table and figure.
    public var provenanceLine: String {
        var s = "onco \(provenance.oncoVersion) · \(provenance.warehouseBackend) warehouse version \(provenance.warehouseVersion) (schema \(provenance.schemaVersion))"
        if !provenance.datasets.isEmpty { s += " · datasets: \(provenance.datasets.joined(separator: ", "))" }
        if let p = provenance.project { s += " · project \(p)" }
        s += " · definition sha256 \(provenance.definitionSHA256.prefix(12))… · counts below \(provenance.minimumCellCount) shown as <\(provenance.minimumCellCount)"
        if provenance.minimumCellCount > 1 { s += ", others rounded to a multiple of \(provenance.minimumCellCount)" }
        if provenance.synthetic { s += " · SYNTHETIC DATA" }
        return s
    }
}
