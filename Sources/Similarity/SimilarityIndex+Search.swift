import Foundation
import OncoCore

/// One neighbour found by a search.
public struct Neighbour: Hashable, Sendable, Codable {
    public var key: PatientKey
    /// Similarity in [0, 1] (see `SimilarityWeights`).
    public var similarity: Double
    /// Row of the neighbour in the index (valid until the index changes).
    public var row: Int
}

/// Which tumour types a search may return.
public enum TumourTypeFilter: Hashable, Sendable {
    /// Every tumour type.
    case any
    /// Only these exact codes.
    case exactly(Set<OncoTreeCode>)
    /// This code and everything below it in the tree (`.within(NSCLC)` keeps LUAD and LUSC).
    case within(OncoTreeCode)
}

/// Options of a search.
public struct SearchOptions: Hashable, Sendable {
    /// Number of neighbours.
    public var k: Int
    public var weights: SimilarityWeights
    public var filter: TumourTypeFilter
    /// Threads for the scan (results do not depend on it); default 1.
    public var threads: Int
    /// Skip the row whose key equals the query's (a warehouse patient is not its own neighbour).
    public var excludeQueryKey: Bool

    public init(k: Int = 50, weights: SimilarityWeights = .default, filter: TumourTypeFilter = .any,
                threads: Int = 1, excludeQueryKey: Bool = true) {
        self.k = k
        self.weights = weights
        self.filter = filter
        self.threads = threads
        self.excludeQueryKey = excludeQueryKey
    }
}

extension SimilarityIndex {
    /// The `k` most similar patients to `query`, most similar first; ties by key (UTF-8 order).
    ///
    /// Exact: every live row passing the filter is scored. The scan reads the gene words in which the
    /// query has bits plus each row's meta and clinical words; with `threads > 1` the blocks are split
    /// into contiguous ranges and the per-range top-k lists are merged (the order is total, so the result
    /// does not depend on the number of threads).
    /// - Complexity: O(*n* · (*a* + 2)) word reads for *n* rows and *a* query words with bits, plus
    ///   O(*m* log *k*) heap updates for the *m* rows that beat the running k-th score.
    public func search(_ query: PatientProfile, options: SearchOptions = SearchOptions()) throws -> [Neighbour] {
        try searchBatch([query], options: options)[0]
    }

    /// Many queries answered in one pass over the index: the rows are scanned in tiles of 64 blocks
    /// (4,096 rows) that stay in cache while every query scores them. Results equal `search` per query.
    public func searchBatch(_ queries: [PatientProfile], options: SearchOptions = SearchOptions()) throws -> [[Neighbour]] {
        try options.weights.validate()
        guard options.k >= 1 else { throw SimilarityError(.invalidArgument, "k must be at least 1 (got \(options.k))") }
        guard options.threads >= 1 else { throw SimilarityError(.invalidArgument, "threads must be at least 1 (got \(options.threads))") }
        if queries.isEmpty { return [] }
        let plans = queries.map { QueryPlan(query: $0, index: self, options: options) }
        let blocks = (rowCount + Self.blockMask) >> Self.blockShift
        let threads = min(options.threads, max(1, blocks))
        let k = options.k
        // The query's own key, when indexed, is dropped from the results after the scan: each heap keeps
        // one more entry, and at most one of them is the query's (keys are unique). Looking the key's row
        // up before the scan would need the key → row table, which opening an index file does not build.
        let heapK = options.excludeQueryKey ? k + 1 : k
        // Per thread: a top-k per query.
        let results = ResultSlots(count: threads)
        let tileBlocks = queries.count == 1 ? blocks : max(1, 8192 / Self.blockRows)
        let work: @Sendable (Int) -> Void = { t in
            let lo = blocks * t / threads, hi = blocks * (t + 1) / threads
            var heaps = [TopK](repeating: TopK(k: heapK), count: plans.count)
            var tile = lo
            while tile < hi {
                let end = min(hi, tile + tileBlocks)
                for q in 0..<plans.count { self.scan(plans[q], blocks: tile..<end, into: &heaps[q]) }
                tile = end
            }
            results.set(t, heaps)
        }
        if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
        var out: [[Neighbour]] = []
        out.reserveCapacity(plans.count)
        for q in 0..<plans.count {
            var merged: [(score: Double, row: Int32)] = []
            for t in 0..<threads { merged += results.get(t)[q].entries }
            merged.sort { better($0.score, $0.row, than: $1.score, $1.row) }
            let own = options.excludeQueryKey ? queries[q].key : nil
            var found: [Neighbour] = []
            found.reserveCapacity(k)
            for e in merged where found.count < k {
                let key = keys[Int(e.row)]
                if key == own { continue }
                found.append(Neighbour(key: key, similarity: e.score, row: Int(e.row)))
            }
            out.append(found)
        }
        return out
    }

    /// The similarity of `query` to the indexed patient `key`, computed exactly as a search does.
    public func similarity(_ query: PatientProfile, to key: PatientKey, weights: SimilarityWeights = .default) -> Double? {
        guard let r = rowByKey[key] else { return nil }
        var o = SearchOptions(k: 1, weights: weights); o.excludeQueryKey = false
        let plan = QueryPlan(query: query, index: self, options: o)
        return score(plan, row: Int(r))
    }

    // MARK: - Kernel

    /// True when (a, rowA) ranks before (b, rowB): higher score, then smaller key.
    @inline(__always)
    func better(_ a: Double, _ rowA: Int32, than b: Double, _ rowB: Int32) -> Bool {
        if a != b { return a > b }
        return keyLess(Int(rowA), Int(rowB))
    }

    @inline(__always)
    func keyLess(_ a: Int, _ b: Int) -> Bool {
        let pa = plain(a, layout.keyWord)
        let pb = plain(b, layout.keyWord)
        if pa != pb { return pa < pb }
        return keys.utf8Less(a, b)
    }

    /// Scores one row (the scan's arithmetic, for `similarity(_:to:)` and explanations).
    func score(_ p: QueryPlan, row r: Int) -> Double {
        var inter = [0, 0, 0, 0]
        for a in p.active { inter[Int(a.cls)] += (rowWord(r, Int(a.word)) & a.bits).nonzeroBitCount }
        return p.combine(meta: plain(r, layout.metaWord),
                         clinical: plain(r, layout.clinicalWord),
                         ih: inter[0], it: inter[1], io: inter[2], ix: inter[3])
    }

    /// The scan over `blocks`: per block, the masks of the query's features are ORed into the rows sharing
    /// a gene and their set bits counted per class; then, 64 rows at a time, each row that may still enter
    /// the top k (all rows until the k-th score passes the best no-shared-gene bound, then only sharing rows)
    /// is bounded from above without division, and scored exactly only when the bound reaches the k-th score.
    func scan(_ p: QueryPlan, blocks: Range<Int>, into heap: inout TopK) {
        let words = storage.words
        let bw = layout.blockWords
        let metaOff = layout.metaOffset, clinOff = layout.clinicalOffset
        let features = p.features
        let order = KeyOrder(words: words, blockWords: bw, keyOffset: layout.keyOffset, keys: keys)
        let allowed = p.allowedTypes
        let hasFilter = allowed != nil
        let t = p.tables
        let typeNum = t.typeNum, stageNum = t.stageNum, stageDen = t.stageDen, ageNum = t.ageNum, ageDen = t.ageDen
        let sexNum = t.sexNum, sexDen = t.sexDen, linesNum = t.linesNum, linesDen = t.linesDen
        let pathNum = t.pathNum, pathDen = t.pathDen
        let wh = p.wh, wt = p.wt, wo = p.wo, wx = p.wx, wG = p.wG, wT = p.wT, wM = p.wM
        let qh = p.qh, qt = p.qt, qo = p.qo, qx = p.qx
        let tmbQ = p.tmbQ, tmbDen = p.tmbDen
        let wClinical = p.clinicalWeightBound
        let noShareBound = t.noShareBound, noShareMax = t.noShareMax
        // Rows whose upper bound is below this cannot enter the heap (−∞ until it is full).
        var threshold = heap.isFull ? heap.worstScore * (1 - 1e-9) : -Double.infinity
        let B = Self.blockRows
        // 16 words: rows of the block sharing at least one query feature.
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 16) { sharedBuffer in
        let sharedMask = sharedBuffer.baseAddress!
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 4 * B) { inter in
            let acc0 = inter.baseAddress!
            for blk in blocks {
                let base = words + blk * bw
                inter.initialize(repeating: 0)
                sharedBuffer.initialize(repeating: 0)
                // Each query feature's 128-byte mask: OR into the shared rows, count per class from its set bits.
                for f in features {
                    let mask = base + Int(f.feature) * 16
                    let acc = acc0 + Int(f.cls) * B
                    for w in 0..<16 {
                        var x = mask[w]
                        sharedMask[w] |= x
                        while x != 0 {
                            acc[w << 6 | x.trailingZeroBitCount] &+= 1
                            x &= x &- 1
                        }
                    }
                }
                for sub in stride(from: 0, to: B, by: 64) {
                let meta = base + metaOff + sub, clin = base + clinOff + sub
                let a0 = acc0 + sub, a1 = acc0 + B + sub, a2 = acc0 + 2 * B + sub, a3 = acc0 + 3 * B + sub
                let rowBase = blk * B + sub
                let shared = sharedMask[sub >> 6]
                // Once no row without a shared gene can reach the k-th score, visit only the sharing rows.
                var todo: UInt64 = threshold > noShareMax ? shared : ~0
                while todo != 0 {
                    let r = todo.trailingZeroBitCount
                    todo &= todo &- 1
                    let m = meta[r]
                    if m >> 63 == 0 { continue }
                    let c = clin[r]
                    let ty = Int(c & 0xFFFF)
                    if hasFilter, !allowed.unsafelyUnwrapped[ty] { continue }
                    if shared & (1 << UInt64(r)) == 0, noShareBound[ty] < threshold { continue }
                    let ih = Int(a0[r]), it = Int(a1[r]), io = Int(a2[r]), ix = Int(a3[r])
                    let nh = Int(m & 0xFFF), nt = Int(m >> 12 & 0xFFF), no = Int(m >> 24 & 0xFFF), nx = Int(m >> 36 & 0xFFF)
                    let u = wh * Double(nh + qh - ih) + wt * Double(nt + qt - it) + wo * Double(no + qo - io) + wx * Double(nx + qx - ix)
                    let i = wh * Double(ih) + wt * Double(it) + wo * Double(io) + wx * Double(ix)
                    let pm = Int(m >> 48 & 0x3FF)
                    if threshold > 0 {
                        // Upper bound: every clinical feature the query knows matches perfectly. S ≤ ub,
                        // written without division; skip only when clearly below the k-th score.
                        let a = pathNum[pm] + typeNum[ty], bd = pathDen[pm] + wT
                        if u > 0 {
                            if wG * i + (a + wClinical) * u < threshold * ((wG + bd + wClinical) * u) { continue }
                        } else if a + wClinical < threshold * (bd + wClinical) { continue }
                    }
                    // The documented order: genes, pathways, type, stage, age, sex, lines, TMB.
                    var num = 0.0, den = 0.0
                    if u > 0 { num += wG * (i / u); den += wG }
                    num += pathNum[pm]; den += pathDen[pm]
                    num += typeNum[ty]; den += wT
                    let st = Int(c >> 16 & 0xFF), sx = Int(c >> 24 & 0xFF), ag = Int(c >> 32 & 0xFF), ln = Int(c >> 40 & 0xFF)
                    num += stageNum[st]; den += stageDen[st]
                    num += ageNum[ag]; den += ageDen[ag]
                    num += sexNum[sx]; den += sexDen[sx]
                    num += linesNum[ln]; den += linesDen[ln]
                    let tq = Int(c >> 48)
                    if tmbQ >= 0, tq != 0xFFFF {
                        num += wM * max(0, 1 - Double(abs(tq - tmbQ)) / tmbDen); den += wM
                    }
                    let s = den > 0 ? num / den : 0
                    if heap.isFull, s < heap.worstScore { continue }
                    heap.offer(s, Int32(rowBase + r), order: order)
                    if heap.isFull { threshold = heap.worstScore * (1 - 1e-9) }
                }
                }
            }
        }
        }
    }
}
