import Foundation
import Testing
import _TestSupport

/// Issue #21 point 7 end to end: `onco warehouse import` reads a study's `data_CNA.txt` and `data_sv.txt`
/// (the synthetic Tests/Fixtures/warehouse/cna_sv_study), and `onco recommend --db` finds the amplified
/// or fused warehouse patients in the real-world cohort of an ERBB2-amplified or EML4::ALK case.
@Suite(.serialized) struct AlterationWarehouseCLITests {
    let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path
    static let env = ["ONCO_PSEUDONYM_KEY": "cli-alteration-test-key-0123456789"]
    static let admin = ["ONCO_AUDIT_KEY": "cli-audit-key-fedcba9876543210fedcba9876", "ONCO_ADMIN_KEY": "cli-admin-key-0123456789abcdef0123456789"]
    func casePath(_ name: String) -> String { RepoPaths.fixture("recommendation/cases/\(name).vcf").path }
    func fx(_ name: String) -> String { RepoPaths.fixture("caseinputs/\(name)").path }

    /// The fixture imported into a fresh SQLite warehouse, governance off (as `CohortCLITests` does).
    func warehouse() throws -> String {
        let dir = try makeTemporaryDirectory("onco-cna-cli")
        let db = dir.appendingPathComponent("w.sqlite").path
        let r = try runOnco(["warehouse", "import", RepoPaths.fixture("warehouse/cna_sv_study").path, "--db", db], environment: Self.env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("copy number (data_CNA.txt): 30 amplifications (2) and 2 deep deletions (-2) over 5 genes x 60 samples"), "\(r.stdout)")
        #expect(r.stdout.contains("fusions (data_sv.txt): 14 from 18 rows"), "\(r.stdout)")
        #expect(try runOnco(["project", "keys", "init", "--db", db], environment: Self.admin).status == 0)
        #expect(try runOnco(["project", "governance", "off", "--db", db], environment: Self.admin).status == 0)
        return db
    }

    func realWorld(_ args: [String]) throws -> [[String: Any]] {
        // The warehouse keeps a keyed audit log: a read names its key (as every governed warehouse asks).
        let r = try runOnco(["recommend", "--kb", kb] + args + ["--format", "json"], environment: ["ONCO_AUDIT_KEY": Self.admin["ONCO_AUDIT_KEY"]!])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let therapies = try #require(obj["therapies"] as? [[String: Any]])
        return therapies.compactMap { $0["real_world"] as? [String: Any] }
    }

    @Test func erbb2AmplifiedAndEML4ALKCasesFindTheirWarehouseCohorts() throws {
        let db = try warehouse()
        // ERBB2 amplification (CNVkit file) in BRCA: B01-B30 of the BRCA family.
        let brca = try realWorld(["--vcf", casePath("brca_erbb2amp.grch37.vep"), "--tumor-type", "BRCA",
                                  "--cna-file", fx("brca_erbb2.cnvkit.cns"), "--db", db])
        let erbb2 = brca.filter { ($0["cohort"] as? String)?.contains("ERBB2 amplification") == true }
        #expect(!erbb2.isEmpty, "\(brca.map { $0["cohort"] ?? "-" })")
        for rw in erbb2 { #expect(rw["cohort_patients"] as? Int == 30, "\(rw["cohort"] ?? "-")") }
        // EML4::ALK (Arriba file) in LUAD: L01-L12 (12 patients, shown rounded to a multiple of 5).
        let luad = try realWorld(["--vcf", casePath("luad_no_driver.grch37.vep"), "--tumor-type", "LUAD",
                                  "--fusion-file", fx("luad_eml4_alk.arriba.tsv"), "--db", db])
        let alk = luad.filter { ($0["cohort"] as? String)?.contains("fusion") == true }
        #expect(!alk.isEmpty, "\(luad.map { $0["cohort"] ?? "-" })")
        for rw in alk { #expect(rw["cohort_patients"] as? Int == 10, "\(rw["cohort"] ?? "-")") }
    }
}
