import Foundation
import Testing
@testable import Knowledge
import OncoCore
import _TestSupport

@Suite struct LoaderTests {
    /// The 2021 release is v1; its six VariantSummaries rows with split assertion columns are folded.
    @Test func loadsV1ReleaseAndFoldsExtraColumns() throws {
        let r = try CIViCLoader.load(directory: Shared.kbDirectory.appendingPathComponent("civic"))
        #expect(r.schema == .v1)
        #expect(r.releaseName == "01-Aug-2021")
        #expect(r.evidence.count == 3650)
        #expect(r.variants.count == 1469)
        #expect(r.foldedRows["01-Aug-2021-VariantSummaries.tsv"] == 6)
        #expect(r.foldedRows["01-Aug-2021-ClinicalEvidenceSummaries.tsv"] == 0)
        // The folded row keeps the tail in its last column (BRAF V600E, variant 12).
        let braf = try #require(r.variants.first { $0.id == 12 })
        #expect(braf.gene == "BRAF" && braf.name == "V600E" && braf.start == 140453136 && braf.variantBases == "T")
        let e3017 = try #require(r.evidence.first { $0.id == 3017 })
        #expect(e3017.therapies == [Therapy(drugs: ["dabrafenib", "trametinib"])])
        #expect(e3017.level == .a && e3017.doid == "DOID:3908" && e3017.pmid == "27283860")
    }

    /// The synthetic v2 dump holds the same facts as the v1 rows it was written from.
    @Test func loadsV2FixtureWithSameFactsAsV1() throws {
        let v2 = try CIViCLoader.load(directory: RepoPaths.fixture("knowledge/civic_v2"))
        let v1 = try CIViCLoader.load(directory: Shared.kbDirectory.appendingPathComponent("civic"))
        #expect(v2.schema == .v2)
        #expect(v2.releaseName.hasPrefix("reviewed-"))
        for id in [3017, 91, 5345, 2193, 2995, 413] {
            let a = try #require(v2.evidence.first { $0.id == id }), b = try #require(v1.evidence.first { $0.id == id })
            #expect(a.profileID == b.profileID)
            #expect(a.therapies == b.therapies)
            #expect(a.interaction == b.interaction)
            #expect(a.level == b.level && a.direction == b.direction && a.significance == b.significance)
            #expect(a.doid == b.doid && a.rating == b.rating && a.citationID == b.citationID && a.statement == b.statement)
        }
        let and = try #require(v2.profiles.first { $0.id == 9001 })
        #expect(and.op == .all && and.variantIDs == [33, 34])
    }

    @Test func unknownHeaderIsRejectedWithFileAndLine() throws {
        let dir = try makeTemporaryDirectory("kb-bad")
        try "foo\tbar\n1\t2\n".write(to: dir.appendingPathComponent("x-ClinicalEvidenceSummaries.tsv"), atomically: true, encoding: .utf8)
        try "variant_id\tgene\tvariant\n".write(to: dir.appendingPathComponent("x-VariantSummaries.tsv"), atomically: true, encoding: .utf8)
        let e = #expect(throws: KnowledgeError.self) { try CIViCLoader.load(directory: dir) }
        #expect(e?.code == .unknownSchema)
        #expect(e?.description.contains("x-ClinicalEvidenceSummaries.tsv:1") == true)
    }

    @Test func badFieldNamesFileLineAndField() throws {
        let dir = try makeTemporaryDirectory("kb-badfield")
        let src = try String(contentsOf: RepoPaths.fixture("knowledge/civic_v2/nightly-ClinicalEvidenceSummaries.tsv"), encoding: .utf8)
        var lines = src.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var f = lines[2].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        f[9] = "Z" // evidence_level
        lines[2] = f.joined(separator: "\t")
        try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("nightly-ClinicalEvidenceSummaries.tsv"), atomically: true, encoding: .utf8)
        for n in ["nightly-VariantSummaries.tsv", "nightly-MolecularProfileSummaries.tsv"] {
            try FileManager.default.copyItem(at: RepoPaths.fixture("knowledge/civic_v2/\(n)"), to: dir.appendingPathComponent(n))
        }
        let e = #expect(throws: KnowledgeError.self) { try CIViCLoader.load(directory: dir) }
        #expect(e?.line == 3 && e?.field == "evidence_level")
    }

    /// FIPS 180-2 test vectors, and agreement with `sha256sum` on a shipped file.
    @Test func sha256MatchesReference() throws {
        #expect(SHA256Hasher.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hasher.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hasher.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Hasher.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        let file = Shared.kbDirectory.appendingPathComponent("crosswalk_overrides.tsv")
        if toolAvailable("sha256sum") {
            let out = try run("sha256sum", [file.path]).stdout.prefix(64)
            #expect(try SHA256Hasher.hex(file: file) == String(out))
        }
    }
}

@Suite struct IndexTests {
    /// The shipped index decodes to the same KB the sources build to.
    @Test func indexRoundTripsSources() throws {
        let built = try KnowledgeBase.build(directory: Shared.kbDirectory)
        let loaded = try KnowledgeBase.load(directory: Shared.kbDirectory, verification: .full)
        #expect(built.rules == loaded.rules)
        #expect(built.release.evidence == loaded.release.evidence)
        #expect(built.release.variants == loaded.release.variants)
        #expect(built.sources == loaded.sources)
        #expect(built.liftover == loaded.liftover && !loaded.liftover.lifted.isEmpty)
        #expect(built.version.indexChecksum == loaded.version.indexChecksum)
        #expect(loaded.version.description.contains("CIViC 01-Aug-2021"))
        #expect(loaded.version.description.contains("OncoTree 2025_10_03"))
        #expect(loaded.version.description.contains("DO 2026-07-31"))
    }

    /// A source changed after the index was built is detected and the index refused.
    @Test func staleIndexIsRefused() throws {
        let dir = try makeTemporaryDirectory("kb-stale")
        let copy = dir.appendingPathComponent("KnowledgeBase")
        try FileManager.default.copyItem(at: Shared.kbDirectory, to: copy)
        _ = try KnowledgeBase.load(directory: copy)
        let f = copy.appendingPathComponent("crosswalk_overrides.tsv")
        let h = try FileHandle(forWritingTo: f)
        h.seekToEndOfFile(); h.write(Data("LUSC\tDOID:3907\tlung squamous cell carcinoma\texact\tduplicate\n".utf8)); try h.close()
        let e = #expect(throws: KnowledgeError.self) { try KnowledgeBase.load(directory: copy) }
        #expect(e?.code == .staleIndex)
        // Rebuilding makes it loadable again.
        let kb = try KnowledgeBase.build(directory: copy)
        try kb.writeIndex(directory: copy)
        try Manifest.write(kb: kb, directory: copy)
        #expect(try KnowledgeBase.load(directory: copy, verification: .full).rules.count == 1469 + 1015)   // CIViC variants + MOAlmanac features
    }

    @Test func corruptIndexIsRefused() throws {
        let dir = try makeTemporaryDirectory("kb-corrupt")
        let copy = dir.appendingPathComponent("KnowledgeBase")
        try FileManager.default.copyItem(at: Shared.kbDirectory, to: copy)
        let idx = copy.appendingPathComponent("index/knowledgebase.idx")
        var d = try Data(contentsOf: idx)
        d = d.prefix(d.count / 2)
        try d.write(to: idx)
        let e = #expect(throws: KnowledgeError.self) { try KnowledgeBase.load(directory: copy) }
        #expect(e?.code == .badIndex)
    }
}
