#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The score and information of the proportional-hazards test on (start, stop] rows, as R's `zph2.c`
// (survival ≥ 3.0, the first iteration of `agfit4.c`): death times are taken in decreasing order within
// each stratum; before each, the rows whose start is ≥ that time leave the risk set, and the rows whose
// stop is ≥ it join it (a death row with its death time, any other row only if its start is earlier).
// Case weights multiply each row's risk and its score term, as R; a cluster plays no part (R's
// `cox.zph` uses the model-based information). Not API.

/// `u` (length 2p) and the 2p×2p information matrix (row-major) of the PH score test.
/// - Parameters: per input row: `entry`, `time` (stop), `status`, `weight`, `stratum`, `g` (the
///   centred time transform at the row's stop), `eta` (linear predictor); `x` row-major n×p, centred.
/// Longer than 120 lines on purpose: `zph2.c`'s loop kept in one piece, to be read against the C source.
func _zphCounting(entry: [Double], time: [Double], status: [Bool], weight: [Double], stratum: [Int32], g: [Double],
                  eta: [Double], x: [Double], p: Int, efron: Bool) -> (u: [Double], imat: [Double]) {
    let n = time.count, q = 2 * p
    // R: sort2 = order(-istrat, -stop), sort1 = order(-istrat, -start) (ties by input order)
    let topStratum = stratum.max() ?? 0
    let reversedStratum = stratum.map { topStratum - $0 }
    func descending(by key: [Double]) -> [Int] {
        let order = _timeOrder(key.map { -$0 })   // stable: ties in input order
        return _stableOrder(order, byCode: reversedStratum, levels: Int(topStratum) + 1).map { Int($0) }
    }
    let sort2: [Int] = descending(by: time), sort1: [Int] = descending(by: entry)
    var u = [Double](repeating: 0, count: q), imat = [Double](repeating: 0, count: q * q)
    var a = [Double](repeating: 0, count: p), a2 = a
    var cmat = [Double](repeating: 0, count: p * p), cmat2 = cmat
    var kept = [Bool](repeating: false, count: n)
    var person = 0, indx1 = 0, nrisk = 0
    var denom = 0.0
    var cstrat = Int32.min
    func reset() {
        denom = 0
        for k in 0..<p { a[k] = 0 }
        for k in 0..<(p * p) { cmat[k] = 0 }
    }
    while person < n {
        // the next death time
        var k = person, dtime = 0.0, timewt = 0.0, found = false
        while k < n {
            let r = sort2[k]
            if stratum[r] != cstrat {
                cstrat = stratum[r]
                reset(); nrisk = 0
                person = k; indx1 = k
            }
            if status[r] { dtime = time[r]; timewt = g[r]; found = true; break }
            k += 1
        }
        guard found else { break }
        // rows whose start is at or after the death time leave
        while indx1 < n {
            let r = sort1[indx1]
            if stratum[r] != cstrat || entry[r] < dtime { break }
            indx1 += 1
            guard kept[r] else { continue }
            nrisk -= 1
            if nrisk == 0 { reset(); continue }
            let risk: Double = exp(eta[r]) * weight[r]
            denom -= risk
            for i in 0..<p {
                let xi = x[r * p + i]
                a[i] -= risk * xi
                for j in 0...i { cmat[i * p + j] -= risk * xi * x[r * p + j] }
            }
        }
        // rows whose stop is at or after it join; the deaths at it apart
        var denom2 = 0.0, meanwt = 0.0, ndead = 0
        for k in 0..<p { a2[k] = 0 }
        for k in 0..<(p * p) { cmat2[k] = 0 }
        while person < n {
            let r = sort2[person]
            if stratum[r] != cstrat || time[r] < dtime { break }
            person += 1
            nrisk += 1
            let risk: Double = exp(eta[r]) * weight[r]
            if status[r] {
                kept[r] = true
                ndead += 1
                denom2 += risk
                meanwt += weight[r]
                for i in 0..<p {
                    let xi = x[r * p + i]
                    u[i] += weight[r] * xi
                    u[i + p] += weight[r] * xi * timewt
                    a2[i] += risk * xi
                    for j in 0...i { cmat2[i * p + j] += risk * xi * x[r * p + j] }
                }
            } else if entry[r] < dtime {
                kept[r] = true
                denom += risk
                for i in 0..<p {
                    let xi = x[r * p + i]
                    a[i] += risk * xi
                    for j in 0...i { cmat[i * p + j] += risk * xi * x[r * p + j] }
                }
            }
        }
        // Breslow, or Efron's ndead partial risk sets one after the other (R's loop)
        let steps = efron && ndead > 1 ? ndead : 1
        let fraction = Double(steps)
        if steps > 1 { meanwt /= Double(ndead) }
        for _ in 0..<steps {
            denom += denom2 / fraction
            for i in 0..<p { a[i] += a2[i] / fraction }
            for i in 0..<p {
                let mean = a[i] / denom
                u[i] -= meanwt * mean
                u[i + p] -= meanwt * mean * timewt
                for j in 0...i {
                    cmat[i * p + j] += cmat2[i * p + j] / fraction
                    let t2 = meanwt * ((cmat[i * p + j] - mean * a[j]) / denom)
                    imat[j * q + i] += t2
                    imat[j * q + i + p] += t2 * timewt
                    imat[(j + p) * q + i + p] += t2 * timewt * timewt
                }
            }
        }
    }
    _zphSymmetricFill(&imat, p: p)   // the symmetric rest (zph2.c)
    return (u, imat)
}

/// 1 − S(t−) at each row's stop time, S the unweighted Kaplan–Meier curve of (start, stop] rows (R
/// `cox.zph(transform = "km")` on counting-process data: `survfitKM` of the fit's `y`).
func _kmTransformCounting(entry: [Double], time: [Double], status: [Bool]) -> [Double] {
    let n = time.count
    let times = Array(Set(time)).sorted()
    let m = times.count
    var deaths = [Double](repeating: 0, count: m), enter = [Double](repeating: 0, count: m + 1), leave = enter
    var stopIndex = [Int](repeating: 0, count: n)
    for i in 0..<n {
        let k = _countBefore(time[i], in: times)
        stopIndex[i] = k
        if status[i] { deaths[k] += 1 }
        // at risk at times[j] with entry < times[j] ≤ stop
        var lo = 0, hi = m
        while lo < hi { let mid = (lo + hi) / 2; if times[mid] > entry[i] { hi = mid } else { lo = mid + 1 } }
        if lo <= k { enter[lo] += 1; leave[k + 1] += 1 }
    }
    var before = [Double](repeating: 1, count: m)   // S(times[k]−)
    var s = 1.0, atRisk = 0.0
    for k in 0..<m {
        atRisk += enter[k] - leave[k]
        before[k] = s
        if deaths[k] > 0 { s *= (atRisk - deaths[k]) / atRisk }
    }
    return (0..<n).map { 1 - before[stopIndex[$0]] }
}
