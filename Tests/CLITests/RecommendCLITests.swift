import Foundation
import Testing
import _TestSupport

/// `onco recommend` and `onco demo`: the built binary (swift build first), the shipped KnowledgeBase/
/// and the synthetic cases of Tests/Fixtures/recommendation/cases.
@Suite(.serialized) struct RecommendCLITests {
    let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path
    func casePath(_ name: String) -> String { RepoPaths.fixture("recommendation/cases/\(name).vcf").path }

    /// Without --db: curated evidence alone, said in the notes; the JSON carries issue #7's names.
    @Test func curatedOnlyJSON() throws {
        let r = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("skcm_braf_v600e.grch37.vep"), "--tumor-type", "SKCM",
                             "--age", "61", "--sex", "female", "--stage", "IIIC", "--prior-therapy", "Tafinlar", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["case", "kb_version", "warehouse", "therapies", "not_recommended", "real_world_only"] { #expect(obj[key] != nil, "missing \(key)") }
        #expect(obj["warehouse"] is NSNull)
        let c = try #require(obj["case"] as? [String: Any])
        #expect(c["tumor_type"] as? String == "SKCM" && c["age"] as? Int == 61 && c["stage"] as? String == "III" && c["sex"] as? String == "female")
        #expect(c["prior_therapies"] as? [String] == ["dabrafenib"])
        let therapies = try #require(obj["therapies"] as? [[String: Any]])
        let top = try #require(therapies.first)
        #expect(top["rank"] as? Int == 1 && top["therapy"] as? String == "vemurafenib" && top["tier"] as? String == "T1")
        #expect(top["drugs"] as? [String] == ["vemurafenib"] && top["direction"] as? String == "sensitivity")
        #expect((top["biomarkers"] as? [String])?.first == "BRAF V600E")
        #expect(top["real_world"] is NSNull)
        let ev = try #require((top["evidence"] as? [[String: Any]])?.first)
        #expect(ev["source"] as? String == "CIViC" && ev["id"] as? String == "EID1409" && ev["level"] as? String == "A")
        #expect(ev["pmids"] as? [String] == ["21639808"] && (ev["disease"] as? String)?.isEmpty == false)
        let notes = try #require(obj["notes"] as? [String])
        #expect(notes.contains { $0.hasPrefix("No warehouse configured: therapies are ranked on curated evidence alone") })
        #expect(!r.stdout.contains("SYNTHETIC DATA"))
    }

    /// Text by default when piped; Markdown and HTML to a file with -o; resistance shown under 'Not recommended'.
    @Test func formatsAndOutputFile() throws {
        let v = casePath("luad_egfr_l858r_t790m.grch38.vep")
        let t = try runOnco(["recommend", "--kb", kb, "--vcf", v, "--tumor-type", "LUAD"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("Ranked therapies") && t.stdout.contains("osimertinib") && t.stdout.contains("Not recommended"))
        #expect(!t.stdout.contains("\u{1B}["))   // no colour when not a terminal
        let dir = try makeTemporaryDirectory("onco-recommend-cli")
        let md = dir.appendingPathComponent("r.md").path, html = dir.appendingPathComponent("r.html").path
        let m = try runOnco(["recommend", "--kb", kb, "--vcf", v, "--tumor-type", "LUAD", "--format", "markdown", "-o", md])
        #expect(m.status == 0 && m.stdout.isEmpty, "\(m.stderr)")
        let mdText = try String(contentsOfFile: md, encoding: .utf8)
        #expect(mdText.hasPrefix("# Therapy ranking") && mdText.contains("## Not recommended"))
        let h = try runOnco(["recommend", "--kb", kb, "--vcf", v, "--tumor-type", "LUAD", "--format", "html", "-o", html])
        #expect(h.status == 0, "\(h.stderr)")
        #expect(try String(contentsOfFile: html, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    }

    /// `--include-unknown-timing`: the target trials' sensitivity analysis, stated in the report's methods.
    @Test func includeUnknownTimingIsStatedInTheMethods() throws {
        let v = casePath("skcm_braf_v600e.grch37.vep")
        let base = ["recommend", "--kb", kb, "--vcf", v, "--tumor-type", "SKCM", "--format", "markdown"]
        let excluded = try runOnco(base)
        #expect(excluded.status == 0, "\(excluded.stderr)")
        #expect(excluded.stdout.contains("patients whose timing is unknown are excluded (counted)"))
        let included = try runOnco(base + ["--include-unknown-timing"])
        #expect(included.status == 0, "\(included.stderr)")
        #expect(included.stdout.contains("patients whose timing is unknown are included as known at time zero (sensitivity analysis)"))
        #expect(!included.stdout.contains("timing is unknown are excluded"))
    }

    /// The concise board view by default; `--all` lists the T3/T4 candidates too.
    @Test func conciseByDefaultAllOnRequest() throws {
        let v = casePath("skcm_braf_v600e.grch37.vep")
        let concise = try runOnco(["recommend", "--kb", kb, "--vcf", v, "--tumor-type", "SKCM"])
        #expect(concise.status == 0, "\(concise.stderr)")
        #expect(concise.stdout.contains("Actionable alterations") && concise.stdout.contains("run with --all to list them"))
        #expect(concise.stdout.contains("MOAlmanac 2025-12-26 sha256:"))
        let all = try runOnco(["recommend", "--kb", kb, "--vcf", v, "--tumor-type", "SKCM", "--all"])
        #expect(all.status == 0 && !all.stdout.contains("run with --all") && all.stdout.count > concise.stdout.count)
    }

    /// A case with nothing actionable exits 0 with a report that says so plainly.
    @Test func noActionableAlterationSaysSo() throws {
        let r = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("hnsc_no_actionable.grch37.vep"), "--tumor-type", "HNSC"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("No actionable alteration"))
    }

    /// Bad input: a clear error and a non-zero exit, nothing on standard output.
    @Test func badInput() throws {
        let missing = try runOnco(["recommend", "--kb", kb, "--vcf", "/nonexistent/case.vcf", "--tumor-type", "SKCM"])
        #expect(missing.status == 64 && missing.stderr.contains("--vcf /nonexistent/case.vcf: no such file") && missing.stdout.isEmpty)
        let cna = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA", "--cna", "ERBB2:up"])
        #expect(cna.status == 64 && cna.stderr.contains("--cna 'ERBB2:up'"))
        let db = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA", "--db", "/nonexistent/w.sqlite"])
        #expect(db.status == 69 && db.stderr.contains("cannot open the SQLite warehouse /nonexistent/w.sqlite: no such file"), "\(db.stderr)")
        let tt = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "NOTATYPE"])
        #expect(tt.status == 1 && tt.stderr.contains("NOTATYPE") && tt.stdout.isEmpty, "\(tt.stderr)")
        // A broken VCF record: the error names the file and the record.
        let dir = try makeTemporaryDirectory("onco-recommend-bad")
        let bad = dir.appendingPathComponent("broken.vcf")
        var text = try String(contentsOfFile: casePath("skcm_braf_v600e.grch37.vep"), encoding: .utf8)
        text += "7\tnot-a-position\t.\tA\tT\t.\tPASS\t.\tGT\t0/1\t0/0\n"
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let b = try runOnco(["recommend", "--kb", kb, "--vcf", bad.path, "--tumor-type", "SKCM", "--format", "json"])
        #expect(b.status == 1 && b.stderr.contains("broken.vcf") && b.stdout.isEmpty, "\(b.stderr)")
    }

    /// CNA and fusion lists reach the matcher: ERBB2 amplification in breast gives trastuzumab.
    @Test func cnaList() throws {
        let r = try runOnco(["recommend", "--kb", kb, "--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA",
                             "--cna", "ERBB2:amp", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let therapies = try #require(obj["therapies"] as? [[String: Any]])
        #expect(therapies.contains { $0["therapy"] as? String == "trastuzumab" })
        #expect((obj["case"] as? [String: Any])?["copy_number"] as? [String] == ["ERBB2 amplification"])
    }

    /// `onco demo`: builds the synthetic warehouse once, prints the table and writes the HTML report,
    /// all labelled synthetic; the second run reuses the warehouse (idempotent) and prints the same
    /// report.
    @Test func demoIsIdempotentAndLabelledSynthetic() throws {
        let dir = try makeTemporaryDirectory("onco-demo-cli")
        let cohorts = RepoPaths.cohorts("").resolvingSymlinksInPath().path
        let args = ["demo", "--kb", kb, "--cohorts", cohorts, "--dir", dir.path]
        let first = try runOnco(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("SYNTHETIC DATA") && first.stdout.contains("SYNTHETIC CASE"))
        #expect(first.stdout.contains("Ranked therapies") && first.stdout.contains("dabrafenib + trametinib"))
        #expect(first.stdout.contains("nearest warehouse patients (k = 200; exact top-k similarity search over the warehouse's profiles)"))
        #expect(first.stdout.contains("Local real-world signal (provisional)"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("demo-warehouse.sqlite.simidx").path))
        let html = try String(contentsOf: dir.appendingPathComponent("demo-report.html"), encoding: .utf8)
        #expect(html.contains("SYNTHETIC DATA") && html.contains("SYNTHETIC CASE") && html.contains("<svg"))
        let attrs = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("demo-warehouse.sqlite").path)
        let second = try runOnco(args)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == first.stdout)
        let after = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("demo-warehouse.sqlite").path)
        #expect(attrs[.size] as? Int == after[.size] as? Int)
        let json = try runOnco(args + ["--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(obj["synthetic"] as? Bool == true && (obj["warehouse"] as? [String: Any])?["synthetic"] as? Bool == true)
        // ONCO_SQL_TRACE=1: each warehouse read's time and statement on stderr; bound values (here the gene
        // and the tumour-type codes of the biomarker cohorts) never appear; the report is unchanged.
        let traced = try runOnco(args, environment: ["ONCO_SQL_TRACE": "1"])
        #expect(traced.status == 0 && traced.stdout == first.stdout)
        let trace = traced.stderr.split(separator: "\n").filter { $0.hasPrefix("sql-trace ") }
        #expect(trace.count >= 4 && trace.allSatisfy { $0.contains(" ms: ") })
        #expect(trace.contains { $0.contains("onco_line_outcome") })
        #expect(!trace.contains { $0.contains("BRAF") || $0.contains("'SKCM'") })
    }
}
