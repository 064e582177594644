import Foundation
import OncoCore
import Vocabulary
import _TestSupport
@testable import Similarity

/// A deliberately naive reference: scores every profile from its sets with the formula documented on
/// `SimilarityWeights`, sorts everything, and takes the first k. No bitsets, no tables, no heaps.
enum Reference {
    static func wuPalmer(_ a: OncoTreeCode, _ b: OncoTreeCode, _ tree: TumourTypeHierarchy) -> Double {
        if a == b { return 1 }
        let pa = tree.ancestry(of: a), pb = tree.ancestry(of: b)
        let setB = Set(pb)
        let lca = pa.first { setB.contains($0) }!
        let depthLCA = tree.ancestry(of: lca).count - 1
        let da = pa.count - 1, db = pb.count - 1
        return 2 * Double(depthLCA) / Double(da + db)
    }

    static func clamp(_ v: Int?) -> Int? { v.map { min(254, max(0, $0)) } }
    static func knownSex(_ s: Sex?) -> Sex? { s == .unknown ? nil : s }
    static func q(_ tmb: Double?) -> Int? {
        tmb.map { $0 > 0 ? min(65534, Int((1000 * log1p($0)).rounded())) : 0 }
    }

    static func score(_ q0: PatientProfile, _ p: PatientProfile, _ w: SimilarityWeights, vocabulary: GeneVocabulary,
                      tree: TumourTypeHierarchy) -> Double {
        func inVocab(_ s: Set<String>) -> Set<String> { s.filter { vocabulary.id(of: $0) != nil } }
        // Exact alterations (`GENE p.X`, `GENE amplification`, ...) of vocabulary genes are a fourth tier
        // (all of them, known to the index or not: one only the query has still counts in the union).
        func exact(_ s: Set<String>) -> Set<String> { s.filter { vocabulary.id(of: String($0.split(separator: " ")[0])) != nil } }
        let hq = inVocab(q0.hotspotGenes), tq = inVocab(q0.truncatingGenes), oq = inVocab(q0.otherGenes), xq = exact(q0.hotspotAlleles)
        let hp = inVocab(p.hotspotGenes), tp = inVocab(p.truncatingGenes), op = inVocab(p.otherGenes), xp = exact(p.hotspotAlleles)
        let ih = hq.intersection(hp).count, it = tq.intersection(tp).count, io = oq.intersection(op).count
        let ix = xq.intersection(xp).count
        var num = 0.0, den = 0.0
        let u = w.hotspotClass * Double(hp.count + hq.count - ih) + w.truncatingClass * Double(tp.count + tq.count - it)
            + w.otherClass * Double(op.count + oq.count - io) + w.exactClass * Double(xp.count + xq.count - ix)
        if u > 0 {
            let i = w.hotspotClass * Double(ih) + w.truncatingClass * Double(it) + w.otherClass * Double(io) + w.exactClass * Double(ix)
            num += w.genes * (i / u); den += w.genes
        }
        let pu = q0.pathways.union(p.pathways).count
        if pu > 0 { num += w.pathways * (Double(q0.pathways.intersection(p.pathways).count) / Double(pu)); den += w.pathways }
        num += w.tumourType * wuPalmer(q0.tumourType, p.tumourType, tree); den += w.tumourType
        if let a = clamp(q0.stage), let b = clamp(p.stage) { num += w.stage * max(0, 1 - Double(abs(a - b)) / w.stageRange); den += w.stage }
        if let a = clamp(q0.age), let b = clamp(p.age) { num += w.age * max(0, 1 - Double(abs(a - b)) / w.ageRange); den += w.age }
        if let a = knownSex(q0.sex), let b = knownSex(p.sex) { num += w.sex * (a == b ? 1 : 0); den += w.sex }
        if let a = clamp(q0.priorLines), let b = clamp(p.priorLines) {
            num += w.priorLines * max(0, 1 - Double(abs(a - b)) / w.priorLinesRange); den += w.priorLines
        }
        if let a = q(q0.tmb), let b = q(p.tmb) { num += w.tmb * max(0, 1 - Double(abs(a - b)) / (1000 * w.tmbLogRange)); den += w.tmb }
        return den > 0 ? num / den : 0
    }

    static func search(_ q: PatientProfile, in profiles: [PatientProfile], k: Int, weights: SimilarityWeights = .default,
                       vocabulary: GeneVocabulary = .default, tree: TumourTypeHierarchy = .embedded,
                       allowed: ((PatientProfile) -> Bool)? = nil) -> [(key: PatientKey, score: Double)] {
        var all: [(key: PatientKey, score: Double)] = []
        for p in profiles where p.key != q.key && (allowed?(p) ?? true) {
            all.append((p.key, score(q, p, weights, vocabulary: vocabulary, tree: tree)))
        }
        all.sort { $0.score != $1.score ? $0.score > $1.score : $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }
        return Array(all.prefix(k))
    }
}

/// Seeded random profiles with deliberate duplicates, so that exact score ties are common.
enum RandomCohort {
    static let genePool = ["KRAS", "NRAS", "BRAF", "EGFR", "TP53", "PIK3CA", "PTEN", "APC", "CTNNB1", "SMAD4", "CDKN2A",
                           "RB1", "NF1", "KEAP1", "STK11", "ERBB2", "IDH1", "ARID1A", "FBXW7", "NOTCH1", "MYC", "TTN",
                           "NOT_IN_VOCAB", "ATM", "KMT2D", "SPOP", "GNAS", "ZNRF3"]
    static let types = ["LUAD", "LUSC", "NSCLC", "COAD", "READ", "SKCM", "BRCA", "IDC", "PAAD", "GBM", "UNKNOWNTYPE"]

    static func profile(_ key: String, _ g: inout SeededGenerator, sparse: Bool = false) -> PatientProfile {
        func pick(_ n: Int) -> Set<String> {
            var s = Set<String>()
            for _ in 0..<n { s.insert(genePool.randomElement(using: &g)!) }
            return s
        }
        let b = ProfileBuilder()
        let h = pick(Int.random(in: 0...(sparse ? 1 : 3), using: &g))
        let t = pick(Int.random(in: 0...(sparse ? 1 : 3), using: &g))
        let o = pick(Int.random(in: 0...(sparse ? 1 : 4), using: &g))
        func maybe<T>(_ v: T) -> T? { Int.random(in: 0..<5, using: &g) == 0 ? nil : v }
        // About half the hotspot genes carry one of a few alleles (so alleles are shared, or differ, often).
        var alleles = Set<String>()
        for gene in h.sorted() where Bool.random(using: &g) {
            alleles.insert("\(gene) \(["p.G12C", "p.G12D", "p.V600E", "p.R132H", "amplification", "fusion"].randomElement(using: &g)!)")
        }
        for gene in t.sorted() where Bool.random(using: &g) {
            alleles.insert("\(gene) \(["p.W288Cfs*12", "p.R213*", "deletion"].randomElement(using: &g)!)")
        }
        return PatientProfile(
            key: PatientKey(key), tumourType: OncoTreeCode(types.randomElement(using: &g)!),
            hotspotGenes: h, truncatingGenes: t, otherGenes: o, hotspotAlleles: alleles, pathways: b.pathwaySet(hotspot: h, truncating: t),
            tmb: maybe(Double(Int.random(in: 0...400, using: &g)) / 10), stage: maybe(Int.random(in: 0...4, using: &g)),
            age: maybe(Int.random(in: 20...90, using: &g)), sex: maybe([Sex.female, .male, .unknown].randomElement(using: &g)!),
            priorLines: maybe(Int.random(in: 0...5, using: &g)))
    }

    /// `n` profiles; about a quarter copy an earlier profile under a new key (exact ties).
    static func cohort(_ n: Int, seed: UInt64, sparse: Bool = false) -> [PatientProfile] {
        var g = SeededGenerator(seed: seed)
        var out: [PatientProfile] = []
        for i in 0..<n {
            // Keys share long prefixes so the 8-byte prefix tie-break must fall back to full strings.
            let key = Int.random(in: 0..<3, using: &g) == 0 ? "patient-\(i)" : "P\(String(i * 7919 % 100_003, radix: 16))"
            if !out.isEmpty, Int.random(in: 0..<4, using: &g) == 0 {
                var copy = out.randomElement(using: &g)!
                copy.key = PatientKey(key)
                out.append(copy)
            } else {
                out.append(profile(key, &g, sparse: sparse))
            }
        }
        return out
    }
}
