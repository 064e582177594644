#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Kaplan–Meier estimate of the survival function, with Greenwood variance, pointwise confidence
/// bounds and the Nelson–Aalen cumulative hazard.
///
/// R: `survfit(Surv(time, event) ~ 1, conf.type = )` (survival 3.5, `survfitkm.c`). One entry per
/// distinct observed time, event or censoring. Ties: events and censorings at the same time are
/// counted together, censored subjects are at risk at their own time. Times closer than
/// `sqrt(.Machine$double.eps)` are merged first, as R's `aeqSurv` does (`timeFix`).
/// NaN stands for R's `NA`; `standardError` is +∞ once S reaches 0, as in R.
/// - Complexity: O(*n*) for integer-valued times (a two-pass radix sort), O(*n* log *n*) at worst.
public struct KaplanMeier: Sendable {
    /// The number of observations.
    public let n: Int
    /// Distinct observed times, ascending.
    public let time: [Double]
    /// Number at risk just before each time (R: `n.risk`; unweighted, see `weighted`).
    public let atRisk: [Int]
    /// Events at each time (R: `n.event`).
    public let events: [Int]
    /// Censorings at each time (R: `n.censor`).
    public let censored: [Int]
    /// S(t) (R: `surv`).
    public let survival: [Double]
    /// Standard error of −log S(t): Greenwood's sqrt(Σ d/(n(n−d))) (R: `std.err`), or the infinitesimal
    /// jackknife's se(S)/S (R then reports se(S) itself as `std.err`, with `logse = FALSE`).
    public let standardError: [Double]
    /// Nelson–Aalen cumulative hazard Σ d/n (R: `cumhaz`).
    public let cumulativeHazard: [Double]
    /// Its standard error sqrt(Σ d/n²) (R: `std.chaz`).
    public let cumulativeHazardStandardError: [Double]
    /// The transform of the bounds.
    public let confidenceType: ConfidenceType
    /// The level of the bounds.
    public let confidenceLevel: ConfidenceLevel
    /// Lower and upper pointwise bounds for S(t) (R: `lower`, `upper`); NaN where R gives NA.
    public let lower: [Double]
    public let upper: [Double]

    /// Case-weighted counts (R reports these as `n.risk`, `n.event`, `n.censor` of a weighted fit);
    /// nil without weights.
    public let weighted: WeightedCounts?
    /// The variance used: Greenwood, or the infinitesimal jackknife for weighted curves (R's `robust`).
    public var varianceMethod: VarianceMethod { usesJackknife ? .infinitesimalJackknife : .greenwood }
    let usesJackknife: Bool

    /// Sums of case weights at each time.
    public struct WeightedCounts: Sendable, Hashable {
        public let atRisk: [Double]
        public let events: [Double]
        public let censored: [Double]
    }

    /// Estimates S(t) from right-censored or counting-process (delayed-entry) observations.
    ///
    /// With `entry`, a subject is at risk at t when entry < t ≤ time (R: `survfit(Surv(start, stop,
    /// event) ~ 1)`); one entry per distinct stop time. With `weights`, every count is a sum of case
    /// weights (R: `survfit(..., weights = w)`): S = Π(1 − d/n), Nelson–Aalen Σ d/n, d and n weighted;
    /// the variance is `variance`, by default R's choice: the infinitesimal jackknife when some weight
    /// is not an integer, else Greenwood Σ d/(n(n − d)) and Σ d/n² on the weighted counts.
    /// - Parameters:
    ///   - entry: entry times, each finite, ≥ 0 and before its `time`; nil for right-censored data.
    ///   - time: follow-up (stop) times, finite and ≥ 0.
    ///   - event: true for an event, false for a censoring.
    ///   - weights: case weights, positive and finite; nil for 1.
    ///   - variance: the variance of a weighted curve; nil for R's default (see `VarianceMethod.default`).
    /// - Throws: `SurvivalError` for mismatched lengths, an empty input, an invalid time (index named),
    ///   an entry not before its stop time, or a weight that is not positive and finite.
    public init(entry: [Double]? = nil, time: [Double], event: [Bool], weights: [Double]? = nil,
                variance: VarianceMethod? = nil, confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95,
                timeFix: Bool = true) throws {
        if entry != nil || weights != nil {
            let c = try _entryTally(entry: entry, time: time, event: event, weights: weights, variance: variance,
                                    timeFix: timeFix)
            self.init(counts: c, confidenceType: confidenceType, level: ConfidenceLevel(confidenceLevel))
            return
        }
        let t = try _tallies(time: time, event: event, codes: nil, groups: 1, timeFix: timeFix)
        self.init(tally: t[0], confidenceType: confidenceType, level: ConfidenceLevel(confidenceLevel))
    }

    /// Estimates S(t) from counts already aggregated per distinct time (as a database would return them).
    /// - Parameters:
    ///   - distinctTimes: strictly increasing, finite, ≥ 0.
    ///   - events, censored: counts at each time.
    public init(distinctTimes: [Double], events: [Int], censored: [Int], confidenceType: ConfidenceType = .log,
                confidenceLevel: Double = 0.95) throws {
        guard distinctTimes.count == events.count, events.count == censored.count else {
            throw SurvivalError(.lengthMismatch, "distinctTimes, events and censored")
        }
        guard !distinctTimes.isEmpty else { throw SurvivalError(.emptyInput, "distinctTimes") }
        for i in distinctTimes.indices {
            guard distinctTimes[i].isFinite, distinctTimes[i] >= 0, i == 0 || distinctTimes[i] > distinctTimes[i - 1] else {
                throw SurvivalError(.invalidTime, "distinctTimes \(i)")
            }
            guard events[i] >= 0, censored[i] >= 0 else { throw SurvivalError(.invalidValue, "counts \(i)") }
        }
        self.init(tally: _Tally(time: distinctTimes, events: events, censored: censored),
                  confidenceType: confidenceType, level: ConfidenceLevel(confidenceLevel))
    }

    init(tally: _Tally, confidenceType: ConfidenceType, level: ConfidenceLevel) {
        var atRisk = [Int](repeating: 0, count: tally.time.count)
        var nrisk = tally.n
        for j in atRisk.indices {
            atRisk[j] = nrisk
            nrisk -= tally.events[j] + tally.censored[j]
        }
        self.init(counts: _KMCounts(n: tally.n, time: tally.time, atRisk: atRisk, events: tally.events,
                                    censored: tally.censored, weighted: nil),
                  confidenceType: confidenceType, level: level)
    }

    init(counts c: _KMCounts, confidenceType: ConfidenceType, level: ConfidenceLevel) {
        let m = c.time.count
        n = c.n
        time = c.time
        atRisk = c.atRisk
        events = c.events
        censored = c.censored
        weighted = c.weighted
        usesJackknife = c.jackknife != nil
        self.confidenceType = confidenceType
        self.confidenceLevel = level
        var surv = [Double](repeating: 0, count: m)
        var se = [Double](repeating: 0, count: m)
        var chaz = [Double](repeating: 0, count: m)
        var sechaz = [Double](repeating: 0, count: m)
        var lower = [Double](repeating: 0, count: m)
        var upper = [Double](repeating: 0, count: m)
        var km = 1.0, v1 = 0.0, nelson = 0.0, v2 = 0.0
        for j in 0..<m {
            let d = c.weighted?.events[j] ?? Double(c.events[j]), r = c.weighted?.atRisk[j] ?? Double(c.atRisk[j])
            if c.events[j] > 0 {
                nelson += d / r
                v2 += d / (r * r)
                km *= (r - d) / r
                v1 += d / (r * (r - d))
            }
            surv[j] = km
            se[j] = c.jackknife?.logS[j] ?? v1.squareRoot()
            chaz[j] = nelson
            sechaz[j] = c.jackknife?.cumhaz[j] ?? v2.squareRoot()
            (lower[j], upper[j]) = _confidenceBounds(p: km, se: se[j], logScale: true, type: confidenceType, z: level.z)
        }
        survival = surv
        standardError = se
        cumulativeHazard = chaz
        cumulativeHazardStandardError = sechaz
        self.lower = lower
        self.upper = upper
    }

    /// Numbers at risk and events as R uses them in variances: weighted when the fit is.
    var riskCounts: (atRisk: [Double], events: [Double]) {
        (weighted?.atRisk ?? atRisk.map(Double.init), weighted?.events ?? events.map(Double.init))
    }

    /// The total number of events.
    public var eventCount: Int { events.reduce(0, +) }

    /// Standard error of S(t) itself, S·se(−log S) (what R's `summary.survfit` prints); NaN once S = 0.
    public var survivalStandardError: [Double] { zip(survival, standardError).map { $0 * $1 } }

    /// S(t) as a right-continuous step function: 1 before the first time.
    public func survival(at t: Double) -> Double {
        let k = _lastIndex(atOrBefore: t, in: time)
        return k < 0 ? 1 : survival[k]
    }
}

/// The largest index k with `sorted[k] <= t`, or −1 (R: `findInterval(t, sorted)` − 1).
@usableFromInline
func _lastIndex(atOrBefore t: Double, in sorted: [Double]) -> Int {
    var lo = 0, hi = sorted.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if sorted[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo - 1
}

/// The number of elements strictly less than t (R: `findInterval(t, sorted, left.open = TRUE)`).
@usableFromInline
func _countBefore(_ t: Double, in sorted: [Double]) -> Int {
    var lo = 0, hi = sorted.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if sorted[mid] < t { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
