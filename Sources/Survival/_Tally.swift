// Per-group tallies of (distinct time, events, censorings): the sufficient statistics of
// Kaplan–Meier and log-rank. Built by radix-sorting event and censoring times separately. Not API.

/// Sorted distinct times of one group with their event and censoring counts.
struct _Tally: Sendable {
    var time: [Double] = []
    var events: [Int] = []
    var censored: [Int] = []
    var n: Int = 0

    /// Merges two sorted key lists (events, censorings) into a tally.
    init(eventKeys ek: UnsafeBufferPointer<UInt64>, censorKeys ck: UnsafeBufferPointer<UInt64>) {
        n = ek.count + ck.count
        var i = 0, j = 0
        let ne = ek.count, nc = ck.count
        time.reserveCapacity(Swift.min(n, 1 << 16))
        events.reserveCapacity(Swift.min(n, 1 << 16))
        censored.reserveCapacity(Swift.min(n, 1 << 16))
        while i < ne || j < nc {
            let key: UInt64
            if j >= nc || (i < ne && ek[i] <= ck[j]) { key = ek[i] } else { key = ck[j] }
            var d = 0, c = 0
            while i < ne && ek[i] == key { d += 1; i += 1 }
            while j < nc && ck[j] == key { c += 1; j += 1 }
            time.append(_doubleFromKey(key))
            events.append(d)
            censored.append(c)
        }
    }

    init(time: [Double], events: [Int], censored: [Int]) {
        self.time = time
        self.events = events
        self.censored = censored
        self.n = events.reduce(0, +) + censored.reduce(0, +)
    }

    /// Replaces each time by `map[time]` and merges runs that became equal (times stay sorted).
    mutating func remap(_ map: [Double: Double]) {
        var t2 = [Double](), d2 = [Int](), c2 = [Int]()
        for k in time.indices {
            let t = map[time[k]] ?? time[k]
            if let last = t2.last, last == t {
                d2[d2.count - 1] += events[k]
                c2[c2.count - 1] += censored[k]
            } else {
                t2.append(t); d2.append(events[k]); c2.append(censored[k])
            }
        }
        time = t2; events = d2; censored = c2
    }
}

/// Validates right-censored data and tallies it per group (codes 0..<groups; nil = one group),
/// then merges near-tied times across all groups as R's `aeqSurv` does when `timeFix` is on.
func _tallies(time: [Double], event: [Bool], codes: [Int32]?, groups: Int, timeFix: Bool) throws -> [_Tally] {
    guard time.count == event.count else { throw SurvivalError(.lengthMismatch, "time and event") }
    if let codes, codes.count != time.count { throw SurvivalError(.lengthMismatch, "time and group") }
    guard !time.isEmpty else { throw SurvivalError(.emptyInput, "time") }
    var nEvent = [Int](repeating: 0, count: groups)
    var nTotal = [Int](repeating: 0, count: groups)
    for i in time.indices {
        let t = time[i]
        guard t.isFinite, t >= 0 else { throw SurvivalError(.invalidTime, "time \(i)") }
        let g = codes.map { Int($0[i]) } ?? 0
        nTotal[g] += 1
        if event[i] { nEvent[g] += 1 }
    }
    // one flat buffer per kind, a slice per group; filled in one pass, each slice radix-sorted
    var eStart = [Int](repeating: 0, count: groups + 1), cStart = eStart
    for g in 0..<groups {
        eStart[g + 1] = eStart[g] + nEvent[g]
        cStart[g + 1] = cStart[g] + nTotal[g] - nEvent[g]
    }
    let ne = eStart[groups], nc = cStart[groups]
    var ek = [UInt64](repeating: 0, count: ne), ck = [UInt64](repeating: 0, count: nc)
    var scratch = [UInt64](repeating: 0, count: max(ne, nc))
    var tallies = [_Tally]()
    tallies.reserveCapacity(groups)
    ek.withUnsafeMutableBufferPointer { eb in
    ck.withUnsafeMutableBufferPointer { cb in
    scratch.withUnsafeMutableBufferPointer { sb in
        time.withUnsafeBufferPointer { tb in
            event.withUnsafeBufferPointer { evb in
                var ep = eStart, cp = cStart
                if let codes {
                    codes.withUnsafeBufferPointer { cdb in
                        for i in 0..<tb.count {
                            let g = Int(cdb[i])
                            if evb[i] { eb[ep[g]] = _orderableKey(tb[i]); ep[g] &+= 1 } else { cb[cp[g]] = _orderableKey(tb[i]); cp[g] &+= 1 }
                        }
                    }
                } else {
                    var e = 0, c = 0
                    for i in 0..<tb.count {
                        if evb[i] { eb[e] = _orderableKey(tb[i]); e &+= 1 } else { cb[c] = _orderableKey(tb[i]); c &+= 1 }
                    }
                }
            }
        }
        for g in 0..<groups {
            let es = UnsafeMutableBufferPointer(rebasing: eb[eStart[g]..<eStart[g + 1]])
            let cs = UnsafeMutableBufferPointer(rebasing: cb[cStart[g]..<cStart[g + 1]])
            _radixSort(es, scratch: UnsafeMutableBufferPointer(rebasing: sb[0..<es.count]))
            _radixSort(cs, scratch: UnsafeMutableBufferPointer(rebasing: sb[0..<cs.count]))
            tallies.append(_Tally(eventKeys: UnsafeBufferPointer(es), censorKeys: UnsafeBufferPointer(cs)))
        }
    } } }
    if timeFix { _timeFix(&tallies) }
    return tallies
}

/// R's `aeqSurv` on tallies: decided on the union of all groups' distinct times.
func _timeFix(_ tallies: inout [_Tally]) {
    var all = [Double]()
    for t in tallies { all.append(contentsOf: t.time) }
    all.sort()
    var distinct = [Double]()
    distinct.reserveCapacity(all.count)
    for t in all where t != distinct.last { distinct.append(t) }
    guard let mapped = _timeFixMap(distinct) else { return }
    var map = [Double: Double]()
    for (a, b) in zip(distinct, mapped) where a != b { map[a] = b }
    for g in tallies.indices { tallies[g].remap(map) }
}
