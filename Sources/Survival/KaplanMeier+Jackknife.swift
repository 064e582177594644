// The infinitesimal-jackknife (robust) variance of a weighted Kaplan–Meier curve, as R's survfit
// computes it by default when some case weight is not an integer (R: `survfit(..., weights = w)`,
// `robust = TRUE`): Var S(t) = Σ_i (w_i ∂S(t)/∂w_i)², and the same for the Nelson–Aalen hazard. Not API.
//
// With h_j = d_j/n_j (weighted), ∂log S(t)/∂w_i = −Σ_{t_j ≤ t} (dN_ij − Y_ij h_j)/(n_j − d_j) and
// ∂H(t)/∂w_i = Σ_{t_j ≤ t} (dN_ij − Y_ij h_j)/n_j. A row still at risk at t contributes
// −(G(t) − G(entry_i)) with G the running sum of h_j/(n_j − d_j) (or h_j/n_j), so the sum over those
// rows needs only Σw², Σw²G(e), Σw²G(e)²; a row that left keeps its last value.

/// Running sums of w², w²·G(entry) and w²·G(entry)² over the rows still at risk, and Σ w²·a² over
/// the rows that left.
private struct _InfluenceSums {
    var w2 = 0.0, w2g = 0.0, w2gg = 0.0, finished = 0.0

    mutating func enter(_ w: Double, g: Double) { w2 += w * w; w2g += w * w * g; w2gg += w * w * g * g }
    mutating func leave(_ w: Double, g: Double, final a: Double) {
        w2 -= w * w; w2g -= w * w * g; w2gg -= w * w * g * g
        finished += w * w * a * a
    }
    /// Σ_i (w_i a_i(t))² when the running sum is `g`.
    func variance(at g: Double) -> Double { finished + Swift.max(0, g * g * w2 - 2 * g * w2g + w2gg) }
}

/// Standard errors of −log S (`logS`) and of the cumulative hazard (`cumhaz`) at each distinct time
/// of `counts`, for rows with (already time-fixed) `entry`, `time`, `event` and `weight`.
func _jackknifeStandardErrors(entry: [Double]?, time: [Double], event: [Bool], weight: [Double],
                              counts c: _KMCounts) -> (logS: [Double], cumhaz: [Double]) {
    let m = c.time.count, n = time.count
    let nRisk = c.weighted!.atRisk, nEvent = c.weighted!.events
    let byStop = _timeOrder(time)
    let byEntry = entry.map { _timeOrder($0) } ?? []
    var entryG = [(s: Double, h: Double)](repeating: (0, 0), count: n)
    var sumS = _InfluenceSums(), sumH = _InfluenceSums()
    if entry == nil { for i in 0..<n { sumS.enter(weight[i], g: 0); sumH.enter(weight[i], g: 0) } }
    var gS = 0.0, gH = 0.0
    var nextEntry = 0, nextStop = 0
    var seLogS = [Double](repeating: 0, count: m), seH = [Double](repeating: 0, count: m)
    for j in 0..<m {
        let t = c.time[j]
        while let e = entry, nextEntry < n, case let i = Int(byEntry[nextEntry]), e[i] < t {
            entryG[i] = (gS, gH)
            sumS.enter(weight[i], g: gS); sumH.enter(weight[i], g: gH)
            nextEntry += 1
        }
        let h = nEvent[j] / nRisk[j]
        if nEvent[j] > 0 { gS += h / (nRisk[j] - nEvent[j]); gH += h / nRisk[j] }
        while nextStop < n, case let i = Int(byStop[nextStop]), time[i] == t {
            let dS = event[i] ? 1 / (nRisk[j] - nEvent[j]) : 0, dH = event[i] ? 1 / nRisk[j] : 0
            sumS.leave(weight[i], g: entryG[i].s, final: dS - (gS - entryG[i].s))
            sumH.leave(weight[i], g: entryG[i].h, final: dH - (gH - entryG[i].h))
            nextStop += 1
        }
        seLogS[j] = sumS.variance(at: gS).squareRoot()
        seH[j] = sumH.variance(at: gH).squareRoot()
    }
    return (seLogS, seH)
}
