import Foundation
import OncoCore

/// A query compiled against an index: the words where it has bits, and per-value lookup tables for
/// the clinical features (so a row costs table loads, not recomputation).
struct QueryPlan: Sendable {
    struct Active: Sendable { let word: Int32; let cls: Int32; let bits: UInt64; let bitCount: Int }
    struct Feature: Sendable { let feature: Int32; let cls: Int32 }
    /// Query gene words with bits (logical row words).
    let active: [Active]
    /// Query features (gene × class), as feature-mask indices.
    let features: [Feature]
    let qh: Int, qt: Int, qo: Int, qx: Int
    let qPathways: UInt64
    let wh: Double, wt: Double, wo: Double, wx: Double, wG: Double, wP: Double, wT: Double, wM: Double
    let tmbQ: Int  // −1 unknown
    /// Sum of the weights of the clinical features the query knows (stage, age, sex, lines, TMB).
    let clinicalWeightBound: Double
    let tmbDen: Double
    let tables: Tables
    let allowedTypes: [Bool]?

    /// Lookup tables indexed by the stored byte/node id; `Num` = W·s, `Den` = W or 0 when unknown.
    final class Tables: @unchecked Sendable {
        let typeNum: UnsafeMutablePointer<Double>
        let typeCount: Int
        let stageNum: UnsafeMutablePointer<Double>, stageDen: UnsafeMutablePointer<Double>
        let ageNum: UnsafeMutablePointer<Double>, ageDen: UnsafeMutablePointer<Double>
        let sexNum: UnsafeMutablePointer<Double>, sexDen: UnsafeMutablePointer<Double>
        let linesNum: UnsafeMutablePointer<Double>, linesDen: UnsafeMutablePointer<Double>
        /// Indexed by the row's 10-bit pathway mask.
        let pathNum: UnsafeMutablePointer<Double>, pathDen: UnsafeMutablePointer<Double>
        /// Per tumour type: an upper bound of the similarity of a row sharing no query gene.
        let noShareBound: UnsafeMutablePointer<Double>
        var noShareMax = 0.0
        private let arena: UnsafeMutablePointer<Double>
        init(typeCount: Int) {
            self.typeCount = typeCount
            arena = .allocate(capacity: 2 * typeCount + 8 * 256 + 2048)
            arena.initialize(repeating: 0, count: 2 * typeCount + 8 * 256 + 2048)
            pathNum = arena; pathDen = arena + 1024
            noShareBound = arena + 2048 + typeCount + 8 * 256
            typeNum = arena + 2048
            let t = typeNum + typeCount
            stageNum = t; stageDen = t + 256; ageNum = t + 512; ageDen = t + 768
            sexNum = t + 1024; sexDen = t + 1280; linesNum = t + 1536; linesDen = t + 1792
        }
        deinit { arena.deallocate() }
    }

    init(query: PatientProfile, index: SimilarityIndex, options: SearchOptions) {
        let w = options.weights
        let layout = index.layout
        let wpc = layout.wordsPerClass
        var bits = [UInt64](repeating: 0, count: layout.geneWords)
        var counts = [0, 0, 0, 0]
        for c in AlterationClass.allCases {
            for g in query.genes(c) {
                guard let id = index.vocabulary.id(of: g) else { continue }
                bits[c.rawValue * wpc + id >> 6] |= 1 << UInt64(id & 63)
            }
        }
        // Exact alterations of vocabulary genes form the fourth tier; one no indexed patient carries has no
        // bit (it can match nothing) but still counts in the query's union.
        for a in query.hotspotAlleles where index.vocabulary.id(of: String(SimilarityIndex.alleleGene(a))) != nil {
            if let id = index.alleleIDs[a] { bits[layout.alleleBase + Int(id) >> 6] |= 1 << UInt64(id & 63) } else { counts[3] += 1 }
        }
        var act: [Active] = []
        for (i, b) in bits.enumerated() where b != 0 {
            let cls = layout.classOf(word: i)
            act.append(Active(word: Int32(i), cls: Int32(cls), bits: b, bitCount: b.nonzeroBitCount))
            counts[cls] += b.nonzeroBitCount
        }
        active = act
        var feats: [Feature] = []
        for a in act {
            var b = a.bits
            while b != 0 { feats.append(Feature(feature: a.word * 64 + Int32(b.trailingZeroBitCount), cls: a.cls)); b &= b &- 1 }
        }
        features = feats
        qh = counts[0]; qt = counts[1]; qo = counts[2]; qx = counts[3]
        qPathways = UInt64(query.pathways.mask)
        wh = w.hotspotClass; wt = w.truncatingClass; wo = w.otherClass; wx = w.exactClass
        wG = w.genes; wP = w.pathways; wT = w.tumourType; wM = w.tmb
        tmbQ = query.tmb.map { SimilarityWeights.quantisedTMB($0) } ?? -1
        tmbDen = 1000 * w.tmbLogRange
        let knownSex = query.sex == .female || query.sex == .male
        clinicalWeightBound = (query.stage != nil ? w.stage : 0) + (query.age != nil ? w.age : 0) + (knownSex ? w.sex : 0)
            + (query.priorLines != nil ? w.priorLines : 0) + (query.tmb != nil ? w.tmb : 0)

        var types = index.tumourTypes
        let qType = types.idAdding(query.tumourType)
        let tb = Tables(typeCount: types.count)
        for t in 0..<types.count { tb.typeNum[t] = w.tumourType * types.wuPalmer(qType, Int32(t)) }
        func fill(_ num: UnsafeMutablePointer<Double>, _ den: UnsafeMutablePointer<Double>, _ q: Int?, _ weight: Double,
                  _ sim: (Int, Int) -> Double) {
            guard let q else { return }
            for v in 0..<255 { num[v] = weight * sim(q, v); den[v] = weight }  // 255 = unknown stays 0
        }
        func clamp(_ v: Int?) -> Int? { v.map { min(254, max(0, $0)) } }
        fill(tb.stageNum, tb.stageDen, clamp(query.stage), w.stage) { a, b in max(0, 1 - Double(abs(a - b)) / w.stageRange) }
        fill(tb.ageNum, tb.ageDen, clamp(query.age), w.age) { a, b in max(0, 1 - Double(abs(a - b)) / w.ageRange) }
        fill(tb.linesNum, tb.linesDen, clamp(query.priorLines), w.priorLines) { a, b in max(0, 1 - Double(abs(a - b)) / w.priorLinesRange) }
        let qs = query.sex == .female ? 1 : query.sex == .male ? 2 : 0
        if qs != 0 {
            for v in 1...2 { tb.sexNum[v] = w.sex * (v == qs ? 1 : 0); tb.sexDen[v] = w.sex }
        }
        // A row sharing no gene has gene similarity 0 (with weight wG whenever the query's weighted gene
        // count is positive), pathway similarity at most 1, and at best perfect clinical matches; adding a
        // perfect term to a mean of terms ≤ 1 never lowers it, so this bounds every such row of the type.
        let queryGeneWeight = wh * Double(qh) + wt * Double(qt) + wo * Double(qo) + wx * Double(qx)
        let gDen = queryGeneWeight > 0 ? w.genes : 0
        for ty in 0..<types.count {
            let b = (w.pathways + tb.typeNum[ty] + clinicalWeightBound) / (gDen + w.pathways + w.tumourType + clinicalWeightBound)
            tb.noShareBound[ty] = b.isNaN ? 1 : b
            tb.noShareMax = max(tb.noShareMax, tb.noShareBound[ty])
        }
        for pm in 0..<1024 {
            let pu = (UInt64(pm) | qPathways).nonzeroBitCount
            if pu > 0 {
                tb.pathNum[pm] = w.pathways * (Double((UInt64(pm) & qPathways).nonzeroBitCount) / Double(pu)); tb.pathDen[pm] = w.pathways
            }
        }
        tables = tb

        switch options.filter {
        case .any: allowedTypes = nil
        case .exactly(let codes):
            var a = [Bool](repeating: false, count: index.tumourTypes.count)
            for c in codes { if let id = index.tumourTypes.id(of: c) { a[Int(id)] = true } }
            allowedTypes = a
        case .within(let code):
            var a = [Bool](repeating: false, count: index.tumourTypes.count)
            if let anc = index.tumourTypes.id(of: code) {
                for t in 0..<a.count { a[t] = index.tumourTypes.isDescendant(Int32(t), of: anc) }
            }
            allowedTypes = a
        }
        if let allowed = allowedTypes {
            // Rows of other types are never returned: bound only the allowed ones.
            tb.noShareMax = 0
            for ty in 0..<allowed.count where allowed[ty] { tb.noShareMax = max(tb.noShareMax, tb.noShareBound[ty]) }
        }
    }

    /// The similarity from a row's meta and clinical words and its per-class intersections, in the
    /// order `SimilarityWeights` documents.
    @inline(__always)
    func combine(meta m: UInt64, clinical c: UInt64, ih: Int, it: Int, io: Int, ix: Int) -> Double {
        var num = 0.0, den = 0.0
        let nh = Int(m & 0xFFF), nt = Int(m >> 12 & 0xFFF), no = Int(m >> 24 & 0xFFF), nx = Int(m >> 36 & 0xFFF)
        let u = wh * Double(nh + qh - ih) + wt * Double(nt + qt - it) + wo * Double(no + qo - io) + wx * Double(nx + qx - ix)
        if u > 0 {
            let i = wh * Double(ih) + wt * Double(it) + wo * Double(io) + wx * Double(ix)
            num += wG * (i / u); den += wG
        }
        let t = tables
        let pm = Int(m >> 48 & 0x3FF)
        num += t.pathNum[pm]; den += t.pathDen[pm]
        num += t.typeNum[Int(c & 0xFFFF)]; den += wT
        let st = Int(c >> 16 & 0xFF), sx = Int(c >> 24 & 0xFF), ag = Int(c >> 32 & 0xFF), ln = Int(c >> 40 & 0xFF)
        num += t.stageNum[st]; den += t.stageDen[st]
        num += t.ageNum[ag]; den += t.ageDen[ag]
        num += t.sexNum[sx]; den += t.sexDen[sx]
        num += t.linesNum[ln]; den += t.linesDen[ln]
        let tq = Int(c >> 48)
        if tmbQ >= 0, tq != 0xFFFF {
            num += wM * max(0, 1 - Double(abs(tq - tmbQ)) / tmbDen); den += wM
        }
        return den > 0 ? num / den : 0
    }
}

extension SimilarityIndex {
    /// Bytes of the row buffer one search for `query` may read: for every block, the 128-byte mask of each
    /// query feature plus the whole meta and clinical runs (an upper bound: those are read only for rows
    /// that can still enter the top k; key runs only on ties).
    public func bytesScanned(by query: PatientProfile) -> Int {
        let plan = QueryPlan(query: query, index: self, options: SearchOptions(k: 1))
        return ((rowCount + Self.blockMask) >> Self.blockShift) * (plan.features.count * 128 + 2 * Self.blockRows * 8)
    }
}
