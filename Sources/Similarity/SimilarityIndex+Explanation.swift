import OncoCore
import Vocabulary

/// Why a neighbour was found: the features it shares with the query, how their tumour types relate,
/// and each feature's similarity and weight.
public struct NeighbourExplanation: Hashable, Sendable, Codable {
    /// How the neighbour's tumour type relates to the query's.
    public enum TumourTypeRelation: Hashable, Sendable, Codable {
        case same
        /// Related through `commonAncestor`, `distance` edges apart in OncoTree.
        case related(commonAncestor: OncoTreeCode, distance: Int)
        /// Different tissues (they meet only at the root).
        case unrelated
    }

    /// One term of the similarity: `similarity` is nil when the feature is unknown for either patient
    /// (the term then has no weight).
    public struct Component: Hashable, Sendable, Codable {
        public var feature: String
        public var similarity: Double?
        public var weight: Double
    }

    public var key: PatientKey
    public var similarity: Double
    /// Vocabulary genes altered in the same class in both (sorted).
    public var sharedHotspotGenes: [String]
    public var sharedTruncatingGenes: [String]
    public var sharedOtherGenes: [String]
    /// Exact alterations (`GENE p.X` alleles, `GENE amplification`, `GENE deletion`, `GENE fusion`) in
    /// both (sorted).
    public var sharedHotspotAlleles: [String]
    /// Pathways hit in both.
    public var sharedPathways: [OncogenicPathway]
    public var tumourType: OncoTreeCode
    public var tumourTypeRelation: TumourTypeRelation
    /// In the order of `SimilarityWeights`: genes, pathways, tumour type, stage, age, sex, prior lines, TMB.
    public var components: [Component]

    /// The encoded keys: `tumorType`, `tumorTypeRelation` as written before the identifiers were spelled `tumour`.
    enum CodingKeys: String, CodingKey {
        case key, similarity, sharedHotspotGenes, sharedTruncatingGenes, sharedOtherGenes, sharedHotspotAlleles, sharedPathways,
             tumourType = "tumorType", tumourTypeRelation = "tumorTypeRelation", components
    }

    /// All shared genes, any class, sorted and unique.
    public var sharedGenes: [String] { Array(Set(sharedHotspotGenes + sharedTruncatingGenes + sharedOtherGenes)).sorted() }
}

extension SimilarityIndex {
    /// Explains why `key` is similar to `query`, from the same encoded features the search scored.
    public func explain(_ query: PatientProfile, neighbour key: PatientKey,
                        weights: SimilarityWeights = .default) -> NeighbourExplanation? {
        guard let r32 = rowByKey[key] else { return nil }
        return explain(query, row: Int(r32), weights: weights)
    }

    /// Explains a neighbour a search of this index returned, by its row: no key → row table is built
    /// (building it hashes every key: ~0.45 s at 1M patients). nil when the row no longer holds that
    /// live key (the index changed since the search).
    public func explain(_ query: PatientProfile, neighbour n: Neighbour, weights: SimilarityWeights = .default) -> NeighbourExplanation? {
        guard n.row >= 0, n.row < rowCount, isLive(row: n.row), keys[n.row] == n.key else { return nil }
        return explain(query, row: n.row, weights: weights)
    }

    func explain(_ query: PatientProfile, row r: Int, weights: SimilarityWeights) -> NeighbourExplanation {
        let key = keys[r]
        var o = SearchOptions(k: 1, weights: weights); o.excludeQueryKey = false
        let plan = QueryPlan(query: query, index: self, options: o)
        var shared: [[String]] = [[], [], []]
        var sharedAlleles: [String] = []
        var inter = [0, 0, 0, 0]
        for a in plan.active {
            var both = rowWord(r, Int(a.word)) & a.bits
            inter[Int(a.cls)] += both.nonzeroBitCount
            let isAllele = Int(a.word) >= layout.alleleBase
            let base = (isAllele ? Int(a.word) - layout.alleleBase : Int(a.word) - Int(a.cls) * layout.wordsPerClass) * 64
            while both != 0 {
                let bit = both.trailingZeroBitCount
                if isAllele { sharedAlleles.append(alleleLabels[base + bit]) } else { shared[Int(a.cls)].append(vocabulary.genes[base + bit]) }
                both &= both - 1
            }
        }
        let meta = plain(r, layout.metaWord)
        let clin = plain(r, layout.clinicalWord)
        let pm = UInt16(meta >> 48 & 0x3FF)
        let sharedPathways = Array(PathwaySet(mask: pm & query.pathways.mask))

        var types = tumourTypes
        let q = types.idAdding(query.tumourType)
        let t = Int32(clin & 0xFFFF)
        let relation: NeighbourExplanation.TumourTypeRelation
        if q == t { relation = .same } else {
            let l = types.lowestCommonAncestor(q, t)
            relation = l == 0 ? .unrelated
                : .related(commonAncestor: OncoTreeCode(types.codes[Int(l)]), distance: types.pathLength(q, t))
        }

        // Components, recomputed with the plan's own arithmetic.
        var comps: [NeighbourExplanation.Component] = []
        let nh = Int(meta & 0xFFF), nt = Int(meta >> 12 & 0xFFF), no = Int(meta >> 24 & 0xFFF), nx = Int(meta >> 36 & 0xFFF)
        let u = plan.wh * Double(nh + plan.qh - inter[0]) + plan.wt * Double(nt + plan.qt - inter[1]) + plan.wo * Double(no + plan.qo - inter[2])
            + plan.wx * Double(nx + plan.qx - inter[3])
        let i = plan.wh * Double(inter[0]) + plan.wt * Double(inter[1]) + plan.wo * Double(inter[2]) + plan.wx * Double(inter[3])
        comps.append(.init(feature: "genes", similarity: u > 0 ? i / u : nil, weight: weights.genes))
        let pu = (UInt64(pm) | plan.qPathways).nonzeroBitCount
        comps.append(.init(feature: "pathways", similarity: pu > 0 ? Double(sharedPathways.count) / Double(pu) : nil, weight: weights.pathways))
        comps.append(.init(feature: "tumour type", similarity: types.wuPalmer(q, t), weight: weights.tumourType))
        func field(_ name: String, _ shift: UInt64, _ num: UnsafeMutablePointer<Double>, _ den: UnsafeMutablePointer<Double>, _ w: Double) {
            let v = Int(clin >> shift & 0xFF)
            comps.append(.init(feature: name, similarity: den[v] > 0 ? num[v] / den[v] : nil, weight: w))
        }
        field("stage", 16, plan.tables.stageNum, plan.tables.stageDen, weights.stage)
        field("age", 32, plan.tables.ageNum, plan.tables.ageDen, weights.age)
        field("sex", 24, plan.tables.sexNum, plan.tables.sexDen, weights.sex)
        field("prior lines", 40, plan.tables.linesNum, plan.tables.linesDen, weights.priorLines)
        let tq = Int(clin >> 48)
        comps.append(.init(feature: "TMB",
                           similarity: plan.tmbQ >= 0 && tq != 0xFFFF ? max(0, 1 - Double(abs(tq - plan.tmbQ)) / plan.tmbDen) : nil,
                           weight: weights.tmb))
        return NeighbourExplanation(
            key: key, similarity: score(plan, row: r),
            sharedHotspotGenes: shared[0].sorted(), sharedTruncatingGenes: shared[1].sorted(), sharedOtherGenes: shared[2].sorted(),
            sharedHotspotAlleles: sharedAlleles.sorted(),
            sharedPathways: sharedPathways, tumourType: OncoTreeCode(types.codes[Int(t)]), tumourTypeRelation: relation,
            components: comps)
    }
}
