#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The steps of `CoxFit.init`, in the order R's `coxph.fit`/`agreg.fit` take them (lifelines'
// `_newton_rhapson` splits its work the same way): strata and sorting, which columns are centred,
// Newton–Raphson on the sorted copy of X, the problems R warns about, and the Wald test.
extension CoxFit {
    /// The rows sorted once, with what the fit needs per sorted row.
    struct _Sorted {
        var data: _CoxData
        /// Follow-up times as the fit uses them (after R's `aeqSurv` merging when `timeFix`), input order.
        var fixedTime: [Double]
    }

    /// What Newton–Raphson leaves: on the original scale of the covariates.
    struct _Estimate {
        var beta: [Double], u: [Double], imat: [Double], means: [Double]
        var loglik0: Double, loglik1: Double, sctest: Double
        var iter: Int, flag: Int
        /// |u·I⁻¹| per column and |β| on the scale it is measured (R's `infs` check).
        var infs: [Double], infScale: [Double]
    }

    /// Strata codes renumbered over the levels that occur (unused levels dropped), with those levels;
    /// all 0 and `[]` when unstratified.
    static func _presentStrata(_ strata: Factor?, n: Int) -> (codes: [Int32], levels: [String]) {
        var codes = [Int32](repeating: 0, count: n)
        var levels = [String]()
        if let strata {
            var used = [Int32](repeating: -1, count: strata.levels.count)
            for c in strata.codes { used[Int(c)] = 0 }
            var k: Int32 = 0
            for l in used.indices where used[l] == 0 { used[l] = k; k += 1; levels.append(strata.levels[l]) }
            for i in 0..<n { codes[i] = used[Int(strata.codes[i])] }
        }
        return (codes, levels)
    }

    /// Sorts once: by time (descending for exact ties, R's `order(strata, -time)`), then stably by
    /// stratum; `aeqSurv`'s merging keeps that order valid. Marks each stratum's last row (first for
    /// exact ties) and, for (start, stop] data, the entry order (R agreg's `sort2`).
    static func _sortedData(time: [Double], event: [Bool], weights: [Double]?, codes: [Int32], stratified: Bool,
                            strata nStrata: Int, countingProcess: (entry: [Double], time: [Double])?, p: Int,
                            options: Options) -> _Sorted {
        let n = time.count
        var order: [Int32]
        if options.ties == .exact {
            order = _radixOrder(time.map { ~_orderableKey($0) })
        } else {
            order = _timeOrder(countingProcess?.time ?? time)
        }
        let fixed = countingProcess?.time ?? (options.timeFix ? (_timeFix(time, sortedBy: order) ?? time) : time)
        if stratified { order = _stableOrder(order, byCode: codes, levels: nStrata) }
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
        return _Sorted(data: data, fixedTime: fixed)
    }

    /// R's `nocenter = c(-1, 0, 1)`: columns with only those values are neither centred nor scaled
    /// (false); every other column true.
    static func _scaledColumns(_ design: CoxDesign, n: Int) -> [Bool] {
        let p = design.columnCount
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
        return doScale
    }

    /// Plain column means (R's `means` of a fit without events).
    static func _columnMeans(_ design: CoxDesign, n: Int) -> [Double] {
        let p = design.columnCount
        return (0..<p).map { j in
            var s = 0.0
            for i in 0..<n { s += design.values[i * p + j] }
            return s / Double(n)
        }
    }

    /// Newton–Raphson on a sorted copy of X (the one large allocation of the fit, released on return):
    /// `coxfit6` for Efron and Breslow, `coxexact` for exact ties.
    static func _estimate(_ data: _CoxData, design: CoxDesign, doScale: [Bool], options: Options) -> _Estimate {
        let n = data.n, p = data.p
        var x = [Double](unsafeUninitializedCapacity: n * p) { xb, count in
            design.values.withUnsafeBufferPointer { v in
                data.order.withUnsafeBufferPointer { o in
                    for r in 0..<n {
                        let src = v.baseAddress! + Int(o[r]) &* p
                        (xb.baseAddress! + r &* p).initialize(from: src, count: p)
                    }
                }
            }
            count = n * p
        }
        if options.ties == .exact {
            return _estimateExact(data, x: &x, doScale: doScale, options: options)
        }
        let r = _newtonRaphson(data, x: &x, efron: options.ties == .efron, doScale: doScale,
                               initial: options.initial ?? [Double](repeating: 0, count: p),
                               maxIterations: options.maxIterations, epsilon: options.epsilon,
                               cholTolerance: options.cholTolerance)
        let (infs, infScale) = _infinityCheck(u: r.u, imat: r.imat, beta: r.beta)
        return _Estimate(beta: r.beta, u: r.u, imat: r.imat, means: r.means, loglik0: r.loglikInitial,
                         loglik1: r.loglikFinal, sctest: r.scoreTest, iter: r.iterations, flag: r.flag,
                         infs: infs, infScale: infScale)
    }

    /// Exact ties: R's `scale(x)` (mean, sd with n − 1) except 0/±1 columns, `coxexact`, and the
    /// estimate and information brought back to the original scale.
    static func _estimateExact(_ data: _CoxData, x: inout [Double], doScale: [Bool], options: Options) -> _Estimate {
        let n = data.n, p = data.p
        var means = [Double](repeating: 0, count: p)
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
        let e = _exactNewtonRaphson(n: n, p: p, x: x, time: data.time, status: data.status, firstInStratum: data.lastInStratum,
                                    initial: (0..<p).map { (options.initial?[$0] ?? 0) * rescale[$0] },
                                    maxIterations: options.maxIterations, epsilon: options.epsilon,
                                    cholTolerance: options.cholTolerance)
        // infinite-coefficient check on the scaled fit, as coxexact.fit does
        let (infs, infScale) = _infinityCheck(u: e.u, imat: e.imat, beta: e.beta)
        var imat = e.imat
        for a in 0..<p { for b in 0..<p { imat[a * p + b] /= rescale[a] * rescale[b] } }
        return _Estimate(beta: (0..<p).map { e.beta[$0] / rescale[$0] }, u: e.u, imat: imat, means: means,
                         loglik0: e.loglik0, loglik1: e.loglik1, sctest: e.sctest, iter: e.iter, flag: e.flag,
                         infs: infs, infScale: infScale)
    }

    /// R's `infs`: |u·I⁻¹| per column (the Newton step still to go), and |β| on the scale it is measured.
    static func _infinityCheck(u: [Double], imat: [Double], beta: [Double]) -> (infs: [Double], scale: [Double]) {
        let p = beta.count
        var infs = [Double](repeating: 0, count: p), infScale = [Double](repeating: 0, count: p)
        for a in 0..<p {
            var s = 0.0
            for b in 0..<p { s += u[b] * imat[b * p + a] }
            infs[a] = Swift.abs(s)
            infScale[a] = Swift.abs(beta[a])
        }
        return (infs, infScale)
    }

    /// Aliased columns: zero variance (R: `which.sing <- diag(var) == 0` when flag < nvar).
    static func _singularColumns(_ fit: _Estimate) -> [Int] {
        let p = fit.beta.count
        var singular = [Int]()
        if fit.flag < p { for j in 0..<p where fit.imat[j * p + j] == 0 { singular.append(j) } }
        return singular
    }

    /// Centred linear predictor (x − means)·β in input order (aliased columns contribute 0).
    static func _linearPredictors(_ design: CoxDesign, beta: [Double], means: [Double]) -> [Double] {
        let n = design.rowCount, p = design.columnCount
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
        return lp
    }

    /// R coxph.fit's warnings: out of iterations, and coefficients that may be infinite (monotone likelihood).
    static func _convergenceProblems(_ fit: _Estimate, linearPredictors lp: [Double], options: Options) -> [Problem] {
        guard options.maxIterations > 1 else { return [] }
        let p = fit.beta.count, infs = fit.infs
        var problems = [Problem]()
        if fit.flag == 1000 {
            problems.append(.iterationLimit)
            var maxLp = -Double.infinity
            for v in lp { maxLp = max(maxLp, v) }
            if maxLp > 500 || infs.contains(where: { !$0.isFinite }) {
                problems.append(.infiniteCoefficient(columns: (0..<p).filter { !infs[$0].isFinite || maxLp > 500 }))
            }
        } else {
            let cols = (0..<p).filter {
                !fit.u[$0].isFinite || (infs[$0] > options.epsilon && infs[$0] > options.infinityTolerance * fit.infScale[$0])
            }
            if !cols.isEmpty { problems.append(.infiniteCoefficient(columns: cols)) }
        }
        return problems
    }

    /// Wald: bᵀ V⁻¹ b over the estimable coefficients, b measured from the initial values (R
    /// coxph.wtest, generalised Cholesky).
    static func _waldStatistic(beta: [Double], variance: [Double], options: Options) -> Double {
        let p = beta.count
        let estimable = (0..<p).filter { !beta[$0].isNaN }
        let df = estimable.count
        var vsub = [Double](), bsub = [Double]()
        for a in estimable { for b in estimable { vsub.append(variance[a * p + b]) } }
        for a in estimable { bsub.append(beta[a] - (options.initial?[a] ?? 0)) }
        var wald = 0.0
        if df > 0 {
            let tol = options.cholTolerance
            vsub.withUnsafeMutableBufferPointer { _ = _cholesky2($0.baseAddress!, df, tolerance: tol) }
            var sol = bsub
            vsub.withUnsafeBufferPointer { vb in sol.withUnsafeMutableBufferPointer { _chsolve2(vb.baseAddress!, df, $0.baseAddress!) } }
            for k in 0..<df { wald += sol[k] * bsub[k] }
        }
        return wald
    }
}
