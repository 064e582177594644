#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The test of proportional hazards: per term and globally, does a coefficient vary with a
/// function g(t) of time?
///
/// R: `cox.zph(fit, transform = , terms = TRUE)` (survival ≥ 3.0, `zph1.c`): the exact score test for
/// adding x·g(t) to the model at the fitted β, using the full 2p×2p information matrix (Efron or
/// Breslow as the fit). g is centred at its mean over events. A categorical term is one row with
/// df = number of levels − 1. (start, stop] fits as R's `zph2.c` (see `_zphCounting`); case weights
/// enter the score and the information, a cluster does not (R uses the model-based information). Versions of survival before 3.0 (and lifelines) use an approximation
/// that differs noticeably.
public struct ProportionalHazardsTest: Sendable {
    /// The time scale g(t) (R: `transform`).
    public enum Transform: String, Sendable, CaseIterable, Codable {
        /// 1 − S(t−) from the Kaplan–Meier of all observations (R's default).
        case km
        case identity
        /// Average ranks of the follow-up times.
        case rank
        case log
    }

    /// One row of R's `cox.zph(fit)$table`.
    public struct Row: Sendable, Hashable {
        public let name: String
        public let chiSquare: Double
        public let degreesOfFreedom: Int
        public let pValue: Double
    }

    public let transform: Transform
    /// One row per term with an estimable coefficient.
    public let terms: [Row]
    /// The joint test of all terms (R: `GLOBAL`).
    public let global: Row
}

extension CoxFit {
    /// Tests proportional hazards for each term and globally (R: `cox.zph(fit, transform)`).
    /// - Throws: `SurvivalError.invalidArgument` when the fit has no events or no estimable coefficient.
    /// - Complexity: O(*n p²*) plus one sort.
    public func proportionalHazardsTest(transform: ProportionalHazardsTest.Transform = .km) throws -> ProportionalHazardsTest {
        guard eventCount > 0 else { throw SurvivalError(.invalidArgument, "no events") }
        let n = self.n, pAll = columnNames.count
        let keep = (0..<pAll).filter { !coefficients[$0].isNaN }
        guard !keep.isEmpty else { throw SurvivalError(.invalidArgument, "no estimable coefficient") }
        let p = keep.count
        // terms over kept columns
        var termCols = [(String, [Int])]()
        for t in terms {
            let cols = t.columns.compactMap { keep.firstIndex(of: $0) }
            if !cols.isEmpty { termCols.append((t.name, cols)) }
        }
        // per input row: fixed time, status, weight, stratum
        var time = [Double](repeating: 0, count: n), status = [Bool](repeating: false, count: n)
        var weight = [Double](repeating: 1, count: n), stratum = [Int32](repeating: 0, count: n)
        var entry: [Double]? = data.entry == nil ? nil : [Double](repeating: 0, count: n)
        for r in 0..<n {
            let i = Int(data.order[r])
            time[i] = data.time[r]; status[i] = data.status[r] == 1
            weight[i] = data.weight[r]; stratum[i] = data.stratum[r]
            if let e = data.entry { entry![i] = e[r] }
        }
        // g(t), centred at its mean over events
        let g = try _zphTimeScale(transform, time: time, status: status, entry: entry)
        // X (kept columns), recentred by column means
        var x = [Double](repeating: 0, count: n * p)
        for i in 0..<n { for (k, j) in keep.enumerated() { x[i * p + k] = design.values[i * pAll + j] } }
        for k in 0..<p {
            var m = 0.0
            for i in 0..<n { m += x[i * p + k] }
            m /= Double(n)
            for i in 0..<n { x[i * p + k] -= m }
        }
        let efron = options.ties == .efron
        let q = 2 * p
        let (u, imat) = entry.map {
            _zphCounting(entry: $0, time: time, status: status, weight: weight, stratum: stratum, g: g,
                         eta: linearPredictors, x: x, p: p, efron: efron)
        } ?? _zphRightCensored(time: time, status: status, weight: weight, stratum: stratum, strata: strataLevels.count,
                               g: g, eta: linearPredictors, x: x, p: p, efron: efron)

        func test(_ extra: [Int]) -> Double {
            let kk = Array(0..<p) + extra.map { $0 + p }
            var sub = [Double]()
            sub.reserveCapacity(kk.count * kk.count)
            for r in kk { for c in kk { sub.append(imat[r * q + c]) } }
            let uu = [Double](repeating: 0, count: p) + extra.map { u[$0 + p] }
            return _quadraticFormInverse(sub, uu)
        }
        let rows = termCols.map { name, cols -> ProportionalHazardsTest.Row in
            let chi = test(cols)
            return .init(name: name, chiSquare: chi, degreesOfFreedom: cols.count,
                         pValue: ChiSquared.upperTail(chi, degreesOfFreedom: Double(cols.count)))
        }
        let gchi = test(Array(0..<p))
        return ProportionalHazardsTest(transform: transform, terms: rows,
                                       global: .init(name: "GLOBAL", chiSquare: gchi, degreesOfFreedom: p,
                                                     pValue: ChiSquared.upperTail(gchi, degreesOfFreedom: Double(p))))
    }
}

/// The PH test's time scale g(t) per input row (R `cox.zph`'s `transform`), centred at its mean over
/// events; `entry` for (start, stop] fits (the KM transform then uses delayed entry).
func _zphTimeScale(_ transform: ProportionalHazardsTest.Transform, time: [Double], status: [Bool],
                   entry: [Double]?) throws -> [Double] {
    let n = time.count
    var g: [Double]
    switch transform {
    case .identity: g = time
    case .log: g = time.map { _naturalLog($0) }
    case .rank: g = _averageRanks(time)
    case .km where entry != nil:
        g = _kmTransformCounting(entry: entry!, time: time, status: status)
    case .km:
        let tally = try _tallies(time: time, event: status, codes: nil, groups: 1, timeFix: false)[0]
        var surv = [Double](repeating: 1, count: tally.time.count)
        var km = 1.0, nrisk = tally.n
        for j in tally.time.indices {
            let d = Double(tally.events[j]), r = Double(nrisk)
            if tally.events[j] > 0 { km *= (r - d) / r }
            surv[j] = km
            nrisk -= tally.events[j] + tally.censored[j]
        }
        g = time.map { t in
            let k = _countBefore(t, in: tally.time)
            return 1 - (k == 0 ? 1 : surv[k - 1])
        }
    }
    var gmean = 0.0, ne = 0.0
    for i in 0..<n where status[i] { gmean += g[i]; ne += 1 }
    gmean /= ne
    for i in 0..<n { g[i] -= gmean }
    return g
}

/// `u` (length 2p) and the 2p×2p information matrix (row-major) of the PH score test on right-censored
/// rows: R's `zph1.c` loop, kept as one function so that it can be read against the C source line by line
/// (the same variable names: `a`, `a2`, `cmat`, `cmat2`, `denom`, `denom2`; Breslow, or Efron's partial
/// risk sets in closed form). Per input row: `time`, `status`, `weight`, `stratum` (of `strata` levels, 0
/// when unstratified), `g` (centred time transform), `eta` (linear predictor); `x` row-major n×p, centred.
func _zphRightCensored(time: [Double], status: [Bool], weight: [Double], stratum: [Int32], strata: Int, g: [Double],
                       eta linearPredictors: [Double], x: [Double], p: Int, efron: Bool) -> (u: [Double], imat: [Double]) {
    let n = time.count, q = 2 * p
    var order = _timeOrder(time)
    if strata > 0 { order = _stableOrder(order, byCode: stratum, levels: strata) }
    var u = [Double](repeating: 0, count: q)
    var imat = [Double](repeating: 0, count: q * q)
    var a = [Double](repeating: 0, count: p), a2 = a
    var cmat = [Double](repeating: 0, count: p * p), cmat2 = cmat
    var ip = n - 1
    var cstrat: Int32 = -1
    var denom = 0.0
    while ip >= 0 {
        var person = Int(order[ip])
        if stratum[person] != cstrat {
            cstrat = stratum[person]
            denom = 0
            for k in 0..<p { a[k] = 0 }
            for k in 0..<(p * p) { cmat[k] = 0 }
        }
        let dtime = time[person]
        let timewt = g[person]
        var ndead = 0
        var deadwt = 0.0, denom2 = 0.0
        while ip >= 0 {
            person = Int(order[ip])
            if time[person] != dtime || stratum[person] != cstrat { break }
            let risk = exp(linearPredictors[person]) * weight[person]
            if !status[person] {
                denom += risk
                for k in 0..<p {
                    let xk = x[person * p + k]
                    a[k] += risk * xk
                    for l in 0...k { cmat[k * p + l] += risk * xk * x[person * p + l] }
                }
            } else {
                ndead += 1
                deadwt += weight[person]
                denom2 += risk
                for k in 0..<p {
                    let xk = x[person * p + k]
                    u[k] += weight[person] * xk
                    u[k + p] += timewt * weight[person] * xk
                    a2[k] += risk * xk
                    for l in 0...k { cmat2[k * p + l] += risk * xk * x[person * p + l] }
                }
            }
            ip -= 1
        }
        guard ndead > 0 else { continue }
        func add(_ wt: Double) {
            for k in 0..<p {
                let temp2 = a[k] / denom
                u[k] -= wt * temp2
                u[k + p] -= timewt * wt * temp2
                for l in 0...k {
                    let temp = wt * (cmat[k * p + l] - temp2 * a[l]) / denom
                    imat[l * q + k] += temp
                    imat[l * q + k + p] += temp * timewt
                    imat[(l + p) * q + k + p] += temp * timewt * timewt
                }
            }
        }
        if !efron {
            denom += denom2
            for k in 0..<p {
                a[k] += a2[k]
                for l in 0...k { cmat[k * p + l] += cmat2[k * p + l] }
            }
            add(deadwt)
        } else {
            // Efron's d partial risk sets in closed form (see _coxIteration)
            let dn = Double(ndead)
            let wtave = deadwt / dn
            var s1 = 0.0, sf = 0.0, s2 = 0.0, sf2 = 0.0, sff2 = 0.0
            for k in 1...ndead {
                let f = Double(k) / dn
                let inv = 1 / (denom + f * denom2), inv2 = inv * inv
                s1 += inv; sf += f * inv
                s2 += inv2; sf2 += f * inv2; sff2 += f * f * inv2
            }
            for k in 0..<p {
                let ak = a[k], a2k = a2[k]
                let mean = wtave * (ak * s1 + a2k * sf)
                u[k] -= mean
                u[k + p] -= timewt * mean
                for l in 0...k {
                    let cross = ak * a[l] * s2 + (ak * a2[l] + a2k * a[l]) * sf2 + a2k * a2[l] * sff2
                    let temp = wtave * (cmat[k * p + l] * s1 + cmat2[k * p + l] * sf - cross)
                    imat[l * q + k] += temp
                    imat[l * q + k + p] += temp * timewt
                    imat[(l + p) * q + k + p] += temp * timewt * timewt
                }
            }
            denom += denom2
            for k in 0..<p {
                a[k] += a2[k]
                for l in 0...k { cmat[k * p + l] += cmat2[k * p + l] }
            }
        }
        for k in 0..<p { a2[k] = 0 }
        for k in 0..<(p * p) { cmat2[k] = 0 }
    }
    _zphSymmetricFill(&imat, p: p)   // zph1.c
    return (u, imat)
}

/// Fills the 2p×2p information matrix of the PH test from the triangles the loops of `zph1.c` and
/// `zph2.c` accumulate (the upper triangle of each p×p block, and the upper-right block).
func _zphSymmetricFill(_ imat: inout [Double], p: Int) {
    let q = 2 * p
    for k in 0..<p {
        for l in 0..<k {
            imat[k * q + l] = imat[l * q + k]
            imat[k * q + l + p] = imat[l * q + k + p]
            imat[(k + p) * q + l + p] = imat[(l + p) * q + k + p]
        }
    }
    for k in 0..<p { for l in 0..<p { imat[(k + p) * q + l] = imat[l * q + k + p] } }
}

@inline(__always) private func _naturalLog(_ x: Double) -> Double { log(x) }

/// Average ranks, 1-based (R: `rank(x)` with ties.method = "average").
func _averageRanks(_ x: [Double]) -> [Double] {
    let order = _timeOrder(x)
    var r = [Double](repeating: 0, count: x.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && x[Int(order[j + 1])] == x[Int(order[i])] { j += 1 }
        let avg = Double(i + j + 2) / 2
        for k in i...j { r[Int(order[k])] = avg }
        i = j + 1
    }
    return r
}
