#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A chi-square test result: statistic, degrees of freedom and upper-tail p-value.
public struct ChiSquareTest: Sendable, Hashable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double

    public init(statistic: Double, degreesOfFreedom: Int) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = ChiSquared.upperTail(statistic, degreesOfFreedom: Double(degreesOfFreedom))
    }
}

/// The G-rho family of k-sample tests comparing survival curves, optionally stratified.
///
/// R: `survdiff(Surv(time, event) ~ group + strata(s), rho = )` (`survdiff2.c`). rho = 0 is the
/// log-rank test; rho = 1 weights each event time by S(t−)^rho from the pooled Kaplan–Meier of its
/// stratum (Peto & Peto's modification of the Gehan–Wilcoxon test). Observed and expected counts
/// are summed over strata; the statistic is (O−E)ᵀ V⁻ (O−E) over the groups with E > 0, dropping
/// the first, with df = (number of groups with E > 0) − 1.
/// - Complexity: O(*n*) for integer-valued times plus O(*m k²*) for *m* distinct times and *k* groups.
public struct LogRank: Sendable {
    /// The group labels (non-empty levels of the grouping factor, in level order).
    public let groups: [String]
    /// Observations per group.
    public let counts: [Int]
    /// The strata labels (non-empty levels), or `[]` when unstratified.
    public let strata: [String]
    /// Observations per stratum.
    public let strataCounts: [Int]
    /// The weight exponent.
    public let rho: Double
    /// Weighted observed events per group, summed over strata (R: `obs`).
    public let observed: [Double]
    /// Weighted expected events per group, summed over strata (R: `exp`).
    public let expected: [Double]
    /// Observed per group and stratum, `[group][stratum]`.
    public let observedByStratum: [[Double]]
    /// Expected per group and stratum, `[group][stratum]`.
    public let expectedByStratum: [[Double]]
    /// The variance matrix of O − E, row-major k×k (R: `var`).
    public let variance: [Double]
    /// The test.
    public let test: ChiSquareTest

    public var chiSquare: Double { test.statistic }
    public var degreesOfFreedom: Int { test.degreesOfFreedom }
    public var pValue: Double { test.pValue }

    /// - Throws: `SurvivalError` on invalid data or fewer than two non-empty groups.
    public init(time: [Double], event: [Bool], group: Factor, strata: Factor? = nil, rho: Double = 0,
                timeFix: Bool = true) throws {
        let n = time.count
        guard group.count == n else { throw SurvivalError(.lengthMismatch, "time and group") }
        if let strata, strata.count != n { throw SurvivalError(.lengthMismatch, "time and strata") }
        guard rho.isFinite, rho >= 0 else { throw SurvivalError(.invalidArgument, "rho") }
        let k0 = group.levels.count
        let s0 = strata?.levels.count ?? 1
        var codes = group.codes
        if let strata {
            for i in 0..<n { codes[i] = strata.codes[i] * Int32(k0) + group.codes[i] }
        }
        let tallies = try _tallies(time: time, event: event, codes: codes, groups: k0 * s0, timeFix: timeFix)
        var groupN = [Int](repeating: 0, count: k0), strataN = [Int](repeating: 0, count: s0)
        for s in 0..<s0 { for g in 0..<k0 { groupN[g] += tallies[s * k0 + g].n; strataN[s] += tallies[s * k0 + g].n } }
        let gKeep = (0..<k0).filter { groupN[$0] > 0 }
        let sKeep = (0..<s0).filter { strataN[$0] > 0 }
        guard gKeep.count >= 2 else { throw SurvivalError(.tooFewGroups, "group") }
        var perStratum = [[_Tally]]()
        for s in sKeep { perStratum.append(gKeep.map { tallies[s * k0 + $0] }) }
        self.init(core: _LogRankCore(perStratum: perStratum, rho: rho), rho: rho,
                  groups: gKeep.map { group.levels[$0] }, counts: gKeep.map { groupN[$0] },
                  strata: strata == nil ? [] : sKeep.map { strata!.levels[$0] },
                  strataCounts: strata == nil ? [] : sKeep.map { strataN[$0] })
    }

    /// The test from counts aggregated per stratum, group and distinct time.
    /// - Parameter tables: `tables[stratum][group]` = (strictly increasing distinct times, events, censorings).
    public init(aggregated tables: [[(time: [Double], events: [Int], censored: [Int])]], groups: [String],
                strata: [String] = [], rho: Double = 0) throws {
        guard !tables.isEmpty, tables.allSatisfy({ $0.count == groups.count }) else {
            throw SurvivalError(.lengthMismatch, "tables and groups")
        }
        guard groups.count >= 2 else { throw SurvivalError(.tooFewGroups, "groups") }
        let per = tables.map { row in row.map { _Tally(time: $0.time, events: $0.events, censored: $0.censored) } }
        self.init(core: _LogRankCore(perStratum: per, rho: rho), rho: rho, groups: groups,
                  counts: (0..<groups.count).map { g in per.reduce(0) { $0 + $1[g].n } },
                  strata: strata, strataCounts: per.map { $0.reduce(0) { $0 + $1.n } })
    }

    private init(core o: _LogRankCore, rho: Double, groups: [String], counts: [Int], strata: [String],
                 strataCounts: [Int]) {
        self.groups = groups; self.counts = counts; self.strata = strata; self.strataCounts = strataCounts
        self.rho = rho; observed = o.observed; expected = o.expected
        observedByStratum = o.observedByStratum; expectedByStratum = o.expectedByStratum
        variance = o.variance; test = o.test
    }
}

/// The arithmetic of `survdiff2.c` on strata × groups tallies.
private struct _LogRankCore {
    var observed: [Double], expected: [Double], observedByStratum: [[Double]], expectedByStratum: [[Double]]
    var variance: [Double], test: ChiSquareTest

    init(perStratum: [[_Tally]], rho: Double) {
        let k = perStratum[0].count
        let ns = perStratum.count
        var obsS = [[Double]](repeating: [Double](repeating: 0, count: ns), count: k)
        var expS = obsS
        var v = [Double](repeating: 0, count: k * k)
        for (s, row) in perStratum.enumerated() {
            // pooled distinct times, with per-group events and removals at each
            var idx = [Int](repeating: 0, count: k)
            var times = [Double]()
            var d = [Int](), r = [Int]()       // dense m×k
            while true {
                var tmin = Double.infinity
                for g in 0..<k where idx[g] < row[g].time.count { tmin = Swift.min(tmin, row[g].time[idx[g]]) }
                if tmin == .infinity { break }
                times.append(tmin)
                for g in 0..<k {
                    if idx[g] < row[g].time.count && row[g].time[idx[g]] == tmin {
                        d.append(row[g].events[idx[g]])
                        r.append(row[g].events[idx[g]] + row[g].censored[idx[g]])
                        idx[g] += 1
                    } else {
                        d.append(0); r.append(0)
                    }
                }
            }
            let m = times.count
            var kaplan = [Double](repeating: 1, count: m)
            if rho != 0 {
                var total = row.reduce(0) { $0 + $1.n }
                var km = 1.0
                for j in 0..<m {
                    kaplan[j] = km
                    var deaths = 0, out = 0
                    for g in 0..<k { deaths += d[j * k + g]; out += r[j * k + g] }
                    let nr = Double(total)
                    km = km * (nr - Double(deaths)) / nr
                    total -= out
                }
            }
            var risk = [Double](repeating: 0, count: k)
            for j in stride(from: m - 1, through: 0, by: -1) {
                var wt = rho == 0 ? 1.0 : pow(kaplan[j], rho)
                var deaths = 0.0
                for g in 0..<k {
                    let dj = Double(d[j * k + g])
                    deaths += dj
                    risk[g] += Double(r[j * k + g])
                    obsS[g][s] += dj * wt
                }
                var nrisk = 0.0
                for g in 0..<k { nrisk += risk[g] }
                if deaths > 0 {
                    for g in 0..<k { expS[g][s] += wt * deaths * risk[g] / nrisk }
                    if nrisk == 1 { continue }
                    wt *= wt
                    for a in 0..<k {
                        let tmp = wt * deaths * risk[a] * (nrisk - deaths) / (nrisk * (nrisk - 1))
                        v[a * k + a] += tmp
                        for b in 0..<k { v[a * k + b] -= tmp * risk[b] / nrisk }
                    }
                }
            }
        }
        let o = obsS.map { $0.reduce(0, +) }
        let e = expS.map { $0.reduce(0, +) }
        let keep = (0..<k).filter { e[$0] > 0 }
        var chi = 0.0
        if keep.count >= 2 {
            let sub = Array(keep.dropFirst())
            let diff = sub.map { o[$0] - e[$0] }
            var vv = [Double]()
            for a in sub { for b in sub { vv.append(v[a * k + b]) } }
            chi = _quadraticFormInverse(vv, diff)
        }
        observed = o; expected = e; observedByStratum = obsS; expectedByStratum = expS; variance = v
        test = ChiSquareTest(statistic: chi, degreesOfFreedom: keep.count - 1)
    }
}
