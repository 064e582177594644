import Foundation
import Logging
import OncoCore
import Testing
import Vocabulary
import Warehouse
import _TestSupport
@testable import Similarity

/// The warehouse-backed index: profiles read from SQLite and PostgreSQL, classed as `ProfileBuilder`
/// classes a new case; persistence with a warehouse stamp; incremental updates.
@Suite("similarity index of a warehouse")
struct WarehouseSimilarityTests {
    static let log = TestWarehouse.logger

    static func storedProfiles(_ index: SimilarityIndex) -> [PatientKey: PatientProfile] {
        Dictionary(uniqueKeysWithValues: index.patientKeys.map { ($0, index.storedProfile(for: $0)!) })
    }

    /// Same patients, same stored profiles, same answers to queries.
    static func expectSameContent(_ a: SimilarityIndex, _ b: SimilarityIndex, queries: [PatientProfile], _ what: String) throws {
        #expect(a.count == b.count, "\(what): patient counts")
        #expect(Set(a.patientKeys) == Set(b.patientKeys), "\(what): keys")
        let pa = storedProfiles(a), pb = storedProfiles(b)
        var differing = 0
        for (k, p) in pa where pb[k] != p { differing += 1 }
        #expect(differing == 0, "\(what): \(differing) stored profiles differ")
        #expect(a.contentDigest() == b.contentDigest(), "\(what): digests")
        for q in queries {
            #expect(try a.search(q, options: SearchOptions(k: 25)) .map(\.key) == b.search(q, options: SearchOptions(k: 25)).map(\.key), "\(what): search")
            #expect(try a.search(q, options: SearchOptions(k: 25)).map(\.similarity) == b.search(q, options: SearchOptions(k: 25)).map(\.similarity))
        }
    }

    @Test("index from the warehouse = index from ProfileBuilder on the generator's rows", arguments: Backend.allCases)
    func warehouseEqualsProfileBuilder(backend: Backend) async throws {
        guard let w = try await TestWarehouse.make(backend) else { return }
        defer { Task { try? await w.finish() } }
        let n = 2_500
        try await w.synth(patients: n, seed: 11)
        let fromWarehouse = try await WarehouseSimilarity.build(from: w.store, logger: Self.log)
        let cases = try Synthetic.cases(patients: n, seed: 11)
        let built = cases.map(\.profile)
        let fromBuilder = SimilarityIndex(profiles: built)
        #expect(fromWarehouse.count == n)
        try Self.expectSameContent(fromWarehouse, fromBuilder, queries: Array(built.prefix(10)), "warehouse vs ProfileBuilder")

        // Full profiles (genes outside the vocabulary kept) equal too, through the mapping's value path.
        let table = try await w.store.profiles(cohort: .all, options: WarehouseProfileMapping().readOptions, logger: Self.log)
        let mapping = WarehouseProfileMapping()
        // The packed read the index uses holds the same profiles as the general one, plus a consistent
        // dictionary of alteration kinds; also for a cohort (not everyone).
        for cohort in [CohortCriteria.all, CohortCriteria(tumourTypes: ["LUAD"]), CohortCriteria(personIDs: [1, 5, 9, 2_000])] {
            var general = try await w.store.profiles(cohort: cohort, options: mapping.readOptions, logger: Self.log)
            let packed = try await w.store.similarityProfiles(cohort: cohort, options: mapping.readOptions, logger: Self.log)
            #expect(packed.count > 0 && packed.alterationCodes.count == packed.genes.count && !packed.alterationKinds.isEmpty)
            for (j, c) in packed.alterationCodes.enumerated() {
                let k = packed.alterationKinds[Int(c)]
                if k.gene != packed.genes[j] || k.consequenceClass != packed.classes[j] || k.hgvsp != packed.hgvsp[j] {
                    Issue.record("alteration \(j): code \(c) names another alteration"); break
                }
            }
            general.alterationKinds = packed.alterationKinds
            general.alterationCodes = packed.alterationCodes
            #expect(general == packed, "\(backend) cohort \(cohort): packed and general profile reads differ")
        }
        let byKey = Dictionary(uniqueKeysWithValues: built.map { ($0.key, $0) })
        var mismatches = 0
        for i in 0..<table.count {
            var p = mapping.profile(table, i)
            let b = byKey[p.key]!
            if p.sex == .unknown { p.sex = nil }
            var bb = b
            if bb.sex == .unknown { bb.sex = nil }
            if p != bb { mismatches += 1 }
        }
        #expect(mismatches == 0)
        // The classing is not vacuous: hotspots, truncating and other alterations all occur.
        #expect(built.contains { !$0.hotspotGenes.isEmpty } && built.contains { !$0.truncatingGenes.isEmpty } && built.contains { !$0.otherGenes.isEmpty })
        #expect(built.contains { $0.hotspotGenes.contains("ALK") && $0.otherGenes.contains("EML4") })   // a fusion's partners
        #expect(built.contains { $0.hotspotGenes.contains("ERBB2") })                                 // an amplification
        // Exact alterations: gene-level events by kind, hotspot and truncating alleles (2,500 patients hold
        // ~100 AML cases, a third of them with the NPM1 frameshift).
        #expect(built.contains { $0.hotspotAlleles.contains("ERBB2 amplification") && $0.hotspotGenes.contains("ERBB2") })
        #expect(built.contains { $0.hotspotAlleles.contains("ALK fusion") && !$0.hotspotAlleles.contains("EML4 fusion") })
        #expect(built.contains { $0.hotspotAlleles.contains("NPM1 p.W288Cfs*12") && $0.truncatingGenes.contains("NPM1") })
        #expect(built.contains { $0.hotspotAlleles.contains("KRAS p.G12C") })
        #expect(built.allSatisfy { !$0.hotspotAlleles.contains("EML4 fusion") })   // the 5′ partner gives no event
    }

    @Test("the stamp: current, stale after an import, incompatible under other rules or tree; unreadable files are rebuilt")
    func staleness() async throws {
        guard let w = try await TestWarehouse.make(.sqlite) else { return }
        defer { Task { try? await w.finish() } }
        try await w.synth(patients: 600, seed: 3)
        let (first, p1) = try await WarehouseSimilarity.index(for: w.store, at: w.indexPath, mapping: WarehouseProfileMapping(), logger: Self.log)
        #expect(p1 == .built(reason: "no index at the path"))
        let meta1 = try await w.store.metadata(logger: Self.log)
        #expect(WarehouseSimilarity.freshness(of: first, for: meta1) == .current)
        #expect(WarehouseSimilarity.stamp(of: try SimilarityIndex(contentsOf: URL(fileURLWithPath: w.indexPath)))?.warehouseVersion == meta1.warehouseVersion)
        let (_, p2) = try await WarehouseSimilarity.index(for: w.store, at: w.indexPath, mapping: WarehouseProfileMapping(), logger: Self.log)
        #expect(p2 == .loaded)

        try await w.synth(patients: 300, seed: 4)
        let meta2 = try await w.store.metadata(logger: Self.log)
        #expect(WarehouseSimilarity.freshness(of: first, for: meta2) == .stale(from: meta1.warehouseVersion, to: meta2.warehouseVersion))
        let (updated, p3) = try await WarehouseSimilarity.index(for: w.store, at: w.indexPath, mapping: WarehouseProfileMapping(), logger: Self.log)
        guard case .updated(let s) = p3 else { Issue.record("expected an update, got \(p3)"); return }
        #expect(s.upserted == 300 && s.removed == 0 && updated.count == 900)
        #expect(WarehouseSimilarity.freshness(of: try SimilarityIndex(contentsOf: URL(fileURLWithPath: w.indexPath)), for: meta2) == .current)

        // Other rules (here: all variants, not PASS only) or no stamp: incompatible, rebuilt.
        var allVariants = WarehouseProfileMapping()
        allVariants.builder.passOnly = false
        guard case .incompatible = WarehouseSimilarity.freshness(of: updated, for: meta2, mapping: allVariants) else {
            Issue.record("other rules not detected"); return
        }
        guard case .incompatible = WarehouseSimilarity.freshness(of: SimilarityIndex(), for: meta2) else {
            Issue.record("an unstamped index was accepted"); return
        }
        // Another tumour-type tree (a knowledge base with another OncoTree release): incompatible, rebuilt.
        let otherTree = WarehouseProfileMapping(tumourTypes: try TumourTypeHierarchy(parents: ["TISSUE": "", "LUNG": "TISSUE", "LUAD": "LUNG"]))
        guard case .incompatible(let why) = WarehouseSimilarity.freshness(of: updated, for: meta2, mapping: otherTree),
              why.contains("tumour-type tree") else {
            Issue.record("another tumour-type tree not detected"); return
        }
        var unstamped = updated
        unstamped.attributes = [:]
        await #expect(throws: SimilarityError.self) { () async throws -> Void in
            try await WarehouseSimilarity.update(&unstamped, from: w.store, logger: Self.log)
        }
        // A corrupt file is rebuilt, not trusted.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: w.indexPath))
        bytes[bytes.count - 10] ^= 0x55
        try bytes.write(to: URL(fileURLWithPath: w.indexPath))
        let (rebuilt, p4) = try await WarehouseSimilarity.index(for: w.store, at: w.indexPath, mapping: WarehouseProfileMapping(), logger: Self.log)
        #expect(p4 == .built(reason: "the index file is unreadable (badIndexFile)"))
        #expect(rebuilt.contentDigest() == updated.contentDigest())

        // A path that cannot be written (its folder is a file): an error by default; with mustPersist
        // false the index built in memory is returned (once, not built a second time).
        let blocked = w.indexPath + ".folder-is-a-file/index.simidx"
        try Data("x".utf8).write(to: URL(fileURLWithPath: w.indexPath + ".folder-is-a-file"))
        await #expect(throws: SimilarityError.self) { () async throws -> Void in
            _ = try await WarehouseSimilarity.index(for: w.store, at: blocked, mapping: WarehouseProfileMapping(), logger: Self.log)
        }
        let (inMemory, p5) = try await WarehouseSimilarity.index(for: w.store, at: blocked, mapping: WarehouseProfileMapping(),
                                                                 mustPersist: false, logger: Self.log)
        #expect(p5 == .built(reason: "no index at the path"))
        #expect(inMemory.contentDigest() == updated.contentDigest())
    }

    @Test("incremental update after a synthetic import = rebuild", arguments: Backend.allCases)
    func incrementalSynthetic(backend: Backend) async throws {
        guard let w = try await TestWarehouse.make(backend) else { return }
        defer { Task { try? await w.finish() } }
        try await w.synth(patients: 1_200, seed: 21)
        var index = try await WarehouseSimilarity.build(from: w.store, logger: Self.log)
        try index.write(to: URL(fileURLWithPath: w.indexPath))
        var mapped = try SimilarityIndex(contentsOf: URL(fileURLWithPath: w.indexPath))
        try await w.synth(patients: 700, seed: 22)
        let s = try await WarehouseSimilarity.update(&index, from: w.store, logger: Self.log)
        #expect(s.upserted == 700 && s.removed == 0)
        try await WarehouseSimilarity.update(&mapped, from: w.store, logger: Self.log)   // the file-backed copy too
        let rebuilt = try await WarehouseSimilarity.build(from: w.store, logger: Self.log)
        let queries = try Synthetic.cases(patients: 8, seed: 999).map(\.profile)
        try Self.expectSameContent(index, rebuilt, queries: queries, "\(backend) incremental vs rebuild")
        try Self.expectSameContent(mapped, rebuilt, queries: queries, "\(backend) mapped incremental vs rebuild")
        #expect(WarehouseSimilarity.stamp(of: index) == WarehouseSimilarity.stamp(of: rebuilt))
    }

    @Test("incremental update after re-importing a changed real study (patients dropped and changed) = rebuild", arguments: Backend.allCases)
    func incrementalRealStudy(backend: Backend) async throws {
        guard let w = try await TestWarehouse.make(backend) else { return }
        defer { Task { try? await w.finish() } }
        let study = try RealStudy.copy()
        defer { try? FileManager.default.removeItem(at: study) }
        try await RealStudy.importStudy(w.store, dir: study)
        var index = try await WarehouseSimilarity.build(from: w.store, logger: Self.log)
        let before = index.count
        // The study changes: 30 patients leave it; one sample's mutations are dropped.
        let dropped = try RealStudy.dropPatients(30, in: study)
        try RealStudy.dropMutations(ofSample: try RealStudy.someMutatedSample(in: study, excluding: dropped), in: study)
        let outcome = try await RealStudy.importStudy(w.store, dir: study)
        #expect(outcome.action == .replaced)
        let s = try await WarehouseSimilarity.update(&index, from: w.store, logger: Self.log)
        #expect(s.removed == 30)
        #expect(index.count == before - 30)
        let rebuilt = try await WarehouseSimilarity.build(from: w.store, logger: Self.log)
        let queries = Array(Self.storedProfiles(rebuilt).values.sorted { $0.key < $1.key }.prefix(8))
        try Self.expectSameContent(index, rebuilt, queries: queries, "\(backend) incremental vs rebuild (real study)")
    }

    @Test("neighbour keys map back to warehouse persons", arguments: Backend.allCases)
    func keysToPersons(backend: Backend) async throws {
        guard let w = try await TestWarehouse.make(backend) else { return }
        defer { Task { try? await w.finish() } }
        try await w.synth(patients: 400, seed: 5)
        let all = try await w.store.personKeys(cohort: .all, logger: Self.log)
        #expect(all.count == 400)
        let table = try await w.store.profiles(cohort: .all, options: ProfileOptions(), logger: Self.log)
        #expect(all.personIDs == table.personIDs && all.keys == table.keys)
        let pick = [3, 77, 250, 399].map { PatientKey(all.keys[$0]) }
        let ids = try await WarehouseSimilarity.personIDs(for: pick + [PatientKey("not-a-key")], in: w.store, logger: Self.log)
        #expect(ids.count == 4)
        for (i, k) in zip([3, 77, 250, 399], pick) { #expect(ids[k] == all.personIDs[i]) }
        // Through the neighbours: lines and outcomes of the right persons.
        let index = try await WarehouseSimilarity.build(from: w.store, logger: Self.log)
        let q = try Synthetic.cases(patients: 1, seed: 77)[0]
        let ns = try await WarehouseSimilarity.neighbours(of: q.profile, caseAlterations: WarehouseSimilarity.alterationLabels(variants: q.variants, clinical: q.clinical),
                                                          in: index, store: w.store, options: SearchOptions(k: 10), logger: Self.log)
        #expect(ns.count == 10)
        let lines = try await w.store.treatmentLines(cohort: .all, logger: Self.log)
        for n in ns {
            let pid = try #require(n.personID)
            #expect(n.lines == lines.filter { $0.personID == pid }.sorted { $0.line < $1.line })
            #expect(n.overallSurvival != nil)
        }
    }
}

/// A real cBioPortal study (Tests/Fixtures/warehouse/tcga_subset, see SOURCE.md there), copied so that
/// a test can change it and import it again.
enum RealStudy {
    static let source = RepoPaths.fixture("warehouse/tcga_subset")
    static let key = "onco-similarity-test-pseudonym-key-0123"

    static func copy() throws -> URL {
        let dir = try makeTemporaryDirectory("onco-sim-study")
        for f in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        return dir
    }

    @discardableResult
    static func importStudy(_ store: Warehouse, dir: URL) async throws -> ImportOutcome {
        let importer = CBioPortalImporter(pseudonymizer: try Pseudonymizer(key: key), mafBatchSize: 10_000)
        let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: dir.path))
        return try await store.importDataset(d, from: source, progress: nil, logger: TestWarehouse.logger)
    }

    static func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
    }

    /// Removes the last `n` patients from the patient and sample files (and their timeline rows);
    /// returns their ids.
    static func dropPatients(_ n: Int, in dir: URL) throws -> Set<String> {
        let pf = dir.appendingPathComponent("data_clinical_patient.txt")
        var rows = try lines(pf)
        let data = rows.indices.filter { !rows[$0].hasPrefix("#") && !rows[$0].isEmpty }.dropFirst()   // after the header
        let gone = Array(data.suffix(n))
        let ids = Set(gone.map { String(rows[$0].split(separator: "\t")[0]) })
        for i in gone.reversed() { rows.remove(at: i) }
        try rows.joined(separator: "\n").write(to: pf, atomically: true, encoding: .utf8)
        // Their samples' mutations go too (the importer rejects mutations of unknown samples).
        let sampleRows = try lines(dir.appendingPathComponent("data_clinical_sample.txt")).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let sh = sampleRows[0].split(separator: "\t").map(String.init)
        let si = sh.firstIndex(of: "SAMPLE_ID")!, spi = sh.firstIndex(of: "PATIENT_ID")!
        var goneSamples = Set<String>()
        for row in sampleRows.dropFirst() {
            let c = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if c.count > max(si, spi), ids.contains(c[spi]) { goneSamples.insert(c[si]) }
        }
        try dropMutations(ofSamples: goneSamples, in: dir)
        for f in ["data_clinical_sample.txt", "data_timeline_treatment.txt"] {
            let u = dir.appendingPathComponent(f)
            guard FileManager.default.fileExists(atPath: u.path) else { continue }
            let kept = try lines(u).filter { line in
                let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                return !cells.contains { ids.contains($0) }
            }
            try kept.joined(separator: "\n").write(to: u, atomically: true, encoding: .utf8)
        }
        return ids
    }

    /// A sample with mutations whose patient was not dropped.
    static func someMutatedSample(in dir: URL, excluding patients: Set<String>) throws -> String {
        let samples = try lines(dir.appendingPathComponent("data_clinical_sample.txt")).filter { !$0.hasPrefix("#") }
        let header = samples[0].split(separator: "\t").map(String.init)
        let si = header.firstIndex(of: "SAMPLE_ID")!, pi = header.firstIndex(of: "PATIENT_ID")!
        let maf = try gunzip(dir.appendingPathComponent("data_mutations.txt.gz"))
        let col = maf[0].split(separator: "\t").firstIndex(of: "Tumor_Sample_Barcode")!
        let mutated = Set(maf.dropFirst().map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[col]) })
        for row in samples.dropFirst() {
            let c = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if c.count > max(si, pi), !patients.contains(c[pi]), mutated.contains(c[si]) { return c[si] }
        }
        throw SimilarityError(.invalidArgument, "no mutated sample found")
    }

    static func gunzip(_ url: URL) throws -> [String] {
        let r = try run("/bin/sh", ["-c", "gzip -dc '\(url.path)'"])
        return r.stdout.components(separatedBy: "\n").filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Removes every MAF row of one sample (column Tumor_Sample_Barcode).
    static func dropMutations(ofSample sample: String, in dir: URL) throws {
        try dropMutations(ofSamples: [sample], in: dir)
    }

    /// Removes every MAF row of these samples (column Tumor_Sample_Barcode); comment lines are kept.
    static func dropMutations(ofSamples samples: Set<String>, in dir: URL) throws {
        if samples.isEmpty { return }
        let u = dir.appendingPathComponent("data_mutations.txt.gz")
        let list = samples.sorted().joined(separator: " ")
        let awk = "BEGIN { n = split(\"\(list)\", s, \" \"); for (i = 1; i <= n; i++) gone[s[i]] = 1 } /^#/ { print; next } "
            + "!h { for (i = 1; i <= NF; i++) if ($i == \"Tumor_Sample_Barcode\") c = i; h = 1; print; next } !($c in gone)"
        let r = try run("/bin/sh", ["-c", "gzip -dc '\(u.path)' | awk -F'\\t' '\(awk)' | gzip -c > '\(u.path).new' && mv '\(u.path).new' '\(u.path)'"])
        guard r.status == 0 else { throw SimilarityError(.invalidArgument, "could not rewrite the MAF: \(r.stderr)") }
    }
}
