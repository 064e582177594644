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
        // order(-time, status, score): time descending, censored first, score ascending
        let keys: [UInt64] = (0..<idx.count).map { k in
            let i = Int(idx[k])
            return ~_orderableKey(time[i])
        }
        var order = _radixOrder(keys)
        // refine ties in time by (status, score): within each run of equal time, sort
        var s = 0
        while s < order.count {
            var e = s + 1
            let ts = time[Int(idx[Int(order[s])])]
            while e < order.count && time[Int(idx[Int(order[e])])] == ts { e += 1 }
            if e - s > 1 {
                order[s..<e].sort { a, b in
                    let ia = Int(idx[Int(a)]), ib = Int(idx[Int(b)])
                    if event[ia] != event[ib] { return !event[ia] }
                    if rank[Int(a)] != rank[Int(b)] { return rank[Int(a)] < rank[Int(b)] }
                    return a < b
                }
            }
            s = e
        }
        let size = Int(m)
        var all = _Fenwick(size), deaths = _Fenwick(size)
        var i = 0
        let cnt = order.count
        while i < cnt {
            let k0 = Int(order[i])
            let ii = Int(idx[k0])
            if !event[ii] {
                let (gt, lt, eq) = deaths.split(Int(rank[k0]))
                inf0[ii] -= lt; inf1[ii] -= gt; inf2[ii] -= eq
                all.add(Int(rank[k0]), weight[ii])
                i += 1
                continue
            }
            // all tied events at this time (censorings at this time come first in the order)
            var j = i
            let ti = time[ii]
            var dwt = 0.0, dwt2 = 0.0
            var xsave = rank[k0]
            while j < cnt && time[Int(idx[Int(order[j])])] == ti {
                let kj = Int(order[j])
                let jj = Int(idx[kj])
                count[3] += weight[jj] * dwt
                dwt += weight[jj]
                if rank[kj] != xsave { dwt2 = 0; xsave = rank[kj] }
                count[4] += weight[jj] * dwt2
                dwt2 += weight[jj]
                let (gt, lt, eq) = all.split(Int(rank[kj]))
                count[0] += weight[jj] * gt
                count[1] += weight[jj] * lt
                count[2] += weight[jj] * eq
                inf0[jj] += gt; inf1[jj] += lt; inf2[jj] += eq
                deaths.add(Int(rank[kj]), weight[jj])
                j += 1
            }
            for q in i..<j {
                let kq = Int(order[q])
                let jj = Int(idx[kq])
                let (gt, lt, eq) = deaths.split(Int(rank[kq]))
                inf0[jj] -= lt; inf1[jj] -= gt; inf2[jj] -= eq
                all.add(Int(rank[kq]), weight[jj])
            }
            i = j
        }
        for k in 0..<cnt {
            let ii = Int(idx[k])
            let (gt, lt, eq) = deaths.split(Int(rank[k]))
            inf0[ii] += lt; inf1[ii] += gt; inf2[ii] += eq
        }
        count[3] -= count[4]
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
        node[rank] += w
        total += w
        var i = rank
        while i < tree.count { tree[i] += w; i += i & -i }
    }

    func prefix(_ rank: Int) -> Double {
        var s = 0.0, i = rank
        while i > 0 { s += tree[i]; i -= i & -i }
        return s
    }

    /// Weights with a greater rank, a smaller rank, and the same rank.
    func split(_ rank: Int) -> (Double, Double, Double) {
        let less = prefix(rank - 1)
        let eq = node[rank]
        return (total - less - eq, less, eq)
    }
}
