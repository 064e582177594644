#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The Cox partial likelihood on counting-process data (start, stop], as R survival's `agfit4.c`:
// a row is at risk at an event time t when start < t ≤ stop. One pass backwards in time per
// iteration: rows join the risk set at their stop time and leave it once t reaches their start,
// so the cost stays O(n p²) per iteration. The Breslow/Efron step at each event time is the one
// right-censored data use (`_addTiedDeaths`). Not API.

/// Adds (sign +1) or removes (sign −1) one row's risk-weighted x and x xᵀ (lower triangle).
@inline(__always)
private func _accumulate(_ xr: UnsafePointer<Double>, risk: Double, sign: Double, p: Int, denom: inout Double,
                         a: UnsafeMutablePointer<Double>, cmat: UnsafeMutablePointer<Double>) {
    let r = sign * risk
    denom += r
    for i in 0..<p {
        let rx = r * xr[i]
        a[i] += rx
        let row = cmat + (i &* p)
        for j in 0...i { row[j] += rx * xr[j] }
    }
}

/// The buffers of one counting-process likelihood evaluation.
private struct _AGBuffers {
    let x, stop, entry, weight: UnsafePointer<Double>
    let status, lastInStratum: UnsafePointer<UInt8>
    let stratum, entryOrder: UnsafePointer<Int32>
}

/// One evaluation of ℓ(β), its score `u` and information (upper triangle of `imat`) on sorted
/// counting-process data, in the centred and scaled coordinates (R: `agfit4.c`, one iteration).
@inline(never)
private func _agIteration(_ d: _AGBuffers, n: Int, p: Int, efron: Bool, beta: UnsafePointer<Double>,
                          u: UnsafeMutablePointer<Double>, imat: UnsafeMutablePointer<Double>,
                          work: UnsafeMutablePointer<Double>) -> Double {
    let a = work, a2 = work + p, cmat = work + 2 * p, cmat2 = work + 2 * p + p * p
    func risk(_ r: Int) -> Double {
        let xr = d.x + (r &* p)
        var zbeta = 0.0
        for i in 0..<p { zbeta += beta[i] * xr[i] }
        return exp(zbeta) * d.weight[r]
    }
    func resetRiskSet(_ denom: inout Double) {
        denom = 0
        for i in 0..<p { a[i] = 0 }
        for i in 0..<(p * p) { cmat[i] = 0 }
    }
    for i in 0..<p { u[i] = 0; a2[i] = 0 }
    for i in 0..<(p * p) { imat[i] = 0; cmat2[i] = 0 }
    var loglik = 0.0, denom = 0.0
    var atRisk = 0
    var person = n - 1, leaving = n - 1
    while person >= 0 {
        let s = d.stratum[person]
        if d.lastInStratum[person] != 0 {
            resetRiskSet(&denom)
            atRisk = 0
            while leaving >= 0 && d.stratum[Int(d.entryOrder[leaving])] != s { leaving -= 1 }
        }
        let dtime = d.stop[person]
        // rows whose interval starts at or after dtime are no longer at risk
        while leaving >= 0 {
            let r = Int(d.entryOrder[leaving])
            guard d.stratum[r] == s && d.entry[r] >= dtime else { break }
            atRisk -= 1
            if atRisk == 0 { resetRiskSet(&denom) } else {
                _accumulate(d.x + (r &* p), risk: risk(r), sign: -1, p: p, denom: &denom, a: a, cmat: cmat)
            }
            leaving -= 1
        }
        // rows whose interval ends at dtime: censorings join the risk set, deaths the tied-death sums
        var ndead = 0
        var deadwt = 0.0, denom2 = 0.0
        while person >= 0 && d.stop[person] == dtime {
            let xr = d.x + (person &* p)
            let rk = risk(person)
            atRisk += 1
            if d.status[person] == 0 {
                _accumulate(xr, risk: rk, sign: 1, p: p, denom: &denom, a: a, cmat: cmat)
            } else {
                let w = d.weight[person]
                ndead += 1
                deadwt += w
                var zbeta = 0.0
                for i in 0..<p { zbeta += beta[i] * xr[i]; u[i] += w * xr[i] }
                loglik += w * zbeta
                _accumulate(xr, risk: rk, sign: 1, p: p, denom: &denom2, a: a2, cmat: cmat2)
            }
            person -= 1
            if person >= 0 && d.lastInStratum[person] != 0 { break }
        }
        if ndead > 0 {
            loglik -= _addTiedDeaths(p: p, ndead: ndead, deadwt: deadwt, efron: efron, denom: &denom, denom2: denom2,
                                     a: a, a2: a2, cmat: cmat, cmat2: cmat2, u: u, imat: imat)
        }
    }
    return loglik
}

/// `_agIteration` on the arrays of a fit: `x` sorted like `d`, centred and scaled.
func _agEvaluate(_ d: _CoxData, x: [Double], efron: Bool, beta: [Double], u: inout [Double], imat: inout [Double],
                 work: inout [Double]) -> Double {
    let entry = d.entry!, entryOrder = d.entryOrder!
    return x.withUnsafeBufferPointer { xb in
        d.time.withUnsafeBufferPointer { tb in
            entry.withUnsafeBufferPointer { eb in
                d.weight.withUnsafeBufferPointer { wb in
                    d.status.withUnsafeBufferPointer { sb in
                        d.lastInStratum.withUnsafeBufferPointer { lb in
                            d.stratum.withUnsafeBufferPointer { kb in
                                entryOrder.withUnsafeBufferPointer { ob in
                                    let buffers = _AGBuffers(x: xb.baseAddress!, stop: tb.baseAddress!, entry: eb.baseAddress!,
                                                             weight: wb.baseAddress!, status: sb.baseAddress!,
                                                             lastInStratum: lb.baseAddress!, stratum: kb.baseAddress!,
                                                             entryOrder: ob.baseAddress!)
                                    return _agIteration(buffers, n: d.n, p: d.p, efron: efron, beta: beta, u: &u,
                                                        imat: &imat, work: &work)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Entry times of counting-process data after R's `aeqSurv` on start and stop together.
/// - Throws: `SurvivalError.invalidTime` for an entry that is not finite or ≥ 0, or not before its
///   stop time (R: "stop time must be > start time").
func _countingProcessTimes(entry: [Double], time: [Double], timeFix: Bool) throws -> (entry: [Double], time: [Double]) {
    let n = time.count
    guard entry.count == n else { throw SurvivalError(.lengthMismatch, "entry and time") }
    for i in 0..<n where !(entry[i].isFinite && entry[i] >= 0 && entry[i] < time[i]) {
        throw SurvivalError(.invalidTime, "entry \(i)")
    }
    guard timeFix else { return (entry, time) }
    let both = _timeFix(entry + time)
    let e = Array(both[0..<n]), t = Array(both[n...])
    for i in 0..<n where !(e[i] < t[i]) { throw SurvivalError(.invalidTime, "entry \(i)") }
    return (e, t)
}

/// Sorted-row indices ordered by stratum, then entry time.
func _entryOrder(sortedEntry: [Double], stratum: [Int32], strata: Int) -> [Int32] {
    let byEntry = _timeOrder(sortedEntry)
    return strata > 1 ? _stableOrder(byEntry, byCode: stratum, levels: strata) : byEntry
}
