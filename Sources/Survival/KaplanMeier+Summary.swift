/// A survival curve read at a chosen time.
public struct SurvivalPoint: Sendable, Hashable {
    /// The requested time.
    public let time: Double
    /// Number at risk at that time (R: `n.risk` of `summary(fit, times = )`).
    public let atRisk: Double
    /// S(t).
    public let survival: Double
    /// Standard error of S(t) (R: `std.err` of the summary, S·se(−log S)).
    public let standardError: Double
    /// Pointwise bounds (NaN = NA).
    public let lower: Double
    public let upper: Double
    /// Cumulative hazard at t.
    public let cumulativeHazard: Double
}

extension KaplanMeier {
    /// The curve at chosen times (R: `summary(fit, times = )`).
    ///
    /// S, its bounds and se are those of the last distinct time ≤ t (1 and se 0 before the first);
    /// the number at risk is that of the first distinct time ≥ t (0 beyond). Times after the last
    /// follow-up are omitted, as R does without `extend = TRUE`.
    public func summary(at times: [Double]) -> [SurvivalPoint] {
        _summary(at: times, time: time, atRisk: riskCounts.atRisk, survival: survival,
                 logStandardError: standardError, lower: lower, upper: upper, cumulativeHazard: cumulativeHazard)
    }
}

/// R's `summary.survfit(times = )` after `survfit0` added the time-0 row.
func _summary(at times: [Double], time: [Double], atRisk: [Double], survival: [Double], logStandardError: [Double],
              lower: [Double], upper: [Double], cumulativeHazard: [Double]) -> [SurvivalPoint] {
    guard let tmax0 = time.last else { return [] }
    let tmax = Swift.max(tmax0, 0)
    var out = [SurvivalPoint]()
    for t in times.sorted() where t.isFinite && t <= tmax {
        let k = _lastIndex(atOrBefore: t, in: time)
        let r = _countBefore(t, in: time)
        let nrisk = r < atRisk.count ? atRisk[r] : 0
        if k < 0 {
            out.append(SurvivalPoint(time: t, atRisk: nrisk, survival: 1, standardError: 0, lower: 1, upper: 1,
                                     cumulativeHazard: 0))
        } else {
            out.append(SurvivalPoint(time: t, atRisk: nrisk, survival: survival[k],
                                     standardError: survival[k] * logStandardError[k],
                                     lower: lower[k], upper: upper[k], cumulativeHazard: cumulativeHazard[k]))
        }
    }
    return out
}
