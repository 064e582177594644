/// Fine–Gray data: right-censored competing-risks data rewritten as weighted counting-process rows,
/// so an ordinary weighted Cox fit on them estimates the subdistribution hazard of one cause.
///
/// R: `finegray(Surv(time, factor(status)) ~ ., data, etype = k)` (survival 3.5, `finegray.R` and
/// `finegray.c`), for right-censored data without strata:
/// - the censoring distribution G is the Kaplan–Meier curve of the censorings, an event at t counting
///   as before a censoring at t (R shifts event times by −0.2 on the rank scale);
/// - a subject with the event of interest or censored keeps one row (zero, t];
/// - a subject with a competing event at t stays in the risk set after t: the row is extended to the
///   first censoring time c ≥ t (or the last follow-up), with weight 1, and followed by one row per
///   later censoring interval (c_{j−1}, c_j] that holds an event of interest, with weight
///   G(c_{j−1}) / G(t−), the probability of remaining uncensored, since t, until that interval;
/// - zero is 0, or 2·min(t) − 1 when a time is 0, as R;
/// - case weights multiply every row of their subject (G itself is unweighted, as in R).
/// Rows are in input order, each subject's added rows right after its first.
public struct FineGrayData: Sendable {
    /// The 0-based input row (the subject) of each row.
    public let subject: [Int]
    public let start: [Double]
    public let stop: [Double]
    /// True for an event of interest (R: `fgstatus`).
    public let event: [Bool]
    /// R: `fgwt` (times the case weight).
    public let weight: [Double]
    /// The cause whose subdistribution hazard the rows describe.
    public let eventOfInterest: Int

    public var count: Int { subject.count }

    /// - Parameters:
    ///   - time: follow-up times, finite and ≥ 0.
    ///   - status: 0 for censored, k ≥ 1 for an event of cause k.
    ///   - eventOfInterest: the cause k ≥ 1 (R: `etype`); at least one subject must have it.
    ///   - weights: case weights, positive and finite, or nil.
    ///   - timeFix: merge near-tied times first (R: `timefix = TRUE`, `aeqSurv`).
    /// - Throws: `SurvivalError` naming the argument and 0-based index of an invalid time, status or
    ///   weight; `.invalidArgument` when no subject has the event of interest.
    public init(time: [Double], status: [Int], eventOfInterest k: Int, weights: [Double]? = nil, timeFix: Bool = true) throws {
        let n = time.count
        guard n > 0 else { throw SurvivalError(.emptyInput, "time") }
        guard status.count == n else { throw SurvivalError(.lengthMismatch, "time and status") }
        if let weights, weights.count != n { throw SurvivalError(.lengthMismatch, "time and weights") }
        guard k >= 1 else { throw SurvivalError(.invalidArgument, "eventOfInterest must be a cause ≥ 1") }
        for i in 0..<n {
            guard time[i].isFinite, time[i] >= 0 else { throw SurvivalError(.invalidTime, "time \(i)") }
            guard status[i] >= 0 else { throw SurvivalError(.invalidValue, "status \(i)") }
            if let weights, !(weights[i].isFinite && weights[i] > 0) { throw SurvivalError(.invalidWeight, "weight \(i)") }
        }
        guard status.contains(k) else { throw SurvivalError(.invalidArgument, "no events of the event of interest \(k)") }
        let t = timeFix ? _timeFix(time) : time
        let order = _timeOrder(t)

        // G, the Kaplan–Meier curve of the censorings, at the censoring times (events at t before censorings at t)
        var censorTime = [Double](), censorSurvival = [Double]()
        var g = 1.0
        var r = 0
        while r < n {
            let ct = t[Int(order[r])]
            var end = r, censored = 0
            while end < n && t[Int(order[end])] == ct {
                if status[Int(order[end])] == 0 { censored += 1 }
                end += 1
            }
            if censored > 0 {
                // at risk: later times plus this time's censorings
                let atRisk = n - end + censored
                g *= 1 - Double(censored) / Double(atRisk)
                censorTime.append(ct)
                censorSurvival.append(g)
            }
            r = end
        }
        var minTime = Double.infinity, maxTime = -Double.infinity
        for v in t { minTime = Swift.min(minTime, v); maxTime = Swift.max(maxTime, v) }
        let zero = minTime > 0 ? 0 : 2 * minTime - 1

        // cut points: the censoring times and the last follow-up; cutSurvival[j] = G(t−) for t in (cut[j−1], cut[j]]
        let cut = censorTime + [maxTime]
        let cutSurvival = [1.0] + censorSurvival
        // an added interval (cut[j−1], cut[j]] is kept only if an event of interest falls in it
        var keep = [Bool](repeating: false, count: cut.count)
        keep[0] = true
        for i in 0..<n where status[i] == k {
            let j = _countBefore(t[i], in: cut)
            if j > 0 { keep[j] = true }
        }

        var subject = [Int](), start = [Double](), stop = [Double](), event = [Bool](), weight = [Double]()
        subject.reserveCapacity(n); start.reserveCapacity(n); stop.reserveCapacity(n)
        event.reserveCapacity(n); weight.reserveCapacity(n)
        for i in 0..<n {
            let w = weights?[i] ?? 1
            guard status[i] != 0 && status[i] != k else {
                subject.append(i); start.append(zero); stop.append(t[i]); event.append(status[i] == k); weight.append(w)
                continue
            }
            // a competing event: at risk (with decreasing weight) after t
            var j = _countBefore(t[i], in: cut)         // first cut ≥ t
            subject.append(i); start.append(zero); stop.append(cut[j]); event.append(false); weight.append(w)
            let atEvent = cutSurvival[j]
            j += 1
            while j < cut.count {
                if keep[j] {
                    subject.append(i); start.append(cut[j - 1]); stop.append(cut[j]); event.append(false)
                    weight.append(cutSurvival[j] / atEvent * w)
                }
                j += 1
            }
        }
        self.subject = subject
        self.start = start
        self.stop = stop
        self.event = event
        self.weight = weight
        eventOfInterest = k
    }
}

/// A Fine–Gray subdistribution-hazards model: the weighted Cox fit on `FineGrayData`.
///
/// R: `coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt, cluster = id, data = finegray(...))`.
/// The variance is the robust sandwich clustered by subject (the rows of one subject share one score
/// contribution), the model-based one kept as `fit.naiveVariance`. R's `coxph` without `cluster(id)`
/// would treat the expanded rows as independent (a robust variance per row); clustering by subject is
/// the one that agrees with `cmprsk::crr`'s Fine–Gray variance (to about 1% on R's mgus2 and pbc,
/// where the per-row one is 3–11% smaller), and it is what this type reports.
public struct FineGray: Sendable {
    public let data: FineGrayData
    /// The subdistribution-hazards fit: coefficients are log subdistribution hazard ratios; `variance`
    /// the robust one, `naiveVariance` the model-based one.
    public let fit: CoxFit
    /// Subjects (input rows).
    public let n: Int

    /// - Parameters:
    ///   - design: one row per subject.
    ///   - strata: one level per subject, or nil: a separate baseline subdistribution hazard per level (R:
    ///     `+ strata(s)` in the weighted `coxph`); the censoring distribution G stays the one of all subjects
    ///     (R's `finegray(Surv(time, status) ~ ., ...)`, whose formula has no `strata()` term).
    ///   - options: Cox fitting controls; `robust` is implied (clustered by subject). Not exact ties.
    /// - Throws: `SurvivalError` for invalid input (see `FineGrayData.init`), `.lengthMismatch` for a
    ///   design of another length, `.invalidArgument` for exact ties.
    public init(time: [Double], status: [Int], eventOfInterest: Int, design: CoxDesign, strata: Factor? = nil,
                weights: [Double]? = nil, options: CoxFit.Options = CoxFit.Options()) throws {
        guard design.rowCount == time.count else { throw SurvivalError(.lengthMismatch, "time and design") }
        if let strata, strata.codes.count != time.count { throw SurvivalError(.lengthMismatch, "time and strata") }
        guard options.ties != .exact else { throw SurvivalError(.invalidArgument, "exact ties are not supported with Fine–Gray data") }
        let d = try FineGrayData(time: time, status: status, eventOfInterest: eventOfInterest, weights: weights,
                                 timeFix: options.timeFix)
        let p = design.columnCount
        var values = [Double]()
        values.reserveCapacity(d.count * p)
        for s in d.subject { values.append(contentsOf: design.values[(s * p)..<((s + 1) * p)]) }
        let expanded = try CoxDesign(rowMajor: values, rowCount: d.count, columnNames: design.columnNames, terms: design.terms)
        var o = options
        o.robust = true
        o.concordance = false
        let cluster = Factor(codes: d.subject.map { Int32($0) }, levels: (0..<time.count).map(String.init))
        // CoxFit takes times ≥ 0: with R's zero of −1 (a time is 0) the fit sees every time shifted by +1,
        // which keeps every risk set (times are already merged by aeqSurv, so no two become equal)
        let shift = d.start.min().map { Swift.max(0, -$0) } ?? 0
        let expandedStrata = strata.map { s in Factor(codes: d.subject.map { s.codes[$0] }, levels: s.levels) }
        fit = try CoxFit(entry: d.start.map { $0 + shift }, time: d.stop.map { $0 + shift }, event: d.event, design: expanded,
                         strata: expandedStrata, weights: d.weight, cluster: cluster, options: o)
        data = d
        n = time.count
    }
}
