extension TargetTrial {
    /// The balance table (see `BalanceTable` for the definition).
    static func balance(_ columns: [(covariate: String, level: String?, values: [Double])], treated: [Bool], weights: [Double],
                        threshold: Double) -> BalanceTable {
        let n = treated.count
        func stats(_ x: [Double], arm: Bool) -> (mean: Double, weightedMean: Double, variance: Double) {
            var s = 0.0, sw = 0.0, swx = 0.0, k = 0.0
            for i in 0..<n where treated[i] == arm { s += x[i]; sw += weights[i]; swx += weights[i] * x[i]; k += 1 }
            let m = s / k
            var ss = 0.0
            for i in 0..<n where treated[i] == arm { ss += (x[i] - m) * (x[i] - m) }
            return (m, swx / sw, k > 1 ? ss / (k - 1) : 0)
        }
        var rows: [BalanceRow] = []
        for c in columns {
            let a = stats(c.values, arm: true), b = stats(c.values, arm: false)
            let sd = ((a.variance + b.variance) / 2).squareRoot()
            func smd(_ d: Double) -> Double? {
                if sd > 0 { return d / sd }
                return d == 0 ? 0 : nil
            }
            let before = smd(a.mean - b.mean), after = smd(a.weightedMean - b.weightedMean)
            let imbalanced = after.map { abs($0) > threshold } ?? true
            rows.append(BalanceRow(covariate: c.covariate, level: c.level, treatedMeanBefore: a.mean, comparatorMeanBefore: b.mean,
                                   treatedMeanAfter: a.weightedMean, comparatorMeanAfter: b.weightedMean,
                                   smdBefore: before, smdAfter: after, imbalanced: imbalanced))
        }
        return BalanceTable(rows: rows, threshold: threshold, achieved: !rows.contains { $0.imbalanced })
    }

    /// Effective sample size (Σw)²/Σw².
    static func effectiveSampleSize(_ w: [Double]) -> Double {
        var s = 0.0, s2 = 0.0
        for x in w { s += x; s2 += x * x }
        return s2 > 0 ? s * s / s2 : 0
    }

    /// The positivity check (see `Positivity`).
    static func positivity(ps: [Double], treated: [Bool], weights: [Double], protocol p: TargetTrialProtocol) -> Positivity {
        let t = ps.indices.filter { treated[$0] }, c = ps.indices.filter { !treated[$0] }
        let tMin = t.map { ps[$0] }.min()!, tMax = t.map { ps[$0] }.max()!
        let cMin = c.map { ps[$0] }.min()!, cMax = c.map { ps[$0] }.max()!
        let lo = max(tMin, cMin), hi = min(tMax, cMax)
        let overlap = lo <= hi
        func outside(_ rows: [Int]) -> Double {
            guard overlap else { return 1 }
            return Double(rows.filter { ps[$0] < lo || ps[$0] > hi }.count) / Double(rows.count)
        }
        let tOut = outside(t), cOut = outside(c)
        let tESS = effectiveSampleSize(t.map { weights[$0] }), cESS = effectiveSampleSize(c.map { weights[$0] })
        var reasons: [String] = []
        func pct(_ x: Double) -> String { TargetTrialProtocol.percent(x) }
        if !overlap { reasons.append("the propensity scores of the arms do not overlap") }
        else {
            if tOut > p.maximumOutsideSupport { reasons.append("\(pct(tOut)) of the treated entries lie outside the common support") }
            if cOut > p.maximumOutsideSupport { reasons.append("\(pct(cOut)) of the comparator entries lie outside the common support") }
        }
        let ess = TargetTrialProtocol.number(p.minimumEffectiveSampleSize)
        if tESS < p.minimumEffectiveSampleSize { reasons.append("treated effective sample size \(essText(tESS)) < \(ess)") }
        if cESS < p.minimumEffectiveSampleSize { reasons.append("comparator effective sample size \(essText(cESS)) < \(ess)") }
        let rule = "≤ \(pct(p.maximumOutsideSupport)) of each arm outside the common support of the propensity score and effective sample size ≥ \(ess) per arm"
        return Positivity(treatedMinimum: tMin, treatedMaximum: tMax, comparatorMinimum: cMin, comparatorMaximum: cMax,
                          supportLower: overlap ? lo : nil, supportUpper: overlap ? hi : nil,
                          treatedOutsideShare: tOut, comparatorOutsideShare: cOut,
                          treatedEffectiveSampleSize: tESS, comparatorEffectiveSampleSize: cESS,
                          maximumWeight: weights.max() ?? 0, held: reasons.isEmpty, rule: rule, reasons: reasons)
    }

    static func essText(_ x: Double) -> String { String((x * 10).rounded() / 10) }
}
