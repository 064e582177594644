/// A quantile of a survival curve: the time by which a fraction `probability` has had the event.
public struct SurvivalQuantile: Sendable, Hashable {
    /// The fraction with the event (0.5 for the median).
    public let probability: Double
    /// The estimate; NaN when the curve never falls that low (R: `NA`).
    public let estimate: Double
    /// Where the lower confidence curve reaches the level; NaN when it never does.
    public let lower: Double
    /// Where the upper confidence curve reaches the level; NaN when it never does.
    public let upper: Double
}

extension KaplanMeier {
    /// Quantiles of the survival time with confidence limits (R: `quantile(fit, probs)`).
    ///
    /// R's rule: the smallest t with S(t) ≤ 1 − p; where S equals 1 − p (within `sqrt(.Machine$double.eps)`)
    /// over an interval, the midpoint of that interval. The limits are where the pointwise confidence
    /// curves cross 1 − p (Brookmeyer–Crowley). As in R, whether a level the curve only touches within
    /// the tolerance at its very end counts depends on the whole `probabilities` vector (R returns all
    /// NA when the curve never reaches the smallest requested level).
    /// - Complexity: O(*m* log *m*) for *m* distinct times.
    public func quantiles(_ probabilities: [Double] = [0.25, 0.5, 0.75]) -> [SurvivalQuantile] {
        _survivalQuantiles(probabilities, time: time, survival: survival, lower: lower, upper: upper)
    }

    /// The median survival time with its confidence limits (R: `quantile(fit, 0.5)`).
    public var median: SurvivalQuantile { quantiles([0.5])[0] }
}

/// R's `doquant` for one curve.
func _survivalQuantiles(_ probs: [Double], time: [Double], survival: [Double], lower: [Double],
                        upper: [Double], firstTime: Double = 0) -> [SurvivalQuantile] {
    let x = [firstTime] + time
    let est = _findQuantiles(x: x, y: [0] + survival.map { 1 - $0 }, probs)
    let lo = _findQuantiles(x: x, y: [0] + lower.map { 1 - $0 }, probs)
    let up = _findQuantiles(x: x, y: [0] + upper.map { 1 - $0 }, probs)
    return probs.indices.map { SurvivalQuantile(probability: probs[$0], estimate: est[$0], lower: lo[$0], upper: up[$0]) }
}

/// R survival's internal `findq(x, y, p, tol)`: y is the cumulative distribution 1 − S (NaN = NA),
/// x the times with a leading start time.
func _findQuantiles(x xIn: [Double], y yIn: [Double], _ p: [Double], tolerance tol: Double = _timeTolerance) -> [Double] {
    let nan = Double.nan
    guard let maxY = yIn.filter({ !$0.isNaN }).max(), let minP = p.min(), maxY >= minP else {
        return p.map { _ in nan }
    }
    let xmax = xIn[xIn.count - 1]
    // duplicated(y): keep the first of equal values (NA equals NA)
    var x = [Double](), y = [Double]()
    var seen = Set<UInt64>()
    var seenNaN = false
    for i in yIn.indices {
        let v = yIn[i]
        if v.isNaN {
            if seenNaN { continue }
            seenNaN = true
        } else {
            if !seen.insert((v + 0.0).bitPattern).inserted { continue }
        }
        x.append(xIn[i]); y.append(v)
    }
    let n = y.count
    // approx(y ± tol, 1:n, p, method = "constant", f = 1): NA pairs dropped, sorted by abscissa
    func index(_ shift: Double) -> (Double) -> Int? {
        var knots = [(Double, Int)]()
        for i in 0..<n where !y[i].isNaN { knots.append((y[i] + shift, i)) }
        knots.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return { v in
            guard let first = knots.first, let last = knots.last, v >= first.0, v <= last.0 else { return nil }
            var lo = 0, hi = knots.count - 1       // first knot with abscissa >= v
            while lo < hi {
                let mid = (lo + hi) >> 1
                if knots[mid].0 >= v { hi = mid } else { lo = mid + 1 }
            }
            return knots[lo].1
        }
    }
    let up = index(tol), down = index(-tol)
    var out = [Double]()
    out.reserveCapacity(p.count)
    for pk in p {
        let i1 = up(pk), i2 = down(pk)
        var q = (i1 != nil && i2 != nil) ? (x[i1!] + x[i2!]) / 2 : nan
        if pk == 0 { q = x[0] }
        if !y[n - 1].isNaN, Swift.abs(pk - y[n - 1]) < tol {
            q = i1.map { (x[$0] + xmax) / 2 } ?? nan
        }
        out.append(q)
    }
    return out
}
