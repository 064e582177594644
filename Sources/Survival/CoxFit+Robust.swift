#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The robust (sandwich) variance of a Cox fit, as R's `coxph(..., robust = TRUE)` or `cluster(id)`:
// V·(Σ_c s_c s_cᵀ)·V, where V is the model-based variance and s_c sums w_i·U_i over the rows of
// cluster c, U_i being row i's score residual (R: `residuals(fit, "dfbeta", weighted = TRUE)`
// collapsed by cluster, then `crossprod`). Score residuals follow `coxscore2.c` / `agscore3.c`,
// Breslow or Efron, for right-censored and (start, stop] data. Not API.

/// The hazard pieces of one event time: Σ_k h_k, Σ_k h_k x̄_k, the Efron corrections
/// Σ_k f_k h_k and Σ_k f_k h_k x̄_k for the tied deaths (f_k = k/d), and the deaths' mean x̄.
private struct _EventTerms {
    var time: Double
    var hazard = 0.0, deathHazard = 0.0
    var xHazard: [Double], xDeathHazard: [Double], xbarDeaths: [Double]
}

/// The hazard terms of one event time from the risk-set sums without the deaths (`denom`, `a`)
/// and of the deaths alone (`denom2`, `a2`).
private func _eventTerms(time: Double, ndead: Int, deadwt: Double, efron: Bool, denom: Double, a: [Double],
                         denom2: Double, a2: [Double]) -> _EventTerms {
    let p = a.count
    let zero = [Double](repeating: 0, count: p)
    var e = _EventTerms(time: time, xHazard: zero, xDeathHazard: zero, xbarDeaths: zero)
    let steps = efron ? ndead : 1
    let dn = Double(steps)
    for k in 0..<steps {
        let f = Double(k) / dn
        let dk = denom + (1 - f) * denom2
        let h = deadwt / dn / dk
        e.hazard += h
        e.deathHazard += f * h
        for j in 0..<p {
            let xbar = (a[j] + (1 - f) * a2[j]) / dk
            e.xHazard[j] += h * xbar
            e.xDeathHazard[j] += f * h * xbar
            e.xbarDeaths[j] += xbar / dn
        }
    }
    return e
}

/// The event-time hazard terms per stratum, ascending in time, from one backward sweep over the
/// sorted rows (rows join at their stop time and leave once the time reaches their entry).
/// `risk` is exp(x_i·β); the risk-set sums weight it by the case weights.
private func _eventTermsByStratum(_ d: _CoxData, x: [Double], risk unweighted: [Double], efron: Bool, strata: Int) -> [[_EventTerms]] {
    let n = d.n, p = d.p
    let risk = (0..<n).map { unweighted[$0] * d.weight[$0] }
    var out = [[_EventTerms]](repeating: [], count: strata)
    var denom = 0.0, a = [Double](repeating: 0, count: p), atRisk = 0
    var person = n - 1, leaving = n - 1
    while person >= 0 {
        let s = d.stratum[person]
        if d.lastInStratum[person] != 0 {
            denom = 0; atRisk = 0
            for j in 0..<p { a[j] = 0 }
            if let order = d.entryOrder { while leaving >= 0 && d.stratum[Int(order[leaving])] != s { leaving -= 1 } }
        }
        let t = d.time[person]
        if let entry = d.entry, let order = d.entryOrder {
            while leaving >= 0, case let r = Int(order[leaving]), d.stratum[r] == s, entry[r] >= t {
                atRisk -= 1
                denom -= risk[r]
                for j in 0..<p { a[j] -= risk[r] * x[r * p + j] }
                if atRisk == 0 { denom = 0; for j in 0..<p { a[j] = 0 } }
                leaving -= 1
            }
        }
        var ndead = 0, deadwt = 0.0, denom2 = 0.0
        var a2 = [Double](repeating: 0, count: p)
        while person >= 0 && d.time[person] == t {
            atRisk += 1
            if d.status[person] == 0 {
                denom += risk[person]
                for j in 0..<p { a[j] += risk[person] * x[person * p + j] }
            } else {
                ndead += 1; deadwt += d.weight[person]; denom2 += risk[person]
                for j in 0..<p { a2[j] += risk[person] * x[person * p + j] }
            }
            person -= 1
            if person >= 0 && d.lastInStratum[person] != 0 { break }
        }
        guard ndead > 0 else { continue }
        out[Int(s)].append(_eventTerms(time: t, ndead: ndead, deadwt: deadwt, efron: efron, denom: denom, a: a,
                                       denom2: denom2, a2: a2))
        denom += denom2
        for j in 0..<p { a[j] += a2[j] }
    }
    return out.map { $0.reversed() }
}

/// Running sums of the hazard terms of one stratum: `hazard[k]` and `xHazard[k·p + j]` over event
/// times 0...k.
private struct _CumulativeTerms {
    var time: [Double] = [], hazard: [Double] = [], xHazard: [Double] = []

    init(_ terms: [_EventTerms], p: Int) {
        var h = 0.0, xh = [Double](repeating: 0, count: p)
        for e in terms {
            h += e.hazard
            for j in 0..<p { xh[j] += e.xHazard[j] }
            time.append(e.time); hazard.append(h); xHazard.append(contentsOf: xh)
        }
    }

    /// Index of the last event time ≤ t, or −1.
    func last(atOrBefore t: Double) -> Int { _lastIndex(atOrBefore: t, in: time) }
}

/// Score residuals U_i (row-major n×p, sorted rows) at the fitted β (R: `residuals(fit, "score")`).
/// `x` is sorted and centred; `risk` is exp(x_i·β) without weights.
private func _scoreResiduals(_ d: _CoxData, x: [Double], risk: [Double], efron: Bool, strata: Int) -> [Double] {
    let n = d.n, p = d.p
    let terms = _eventTermsByStratum(d, x: x, risk: risk, efron: efron, strata: strata)
    let cumulative = terms.map { _CumulativeTerms($0, p: p) }
    var u = [Double](repeating: 0, count: n * p)
    for r in 0..<n {
        let s = Int(d.stratum[r]), c = cumulative[s]
        let kStop = c.last(atOrBefore: d.time[r])
        let kEntry = d.entry.map { c.last(atOrBefore: $0[r]) } ?? -1
        let h = (kStop >= 0 ? c.hazard[kStop] : 0) - (kEntry >= 0 ? c.hazard[kEntry] : 0)
        for j in 0..<p {
            let xh = (kStop >= 0 ? c.xHazard[kStop * p + j] : 0) - (kEntry >= 0 ? c.xHazard[kEntry * p + j] : 0)
            u[r * p + j] = -risk[r] * (x[r * p + j] * h - xh)
        }
        guard d.status[r] == 1 else { continue }
        let e = terms[s][kStop]
        for j in 0..<p {
            u[r * p + j] += x[r * p + j] - e.xbarDeaths[j] + risk[r] * (x[r * p + j] * e.deathHazard - e.xDeathHazard[j])
        }
    }
    return u
}

/// The robust variance V·B·V (row-major p×p) with B = Σ_c s_c s_cᵀ, s_c = Σ_{i∈c} w_i U_i.
/// - Parameters:
///   - values: the design in input order (row-major n×p); `beta` with NaN for aliased columns.
///   - cluster: a cluster code per input row, or nil for one cluster per row (R: `robust = TRUE`).
func _robustVariance(_ d: _CoxData, values: [Double], beta: [Double], means: [Double], naive: [Double], efron: Bool,
                     strata: Int, cluster: [Int32]?, clusterCount: Int) -> [Double] {
    let n = d.n, p = d.p
    let b = beta.map { $0.isNaN ? 0 : $0 }
    var x = [Double](repeating: 0, count: n * p), risk = [Double](repeating: 0, count: n)
    for r in 0..<n {
        let i = Int(d.order[r])
        var eta = 0.0
        for j in 0..<p {
            x[r * p + j] = values[i * p + j] - means[j]
            eta += b[j] * x[r * p + j]
        }
        risk[r] = exp(eta)
    }
    let u = _scoreResiduals(d, x: x, risk: risk, efron: efron, strata: strata)
    var sums = [Double](repeating: 0, count: (cluster == nil ? n : clusterCount) * p)
    for r in 0..<n {
        let c = cluster.map { Int($0[Int(d.order[r])]) } ?? r
        for j in 0..<p { sums[c * p + j] += d.weight[r] * u[r * p + j] }
    }
    var meat = [Double](repeating: 0, count: p * p)
    for c in 0..<(sums.count / p) {
        for j in 0..<p { for k in 0..<p { meat[j * p + k] += sums[c * p + j] * sums[c * p + k] } }
    }
    return _sandwich(naive, meat, p: p)
}

/// V·B·V for symmetric p×p row-major matrices.
private func _sandwich(_ v: [Double], _ b: [Double], p: Int) -> [Double] {
    var vb = [Double](repeating: 0, count: p * p), out = vb
    for i in 0..<p { for j in 0..<p { for k in 0..<p { vb[i * p + j] += v[i * p + k] * b[k * p + j] } } }
    for i in 0..<p { for j in 0..<p { for k in 0..<p { out[i * p + j] += vb[i * p + k] * v[k * p + j] } } }
    return out
}
