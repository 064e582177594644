/// Harrell's concordance between a risk score and right-censored survival, with the
/// infinitesimal-jackknife standard error.
///
/// R: `concordancefit(y, x, strata, weights, timewt = "n", reverse = )` as `coxph` calls it
/// (`concordance3.c`). A pair is comparable when the shorter time is an event; pairs tied on time
/// (both events) are not comparable (`tiedY`); ties in the score count ½ (`tiedX`); pairs are formed
/// within strata; a censoring at the time of an event counts as surviving longer. With
/// `reverse = true` (coxph) a higher score predicts a shorter survival. The se is
/// sqrt(Σᵢ dfbetaᵢ²)/2 from each observation's influence on the counts, R's `std`.
/// - Complexity: O(*n* log *n*) with a Fenwick tree over score ranks.
public struct Concordance: Sendable, Hashable {
    /// Weighted pair counts (after `reverse`, as coxph reports them).
    public let concordant: Double
    public let discordant: Double
    public let tiedX: Double
    public let tiedY: Double
    public let tiedXY: Double
    /// The concordance index; NaN without comparable pairs.
    public let c: Double
    /// Its infinitesimal-jackknife standard error.
    public let standardError: Double

    /// - Parameters:
    ///   - strata: stratum codes 0..<strataCount per observation, or nil.
    ///   - weights: case weights, or nil for 1.
    public init(time: [Double], event: [Bool], score: [Double], strata: [Int32]? = nil, strataCount: Int = 1,
                weights: [Double]? = nil, reverse: Bool = false, timeFix: Bool = true) throws {
        let n = time.count
        guard event.count == n, score.count == n else { throw SurvivalError(.lengthMismatch, "time, event and score") }
        if let strata, strata.count != n { throw SurvivalError(.lengthMismatch, "time and strata") }
        if let weights, weights.count != n { throw SurvivalError(.lengthMismatch, "time and weights") }
        for i in 0..<n where !(time[i].isFinite && time[i] >= 0) { throw SurvivalError(.invalidTime, "time \(i)") }
        for i in 0..<n where !score[i].isFinite { throw SurvivalError(.invalidValue, "score \(i)") }
        let t = timeFix ? _timeFix(time) : time
        let w = weights ?? [Double](repeating: 1, count: n)
        var count = [Double](repeating: 0, count: 5)
        var inf0 = [Double](repeating: 0, count: n), inf1 = inf0, inf2 = inf0
        // per stratum: indices, then R's sort.stop = order(-time, status, score)
        var members = [[Int32]](repeating: [], count: max(strataCount, 1))
        if let strata { for i in 0..<n { members[Int(strata[i])].append(Int32(i)) } } else { members[0] = (0..<Int32(n)).map { $0 } }
        for idx in members where !idx.isEmpty {
            var anyEvent = false
            for i in idx where event[Int(i)] { anyEvent = true; break }
            if !anyEvent { continue }
            Concordance.accumulate(idx, time: t, event: event, score: score, weight: w, count: &count,
                                   inf0: &inf0, inf1: &inf1, inf2: &inf2)
        }
        let npair = count[0] + count[1] + count[2]
        let somer = (count[0] - count[1]) / npair
        var v = 0.0
        for i in 0..<n {
            let d = w[i] * ((inf0[i] - inf1[i]) / npair - (somer / npair) * (inf0[i] + inf1[i] + inf2[i]))
            v += d * d
        }
        let cIndex = (somer + 1) / 2
        c = reverse ? 1 - cIndex : cIndex
        standardError = (v / 4).squareRoot()
        concordant = reverse ? count[1] : count[0]
        discordant = reverse ? count[0] : count[1]
        tiedX = count[2]
        tiedY = count[3]
        tiedXY = count[4]
    }

    /// One stratum of `concordance3.c`, with a Fenwick tree in place of R's balanced binary tree.
    private static func accumulate(_ idx: [Int32], time: [Double], event: [Bool], score: [Double], weight: [Double],
                                   count: inout [Double], inf0: inout [Double], inf1: inout [Double],
                                   inf2: inout [Double]) {
        // score ranks (ties share a rank)
        let byScore = _radixOrder(idx.map { _orderableKey(score[Int($0)]) })
        var rank = [Int32](repeating: 0, count: idx.count)     // by position in idx
        var m: Int32 = 0
        var prev: Double? = nil
        for r in byScore {
            let s = score[Int(idx[Int(r)])]
            if s != prev { m += 1; prev = s }
            rank[Int(r)] = m
        }
        // order(-time, status, score): time descending, censored first, score ascending; two stable
        // radix sorts (least significant key first)
        let statusBit = UInt64(1) << UInt64(64 - UInt64(m).leadingZeroBitCount)   // just above the rank bits
        let secondary: [UInt64] = (0..<idx.count).map { k in
            (event[Int(idx[k])] ? statusBit : 0) | UInt64(rank[k])
        }
        let bySecondary = _radixOrder(secondary)
        let order = _radixOrder(bySecondary.map { ~_orderableKey(time[Int(idx[Int($0)])]) }).map { bySecondary[Int($0)] }
        let size = Int(m)
        let cnt = order.count
        // the data in processing order, read sequentially below
        var oRank = [Int32](repeating: 0, count: cnt), oIdx = [Int32](repeating: 0, count: cnt)
        var oTime = [Double](repeating: 0, count: cnt), oWeight = [Double](repeating: 0, count: cnt)
        var oEvent = [Bool](repeating: false, count: cnt)
        for (q, k) in order.enumerated() {
            let i = Int(idx[Int(k)])
            oRank[q] = rank[Int(k)]; oIdx[q] = Int32(i)
            oTime[q] = time[i]; oWeight[q] = weight[i]; oEvent[q] = event[i]
        }
        var all = _Fenwick(size), deaths = _Fenwick(size)
        var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0
        inf0.withUnsafeMutableBufferPointer { f0 in
        inf1.withUnsafeMutableBufferPointer { f1 in
        inf2.withUnsafeMutableBufferPointer { f2 in
            var i = 0
            while i < cnt {
                let ii = Int(oIdx[i])
                if !oEvent[i] {
                    let (gt, lt, eq) = deaths.split(Int(oRank[i]))
                    f0[ii] -= lt; f1[ii] -= gt; f2[ii] -= eq
                    all.add(Int(oRank[i]), oWeight[i])
                    i += 1
                    continue
                }
                // all tied events at this time (censorings at this time come first in the order)
                var j = i
                let ti = oTime[i]
                var dwt = 0.0, dwt2 = 0.0
                var xsave = oRank[i]
                while j < cnt && oTime[j] == ti {
                    let jj = Int(oIdx[j]), w = oWeight[j]
                    c3 += w * dwt
                    dwt += w
                    if oRank[j] != xsave { dwt2 = 0; xsave = oRank[j] }
                    c4 += w * dwt2
                    dwt2 += w
                    let (gt, lt, eq) = all.split(Int(oRank[j]))
                    c0 += w * gt; c1 += w * lt; c2 += w * eq
                    f0[jj] += gt; f1[jj] += lt; f2[jj] += eq
                    deaths.add(Int(oRank[j]), w)
                    j += 1
                }
                for q in i..<j {
                    let jj = Int(oIdx[q])
                    let (gt, lt, eq) = deaths.split(Int(oRank[q]))
                    f0[jj] -= lt; f1[jj] -= gt; f2[jj] -= eq
                    all.add(Int(oRank[q]), oWeight[q])
                }
                i = j
            }
            // every event has been added: the final counts by rank are cumulative sums, no tree walks
            let byRank = deaths.nodeWeights()
            var below = [Double](repeating: 0, count: size + 1)     // below[r] = Σ weight of ranks < r
            var acc = 0.0
            for r in 1...max(size, 1) where r <= size { below[r] = acc; acc += byRank[r] }
            let total = acc
            for k in 0..<cnt {
                let ii = Int(oIdx[k]), r = Int(oRank[k])
                let lt = below[r], eq = byRank[r]
                f0[ii] += lt; f1[ii] += total - lt - eq; f2[ii] += eq
            }
        } } }
        count[0] += c0; count[1] += c1; count[2] += c2; count[3] += c3 - c4; count[4] += c4
    }
}

/// A Fenwick tree of weights over ranks 1...size, with per-rank weights for ties.
struct _Fenwick {
    private var tree: [Double]
    private var node: [Double]
    private var total = 0.0

    init(_ size: Int) {
        tree = [Double](repeating: 0, count: size + 1)
        node = [Double](repeating: 0, count: size + 1)
    }

    mutating func add(_ rank: Int, _ w: Double) {
        total += w
        node.withUnsafeMutableBufferPointer { $0[rank] += w }
        tree.withUnsafeMutableBufferPointer { t in
            var i = rank
            let n = t.count
            while i < n { t[i] += w; i &+= i & -i }
        }
    }

    func prefix(_ rank: Int) -> Double {
        tree.withUnsafeBufferPointer { t in
            var s = 0.0, i = rank
            while i > 0 { s += t[i]; i &-= i & -i }
            return s
        }
    }

    /// Weights with a greater rank, a smaller rank, and the same rank.
    func split(_ rank: Int) -> (Double, Double, Double) {
        let less = prefix(rank - 1)
        let eq = node.withUnsafeBufferPointer { $0[rank] }
        return (total - less - eq, less, eq)
    }

    /// The weight at each rank (index 0 unused).
    func nodeWeights() -> [Double] { node }
}
