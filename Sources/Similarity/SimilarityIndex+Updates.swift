import Foundation
import OncoCore
import Vocabulary
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Incremental updates of the index: upsert, remove, and the columnar bulk load.
extension SimilarityIndex {
    /// Adds new patients and replaces the rows of keys already present.
    /// - Complexity: O(*n* · row width) for *n* profiles; amortised O(1) growth.
    public mutating func upsert(_ profiles: [PatientProfile]) {
        makeUnique(extraRows: profiles.count)
        registerAlleles(profiles.lazy.flatMap(\.hotspotAlleles))
        var row = [UInt64](repeating: 0, count: layout.stride)
        for p in profiles {
            encode(p, into: &row)
            write(row, key: p.key)
        }
    }

    /// Removes patients (their rows become tombstones until `compacted()`). Returns how many were present.
    @discardableResult
    public mutating func remove(_ keysToRemove: [PatientKey]) -> Int {
        makeUnique(extraRows: 0)
        var n = 0
        for k in keysToRemove {
            guard let r = rowByKey.removeValue(forKey: k) else { continue }
            clearRow(Int(r))
            count -= 1; n += 1
        }
        return n
    }

    /// The same patients without tombstones, in row order.
    public func compacted() -> SimilarityIndex {
        var out = SimilarityIndex(vocabulary: vocabulary, tumourTypes: tumourTypes, pathways: pathwayCatalog, reservingCapacity: count)
        out.attributes = attributes
        out.registerAlleles(alleleLabels)
        if out.layout.alleleWords != layout.alleleWords { out.relayout(alleleWords: layout.alleleWords) }
        var row = [UInt64](repeating: 0, count: layout.stride)
        for r in 0..<rowCount where isLive(row: r) {
            for w in 0..<layout.stride { row[w] = rowWord(r, w) }
            out.write(row, key: keys[r])
        }
        return out
    }

    /// Profiles in bulk, without one object per patient: parallel arrays plus alterations in compressed
    /// sparse rows (alterations of patient *i* are `alterationOffsets[i] ..< alterationOffsets[i+1]`).
    /// Built by a warehouse from a few SQL aggregates (gene ids index `SimilarityIndex.vocabulary`).
    public struct ProfileColumns: Sendable {
        public var keys: [PatientKey] = []
        public var tumourTypes: [OncoTreeCode] = []
        /// Stage ordinal 0…4, or −1 when unknown.
        public var stages: [Int8] = []
        /// Age in years, or −1.
        public var ages: [Int16] = []
        public var sexes: [Sex] = []
        /// Prior lines of therapy, or −1.
        public var priorLines: [Int16] = []
        /// TMB (mut/Mb), or NaN.
        public var tmb: [Double] = []
        /// `count + 1` offsets into the alteration arrays.
        public var alterationOffsets: [Int32] = [0]
        /// Vocabulary gene id of each alteration.
        public var alterationGenes: [Int32] = []
        public var alterationClasses: [AlterationClass] = []
        /// Hotspot alleles (`GENE p.X`) of patient *i*: `hotspotAlleles[alleleOffsets[i] ..< alleleOffsets[i+1]]`
        /// (leave both empty when there are none).
        public var alleleOffsets: [Int32] = []
        public var hotspotAlleles: [String] = []
        public init() {}
        public var count: Int { keys.count }
    }

    /// Adds or replaces the patients of `columns`. Pathways are derived from hotspot/activating and
    /// truncating alterations with `pathwayCatalog`, as `ProfileBuilder` does.
    public mutating func upsert(_ c: ProfileColumns) throws {
        let n = c.count
        guard c.tumourTypes.count == n, c.stages.count == n, c.ages.count == n, c.sexes.count == n,
              c.priorLines.count == n, c.tmb.count == n, c.alterationOffsets.count == n + 1,
              c.alterationGenes.count == c.alterationClasses.count,
              Int(c.alterationOffsets[n]) == c.alterationGenes.count else {
            throw SimilarityError(.invalidArgument, "ProfileColumns: arrays have inconsistent lengths")
        }
        if let bad = c.alterationGenes.first(where: { $0 < 0 || Int($0) >= vocabulary.count }) {
            throw SimilarityError(.invalidArgument, "ProfileColumns: field alterationGenes: id \(bad) is outside the vocabulary (\(vocabulary.count) genes)")
        }
        let withAlleles = !c.alleleOffsets.isEmpty
        guard !withAlleles ? c.hotspotAlleles.isEmpty
                : c.alleleOffsets.count == n + 1 && Int(c.alleleOffsets[n]) == c.hotspotAlleles.count else {
            throw SimilarityError(.invalidArgument, "ProfileColumns: alleleOffsets and hotspotAlleles have inconsistent lengths")
        }
        makeUnique(extraRows: n)
        registerAlleles(c.hotspotAlleles)
        let pathwayOfGene = vocabulary.genes.map { pathwayCatalog.pathways(of: $0).mask }
        var row = [UInt64](repeating: 0, count: layout.stride)
        for i in 0..<n {
            for w in 0..<layout.stride { row[w] = 0 }
            var pathways: UInt16 = 0
            for a in Int(c.alterationOffsets[i])..<Int(c.alterationOffsets[i + 1]) {
                let g = Int(c.alterationGenes[a]), cls = c.alterationClasses[a].rawValue
                row[cls * layout.wordsPerClass + g >> 6] |= 1 << UInt64(g & 63)
                if cls != AlterationClass.other.rawValue { pathways |= pathwayOfGene[g] }
            }
            if withAlleles {
                for a in Int(c.alleleOffsets[i])..<Int(c.alleleOffsets[i + 1]) {
                    if let id = alleleIDs[c.hotspotAlleles[a]] { row[layout.alleleBase + Int(id) >> 6] |= 1 << UInt64(id & 63) }
                }
            }
            let clinical = encodeClinical(tumourType: c.tumourTypes[i], stage: c.stages[i] < 0 ? nil : Int(c.stages[i]),
                                          age: c.ages[i] < 0 ? nil : Int(c.ages[i]), sex: c.sexes[i],
                                          priorLines: c.priorLines[i] < 0 ? nil : Int(c.priorLines[i]),
                                          tmb: c.tmb[i].isNaN ? nil : c.tmb[i])
            finishRow(&row, pathways: pathways, clinical: clinical, key: c.keys[i])
            write(row, key: c.keys[i])
        }
    }
}
