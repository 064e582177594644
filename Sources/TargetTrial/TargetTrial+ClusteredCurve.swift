import Foundation

/// A weighted Kaplan–Meier curve with delayed entry, its infinitesimal-jackknife standard errors
/// clustered by patient, and the restricted mean to a horizon with each cluster's influence on it.
struct ClusteredCurve {
    var time: [Double]
    var survival: [Double]
    var atRisk: [Double]
    /// se(S(t_k)) = sqrt(Σ_c (Σ_{i ∈ c} w_i ∂S(t_k)/∂w_i)²).
    var standardError: [Double]
    /// ∫₀^τ S (R `survmean` rectangles from 0) and, per cluster code (dense, 0..<clusters: 0 for a
    /// cluster without entries in this arm), Σ_{i ∈ c} w_i ∂RMST/∂w_i.
    var rmst: Double
    var rmstInfluence: [Double]
}

extension TargetTrial {
    /// The product-limit estimate on (entry, stop] data with case weights, and the derivative of each
    /// S(t_k) with respect to each weight: with Y_j, d_j the weighted numbers at risk and dying at t_j,
    /// ∂ log S(t_k)/∂w_i = Σ_{t_j ≤ t_k} [Y_i(t_j) d_j / (Y_j (Y_j − d_j)) − dN_i(t_j) / (Y_j − d_j)]
    /// (0 once S reaches 0). R: `survfit(..., weights = w, id = id, influence = TRUE)`, whose
    /// `influence.surv` these derivatives (times w, summed per id) reproduce.
    ///
    /// With H_k = Σ_{j ≤ k} d_j/(Y_j(Y_j − d_j)), an entry i at risk from index f_i to its stop index l_i
    /// has ∂ log S(t_k)/∂w_i = H_k − H_{f_i − 1} while f_i ≤ k < l_i, and the constant
    /// H_{l_i} − H_{f_i − 1} − δ_i/(Y_{l_i} − d_{l_i}) from l_i on. So a cluster's Σ_{i ∈ c} w_i ∂ log S/∂w_i
    /// is A_c H_k + B_c with A_c, B_c changing only where a member enters or stops, and
    /// Var S(t_k) = S_k² (H_k² Σ_c A_c² + 2 H_k Σ_c A_c B_c + Σ_c B_c²) from three running sums over
    /// the clusters; the RMST influence of an entry is a sum over its two pieces, from prefix sums of
    /// the rectangles. O(n log n + m) time for n entries and m distinct stop times (the direct sum
    /// over clusters at every time is O(n m); `ClusteredCurveTests` checks the two agree).
    /// `cluster`: codes in 0..<`clusters`.
    static func clusteredCurve(entry: [Double], stop: [Double], event: [Bool], weights w: [Double], cluster: [Int],
                               clusters: Int, horizon tau: Double) -> ClusteredCurve {
        let n = stop.count
        // the distinct stop times, ascending, and each entry's index among them (a sort, no hashing)
        let order = stop.indices.sorted { stop[$0] < stop[$1] }
        var times: [Double] = []
        var stopOf = [Int](repeating: 0, count: n)
        for i in order {
            if times.last != stop[i] { times.append(stop[i]) }
            stopOf[i] = times.count - 1
        }
        let m = times.count
        // weighted events at each time and at risk: entry < t ≤ stop
        var d = [Double](repeating: 0, count: m)
        var enterDelta = [Double](repeating: 0, count: m + 1), leaveDelta = [Double](repeating: 0, count: m + 1)
        var firstAtRisk = [Int](repeating: 0, count: n), stopIndex = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let k = stopOf[i]
            stopIndex[i] = k
            if event[i] { d[k] += w[i] }
            // at risk at the times t_j with entry < t_j ≤ stop: j from the first t_j > entry to k
            let first = firstIndex(times, greaterThan: entry[i])
            firstAtRisk[i] = first
            if first <= k { enterDelta[first] += w[i]; leaveDelta[k + 1] += w[i] }
        }
        var y = [Double](repeating: 0, count: m)
        var running = 0.0
        for k in 0..<m { running += enterDelta[k] - leaveDelta[k]; y[k] = running }
        var s = [Double](repeating: 1, count: m)
        var h = [Double](repeating: 0, count: m)   // d/(Y(Y − d)), 0 where S reaches 0
        var jump = [Double](repeating: 0, count: m) // 1/(Y − d)
        var cur = 1.0
        for k in 0..<m {
            if d[k] > 0 {
                if y[k] - d[k] <= 0 { cur = 0 }
                else { cur *= 1 - d[k] / y[k]; h[k] = d[k] / (y[k] * (y[k] - d[k])); jump[k] = 1 / (y[k] - d[k]) }
            }
            s[k] = cur
        }
        var cumH = [Double](repeating: 0, count: m + 1)   // cumH[k + 1] = Σ_{j ≤ k} h_j
        for k in 0..<m { cumH[k + 1] = cumH[k] + h[k] }
        // RMST: rectangles from 0 (S = 1) through the times ≤ τ to τ (R `survmean`)
        var keep = 0
        while keep < m && times[keep] <= tau { keep += 1 }
        var rmst = keep > 0 ? times[0] : tau
        var widths = [Double](repeating: 0, count: keep)
        for k in 0..<keep {
            widths[k] = (k + 1 < keep ? times[k + 1] : tau) - times[k]
            rmst += widths[k] * s[k]
        }
        let pieces = _ClusterPieces(firstAtRisk: firstAtRisk, stopIndex: stopIndex, event: event, weights: w, cluster: cluster,
                                    times: m, cumH: cumH, jump: jump)
        let standardError = pieces.standardErrors(survival: s, cumH: cumH)
        let rmstInfluence = pieces.rmstInfluence(survival: s, widths: widths, cumH: cumH, clusters: clusters)
        return ClusteredCurve(time: times, survival: s, atRisk: y, standardError: standardError, rmst: rmst,
                              rmstInfluence: rmstInfluence)
    }

    /// The first index whose time is > x (binary search on ascending times).
    static func firstIndex(_ times: [Double], greaterThan x: Double) -> Int {
        var lo = 0, hi = times.count
        while lo < hi { let mid = (lo + hi) / 2; if times[mid] > x { hi = mid } else { lo = mid + 1 } }
        return lo
    }
}

/// The entries of one arm as pieces of their clusters' influence (see `TargetTrial.clusteredCurve`):
/// entry i contributes w_i (H_k − H_{f_i − 1}) while f_i ≤ k < l_i (piece 1) and w_i D_i from
/// max(f_i, l_i) on (piece 2). Not API.
struct _ClusterPieces {
    let m: Int
    let first: [Int], last: [Int]
    let weights: [Double]
    /// Each entry's constant of piece 2.
    let final: [Double]
    /// Clusters in ascending code order, each with its entries (in input order).
    let codes: [Int]
    let members: [[Int]]
    let clusterOf: [Int]

    init(firstAtRisk: [Int], stopIndex: [Int], event: [Bool], weights w: [Double], cluster: [Int], times m: Int,
         cumH: [Double], jump: [Double]) {
        let n = w.count
        self.m = m
        first = firstAtRisk; last = stopIndex; weights = w
        var fin = [Double](repeating: 0, count: n)
        for i in 0..<n where firstAtRisk[i] < m {
            let f = firstAtRisk[i], l = stopIndex[i]
            let atRisk: Double = l >= f ? cumH[l + 1] - cumH[f] : 0
            fin[i] = event[i] ? atRisk - jump[l] : atRisk
        }
        final = fin
        // the codes present, ascending, and each one's local index (codes are small non-negative integers)
        var local = [Int](repeating: -1, count: (cluster.max() ?? -1) + 1)
        for c in cluster { local[c] = 0 }
        codes = local.indices.filter { local[$0] == 0 }
        for (j, c) in codes.enumerated() { local[c] = j }
        var members = [[Int]](repeating: [], count: codes.count)
        var clusterOf = [Int](repeating: 0, count: n)
        for i in 0..<n { let j = local[cluster[i]]; clusterOf[i] = j; members[j].append(i) }
        self.members = members
        self.clusterOf = clusterOf
    }

    /// se(S(t_k)) = S_k sqrt(Σ_c (A_c H_k + B_c)²) at every k, from running sums over the clusters
    /// updated where a member changes piece (compensated sums; a negative rounding residue is 0).
    func standardErrors(survival s: [Double], cumH: [Double]) -> [Double] {
        let n = weights.count
        // the changes of piece, bucketed by time index: (entry, piece) with piece 1 or 2
        var count = [Int](repeating: 0, count: m + 1)
        for i in 0..<n where first[i] < m {
            if first[i] < last[i] { count[first[i] + 1] += 1 }
            count[max(first[i], last[i]) + 1] += 1
        }
        for k in 0..<m { count[k + 1] += count[k] }
        var changes = [(entry: Int32, piece: Int8)](repeating: (0, 0), count: count[m])
        var fill = count
        for i in 0..<n where first[i] < m {
            if first[i] < last[i] { changes[fill[first[i]]] = (Int32(i), 1); fill[first[i]] += 1 }
            let b = max(first[i], last[i])
            changes[fill[b]] = (Int32(i), 2); fill[b] += 1
        }
        var piece = [Int8](repeating: 0, count: n)
        var a = [Double](repeating: 0, count: members.count), b = [Double](repeating: 0, count: members.count)
        var aa = _CompensatedSum(), ab = _CompensatedSum(), bb = _CompensatedSum()
        var se = [Double](repeating: 0, count: m)
        for k in 0..<m {
            for c in count[k]..<count[k + 1] {
                let (i, p) = (Int(changes[c].entry), changes[c].piece)
                let j = clusterOf[i]
                aa.add(-a[j] * a[j]); ab.add(-a[j] * b[j]); bb.add(-b[j] * b[j])
                piece[i] = p
                var sa = 0.0, sb = 0.0
                for r in members[j] {
                    switch piece[r] {
                    case 1: sa += weights[r]; sb -= weights[r] * cumH[first[r]]
                    case 2: sb += weights[r] * final[r]
                    default: break
                    }
                }
                a[j] = sa; b[j] = sb
                aa.add(sa * sa); ab.add(sa * sb); bb.add(sb * sb)
            }
            guard s[k] > 0 else { continue }
            let hk = cumH[k + 1]
            let q = hk * hk * aa.value + 2 * hk * ab.value + bb.value
            se[k] = s[k] * max(0, q).squareRoot()
        }
        return se
    }

    /// Each cluster's Σ_{i ∈ c} w_i ∂RMST/∂w_i = Σ_i w_i Σ_{k < keep} width_k S_k ∂ log S(t_k)/∂w_i, each
    /// entry's two pieces from prefix sums of width_k S_k and width_k S_k H_k.
    func rmstInfluence(survival s: [Double], widths: [Double], cumH: [Double], clusters: Int) -> [Double] {
        let keep = widths.count
        var pw = [Double](repeating: 0, count: keep + 1), pwh = [Double](repeating: 0, count: keep + 1)
        for k in 0..<keep {
            let ws = widths[k] * s[k]
            pw[k + 1] = pw[k] + ws
            pwh[k + 1] = pwh[k] + ws * cumH[k + 1]
        }
        var out = [Double](repeating: 0, count: clusters)
        for (j, rows) in members.enumerated() {
            var r = 0.0
            for i in rows where first[i] < keep {
                let f = first[i], l = last[i]
                var v = 0.0
                let e = min(l, keep)
                if f < e { v += (pwh[e] - pwh[f]) - cumH[f] * (pw[e] - pw[f]) }
                let b = max(f, l)
                if b < keep { v += final[i] * (pw[keep] - pw[b]) }
                r += weights[i] * v
            }
            out[codes[j]] = r
        }
        return out
    }
}

/// Neumaier's compensated sum: running sums with additions and removals stay accurate to a few ulps
/// of the largest term.
struct _CompensatedSum {
    private var sum = 0.0, compensation = 0.0
    var value: Double { sum + compensation }
    mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }
}
