import Foundation
import Testing
import _TestSupport

/// `onco cohort`, `onco project`, `onco audit` end to end through the built binary, on the real
/// TCGA HNSC + GBM subset.
@Suite("onco cohort / project / audit CLI", .serialized)
struct CohortCLITests {
    static let study = RepoPaths.fixture("tcga_hnsc_gbm").path
    static let env = ["ONCO_PSEUDONYM_KEY": "cli-cohort-test-key-0123456789"]
    /// Test-only governance keys: the administrator's and the audit key, as a deployment gives them.
    static let adminKey = "cli-admin-key-0123456789abcdef0123456789"
    static let auditKey = "cli-audit-key-fedcba9876543210fedcba9876"
    static let audit = ["ONCO_AUDIT_KEY": auditKey]
    static let admin = ["ONCO_AUDIT_KEY": auditKey, "ONCO_ADMIN_KEY": adminKey]

    /// A fresh SQLite warehouse file with the fixture imported (governed, as every real warehouse starts)
    /// and its keys registered; unless `governed`, the administrator turns governance off.
    static func warehouse(governed: Bool = false) throws -> (dir: URL, db: String) {
        let dir = try makeTemporaryDirectory("onco-cohort-cli")
        let db = dir.appendingPathComponent("w.sqlite").path
        let r = try runOnco(["warehouse", "import", study, "--db", db], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let k = try runOnco(["project", "keys", "init", "--db", db], environment: admin)
        #expect(k.status == 0, "\(k.stderr)")
        if !governed {
            let off = try runOnco(["project", "governance", "off", "--db", db], environment: admin)
            #expect(off.status == 0, "\(off.stderr)")
        }
        return (dir, db)
    }

    @Test("a study from a YAML file: every format, plots, provenance")
    func runsAStudyInEveryFormat() throws {
        let (dir, db) = try Self.warehouse()
        let def = RepoPaths.cohorts("studies/tp53-hnsc.yaml").path
        for format in ["text", "markdown", "html", "json", "csv"] {
            let out = dir.appendingPathComponent("report.\(format)").path
            var args = ["cohort", "run", def, "--db", db, "--format", format, "--out", out]
            if format == "html" {
                args += ["--km-plot", dir.appendingPathComponent("km.svg").path, "--forest-plot", dir.appendingPathComponent("forest.svg").path]
            }
            let r = try runOnco(args, environment: Self.audit)
            #expect(r.status == 0, "\(format): \(r.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.contains("TP53"), "\(format)")
            #expect(text.contains("0.1.0") && text.contains("warehouse"), "\(format) lacks provenance")
        }
        let txt = try String(contentsOfFile: dir.appendingPathComponent("report.text").path, encoding: .utf8)
        #expect(txt.contains("TP53 wild-type") && txt.contains("68.44") && txt.contains("42.35"))   // R medians (months)
        #expect(txt.contains("1.520"))                                                               // R HR 1.5199
        let km = try String(contentsOfFile: dir.appendingPathComponent("km.svg").path, encoding: .utf8)
        #expect(km.hasPrefix("<?xml") && km.contains("Number at risk"))
        let forest = try String(contentsOfFile: dir.appendingPathComponent("forest.svg").path, encoding: .utf8)
        #expect(forest.contains("hazard ratio"))
    }

    @Test("flags alone define a study; bad flags exit 1 naming the flag")
    func flags() throws {
        let (_, db) = try Self.warehouse()
        let r = try runOnco(["cohort", "run", "--db", db, "--tumour-type", "GB", "--group-by", "mutation:IDH1", "--endpoint", "study",
                             "--time-attribute", "OS_MONTHS", "--status-attribute", "OS_STATUS", "--adjust", "age", "--format", "json"],
                         environment: Self.audit)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"IDH1 mutated\"") && r.stdout.contains("\"format\" : \"onco.cohort-report/1\""))
        let bad = try runOnco(["cohort", "run", "--db", db, "--tumour-type", "GB", "--age", "old"])
        #expect(bad.status == 1 && bad.stderr.contains("--age"))
        let none = try runOnco(["cohort", "run", "--db", db])
        #expect(none.status == 64)
        let v = try runOnco(["cohort", "validate", RepoPaths.cohorts("studies/tmb-top20-by-cancer-type.yaml").path])
        #expect(v.status == 0 && v.stdout.contains("fields used: CANCER_TYPE_ACRONYM, OS_MONTHS, OS_STATUS, SAMPLE_TYPE, TMB_NONSYNONYMOUS, age"))
    }

    @Test("governance: projects, refusal outside scope (exit 77), audit verify detects an edited entry")
    func governance() throws {
        let (_, db) = try Self.warehouse(governed: true)
        let projectArgs = ["project", "add", "--db", db, "--id", "P-HN-01", "--title", "TP53 in HNSC", "--ethics", "REC 24/NW/0123",
                           "--tumour-types", "HNSC", "--fields", "tumour_type,mutations,OS_MONTHS,OS_STATUS,age", "--expires", "2099-12-31"]
        // registering needs the administrator key
        let notAdmin = try runOnco(projectArgs, environment: Self.audit)
        #expect(notAdmin.status == 77 && notAdmin.stderr.contains("needs the administrator key"), "\(notAdmin.stderr)")
        let add = try runOnco(projectArgs, environment: Self.admin)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("ethics approval: REC 24/NW/0123"))
        #expect(try runOnco(["project", "governance", "on", "--db", db], environment: Self.audit).status == 0)
        let list = try runOnco(["project", "list", "--db", db])
        #expect(list.stdout.contains("governance on") && list.stdout.contains("P-HN-01\tactive"))
        let def = RepoPaths.cohorts("studies/tp53-hnsc.yaml").path
        // no project: refused
        let noProject = try runOnco(["cohort", "run", def, "--db", db], environment: Self.audit)
        #expect(noProject.status == 77 && noProject.stderr.contains("name an approved research project"))
        // in scope: runs
        let ok = try runOnco(["cohort", "run", def, "--db", db, "--project", "P-HN-01"], environment: Self.audit)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("project: P-HN-01"))
        // out of scope: GB
        let gb = try runOnco(["cohort", "run", RepoPaths.cohorts("studies/idh1-glioblastoma.json").path, "--db", db, "--project", "P-HN-01"],
                             environment: Self.audit)
        #expect(gb.status == 77 && gb.stderr.contains("tumour type GB is outside the scope"))
        // the log is intact: governance.init, keys.init, project.add, governance.set, cohort.refused, cohort.run, cohort.refused
        let v1 = try runOnco(["audit", "verify", "--db", db], environment: Self.audit)
        #expect(v1.status == 0 && v1.stdout.contains("audit log intact: 7 entries") && v1.stdout.contains("MACs valid from entry 2"), "\(v1.stdout)")
        let log = try runOnco(["audit", "log", "--db", db])
        #expect(log.stdout.split(separator: "\n").count == 7 && log.stdout.contains("cohort.refused"))
        // a checkpoint for the DPO
        let cpPath = try makeTemporaryDirectory("onco-cp").appendingPathComponent("head.json").path
        let cp = try runOnco(["audit", "checkpoint", "--db", db, "-o", cpPath], environment: Self.audit)
        #expect(cp.status == 0, "\(cp.stderr)")
        #expect(try runOnco(["audit", "verify", "--db", db, "--checkpoint", cpPath], environment: Self.audit).stdout.contains("holds checkpoint entry 7"))
        // … until someone edits entry 6 (the in-scope run) in the database
        if toolAvailable("sqlite3") {
            let t = try run("sqlite3", [db, "DROP TRIGGER onco_audit_log_no_update; UPDATE onco_audit_log SET detail = replace(detail, '\"analysed\":', '\"analysed\":1') WHERE seq = 6;"])
            #expect(t.status == 0, "\(t.stderr)")
            let v2 = try runOnco(["audit", "verify", "--db", db], environment: Self.audit)
            #expect(v2.status == 1)
            #expect(v2.stdout.contains("first bad entry: 6") && v2.stdout.contains("entry 6 (cohort.run"), "\(v2.stdout)")
            // and someone flipping the governance switch in the database
            #expect(try run("sqlite3", [db, "UPDATE onco_warehouse SET value = 'off' WHERE key = 'governance';"]).status == 0)
            let v3 = try runOnco(["audit", "verify", "--db", db], environment: Self.audit)
            #expect(v3.status == 1 && v3.stdout.contains("governance is off in the warehouse but the audit log last set it on"), "\(v3.stdout)")
        }
        // revocation needs the administrator key
        #expect(try runOnco(["project", "revoke", "P-HN-01", "--reason", "study closed", "--db", db], environment: Self.audit).status == 77)
        #expect(try runOnco(["project", "revoke", "P-HN-01", "--reason", "study closed", "--db", db], environment: Self.admin).status == 0)
    }
}
