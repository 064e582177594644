@testable import Batch
import Foundation
import Logging
import OncoCore
import Recommendation
import Similarity
import Testing
import Warehouse
import _TestSupport

/// The recommend scorer's shared warehouse pieces, on an in-memory synthetic warehouse: the batch
/// read cache (`Warehouse.Options.readCache`) answers exactly as the uncached warehouse does, and warehouse patients are profiled as new cases are.
@Suite(.serialized) struct BatchWarehouseTests {
    static let logger = Logger(label: "test.batch.warehouse", factory: { _ in SwiftLogNoOpLogHandler() })

    /// 800 synthetic patients (the model the generated cases are drawn from).
    static func makeStore() async throws -> Warehouse {
        let store = try await Warehouse.openSQLite(path: nil)
        let g = try SyntheticCohortGenerator(parametersPath: RepoPaths.cohorts("synthetic-oncology.json").path, patients: 800, seed: 11)
        _ = try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: 2), progress: nil, logger: logger)
        return store
    }

    @Test func cacheAnswersAsTheStoreAndReadsEachSharedCohortOnce() async throws {
        let store = try await Self.makeStore()
        let cache = store.with(options: .readCache)
        let log = Self.logger
        let shared = [
            LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["LUAD"])),
            LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"], variants: [GeneVariant(gene: "BRAF", hgvsp: "p.V600E")])),
        ]
        var direct: [LineOutcomeQuery: LineOutcomeTable] = [:]
        for q in shared { direct[q] = try await store.lineOutcomes(q, logger: log) }
        #expect(direct[shared[0]]!.personIDs.count > 0 && direct[shared[1]]!.personIDs.count > 0)
        // Eight concurrent cases ask for each cohort.
        let answers = try await withThrowingTaskGroup(of: (LineOutcomeQuery, LineOutcomeTable).self) { group in
            for _ in 0..<8 { for q in shared { group.addTask { (q, try await cache.lineOutcomes(q, logger: log)) } } }
            var out: [(LineOutcomeQuery, LineOutcomeTable)] = []
            for try await a in group { out.append(a) }
            return out
        }
        #expect(answers.count == 16)
        for (q, t) in answers { #expect(t == direct[q]) }
        #expect(cache.readCacheStatistics!.misses == 2 && cache.readCacheStatistics!.hits == 14)

        // A neighbour cohort (explicit person ids) goes to the store every time.
        let ids = Array(try await store.selectCohort(.all, logger: log).prefix(60))
        let neighbours = LineOutcomeQuery(cohort: CohortCriteria(personIDs: ids))
        #expect(try await cache.lineOutcomes(neighbours, logger: log) == (try await store.lineOutcomes(neighbours, logger: log)))
        #expect(cache.readCacheStatistics!.bypassed == 1)

        // The batched read (what the recommender uses): one cached, one new, the neighbours, the new one again.
        let nsclc = LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["NSCLC", "LUAD", "LUSC"]))
        let mixed = [shared[1], nsclc, neighbours, nsclc]
        let batched = try await cache.lineOutcomes(mixed, logger: log)
        #expect(batched == (try await store.lineOutcomes(mixed, logger: log)))
        #expect(batched[1].personIDs.count > 0)
        #expect(cache.readCacheStatistics!.misses == 3 && cache.readCacheStatistics!.hits == 16 && cache.readCacheStatistics!.bypassed == 2)
        #expect(try await cache.lineOutcomes([nsclc], logger: log) == [batched[1]])
        #expect(try await cache.metadata(logger: log) == (try await store.metadata(logger: log)))
        #expect(cache.backend == .sqlite)
    }

    /// The batch's neighbour source (the warehouse's similarity index, keys mapped to person ids from a
    /// table read once) answers as the per-case lookup does, and a case rebuilt from a warehouse patient's
    /// small variants and clinical values finds that patient among its nearest. (That warehouse rows and
    /// new cases are profiled alike is tested in SimilarityTests.)
    @Test func casesRebuiltFromWarehousePatientsFindThemselves() async throws {
        let store = try await Self.makeStore()
        let t = try await store.profiles(cohort: .all, options: ProfileOptions(passOnly: true), logger: Self.logger)
        let (preloaded, reason) = await SimilarityNeighbourSource.load(store: store, indexPath: nil, preloadingPersonIDs: true,
                                                                       threads: 1, logger: Self.logger)
        let batch = try #require(preloaded, "\(reason)")
        let perCase = SimilarityNeighbourSource(index: batch.index, store: store)
        #expect(batch.index.count == t.count)
        let term = ["truncating": "stop_gained", "missense": "missense_variant", "inframeIndel": "inframe_deletion",
                    "splice": "splice_region_variant"]
        func variant(_ a: Int) -> SomaticVariant? {
            guard let so = term[t.classes[a]] else { return nil }
            return SomaticVariant(key: VariantKey(build: .grch37, chrom: "1", position: 1_000_000 + a, ref: "A", alt: "T"),
                                  filters: ["PASS"],
                                  annotation: VariantAnnotation(symbol: t.genes[a], consequences: [so], hgvsp: t.hgvsp[a], hgvspShort: t.hgvsp[a]))
        }
        var searched = 0
        for i in stride(from: 0, to: t.count, by: 37) {
            let r = t.alterationStart[i]..<t.alterationStart[i + 1]
            // Only patients whose alterations are all small variants (gene-level events go in the clinical context).
            guard r.allSatisfy({ term[t.classes[$0]] != nil }), let tt = t.tumourTypes[i] else { continue }
            let clinical = ClinicalContext(tumourType: OncoTreeCode(tt), age: t.ages[i], sex: t.sexes[i], stage: t.stages[i], tmb: t.tmb[i])
            let c = RecommendationCase(variants: r.compactMap(variant), clinical: clinical)
            let n = try await batch.neighbours(of: c, k: 5, logger: Self.logger)
            #expect(n == (try await perCase.neighbours(of: c, k: 5, logger: Self.logger)))
            #expect(n.count == 5)
            // The patient itself is among the neighbours at the top similarity (others may tie with it).
            let top = zip(n.personIDs, n.similarities).filter { isClose($0.1, n.similarities[0], rel: 1e-12) }.map(\.0)
            #expect(top.contains(t.personIDs[i]) || top.count == 5, "patient \(i): top \(n.similarities[0])")
            searched += 1
        }
        #expect(searched > 10)
    }
}
