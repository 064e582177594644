/// Competing risks: the Aalen–Johansen estimate of the probability of being event-free or of
/// having had each kind of event by time t, with infinitesimal-jackknife standard errors.
///
/// R: `survfit(Surv(time, factor(status)) ~ 1)` with a multi-state status (survival 3.5,
/// `survfitci.c`): state 0 is "still event-free" (R's `(s0)`), states 1…K are the competing events.
/// Every subject starts event-free. Bounds use conf.type "log" on the probability scale
/// (R's `logse = FALSE`). The influence of every subject is kept implicitly: subjects still at risk
/// share one influence row and those who left are summarised by a K+1 × K+1 cross-product matrix,
/// so the cost does not grow with n × times.
/// - Complexity: O(*n*) sort plus O(*m K³*) for *m* distinct times.
public struct CumulativeIncidence: Sendable {
    /// `["(s0)"] + eventTypes`.
    public let states: [String]
    /// Distinct observed times.
    public let time: [Double]
    /// Number at risk in each state, `[time][state]` (only the event-free state has anyone at risk).
    public let atRisk: [[Int]]
    /// Transitions into each state at each time, `[time][state]`.
    public let events: [[Int]]
    /// Censorings at each time.
    public let censored: [Int]
    /// State probabilities `[time][state]`: column 0 event-free, column k the cumulative incidence of event k.
    public let probability: [[Double]]
    /// Infinitesimal-jackknife standard errors `[time][state]`.
    public let standardError: [[Double]]
    /// Pointwise bounds `[time][state]` (NaN where R gives NA: a probability of 0).
    public let lower: [[Double]]
    public let upper: [[Double]]
    public let confidenceLevel: ConfidenceLevel

    /// A row of the curve at a chosen time.
    public struct Point: Sendable, Hashable {
        public let time: Double
        public let probability: [Double]
        public let standardError: [Double]
        public let lower: [Double]
        public let upper: [Double]
    }

    /// - Parameters:
    ///   - status: 0 for censored, k in 1…K for an event of type k.
    ///   - eventTypes: the K event labels.
    ///   - weights: case weights, or nil.
    /// - Throws: `SurvivalError` for invalid times, weights or status codes.
    public init(time tIn: [Double], status: [Int], eventTypes: [String], weights: [Double]? = nil,
                confidenceLevel: Double = 0.95, timeFix: Bool = true) throws {
        let n = tIn.count
        guard n > 0 else { throw SurvivalError(.emptyInput, "time") }
        guard status.count == n else { throw SurvivalError(.lengthMismatch, "time and status") }
        if let weights, weights.count != n { throw SurvivalError(.lengthMismatch, "time and weights") }
        let K = eventTypes.count
        for i in 0..<n {
            guard tIn[i].isFinite, tIn[i] >= 0 else { throw SurvivalError(.invalidTime, "time \(i)") }
            guard status[i] >= 0, status[i] <= K else { throw SurvivalError(.invalidValue, "status \(i)") }
            if let weights, !(weights[i].isFinite && weights[i] > 0) { throw SurvivalError(.invalidWeight, "weight \(i)") }
        }
        let t = timeFix ? _timeFix(tIn) : tIn
        let ns = K + 1
        let level = ConfidenceLevel(confidenceLevel)
        states = ["(s0)"] + eventTypes
        self.confidenceLevel = level
        let order = _timeOrder(t)
        let w = weights ?? [Double](repeating: 1, count: n)

        var W = 0.0, W2 = 0.0
        for i in 0..<n { W += w[i]; W2 += w[i] * w[i] }
        var nAtRisk = n
        var p = [Double](repeating: 0, count: ns)
        p[0] = 1
        var ur = [Double](repeating: 0, count: ns)            // the shared influence row of those at risk
        var S = [Double](repeating: 0, count: ns * ns)         // Σ w² uᵀu over those who left
        var times = [Double](), risk = [[Int]](), ev = [[Int]](), cens = [Int]()
        var prob = [[Double]](), se = [[Double]](), lo = [[Double]](), up = [[Double]]()
        var h = [Double](repeating: 0, count: ns * ns)
        var tmp = [Double](repeating: 0, count: ns * ns)
        var i = 0
        while i < n {
            let ct = t[Int(order[i])]
            var j = i
            var d = [Double](repeating: 0, count: ns)       // weighted transitions into each state
            var nev = [Int](repeating: 0, count: ns)
            var w2s = [Double](repeating: 0, count: ns)     // Σ w² of those moving into each state
            var nc = 0
            var w2c = 0.0, wOut = 0.0, w2Out = 0.0
            while j < n && t[Int(order[j])] == ct {
                let k = Int(order[j])
                let s = status[k]
                if s > 0 {
                    d[s] += w[k]; nev[s] += 1; w2s[s] += w[k] * w[k]
                } else {
                    nc += 1; w2c += w[k] * w[k]
                }
                wOut += w[k]; w2Out += w[k] * w[k]
                j += 1
            }
            var dTotal = 0.0
            for s in 1..<ns { dTotal += d[s] }
            var c = 0.0
            if dTotal > 0 {
                // H: row 0 moves to the event states, absorbing states stay
                for a in 0..<(ns * ns) { h[a] = 0 }
                for s in 1..<ns { h[s * ns + s] = 1; h[s] = d[s] / W }
                h[0] = 1 - dTotal / W
                // S ← Hᵀ S H
                Self._transform(&S, by: h, scratch: &tmp, states: ns)
                // shared row: U H − H[0,·]·p0/W + e₀·p0/W
                c = p[0] / W
                var nu = [Double](repeating: 0, count: ns)
                for b in 0..<ns {
                    var v = 0.0
                    for k in 0..<ns { v += ur[k] * h[k * ns + b] }
                    nu[b] = v - h[b] * c
                }
                nu[0] += c
                ur = nu
                var np = [Double](repeating: 0, count: ns)
                for b in 0..<ns { for k in 0..<ns { np[b] += p[k] * h[k * ns + b] } }
                p = np
            }
            // variance: those who left, those at risk without an event here, and this time's movers
            let v = Self._variance(S, shared: ur, moverShift: c, atRiskW2: W2, moversW2: w2s, states: ns)
            times.append(ct)
            var r = [Int](repeating: 0, count: ns)
            r[0] = nAtRisk
            risk.append(r)
            ev.append(nev)
            cens.append(nc)
            prob.append(p)
            let sd = v.map { $0.squareRoot() }
            se.append(sd)
            var l = [Double](repeating: 0, count: ns), u = l
            for a in 0..<ns { (l[a], u[a]) = _confidenceBounds(p: p[a], se: sd[a], logScale: false, type: .log, z: level.z) }
            lo.append(l); up.append(u)
            // departures join S with their influence rows
            Self._addDepartures(&S, shared: ur, moverShift: c, censoredW2: w2c, moversW2: w2s, states: ns)
            W -= wOut; W2 -= w2Out
            nAtRisk -= j - i
            i = j
        }
        time = times; atRisk = risk; events = ev; censored = cens
        probability = prob; standardError = se; lower = lo; upper = up
    }

    // The steps of one distinct time in `init` (R's `survfitci.c`), each on K+1 × K+1 row-major matrices.

    /// S ← Hᵀ S H (`scratch` holds S H).
    static func _transform(_ S: inout [Double], by h: [Double], scratch tmp: inout [Double], states ns: Int) {
        for a in 0..<ns {
            for b in 0..<ns {
                var v = 0.0
                for k in 0..<ns { v += S[a * ns + k] * h[k * ns + b] }
                tmp[a * ns + b] = v
            }
        }
        for a in 0..<ns {
            for b in 0..<ns {
                var v = 0.0
                for k in 0..<ns { v += h[k * ns + a] * tmp[k * ns + b] }
                S[a * ns + b] = v
            }
        }
    }

    /// The variance of each state's probability: those who left (diagonal of S), those at risk without an
    /// event at this time (the shared row), and this time's movers (the shared row shifted by c).
    static func _variance(_ S: [Double], shared ur: [Double], moverShift c: Double, atRiskW2 W2: Double, moversW2 w2s: [Double],
                          states ns: Int) -> [Double] {
        var w2Events = 0.0
        for s in 1..<ns { w2Events += w2s[s] }
        var v = [Double](repeating: 0, count: ns)
        for a in 0..<ns {
            v[a] = S[a * ns + a] + (W2 - w2Events) * ur[a] * ur[a]
            for s in 1..<ns where w2s[s] > 0 {
                var u = ur[a]
                if a == s { u += c }
                if a == 0 { u -= c }
                v[a] += w2s[s] * u * u
            }
        }
        return v
    }

    /// This time's departures (censored, and movers into each event state) join S with their influence rows.
    static func _addDepartures(_ S: inout [Double], shared ur: [Double], moverShift c: Double, censoredW2 w2c: Double,
                               moversW2 w2s: [Double], states ns: Int) {
        for a in 0..<ns {
            for b in 0..<ns {
                var add = w2c * ur[a] * ur[b]
                for s in 1..<ns where w2s[s] > 0 {
                    var ua = ur[a], ub = ur[b]
                    if a == s { ua += c }
                    if a == 0 { ua -= c }
                    if b == s { ub += c }
                    if b == 0 { ub -= c }
                    add += w2s[s] * ua * ub
                }
                S[a * ns + b] += add
            }
        }
    }

    /// The curve at chosen times (R: `summary(fit, times = )`): the values of the last time ≤ t;
    /// times after the last follow-up are omitted.
    public func summary(at times: [Double]) -> [Point] {
        guard let tmax = time.last else { return [] }
        let ns = states.count
        var out = [Point]()
        for t in times.sorted() where t.isFinite && t <= max(tmax, 0) {
            let k = _lastIndex(atOrBefore: t, in: time)
            if k < 0 {
                var p0 = [Double](repeating: 0, count: ns)
                p0[0] = 1
                let zero = [Double](repeating: 0, count: ns)
                out.append(Point(time: t, probability: p0, standardError: zero, lower: zero, upper: zero))
            } else {
                out.append(Point(time: t, probability: probability[k], standardError: standardError[k],
                                 lower: lower[k], upper: upper[k]))
            }
        }
        return out
    }
}

/// Cumulative incidence curves per level of a grouping variable (R: `survfit(Surv(t, ms) ~ group)`).
public struct CumulativeIncidenceCurves: Sendable {
    public let groups: [String]
    public let curves: [CumulativeIncidence]

    public init(time: [Double], status: [Int], eventTypes: [String], group: Factor, weights: [Double]? = nil,
                confidenceLevel: Double = 0.95, timeFix: Bool = true) throws {
        guard group.count == time.count, status.count == time.count else {
            throw SurvivalError(.lengthMismatch, "time, status and group")
        }
        for i in time.indices where !(time[i].isFinite && time[i] >= 0) { throw SurvivalError(.invalidTime, "time \(i)") }
        // R applies aeqSurv to the whole response before splitting by group
        let t = timeFix ? _timeFix(time) : time
        var g = [String](), c = [CumulativeIncidence]()
        for (k, level) in group.levels.enumerated() {
            let rows = (0..<time.count).filter { group.codes[$0] == Int32(k) }
            if rows.isEmpty { continue }
            g.append(level)
            c.append(try CumulativeIncidence(time: rows.map { t[$0] }, status: rows.map { status[$0] }, eventTypes: eventTypes,
                                             weights: weights.map { w in rows.map { w[$0] } },
                                             confidenceLevel: confidenceLevel, timeFix: false))
        }
        groups = g
        curves = c
    }
}
