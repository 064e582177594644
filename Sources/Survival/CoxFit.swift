#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Cox proportional-hazards fit: coefficients, their variance, the three global tests,
/// Harrell's concordance, and what the fit needs for predicted survival and the PH test.
///
/// R: `coxph(Surv(time, event) ~ x + strata(s), weights = w, ties = )` (survival 3.5):
/// Newton–Raphson with step-halving as `coxfit6.c` (Efron and Breslow) or `coxexact.c` (exact
/// partial likelihood), the same centring and scaling of covariates (0/±1 columns are not centred,
/// R's `nocenter`), the same stopping rule (|1 − ℓ_old/ℓ_new| ≤ eps, eps = 1e-9, at most 20
/// iterations), so the coefficients, iteration count and log-likelihoods agree with R's to rounding.
/// Statistical trouble is reported in `problems`, never thrown: no events (coefficients NaN,
/// log-likelihoods 0), aliased columns (coefficient NaN, its variance row 0, as R's NA), a coefficient
/// diverging under a monotone likelihood (R's "coefficient may be infinite" warning), and running
/// out of iterations.
/// - Complexity: O(*n p²*) per iteration after one O(*n*) radix sort (Efron, Breslow);
///   O(*n d p²*) per iteration for exact ties with at most *d* tied events.
public struct CoxFit: Sendable {
    /// How tied event times enter the partial likelihood (R: `ties`).
    public enum Ties: String, Sendable, CaseIterable, Codable {
        case efron, breslow, exact
    }

    /// Statistical trouble, as R survival reports it in warnings and `NA`s.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// No events: nothing to estimate (R returns NA coefficients and log-likelihood 0).
        case noEvents
        /// Columns whose coefficients are not estimable (constant, or collinear with earlier
        /// columns): R's "X matrix deemed to be singular", coefficient NA.
        case singular(columns: [Int])
        /// The log-likelihood converged while these coefficients kept growing (monotone likelihood):
        /// R's "Loglik converged before variable …; coefficient may be infinite".
        case infiniteCoefficient(columns: [Int])
        /// Newton–Raphson ran out of iterations (R: "Ran out of iterations and did not converge").
        case iterationLimit

        public var description: String {
            switch self {
            case .noEvents: return "no events"
            case .singular(let c): return "singular information matrix; not estimable: columns \(c)"
            case .infiniteCoefficient(let c): return "log-likelihood converged before columns \(c); coefficients may be infinite"
            case .iterationLimit: return "ran out of iterations and did not converge"
            }
        }
    }

    /// One row of the coefficient table (R: `summary(fit)$coefficients` and `$conf.int`).
    public struct Coefficient: Sendable, Hashable {
        public let name: String
        public let coefficient: Double
        public let hazardRatio: Double
        public let standardError: Double
        public let z: Double
        public let pValue: Double
        /// Wald confidence limits of the hazard ratio.
        public let lower: Double
        public let upper: Double
    }

    public let options: Options
    /// Observations used and events among them (unweighted, R: `n`, `nevent`).
    public let n: Int
    public let eventCount: Int
    public let columnNames: [String]
    public let terms: [CoxDesign.Term]
    /// Estimates, NaN for non-estimable columns (R: `coef`, NA).
    public let coefficients: [Double]
    /// Variance matrix, row-major p×p (R: `var`): the inverse information, or the robust sandwich
    /// variance when `robust` or a cluster was asked for.
    public let variance: [Double]
    /// The model-based variance (inverse information) when `variance` is the robust one
    /// (R: `naive.var`), else nil.
    public let naiveVariance: [Double]?
    /// The centring R uses (R: `means`): weighted column means, 0 for 0/±1 columns (and for the exact
    /// method, unweighted means).
    public let means: [Double]
    /// Partial log-likelihood at β = 0 and at the estimate (R: `loglik`).
    public let logLikelihoodNull: Double
    public let logLikelihood: Double
    /// Newton–Raphson iterations (R: `iter`).
    public let iterations: Int
    /// Score at the estimate (R: `u` of coxfit6, on the original scale).
    public let score: [Double]
    public let likelihoodRatioTest: ChiSquareTest
    public let waldTest: ChiSquareTest
    public let scoreTest: ChiSquareTest
    /// Harrell's C as coxph reports it, with its infinitesimal-jackknife se (nil when not requested,
    /// without events, or for (start, stop] data).
    public let concordance: Concordance?
    /// Centred linear predictors (x − means)·β in input order (R: `linear.predictors`).
    public let linearPredictors: [Double]
    public let problems: [Problem]

    // kept for predicted survival and the PH test
    let data: _CoxData
    let design: CoxDesign
    let strataLevels: [String]

    /// Standard errors (R: `sqrt(diag(var))`; NaN for non-estimable columns).
    public var standardErrors: [Double] {
        let p = columnNames.count
        return (0..<p).map { coefficients[$0].isNaN ? .nan : variance[$0 * p + $0].squareRoot() }
    }

    /// Model-based standard errors when `standardErrors` are the robust ones (R: `sqrt(diag(naive.var))`).
    public var naiveStandardErrors: [Double]? {
        let p = columnNames.count
        return naiveVariance.map { v in (0..<p).map { coefficients[$0].isNaN ? .nan : v[$0 * p + $0].squareRoot() } }
    }

    /// The coefficient table with hazard ratios, z, p and Wald intervals (R: `summary(fit)`).
    public var coefficientTable: [Coefficient] {
        let z = ConfidenceLevel(options.confidenceLevel).z
        let se = standardErrors
        return columnNames.indices.map { j in
            let b = coefficients[j], s = se[j]
            let zz = b / s
            return Coefficient(name: columnNames[j], coefficient: b, hazardRatio: exp(b), standardError: s, z: zz,
                               pValue: ChiSquared.upperTail(zz * zz, degreesOfFreedom: 1),
                               lower: exp(b - z * s), upper: exp(b + z * s))
        }
    }

    /// The strata labels (non-empty levels), `[]` when unstratified.
    public var strata: [String] { strataLevels }

    /// Fits the model.
    /// - Parameters:
    ///   - entry: entry times for counting-process data (start, stop] (R: `Surv(start, stop, event)`):
    ///     a row is at risk at t when entry < t ≤ time. nil for right-censored data. Not with exact ties.
    ///     Predicted survival and the PH test are not available for such fits.
    ///   - time: follow-up (stop) times, finite and ≥ 0.
    ///   - event: true for an event.
    ///   - design: the covariates (at least one column).
    ///   - strata: separate baseline hazards per level (R: `strata(s)`).
    ///   - weights: case weights, positive and finite (not with exact ties, as in R). The variance is
    ///     the model-based one unless `options.robust` or `cluster` asks for the sandwich; R switches
    ///     to the robust variance by itself for non-integer weights, this fit only when asked.
    ///   - cluster: rows of one cluster (e.g. one patient) share one score contribution in the robust
    ///     variance (R: `cluster(id)`); implies robust.
    /// - Throws: `SurvivalError` when the input cannot be used (lengths, invalid times or weights,
    ///   an entry not before its stop time, an empty design). Estimation trouble is in `problems`.
    public init(entry: [Double]? = nil, time: [Double], event: [Bool], design: CoxDesign, strata: Factor? = nil,
                weights: [Double]? = nil, cluster: Factor? = nil, options: Options = Options()) throws {
        let n = time.count
        let p = design.columnCount
        try CoxFit.validate(time: time, event: event, design: design, strata: strata, weights: weights, cluster: cluster,
                            options: options)
        let countingProcess = try entry.map { try _countingProcessTimes(entry: $0, time: time, timeFix: options.timeFix) }
        if countingProcess != nil, options.ties == .exact {
            throw SurvivalError(.invalidArgument, "exact ties are not supported with (start, stop] data")
        }

        self.options = options
        self.n = n
        self.design = design
        columnNames = design.columnNames
        terms = design.terms
        var events = 0
        for e in event where e { events += 1 }
        eventCount = events

        // 1. strata present, rows sorted once (R: coxph.fit's sort, agreg.fit's sort1/sort2)
        let (codes, levels) = CoxFit._presentStrata(strata, n: n)
        strataLevels = levels
        let nStrata = max(levels.count, 1)
        let sorted = CoxFit._sortedData(time: time, event: event, weights: weights, codes: codes, stratified: strata != nil,
                                        strata: nStrata, countingProcess: countingProcess, p: p, options: options)
        data = sorted.data

        guard events > 0 else {
            // R coxph: no events, no fit
            coefficients = [Double](repeating: .nan, count: p)
            variance = [Double](repeating: 0, count: p * p)
            naiveVariance = nil
            means = CoxFit._columnMeans(design, n: n)
            logLikelihoodNull = 0
            logLikelihood = 0
            iterations = 0
            score = [Double](repeating: 0, count: p)
            likelihoodRatioTest = ChiSquareTest(statistic: 0, degreesOfFreedom: 0)
            waldTest = ChiSquareTest(statistic: 0, degreesOfFreedom: 0)
            scoreTest = ChiSquareTest(statistic: 0, degreesOfFreedom: 0)
            concordance = nil
            linearPredictors = [Double](repeating: 0, count: n)
            problems = [.noEvents]
            return
        }

        // 2. Newton–Raphson (coxfit6 for Efron/Breslow, coxexact for exact ties)
        var fit = CoxFit._estimate(sorted.data, design: design, doScale: CoxFit._scaledColumns(design, n: n), options: options)

        // 3. aliased and infinite coefficients, from the fit and its linear predictor
        let singular = CoxFit._singularColumns(fit)
        let lp = CoxFit._linearPredictors(design, beta: fit.beta, means: fit.means)
        var problems = [Problem]()
        if !singular.isEmpty { problems.append(.singular(columns: singular)) }
        problems += CoxFit._convergenceProblems(fit, linearPredictors: lp, options: options)
        if options.maxIterations > 0 { for j in singular { fit.beta[j] = .nan } }

        // 4. variance: model-based, or the robust sandwich (R: coxph.fit's naive.var and rvar)
        coefficients = fit.beta
        if options.robust || cluster != nil {
            naiveVariance = fit.imat
            variance = _robustVariance(sorted.data, values: design.values, beta: fit.beta, means: fit.means, naive: fit.imat,
                                       efron: options.ties == .efron, strata: nStrata, cluster: cluster?.codes,
                                       clusterCount: cluster?.levels.count ?? 0)
        } else {
            naiveVariance = nil
            variance = fit.imat
        }
        means = fit.means
        logLikelihoodNull = fit.loglik0
        logLikelihood = fit.loglik1
        iterations = fit.iter
        score = fit.u
        linearPredictors = lp
        self.problems = problems

        // 5. tests: df = number of estimable coefficients (R summary.coxph)
        let df = fit.beta.filter { !$0.isNaN }.count
        likelihoodRatioTest = ChiSquareTest(statistic: -2 * (fit.loglik0 - fit.loglik1), degreesOfFreedom: df)
        scoreTest = ChiSquareTest(statistic: fit.sctest, degreesOfFreedom: df)
        waldTest = ChiSquareTest(statistic: CoxFit._waldStatistic(beta: fit.beta, variance: variance, options: options),
                                 degreesOfFreedom: df)

        // 6. Harrell's C on the linear predictor (right-censored data only)
        if options.concordance && countingProcess == nil {
            concordance = try Concordance(time: sorted.fixedTime, event: event, score: lp, strata: strata == nil ? nil : codes,
                                          strataCount: nStrata, weights: weights, reverse: true, timeFix: false)
        } else {
            concordance = nil
        }
    }
}
