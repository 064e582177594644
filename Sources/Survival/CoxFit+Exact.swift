#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The exact partial likelihood for tied event times (R: `coxph(ties = "exact")`, `coxexact.c`):
// at a time with d tied events among n at risk, the denominator is the sum over all d-subsets of
// the risk set of the product of their risk scores (the conditional logistic likelihood).
// Computed with the recursion D(k, m) = D(k, m−1) + r_m D(k−1, m−1) over the risk set in order of
// decreasing time, whose prefixes are shared by successive event times, plus its first and second
// derivatives. Newton–Raphson as coxexact.c: covariates centred and divided by their standard
// deviation, simple step-halving. Not API.

/// R's `coxexact` driver. `x` is row-major, sorted by stratum then decreasing time, already
/// centred and scaled. `firstInStratum` marks the first row of each stratum.
/// Longer than 120 lines on purpose: the driver of `coxexact.c` kept in one piece (same variables, same
/// step-halving branches) so that it can be checked against the C source; the recursion itself is `evaluate`.
func _exactNewtonRaphson(n: Int, p: Int, x: [Double], time: [Double], status: [UInt8], firstInStratum: [UInt8], initial: [Double],
                         maxIterations: Int, epsilon: Double, cholTolerance: Double)
    -> (beta: [Double], u: [Double], imat: [Double], loglik0: Double, loglik1: Double, sctest: Double, iter: Int, flag: Int) {
    // the largest number of tied events within a stratum
    var maxDeath = 1
    do {
        var i = 0
        while i < n {
            let t = time[i]
            var d = 0
            repeat {
                d += Int(status[i]); i += 1
            } while i < n && time[i] == t && firstInStratum[i] == 0
            maxDeath = max(maxDeath, d)
        }
    }
    let np = p * (p + 1) / 2
    let K = maxDeath + 1
    // columns of the recursion for the current prefix: D[k], D1[j][k], D2[jk][k]
    var d0 = [Double](repeating: 0, count: K)
    var d1 = [Double](repeating: 0, count: p * K)
    var d2 = [Double](repeating: 0, count: np * K)
    var score = [Double](repeating: 0, count: n)
    var u = [Double](repeating: 0, count: p)
    var imat = [Double](repeating: 0, count: p * p)
    var first = [Double](repeating: 0, count: p)

    func evaluate(_ beta: [Double]) -> Double {
        var loglik = 0.0
        for j in 0..<p { u[j] = 0 }
        for j in 0..<(p * p) { imat[j] = 0 }
        var i = 0
        var m = 0
        while i < n {
            if firstInStratum[i] != 0 {
                for k in 0..<K { d0[k] = 0 }
                for k in 0..<(p * K) { d1[k] = 0 }
                for k in 0..<(np * K) { d2[k] = 0 }
                d0[0] = 1
                m = 0
            }
            let t = time[i]
            var ndeath = 0
            repeat {
                var zbeta = 0.0
                for j in 0..<p { zbeta += x[i * p + j] * beta[j] }
                let s = exp(zbeta)
                score[i] = s
                if status[i] == 1 {
                    loglik += zbeta
                    for j in 0..<p { u[j] += x[i * p + j] }
                    ndeath += 1
                }
                // add subject i to the prefix: update k from high to low so k−1 is the previous column
                m += 1
                let kmax = min(m, maxDeath)
                for k in stride(from: kmax, through: 1, by: -1) {
                    var q = 0
                    for a in 0..<p {
                        let xa = x[i * p + a]
                        for b in 0...a {
                            let xb = x[i * p + b]
                            let prev = d2[q * K + k - 1]
                            let v = d0[k - 1] * s * xa * xb + s * (prev + xa * d1[b * K + k - 1] + xb * d1[a * K + k - 1])
                            d2[q * K + k] += v
                            q += 1
                        }
                    }
                    for a in 0..<p {
                        d1[a * K + k] += s * x[i * p + a] * d0[k - 1] + s * d1[a * K + k - 1]
                    }
                    d0[k] += s * d0[k - 1]
                }
                i += 1
            } while i < n && time[i] == t && firstInStratum[i] == 0
            if ndeath > 0 {
                let den = d0[ndeath]
                loglik -= log(den)
                for a in 0..<p {
                    first[a] = d1[a * K + ndeath] / den
                    u[a] -= first[a]
                }
                var q = 0
                for a in 0..<p {
                    for b in 0...a {
                        imat[b * p + a] += d2[q * K + ndeath] / den - first[a] * first[b]
                        q += 1
                    }
                }
            }
        }
        return loglik
    }
    func cholesky() -> Int { imat.withUnsafeMutableBufferPointer { _cholesky2($0.baseAddress!, p, tolerance: cholTolerance) } }
    func solve(_ v: inout [Double]) {
        imat.withUnsafeBufferPointer { ib in v.withUnsafeMutableBufferPointer { _chsolve2(ib.baseAddress!, p, $0.baseAddress!) } }
    }

    var beta = initial
    let loglik0 = evaluate(beta)
    var loglik1 = loglik0
    let u0 = u
    var flag = cholesky()
    solve(&u)
    var sctest = 0.0
    for j in 0..<p { sctest += u[j] * u0[j] }
    if maxIterations == 0 {
        imat.withUnsafeMutableBufferPointer { _chinv2($0.baseAddress!, p) }
        return (beta, u0, imat, loglik0, loglik0, sctest, 0, flag)
    }
    var oldbeta = beta
    for j in 0..<p { beta[j] += u[j] }
    var halving = false
    var iter = 1
    var newlk = loglik0
    while iter <= maxIterations {
        newlk = evaluate(beta)
        flag = cholesky()
        if Swift.abs(1 - loglik1 / newlk) <= epsilon && !halving {
            imat.withUnsafeMutableBufferPointer { _chinv2($0.baseAddress!, p) }
            return (beta, u, imat, loglik0, newlk, sctest, iter, flag)
        }
        if iter == maxIterations { break }
        if newlk < loglik1 {
            halving = true
            for j in 0..<p { beta[j] = (oldbeta[j] + beta[j]) / 2 }
        } else {
            halving = false
            loglik1 = newlk
            solve(&u)
            for j in 0..<p {
                oldbeta[j] = beta[j]
                beta[j] += u[j]
            }
        }
        iter += 1
    }
    // out of iterations: as survival 3.5-3 behaves (and coxfit6 does), return the last accepted
    // beta with its log-likelihood, score and information recomputed, unless iter.max ≤ 1
    if maxIterations > 1 {
        beta = oldbeta
        newlk = evaluate(beta)
        _ = cholesky()
    }
    imat.withUnsafeMutableBufferPointer { _chinv2($0.baseAddress!, p) }
    return (beta, u, imat, loglik0, newlk, sctest, iter, 1000)
}
