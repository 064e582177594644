import Foundation
import Knowledge
import OncoCore
import Recommendation
import Reports
import Testing
import Warehouse
import _TestSupport

/// `RealWorldCache` (shared by a batch's cases) changes nothing in the results: every case, scored
/// with one shared cache (first filling it, then again from it, and concurrently), gives the same
/// report, byte for byte in every format, and the same Kaplan–Meier curves as without a cache.
@Suite("Real-world cache", .serialized)
struct RealWorldCacheTests {
    static let cases: [(String, String)] = [
        ("skcm_braf_v600e.grch37.vep", "SKCM"), ("skcm_braf_v600e.grch38.bare", "SKCM"), ("luad_egfr_l858r.grch37.vep", "LUAD"),
        ("luad_egfr_l858r_t790m.grch38.vep", "LUAD"), ("luad_kras_g12c.grch37.vep", "LUAD"), ("coadread_kras_g12d.grch37.vep", "COADREAD"),
        ("coadread_braf_v600e.grch38.vep", "COADREAD"), ("brca_pik3ca_h1047r.grch38.vep", "BRCA"), ("aml_idh1_r132h.grch38.vep", "AML"),
        ("hnsc_no_actionable.grch37.vep", "HNSC"),
    ]

    static func general() async throws -> Warehouse {
        try await SyntheticWarehouses.shared.general()
    }

    /// Everything a reader sees, in every format, plus the curves (which the text formats summarise).
    static func fingerprint(_ r: Recommendation) throws -> String {
        let report = RecommendationReport(r)
        var out = report.text() + report.markdown() + (try report.json()) + report.html()
        for t in r.therapies + r.notRecommended + r.realWorldOnly {
            guard let ev = t.realWorld else { continue }
            out += "\n\(t.name) \(ev.grade) \(ev.reason) \(ev.settings) \(String(describing: ev.model))"
            for arm in [ev.treated, ev.comparator] {
                out += " \(arm.patients)/\(arm.events) \(arm.curve?.time ?? []) \(arm.curve?.survival ?? []) \(arm.curve?.lower ?? []) \(arm.curve?.upper ?? [])"
            }
        }
        return out
    }

    @Test("a shared cache gives the uncached results, sequentially and concurrently")
    func sameResults() async throws {
        let store = try await Self.general()
        let (source, reason) = await SimilarityNeighbourSource.load(store: store, indexPath: nil, preloadingPersonIDs: true,
                                                                    threads: 1, logger: Fixtures.logger)
        let neighbours = try #require(source, "\(reason)")
        let options = RecommenderOptions(gates: RealWorldGates(minimumPatients: 10, minimumEvents: 5), neighbours: 150)
        let plain = Recommender(knowledgeBase: Fixtures.kb, warehouse: store, neighbourSource: neighbours, options: options)
        let cache = RealWorldCache()
        let cached = Recommender(knowledgeBase: Fixtures.kb, warehouse: store, neighbourSource: neighbours, options: options,
                                 realWorldCache: cache)
        var reference: [String] = []
        var analysed = 0
        for (name, type) in Self.cases {
            let c = try Fixtures.readCase(name, tumourType: type)
            let r = try await plain.recommend(c, logger: Fixtures.logger)
            analysed += (r.therapies + r.notRecommended + r.realWorldOnly).filter { $0.realWorld?.model != nil }.count
            reference.append(try Self.fingerprint(r))
        }
        #expect(analysed >= 5, "too few fitted comparisons to test the cache (\(analysed))")
        for round in 0..<2 {   // filling the cache, then answered from it
            for (k, (name, type)) in Self.cases.enumerated() {
                let c = try Fixtures.readCase(name, tumourType: type)
                let r = try await cached.recommend(c, logger: Fixtures.logger)
                #expect(try Self.fingerprint(r) == reference[k], "round \(round): \(name) differs with the cache")
            }
        }
        let s = cache.statistics
        #expect(s.preparedHits > 0 && s.evidenceHits > 0 && s.comparisonMisses > 0)
        #expect(cache.rowsKept > 0 && cache.rowsKept <= cache.maximumRows)
        // Concurrently, on a fresh cache.
        let fresh = Recommender(knowledgeBase: Fixtures.kb, warehouse: store, neighbourSource: neighbours, options: options,
                                realWorldCache: RealWorldCache())
        let prints = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for _ in 0..<2 {
                for (k, (name, type)) in Self.cases.enumerated() {
                    group.addTask {
                        let c = try Fixtures.readCase(name, tumourType: type)
                        return (k, try Self.fingerprint(try await fresh.recommend(c, logger: Fixtures.logger)))
                    }
                }
            }
            var out: [(Int, String)] = []
            for try await x in group { out.append(x) }
            return out
        }
        for (k, p) in prints { #expect(p == reference[k], "concurrent: \(Self.cases[k].0) differs with the cache") }
    }

    @Test("bounded: nothing is kept beyond the bounds, and results stay the same")
    func bounded() async throws {
        let store = try await Self.general()
        let options = RecommenderOptions(gates: RealWorldGates(minimumPatients: 10, minimumEvents: 5))
        let tiny = RealWorldCache(maximumRows: 50, maximumEntries: 3)
        let plain = Recommender(knowledgeBase: Fixtures.kb, warehouse: store, options: options)
        let cached = Recommender(knowledgeBase: Fixtures.kb, warehouse: store, options: options, realWorldCache: tiny)
        for (name, type) in Self.cases.prefix(4) {
            let c = try Fixtures.readCase(name, tumourType: type)
            let a = try Self.fingerprint(try await plain.recommend(c, logger: Fixtures.logger))
            let b = try Self.fingerprint(try await cached.recommend(c, logger: Fixtures.logger))
            #expect(a == b, "\(name) differs with a full cache")
        }
        #expect(tiny.rowsKept <= 50)
    }
}
