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
        // The case's header declares GRCh37's chromosome lengths; the mini FASTA's chr1 (read for 1) is 60,000
        // bases, so the start-up check names the header line before any record is read (the record-level
        // "contig ... is not in the reference FASTA" is ConsequenceAnnotatorTests').
        #expect(r.stderr.contains("aml_idh1_r132h.grch37.bare.vcf: line 15: ##contig length: contig 1 has length=249250621, but chr1 of mini.fa.gz has 60000 bases"), "\(r.stderr)")
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

    /// `onco batch`: batch-wide `--gff/--reference`, a row's own `gff`/`reference` columns, and a row with
    /// only one of them rejected (naming line and field); without annotation the bare VCF gives no match.
    @Test func batchAnnotatesEveryCaseOrARowsOwn() throws {
        let dir = try makeTemporaryDirectory("onco-annotate-batch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (gff, fa) = (Self.fx("cases/cases.gff3"), Self.fx("cases/cases.fa.gz"))
        let manifest = dir.appendingPathComponent("m.tsv").path
        try ("case_id\tvcf\ttumor_type\n" + "A\t\(Self.fx("cases/aml_idh1_r132h.grch37.bare.vcf"))\tAML\n"
             + "B\t\(Self.fx("cases/blca_fgfr3_s249c.grch37.bare.vcf"))\tBLCA\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        func lines(_ args: [String], _ out: String) throws -> [String: String] {
            let r = try runOnco(["batch", "--kb", kb, "--jobs", "1", "--progress", "none", "-o", out] + args, environment: ["ONCO_GFF": "", "ONCO_REFERENCE": ""])
            #expect(r.status == 0, "\(r.stderr)")
            var byCase: [String: String] = [:]
            for l in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n") {
                let o = try #require(try JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any])
                byCase[o["case_id"] as? String ?? ""] = String(l)
            }
            return byCase
        }
        let annotated = try lines([manifest, "--gff", gff, "--reference", fa], dir.appendingPathComponent("a.jsonl").path)
        #expect(annotated["A"]?.contains("ivosidenib") == true)
        #expect(annotated["B"]?.contains("erdafitinib") == true)
        let bare = try lines([manifest], dir.appendingPathComponent("b.jsonl").path)
        #expect(bare["A"]?.contains("ivosidenib") == false && bare["B"]?.contains("erdafitinib") == false)

        let own = dir.appendingPathComponent("own.tsv").path
        try ("case_id\tvcf\ttumor_type\tgff\treference\n" + "A\t\(Self.fx("cases/aml_idh1_r132h.grch37.bare.vcf"))\tAML\t\(gff)\t\(fa)\n"
             + "B\t\(Self.fx("cases/blca_fgfr3_s249c.grch37.bare.vcf"))\tBLCA\t.\t.\n").write(toFile: own, atomically: true, encoding: .utf8)
        let perRow = try lines([own], dir.appendingPathComponent("c.jsonl").path)
        #expect(perRow["A"]?.contains("ivosidenib") == true && perRow["B"]?.contains("erdafitinib") == false)

        let half = dir.appendingPathComponent("half.tsv").path
        try ("case_id\tvcf\ttumor_type\tgff\treference\n" + "A\ta.vcf\tAML\t\(gff)\t\n").write(toFile: half, atomically: true, encoding: .utf8)
        let r = try runOnco(["batch", half, "--kb", kb, "--progress", "none"])
        #expect(r.status == 1 && r.stderr.contains("line 2, field reference"), "\(r.stderr)")
    }

    /// `onco similar --gff/--reference`: the bare PIK3CA case's profile names the annotated allele.
    @Test func similarAnnotatesTheCase() throws {
        let dir = try makeTemporaryDirectory("onco-annotate-similar")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("w.sqlite").path
        let env = ["ONCO_CACHE_DIR": dir.appendingPathComponent("cache").path, "ONCO_PSEUDONYM_KEY": "cli-similar-key-0123456789abcdef",
                   "ONCO_GFF": "", "ONCO_REFERENCE": ""]
        let s = try runOnco(["warehouse", "synth", "--patients", "300", "--seed", "7", "--db", db], environment: env)
        #expect(s.status == 0, "\(s.stderr)")
        let base = ["similar", "--vcf", Self.fx("cases/idc_pik3ca_h1047r.grch37.bare.vcf"), "--tumor-type", "BRCA", "--db", db, "--format", "json", "--k", "5"]
        let r = try runOnco(base + ["--gff", Self.fx("cases/cases.gff3"), "--reference", Self.fx("cases/cases.fa.gz")], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("PIK3CA p.H1047R"), "\(r.stdout.prefix(600))")
        let bare = try runOnco(base, environment: env)
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(!bare.stdout.contains("PIK3CA p.H1047R"))
        let noFasta = try runOnco(base + ["--gff", Self.fx("cases/cases.gff3")], environment: env)
        #expect(noFasta.status == 64, "\(noFasta.stderr)")
    }

    /// A gene pack (`onco kb transcripts build --genes`) annotates the variants of its genes exactly as the
    /// GFF3 + FASTA do: per record, the pack's CSQ entries are the full run's entries of those genes (PICK
    /// aside: the choice is among the transcripts each run knows). The same for the RefSeq twin of the GFF3
    /// (its pack keeps the RefSeq lines and the NC_ region line).
    @Test(arguments: ["mini.gff3", "mini.refseq.gff3"]) func genePackGivesTheSameAnnotationForItsGenes(gff: String) throws {
        let dir = try makeTemporaryDirectory("onco-annotate-pack")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = dir.appendingPathComponent("mini.pack.gz").path
        let b = try runOnco(["kb", "transcripts", "build", "--gff", Self.fx(gff), "--reference", Self.fx("mini.fa.gz"),
                             "--genes", "ALPHA,DELTA,NOSUCH", "-o", pack])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("2 genes, 2 transcripts") && b.stderr.contains("NOSUCH"), "\(b.stderr)")
        let full = dir.appendingPathComponent("full.vcf").path, packed = dir.appendingPathComponent("pack.vcf").path
        let f = try runOnco(["annotate", Self.fx("variants.vcf"), "--gff", Self.fx(gff), "--reference", Self.fx("mini.fa.gz"), "-o", full])
        let p = try runOnco(["annotate", Self.fx("variants.vcf"), "--gene-pack", pack, "-o", packed], environment: ["ONCO_GFF": ""])
        #expect(f.status == 0 && p.status == 0, "\(f.stderr) \(p.stderr)")
        func entries(_ path: String) throws -> [[String]] {
            let q = try run("bcftools", ["query", "-f", "%POS %REF %ALT\\t%INFO/CSQ\\n", path])
            #expect(q.status == 0)
            return q.stdout.split(separator: "\n").map { line in
                let csq = line.split(separator: "\t").last.map(String.init) ?? "."
                guard csq != "." else { return [] }
                return csq.split(separator: ",").map { e in
                    var fields = e.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    fields[14] = ""  // PICK
                    return fields.joined(separator: "|")
                }
            }
        }
        let all = try entries(full), mine = try entries(packed)
        #expect(all.count == 2830 && mine.count == 2830)
        var compared = 0
        for (a, m) in zip(all, mine) {
            let inPack = a.filter { $0.split(separator: "|", omittingEmptySubsequences: false)[3] == "ALPHA" || $0.split(separator: "|", omittingEmptySubsequences: false)[3] == "DELTA" }
            #expect(m == inPack)
            if !m.isEmpty { compared += 1 }
        }
        #expect(compared > 1000, "only \(compared) records touch the packed genes")
        let notPack = try runOnco(["annotate", Self.fx("variants.vcf"), "--gene-pack", Self.fx("mini.gff3"), "-o", packed])
        #expect(notPack.status == 1 && notPack.stderr.contains("not an onco gene pack"), "\(notPack.stderr)")
    }

    /// The KB's genes: a pack built from the cases' GFF3 holds IDH1, and `recommend --gene-pack` finds ivosidenib.
    @Test func kbGenePackServesRecommend() throws {
        let dir = try makeTemporaryDirectory("onco-annotate-kbpack")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = dir.appendingPathComponent("kb.pack.gz").path
        let b = try runOnco(["kb", "transcripts", "build", "--kb", kb, "--gff", Self.fx("cases/cases.gff3"), "--reference", Self.fx("cases/cases.fa.gz"), "-o", pack])
        #expect(b.status == 0 && b.stderr.contains("3 genes"), "\(b.stderr)")
        let rec = try runOnco(["recommend", "--kb", kb, "--vcf", Self.fx("cases/aml_idh1_r132h.grch37.bare.vcf"), "--tumor-type", "AML", "--format", "json"],
                              environment: ["ONCO_GENE_PACK": pack, "ONCO_GFF": ""])
        #expect(rec.status == 0, "\(rec.stderr)")
        #expect(rec.stdout.contains("ivosidenib"))
    }
}
