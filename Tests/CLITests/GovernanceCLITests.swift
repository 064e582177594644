import Foundation
import Testing
import _TestSupport

/// Governance on every command that reads warehouse patients, through the built binary, on the real
/// TCGA HNSC + GBM subset (SQLite, and PostgreSQL when ONCO_TEST_POSTGRES_URL is set): without an
/// authorisation each is refused with exit 77 and audited; with a care purpose or an in-scope research
/// project each runs and is audited with the case's hash and the counts shown, never an identifier.
@Suite("governance on every path (CLI)", .serialized)
struct GovernanceCLITests {
    static let study = RepoPaths.fixture("tcga_hnsc_gbm").path
    static let vcf = RepoPaths.fixture("recommendation/cases/brca_erbb2amp.grch37.vep.vcf").path
    static let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path

    static func databases() throws -> [(db: String, env: [String: String], dir: URL)] {
        let dir = try makeTemporaryDirectory("onco-gov-cli")
        let env = ["ONCO_CACHE_DIR": dir.appendingPathComponent("cache").path, "ONCO_PSEUDONYM_KEY": "cli-governance-key-0123456789abcdef"]
        var dbs = [(dir.appendingPathComponent("w.sqlite").path, env, dir)]
        let e = ProcessInfo.processInfo.environment
        if let url = e["ONCO_TEST_POSTGRES_URL"], !url.isEmpty {
            dbs.append((url + (url.contains("?") ? "&" : "?") + "schema=onco_gov_" + UUID().uuidString.prefix(8).lowercased(), env, dir))
        } else if e["ONCO_REQUIRE_POSTGRES"] == "1" {
            Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set")
        }
        return dbs
    }

    @Test("a governed warehouse refuses recommend, similar, batch, cohort and stats without an authorisation (77, audited); with one they run, audited")
    func everyPathIsGoverned() throws {
        for (db, base, dir) in try Self.databases() {
            let audit = base.merging(CohortCLITests.audit) { _, n in n }
            let admin = base.merging(CohortCLITests.admin) { _, n in n }
            let imported = try runOnco(["warehouse", "import", Self.study, "--db", db], environment: base)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(try runOnco(["project", "keys", "init", "--db", db], environment: admin).status == 0)
            let manifest = dir.appendingPathComponent("manifest.tsv")
            try "case_id\tvcf\ttumor_type\ncase1\t\(Self.vcf)\tHNSC\n".write(to: manifest, atomically: true, encoding: .utf8)

            func commands(_ auth: [String], cohortAuth: [String]) -> [(String, [String])] {
                [("recommend", ["recommend", "--kb", Self.kb, "--vcf", Self.vcf, "--tumor-type", "HNSC", "--db", db, "--format", "json"] + auth),
                 ("similar", ["similar", "--vcf", Self.vcf, "--tumor-type", "HNSC", "--db", db, "--k", "10", "--format", "json"] + auth),
                 ("batch", ["batch", manifest.path, "--kb", Self.kb, "--warehouse", db, "-o", dir.appendingPathComponent("b-\(auth.count).jsonl").path,
                            "--overwrite", "--progress", "none"] + auth),
                 ("cohort", ["cohort", "run", "--db", db, "--tumour-type", "HNSC", "--group-by", "mutation:TP53", "--endpoint", "study",
                             "--time-attribute", "OS_MONTHS", "--status-attribute", "OS_STATUS"] + cohortAuth),
                 ("warehouse.stats", ["warehouse", "stats", "--db", db] + auth)]
            }
            // without an authorisation: refused, exit 77, with the reason
            for (name, args) in commands([], cohortAuth: []) {
                let r = try runOnco(args, environment: audit)
                #expect(r.status == 77, "\(name): \(r.status) \(r.stderr)")
                #expect(r.stderr.contains("Refused:") && r.stderr.contains("name an approved research project"), "\(name): \(r.stderr)")
            }
            // the administrator registers a tumour board and a research project
            let tb = try runOnco(["project", "add-purpose", "--db", db, "--id", "TB-HN", "--board", "Head and neck tumour board",
                                  "--approved-by", "Dr A. Chair, clinical lead", "--outputs", "aggregates,neighbours", "--tumour-types", "*",
                                  "--expires", "2099-12-31"], environment: admin)
            #expect(tb.status == 0 && tb.stdout.contains("care purpose TB-HN"), "\(tb.stderr)")
            let p = try runOnco(["project", "add", "--db", db, "--id", "P-HN", "--title", "HNSC outcomes", "--ethics", "REC 1", "--tumour-types", "HNSC",
                                 "--fields", "*", "--expires", "2099-12-31"], environment: admin)
            #expect(p.status == 0, "\(p.stderr)")
            // a research project without row-level export may not list neighbours
            let rs = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "HNSC", "--db", db, "--within", "HNSC", "--project", "P-HN"], environment: audit)
            #expect(rs.status == 77 && rs.stderr.contains("may not show neighbours"), "\(rs.stderr)")
            // the minimum cell count cannot be lowered under governance
            let low = try runOnco(["warehouse", "stats", "--db", db, "--purpose", "TB-HN", "--minimum-count", "2"], environment: audit)
            #expect(low.status == 77 && low.stderr.contains("cannot be lowered"), "\(low.stderr)")
            // with the care purpose (and the research project for the cohort study): they run
            for (name, args) in commands(["--purpose", "TB-HN"], cohortAuth: ["--project", "P-HN"]) {
                let r = try runOnco(args, environment: audit)
                #expect(r.status == 0, "\(name): \(r.status) \(r.stderr)")
            }
            // without the audit key nothing runs on a keyed warehouse
            let noKey = try runOnco(["warehouse", "stats", "--db", db, "--purpose", "TB-HN"], environment: base)
            #expect(noKey.status == 77 && noKey.stderr.contains("ONCO_AUDIT_KEY"), "\(noKey.stderr)")

            // every attempt is in the log: the refusal and the run of each command, with the case's hash and counts, no identifiers
            let log = try runOnco(["audit", "log", "--db", db])
            for name in ["recommend", "similar", "batch", "cohort", "warehouse.stats"] {
                #expect(log.stdout.contains("\t\(name).refused\t"), "\(name) refusal not audited")
                #expect(log.stdout.contains("\t\(name).run\t"), "\(name) run not audited")
            }
            let similarRun = try #require(log.stdout.split(separator: "\n").first { $0.contains("\tsimilar.run\t") })
            #expect(similarRun.contains("TB-HN") && similarRun.contains("\"caseSHA256\":\"") && similarRun.contains("\"neighbours\":10")
                    && similarRun.contains("\"purpose\":\"care\""), "\(similarRun)")
            let statsRun = try #require(log.stdout.split(separator: "\n").last { $0.contains("\twarehouse.stats.run\t") })
            #expect(statsRun.contains("\"patients\":") && statsRun.contains("\"minimumCellCount\":5"))
            #expect(!log.stdout.contains("TCGA-") && !log.stdout.contains(Self.vcf) && !log.stdout.contains(CohortCLITests.auditKey))
            let v = try runOnco(["audit", "verify", "--db", db], environment: audit)
            #expect(v.status == 0 && v.stdout.contains("audit log intact") && v.stdout.contains("MACs valid"), "\(v.stdout)")
        }
    }

    @Test("a synthetic warehouse starts ungoverned: the demo path needs no keys")
    func syntheticNeedsNoKeys() throws {
        let (db, env, _) = try Self.databases()[0]
        #expect(try runOnco(["warehouse", "synth", "--patients", "300", "--seed", "5", "--db", db], environment: env).status == 0)
        let s = try runOnco(["warehouse", "stats", "--db", db], environment: env)
        #expect(s.status == 0 && s.stdout.contains("SYNTHETIC"), "\(s.stderr)")
        let g = try runOnco(["project", "governance", "status", "--db", db], environment: env)
        #expect(g.stdout.contains("governance off"))
        // turning governance off again, or registering, still needs the administrator
        let add = try runOnco(["project", "add-purpose", "--db", db, "--id", "TB", "--board", "b", "--approved-by", "x", "--outputs", "neighbours",
                               "--tumour-types", "*", "--expires", "2099-01-01"], environment: env)
        #expect(add.status == 77 && add.stderr.contains("onco project keys init"))
    }
}
