import Foundation
import Testing
import _TestSupport

/// `onco similar` and `onco warehouse index` end to end, through the built binary, on a small synthetic
/// warehouse (SQLite, and PostgreSQL when ONCO_TEST_POSTGRES_URL is set) and on the real TCGA subset.
@Suite("onco similar CLI", .serialized)
struct SimilarCLITests {
    /// A real TCGA breast tumour (TCGA-A2-A04W, VEP-annotated by PCGR): PIK3CA p.H1047R and TP53 p.V272M.
    static let vcf = RepoPaths.fixture("genomics/hts/pcgr-tumor_sample.BRCA.pcgr.vcf.gz").path
    static let study = RepoPaths.fixture("warehouse/tcga_subset").path

    /// (`--db`, environment): a SQLite file, and PostgreSQL in a fresh schema when configured; the
    /// environment points the index cache (used for PostgreSQL) at a temporary folder.
    static func databases() throws -> [(db: String, env: [String: String])] {
        let dir = try makeTemporaryDirectory("onco-cli-sim")
        let env = ["ONCO_CACHE_DIR": dir.appendingPathComponent("cache").path, "ONCO_PSEUDONYM_KEY": "cli-similar-key-0123456789abcdef"]
        var dbs = [(dir.appendingPathComponent("w.sqlite").path, env)]
        let e = ProcessInfo.processInfo.environment
        if let url = e["ONCO_TEST_POSTGRES_URL"], !url.isEmpty {
            dbs.append((url + (url.contains("?") ? "&" : "?") + "schema=onco_sim_" + UUID().uuidString.prefix(8).lowercased(), env))
        } else if e["ONCO_REQUIRE_POSTGRES"] == "1" {
            Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set")
        }
        return dbs
    }

    static func json(_ s: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
    }

    /// Every count of a summary is 0, at least `k`, or the string "<k".
    static func expectSuppressed(_ summary: [String: Any], minimum k: Int) {
        func check(_ v: Any, _ path: String) {
            if let n = v as? Int { #expect(n == 0 || n >= k, "\(path) = \(n) is a small cell shown exactly") }
            else if let s = v as? String { #expect(s == "<\(k)", "\(path) = \(s)") }
        }
        for field in ["sameTumourType", "deaths"] { check(summary[field] as Any, field) }
        for field in ["sharingAlteration", "treatedWith", "firstLineRegimens"] {
            for (name, v) in (summary[field] as? [String: Any]) ?? [:] { check(v, "\(field).\(name)") }
        }
    }

    @Test("similar: 50 pseudonymous neighbours with lines and outcomes, counts suppressed, SYNTHETIC everywhere")
    func similarOnSyntheticWarehouse() throws {
        for (db, env) in try Self.databases() {
            let s = try runOnco(["warehouse", "synth", "--patients", "3000", "--seed", "7", "--db", db], environment: env)
            #expect(s.status == 0, "\(s.stderr)")
            let built = try runOnco(["warehouse", "index", "--db", db], environment: env)
            #expect(built.status == 0, "\(built.stderr)")
            #expect(built.stdout.contains("built (no index at the path)") && built.stdout.contains("SYNTHETIC"), "\(built.stdout)")
            let again = try runOnco(["warehouse", "index", "--db", db], environment: env)
            #expect(again.stdout.contains(": current"), "\(again.stdout)")

            let r = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--age", "55", "--sex", "female", "--stage", "IIA",
                                 "--prior-lines", "0", "--db", db, "--format", "json"], environment: env)
            #expect(r.status == 0, "\(r.stderr)")
            let out = try Self.json(r.stdout)
            #expect(out["synthetic"] as? Bool == true)
            #expect((out["notice"] as? String)?.contains("SYNTHETIC") == true)
            #expect((out["warehouse"] as? [String: String])?["data"] == "SYNTHETIC")
            #expect((out["index"] as? [String: String])?["provenance"] == "loaded")
            let profile = try #require(out["caseProfile"] as? [String: [String]])
            #expect(profile["alterations"]?.contains("PIK3CA p.H1047R") == true)
            #expect(profile["hotspotGenes"]?.contains("PIK3CA") == true)
            let ns = try #require(out["neighbours"] as? [[String: Any]])
            #expect(ns.count == 50)
            let sims = ns.compactMap { $0["similarity"] as? Double }
            #expect(sims.count == 50 && zip(sims, sims.dropFirst()).allSatisfy { $0 >= $1 })
            #expect(ns.allSatisfy { ($0["key"] as? String)?.hasPrefix("SYN") == true })
            // The synthetic cohort gives PIK3CA p.H1047R to ~2.7% of patients (BRCA): the neighbours carry it.
            let sharing = ns.filter { (($0["sharedAlterations"] as? [String]) ?? []).contains("PIK3CA p.H1047R") }.count
            // A neighbour sharing the allele shares the gene, and the explanation names the allele's gene.
            #expect(ns.allSatisfy { n in
                !((n["sharedAlterations"] as? [String]) ?? []).contains("PIK3CA p.H1047R")
                    || ((n["sharedHotspotGenes"] as? [String]) ?? []).contains("PIK3CA")
            })
            #expect(sharing > 25, "only \(sharing) of 50 neighbours share PIK3CA p.H1047R")
            // With exact alterations weighted above genes (issue 6), the neighbours carry the allele itself.
            #expect(sharing >= 45, "only \(sharing) of 50 neighbours share PIK3CA p.H1047R")
            #expect(ns.allSatisfy { ($0["lines"] as? [[String: Any]])?.isEmpty == false })
            #expect(ns.allSatisfy { ($0["outcome"] as? [String: Any])?["overallSurvivalMonths"] is Double })
            let summary = try #require(out["summary"] as? [String: Any])
            #expect(summary["neighbours"] as? Int == 50 && summary["minimumCount"] as? Int == 5)
            // The summary counts what the rows show.
            #expect((summary["sharingAlteration"] as? [String: Any])?["PIK3CA p.H1047R"] as? Int == sharing)
            Self.expectSuppressed(summary, minimum: 5)

            let t = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db, "--k", "5"], environment: env)
            #expect(t.status == 0, "\(t.stderr)")
            #expect(t.stdout.hasPrefix("SYNTHETIC DATA") && t.stdout.hasSuffix("nothing here describes a real person.\n"))
            #expect(t.stdout.contains("Neighbours (SYNTHETIC)"))
            #expect(t.stdout.contains("  1  SYN") && t.stdout.contains("line 1:") && t.stdout.contains("OS "))
            // k = 5 neighbours: every non-zero count of the summary is below 5 and shown as <5.
            #expect(t.stdout.contains("same tumour type: <5") || t.stdout.contains("same tumour type: 0") || t.stdout.contains("same tumour type: 5"))
            let exact = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db, "--k", "5", "--min-count", "0",
                                     "--format", "json"], environment: env)
            #expect(exact.status == 0, "\(exact.stderr)")
            let es = try #require(try Self.json(exact.stdout)["summary"] as? [String: Any])
            #expect(es["sameTumourType"] is Int)
        }
    }

    @Test("an import into a warehouse with an index updates it incrementally: same content as a rebuild")
    func importUpdatesTheIndex() throws {
        for (db, env) in try Self.databases() {
            #expect(try runOnco(["warehouse", "synth", "--patients", "1500", "--seed", "1", "--db", db], environment: env).status == 0)
            #expect(try runOnco(["warehouse", "index", "--db", db], environment: env).status == 0)
            let s2 = try runOnco(["warehouse", "synth", "--patients", "700", "--seed", "2", "--db", db], environment: env)
            #expect(s2.status == 0, "\(s2.stderr)")
            #expect(s2.stdout.contains("updated incrementally (700 upserted, 0 removed; 2200 patients)"), "\(s2.stdout)")
            let inc = try Self.json(try runOnco(["warehouse", "index", "--db", db, "--format", "json"], environment: env).stdout)
            #expect(inc["action"] as? String == "current")
            let other = try makeTemporaryDirectory("onco-cli-sim-rebuild").appendingPathComponent("r.simidx").path
            let re = try Self.json(try runOnco(["warehouse", "index", "--db", db, "--index", other, "--rebuild", "--format", "json"],
                                               environment: env).stdout)
            #expect(re["action"] as? String == "built (--rebuild)")
            #expect(inc["digest"] as? String == re["digest"] as? String)
            #expect(inc["patients"] as? Int == 2200)
            // The same dataset again changes nothing (and leaves the index alone).
            let same = try runOnco(["warehouse", "synth", "--patients", "700", "--seed", "2", "--db", db], environment: env)
            #expect(same.stdout.hasPrefix("unchanged") && !same.stdout.contains("similarity index"))
        }
    }

    @Test("a real warehouse: no SYNTHETIC marker, --min-count below 5 refused, small counts suppressed")
    func realWarehouse() throws {
        let (db, env) = try Self.databases()[0]
        #expect(try runOnco(["warehouse", "import", Self.study, "--db", db], environment: env).status == 0)
        // a real warehouse is governed: a tumour board registered by the administrator lists neighbours
        let admin = env.merging(CohortCLITests.admin) { _, n in n }, audit = env.merging(CohortCLITests.audit) { _, n in n }
        #expect(try runOnco(["project", "keys", "init", "--db", db], environment: admin).status == 0)
        #expect(try runOnco(["project", "add-purpose", "--db", db, "--id", "TB-BR", "--board", "Breast tumour board", "--approved-by", "Dr B, chair",
                             "--outputs", "neighbours,aggregates", "--tumour-types", "*", "--expires", "2099-12-31"], environment: admin).status == 0)
        let r = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db, "--k", "20", "--format", "json", "--purpose", "TB-BR"],
                            environment: audit)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try Self.json(r.stdout)
        #expect(out["synthetic"] as? Bool == false && out["notice"] == nil && !r.stdout.contains("SYNTHETIC"))
        #expect((out["index"] as? [String: String])?["provenance"] == "built (no index at the path)")
        let ns = try #require(out["neighbours"] as? [[String: Any]])
        #expect(ns.count == 20 && ns.allSatisfy { ($0["key"] as? String)?.count == 32 })   // pseudonyms, not TCGA barcodes
        #expect(!r.stdout.contains("TCGA-"))
        Self.expectSuppressed(try #require(out["summary"] as? [String: Any]), minimum: 5)
        let refused = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db, "--min-count", "0", "--purpose", "TB-BR"],
                                  environment: audit)
        #expect(refused.status == 77 && refused.stderr.contains("cannot be lowered below the warehouse's (5)"), "\(refused.stderr)")
    }

    @Test("--lenient: a malformed record is skipped and a note on stderr says so; strict, exit 1 naming the line")
    func lenientNote() throws {
        let (db, env) = try Self.databases()[0]
        let s = try runOnco(["warehouse", "synth", "--patients", "500", "--seed", "3", "--db", db], environment: env)
        #expect(s.status == 0, "\(s.stderr)")
        // Tests/Fixtures/genomics/bad/alt_empty.vcf: CASP8 passenger on line 17, BRAF V600E with an empty ALT on line 18.
        let bad = RepoPaths.fixture("genomics/bad/alt_empty.vcf").path
        let args = ["similar", "--vcf", bad, "--tumor-type", "SKCM", "--db", db, "--k", "5", "--format", "json"]
        let strict = try runOnco(args, environment: env)
        #expect(strict.status == 1 && strict.stderr.contains(#"alt_empty.vcf: line 18: ALT "" is empty"#), "\(strict.stderr)")
        #expect(strict.stdout.isEmpty)
        let lenient = try runOnco(args + ["--lenient"], environment: env)
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains(#"onco: note: 1 malformed VCF record skipped (--lenient): line 18: ALT "" is empty"#),
                "\(lenient.stderr)")
        let out = try Self.json(lenient.stdout)
        // The profile is the passenger's alone: the skipped BRAF record is not in it.
        let alterations = try #require((out["caseProfile"] as? [String: [String]])?["alterations"])
        #expect(alterations.contains { $0.hasPrefix("CASP8") } && !alterations.contains { $0.hasPrefix("BRAF") }, "\(alterations)")
        #expect((out["neighbours"] as? [[String: Any]])?.count == 5)
    }

    @Test("bad input: exit 64 for bad options, exit 1 naming the file for an unreadable VCF")
    func badInput() throws {
        let (db, env) = try Self.databases()[0]
        let k0 = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db, "--k", "0"], environment: env)
        #expect(k0.status == 64 && k0.stderr.contains("--k must be between 1 and 10000"))
        let sex = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db, "--sex", "x"], environment: env)
        #expect(sex.status == 64)
        let type = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCAX", "--db", db], environment: env)
        #expect(type.status == 64 && type.stderr.contains("--tumor-type 'BRCAX' is not an OncoTree code"), "\(type.stderr)")
        let missing = try runOnco(["similar", "--vcf", "/nonexistent/case.vcf.gz", "--tumor-type", "BRCA", "--db", db], environment: env)
        #expect(missing.status == 1 && missing.stderr.contains("case.vcf.gz"), "\(missing.stderr)")
        #expect(try runOnco(["warehouse", "init", "--db", db], environment: env).status == 0)   // similar creates no warehouse
        // an empty warehouse is governed (it is not synthetic): refused without an authorisation …
        let governed = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db], environment: env)
        #expect(governed.status == 77 && governed.stderr.contains("governance is on"), "\(governed.status) \(governed.stderr)")
        // … and with one, exit 3: no patients
        let admin = env.merging(CohortCLITests.admin) { _, n in n }, audit = env.merging(CohortCLITests.audit) { _, n in n }
        #expect(try runOnco(["project", "keys", "init", "--db", db], environment: admin).status == 0)
        #expect(try runOnco(["project", "add-purpose", "--db", db, "--id", "TB", "--board", "Board", "--approved-by", "Chair", "--outputs", "neighbours,aggregates",
                             "--tumour-types", "*", "--expires", "2099-12-31"], environment: admin).status == 0)
        let empty = try runOnco(["similar", "--vcf", Self.vcf, "--tumor-type", "BRCA", "--db", db, "--purpose", "TB"], environment: audit)
        #expect(empty.status == 3 && empty.stderr.contains("no patients"), "\(empty.status) \(empty.stderr)")
    }
}
