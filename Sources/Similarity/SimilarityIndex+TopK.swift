import Foundation
import OncoCore

// The search's result structures: the key order of ties, the bounded top-k heap and the per-thread slots.

/// Orders rows by key (UTF-8 bytes): the stored 8-byte prefix first, the full key only when prefixes tie.
struct KeyOrder {
    let words: UnsafeMutablePointer<UInt64>
    let blockWords: Int
    let keyOffset: Int
    let keys: KeyColumn
    @inline(__always)
    func less(_ a: Int, _ b: Int) -> Bool {
        let pa = words[(a >> SimilarityIndex.blockShift) * blockWords + keyOffset + (a & SimilarityIndex.blockMask)]
        let pb = words[(b >> SimilarityIndex.blockShift) * blockWords + keyOffset + (b & SimilarityIndex.blockMask)]
        if pa != pb { return pa < pb }
        return keys.utf8Less(a, b)
    }
}

/// A bounded top-k: a binary heap with the worst entry at the root.
struct TopK: Sendable {
    let k: Int
    private(set) var scores: [Double] = []
    private(set) var rows: [Int32] = []
    init(k: Int) { self.k = k; scores.reserveCapacity(k); rows.reserveCapacity(k) }

    var entries: [(score: Double, row: Int32)] { Array(zip(scores, rows)).map { (score: $0.0, row: $0.1) } }

    var isFull: Bool { scores.count == k }
    /// The k-th best score so far (only when full).
    var worstScore: Double { scores[0] }

    mutating func offer(_ s: Double, _ row: Int32, order: KeyOrder) {
        if scores.count < k {
            scores.append(s); rows.append(row)
            siftUp(scores.count - 1, order)
        } else if s > scores[0] || (s == scores[0] && order.less(Int(row), Int(rows[0]))) {
            scores[0] = s; rows[0] = row
            siftDown(0, order)
        }
    }

    /// True when i is worse than j (lower score, or same score and larger key).
    @inline(__always)
    private func worse(_ i: Int, _ j: Int, _ order: KeyOrder) -> Bool {
        if scores[i] != scores[j] { return scores[i] < scores[j] }
        return order.less(Int(rows[j]), Int(rows[i]))
    }
    private mutating func swapAt(_ i: Int, _ j: Int) { scores.swapAt(i, j); rows.swapAt(i, j) }
    private mutating func siftUp(_ i0: Int, _ index: KeyOrder) {
        var i = i0
        while i > 0 {
            let p = (i - 1) / 2
            if worse(i, p, index) { swapAt(i, p); i = p } else { break }
        }
    }
    private mutating func siftDown(_ i0: Int, _ index: KeyOrder) {
        var i = i0
        let n = scores.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var w = i
            if l < n, worse(l, w, index) { w = l }
            if r < n, worse(r, w, index) { w = r }
            if w == i { return }
            swapAt(i, w); i = w
        }
    }
}

/// Per-thread result slots written once each by `concurrentPerform`.
final class ResultSlots: @unchecked Sendable {
    private var slots: [[TopK]]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ i: Int, _ v: [TopK]) { lock.lock(); slots[i] = v; lock.unlock() }
    func get(_ i: Int) -> [TopK] { lock.lock(); defer { lock.unlock() }; return slots[i] }
}
