// Sorting helpers shared by the estimators: an LSD radix sort on doubles' bit patterns
// (stable, skips digits that do not vary, so integer-valued day counts take two passes),
// and R's `aeqSurv` near-tie merging. Not API.

/// Maps a double to an unsigned key with the same order (−0 and +0 map alike; no NaN expected).
@inline(__always) @usableFromInline
func _orderableKey(_ value: Double) -> UInt64 {
    let bits = (value + 0.0).bitPattern       // turns −0 into +0
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
}

@inline(__always) @usableFromInline
func _doubleFromKey(_ key: UInt64) -> Double {
    let bits = key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key
    return Double(bitPattern: bits)
}

private let radixBits = 11
private let radixSize = 1 << radixBits
private let radixMask: UInt64 = UInt64(radixSize - 1)
private let radixThreshold = 4096

/// The digit layout for a set of keys: only the bits that vary between keys are sorted on, in
/// `radixBits`-wide digits starting at the lowest varying bit (integer-valued times vary in about
/// 22 bits: two passes).
struct _RadixPlan {
    var shifts: [UInt64] = []

    init(_ keys: UnsafeBufferPointer<UInt64>) {
        guard let k0 = keys.first else { return }
        var diff: UInt64 = 0
        for k in keys { diff |= k ^ k0 }
        if diff == 0 { return }
        let lo = diff.trailingZeroBitCount, hi = 64 - diff.leadingZeroBitCount
        var s = lo
        while s < hi { shifts.append(UInt64(s)); s += radixBits }
    }
}

/// Histograms of every digit of the plan, in one read of the keys.
private func digitHistograms(_ keys: UnsafeBufferPointer<UInt64>, _ plan: _RadixPlan) -> [Int] {
    let passes = plan.shifts.count
    var hist = [Int](repeating: 0, count: max(passes, 1) * radixSize)
    hist.withUnsafeMutableBufferPointer { h in
        plan.shifts.withUnsafeBufferPointer { sh in
            for k in keys {
                for p in 0..<passes {
                    h[p &* radixSize &+ Int((k >> sh[p]) & radixMask)] &+= 1
                }
            }
        }
    }
    return hist
}

/// Sorts keys ascending in place.
func _radixSort(_ keys: inout [UInt64]) {
    let n = keys.count
    if n < radixThreshold { keys.sort(); return }
    var scratch = [UInt64](repeating: 0, count: n)
    keys.withUnsafeMutableBufferPointer { k in
        scratch.withUnsafeMutableBufferPointer { _radixSort(k, scratch: $0) }
    }
}

/// Sorts a buffer of keys ascending in place, using `scratch` (at least as long) as the second buffer.
func _radixSort(_ keysIn: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>) {
    var keys = keysIn
    let n = keys.count
    if n < radixThreshold { keys.sort(); return }
    let plan = _RadixPlan(UnsafeBufferPointer(keys))
    let hist = digitHistograms(UnsafeBufferPointer(keys), plan)
    var src = keys.baseAddress!, dst = scratch.baseAddress!
    var offsets = [Int](repeating: 0, count: radixSize)
    for (p, shift) in plan.shifts.enumerated() {
        guard bucketStarts(hist, pass: p, firstDigit: Int((keys[0] >> shift) & radixMask), count: n, into: &offsets) else { continue }
        offsets.withUnsafeMutableBufferPointer { off in
            for i in 0..<n {
                let k = src[i]
                let b = Int((k >> shift) & radixMask)
                dst[off[b]] = k
                off[b] &+= 1
            }
        }
        swap(&src, &dst)
    }
    if src != keys.baseAddress! { keys.baseAddress!.update(from: src, count: n) }
}

/// Fills `offsets` with where each bucket of pass `p` starts; false when all `n` keys share the digit of
/// the first (the pass would move nothing, so it is skipped).
@inline(__always)
private func bucketStarts(_ hist: [Int], pass p: Int, firstDigit: Int, count n: Int, into offsets: inout [Int]) -> Bool {
    let base = p * radixSize
    if hist[base + firstDigit] == n { return false }
    var s = 0
    for b in 0..<radixSize { offsets[b] = s; s += hist[base + b] }
    return true
}

/// The stable ascending order of `keys` (0-based indices).
func _radixOrder(_ keys: [UInt64]) -> [Int32] {
    let n = keys.count
    if n < radixThreshold {
        return (0..<Int32(n)).sorted { keys[Int($0)] != keys[Int($1)] ? keys[Int($0)] < keys[Int($1)] : $0 < $1 }
    }
    let plan = keys.withUnsafeBufferPointer { _RadixPlan($0) }
    let hist = keys.withUnsafeBufferPointer { digitHistograms($0, plan) }
    var kA = keys
    var kB = [UInt64](repeating: 0, count: n)
    var iA = [Int32](unsafeUninitializedCapacity: n) { b, c in
        for i in 0..<n { b[i] = Int32(i) }
        c = n
    }
    var iB = [Int32](repeating: 0, count: n)
    var inB = false
    var offsets = [Int](repeating: 0, count: radixSize)
    for (p, shift) in plan.shifts.enumerated() {
        guard bucketStarts(hist, pass: p, firstDigit: Int((keys[0] >> shift) & radixMask), count: n, into: &offsets) else { continue }
        func scatter(_ ks: UnsafeBufferPointer<UInt64>, _ xs: UnsafeBufferPointer<Int32>,
                     _ kd: UnsafeMutableBufferPointer<UInt64>, _ xd: UnsafeMutableBufferPointer<Int32>) {
            offsets.withUnsafeMutableBufferPointer { off in
                for i in 0..<ks.count {
                    let k = ks[i]
                    let b = Int((k >> shift) & radixMask)
                    let o = off[b]
                    kd[o] = k
                    xd[o] = xs[i]
                    off[b] = o &+ 1
                }
            }
        }
        if inB {
            kB.withUnsafeBufferPointer { ks in iB.withUnsafeBufferPointer { xs in
                kA.withUnsafeMutableBufferPointer { kd in iA.withUnsafeMutableBufferPointer { xd in
                    scatter(ks, xs, kd, xd) } } } }
        } else {
            kA.withUnsafeBufferPointer { ks in iA.withUnsafeBufferPointer { xs in
                kB.withUnsafeMutableBufferPointer { kd in iB.withUnsafeMutableBufferPointer { xd in
                    scatter(ks, xs, kd, xd) } } } }
        }
        inB.toggle()
    }
    return inB ? iB : iA
}

/// The stable order of `times` ascending (R: `order(time)`).
func _timeOrder(_ times: [Double]) -> [Int32] {
    _radixOrder(times.map(_orderableKey))
}

/// Stable counting sort of an order by a small integer code (R: `order(strata, time)` when `order`
/// is already by time).
func _stableOrder(_ order: [Int32], byCode codes: [Int32], levels: Int) -> [Int32] {
    var start = [Int](repeating: 0, count: levels + 1)
    for c in codes { start[Int(c) + 1] += 1 }
    for k in 0..<levels { start[k + 1] += start[k] }
    var out = [Int32](repeating: 0, count: order.count)
    for i in order {
        let c = Int(codes[Int(i)])
        out[start[c]] = i
        start[c] += 1
    }
    return out
}

/// R's `aeqSurv` tolerance, `sqrt(.Machine$double.eps)`.
let _timeTolerance = Double.ulpOfOne.squareRoot()

/// Near-tie merging as R's `aeqSurv`: among sorted distinct times, a value within `sqrt(eps)` of its
/// predecessor (absolutely, or relative to the mean absolute distinct time) is replaced by the first
/// value of its run. Returns nil when nothing merges (the usual case).
/// - Parameter distinct: strictly increasing finite times.
/// - Returns: for each distinct time, the value it becomes.
func _timeFixMap(_ distinct: [Double]) -> [Double]? {
    guard distinct.count > 1 else { return nil }
    var meanAbs = 0.0
    for t in distinct { meanAbs += Swift.abs(t) }
    meanAbs /= Double(distinct.count)
    var mapped: [Double]? = nil
    var cut = distinct[0]
    for i in 1..<distinct.count {
        let dy = distinct[i] - distinct[i - 1]
        if dy <= _timeTolerance || dy / meanAbs <= _timeTolerance {
            if mapped == nil { mapped = distinct }
            mapped![i] = cut
        } else {
            cut = distinct[i]
        }
    }
    return mapped
}

/// Applies `aeqSurv` to a time vector (sorting a copy of the distinct times); returns the input when
/// nothing merges.
func _timeFix(_ times: [Double]) -> [Double] {
    var keys = times.map(_orderableKey)
    _radixSort(&keys)
    var distinct = [Double]()
    distinct.reserveCapacity(min(keys.count, 1 << 16))
    var last: UInt64? = nil
    for k in keys where k != last { distinct.append(_doubleFromKey(k)); last = k }
    guard let map = _timeFixMap(distinct) else { return times }
    var lookup = [Double: Double]()
    for (a, b) in zip(distinct, map) where a != b { lookup[a] = b }
    return times.map { lookup[$0] ?? $0 }
}

/// `aeqSurv` given an order that sorts `times` (ascending or descending): returns the merged times,
/// or nil when nothing merges. The order stays valid for the merged times.
func _timeFix(_ times: [Double], sortedBy order: [Int32]) -> [Double]? {
    var distinct = [Double]()
    var last = Double.nan
    for i in order {
        let t = times[Int(i)]
        if t != last { distinct.append(t); last = t }
    }
    if let f = distinct.first, let l = distinct.last, f > l { distinct.reverse() }
    guard let map = _timeFixMap(distinct) else { return nil }
    var lookup = [Double: Double]()
    for (a, b) in zip(distinct, map) where a != b { lookup[a] = b }
    return times.map { lookup[$0] ?? $0 }
}
