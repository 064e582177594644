import Foundation
import Testing
import _TestSupport
@testable import TargetTrial

/// `TargetTrial.clusteredCurve` (running sums over clusters, O(n log n + m)) against the direct
/// definition it replaced: for every cluster and every distinct time, g_c(t_k) = Σ_{i ∈ c} w_i ∂S(t_k)/∂w_i
/// summed entry by entry, Var S(t_k) = Σ_c g_c(t_k)², RMST influence Σ_k width_k g_c(t_k) (O(n m)).
/// Random data with delayed entry, tied times, clusters of several entries, entries never at risk and
/// curves that reach 0; agreement to 1e-10 relative (the R reference tests hold both to 1e-6).
@Suite struct ClusteredCurveTests {
    /// The direct O(n m) computation (the implementation before the running sums).
    static func direct(entry: [Double], stop: [Double], event: [Bool], weights w: [Double], cluster: [Int],
                       horizon tau: Double) -> (se: [Double], survival: [Double], rmst: Double, influence: [Int: Double]) {
        let n = stop.count
        let times = Array(Set(stop)).sorted()
        let m = times.count
        var d = [Double](repeating: 0, count: m), y = [Double](repeating: 0, count: m)
        var first = [Int](repeating: 0, count: n), last = [Int](repeating: 0, count: n)
        var enter = [Double](repeating: 0, count: m + 1), leave = [Double](repeating: 0, count: m + 1)
        for i in 0..<n {
            last[i] = times.firstIndex(of: stop[i])!
            first[i] = times.firstIndex { $0 > entry[i] } ?? m
            if event[i] { d[last[i]] += w[i] }
            if first[i] <= last[i] { enter[first[i]] += w[i]; leave[last[i] + 1] += w[i] }
        }
        var running = 0.0
        for k in 0..<m { running += enter[k] - leave[k]; y[k] = running }
        var s = [Double](repeating: 1, count: m), h = [Double](repeating: 0, count: m), jump = [Double](repeating: 0, count: m)
        var cur = 1.0, zeroFrom = m
        for k in 0..<m {
            if d[k] > 0 {
                if y[k] - d[k] <= 0 { cur = 0; if zeroFrom == m { zeroFrom = k } }
                else { cur *= 1 - d[k] / y[k]; h[k] = d[k] / (y[k] * (y[k] - d[k])); jump[k] = 1 / (y[k] - d[k]) }
            }
            s[k] = cur
        }
        var cumH = [Double](repeating: 0, count: m + 1)
        for k in 0..<m { cumH[k + 1] = cumH[k] + h[k] }
        var keep = 0
        while keep < m && times[keep] <= tau { keep += 1 }
        var rmst = keep > 0 ? times[0] : tau
        var widths = [Double](repeating: 0, count: keep)
        for k in 0..<keep { widths[k] = (k + 1 < keep ? times[k + 1] : tau) - times[k]; rmst += widths[k] * s[k] }
        var variance = [Double](repeating: 0, count: m)
        var influence: [Int: Double] = [:]
        for c in Set(cluster).sorted() {
            var g = [Double](repeating: 0, count: m)
            for i in 0..<n where cluster[i] == c {
                for k in first[i]..<max(first[i], min(m, zeroFrom)) {
                    let upto = min(k, last[i])
                    var dlog = upto >= first[i] ? cumH[upto + 1] - cumH[first[i]] : 0
                    if event[i] && k >= last[i] { dlog -= jump[last[i]] }
                    g[k] += w[i] * s[k] * dlog
                }
            }
            for k in 0..<m { variance[k] += g[k] * g[k] }
            influence[c] = (0..<keep).reduce(0) { $0 + widths[$1] * g[$1] }
        }
        return (variance.map { $0.squareRoot() }, s, rmst, influence)
    }

    /// A random arm: `clusters` patients with 1–3 entries, stop times on a day grid (ties), some delayed.
    static func arm(seed: UInt64, clusters: Int, delayed: Bool, allDieAtEnd: Bool) -> (entry: [Double], stop: [Double], event: [Bool], w: [Double], cluster: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var entry: [Double] = [], stop: [Double] = [], event: [Bool] = [], w: [Double] = [], cluster: [Int] = []
        for c in 0..<clusters {
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let stopDay = Double(1 + rng.next() % 400)
                let entryDay = delayed && rng.next() % 3 == 0 ? Double(rng.next() % 60) : 0
                entry.append(entryDay / 30.4375)
                // some entries end before they enter (never at risk) and must contribute nothing
                stop.append((entryDay > 0 && rng.next() % 17 == 0 ? entryDay : max(stopDay, entryDay + 1)) / 30.4375)
                event.append(rng.next() % 10 < 6)
                // dyadic weights: the sums are exact, so y − d at the last time is exactly 0 when all there die
                w.append(Double(1 + rng.next() % 40) / 8)
                cluster.append(3 * c + 7)   // sparse codes, as an arm's share of the trial's clusters
            }
        }
        if allDieAtEnd, let top = stop.max() {
            for i in stop.indices where stop[i] == top { event[i] = true }
        }
        return (entry, stop, event, w, cluster)
    }

    @Test(arguments: [(1, false, false), (2, true, false), (3, true, true), (4, false, true), (5, true, false)])
    func runningSumsEqualTheDirectSum(seed: Int, delayed: Bool, allDie: Bool) {
        let a = Self.arm(seed: UInt64(seed), clusters: 150, delayed: delayed, allDieAtEnd: allDie)
        for tau in [3.0, 9.0, 100.0] {
            let fast = TargetTrial.clusteredCurve(entry: a.entry, stop: a.stop, event: a.event, weights: a.w, cluster: a.cluster,
                                                  clusters: a.cluster.max()! + 1, horizon: tau)
            let slow = Self.direct(entry: a.entry, stop: a.stop, event: a.event, weights: a.w, cluster: a.cluster, horizon: tau)
            #expect(fast.survival == slow.survival)
            #expect(fast.rmst == slow.rmst)
            #expect(fast.standardError.count == slow.se.count)
            let scale = slow.se.max() ?? 0
            for (k, (x, y)) in zip(fast.standardError, slow.se).enumerated() {
                #expect(isClose(x, y, rel: 1e-10, abs: 1e-13 * scale), "se[\(k)] \(x) vs \(y)")
            }
            if allDie { #expect(slow.survival.last == 0 && fast.standardError.last == 0) }
            #expect(fast.rmstInfluence.count == a.cluster.max()! + 1)
            // codes without entries in the arm (the other arm's patients) have no influence here
            for c in fast.rmstInfluence.indices where slow.influence[c] == nil { #expect(fast.rmstInfluence[c] == 0) }
            let iscale = slow.influence.values.map(abs).max() ?? 0
            for (c, v) in slow.influence {
                #expect(isClose(fast.rmstInfluence[c], v, rel: 1e-10, abs: 1e-13 * iscale), "influence[\(c)] \(fast.rmstInfluence[c]) vs \(v)")
            }
        }
    }
}
