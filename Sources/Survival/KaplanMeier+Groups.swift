/// Kaplan–Meier curves for each level of a grouping variable.
///
/// R: `survfit(Surv(time, event) ~ group)`. Levels without observations are dropped, as R drops
/// empty strata. Near-tied times are merged over the whole data set before grouping (R's `aeqSurv`).
/// - Complexity: O(*n*) for integer-valued times.
public struct KaplanMeierCurves: Sendable {
    /// The group labels, in the factor's level order.
    public let groups: [String]
    /// One curve per group.
    public let curves: [KaplanMeier]

    public init(time: [Double], event: [Bool], group: Factor, confidenceType: ConfidenceType = .log,
                confidenceLevel: Double = 0.95, timeFix: Bool = true) throws {
        guard group.count == time.count else { throw SurvivalError(.lengthMismatch, "time and group") }
        let tallies = try _tallies(time: time, event: event, codes: group.codes, groups: group.levels.count,
                                   timeFix: timeFix)
        let level = ConfidenceLevel(confidenceLevel)
        var g = [String](), c = [KaplanMeier]()
        for k in tallies.indices where tallies[k].n > 0 {
            g.append(group.levels[k])
            c.append(KaplanMeier(tally: tallies[k], confidenceType: confidenceType, level: level))
        }
        groups = g
        curves = c
    }
}

extension KaplanMeierCurves {
    /// Curves per group for delayed-entry (start, stop] or case-weighted data (R: `survfit(Surv(start,
    /// stop, event) ~ group, weights = w)`); see `KaplanMeier.init(entry:time:event:weights:)`.
    /// Near-tied times are merged over the whole data set first, as for right-censored curves.
    public init(entry: [Double]?, time: [Double], event: [Bool], group: Factor, weights: [Double]?,
                variance: KaplanMeier.VarianceMethod? = nil, confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95, timeFix: Bool = true) throws {
        let n = time.count
        guard group.count == n else { throw SurvivalError(.lengthMismatch, "time and group") }
        guard event.count == n else { throw SurvivalError(.lengthMismatch, "time and event") }
        for i in 0..<n where !(time[i].isFinite && time[i] >= 0) { throw SurvivalError(.invalidTime, "time \(i)") }
        let fixed = try entry.map { try _countingProcessTimes(entry: $0, time: time, timeFix: timeFix) }
        let t = fixed?.time ?? (timeFix ? _timeFix(time) : time)
        let method = variance ?? .default(weights: weights)
        var g = [String](), c = [KaplanMeier]()
        for (k, level) in group.levels.enumerated() {
            let rows = (0..<n).filter { group.codes[$0] == Int32(k) }
            guard !rows.isEmpty else { continue }
            g.append(level)
            c.append(try KaplanMeier(entry: fixed.map { f in rows.map { f.entry[$0] } }, time: rows.map { t[$0] },
                                     event: rows.map { event[$0] }, weights: weights.map { w in rows.map { w[$0] } },
                                     variance: method, confidenceType: confidenceType, confidenceLevel: confidenceLevel, timeFix: false))
        }
        groups = g
        curves = c
    }
}
