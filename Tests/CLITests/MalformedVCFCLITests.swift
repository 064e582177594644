import Foundation
import Testing
import _TestSupport

/// Malformed VCF records through the CLI (issue #17): `onco recommend` stops with the file, line, field
/// and value; with `--lenient` it exits 0 and every report format says how many records were skipped.
/// Fixtures: Tests/Fixtures/genomics/bad/ (BRAF V600E on line 18 carries the defect); the strict
/// messages of every fixture are in Tests/Fixtures/bad-inputs/vcf.tsv (`BadInputTableTests`).
@Suite(.serialized) struct MalformedVCFCLITests {
    let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path
    static func bad(_ name: String) -> String { RepoPaths.fixture("genomics/bad/\(name)").path }

    static let fixtures = ["alt_empty", "alt_invalid", "alt_dot_in_list", "alt_slash", "alt_broken_breakend", "ref_empty", "ref_invalid",
                           "ref_iupac", "nul_byte", "info_int_text", "info_int_suffix", "info_int_range", "info_float_text", "info_count_a",
                           "info_count_fixed", "format_int_text", "format_float_text", "format_count_r", "format_empty_value"]

    @Test(arguments: fixtures)
    func strictFailsLenientReports(_ name: String) throws {
        let args = ["recommend", "--kb", kb, "--vcf", Self.bad(name + ".vcf"), "--tumor-type", "SKCM"]
        let strict = try runOnco(args)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("\(name).vcf: line 18: "), "\(strict.stderr)")
        #expect(strict.stdout.isEmpty)
        let lenient = try runOnco(args + ["--lenient"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stdout.contains("1 malformed VCF record skipped (--lenient): line 18: "))
        // The skipped record was BRAF V600E: the report must not look like a clean "no actionable" case.
        #expect(lenient.stdout.contains("No actionable alteration"))
    }

    /// Text, Markdown, HTML and JSON all carry the count and the reason.
    @Test func everyFormatShowsTheSkippedCount() throws {
        let reason = #"line 18: ALT "" is empty"#
        for format in ["text", "markdown", "html", "json"] {
            let r = try runOnco(["recommend", "--kb", kb, "--vcf", Self.bad("alt_empty.vcf"), "--tumor-type", "SKCM", "--lenient", "--format", format])
            #expect(r.status == 0, "\(format): \(r.stderr)")
            let shown = format == "html" ? reason.replacingOccurrences(of: "\"", with: "&quot;") : reason
            let escaped = format == "json" ? reason.replacingOccurrences(of: "\"", with: "\\\"") : shown
            #expect(r.stdout.contains("1 malformed VCF record skipped (--lenient)"), "\(format)")
            #expect(r.stdout.contains(escaped), "\(format): reason missing")
            if format == "json" {
                let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
                let c = try #require(obj["case"] as? [String: Any])
                #expect(c["malformed_skipped"] as? Int == 1)
                #expect(c["malformed_skipped_reasons"] as? [String] == [reason])
            }
        }
    }

    /// `onco variants` and `onco kb match` take --lenient too and say so on standard error.
    @Test func variantsAndKBMatch() throws {
        let file = Self.bad("format_count_r.vcf")
        let strict = try runOnco(["variants", file])
        #expect(strict.status == 1 && strict.stderr.contains(#"format_count_r.vcf: line 18: FORMAT/AD of sample column 2 "82" has 1 value, the header's Number=R means 2"#))
        let v = try runOnco(["variants", file, "--lenient"])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.split(separator: "\n").count == 2) // header + the CASP8 passenger
        #expect(v.stderr.contains("onco: note: 1 malformed VCF record skipped (--lenient): line 18: FORMAT/AD"))
        let k = try runOnco(["kb", "match", "--kb", kb, "--vcf", file, "--tumor-type", "SKCM", "--lenient"])
        #expect(k.status == 0, "\(k.stderr)")
        #expect(k.stdout.contains("NOTE: 1 malformed VCF record skipped (--lenient)"))
        #expect(k.stderr.contains("onco: note: 1 malformed VCF record skipped"))
    }

    /// Batch: a malformed case fails with `vcf_malformed` naming the line; the manifest column `lenient`
    /// or `--lenient` skips the record instead, and the case's JSON says how many.
    @Test func batchManifestColumnAndFlag() throws {
        let dir = try makeTemporaryDirectory("onco-batch-lenient")
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("manifest.tsv").path
        try """
        case_id\tvcf\ttumor_type\tlenient
        strict\t\(Self.bad("alt_empty.vcf"))\tSKCM\tno
        lenient\t\(Self.bad("info_int_text.vcf"))\tSKCM\tyes

        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        func run(_ extra: [String]) throws -> [String: [String: Any]] {
            let out = dir.appendingPathComponent("out-\(extra.count).jsonl").path
            let r = try runOnco(["batch", manifest, "--kb", kb, "-o", out, "--jobs", "1"] + extra)
            #expect(r.status == (extra.isEmpty ? 2 : 0), "\(r.stderr)")
            let objs = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
            return Dictionary(uniqueKeysWithValues: objs.map { ($0["case_id"] as! String, $0) })
        }
        let byColumn = try run([])
        let err = try #require(byColumn["strict"]?["error"] as? [String: Any])
        #expect(err["code"] as? String == "vcf_malformed")
        #expect(err["message"] as? String == #"manifest line 2, field vcf: line 18: ALT "" is empty"#)
        let skipped = try #require(byColumn["lenient"]?["case"] as? [String: Any])
        #expect(skipped["malformed_skipped"] as? Int == 1)
        #expect((byColumn["lenient"]?["notes"] as? [String])?.contains { $0.hasPrefix("1 malformed VCF record skipped (--lenient): line 18: INFO/DP") } == true)
        let byFlag = try run(["--lenient"])
        #expect((byFlag["strict"]?["case"] as? [String: Any])?["malformed_skipped"] as? Int == 1)
    }
}
