import Foundation
import Testing
import _TestSupport

/// `onco warehouse` end to end, through the built binary.
@Suite("onco warehouse CLI", .serialized)
struct WarehouseCLITests {
    static let study = RepoPaths.fixture("warehouse/tcga_subset").path
    static let env = ["ONCO_PSEUDONYM_KEY": "cli-test-key-0123456789abcdef"]

    /// `--db` values to test: a SQLite file, and PostgreSQL when ONCO_TEST_POSTGRES_URL is set (a fresh schema).
    static func databases() throws -> [String] {
        var dbs = [try makeTemporaryDirectory("onco-cli").appendingPathComponent("w.sqlite").path]
        let e = ProcessInfo.processInfo.environment
        if let url = e["ONCO_TEST_POSTGRES_URL"], !url.isEmpty {
            dbs.append(url + (url.contains("?") ? "&" : "?") + "schema=onco_cli_" + UUID().uuidString.prefix(8).lowercased())
        } else if e["ONCO_REQUIRE_POSTGRES"] == "1" {
            Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set")
        }
        return dbs
    }

    static func value(_ out: String, _ label: String) -> String? {
        out.split(separator: "\n").first { $0.hasPrefix(label + "\t") }.map { String($0.dropFirst(label.count + 1)) }
    }

    @Test("init, import, re-import, stats give the source files' counts")
    func importAndStats() throws {
        for db in try Self.databases() {
            let i = try runOnco(["warehouse", "init", "--db", db])
            #expect(i.status == 0, "\(i.stderr)")
            #expect(i.stdout.contains("schema version"))
            let a = try runOnco(["warehouse", "import", Self.study, "--db", db], environment: Self.env)
            #expect(a.status == 0, "\(a.stderr)")
            #expect(a.stdout.hasPrefix("imported: tcga_pancan_open"))
            let b = try runOnco(["warehouse", "import", Self.study, "--db", db], environment: Self.env)
            #expect(b.status == 0)
            #expect(b.stdout.hasPrefix("unchanged: tcga_pancan_open"))
            // a real warehouse starts governed: stats need an authorisation
            let refused = try runOnco(["warehouse", "stats", "--db", db], environment: CohortCLITests.audit)
            #expect(refused.status == 77 && refused.stderr.contains("governance is on"), "\(refused.stderr)")
            #expect(try runOnco(["project", "keys", "init", "--db", db], environment: CohortCLITests.admin).status == 0)
            #expect(try runOnco(["project", "add-purpose", "--db", db, "--id", "DQ", "--board", "Data quality office", "--approved-by", "DPO",
                                 "--outputs", "aggregates", "--tumour-types", "*", "--expires", "2099-12-31"], environment: CohortCLITests.admin).status == 0)
            let s = try runOnco(["warehouse", "stats", "--db", db, "--purpose", "DQ"], environment: CohortCLITests.audit)
            #expect(s.status == 0, "\(s.stderr)")
            // The fixture's files: 330 patient rows, 220 sample rows, 52,886 MAF rows, 74 timeline rows
            // (scripts/make-warehouse-fixture.py printed these; WarehouseTests recount them from the files).
            #expect(Self.value(s.stdout, "patients") == "330")
            #expect(Self.value(s.stdout, "samples") == "220")
            #expect(Self.value(s.stdout, "mutations") == "52886")
            #expect(Self.value(s.stdout, "treatment rows") == "74")
            #expect(s.stdout.contains("dataset tcga_pancan_open [cbioportal]"))
        }
    }

    @Test("a corrupt study fails with file and line, exit 1, and nothing is written")
    func corrupt() throws {
        let dir = try makeTemporaryDirectory("onco-cli-study")
        for f in try FileManager.default.contentsOfDirectory(atPath: Self.study) {
            try FileManager.default.copyItem(atPath: Self.study + "/" + f, toPath: dir.appendingPathComponent(f).path)
        }
        // The timeline names a patient who is not in the patient file (line 5).
        let tl = dir.appendingPathComponent("data_timeline_treatment.txt")
        var lines = try String(contentsOf: tl, encoding: .utf8).components(separatedBy: "\n")
        var cells = lines[4].components(separatedBy: "\t")
        cells[0] = "TCGA-ZZ-ZZZZ"
        lines[4] = cells.joined(separator: "\t")
        try lines.joined(separator: "\n").write(to: tl, atomically: true, encoding: .utf8)
        for db in try Self.databases() {
            let r = try runOnco(["warehouse", "import", dir.path, "--db", db], environment: Self.env)
            #expect(r.status == 1)
            #expect(r.stderr.contains("data_timeline_treatment.txt:5: field PATIENT_ID: names a patient that is not in the clinical patient file"))
            #expect(!r.stderr.contains("TCGA-ZZ"))
            // nothing was written, not even the governance settings of a first import (the audit log is empty)
            #expect(try runOnco(["audit", "log", "--db", db]).stdout.isEmpty)
            #expect(try runOnco(["project", "keys", "init", "--db", db], environment: CohortCLITests.admin).status == 0)
            #expect(try runOnco(["project", "add-purpose", "--db", db, "--id", "DQ", "--board", "Data quality office", "--approved-by", "DPO",
                                 "--outputs", "aggregates", "--tumour-types", "*", "--expires", "2099-12-31"], environment: CohortCLITests.admin).status == 0)
            let s = try runOnco(["warehouse", "stats", "--db", db, "--purpose", "DQ"], environment: CohortCLITests.audit)
            #expect(Self.value(s.stdout, "patients") == "0", "\(s.stderr)")
        }
    }

    @Test("import without a pseudonymisation key is refused")
    func missingKey() throws {
        let db = try makeTemporaryDirectory("onco-cli").appendingPathComponent("w.sqlite").path
        let r = try runOnco(["warehouse", "import", Self.study, "--db", db], environment: ["ONCO_PSEUDONYM_KEY": ""])
        #expect(r.status == 1)
        #expect(r.stderr.contains("ONCO_PSEUDONYM_KEY"))
    }

    @Test("synth writes a flagged synthetic warehouse, deterministically")
    func synth() throws {
        let params = RepoPaths.cohorts("demo-cohort.json").path
        var outputs: [String] = []
        for db in try Self.databases() + [try makeTemporaryDirectory("onco-cli").appendingPathComponent("again.sqlite").path] {
            let r = try runOnco(["warehouse", "synth", "--patients", "500", "--seed", "11", "--params", params, "--db", db])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("(synthetic)"))
            let s = try runOnco(["warehouse", "stats", "--db", db, "--format", "json", "--minimum-count", "0"])
            #expect(s.status == 0, "\(s.stderr)")
            #expect(s.stdout.contains("\"synthetic\" : true"))
            #expect(s.stdout.contains("\"patients\" : 500"))
            outputs.append(s.stdout.replacingOccurrences(of: #""backend" : "[A-Za-z]+","#, with: "", options: .regularExpression))
        }
        #expect(Set(outputs).count == 1)
    }

    @Test("a trap cohort's planted truth is shown by warehouse stats (text and JSON)")
    func plantedTruth() throws {
        let db = try makeTemporaryDirectory("onco-cli").appendingPathComponent("trap.sqlite").path
        let params = RepoPaths.cohorts("rwe-trap-immortal-time.json").path
        let r = try runOnco(["warehouse", "synth", "--patients", "300", "--seed", "2", "--params", params, "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try runOnco(["warehouse", "stats", "--db", db, "--minimum-count", "0"])
        #expect(text.stdout.contains("planted truth (synthetic traps): {"), "\(text.stdout)")
        #expect(text.stdout.contains("\"trueHazardRatioMatchedTargetedVsChemotherapy\":1"))
        let json = try runOnco(["warehouse", "stats", "--db", db, "--format", "json", "--minimum-count", "0"])
        #expect(json.stdout.contains("\"plantedTruth\" : {"), "\(json.stdout)")
        #expect(json.stdout.contains("immortalTime"))
    }
}
