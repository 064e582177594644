import Foundation
import Logging
import OncoCore
import Recommendation
import Similarity
import Warehouse

/// The recommender's `NeighbourSource` for a batch: a `SimilarityIndex` over every warehouse patient,
/// built once from the warehouse's profiles (`WarehouseStore.profiles`) and shared by all cases.
///
/// Warehouse patients are profiled as `ProfileBuilder` profiles a new case, from what the warehouse
/// stores per alteration (gene, consequence class, HGVSp, or a gene-level event):
/// - consequence class `truncating`, or a `deletion` → truncating;
/// - `missense` / `inframeIndel` whose HGVSp residues overlap a hotspot of the gene
///   (`HotspotCatalog.cancerHotspotsV2`), an `amplification` or a `fusion` (the warehouse stores the
///   fusion under its 3′ partner) → hotspot/activating;
/// - other `missense` / `inframeIndel`, `splice` → other.
/// Only PASS (or unfiltered) calls count, as for the case. Stage, age at diagnosis, sex and TMB come
/// from the warehouse; prior lines are left unknown on both sides (a new case's manifest does not say
/// how many lines it had, and a warehouse patient's line count is its whole history, not its history
/// at the time it would have been compared).
///
/// Neighbours are returned as warehouse person ids (the recommender's contract); patient keys never
/// leave this type. The scan runs on one thread per case: batch parallelism is across cases.
public struct WarehouseSimilaritySource: NeighbourSource {
    public let index: SimilarityIndex
    /// Warehouse person id of each index key.
    let personIDs: [PatientKey: Int64]
    public let builder: ProfileBuilder
    public let weights: SimilarityWeights
    public let summary: String

    /// The key of the query profile; never a warehouse key (those are pseudonyms without spaces).
    static let queryKey = PatientKey("batch query")

    /// Builds the index from a warehouse profile table.
    /// - Throws: `SimilarityError` if the columns are inconsistent (they come from one query, so they are not).
    public init(profiles t: ProfileTable, builder: ProfileBuilder = ProfileBuilder(), weights: SimilarityWeights = .default) throws {
        var index = SimilarityIndex(reservingCapacity: t.count)
        var cols = SimilarityIndex.ProfileColumns()
        cols.keys.reserveCapacity(t.count)
        var ids: [PatientKey: Int64] = [:]
        ids.reserveCapacity(t.count)
        let vocabulary = index.vocabulary
        var geneID: [String: Int32] = [:]
        for i in 0..<t.count {
            let key = PatientKey(t.keys[i].isEmpty ? "person-\(t.personIDs[i])" : t.keys[i])
            guard ids[key] == nil else { continue }
            ids[key] = t.personIDs[i]
            cols.keys.append(key)
            cols.tumorTypes.append(OncoTreeCode(t.tumourTypes[i] ?? "TISSUE"))
            cols.stages.append(Int8(Stage.ordinal(t.stages[i]) ?? -1))
            cols.ages.append(Int16(t.ages[i].map { min(max($0, 0), 150) } ?? -1))
            cols.sexes.append(t.sexes[i])
            cols.priorLines.append(-1)
            cols.tmb.append(t.tmb[i] ?? .nan)
            for a in t.alterationStart[i]..<t.alterationStart[i + 1] {
                let gene = t.genes[a]
                guard let cls = Self.alterationClass(t.classes[a], gene: gene, hgvsp: t.hgvsp[a], hotspots: builder.hotspots) else { continue }
                let id: Int32
                if let known = geneID[gene] { id = known } else {
                    guard let v = vocabulary.id(of: gene) else { continue }  // a panel: other genes are not compared
                    id = Int32(v)
                    geneID[gene] = id
                }
                cols.alterationGenes.append(id)
                cols.alterationClasses.append(cls)
            }
            cols.alterationOffsets.append(Int32(cols.alterationGenes.count))
        }
        try index.upsert(cols)
        self.index = index
        self.personIDs = ids
        self.builder = builder
        self.weights = weights
        self.summary = "exact top-k, Similarity index over \(Self.thousands(index.count)) warehouse patients"
    }

    /// Reads every warehouse patient's profile (PASS calls only) and builds the index.
    public static func build(from store: any WarehouseStore, cohort: CohortCriteria = .all, builder: ProfileBuilder = ProfileBuilder(),
                             logger: Logger) async throws -> WarehouseSimilaritySource {
        let table = try await store.profiles(cohort: cohort, options: ProfileOptions(passOnly: builder.passOnly), logger: logger)
        return try WarehouseSimilaritySource(profiles: table, builder: builder)
    }

    /// The class of one warehouse alteration (see the type's rules), or nil if it does not count.
    static func alterationClass(_ stored: String, gene: String, hgvsp: String?, hotspots: HotspotCatalog) -> AlterationClass? {
        switch stored {
        case "truncating", "deletion": return .truncating
        case "amplification", "fusion": return .hotspot
        case "missense", "inframeIndel":
            if let p = hgvsp, let r = Similarity.ProteinChange.residues(p), hotspots.overlapsHotspot(gene: gene, residues: r) {
                return .hotspot
            }
            return .other
        case "splice": return .other
        default: return nil
        }
    }

    public func neighbours(of c: RecommendationCase, k: Int, logger: Logger) async throws -> NeighbourSet {
        let query = builder.profile(key: Self.queryKey, variants: c.variants, clinical: c.clinical)
        let found = try index.search(query, options: SearchOptions(k: k, weights: weights, threads: 1, excludeQueryKey: false))
        var ids: [Int64] = [], sims: [Double] = []
        ids.reserveCapacity(found.count)
        sims.reserveCapacity(found.count)
        for n in found {
            guard let id = personIDs[n.key] else { continue }
            ids.append(id)
            sims.append(n.similarity)
        }
        return NeighbourSet(personIDs: ids, similarities: sims)
    }

    static func thousands(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
}
