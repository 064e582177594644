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
