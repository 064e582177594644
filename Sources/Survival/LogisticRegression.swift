#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A logistic regression fitted by iteratively reweighted least squares, for propensity scores.
///
/// R: `glm(y ~ x, family = binomial, weights = w)` (R 4.2 `glm.fit`): the same start
/// (μ = (w·y + ½)/(w + 1)), the same working weights and responses, the same link limits
/// (`binomial()$linkinv` clamps μ to [ε, 1 − ε] beyond |η| > 30), the same stopping rule
/// (|dev − dev_old| / (|dev| + 0.1) < ε, ε = 1e-8, at most 25 iterations) and step-halving when the
/// deviance is not finite, so coefficients, standard errors, deviances and the iteration count agree
/// with R's to rounding. Each step solves the weighted normal equations by Cholesky (R uses a QR
/// decomposition; both give the same iterate). Weights may be non-integer (R warns, and fits the same).
/// Statistical trouble is reported in `problems`, never thrown: fitted probabilities of 0 or 1
/// (separation, R's "fitted probabilities numerically 0 or 1 occurred"), no convergence, aliased columns.
/// - Complexity: O(*n p²*) per iteration.
public struct LogisticRegression: Sendable {
    /// Fitting controls (R: `glm.control`).
    public struct Options: Sendable {
        /// Convergence tolerance on the relative change in deviance (R: `epsilon`, 1e-8).
        public var epsilon: Double
        /// R: `maxit`, 25.
        public var maxIterations: Int
        public init(epsilon: Double = 1e-8, maxIterations: Int = 25) {
            self.epsilon = epsilon
            self.maxIterations = maxIterations
        }
    }

    /// Statistical trouble, as R's warnings and `NA`s report it.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// Some fitted probabilities are numerically 0 or 1: the outcome is (quasi-)separated by the
        /// covariates and some coefficients diverge (R: "fitted probabilities numerically 0 or 1 occurred").
        case separation
        /// IRLS ran out of iterations (R: "glm.fit: algorithm did not converge").
        case iterationLimit
        /// Columns not estimable (constant or collinear): coefficient NaN (R: NA).
        case singular(columns: [Int])

        public var description: String {
            switch self {
            case .separation: return "fitted probabilities numerically 0 or 1 (separation); coefficients may be infinite"
            case .iterationLimit: return "IRLS did not converge"
            case .singular(let c): return "columns \(c) not estimable"
            }
        }
    }

    /// `(Intercept)` (when fitted) followed by the design's columns.
    public let columnNames: [String]
    /// Estimates, NaN for aliased columns (R: `coef`).
    public let coefficients: [Double]
    /// Variance matrix, row-major p×p (R: `vcov`, dispersion 1); 0 rows for aliased columns.
    public let variance: [Double]
    /// Residual and null deviance (R: `deviance`, `null.deviance`).
    public let deviance: Double
    public let nullDeviance: Double
    /// IRLS iterations (R: `iter`).
    public let iterations: Int
    /// Fitted probabilities in input order (R: `fitted`).
    public let fitted: [Double]
    public let problems: [Problem]

    /// Standard errors (R: `sqrt(diag(vcov(fit)))`; NaN for aliased columns).
    public var standardErrors: [Double] {
        let p = columnNames.count
        return (0..<p).map { coefficients[$0].isNaN ? .nan : variance[$0 * p + $0].squareRoot() }
    }

    /// Fits the model.
    /// - Parameters:
    ///   - outcome: true for the outcome (e.g. treated).
    ///   - design: the covariates.
    ///   - weights: prior weights, positive and finite; nil for 1.
    ///   - intercept: fit an intercept (R: the default `1 +`).
    /// - Throws: `SurvivalError` for mismatched lengths, an empty input, a non-finite covariate or an
    ///   invalid weight (index named).
    public init(outcome: [Bool], design: CoxDesign, weights: [Double]? = nil, intercept: Bool = true,
                options: Options = Options()) throws {
        let n = outcome.count
        guard n > 0 else { throw SurvivalError(.emptyInput, "outcome") }
        guard design.rowCount == n else { throw SurvivalError(.lengthMismatch, "outcome and design") }
        if let weights {
            guard weights.count == n else { throw SurvivalError(.lengthMismatch, "outcome and weights") }
            for i in 0..<n where !(weights[i].isFinite && weights[i] > 0) { throw SurvivalError(.invalidWeight, "weight \(i)") }
        }
        let x = _logisticDesign(design, intercept: intercept)
        let p = x.p
        guard p > 0 else { throw SurvivalError(.invalidArgument, "design has no columns") }
        if let bad = x.values.firstIndex(where: { !$0.isFinite }) { throw SurvivalError(.invalidValue, "design row \(bad / p)") }
        let y = outcome.map { $0 ? 1.0 : 0.0 }
        let w = weights ?? [Double](repeating: 1, count: n)
        let irls = _irls(x: x.values, n: n, p: p, y: y, w: w, options: options)
        columnNames = (intercept ? ["(Intercept)"] : []) + design.columnNames
        var beta = irls.beta
        for j in irls.aliased { beta[j] = .nan }
        coefficients = beta
        variance = irls.variance
        deviance = irls.deviance
        nullDeviance = _binomialDeviance(y: y, mu: [Double](repeating: intercept ? _weightedMean(y, w) : 0.5, count: n), w: w)
        iterations = irls.iterations
        fitted = irls.mu
        var problems = [Problem]()
        if !irls.converged { problems.append(.iterationLimit) }
        let eps = 10 * Double.ulpOfOne
        if irls.mu.contains(where: { $0 > 1 - eps || $0 < eps }) { problems.append(.separation) }
        if !irls.aliased.isEmpty { problems.append(.singular(columns: irls.aliased)) }
        self.problems = problems
    }

    /// Fitted probabilities for new rows with the design's columns (row-major, without the intercept
    /// column); aliased columns contribute 0.
    public func probabilities(rowMajor values: [Double]) -> [Double] {
        let hasIntercept = columnNames.first == "(Intercept)"
        let k = columnNames.count - (hasIntercept ? 1 : 0)
        guard k > 0 else { return [] }
        return stride(from: 0, to: values.count, by: k).map { start in
            var eta = hasIntercept ? _zeroIfNaN(coefficients[0]) : 0
            for j in 0..<k { eta += values[start + j] * _zeroIfNaN(coefficients[j + (hasIntercept ? 1 : 0)]) }
            return _logitInverse(eta)
        }
    }
}

private func _zeroIfNaN(_ v: Double) -> Double { v.isNaN ? 0 : v }

/// The model matrix: an intercept column (when asked) before the design's columns, row-major.
private func _logisticDesign(_ design: CoxDesign, intercept: Bool) -> (values: [Double], p: Int) {
    guard intercept else { return (design.values, design.columnCount) }
    let k = design.columnCount, p = k + 1
    var v = [Double](repeating: 1, count: design.rowCount * p)
    for i in 0..<design.rowCount { for j in 0..<k { v[i * p + j + 1] = design.values[i * k + j] } }
    return (v, p)
}

/// R's `binomial()$linkinv`: 1/(1 + e^−η), clamped to [ε, 1 − ε] for |η| > 30.
func _logitInverse(_ eta: Double) -> Double {
    let t = eta < -30 ? Double.ulpOfOne : (eta > 30 ? 1 / Double.ulpOfOne : exp(eta))
    return t / (1 + t)
}

/// R's `binomial()$mu.eta`: e^η/(1 + e^η)², at least ε.
private func _logitDerivative(_ eta: Double) -> Double {
    let opexp = 1 + exp(eta)
    return Swift.abs(eta) > 30 ? Double.ulpOfOne : exp(eta) / (opexp * opexp)
}

/// Σ w·y / Σ w.
private func _weightedMean(_ y: [Double], _ w: [Double]) -> Double {
    var s = 0.0, sw = 0.0
    for i in y.indices { s += w[i] * y[i]; sw += w[i] }
    return s / sw
}

/// R's `binomial()$dev.resids` summed: 2 Σ w (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))).
func _binomialDeviance(y: [Double], mu: [Double], w: [Double]) -> Double {
    var d = 0.0
    for i in y.indices { d += 2 * w[i] * (y[i] == 1 ? -log(mu[i]) : -log(1 - mu[i])) }
    return d
}

/// The result of an IRLS run.
private struct _IRLSResult {
    var beta: [Double], variance: [Double], mu: [Double]
    var deviance: Double, iterations: Int, converged: Bool, aliased: [Int]
}

/// One weighted least-squares step: β solving XᵀWX β = XᵀWz, with the factor of XᵀWX.
private func _weightedLeastSquares(x: [Double], n: Int, p: Int, z: [Double], ww: [Double]) -> (beta: [Double], factor: [Double], rank: Int) {
    var xtwx = [Double](repeating: 0, count: p * p), xtwz = [Double](repeating: 0, count: p)
    for i in 0..<n {
        let row = i * p
        for a in 0..<p {
            let wa = ww[i] * x[row + a]
            xtwz[a] += wa * z[i]
            for b in a..<p { xtwx[a * p + b] += wa * x[row + b] }
        }
    }
    let rank = xtwx.withUnsafeMutableBufferPointer { _cholesky2($0.baseAddress!, p, tolerance: 1e-11) }
    xtwx.withUnsafeBufferPointer { f in xtwz.withUnsafeMutableBufferPointer { _chsolve2(f.baseAddress!, p, $0.baseAddress!) } }
    return (xtwz, xtwx, rank)
}

/// η = Xβ.
private func _linearPredictor(x: [Double], n: Int, p: Int, beta: [Double]) -> [Double] {
    (0..<n).map { i in
        var s = 0.0
        for j in 0..<p { s += x[i * p + j] * beta[j] }
        return s
    }
}

/// R's `glm.fit` loop for the binomial family with the logit link.
private func _irls(x: [Double], n: Int, p: Int, y: [Double], w: [Double], options: LogisticRegression.Options) -> _IRLSResult {
    var mu = (0..<n).map { (i: Int) -> Double in (w[i] * y[i] + 0.5) / (w[i] + 1) }
    var eta = mu.map { (m: Double) -> Double in log(m / (1 - m)) }
    var devold = _binomialDeviance(y: y, mu: mu, w: w)
    var beta = [Double](repeating: 0, count: p), factor = [Double](repeating: 0, count: p * p)
    var converged = false, iter = 0, dev = devold
    while iter < options.maxIterations {
        iter += 1
        let d = eta.map(_logitDerivative)
        var z = [Double](repeating: 0, count: n), ww = [Double](repeating: 0, count: n)
        for i in 0..<n {
            z[i] = eta[i] + (y[i] - mu[i]) / d[i]
            let variance = mu[i] * (1 - mu[i])
            ww[i] = w[i] * d[i] * d[i] / variance
        }
        let step = _weightedLeastSquares(x: x, n: n, p: p, z: z, ww: ww)
        var newBeta = step.beta
        eta = _linearPredictor(x: x, n: n, p: p, beta: newBeta)
        mu = eta.map(_logitInverse)
        dev = _binomialDeviance(y: y, mu: mu, w: w)
        var halvings = 0
        while !dev.isFinite && halvings < options.maxIterations {
            halvings += 1
            for j in 0..<p { newBeta[j] = (newBeta[j] + beta[j]) / 2 }
            eta = _linearPredictor(x: x, n: n, p: p, beta: newBeta)
            mu = eta.map(_logitInverse)
            dev = _binomialDeviance(y: y, mu: mu, w: w)
        }
        beta = newBeta
        factor = step.factor
        if Swift.abs(dev - devold) / (Swift.abs(dev) + 0.1) < options.epsilon { converged = true; break }
        devold = dev
    }
    // the variance at the final iterate's working weights (R: summary.glm uses the QR of the last step)
    var aliased = [Int]()
    for j in 0..<p where factor[j * p + j] == 0 { aliased.append(j) }
    factor.withUnsafeMutableBufferPointer { _chinv2($0.baseAddress!, p) }
    return _IRLSResult(beta: beta, variance: factor, mu: mu, deviance: dev, iterations: iter, converged: converged,
                       aliased: aliased)
}
