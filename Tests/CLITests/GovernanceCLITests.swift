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
            // a batch is audited per case: each case's hash and status, never its manifest id or path, then the batch
            let batchCases = log.stdout.split(separator: "\n").filter { $0.contains("\tbatch.case\t") }
            #expect(batchCases.count == 1 && batchCases[0].contains("\"caseSHA256\":\"") && batchCases[0].contains("\"status\":\"ok\"")
                    && batchCases[0].contains("\"requestSHA256\":\"") && !batchCases[0].contains("case1"), "\(batchCases)")
            let statsRun = try #require(log.stdout.split(separator: "\n").last { $0.contains("\twarehouse.stats.run\t") })
            #expect(statsRun.contains("\"patients\":") && statsRun.contains("\"minimumCellCount\":5"))
            #expect(!log.stdout.contains("TCGA-") && !log.stdout.contains(Self.vcf) && !log.stdout.contains(CohortCLITests.auditKey))
            let v = try runOnco(["audit", "verify", "--db", db], environment: audit)
            #expect(v.status == 0 && v.stdout.contains("audit log intact") && v.stdout.contains("MACs valid"), "\(v.stdout)")
        }
    }

    static let idh1 = RepoPaths.fixture("recommendation/cases/aml_idh1_r132h.grch38.vep.vcf").path

    /// The counts a recommendation shows (warehouse and cohort patients, each arm's patients and deaths, the model's lines
    /// and deaths, neighbours treated, numbers at risk under its curves), read back from the rendered `format`.
    static func recommendCounts(_ out: String, format: String) throws -> [Int] {
        if format == "json" {
            let keys: Set<String> = ["patients", "events", "cohort_patients", "model_lines", "model_events", "neighbours_treated"]
            var xs: [Int] = []
            func walk(_ v: Any, _ key: String?) {
                if let d = v as? [String: Any] { for (k, x) in d { walk(x, k) } }
                else if let a = v as? [Any] { for x in a { walk(x, key) } }
                else if let key, keys.contains(key), let n = v as? Int { xs.append(n) }
            }
            walk(try JSONSerialization.jsonObject(with: Data(out.utf8)), nil)
            return xs
        }
        var text = out, xs: [Int] = []
        if format == "html" {
            for svg in out.components(separatedBy: "<svg").dropFirst() { xs += ShownCounts.kaplanMeierSections("<svg" + svg).flatMap(\.counts) }
            text = ShownCounts.htmlText(out.replacingOccurrences(of: "(?s)<svg.*?</svg>", with: "", options: .regularExpression))
        }
        return xs + ShownCounts.numbers(in: text, before: ["patients", "deaths", "lines"])
            + ShownCounts.numbers(in: text, after: ["n ", "given to ", "(n "])
    }

    /// The counts of `onco similar`'s summary (and the patients indexed), read back from text or JSON.
    static func similarCounts(_ out: String, format: String) throws -> [Int] {
        if format == "json" {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            var xs: [Int] = []
            func walk(_ v: Any) {
                if let d = v as? [String: Any] { for (_, x) in d { walk(x) } } else if let n = v as? Int { xs.append(n) }
            }
            var summary = try #require(o["summary"] as? [String: Any])
            summary["minimumCount"] = nil
            summary["medianOverallSurvivalMonths"] = nil
            walk(summary)
            if let indexed = (o["index"] as? [String: Any])?["patients"] as? String, let n = ShownCounts.integer(indexed) { xs.append(n) }
            return xs
        }
        let lines = out.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Summary of the ") }) else { return [] }
        var xs = ShownCounts.numbers(in: lines[start], after: ["Summary of the "]) + ShownCounts.numbers(in: out, before: ["patients indexed"])
        for l in lines[(start + 1)...] {
            if l.isEmpty { break }
            if let r = l.range(of: ": ", options: .backwards), let n = ShownCounts.integer(String(l[r.upperBound...])) { xs.append(n) }
        }
        return xs
    }

    @Test("recommend's real-world evidence and similar's summary on the governed TCGA warehouse, every format: no count 1–4 shown or derivable by subtraction")
    func smallCellsInRecommendAndSimilar() throws {
        for (db, base, _) in try Self.databases() {
            let audit = base.merging(CohortCLITests.audit) { _, n in n }
            let admin = base.merging(CohortCLITests.admin) { _, n in n }
            #expect(try runOnco(["warehouse", "import", Self.study, "--db", db], environment: base).status == 0)
            #expect(try runOnco(["project", "keys", "init", "--db", db], environment: admin).status == 0)
            #expect(try runOnco(["project", "add-purpose", "--db", db, "--id", "TB-HN", "--board", "Head and neck tumour board", "--approved-by", "Dr A. Chair",
                                 "--outputs", "aggregates,neighbours", "--tumour-types", "*", "--expires", "2099-12-31"], environment: admin).status == 0)
            // the IDH1 case (4 of the 507 HNSC patients carry IDH1 mutations) and a TP53 case, as HNSC
            for vcf in [Self.idh1, Self.vcf] {
                for format in ["text", "markdown", "html", "json"] {
                    let r = try runOnco(["recommend", "--kb", Self.kb, "--vcf", vcf, "--tumor-type", "HNSC", "--db", db, "--purpose", "TB-HN", "--all",
                                         "--format", format], environment: audit)
                    #expect(r.status == 0, "\(format): \(r.stderr)")
                    let counts = try Self.recommendCounts(r.stdout, format: format)
                    // the 1123 warehouse patients are shown as 1125; for the TP53 case its real-world cohort (TP53 R248Q in the HNSC
                    // family) and both arms are read back too (the IDH1 case's therapies rest on other tumour types: not assessed)
                    #expect(counts.contains(1125) && !counts.contains(1123), "\(format): \(counts)")
                    #expect(counts.count >= (vcf == Self.vcf ? 6 : 1), "\(format): only \(counts) read back")
                    #expect(ShownCounts.smallCounts(counts).isEmpty, "\(format) shows small counts \(ShownCounts.smallCounts(counts))")
                    #expect(ShownCounts.smallDifferences(counts).isEmpty, "\(format): counts whose difference is 1–4: \(ShownCounts.smallDifferences(counts).prefix(5))")
                }
                for format in ["text", "json"] {
                    let r = try runOnco(["similar", "--vcf", vcf, "--tumor-type", "HNSC", "--db", db, "--k", "50", "--purpose", "TB-HN", "--format", format],
                                        environment: audit)
                    #expect(r.status == 0, "\(format): \(r.stderr)")
                    let counts = try Self.similarCounts(r.stdout, format: format)
                    #expect(counts.contains(50) && counts.contains(1125) && counts.count >= 5, "\(format): \(counts)")
                    #expect(ShownCounts.smallCounts(counts).isEmpty, "similar \(format) shows small counts \(ShownCounts.smallCounts(counts))")
                    #expect(ShownCounts.smallDifferences(counts).isEmpty, "similar \(format): \(ShownCounts.smallDifferences(counts).prefix(5))")
                }
            }
        }
    }

    @Test("keys rotate: later entries under the new key, the rotation audited; audit verify across it with the retired key or without")
    func auditKeyRotation() throws {
        for (db, base, dir) in try Self.databases() {
            let audit = base.merging(CohortCLITests.audit) { _, n in n }
            let admin = base.merging(CohortCLITests.admin) { _, n in n }
            #expect(try runOnco(["warehouse", "import", Self.study, "--db", db], environment: base).status == 0)
            #expect(try runOnco(["project", "keys", "init", "--db", db], environment: admin).status == 0)
            let retiredFile = dir.appendingPathComponent("retired.key")
            try CohortCLITests.auditKey.write(to: retiredFile, atomically: true, encoding: .utf8)
            let newKey = "cli-new-audit-key-13579bdf2468ace013579bdf"
            let newKeyFile = dir.appendingPathComponent("new.key")
            try newKey.write(to: newKeyFile, atomically: true, encoding: .utf8)
            #expect(try runOnco(["audit", "checkpoint", "--db", db, "-o", dir.appendingPathComponent("before.json").path], environment: audit).status == 0)
            // without the administrator key, or without the new key: refused
            let noAdmin = try runOnco(["project", "keys", "rotate", "--db", db], environment: audit.merging(["ONCO_NEW_AUDIT_KEY_FILE": newKeyFile.path]) { _, n in n })
            #expect(noAdmin.status == 77 && noAdmin.stderr.contains("administrator key"), "\(noAdmin.stderr)")
            let noNew = try runOnco(["project", "keys", "rotate", "--db", db], environment: admin)
            #expect(noNew.status == 77 && noNew.stderr.contains("ONCO_NEW_AUDIT_KEY"), "\(noNew.stderr)")
            let r = try runOnco(["project", "keys", "rotate", "--db", db], environment: admin.merging(["ONCO_NEW_AUDIT_KEY_FILE": newKeyFile.path]) { _, n in n })
            #expect(r.status == 0 && r.stdout.contains("audit key rotated"), "\(r.stderr)")
            #expect(!r.stdout.contains(newKey) && !r.stderr.contains(newKey))
            // the retired key no longer queries; the new one does
            let stale = try runOnco(["warehouse", "stats", "--db", db, "--project", "none"], environment: audit)
            #expect(stale.status == 77 && stale.stderr.contains("not this warehouse's"), "\(stale.stderr)")
            let fresh = ["ONCO_AUDIT_KEY": newKey].merging(base) { a, _ in a }
            let f = try runOnco(["warehouse", "stats", "--db", db, "--project", "none"], environment: fresh)
            #expect(f.status == 77 && f.stderr.contains("not a registered project"), "\(f.stderr)")
            let log = try runOnco(["audit", "log", "--db", db])
            #expect(log.stdout.contains("\tkeys.rotate\t") && !log.stdout.contains(newKey))
            // verify with the new key: intact, the old period vouched for by the chain; with the retired key: every MAC
            let v = try runOnco(["audit", "verify", "--db", db], environment: fresh)
            #expect(v.status == 0 && v.stdout.contains("audit log intact") && v.stdout.contains("MACs valid for entries") && v.stdout.contains("retired at entry"),
                    "\(v.stdout)")
            let all = try runOnco(["audit", "verify", "--db", db, "--retired-audit-key-file", retiredFile.path,
                                   "--checkpoint", dir.appendingPathComponent("before.json").path], environment: fresh)
            #expect(all.status == 0 && all.stdout.contains("MACs valid from entry") && all.stdout.contains("(2 audit keys)"), "\(all.stdout)")
            let old = try runOnco(["audit", "verify", "--db", db], environment: audit)
            #expect(old.status == 1 && old.stdout.contains("was retired at entry"), "\(old.stdout)")
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
