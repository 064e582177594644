import OncoCore
import Survival

/// A Kaplan–Meier curve as it may be published under a minimum cell count k (k ≤ 1: as estimated): only at steps
/// that each hold at least k events, merging consecutive event times, so no step reveals fewer than k events
/// through the drop in survival; it ends before a last run of fewer than k events; censoring ticks are not drawn
/// and numbers at risk are rounded (`DisclosureControl.rounded`). Cohort reports and the tumour-board report's
/// real-world curves both publish curves this way.
public struct KaplanMeierDisclosure: Sendable {
    public let k: Int
    public init(k: Int) { self.k = k }
    var active: Bool { k > 1 }
    var dc: DisclosureControl { DisclosureControl(minimumCount: k) }

    /// The curve as a plot series: published steps (see the type) when k > 1, the whole estimate otherwise; times × `scale`.
    public func series(label: String, _ km: KaplanMeier, scale: Double = 1) -> KaplanMeierSeries {
        guard active else {
            var s = KaplanMeierSeries(label: label, curve: km)
            s.time = s.time.map { $0 * scale }
            s.censorTimes = s.censorTimes.map { $0 * scale }
            return s
        }
        let (steps, end) = steps(km)
        return series(label: label, km, steps: steps, end: end, scale: scale)
    }

    /// A published step of a curve: the time of its last event, and the events and censorings since the previous step.
    public struct Step: Sendable, Hashable {
        public var index: Int
        public var atRisk: Int
        public var events: Int
        public var censored: Int
    }

    /// The steps of `km` that may be published, and the last index up to which the published curve is
    /// exact (the step before the first unpublished event; the whole curve when every event is published).
    public func steps(_ km: KaplanMeier) -> (steps: [Step], end: Int) {
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
    public func survival(_ km: KaplanMeier, steps: [Step], end: Int, at t: Double) -> (Double, Double, Double)? {
        guard end >= 0 ? t <= km.time[end] : t < (km.time.first ?? 0) else { return nil }
        guard let s = steps.last(where: { km.time[$0.index] <= t }) else { return (1, 1, 1) }
        return (km.survival[s.index], km.lower[s.index], km.upper[s.index])
    }

    /// The plotted series: the published step function, held flat between steps, at every original time up to
    /// the end (so the at-risk row is right), with rounded at-risk numbers and no censoring ticks.
    public func series(label: String, _ km: KaplanMeier, steps: [Step], end: Int, scale: Double) -> KaplanMeierSeries {
        var time: [Double] = [], surv: [Double] = [], lo: [Double] = [], hi: [Double] = [], risk: [Int] = []
        var current = (1.0, Double.nan, Double.nan)
        var next = 0
        for j in 0...max(end, 0) where j < km.time.count {
            if next < steps.count && steps[next].index == j {
                current = (km.survival[j], km.lower[j], km.upper[j])
                next += 1
            }
            time.append(km.time[j] * scale); surv.append(current.0); lo.append(current.1); hi.append(current.2)
            risk.append(dc.roundedForPlot(km.atRisk[j]))
        }
        return KaplanMeierSeries(label: label, time: time, survival: surv, lower: lo, upper: hi, atRisk: risk, censorTimes: [],
                                      n: dc.roundedForPlot(km.n))
    }
}
