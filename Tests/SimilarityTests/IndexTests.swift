import Foundation
import OncoCore
import Testing
import Vocabulary
import _TestSupport
@testable import Similarity

@Suite struct SearchEqualsReferenceTests {
    static func check(_ got: [Neighbour], _ want: [(key: PatientKey, score: Double)], _ context: String) {
        #expect(got.map(\.key) == want.map(\.key), "\(context): keys differ")
        #expect(got.map(\.similarity) == want.map(\.score), "\(context): scores differ")
    }

    /// 40 seeds × several k (including k > n) × 3 weightings; 900–2,100 patients span 1–3 blocks of 1,024
    /// rows, the last one partial.
    @Test(arguments: 0..<40 as Range<UInt64>)
    func topKEqualsNaiveReference(seed: UInt64) throws {
        let profiles = RandomCohort.cohort(900 + Int(seed % 5) * 300 + Int(seed % 7), seed: seed, sparse: seed % 3 == 0)
        let index = SimilarityIndex(profiles: profiles)
        #expect(index.count == Set(profiles.map(\.key)).count)
        var g = SeededGenerator(seed: seed &+ 1000)
        var weightings: [SimilarityWeights] = [.default, .molecularOnly]
        var odd = SimilarityWeights(); odd.otherClass = 0; odd.sex = 2; odd.tmb = 0; odd.ageRange = 10
        weightings.append(odd)
        for qi in 0..<6 {
            // Half the queries are indexed patients (excluded from their own results), half new cases.
            let q = qi % 2 == 0 ? profiles.randomElement(using: &g)! : RandomCohort.profile("query-\(qi)", &g)
            for w in weightings {
                let ranking = Reference.search(q, in: profiles, k: profiles.count, weights: w)
                for k in [1, 7, 50, profiles.count + 5] {
                    let got = try index.search(q, options: SearchOptions(k: k, weights: w))
                    Self.check(got, Array(ranking.prefix(k)), "seed \(seed) query \(qi) k \(k)")
                }
            }
        }
    }

    @Test(arguments: 0..<8 as Range<UInt64>)
    func threadsAndBatchGiveTheSameResults(seed: UInt64) throws {
        let profiles = RandomCohort.cohort(5_000, seed: seed)
        let index = SimilarityIndex(profiles: profiles)
        var g = SeededGenerator(seed: seed)
        let queries = (0..<12).map { RandomCohort.profile("q\($0)", &g) }
        let single = try queries.map { try index.search($0, options: SearchOptions(k: 20)) }
        for threads in [2, 3, 7] {
            let multi = try queries.map { try index.search($0, options: SearchOptions(k: 20, threads: threads)) }
            #expect(multi == single)
            #expect(try index.searchBatch(queries, options: SearchOptions(k: 20, threads: threads)) == single)
        }
        #expect(try index.searchBatch(queries, options: SearchOptions(k: 20)) == single)
    }

    @Test func tiesAreBrokenByKey() throws {
        // Identical profiles: every score ties, so the order is the key order (UTF-8 bytes).
        let keys = ["b", "a", "patient-10", "patient-1", "patient-100", "Z", "é", "e"]
        let base = PatientProfile(key: PatientKey("x"), tumourType: OncoTreeCode("LUAD"), hotspotGenes: ["KRAS"])
        let profiles = keys.map { var p = base; p.key = PatientKey($0); return p }
        let index = SimilarityIndex(profiles: profiles)
        let got = try index.search(base, options: SearchOptions(k: 8)).map(\.key.rawValue)
        #expect(got == ["Z", "a", "b", "e", "patient-1", "patient-10", "patient-100", "é"])
        #expect(try index.search(base, options: SearchOptions(k: 3)).map(\.key.rawValue) == ["Z", "a", "b"])
    }

    @Test(arguments: 0..<6 as Range<UInt64>)
    func tumourTypeFilter(seed: UInt64) throws {
        let profiles = RandomCohort.cohort(900, seed: seed)
        let index = SimilarityIndex(profiles: profiles)
        let tree = TumourTypeHierarchy.embedded
        var g = SeededGenerator(seed: seed)
        let q = RandomCohort.profile("q", &g)
        let within = try index.search(q, options: SearchOptions(k: 30, filter: .within(OncoTreeCode("NSCLC"))))
        let nsclc = ["NSCLC", "LUAD", "LUSC"].map(OncoTreeCode.init)
        Self.check(within, Reference.search(q, in: profiles, k: 30, allowed: { nsclc.contains($0.tumourType) }), "within NSCLC")
        #expect(tree.ancestry(of: OncoTreeCode("LUSC")).contains(OncoTreeCode("NSCLC")))
        let exact = try index.search(q, options: SearchOptions(k: 30, filter: .exactly([OncoTreeCode("COAD"), OncoTreeCode("UNKNOWNTYPE")])))
        Self.check(exact, Reference.search(q, in: profiles, k: 30, allowed: { ["COAD", "UNKNOWNTYPE"].contains($0.tumourType.rawValue) }), "exactly")
    }

    @Test func badArgumentsThrow() throws {
        let index = SimilarityIndex(profiles: RandomCohort.cohort(10, seed: 1))
        let q = RandomCohort.cohort(1, seed: 2)[0]
        #expect(throws: SimilarityError.self) { try index.search(q, options: SearchOptions(k: 0)) }
        #expect(throws: SimilarityError.self) { try index.search(q, options: SearchOptions(threads: 0)) }
        var w = SimilarityWeights(); w.age = -1
        #expect(throws: SimilarityError.self) { try index.search(q, options: SearchOptions(weights: w)) }
        #expect(try SimilarityIndex().search(q).isEmpty)
    }
}

@Suite struct ExplanationTests {
    /// The shared genes are exactly the per-class intersections (within the vocabulary), the shared pathways
    /// the pathway intersection, and the explanation's similarity equals the search's.
    @Test(arguments: 0..<10 as Range<UInt64>)
    func explanationsListExactlyTheSharedFeatures(seed: UInt64) throws {
        let profiles = RandomCohort.cohort(400, seed: seed)
        let byKey = Dictionary(profiles.map { ($0.key, $0) }, uniquingKeysWith: { _, b in b })
        let index = SimilarityIndex(profiles: profiles)
        var g = SeededGenerator(seed: seed)
        let vocab = GeneVocabulary.default
        for qi in 0..<5 {
            let q = RandomCohort.profile("q\(qi)", &g)
            for n in try index.search(q, options: SearchOptions(k: 25)) {
                let p = byKey[n.key]!
                let e = try #require(index.explain(q, neighbour: n.key))
                func shared(_ a: Set<String>, _ b: Set<String>) -> [String] { a.intersection(b).filter { vocab.id(of: $0) != nil }.sorted() }
                #expect(e.sharedHotspotGenes == shared(q.hotspotGenes, p.hotspotGenes))
                #expect(e.sharedTruncatingGenes == shared(q.truncatingGenes, p.truncatingGenes))
                #expect(e.sharedOtherGenes == shared(q.otherGenes, p.otherGenes))
                #expect(e.sharedHotspotAlleles == q.hotspotAlleles.intersection(p.hotspotAlleles)
                    .filter { vocab.id(of: String($0.split(separator: " ")[0])) != nil }.sorted())
                #expect(e.sharedPathways == Array(q.pathways.intersection(p.pathways)))
                #expect(e.similarity == n.similarity)
                #expect(e.tumourType == p.tumourType)
                if q.tumourType == p.tumourType { #expect(e.tumourTypeRelation == .same) }
                // Recombining the components reproduces the similarity.
                var num = 0.0, den = 0.0
                for c in e.components { if let s = c.similarity { num += c.weight * s; den += c.weight } }
                #expect(isClose(num / den, n.similarity, rel: 1e-12))
            }
        }
    }

    @Test func relationOfRelatedTypes() throws {
        let a = PatientProfile(key: PatientKey("a"), tumourType: OncoTreeCode("LUSC"), hotspotGenes: ["KRAS"], truncatingGenes: ["TP53"])
        let b = PatientProfile(key: PatientKey("b"), tumourType: OncoTreeCode("SKCM"), hotspotGenes: ["BRAF"])
        let index = SimilarityIndex(profiles: [a, b])
        let q = PatientProfile(key: PatientKey("q"), tumourType: OncoTreeCode("LUAD"), hotspotGenes: ["KRAS", "BRAF"],
                               truncatingGenes: ["TP53"], pathways: PathwaySet([.rtkRas, .p53]))
        let ea = try #require(index.explain(q, neighbour: PatientKey("a")))
        #expect(ea.tumourTypeRelation == .related(commonAncestor: OncoTreeCode("NSCLC"), distance: 2))
        #expect(ea.sharedHotspotGenes == ["KRAS"] && ea.sharedTruncatingGenes == ["TP53"] && ea.sharedGenes == ["KRAS", "TP53"])
        let eb = try #require(index.explain(q, neighbour: PatientKey("b")))
        #expect(eb.tumourTypeRelation == .unrelated && eb.sharedHotspotGenes == ["BRAF"])
        #expect(index.explain(q, neighbour: PatientKey("nobody")) == nil)
    }
}

@Suite struct UpdateAndPersistenceTests {
    static func sameSearches(_ a: SimilarityIndex, _ b: SimilarityIndex, seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for i in 0..<8 {
            let q = RandomCohort.profile("q\(i)", &g)
            #expect(try a.search(q, options: SearchOptions(k: 40)).map { [$0.key.rawValue, "\($0.similarity)"] }
                    == b.search(q, options: SearchOptions(k: 40)).map { [$0.key.rawValue, "\($0.similarity)"] })
        }
    }

    /// Build from A, then upsert B (new keys and replacements) and remove C, equals a rebuild from the result.
    @Test(arguments: 0..<8 as Range<UInt64>)
    func incrementalUpdateEqualsRebuild(seed: UInt64) throws {
        let a = RandomCohort.cohort(1_500, seed: seed)
        var g = SeededGenerator(seed: seed &+ 7)
        var b = (0..<150).map { RandomCohort.profile("new-\($0)", &g) }
        b += a.shuffled(using: &g).prefix(80).map { var p = RandomCohort.profile("x", &g); p.key = $0.key; return p }
        let removed = Array(a.shuffled(using: &g).prefix(40).map(\.key))
        var incremental = SimilarityIndex(profiles: a)
        let snapshot = incremental                      // copy-on-write: the snapshot must not change
        incremental.upsert(b)
        #expect(incremental.remove(removed + [PatientKey("never-indexed")]) == Set(removed).count)
        var final: [PatientKey: PatientProfile] = [:]
        var order: [PatientKey] = []
        for p in a + b { if final[p.key] == nil { order.append(p.key) }; final[p.key] = p }
        for k in removed { final[k] = nil }
        let rebuilt = SimilarityIndex(profiles: order.compactMap { final[$0] })
        #expect(incremental.count == rebuilt.count)
        try Self.sameSearches(incremental, rebuilt, seed: seed)
        try Self.sameSearches(incremental.compacted(), rebuilt, seed: seed)
        try Self.sameSearches(snapshot, SimilarityIndex(profiles: a), seed: seed)
        #expect(!incremental.contains(removed[0]) && snapshot.contains(removed[0]))
    }

    @Test(arguments: 0..<4 as Range<UInt64>)
    func persistenceRoundTrip(seed: UInt64) throws {
        let dir = try makeTemporaryDirectory("onco-sim")
        defer { try? FileManager.default.removeItem(at: dir) }
        var index = SimilarityIndex(profiles: RandomCohort.cohort(1_200 + 500 * Int(seed), seed: seed))
        index.remove([index.patientKeys[3]])
        let url = dir.appendingPathComponent("similarity.onco-index")
        try index.write(to: url)
        let loaded = try SimilarityIndex(contentsOf: url)
        #expect(loaded.count == index.count && loaded.rowCount == index.rowCount)
        #expect(loaded.patientKeys == index.patientKeys)
        #expect(loaded.vocabulary == index.vocabulary && loaded.tumourTypes == index.tumourTypes)
        try Self.sameSearches(loaded, index, seed: seed)
        // Updating a mapped index copies it; the file is untouched and still loads to the old contents.
        var updated = loaded
        var g = SeededGenerator(seed: seed)
        let extra = (0..<100).map { RandomCohort.profile("late-\($0)", &g) }
        updated.upsert(extra)
        var direct = index
        direct.upsert(extra)
        try Self.sameSearches(updated, direct, seed: seed)
        try Self.sameSearches(try SimilarityIndex(contentsOf: url), index, seed: seed)
        // Write the updated one again and reload.
        try updated.write(to: url)
        try Self.sameSearches(try SimilarityIndex(contentsOf: url), direct, seed: seed)
    }

    /// Opening a file does not build the key → row table (0.45 s of a 0.79 s open at 1M patients); a
    /// search does not need it (an indexed query's own key is dropped after the scan); lookups by key
    /// build it once, and copies of the index keep value semantics.
    @Test func keyTableIsBuiltOnFirstLookup() throws {
        let dir = try makeTemporaryDirectory("onco-sim")
        defer { try? FileManager.default.removeItem(at: dir) }
        let profiles = RandomCohort.cohort(2_500, seed: 11)
        var index = SimilarityIndex(profiles: profiles)
        index.remove([profiles[1].key])
        let url = dir.appendingPathComponent("k.onco-index")
        try index.write(to: url)
        let loaded = try SimilarityIndex(contentsOf: url)
        #expect(loaded.rowByKeyCache.builtTable() == nil)
        for own in [profiles[7], profiles[1999], profiles[1]] {
            for k in [1, 10, 3_000] {
                let got = try loaded.search(own, options: SearchOptions(k: k))
                #expect(!got.contains { $0.key == own.key })
                #expect(got == (try index.search(own, options: SearchOptions(k: k))))
                #expect(got.count == min(k, loaded.count - (own.key == profiles[1].key ? 0 : 1)))
                let withOwn = try loaded.search(own, options: SearchOptions(k: k, excludeQueryKey: false))
                if own.key == profiles[1].key { #expect(!withOwn.contains { $0.key == own.key }) }   // removed
                else if k >= 10 { #expect(withOwn.contains { $0.key == own.key }) }
            }
        }
        #expect(loaded.rowByKeyCache.builtTable() == nil)
        #expect(loaded.contains(profiles[7].key) && !loaded.contains(profiles[1].key))
        #expect(loaded.rowByKeyCache.builtTable()?.count == loaded.count)
        var copy = loaded
        #expect(copy.remove([profiles[7].key]) == 1)
        #expect(loaded.contains(profiles[7].key) && !copy.contains(profiles[7].key))
        #expect(loaded.similarity(profiles[7], to: profiles[7].key) != nil && copy.similarity(profiles[7], to: profiles[7].key) == nil)
    }

    @Test func emptyIndexRoundTrip() throws {
        let dir = try makeTemporaryDirectory("onco-sim")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("empty.onco-index")
        try SimilarityIndex().write(to: url)
        var loaded = try SimilarityIndex(contentsOf: url)
        #expect(loaded.count == 0)
        loaded.upsert(RandomCohort.cohort(5, seed: 3))
        #expect(loaded.count == 5)
    }

    @Test func corruptFilesAreRejected() throws {
        let dir = try makeTemporaryDirectory("onco-sim")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("i.onco-index")
        try SimilarityIndex(profiles: RandomCohort.cohort(100, seed: 9)).write(to: url)
        let good = try Data(contentsOf: url)
        func expectCode(_ data: Data, _ code: SimilarityError.Code, _ what: String) throws {
            let bad = dir.appendingPathComponent("bad.onco-index")
            try data.write(to: bad)
            do { _ = try SimilarityIndex(contentsOf: bad); Issue.record("\(what): no error") } catch let e as SimilarityError {
                #expect(e.code == code, "\(what): \(e)")
            }
        }
        var flipped = good; flipped[good.count - 100] ^= 0x40
        try expectCode(flipped, .badIndexFile, "flipped row byte")
        var key = good; key[4096 + 10] ^= 0x01
        try expectCode(key, .badIndexFile, "flipped vocabulary byte")
        try expectCode(good.prefix(5000), .badIndexFile, "truncated")
        try expectCode(good.prefix(100), .badIndexFile, "shorter than header")
        var version = good; version[8] = 4
        try expectCode(version, .unsupportedVersion, "future version")
        var magic = good; magic[0] = 0x58
        try expectCode(magic, .badIndexFile, "bad magic")
        #expect(throws: SimilarityError.self) { try SimilarityIndex(contentsOf: dir.appendingPathComponent("missing")) }
    }

    @Test(arguments: 0..<4 as Range<UInt64>)
    func columnInputEqualsProfileInput(seed: UInt64) throws {
        let profiles = RandomCohort.cohort(300, seed: seed)
        var index = SimilarityIndex()
        var c = SimilarityIndex.ProfileColumns()
        c.alleleOffsets = [0]
        for p in profiles {
            c.keys.append(p.key); c.tumourTypes.append(p.tumourType)
            c.stages.append(Int8(p.stage ?? -1)); c.ages.append(Int16(p.age ?? -1)); c.sexes.append(p.sex ?? .unknown)
            c.priorLines.append(Int16(p.priorLines ?? -1)); c.tmb.append(p.tmb ?? .nan)
            for cls in AlterationClass.allCases {
                for gname in p.genes(cls).sorted() {
                    guard let id = index.vocabulary.id(of: gname) else { continue }
                    c.alterationGenes.append(Int32(id)); c.alterationClasses.append(cls)
                }
            }
            c.alterationOffsets.append(Int32(c.alterationGenes.count))
            c.hotspotAlleles += p.hotspotAlleles.sorted()
            c.alleleOffsets.append(Int32(c.hotspotAlleles.count))
        }
        #expect(!c.hotspotAlleles.isEmpty)
        try index.upsert(c)
        try Self.sameSearches(index, SimilarityIndex(profiles: profiles), seed: seed)
        var broken = c; broken.ages.removeLast()
        #expect(throws: SimilarityError.self) { try index.upsert(broken) }
    }
}
