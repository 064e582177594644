/// One survival curve as it is drawn: distinct times, S(t) and its bounds, numbers at risk, censoring times
/// and the group size. The data of a plot, not its rendering: `KaplanMeierPlot` (Reports) draws a list of
/// these (`KaplanMeierPlot.Series`), and the studies that publish curves under disclosure control
/// (CohortStudy's `KaplanMeierDisclosure`, `TargetTrialSection`) build them.
public struct KaplanMeierSeries: Sendable {
    public var label: String
    /// Distinct times, S(t) and its bounds (NaN = no bound there), as `KaplanMeier` holds them.
    public var time: [Double]
    public var survival: [Double]
    public var lower: [Double]
    public var upper: [Double]
    /// Number at risk just before each distinct time.
    public var atRisk: [Int]
    /// Times with a censoring (drawn as ticks on the curve).
    public var censorTimes: [Double]
    /// Group size.
    public var n: Int

    public init(label: String, time: [Double], survival: [Double], lower: [Double], upper: [Double],
                atRisk: [Int], censorTimes: [Double], n: Int) {
        self.label = label
        self.time = time
        self.survival = survival
        self.lower = lower
        self.upper = upper
        self.atRisk = atRisk
        self.censorTimes = censorTimes
        self.n = n
    }

    /// A series from a Kaplan–Meier estimate.
    public init(label: String, curve: KaplanMeier) {
        self.init(label: label, time: curve.time, survival: curve.survival, lower: curve.lower, upper: curve.upper,
                  atRisk: curve.atRisk, censorTimes: curve.time.indices.filter { curve.censored[$0] > 0 }.map { curve.time[$0] },
                  n: curve.n)
    }

    /// A series from a Cox model's predicted curve (no censoring ticks; numbers at risk of its stratum).
    public init(label: String, curve: CoxSurvivalCurve) {
        self.init(label: label, time: curve.time, survival: curve.survival, lower: curve.lower, upper: curve.upper,
                  atRisk: curve.atRisk.map { Int($0.rounded()) }, censorTimes: [], n: Int((curve.atRisk.first ?? 0).rounded()))
    }
}
