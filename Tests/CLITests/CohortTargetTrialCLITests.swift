import Foundation
import Testing
import _TestSupport

/// `onco cohort run --design target-trial` end to end through the built binary, on the demo warehouse
/// (Cohorts/demo-cohort.json, 5,000 synthetic patients, seed 1: what `onco demo` builds).
@Suite("onco cohort --design target-trial CLI", .serialized)
struct CohortTargetTrialCLITests {
    static let study = RepoPaths.cohorts("studies/synthetic-braf-target-trial.yaml").path
    static let adminKey = "cli-admin-key-0123456789abcdef0123456789"
    static let auditKey = "cli-audit-key-fedcba9876543210fedcba9876"
    static let audit = ["ONCO_AUDIT_KEY": auditKey]
    static let admin = ["ONCO_AUDIT_KEY": auditKey, "ONCO_ADMIN_KEY": adminKey]

    /// The demo warehouse in a fresh folder, its governance keys registered; governed when asked.
    static func demoWarehouse(governed: Bool) throws -> (dir: URL, db: String) {
        let dir = try makeTemporaryDirectory("onco-tt-cli")
        let db = dir.appendingPathComponent("demo.sqlite").path
        let s = try runOnco(["warehouse", "synth", "--patients", "5000", "--seed", "1", "--db", db, "--params", RepoPaths.cohorts("demo-cohort.json").path])
        #expect(s.status == 0, "\(s.stderr)")
        let k = try runOnco(["project", "keys", "init", "--db", db], environment: admin)
        #expect(k.status == 0, "\(k.stderr)")
        if governed {
            let on = try runOnco(["project", "governance", "on", "--db", db], environment: admin)
            #expect(on.status == 0, "\(on.stderr)")
        }
        return (dir, db)
    }

    @Test("the study file in every format, and the same trial from flags")
    func everyFormatAndFlags() throws {
        let (dir, db) = try Self.demoWarehouse(governed: false)
        var outputs: [String: String] = [:]
        for format in ["text", "markdown", "html", "json", "csv"] {
            let out = dir.appendingPathComponent("tt.\(format)").path
            let r = try runOnco(["cohort", "run", Self.study, "--db", db, "--format", format, "--out", out], environment: Self.audit)
            #expect(r.status == 0, "\(format): \(r.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            outputs[format] = text
            #expect(text.contains("SYNTHETIC DATA"), "\(format)")
            for must in ["causal contrast", "time zero", "dabrafenib + trametinib", "positivity"] {
                #expect(text.contains(must), "\(format) lacks \(must)")
            }
        }
        let text = try #require(outputs["text"])
        #expect(text.contains("Target trial protocol") && text.contains("Covariate balance") && text.contains("naive hazard ratio")
                && text.contains("adjusted hazard ratio (weighted)") && text.contains("E-value"))
        #expect(try #require(outputs["html"]).contains("Overall survival (weighted)"))
        // flags give the same definition, hence the same numbers
        let flags = try runOnco(["cohort", "run", "--db", db, "--name", "Dabrafenib + trametinib vs another first-line therapy in BRAF V600E melanoma (target trial, synthetic)",
                                 "--tumour-type", "SKCM", "--altered", "BRAF:p.V600E", "--design", "target-trial", "--treatment", "dabrafenib,trametinib",
                                 "--comparator", "other", "--line", "1", "--weights", "iptw", "--truncate", "99", "--rmst-horizon", "24", "--format", "text"],
                             environment: Self.audit)
        #expect(flags.status == 0, "\(flags.stderr)")
        let strip = { (s: String) in s.split(separator: "\n").filter { !$0.contains("generated") && !$0.contains("audit entry") && !$0.contains("sha256") && !$0.contains("{") }.joined(separator: "\n") }
        let estimates = { (s: String) in strip(s).components(separatedBy: "Estimates:").last ?? "" }
        #expect(estimates(flags.stdout) == estimates(text))
        // a bad trial flag exits 1 naming the flag; a trial flag without the design too
        let bad = try runOnco(["cohort", "run", "--db", db, "--tumour-type", "SKCM", "--design", "target-trial", "--treatment", "dabrafenib",
                               "--truncate", "30"], environment: Self.audit)
        #expect(bad.status == 1 && bad.stderr.contains("design.truncate") && bad.stderr.contains("30"), "\(bad.stderr)")
        let lone = try runOnco(["cohort", "run", "--db", db, "--tumour-type", "SKCM", "--treatment", "dabrafenib"], environment: Self.audit)
        #expect(lone.status == 1 && lone.stderr.contains("--treatment"), "\(lone.stderr)")
        let export = try runOnco(["cohort", "run", Self.study, "--db", db, "--export-rows", dir.appendingPathComponent("rows.csv").path],
                                 environment: Self.audit)
        #expect(export.status == 1 && export.stderr.contains("--export-rows"), "\(export.stderr)")
        let v = try runOnco(["cohort", "validate", Self.study])
        #expect(v.status == 0 && v.stdout.contains("\"kind\":\"target-trial\"") && v.stdout.contains("specimen_dates"), "\(v.stdout)")
    }

    @Test("governed: a project must allow the trial's fields; refusals exit 77 and are logged")
    func governance() throws {
        let (_, db) = try Self.demoWarehouse(governed: true)
        func add(_ id: String, fields: String) throws {
            let r = try runOnco(["project", "add", "--db", db, "--id", id, "--title", "BRAF target trial", "--ethics", "REC 26/TT/0001",
                                 "--tumour-types", "SKCM", "--fields", fields, "--expires", "2099-12-31"], environment: Self.admin)
            #expect(r.status == 0, "\(r.stderr)")
        }
        try add("P-TT-NARROW", fields: "tumour_type,mutations,os,therapies")
        let refused = try runOnco(["cohort", "run", Self.study, "--db", db, "--project", "P-TT-NARROW"], environment: Self.audit)
        #expect(refused.status == 77 && refused.stderr.contains("may not use") && refused.stderr.contains("specimen_dates"), "\(refused.stderr)")
        try add("P-TT-01", fields: "tumour_type,mutations,os,therapies,age,sex,stage,tmb,performance_status,specimen_dates")
        let ok = try runOnco(["cohort", "run", Self.study, "--db", db, "--project", "P-TT-01", "--format", "json"], environment: Self.audit)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("\"targetTrial\"") && ok.stdout.contains("\"project\" : \"P-TT-01\""))
        let log = try runOnco(["audit", "log", "--db", db], environment: Self.audit)
        #expect(log.stdout.contains("cohort.refused") && log.stdout.contains("\"design\":\"target-trial\""), "\(log.stdout)")
        let verify = try runOnco(["audit", "verify", "--db", db], environment: Self.audit)
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}
