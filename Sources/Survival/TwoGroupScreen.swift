#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Many two-group comparisons over one set of survival times: for each group (a set of rows, e.g. the
/// carriers of one gene), the log-rank test of the group vs the rest and the Cox model of the group
/// indicator alone (Efron ties). Made for gene screens (`onco cohort screen`): the times are sorted and
/// near-ties merged once; each comparison then works on per-time counts, O(group size + distinct times)
/// per pass instead of O(n).
///
/// R: `survdiff(Surv(time, event) ~ x)` and `coxph(Surv(time, event) ~ x, ties = "efron")` for a 0/1 `x`
/// (both with `timefix = TRUE`, R's `aeqSurv`). For a binary covariate the Efron partial likelihood depends on
/// the data only through, at each distinct event time, the numbers at risk and dying in each group, so the
/// estimates are those of the full fit (tested against R in `TwoGroupScreenTests` and the cohort screen tests).
public struct TwoGroupScreen: Sendable {
    /// Distinct (merged) times, ascending.
    let times: [Double]
    /// Each row's index into `times`.
    let timeIndex: [Int32]
    let event: [Bool]
    /// Rows at risk at each distinct time (time ≥ it), and deaths at it.
    let atRisk: [Int]
    let deaths: [Int]
    /// The distinct times with at least one death.
    let eventTimes: [Int32]

    public var count: Int { timeIndex.count }

    /// - Throws: `SurvivalError` for non-finite or negative times or mismatched lengths.
    public init(time: [Double], event: [Bool]) throws {
        guard time.count == event.count else { throw SurvivalError(.lengthMismatch, "time and event") }
        guard !time.isEmpty else { throw SurvivalError(.emptyInput, "time") }
        for (i, t) in time.enumerated() where !t.isFinite || t < 0 { throw SurvivalError(.invalidTime, "time \(i)") }
        let fixed = _timeFix(time)
        var keys = fixed.map(_orderableKey)
        _radixSort(&keys)
        var distinct: [Double] = []
        var last: UInt64? = nil
        for k in keys where k != last { distinct.append(_doubleFromKey(k)); last = k }
        var index = [Double: Int32](minimumCapacity: distinct.count)
        for (i, t) in distinct.enumerated() { index[t] = Int32(i) }
        let ti = fixed.map { index[$0]! }
        var atRisk = [Int](repeating: 0, count: distinct.count), deaths = [Int](repeating: 0, count: distinct.count)
        for (r, j) in ti.enumerated() { atRisk[Int(j)] += 1; if event[r] { deaths[Int(j)] += 1 } }
        var s = 0
        for j in stride(from: distinct.count - 1, through: 0, by: -1) { s += atRisk[j]; atRisk[j] = s }
        times = distinct; timeIndex = ti; self.event = event; self.atRisk = atRisk; self.deaths = deaths
        eventTimes = distinct.indices.filter { deaths[$0] > 0 }.map(Int32.init)
    }

    /// One comparison: the rows of `group` (indices into the times given, each once) vs the other rows.
    public struct Result: Sendable, Hashable {
        public var n: Int, events: Int
        public var nOthers: Int, eventsOthers: Int
        /// Log-rank: observed and expected events in the group, the variance of O − E, χ² (1 df) and p.
        public var observed: Double, expected: Double, variance: Double
        public var chiSquare: Double, logRankP: Double
        /// The Cox coefficient of the group indicator (log hazard ratio) and its standard error; nil when the
        /// model cannot be estimated (no events in one group, so the estimate is infinite, or no convergence).
        public var coefficient: Double?, standardError: Double?
        public var iterations: Int
        public var hazardRatio: Double? { coefficient.map { exp($0) } }
        /// The 95% Wald interval of the hazard ratio (R: `summary(coxph)$conf.int`).
        public var lower: Double? { zip2(coefficient, standardError).map { exp($0 - Normal.quantile(0.975) * $1) } }
        public var upper: Double? { zip2(coefficient, standardError).map { exp($0 + Normal.quantile(0.975) * $1) } }
        /// The Wald p-value of the coefficient.
        public var waldP: Double? { zip2(coefficient, standardError).map { Normal.twoSidedPValue($0 / $1) } }
    }

    /// Compares the rows of `group` with the rest. `scratch` is reused between calls (no allocation per gene).
    public func compare(group: [Int], scratch: inout Scratch) -> Result {
        let J = times.count
        if scratch.n1.count != J { scratch = Scratch(count: J) }
        var e1 = 0
        for r in group {
            let j = Int(timeIndex[r])
            scratch.n1[j] += 1
            if event[r] { scratch.d1[j] += 1; e1 += 1 }
        }
        // at risk in the group at each distinct time (suffix sums), kept only at event times
        let m = eventTimes.count
        if scratch.atRisk1.count != m { scratch.atRisk1 = [Double](repeating: 0, count: m); scratch.dead1 = scratch.atRisk1 }
        var s = 0, k = m - 1
        for j in stride(from: J - 1, through: 0, by: -1) {
            s += scratch.n1[j]
            if k >= 0, Int(eventTimes[k]) == j { scratch.atRisk1[k] = Double(s); scratch.dead1[k] = Double(scratch.d1[j]); k -= 1 }
            scratch.n1[j] = 0; scratch.d1[j] = 0
        }
        let totalEvents = eventTimes.reduce(0) { $0 + deaths[Int($1)] }
        var r = Result(n: group.count, events: e1, nOthers: count - group.count, eventsOthers: totalEvents - e1,
                       observed: Double(e1), expected: 0, variance: 0, chiSquare: 0, logRankP: 1, coefficient: nil, standardError: nil,
                       iterations: 0)
        // log-rank (survdiff, rho = 0)
        for q in 0..<m {
            let j = Int(eventTimes[q])
            let n = Double(atRisk[j]), d = Double(deaths[j]), n1 = scratch.atRisk1[q]
            r.expected += d * n1 / n
            if n > 1 { r.variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1) }
        }
        if r.variance > 0 {
            r.chiSquare = (r.observed - r.expected) * (r.observed - r.expected) / r.variance
            r.logRankP = ChiSquared.upperTail(r.chiSquare, degreesOfFreedom: 1)
        } else {
            r.logRankP = .nan
        }
        // Cox: Newton–Raphson with step halving, as R's coxfit, to a tight tolerance
        guard e1 > 0, r.eventsOthers > 0, group.count < count else { return r }
        var beta = 0.0
        var (ll, u, info) = efron(beta, scratch)
        var converged = false
        for it in 1...50 {
            r.iterations = it
            guard info > 0, info.isFinite else { break }
            var next = beta + u / info
            var (ll2, u2, i2) = efron(next, scratch)
            // step halving only for a real decrease: near the optimum the change of the log-likelihood (second
            // order in the step) is below its rounding error, and halving on noise would stop Newton short
            var halvings = 0
            while !(ll2 >= ll - 1e-9 * max(1, abs(ll))) && halvings < 30 {
                next = (next + beta) / 2
                (ll2, u2, i2) = efron(next, scratch)
                halvings += 1
            }
            let step = abs(next - beta)
            beta = next; ll = ll2; u = u2; info = i2
            if step <= 1e-12 * (1 + abs(beta)) { converged = true; break }
        }
        guard converged, info > 0, beta.isFinite, abs(beta) < 20 else { return r }
        r.coefficient = beta
        r.standardError = 1 / info.squareRoot()
        return r
    }

    /// The Efron log partial likelihood, score and information of the group indicator at `beta`.
    func efron(_ beta: Double, _ s: Scratch) -> (Double, Double, Double) {
        let eb = exp(beta)
        var ll = 0.0, u = 0.0, info = 0.0
        for q in 0..<eventTimes.count {
            let j = Int(eventTimes[q])
            let n1 = s.atRisk1[q], d1 = s.dead1[q]
            let n0 = Double(atRisk[j]) - n1, d = Double(deaths[j]), d0 = d - d1
            let risk = n0 + n1 * eb, a = n1 * eb          // Σ risk over the risk set, and its derivative
            let tied = d0 + d1 * eb, b = d1 * eb         // the same over the deaths at this time
            ll += d1 * beta
            u += d1
            if n1 == 0 { continue }                      // no group member at risk: a constant term
            let dd = Int(d)
            // the log of the product of the denominators in blocks of 16 (each below ~1e15, so no overflow):
            // one log per 16 deaths instead of one per death (screens of hundreds of genes over 1M patients)
            var product = 1.0
            for l in 0..<dd {
                let f = Double(l) / d
                let den = risk - f * tied
                let mean = (a - f * b) / den
                product *= den
                if l & 15 == 15 { ll -= log(product); product = 1 }
                u -= mean
                info += mean - mean * mean
            }
            ll -= log(product)
        }
        return (ll, u, info)
    }

    /// Reusable per-call buffers (one per thread).
    public struct Scratch: Sendable {
        var n1: [Int], d1: [Int]
        var atRisk1: [Double] = [], dead1: [Double] = []
        public init(count: Int) { n1 = [Int](repeating: 0, count: count); d1 = n1 }
    }
    public func makeScratch() -> Scratch { Scratch(count: times.count) }
}

@inline(__always) private func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b else { return nil }
    return (a, b)
}

/// Benjamini–Hochberg adjusted p-values (R: `p.adjust(p, method = "BH")`): NaN p-values stay NaN and do not
/// count among the tests.
public func benjaminiHochberg(_ p: [Double]) -> [Double] {
    let idx = p.indices.filter { !p[$0].isNaN }.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 > $1) }
    let m = Double(idx.count)
    var out = [Double](repeating: .nan, count: p.count)
    var running = Double.infinity
    for (rank, i) in idx.enumerated() {
        let k = m - Double(rank)                  // 1-based rank in ascending order
        running = min(running, m / k * p[i])
        out[i] = min(1, running)
    }
    return out
}
