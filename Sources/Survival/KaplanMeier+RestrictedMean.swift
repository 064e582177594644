/// The restricted mean survival time up to a horizon τ, with its standard error.
public struct RestrictedMean: Sendable, Hashable {
    /// The horizon τ.
    public let tau: Double
    /// ∫₀^τ S(t) dt (R: `rmean`).
    public let mean: Double
    /// Its standard error (R: `se(rmean)`).
    public let standardError: Double
}

extension KaplanMeier {
    /// The restricted mean survival time to `tau` (R: `summary(fit, rmean = tau)$table[c("rmean", "se(rmean)")]`).
    ///
    /// Area under the step function S on [0, τ]; variance Σ_{t_j ≤ τ} A_j² d_j/(n_j(n_j − d_j)) with
    /// A_j = ∫_{t_j}^τ S (R's `survmean`; a term with n_j = d_j contributes 0).
    /// - Complexity: O(*m*).
    public func restrictedMean(upTo tau: Double) -> RestrictedMean {
        _restrictedMean(tau: tau, time: time, survival: survival, atRisk: riskCounts.atRisk,
                        events: riskCounts.events)
    }
}

/// R's `survmean` inner function for one curve (start time 0).
func _restrictedMean(tau: Double, time: [Double], survival: [Double], atRisk: [Double], events: [Double]) -> RestrictedMean {
    let start = Swift.min(0, time.first ?? 0)
    var keep = 0
    while keep < time.count && time[keep] <= tau { keep += 1 }
    // rectangles between start, the kept times and tau; S before the first time is 1
    var rect = [Double]()
    rect.reserveCapacity(keep + 1)
    var prevT = start, prevS = 1.0
    for j in 0..<keep {
        rect.append((time[j] - prevT) * prevS)
        prevT = time[j]; prevS = survival[j]
    }
    rect.append((tau - prevT) * prevS)
    var mean = 0.0
    for r in rect { mean += r }
    mean += start
    // variance: A_j = sum of rectangles after t_j
    var variance = 0.0
    var cum = 0.0
    if keep > 0 {
        for j in stride(from: keep - 1, through: 0, by: -1) {
            cum += rect[j + 1]
            let nr = atRisk[j], d = events[j]
            let h = (nr - d) == 0 ? 0 : d / (nr * (nr - d))
            variance += cum * cum * h
        }
    }
    return RestrictedMean(tau: tau, mean: mean, standardError: variance.squareRoot())
}
