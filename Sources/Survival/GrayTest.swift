#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gray's K-sample test that the cumulative incidence of one cause is the same in every group.
///
/// Gray, R. J. (1988), "A class of K-sample tests for comparing the cumulative incidence of a
/// competing risk", Annals of Statistics 16:1141–1154; computed as R's `cmprsk::cuminc(time, status,
/// group, strata, rho)$Tests` (cmprsk 2.2). The score of group g sums, over the times of an event of
/// the cause, (1 − F̂(t−))^ρ times the group's events minus its expected share, where each group's
/// weight is its at-risk count divided by its own Kaplan–Meier probability of being free of every
/// event, R_g(t) = Y_g(t)·(1 − F̂_g(t−))/Ŝ_g(t−). The variance is Gray's estimate: the score's
/// asymptotic representation, with the terms of the cause (tied-event correction
/// 1 − (d − 1)/(Σ_g Y_g/Ŝ_g − 1)) and of the competing causes (1 − (d_g − 1)/(Y_g − 1)) per group. The
/// statistic sᵀV⁻¹s over the first K − 1 groups is χ² with K − 1 degrees of freedom; with strata, the
/// scores and variances of the strata are summed. Times are compared as they are (cuminc does not
/// merge near-ties).
/// Groups are the levels present in the data, in the factor's order.
public struct GrayTest: Sendable {
    /// The cause whose cumulative incidence is compared.
    public let cause: Int
    /// The groups compared (levels with at least one subject).
    public let groups: [String]
    /// The score of each group but the last.
    public let score: [Double]
    /// The variance of `score`, row-major (K − 1)².
    public let variance: [Double]
    /// sᵀV⁻¹s on K − 1 degrees of freedom; NaN (p NaN) when V is singular (cuminc reports −1 then)
    /// or the pooled incidence reached 1 before the last event.
    public let test: ChiSquareTest

    /// - Parameters:
    ///   - status: 0 for censored, k ≥ 1 for an event of cause k.
    ///   - cause: the cause compared (≥ 1).
    ///   - group: the groups; at least two must have subjects.
    ///   - strata: optional strata (scores and variances summed over them).
    ///   - rho: the power of the weight (1 − F̂(t−))^ρ (cuminc's `rho`, default 0).
    /// - Throws: `SurvivalError` for invalid times or status codes (index named), mismatched lengths,
    ///   fewer than two groups, or a cause < 1.
    public init(time: [Double], status: [Int], group: Factor, cause: Int, strata: Factor? = nil, rho: Double = 0) throws {
        let n = time.count
        guard n > 0 else { throw SurvivalError(.emptyInput, "time") }
        guard status.count == n, group.count == n else { throw SurvivalError(.lengthMismatch, "time, status and group") }
        if let strata, strata.count != n { throw SurvivalError(.lengthMismatch, "time and strata") }
        guard cause >= 1 else { throw SurvivalError(.invalidArgument, "cause must be ≥ 1") }
        guard rho.isFinite else { throw SurvivalError(.invalidArgument, "rho") }
        for i in 0..<n {
            guard time[i].isFinite, time[i] >= 0 else { throw SurvivalError(.invalidTime, "time \(i)") }
            guard status[i] >= 0 else { throw SurvivalError(.invalidValue, "status \(i)") }
        }
        // the groups present, coded 0..<K in level order
        var present = [Int32](repeating: -1, count: group.levels.count)
        for c in group.codes { present[Int(c)] = 0 }
        var names = [String]()
        for l in present.indices where present[l] == 0 { present[l] = Int32(names.count); names.append(group.levels[l]) }
        let k = names.count
        guard k >= 2 else { throw SurvivalError(.tooFewGroups, "group") }
        let g = group.codes.map { Int(present[Int($0)]) }
        // 0 censored, 1 the cause, 2 another cause
        let kind = status.map { $0 == 0 ? 0 : ($0 == cause ? 1 : 2) }

        var s = [Double](repeating: 0, count: k - 1)
        var v = [Double](repeating: 0, count: (k - 1) * (k - 1))
        let nStrata = strata?.levels.count ?? 1
        let order = _timeOrder(time)
        for stratum in 0..<nStrata {
            let rows = order.map(Int.init).filter { strata == nil || Int(strata!.codes[$0]) == stratum }
            if rows.isEmpty { continue }
            _grayStratum(rows: rows, time: time, kind: kind, group: g, groups: k, rho: rho, score: &s, variance: &v)
        }
        self.cause = cause
        groups = names
        score = s
        variance = v
        test = ChiSquareTest(statistic: _quadraticFormInverse(v, s), degreesOfFreedom: k - 1)
    }
}

/// Adds one stratum's score and variance (lower and upper triangles) to `score`, `variance`.
/// `rows` are the stratum's rows in ascending time.
private func _grayStratum(rows: [Int], time: [Double], kind: [Int], group: [Int], groups k: Int, rho: Double,
                          score: inout [Double], variance: inout [Double]) {
    let m = k - 1
    var atRisk = [Double](repeating: 0, count: k)
    for r in rows { atRisk[group[r]] += 1 }
    // per group: cumulative incidence of the cause and event-free Kaplan–Meier, before (…Before) and at t
    var cifBefore = [Double](repeating: 0, count: k), cif = cifBefore
    var kmBefore = [Double](repeating: 1, count: k), km = kmBefore
    var c = [Double](repeating: 0, count: k * k)          // Σ a(t)·dF̂(t)/(1 − F̂(t−)), symmetric
    var a = [Double](repeating: 0, count: k * k)
    var v3 = [Double](repeating: 0, count: k)             // the variance terms of the pooled incidence
    var v2 = [Double](repeating: 0, count: m * k)         // their cross terms with the scores
    var vs = [Double](repeating: 0, count: m * m)         // the scores' own terms (lower triangle used)
    var ss = [Double](repeating: 0, count: m)
    var pooledBefore = 0.0, pooled = 0.0
    var lo = 0
    while lo < rows.count {
        let t = time[rows[lo]]
        var hi = lo
        var d1 = [Double](repeating: 0, count: k), d2 = d1
        while hi < rows.count && time[rows[hi]] == t {
            let r = rows[hi]
            if kind[r] == 1 { d1[group[r]] += 1 } else if kind[r] == 2 { d2[group[r]] += 1 }
            hi += 1
        }
        var n1 = 0.0, n2 = 0.0
        for j in 0..<k { n1 += d1[j]; n2 += d2[j] }
        if n1 > 0 || n2 > 0 {
            var tr = 0.0, tq = 0.0
            for j in 0..<k where atRisk[j] > 0 {
                km[j] = kmBefore[j] * (atRisk[j] - d1[j] - d2[j]) / atRisk[j]
                cif[j] = cifBefore[j] + kmBefore[j] * d1[j] / atRisk[j]
                tr += atRisk[j] / kmBefore[j]
                tq += atRisk[j] * (1 - cifBefore[j]) / kmBefore[j]
            }
            pooled = pooledBefore + n1 / tr
            let fb = rho == 0 ? 1 : pow(1 - pooledBefore, rho)
            let scale = n1 / (tr * (1 - pooledBefore))
            for i in 0..<k {
                for j in i..<k { a[i * k + j] = 0 }
                guard atRisk[i] > 0 else { continue }
                let ti = atRisk[i] / kmBefore[i]
                a[i * k + i] = fb * ti * (1 - ti / tr)
                c[i * k + i] += a[i * k + i] * scale
                for j in (i + 1)..<max(k, i + 1) where atRisk[j] > 0 {
                    a[i * k + j] = -fb * ti * atRisk[j] / (kmBefore[j] * tr)
                    c[i * k + j] += a[i * k + j] * scale
                }
            }
            for i in 1..<k { for j in 0..<i { a[i * k + j] = a[j * k + i]; c[i * k + j] = c[j * k + i] } }
            for i in 0..<m where atRisk[i] > 0 {
                ss[i] += fb * (d1[i] - n1 * atRisk[i] * (1 - cifBefore[i]) / (kmBefore[i] * tq))
            }
            if n1 > 0 {
                for j in 0..<k where atRisk[j] > 0 {
                    let t4 = km[j] > 0 ? 1 - (1 - pooled) / km[j] : 1
                    let ties = n1 > 1 ? 1 - (n1 - 1) / (tr * kmBefore[j] - 1) : 1
                    let t3 = ties * kmBefore[j] * n1 / (tr * atRisk[j])
                    v3[j] += t4 * t4 * t3
                    for i in 0..<m {
                        let t1 = a[i * k + j] - t4 * c[i * k + j]
                        v2[i * k + j] += t1 * t4 * t3
                        for l in 0...i { vs[i * m + l] += t1 * (a[l * k + j] - t4 * c[l * k + j]) * t3 }
                    }
                }
            }
            if n2 > 0 {
                for j in 0..<k where km[j] > 0 && d2[j] > 0 {
                    let t4 = (1 - pooled) / km[j]
                    let ties = d2[j] > 1 ? 1 - (d2[j] - 1) / (atRisk[j] - 1) : 1
                    let t3 = ties * kmBefore[j] * kmBefore[j] * d2[j] / (atRisk[j] * atRisk[j])
                    v3[j] += t4 * t4 * t3
                    for i in 0..<m {
                        let t1 = t4 * c[i * k + j]
                        v2[i * k + j] -= t1 * t4 * t3
                        for l in 0...i { vs[i * m + l] += t1 * t4 * c[l * k + j] * t3 }
                    }
                }
            }
        }
        for x in lo..<hi { atRisk[group[rows[x]]] -= 1 }
        pooledBefore = pooled
        cifBefore = cif
        kmBefore = km
        lo = hi
    }
    for i in 0..<m {
        for l in 0...i {
            var x = vs[i * m + l]
            for j in 0..<k { x += c[i * k + j] * c[l * k + j] * v3[j] + c[i * k + j] * v2[l * k + j] + c[l * k + j] * v2[i * k + j] }
            variance[i * m + l] += x
            if l != i { variance[l * m + i] += x }
        }
        score[i] += ss[i]
    }
}
