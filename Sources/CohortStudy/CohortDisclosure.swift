import Foundation
import OncoCore
import Reports
import Survival
import Warehouse

/// Statistical disclosure control of a cohort report, with minimum cell count k (k ≤ 1: none):
///
/// - **primary suppression**: a count of 1…k−1 patients or events is shown as `<k`;
/// - **rounding** (complementary protection): every other count is rounded to the nearest multiple
///   of k, so every difference between shown counts is a multiple of k and no suppressed count can be
///   recovered by subtracting one shown count from another (507 analysed − 503 wild-type = 4 becomes
///   505 − 505 = 0); totals may then differ from the sum of their parts by less than k per part;
/// - **Kaplan–Meier steps**: a curve is published (table, plot, survival at times) only at steps
///   that each hold at least k events, merging consecutive event times, so no step reveals fewer than
///   k events through the drop in survival; it ends before a last run of fewer than k events, and
///   censoring ticks are not drawn.
///
/// Groups with fewer than k patients keep only their `<k` count: curves, medians, survival, hazard
/// ratios (also as Cox covariate levels) are withheld.
struct CohortDisclosure {
    let k: Int
    var active: Bool { k > 1 }

    /// A count as shown.
    func count(_ n: Int) -> SuppressedCount { DisclosureControl(minimumCount: k).rounded(n) }

    /// A count as the plot's at-risk row shows it (rounded; 1…k−1 kept, the plot prints them as `<k`).
    func plotCount(_ n: Int) -> Int {
        switch count(n) { case .exact(let r): return r; case .suppressed: return 1 }
    }

    /// A count as the audit log records it: as shown.
    func auditValue(_ n: Int) -> AuditValue {
        switch count(n) { case .exact(let r): return .int(r); case .suppressed(let b): return .string("<\(b)") }
    }

    func isSmall(_ n: Int) -> Bool { active && n > 0 && n < k }

    /// A published step of a curve: the time of its last event, and the events and censorings since the previous step.
    struct Step {
        var index: Int
        var atRisk: Int
        var events: Int
        var censored: Int
    }

    /// The steps of `km` that may be published, and the last index up to which the published curve is
    /// exact (the step before the first unpublished event; the whole curve when every event is published).
    func steps(_ km: KaplanMeier) -> (steps: [Step], end: Int) {
        guard active else {
            return (km.time.indices.map { Step(index: $0, atRisk: km.atRisk[$0], events: km.events[$0], censored: km.censored[$0]) },
                    km.time.count - 1)
        }
        var out: [Step] = []
        var events = 0, censored = 0, start: Int?
        var firstUnpublished: Int?
        for j in km.time.indices {
            if start == nil { start = j }
            if km.events[j] > 0 && firstUnpublished == nil { firstUnpublished = j }
            events += km.events[j]
            censored += km.censored[j]
            if events >= k {
                out.append(Step(index: j, atRisk: km.atRisk[start!], events: events, censored: censored))
                events = 0; censored = 0; start = nil; firstUnpublished = nil
            }
        }
        return (out, (firstUnpublished ?? km.time.count) - 1)
    }

    /// The published step function at `t`: (survival, lower, upper) of the last published step at or
    /// before t, 1 before the first; nil after the published curve ends.
    func survival(_ km: KaplanMeier, steps: [Step], end: Int, at t: Double) -> (Double, Double, Double)? {
        guard end >= 0 ? t <= km.time[end] : t < (km.time.first ?? 0) else { return nil }
        guard let s = steps.last(where: { km.time[$0.index] <= t }) else { return (1, 1, 1) }
        return (km.survival[s.index], km.lower[s.index], km.upper[s.index])
    }

    /// The plotted series: the published step function, held flat between steps, at every original time up to
    /// the end (so the at-risk row is right), with rounded at-risk numbers and no censoring ticks.
    func series(label: String, _ km: KaplanMeier, steps: [Step], end: Int, scale: Double) -> KaplanMeierPlot.Series {
        var time: [Double] = [], surv: [Double] = [], lo: [Double] = [], hi: [Double] = [], risk: [Int] = []
        var current = (1.0, Double.nan, Double.nan)
        var next = 0
        for j in 0...max(end, 0) where j < km.time.count {
            if next < steps.count && steps[next].index == j {
                current = (km.survival[j], km.lower[j], km.upper[j])
                next += 1
            }
            time.append(km.time[j] * scale); surv.append(current.0); lo.append(current.1); hi.append(current.2)
            risk.append(plotCount(km.atRisk[j]))
        }
        return KaplanMeierPlot.Series(label: label, time: time, survival: surv, lower: lo, upper: hi, atRisk: risk, censorTimes: [],
                                      n: plotCount(km.n))
    }
}
