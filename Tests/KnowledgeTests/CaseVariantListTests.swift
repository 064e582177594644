import Foundation
import Knowledge
import OncoCore
import Testing
import _TestSupport

/// `CaseVariantList`: the `--variants` case file, and its JSON through `PrettyJSON`.
@Suite struct CaseVariantListTests {
    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("onco-case-\(UUID().uuidString).tsv")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func readsTheFixtureList() throws {
        let vs = try CaseVariantList.read(path: RepoPaths.fixture("knowledge/variants_luad_grch37.tsv").path)
        #expect(vs.count == 3)
        #expect(vs[0].key == VariantKey(build: .grch37, chrom: "7", position: 140453136, ref: "A", alt: "T"))
        #expect(vs[0].annotation?.hgvsp == "p.Val600Glu" && vs[0].annotation?.hgvspShort == "p.V600E")
        #expect(vs[0].annotation?.exon == "15/18" && vs[0].filters == ["PASS"])
        #expect(vs[2].filters == ["LowQual"])
    }

    @Test func commentsCRLFAndColumnOrder() throws {
        let path = try Self.write("# made by a lab script\r\nbuild\tpos\tchrom\tref\talt\tgene\r\nGRCh38\t55191822\t7\tt\tg\tEGFR\r\n\r\nhg19\t25398284\t12\tC\tA\t\r\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let vs = try CaseVariantList.read(path: path)
        #expect(vs.count == 2)
        #expect(vs[0].key == VariantKey(build: .grch38, chrom: "7", position: 55191822, ref: "T", alt: "G"))
        #expect(vs[0].annotation?.symbol == "EGFR" && vs[0].annotation?.hgvsp == nil)
        #expect(vs[1].key.build == .grch37 && vs[1].annotation == nil)
    }

    @Test func errorsNameTheLineOfTheFile() throws {
        let path = try Self.write("# comment\n# comment\ngene\tchrom\tpos\tref\talt\tbuild\nBRAF\t7\t140453136\tA\tT\tGRCh37\nKRAS\t12\t25x\tC\tT\tGRCh37\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try CaseVariantList.read(path: path) } throws: { e in
            let s = "\(e)"
            return s.contains(":5") && s.contains("pos") && s.contains("25x")
        }
        let noBuild = try Self.write("chrom\tpos\tref\talt\n7\t1\tA\tT\n")
        defer { try? FileManager.default.removeItem(atPath: noBuild) }
        #expect { try CaseVariantList.read(path: noBuild) } throws: { "\($0)".contains("build") && "\($0)".contains(":1") }
        let badBuild = try Self.write("chrom\tpos\tref\talt\tbuild\n7\t1\tA\tT\tGRCh36\n")
        defer { try? FileManager.default.removeItem(atPath: badBuild) }
        #expect { try CaseVariantList.read(path: badBuild) } throws: { "\($0)".contains(":2") && "\($0)".contains("build") }
        #expect { try CaseVariantList.read(path: "/nonexistent/case.tsv") } throws: { "\($0)".contains("case.tsv") }
    }

    /// The `kb match --format json` document of a real interpretation: `PrettyJSON` writes Foundation's bytes.
    @Test func interpretationJSONMatchesFoundation() throws {
        let vs = try CaseVariantList.read(path: RepoPaths.fixture("knowledge/variants_luad_grch37.tsv").path)
        let r = try Shared.kb.match(variants: vs, context: ClinicalContext(tumourType: OncoTreeCode("LUAD"), tmb: 12,
                                                                           copyNumber: [CopyNumberAlteration(gene: "ERBB2", kind: .amplification)]),
                                    options: MatchOptions(includeFiltered: true))
        #expect(!r.matches.isEmpty)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        #expect(try PrettyJSON.string(r) == String(decoding: try e.encode(r), as: UTF8.self))
    }
}

/// The therapy assessments' evidence lists are in one total order (tier, evidence id, therapy, profile),
/// so a report is the same bytes on every run (an item naming several therapies once came out in
/// hash order, different per process).
@Suite struct TherapyAssessmentOrderTests {
    @Test func evidenceListsAreTotallyOrdered() throws {
        let vs = try CaseVariantList.read(path: RepoPaths.fixture("knowledge/variants_luad_grch37.tsv").path)
        let r = try Shared.kb.match(variants: vs, context: ClinicalContext(tumourType: OncoTreeCode("LUAD"), tmb: 30, msi: .high,
                                                                           copyNumber: [CopyNumberAlteration(gene: "ERBB2", kind: .amplification)]),
                                    options: MatchOptions(includeFiltered: true))
        var lists = 0
        for t in r.therapies {
            for list in [t.sensitivity, t.resistance, t.counterEvidence, t.conflicts] where list.count > 1 {
                lists += 1
                let keys = list.map { ($0.tier, $0.evidenceID, $0.therapy, $0.profileName) }
                #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "\(t.therapy)")
            }
        }
        #expect(lists > 0)
    }
}
