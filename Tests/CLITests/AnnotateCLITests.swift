import Foundation
import Testing
import _TestSupport

/// `onco annotate` and `--gff/--reference` on `recommend` and `kb match` (issue #21 point 1), on the
/// synthetic fixtures of Tests/Fixtures/annotate (see its README).
@Suite(.serialized) struct AnnotateCLITests {
    let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path
    static func fx(_ f: String) -> String { RepoPaths.fixture("annotate/" + f).path }

    @Test func annotateWritesCSQThatBcftoolsReads() throws {
        let dir = try makeTemporaryDirectory("onco-annotate-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.vcf.gz").path
        let r = try runOnco(["annotate", Self.fx("variants.vcf"), "--gff", Self.fx("mini.gff3"), "--reference", Self.fx("mini.fa.gz"), "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("2830 records"))
        let q = try run("bcftools", ["query", "-f", "%POS\\t%INFO/CSQ\\n", out])
        #expect(q.status == 0)
        let lines = q.stdout.split(separator: "\n")
        #expect(lines.count == 2830)
        #expect(lines.contains { $0.contains("missense_variant") && $0.contains("|1|") })
    }

    @Test func gffWithoutCDSWritesNothing() throws {
        let dir = try makeTemporaryDirectory("onco-annotate-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gff = dir.appendingPathComponent("nocds.gff3").path
        let text = try String(contentsOfFile: Self.fx("mini.gff3"), encoding: .utf8).split(separator: "\n").filter { !$0.contains("\tCDS\t") }.joined(separator: "\n")
        try text.write(toFile: gff, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.vcf.gz").path
        let r = try runOnco(["annotate", Self.fx("variants.vcf"), "--gff", gff, "--reference", Self.fx("mini.fa.gz"), "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("nocds.gff3: column 3 (type): no CDS line"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["nocds.gff3"])
    }

    @Test func fastaWithoutTheContigWritesNothing() throws {
        let dir = try makeTemporaryDirectory("onco-annotate-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.vcf").path
        let r = try runOnco(["annotate", Self.fx("cases/aml_idh1_r132h.grch37.bare.vcf"), "--gff", Self.fx("mini.gff3"), "--reference", Self.fx("mini.fa.gz"), "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("mini.fa.gz: contig \"2\" of aml_idh1_r132h.grch37.bare.vcf line "), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func recommendAndKBMatchAnnotateOnTheFly() throws {
        let vcf = Self.fx("cases/aml_idh1_r132h.grch37.bare.vcf")
        let extra = ["--gff", Self.fx("cases/cases.gff3"), "--reference", Self.fx("cases/cases.fa.gz")]
        let rec = try runOnco(["recommend", "--kb", kb, "--vcf", vcf, "--tumor-type", "AML", "--format", "json"] + extra)
        #expect(rec.status == 0, "\(rec.stderr)")
        #expect(rec.stdout.contains("ivosidenib"))
        let match = try runOnco(["kb", "match", "--kb", kb, "--vcf", vcf, "--tumor-type", "AML"] + extra)
        #expect(match.status == 0, "\(match.stderr)")
        #expect(match.stdout.contains("ivosidenib"))
        let missing = try runOnco(["kb", "match", "--kb", kb, "--vcf", vcf, "--tumor-type", "AML", "--gff", Self.fx("cases/cases.gff3")],
                                  environment: ["ONCO_REFERENCE": ""])
        #expect(missing.status == 64, "\(missing.stderr)")
    }
}
