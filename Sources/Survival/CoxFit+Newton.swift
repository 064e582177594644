#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Newton–Raphson for the Cox partial likelihood with Breslow or Efron ties, as R survival's
// `coxfit6.c`: covariates centred and scaled once, one pass backwards in time per iteration
// (risk-set sums grow as the pass goes), step-halving when the log-likelihood drops, convergence
// when |1 − ℓ_old/ℓ_new| ≤ eps. Not API.

/// Result of a Newton–Raphson run, on the original covariate scale.
struct _NewtonResult {
    var beta: [Double]
    var u: [Double]                 // score at the final beta
    var imat: [Double]              // inverse information (variance), p×p, full
    var loglikInitial: Double
    var loglikFinal: Double
    var scoreTest: Double
    var iterations: Int
    var flag: Int                   // rank, or 1000 when iterations ran out
    var halvedAtEnd: Bool
    var means: [Double]
}

/// One evaluation of ℓ(β), its score u and information (upper triangle of `imat`), all in the
/// centred and scaled coordinates. `x` is row-major n×p sorted by stratum, then time.
@inline(never)
func _coxIteration(n: Int, p: Int, x: UnsafePointer<Double>, time: UnsafePointer<Double>,
                   status: UnsafePointer<UInt8>, weight: UnsafePointer<Double>,
                   lastInStratum: UnsafePointer<UInt8>, efron: Bool, beta: UnsafePointer<Double>,
                   u: UnsafeMutablePointer<Double>, imat: UnsafeMutablePointer<Double>,
                   work: UnsafeMutablePointer<Double>) -> Double {
    let a = work, a2 = work + p, cmat = work + 2 * p, cmat2 = work + 2 * p + p * p
    var loglik = 0.0
    for i in 0..<p { u[i] = 0; a2[i] = 0 }
    for i in 0..<(p * p) { imat[i] = 0; cmat2[i] = 0 }
    var denom = 0.0
    var person = n - 1
    while person >= 0 {
        if lastInStratum[person] != 0 {
            denom = 0
            for i in 0..<p { a[i] = 0 }
            for i in 0..<(p * p) { cmat[i] = 0 }
        }
        let dtime = time[person]
        var ndead = 0
        var deadwt = 0.0, denom2 = 0.0
        while person >= 0 && time[person] == dtime {
            let xr = x + (person &* p)
            var zbeta = 0.0
            for i in 0..<p { zbeta += beta[i] * xr[i] }
            let w = weight[person]
            let risk = exp(zbeta) * w
            if status[person] == 0 {
                denom += risk
                for i in 0..<p {
                    let rx = risk * xr[i]
                    a[i] += rx
                    let row = cmat + (i &* p)
                    for j in 0...i { row[j] += rx * xr[j] }
                }
            } else {
                ndead += 1
                deadwt += w
                denom2 += risk
                loglik += w * zbeta
                for i in 0..<p {
                    u[i] += w * xr[i]
                    let rx = risk * xr[i]
                    a2[i] += rx
                    let row = cmat2 + (i &* p)
                    for j in 0...i { row[j] += rx * xr[j] }
                }
            }
            person -= 1
            if person >= 0 && lastInStratum[person] != 0 { break }
        }
        if ndead > 0 {
            loglik -= _addTiedDeaths(p: p, ndead: ndead, deadwt: deadwt, efron: efron, denom: &denom, denom2: denom2,
                                     a: a, a2: a2, cmat: cmat, cmat2: cmat2, u: u, imat: imat)
        }
    }
    return loglik
}

/// The contribution of the `ndead` tied deaths at one time to the score `u` and the information
/// (upper triangle of `imat`), as `coxfit6.c` and `agfit4.c` add it (Breslow, or Efron's averaging
/// over the tied deaths). On entry `denom`, `a`, `cmat` sum the risk set without the deaths and
/// `denom2`, `a2`, `cmat2` the deaths; on return `denom`, `a`, `cmat` include the deaths and `a2`,
/// `cmat2` are zero again for the next time.
/// - Returns: the amount to subtract from the log-likelihood (Σ w log D).
@inline(__always)
func _addTiedDeaths(p: Int, ndead: Int, deadwt: Double, efron: Bool, denom: inout Double, denom2: Double,
                    a: UnsafeMutablePointer<Double>, a2: UnsafeMutablePointer<Double>,
                    cmat: UnsafeMutablePointer<Double>, cmat2: UnsafeMutablePointer<Double>,
                    u: UnsafeMutablePointer<Double>, imat: UnsafeMutablePointer<Double>) -> Double {
    var loglik = 0.0
    if !efron || ndead == 1 {
        denom += denom2
        loglik += deadwt * log(denom)
        for i in 0..<p {
            a[i] += a2[i]
            let temp2 = a[i] / denom
            u[i] -= deadwt * temp2
            let row = cmat + (i &* p), row2 = cmat2 + (i &* p)
            for j in 0...i {
                row[j] += row2[j]
                imat[j &* p &+ i] += deadwt * (row[j] - temp2 * a[j]) / denom
            }
        }
    } else {
        // Efron: the k-th of d tied events sees D_k = D + f_k·D₂, A_k = A + f_k·A₂, C_k = C + f_k·C₂
        // with f_k = k/d (coxfit6 adds them one by one). The sums over k factor into five
        // scalars, so a time with d tied events costs O(d + p²) instead of O(d p²).
        let dn = Double(ndead)
        let wtave = deadwt / dn
        var s1 = 0.0, sf = 0.0, s2 = 0.0, sf2 = 0.0, sff2 = 0.0
        for k in 1...ndead {
            let f = Double(k) / dn
            let dk = denom + f * denom2
            loglik += wtave * log(dk)
            let inv = 1 / dk, inv2 = inv * inv
            s1 += inv; sf += f * inv
            s2 += inv2; sf2 += f * inv2; sff2 += f * f * inv2
        }
        for i in 0..<p {
            let ai = a[i], a2i = a2[i]
            u[i] -= wtave * (ai * s1 + a2i * sf)
            let row = cmat + (i &* p), row2 = cmat2 + (i &* p)
            for j in 0...i {
                let cross = ai * a[j] * s2 + (ai * a2[j] + a2i * a[j]) * sf2 + a2i * a2[j] * sff2
                imat[j &* p &+ i] += wtave * (row[j] * s1 + row2[j] * sf - cross)
            }
        }
        denom += denom2
        for i in 0..<p {
            a[i] += a2[i]
            let row = cmat + (i &* p), row2 = cmat2 + (i &* p)
            for j in 0...i { row[j] += row2[j] }
        }
    }
    for i in 0..<p { a2[i] = 0 }
    for i in 0..<(p * p) { cmat2[i] = 0 }
    return loglik
}

/// Sorted, validated data for one fit, shared by every ties method.
struct _CoxData: Sendable {
    let n: Int
    let p: Int
    /// Row indices of the input in processing order.
    let order: [Int32]
    let time: [Double]
    let status: [UInt8]
    let weight: [Double]
    /// Stratum code per sorted row.
    let stratum: [Int32]
    /// For R's coxfit6: 1 on the last row of a stratum (ascending time order).
    let lastInStratum: [UInt8]
    let unitWeights: Bool
    /// Counting-process data (R: `Surv(start, stop, event)`): entry time per sorted row, nil for
    /// right-censored data.
    var entry: [Double]? = nil
    /// Sorted-row indices ordered by stratum, then entry time (R agreg's `sort2`).
    var entryOrder: [Int32]? = nil
}

/// R's `coxfit6` driver on sorted data. `x` (row-major, sorted) is centred and scaled in place.
/// Longer than 120 lines on purpose: `coxfit6.c`'s driver kept in one piece (centring, the first
/// iteration, the score test, the Newton loop with step-halving) so that it can be read against the C source.
func _newtonRaphson(_ d: _CoxData, x: inout [Double], efron: Bool, doScale: [Bool], initial: [Double], maxIterations: Int,
                    epsilon: Double, cholTolerance: Double) -> _NewtonResult {
    let n = d.n, p = d.p
    var means = [Double](repeating: 0, count: p)
    var scale = [Double](repeating: 1, count: p)
    var wsum = 0.0
    for w in d.weight { wsum += w }
    // centre and scale in three passes over the rows (row-major data: never walk a column)
    x.withUnsafeMutableBufferPointer { xb in
        d.weight.withUnsafeBufferPointer { w in
            var sums = [Double](repeating: 0, count: p)
            for r in 0..<n {
                let row = r &* p
                for i in 0..<p { sums[i] += w[r] * xb[row &+ i] }
            }
            for i in 0..<p where doScale[i] {
                // a constant column centres to exactly 0, so the Cholesky step finds it aliased as R
                // does; sums / wsum can miss the constant by an ulp, and scaling that residue by
                // 1 / |residue| would turn the column into a constant ±1 that the fit cannot flag
                means[i] = _constantColumn(UnsafeBufferPointer(xb), n: n, p: p, i) ?? sums[i] / wsum
            }
            var abs = [Double](repeating: 0, count: p)
            for r in 0..<n {
                let row = r &* p
                for i in 0..<p {
                    let v = xb[row &+ i] - means[i]
                    xb[row &+ i] = v
                    abs[i] += w[r] * Swift.abs(v)
                }
            }
            for i in 0..<p where doScale[i] { scale[i] = abs[i] > 0 ? wsum / abs[i] : 1 }
            if doScale.contains(true) {
                for r in 0..<n {
                    let row = r &* p
                    for i in 0..<p { xb[row &+ i] *= scale[i] }
                }
            }
        }
    }
    // one allocation for all work arrays
    var store = [Double](repeating: 0, count: 4 * p + 2 * p * p + 2 * p * p + 2 * p)
    var beta = (0..<p).map { initial[$0] / scale[$0] }
    var newbeta = [Double](repeating: 0, count: p)
    var u = [Double](repeating: 0, count: p)
    var imat = [Double](repeating: 0, count: p * p)
    var loglik0 = 0.0, loglik1 = 0.0, sctest = 0.0
    var flag = 0, iter = 0
    var halving = 0
    var converged = false

    func evaluate(_ b: [Double]) -> Double {
        if d.entry != nil {
            return _agEvaluate(d, x: x, efron: efron, beta: b, u: &u, imat: &imat, work: &store)
        }
        return x.withUnsafeBufferPointer { xb in
            d.time.withUnsafeBufferPointer { tb in
                d.status.withUnsafeBufferPointer { sb in
                    d.weight.withUnsafeBufferPointer { wb in
                        d.lastInStratum.withUnsafeBufferPointer { lb in
                            b.withUnsafeBufferPointer { bb in
                                u.withUnsafeMutableBufferPointer { ub in
                                    imat.withUnsafeMutableBufferPointer { ib in
                                        store.withUnsafeMutableBufferPointer { wk in
                                            _coxIteration(n: n, p: p, x: xb.baseAddress!, time: tb.baseAddress!,
                                                          status: sb.baseAddress!, weight: wb.baseAddress!,
                                                          lastInStratum: lb.baseAddress!, efron: efron,
                                                          beta: bb.baseAddress!, u: ub.baseAddress!,
                                                          imat: ib.baseAddress!, work: wk.baseAddress!)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    func cholesky() -> Int { imat.withUnsafeMutableBufferPointer { _cholesky2($0.baseAddress!, p, tolerance: cholTolerance) } }
    func solve(_ v: inout [Double]) {
        imat.withUnsafeBufferPointer { ib in v.withUnsafeMutableBufferPointer { _chsolve2(ib.baseAddress!, p, $0.baseAddress!) } }
    }

    loglik0 = evaluate(beta)
    loglik1 = loglik0
    var a = u
    flag = cholesky()
    solve(&a)
    for i in 0..<p { sctest += u[i] * a[i] }

    if maxIterations > 0 && loglik0.isFinite {
        for i in 0..<p { newbeta[i] = beta[i] + a[i] }
        iter = 1
        while iter <= maxIterations {
            let newlk = evaluate(newbeta)
            flag = cholesky()
            var notFinite = !newlk.isFinite
            for i in 0..<p where !u[i].isFinite { notFinite = true }
            for v in imat where !v.isFinite { notFinite = true }
            if !notFinite && Swift.abs(1 - loglik1 / newlk) <= epsilon {
                loglik1 = newlk
                beta = newbeta
                converged = true
                break
            }
            if notFinite || newlk < loglik1 {
                halving += 1
                let h = Double(halving)
                for i in 0..<p { newbeta[i] = (newbeta[i] + h * beta[i]) / (h + 1) }
            } else {
                halving = 0
                loglik1 = newlk
                solve(&u)
                for i in 0..<p {
                    beta[i] = newbeta[i]
                    newbeta[i] += u[i]
                }
            }
            iter += 1
        }
        if !converged {
            // out of iterations: the last accepted beta, its score and information; R reports
            // iter = iter.max + 1 here (the loop counter after its last increment)
            iter = maxIterations + 1
            if maxIterations > 1 { loglik1 = evaluate(beta) }
            _ = cholesky()
            flag = 1000
        }
    } else {
        iter = 0
    }
    imat.withUnsafeMutableBufferPointer { _chinv2($0.baseAddress!, p) }
    for i in 0..<p {
        beta[i] *= scale[i]
        u[i] /= scale[i]
    }
    for i in 0..<p { for j in 0..<p { imat[i * p + j] *= scale[i] * scale[j] } }
    return _NewtonResult(beta: beta, u: u, imat: imat, loglikInitial: loglik0, loglikFinal: loglik1,
                         scoreTest: sctest, iterations: iter, flag: flag, halvedAtEnd: converged && halving > 0,
                         means: means)
}

/// The value of column `j` of a row-major n×p matrix when every row holds the same value, else nil.
func _constantColumn(_ x: UnsafeBufferPointer<Double>, n: Int, p: Int, _ j: Int) -> Double? {
    guard n > 0 else { return nil }
    let first = x[j]
    var r = 1
    while r < n {
        if x[r &* p &+ j] != first { return nil }
        r += 1
    }
    return first
}
