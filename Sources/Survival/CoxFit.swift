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

        // sort once: by time, then stably by stratum; aeqSurv's merging keeps that order valid
        var codes = [Int32](repeating: 0, count: n)
        var levels = [String]()
        if let strata {
            var used = [Int32](repeating: -1, count: strata.levels.count)
            for c in strata.codes { used[Int(c)] = 0 }
            var k: Int32 = 0
            for l in used.indices where used[l] == 0 { used[l] = k; k += 1; levels.append(strata.levels[l]) }
            for i in 0..<n { codes[i] = used[Int(strata.codes[i])] }
        }
        strataLevels = levels
        let nStrata = max(levels.count, 1)
        var order: [Int32]
        if options.ties == .exact {
            // R: order(strata, -time)
            order = _radixOrder(time.map { ~_orderableKey($0) })
        } else {
            order = _timeOrder(countingProcess?.time ?? time)
        }
        let fixed = countingProcess?.time ?? (options.timeFix ? (_timeFix(time, sortedBy: order) ?? time) : time)
        if strata != nil { order = _stableOrder(order, byCode: codes, levels: nStrata) }
        var st = [Double](repeating: 0, count: n), ss = [UInt8](repeating: 0, count: n)
        var sw = [Double](repeating: 1, count: n), sk = [Int32](repeating: 0, count: n)
        var last = [UInt8](repeating: 0, count: n)
        for r in 0..<n {
            let i = Int(order[r])
            st[r] = fixed[i]
            ss[r] = event[i] ? 1 : 0
            if let weights { sw[r] = weights[i] }
            sk[r] = codes[i]
        }
        for r in 0..<n {
            if options.ties == .exact {
                last[r] = (r == 0 || sk[r] != sk[r - 1]) ? 1 : 0        // first of a stratum
            } else {
                last[r] = (r == n - 1 || sk[r] != sk[r + 1]) ? 1 : 0    // last of a stratum
            }
        }
        var data = _CoxData(n: n, p: p, order: order, time: st, status: ss, weight: sw, stratum: sk,
                            lastInStratum: last, unitWeights: weights == nil)
        if let countingProcess {
            let sortedEntry = order.map { countingProcess.entry[Int($0)] }
            data.entry = sortedEntry
            data.entryOrder = _entryOrder(sortedEntry: sortedEntry, stratum: sk, strata: nStrata)
        }
        self.data = data

        // R's nocenter = c(-1, 0, 1): columns with only those values are neither centred nor scaled
        var doScale = [Bool](repeating: false, count: p)
        design.values.withUnsafeBufferPointer { v in
            var undecided = p
            var i = 0
            while i < n && undecided > 0 {
                let row = i &* p
                for j in 0..<p where !doScale[j] {
                    let x = v[row &+ j]
                    if x != 0 && x != 1 && x != -1 { doScale[j] = true; undecided -= 1 }
                }
                i += 1
            }
        }

        guard events > 0 else {
            // R coxph: no events, no fit
            coefficients = [Double](repeating: .nan, count: p)
            variance = [Double](repeating: 0, count: p * p)
            naiveVariance = nil
            means = (0..<p).map { j in
                var s = 0.0
                for i in 0..<n { s += design.values[i * p + j] }
                return s / Double(n)
            }
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

        var beta: [Double], u: [Double], imat: [Double], means: [Double]
        var loglik0: Double, loglik1: Double, sctest: Double, iter: Int, flag: Int
        var infs = [Double](repeating: 0, count: p)
        var infScale = [Double](repeating: 0, count: p)    // |coef| on the scale infs is measured
        // sorted copy of X: the one large allocation of the fit
        var x = [Double](unsafeUninitializedCapacity: n * p) { xb, count in
            design.values.withUnsafeBufferPointer { v in
                order.withUnsafeBufferPointer { o in
                    for r in 0..<n {
                        let src = v.baseAddress! + Int(o[r]) &* p
                        (xb.baseAddress! + r &* p).initialize(from: src, count: p)
                    }
                }
            }
            count = n * p
        }
        if options.ties == .exact {
            // R: scale(x) (mean, sd with n − 1), except 0/±1 columns
            means = [Double](repeating: 0, count: p)
            var rescale = [Double](repeating: 1, count: p)
            for j in 0..<p where doScale[j] {
                var s = 0.0
                for r in 0..<n { s += x[r * p + j] }
                // a constant column centres to exactly 0 (s / n can miss the constant by an ulp,
                // and dividing that residue by its own tiny sd would make a column of ±1)
                let m = x.withUnsafeBufferPointer { _constantColumn($0, n: n, p: p, j) } ?? s / Double(n)
                var ss2 = 0.0
                for r in 0..<n { let d = x[r * p + j] - m; ss2 += d * d }
                var sd = (ss2 / Double(n - 1)).squareRoot()
                if !(sd > 0) { sd = 1 }
                means[j] = m
                rescale[j] = sd
                for r in 0..<n { x[r * p + j] = (x[r * p + j] - m) / sd }
            }
            let e = _exactNewtonRaphson(n: n, p: p, x: x, time: st, status: ss, firstInStratum: last,
                                        initial: (0..<p).map { (options.initial?[$0] ?? 0) * rescale[$0] },
                                        maxIterations: options.maxIterations, epsilon: options.epsilon,
                                        cholTolerance: options.cholTolerance)
            // infinite-coefficient check on the scaled fit, as coxexact.fit does
            for a in 0..<p {
                var s = 0.0
                for b in 0..<p { s += e.u[b] * e.imat[b * p + a] }
                infs[a] = Swift.abs(s)
                infScale[a] = Swift.abs(e.beta[a])
            }
            beta = (0..<p).map { e.beta[$0] / rescale[$0] }
            imat = e.imat
            for a in 0..<p { for b in 0..<p { imat[a * p + b] /= rescale[a] * rescale[b] } }
            u = e.u
            loglik0 = e.loglik0; loglik1 = e.loglik1; sctest = e.sctest; iter = e.iter; flag = e.flag
        } else {
            let r = _newtonRaphson(data, x: &x, efron: options.ties == .efron, doScale: doScale,
                                   initial: options.initial ?? [Double](repeating: 0, count: p),
                                   maxIterations: options.maxIterations, epsilon: options.epsilon,
                                   cholTolerance: options.cholTolerance)
            beta = r.beta; u = r.u; imat = r.imat; means = r.means
            loglik0 = r.loglikInitial; loglik1 = r.loglikFinal; sctest = r.scoreTest; iter = r.iterations; flag = r.flag
            for a in 0..<p {
                var s = 0.0
                for b in 0..<p { s += u[b] * imat[b * p + a] }
                infs[a] = Swift.abs(s)
                infScale[a] = Swift.abs(beta[a])
            }
        }
        x = []

        var problems = [Problem]()
        // aliased columns: zero variance (R: which.sing <- diag(var) == 0 when flag < nvar)
        var singular = [Int]()
        if flag < p { for j in 0..<p where imat[j * p + j] == 0 { singular.append(j) } }
        if !singular.isEmpty { problems.append(.singular(columns: singular)) }

        // centred linear predictor with the fitted beta (aliased columns contribute 0)
        var lp = [Double](repeating: 0, count: n)
        var center = 0.0
        for j in 0..<p { center += beta[j] * means[j] }
        design.values.withUnsafeBufferPointer { v in
            lp.withUnsafeMutableBufferPointer { l in
                for i in 0..<n {
                    var s = 0.0
                    let row = i &* p
                    for j in 0..<p { s += v[row &+ j] * beta[j] }
                    l[i] = s - center
                }
            }
        }
        if options.maxIterations > 1 {
            if flag == 1000 {
                problems.append(.iterationLimit)
                var maxLp = -Double.infinity
                for v in lp { maxLp = max(maxLp, v) }
                if maxLp > 500 || infs.contains(where: { !$0.isFinite }) {
                    problems.append(.infiniteCoefficient(columns: (0..<p).filter { !infs[$0].isFinite || maxLp > 500 }))
                }
            } else {
                let cols = (0..<p).filter {
                    !u[$0].isFinite || (infs[$0] > options.epsilon && infs[$0] > options.infinityTolerance * infScale[$0])
                }
                if !cols.isEmpty { problems.append(.infiniteCoefficient(columns: cols)) }
            }
        }
        if options.maxIterations > 0 { for j in singular { beta[j] = .nan } }

        coefficients = beta
        if options.robust || cluster != nil {
            naiveVariance = imat
            imat = _robustVariance(data, values: design.values, beta: beta, means: means, naive: imat,
                                   efron: options.ties == .efron, strata: nStrata, cluster: cluster?.codes,
                                   clusterCount: cluster?.levels.count ?? 0)
        } else {
            naiveVariance = nil
        }
        variance = imat
        self.means = means
        logLikelihoodNull = loglik0
        logLikelihood = loglik1
        iterations = iter
        score = u
        linearPredictors = lp
        self.problems = problems

        // tests: df = number of estimable coefficients (R summary.coxph)
        let estimable = (0..<p).filter { !beta[$0].isNaN }
        let df = estimable.count
        likelihoodRatioTest = ChiSquareTest(statistic: -2 * (loglik0 - loglik1), degreesOfFreedom: df)
        scoreTest = ChiSquareTest(statistic: sctest, degreesOfFreedom: df)
        // Wald: bᵀ V⁻¹ b over the estimable coefficients (R coxph.wtest, generalised Cholesky)
        var vsub = [Double](), bsub = [Double]()
        for a in estimable { for b in estimable { vsub.append(imat[a * p + b]) } }
        for a in estimable { bsub.append(beta[a] - (options.initial?[a] ?? 0)) }
        var wald = 0.0
        if df > 0 {
            let tol = options.cholTolerance
            vsub.withUnsafeMutableBufferPointer { _ = _cholesky2($0.baseAddress!, df, tolerance: tol) }
            var sol = bsub
            vsub.withUnsafeBufferPointer { vb in sol.withUnsafeMutableBufferPointer { _chsolve2(vb.baseAddress!, df, $0.baseAddress!) } }
            for k in 0..<df { wald += sol[k] * bsub[k] }
        }
        waldTest = ChiSquareTest(statistic: wald, degreesOfFreedom: df)

        if options.concordance && countingProcess == nil {
            concordance = try Concordance(time: fixed, event: event, score: lp, strata: strata == nil ? nil : codes,
                                          strataCount: nStrata, weights: weights, reverse: true, timeFix: false)
        } else {
            concordance = nil
        }
    }
}
