import Foundation
import OncoCore
import Testing
import _TestSupport
@testable import Similarity
import Vocabulary

/// Exact alterations (`GENE p.X`) beside genes: hand-computed scores, a growing allele dictionary (blocks
/// re-laid out), persistence, and the file format's attributes and version-1 compatibility.
@Suite struct AlleleTests {
    /// Query LUAD {KRAS, KRAS p.G12C}. With molecular weights only (genes 8, pathways 2; pathways equal),
    /// hotspot gene weight 1 and exact-alteration weight 3:
    ///   g12c {KRAS, KRAS p.G12C}: I = 1 + 3, U = 1 + 3 → genes 1 → S = (8·1 + 2·1) / 10 = 1
    ///   g12d {KRAS, KRAS p.G12D}: I = 1, U = 1 + 3 + 3 → genes 1/7 → S = (8/7 + 2) / 10 = 11/35
    ///   gene {KRAS} (no allele known): I = 1, U = 1 + 3 → genes 1/4 → S = (2 + 2) / 10 = 2/5
    @Test func alleleSharingByHand() throws {
        func p(_ key: String, _ alleles: Set<String>) -> PatientProfile {
            PatientProfile(key: PatientKey(key), tumourType: OncoTreeCode("LUAD"), hotspotGenes: ["KRAS"], hotspotAlleles: alleles,
                           pathways: PathwaySet([.rtkRas]))
        }
        let index = SimilarityIndex(profiles: [p("g12d", ["KRAS p.G12D"]), p("g12c", ["KRAS p.G12C"]), p("gene", [])])
        let q = p("q", ["KRAS p.G12C"])
        let r = try index.search(q, options: SearchOptions(k: 3, weights: .molecularOnly))
        #expect(r.map(\.key.rawValue) == ["g12c", "gene", "g12d"])
        #expect(isClose(r[0].similarity, 1) && isClose(r[1].similarity, 2.0 / 5) && isClose(r[2].similarity, 11.0 / 35))
        #expect(index.explain(q, neighbour: PatientKey("g12c"))?.sharedHotspotAlleles == ["KRAS p.G12C"])
        #expect(index.explain(q, neighbour: PatientKey("g12d"))?.sharedHotspotAlleles == [])
        // An allele no indexed patient has still counts in the query's union: {KRAS, KRAS p.G13D} vs g12c:
        // I = 1, U = 1 + 3 + 3 → 1/7, S = 11/35.
        let q2 = p("q2", ["KRAS p.G13D"])
        #expect(isClose(index.similarity(q2, to: PatientKey("g12c"), weights: .molecularOnly)!, 11.0 / 35))
        // Alleles of genes outside the vocabulary are not compared, like the genes.
        var q3 = p("q3", ["NOT_A_GENE p.A1B"]); q3.hotspotAlleles.insert("KRAS p.G12C")
        #expect(isClose(index.similarity(q3, to: PatientKey("g12c"), weights: .molecularOnly)!, 1))
    }

    static func manyAlleles(_ n: Int, seed: UInt64, offset: Int = 0) -> [PatientProfile] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { i in
            var p = RandomCohort.profile("m\(offset + i)", &g)
            p.hotspotGenes.insert("KRAS")
            // Distinct alleles spread over 0..<260 residues: the dictionary outgrows 1, 2 and 4 words.
            p.hotspotAlleles = ["KRAS p.X\(Int.random(in: 0..<260, using: &g))Y", "KRAS p.X\(Int.random(in: 0..<260, using: &g))Y"]
            return p
        }
    }

    @Test(arguments: 0..<3 as Range<UInt64>)
    func growingAlleleDictionaryEqualsReference(seed: UInt64) throws {
        let first = Self.manyAlleles(150, seed: seed), later = Self.manyAlleles(600, seed: seed &+ 1, offset: 150)
        var index = SimilarityIndex(profiles: first)
        #expect(index.layout.alleleWords >= 1)
        let words0 = index.layout.alleleWords
        index.upsert(later)
        #expect(index.alleles.count > 256 && index.layout.alleleWords > words0)
        let all = first + later
        var g = SeededGenerator(seed: seed &+ 2)
        for qi in 0..<6 {
            var q = RandomCohort.profile("q\(qi)", &g)
            q.hotspotGenes.insert("KRAS")
            q.hotspotAlleles = ["KRAS p.X\(Int.random(in: 0..<270, using: &g))Y", "KRAS p.X\(Int.random(in: 0..<270, using: &g))Y"]
            let want = Reference.search(q, in: all, k: 30)
            let got = try index.search(q, options: SearchOptions(k: 30))
            #expect(got.map(\.key) == want.map(\.key))
            #expect(got.map(\.similarity) == want.map(\.score))
        }
        // Stored profiles give the alleles back; a file round trip and an update of the mapped index too.
        for p in all.prefix(50) { #expect(index.storedProfile(for: p.key)?.hotspotAlleles == p.hotspotAlleles) }
        let dir = try makeTemporaryDirectory("onco-sim-alleles")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("a.simidx")
        let small = SimilarityIndex(profiles: first)
        try small.write(to: url)
        var mapped = try SimilarityIndex(contentsOf: url)
        #expect(mapped.alleles == small.alleles && mapped.contentDigest() == small.contentDigest())
        mapped.upsert(later)                                // outgrows the mapped file's allele words
        #expect(mapped.contentDigest() == index.contentDigest())
        try UpdateAndPersistenceTests.sameSearches(mapped, index, seed: seed)
        try UpdateAndPersistenceTests.sameSearches(mapped.compacted(), index, seed: seed)
    }

    /// An index file rewritten in an older format: version 2 (or 1, without alleles) stored three 16-bit
    /// feature counts in the meta word, with the alleles counted as hotspot features.
    static func olderFormat(_ data: Data, version: UInt32) -> Data {
        var bytes = [UInt8](data)
        func u32(_ o: Int) -> Int { Int(bytes[o..<o + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) }
        func word(_ o: Int) -> UInt64 { bytes[o..<o + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        func u64(_ o: Int) -> Int { Int(word(o)) }
        func put<T: FixedWidthInteger>(_ v: T, at o: Int) { withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { bytes[o + i] = b } } }
        let rows = u64(16), wpc = u32(32), wpr = u32(40)
        let geneWords = wpr - 3, bitmapWords = geneWords * 64 * 16, blockWords = bitmapWords + 3 * 1024
        let rowsAt = u64(48 + 24 * 5), rowsLength = u64(56 + 24 * 5)
        #expect(geneWords >= 3 * wpc)
        for r in 0..<rows {
            let o = rowsAt + 8 * ((r / 1024) * blockWords + bitmapWords + r % 1024)
            let m = word(o)
            let nh = m & 0xFFF, nt = m >> 12 & 0xFFF, no = m >> 24 & 0xFFF, nx = m >> 36 & 0xFFF
            put(m & ~((UInt64(1) << 48) - 1) | (nh + nx) | nt << 16 | no << 32, at: o)
        }
        let hash = bytes[rowsAt..<rowsAt + rowsLength].withUnsafeBytes {
            IndexFileFormat.wordHash($0.baseAddress!.assumingMemoryBound(to: UInt64.self), count: rowsLength / 8)
        }
        put(hash, at: 64 + 24 * 5)
        put(version, at: 8)
        let checksumAt: Int
        if version == 1 {
            put(UInt32(6), at: 44)
            for o in 192..<248 { bytes[o] = 0 }
            checksumAt = 192
        } else {
            checksumAt = 240
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes[0..<checksumAt] { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        put(h, at: checksumAt)
        return Data(bytes)
    }

    @Test func attributesRoundTripAndVersion1And2FilesAreRead() throws {
        let dir = try makeTemporaryDirectory("onco-sim-v1")
        defer { try? FileManager.default.removeItem(at: dir) }
        var plain = RandomCohort.cohort(300, seed: 4)
        for i in plain.indices { plain[i].hotspotAlleles = [] }   // version 1 had no alleles
        var index = SimilarityIndex(profiles: plain)
        index.attributes = ["onco.test": "a\tb\nc", "x": "1"]
        let url = dir.appendingPathComponent("v3.simidx")
        try index.write(to: url)
        let back = try SimilarityIndex(contentsOf: url)
        #expect(back.attributes == index.attributes)
        #expect(back.contentDigest() == index.contentDigest())

        let v1 = dir.appendingPathComponent("v1.simidx")
        try Self.olderFormat(try Data(contentsOf: url), version: 1).write(to: v1)
        let old = try SimilarityIndex(contentsOf: v1, verify: true)
        #expect(old.attributes.isEmpty && old.alleles.isEmpty)
        #expect(old.contentDigest() == index.contentDigest())
        try UpdateAndPersistenceTests.sameSearches(old, index, seed: 4)

        // Version 2, with exact alterations (counted as hotspot features then): read and converted.
        let withAlleles = SimilarityIndex(profiles: RandomCohort.cohort(2_500, seed: 5))
        #expect(!withAlleles.alleles.isEmpty)
        let u3 = dir.appendingPathComponent("a3.simidx"), u2 = dir.appendingPathComponent("a2.simidx")
        try withAlleles.write(to: u3)
        try Self.olderFormat(try Data(contentsOf: u3), version: 2).write(to: u2)
        let v2 = try SimilarityIndex(contentsOf: u2, verify: true)
        #expect(v2.contentDigest() == withAlleles.contentDigest())
        try UpdateAndPersistenceTests.sameSearches(v2, withAlleles, seed: 5)
        // Saved again, it is a version-3 file equal to the original.
        let again = dir.appendingPathComponent("again.simidx")
        try v2.write(to: again)
        #expect(try Data(contentsOf: again) == Data(contentsOf: u3))

        // A newer version is refused with a clear message.
        var future = [UInt8](try Data(contentsOf: u3))
        future[8] = 9
        let f = dir.appendingPathComponent("future.simidx")
        try Data(future).write(to: f)
        #expect(throws: SimilarityError.self) { try SimilarityIndex(contentsOf: f) }
    }
}
