#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The survival curve a Cox fit predicts for one covariate vector, with its standard error and
/// pointwise bounds.
///
/// R: `survfit(fit, newdata)` for a coxph fit (`coxsurv.fit`, `agsurv`): S(t | x) = exp(−Λ₀(t))^exp(xβ − x̄β)
/// with the Breslow (ctype 1) or Efron-adjusted (ctype 2) baseline hazard increments; the variance
/// of log S adds the uncertainty of β, (Σ varhaz + dᵀ V d)·r². One entry per distinct observed time
/// of the stratum; `standardError` is the se of the cumulative hazard (= se of −log S).
public struct CoxSurvivalCurve: Sendable {
    /// The stratum label, nil for an unstratified fit.
    public let stratum: String?
    /// x·β on the original (uncentred) scale.
    public let linearPredictor: Double
    public let time: [Double]
    /// Weighted number at risk and events at each time.
    public let atRisk: [Double]
    public let events: [Double]
    public let survival: [Double]
    public let cumulativeHazard: [Double]
    /// Standard error of the cumulative hazard (R: `std.err` of the survfit object).
    public let standardError: [Double]
    public let lower: [Double]
    public let upper: [Double]
    public let confidenceType: ConfidenceType

    /// The curve at chosen times (R: `summary(survfit(fit, newdata), times = )`).
    public func summary(at times: [Double]) -> [SurvivalPoint] {
        _summary(at: times, time: time, atRisk: atRisk, survival: survival, logStandardError: standardError,
                 lower: lower, upper: upper, cumulativeHazard: cumulativeHazard)
    }

    /// Quantiles with confidence limits, as for a Kaplan–Meier curve (R: `quantile(sf, probs)`).
    public func quantiles(_ probabilities: [Double] = [0.25, 0.5, 0.75]) -> [SurvivalQuantile] {
        _survivalQuantiles(probabilities, time: time, survival: survival, lower: lower, upper: upper)
    }
}

extension CoxFit {
    /// The estimator of the baseline hazard increments (R: `ctype`).
    public enum HazardEstimator: Int, Sendable, Codable {
        /// Breslow / Nelson–Aalen type: d / Σ r (R ctype 1; the default for Breslow and exact fits).
        case breslow = 1
        /// Efron-adjusted for tied events (R ctype 2; the default for Efron fits).
        case efron = 2
    }

    /// The default estimator R pairs with the fit's ties method.
    public var defaultHazardEstimator: HazardEstimator { options.ties == .efron ? .efron : .breslow }

    /// Predicted survival for a covariate vector on the design's scale (R: `survfit(fit, newdata)`).
    /// - Parameters:
    ///   - covariates: one value per design column (`columnNames`), as `CoxDesign.row` builds them.
    ///   - stratum: the stratum label, required for a stratified fit.
    /// - Throws: `SurvivalError.invalidArgument` for a wrong length, a missing or unknown stratum, or
    ///   a fit without events.
    public func predictedSurvival(covariates x2: [Double], stratum: String? = nil, estimator: HazardEstimator? = nil,
                                  confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95) throws -> CoxSurvivalCurve {
        let p = columnNames.count
        guard x2.count == p else { throw SurvivalError(.lengthMismatch, "covariates") }
        guard eventCount > 0 else { throw SurvivalError(.invalidArgument, "no events") }
        guard data.entry == nil else { throw SurvivalError(.invalidArgument, "predicted survival of a (start, stop] fit") }
        var code: Int32 = 0
        if !strataLevels.isEmpty {
            guard let s = stratum, let k = strataLevels.firstIndex(of: s) else {
                throw SurvivalError(.invalidArgument, "stratum")
            }
            code = Int32(k)
        }
        let beta = coefficients.map { $0.isNaN ? 0 : $0 }
        var xcenter = 0.0
        for j in 0..<p { xcenter += means[j] * beta[j] }
        var lp = 0.0
        for j in 0..<p { lp += beta[j] * x2[j] }
        let risk2 = exp(lp - xcenter)
        let base = baseline(stratum: code, estimator: estimator ?? defaultHazardEstimator, beta: beta, xcenter: xcenter)
        let m = base.time.count
        let z = ConfidenceLevel(confidenceLevel).z
        var surv = [Double](repeating: 0, count: m), chaz = surv, se = surv, lo = surv, up = surv
        var cumVar = 0.0
        var dt = [Double](repeating: 0, count: p)
        for k in 0..<m {
            cumVar += base.varhaz[k]
            surv[k] = pow(exp(-base.cumhaz[k]), risk2)
            for j in 0..<p { dt[j] = base.cumhaz[k] * x2[j] - base.xbar[k * p + j] }
            var quad = 0.0
            for a in 0..<p {
                var s = 0.0
                for b in 0..<p { s += dt[b] * variance[b * p + a] }
                quad += s * dt[a]
            }
            se[k] = ((cumVar + quad) * risk2 * risk2).squareRoot()
            chaz[k] = base.cumhaz[k] * risk2
            (lo[k], up[k]) = _confidenceBounds(p: surv[k], se: se[k], logScale: true, type: confidenceType, z: z)
        }
        return CoxSurvivalCurve(stratum: strataLevels.isEmpty ? nil : strataLevels[Int(code)], linearPredictor: lp,
                                time: base.time, atRisk: base.atRisk, events: base.events, survival: surv,
                                cumulativeHazard: chaz, standardError: se, lower: lo, upper: up,
                                confidenceType: confidenceType)
    }

    /// Predicted survival for named covariate values (numbers, or level labels for categorical terms).
    public func predictedSurvival(values: [String: CoxDesign.Value], stratum: String? = nil, estimator: HazardEstimator? = nil,
                                  confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95) throws -> CoxSurvivalCurve {
        try predictedSurvival(covariates: try design.row(values), stratum: stratum, estimator: estimator,
                              confidenceType: confidenceType, confidenceLevel: confidenceLevel)
    }

    /// The baseline cumulative hazard at covariates 0 (categorical terms at their reference level),
    /// per stratum (R: `basehaz(fit, centered = FALSE)`); empty without events or for a (start, stop] fit.
    public func baselineCumulativeHazard(estimator: HazardEstimator? = nil) -> [(stratum: String?, time: [Double], cumulativeHazard: [Double])] {
        guard eventCount > 0, data.entry == nil else { return [] }
        let p = columnNames.count
        let beta = coefficients.map { $0.isNaN ? 0 : $0 }
        var xcenter = 0.0
        for j in 0..<p { xcenter += means[j] * beta[j] }
        let shift = exp(-xcenter)
        return (0..<max(strataLevels.count, 1)).map { s in
            let b = baseline(stratum: Int32(s), estimator: estimator ?? defaultHazardEstimator, beta: beta, xcenter: xcenter)
            return (strataLevels.isEmpty ? nil : strataLevels[s], b.time, b.cumhaz.map { $0 * shift })
        }
    }

    /// R's `agsurv` for one stratum: hazard increments, their variance and the x̄ terms, cumulated.
    func baseline(stratum: Int32, estimator: HazardEstimator, beta: [Double], xcenter: Double)
        -> (time: [Double], atRisk: [Double], events: [Double], cumhaz: [Double], varhaz: [Double], xbar: [Double]) {
        let p = columnNames.count
        // rows of the stratum in ascending time
        var rows = [Int]()
        for r in 0..<n where data.stratum[r] == stratum { rows.append(r) }
        if options.ties == .exact { rows.reverse() }
        var times = [Double](), nevent = [Double](), wriskT = [Double](), wT = [Double](), ndeath = [Int]()
        var erisk = [Double](), xsumT = [Double](), xsum2 = [Double]()
        for r in rows {
            let i = Int(data.order[r])
            var zb = 0.0
            for j in 0..<p { zb += design.values[i * p + j] * beta[j] }
            let w = data.weight[r]
            let wrisk = w * exp(zb - xcenter)
            let dead = data.status[r] == 1
            if times.last != data.time[r] {
                times.append(data.time[r]); nevent.append(0); wriskT.append(0); wT.append(0); ndeath.append(0); erisk.append(0)
                xsumT.append(contentsOf: repeatElement(0, count: p)); xsum2.append(contentsOf: repeatElement(0, count: p))
            }
            let k = times.count - 1
            wriskT[k] += wrisk
            wT[k] += w
            for j in 0..<p { xsumT[k * p + j] += wrisk * design.values[i * p + j] }
            if dead {
                nevent[k] += w
                ndeath[k] += 1
                erisk[k] += wrisk
                for j in 0..<p { xsum2[k * p + j] += wrisk * design.values[i * p + j] }
            }
        }
        let m = times.count
        // reverse cumulative sums: risk set at each time
        var nrisk = [Double](repeating: 0, count: m), irisk = nrisk
        var xsum = [Double](repeating: 0, count: m * p)
        var acc = 0.0, acci = 0.0
        var accx = [Double](repeating: 0, count: p)
        for k in stride(from: m - 1, through: 0, by: -1) {
            acc += wriskT[k]; acci += wT[k]
            nrisk[k] = acc; irisk[k] = acci
            for j in 0..<p { accx[j] += xsumT[k * p + j]; xsum[k * p + j] = accx[j] }
        }
        var haz = [Double](repeating: 0, count: m), varhaz = haz
        var xbar = [Double](repeating: 0, count: m * p)
        for k in 0..<m {
            if estimator == .breslow {
                haz[k] = nevent[k] / nrisk[k]
                varhaz[k] = nevent[k] / (nrisk[k] * nrisk[k])
                for j in 0..<p { xbar[k * p + j] = xsum[k * p + j] / nrisk[k] * haz[k] }
            } else {
                // agsurv5: Efron-adjusted denominators for d tied events
                let d = ndeath[k]
                var sum1 = 0.0, sum2 = 0.0
                var xb = [Double](repeating: 0, count: p)
                if d == 1 {
                    let temp = 1 / nrisk[k]
                    sum1 = temp; sum2 = temp * temp
                    for j in 0..<p { xb[j] = xsum[k * p + j] * temp * temp }
                } else if d > 1 {
                    let dd = Double(d)
                    for jj in 0..<d {
                        let fj = Double(jj)
                        let temp = 1 / (nrisk[k] - erisk[k] * fj / dd)
                        sum1 += temp / dd
                        sum2 += temp * temp / dd
                        for j in 0..<p { xb[j] += ((xsum[k * p + j] - xsum2[k * p + j] * fj / dd) * temp * temp) / dd }
                    }
                }
                haz[k] = nevent[k] * sum1
                varhaz[k] = nevent[k] * sum2
                for j in 0..<p { xbar[k * p + j] = nevent[k] * xb[j] }
            }
        }
        var cum = 0.0
        var cumhaz = [Double](repeating: 0, count: m)
        for k in 0..<m { cum += haz[k]; cumhaz[k] = cum }
        for j in 0..<p {
            var s = 0.0
            for k in 0..<m { s += xbar[k * p + j]; xbar[k * p + j] = s }
        }
        return (times, irisk, nevent, cumhaz, varhaz, xbar)
    }
}
