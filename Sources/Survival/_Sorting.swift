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
private let radixPasses = (64 + radixBits - 1) / radixBits
private let radixThreshold = 4096

/// Histograms of every digit, in one read of the keys.
private func digitHistograms(_ keys: UnsafeBufferPointer<UInt64>) -> [Int] {
    var hist = [Int](repeating: 0, count: radixPasses * radixSize)
    hist.withUnsafeMutableBufferPointer { h in
        for k in keys {
            var v = k
            for p in 0..<radixPasses {
                h[p &* radixSize &+ Int(v & radixMask)] &+= 1
                v >>= UInt64(radixBits)
            }
        }
    }
    return hist
}

/// Sorts keys ascending in place.
func _radixSort(_ keys: inout [UInt64]) {
    let n = keys.count
    if n < radixThreshold { keys.sort(); return }
    let hist = keys.withUnsafeBufferPointer { digitHistograms($0) }
    var other = [UInt64](repeating: 0, count: n)
    var inOther = false
    for p in 0..<radixPasses {
        let base = p * radixSize
        let first = Int((keys[0] >> UInt64(p * radixBits)) & radixMask)
        if hist[base + first] == n { continue }
        var offsets = [Int](repeating: 0, count: radixSize)
        var s = 0
        for b in 0..<radixSize { offsets[b] = s; s += hist[base + b] }
        let shift = UInt64(p * radixBits)
        func scatter(_ src: UnsafeBufferPointer<UInt64>, _ dst: UnsafeMutableBufferPointer<UInt64>) {
            offsets.withUnsafeMutableBufferPointer { off in
                for k in src {
                    let b = Int((k >> shift) & radixMask)
                    dst[off[b]] = k
                    off[b] &+= 1
                }
            }
        }
        if inOther {
            other.withUnsafeBufferPointer { src in keys.withUnsafeMutableBufferPointer { scatter(src, $0) } }
        } else {
            keys.withUnsafeBufferPointer { src in other.withUnsafeMutableBufferPointer { scatter(src, $0) } }
        }
        inOther.toggle()
    }
    if inOther { swap(&keys, &other) }
}

/// The stable ascending order of `keys` (0-based indices).
func _radixOrder(_ keys: [UInt64]) -> [Int32] {
    let n = keys.count
    if n < radixThreshold {
        return (0..<Int32(n)).sorted { keys[Int($0)] != keys[Int($1)] ? keys[Int($0)] < keys[Int($1)] : $0 < $1 }
    }
    let hist = keys.withUnsafeBufferPointer { digitHistograms($0) }
    var kA = keys
    var kB = [UInt64](repeating: 0, count: n)
    var iA = [Int32](unsafeUninitializedCapacity: n) { b, c in
        for i in 0..<n { b[i] = Int32(i) }
        c = n
    }
    var iB = [Int32](repeating: 0, count: n)
    var inB = false
    for p in 0..<radixPasses {
        let base = p * radixSize
        let first = Int((keys[0] >> UInt64(p * radixBits)) & radixMask)
        if hist[base + first] == n { continue }
        var offsets = [Int](repeating: 0, count: radixSize)
        var s = 0
        for b in 0..<radixSize { offsets[b] = s; s += hist[base + b] }
        let shift = UInt64(p * radixBits)
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
