import Foundation
import Testing
import _TestSupport

/// Issue #20 through the built binary: `onco cohort screen`, alteration sets and comma-safe `--where`.
@Suite("onco cohort screen / sets / --where CLI", .serialized)
struct CohortScreenCLITests {
    static let endpoint = ["--endpoint", "study", "--time-attribute", "OS_MONTHS", "--status-attribute", "OS_STATUS"]

    @Test("screen: every format, the volcano plot, governed")
    func screen() throws {
        let (dir, db) = try CohortCLITests.warehouse()
        for format in ["text", "markdown", "html", "json", "csv"] {
            let out = dir.appendingPathComponent("screen.\(format)").path
            var args = ["cohort", "screen", "--db", db, "--tumour-type", "GB", "--min-carriers", "10", "--format", format, "--out", out] + Self.endpoint
            if format == "html" { args += ["--volcano-plot", dir.appendingPathComponent("volcano.svg").path] }
            let r = try runOnco(args, environment: CohortCLITests.audit)
            #expect(r.status == 0, "\(format): \(r.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.contains("IDH1") && text.contains("TP53"), "\(format)")
        }
        let txt = try String(contentsOfFile: dir.appendingPathComponent("screen.text").path, encoding: .utf8)
        #expect(txt.contains("0.328"))   // R: IDH1 HR 0.3279 (tcga_screen_reference.json)
        let svg = try String(contentsOfFile: dir.appendingPathComponent("volcano.svg").path, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("log2 hazard ratio"))
        // governed: no project → refused, exit 77
        let (_, governed) = try CohortCLITests.warehouse(governed: true)
        let refused = try runOnco(["cohort", "screen", "--db", governed, "--tumour-type", "GB"] + Self.endpoint, environment: CohortCLITests.audit)
        #expect(refused.status == 77, "\(refused.stderr)")
    }

    @Test("sets and --where: a set grouping, a quoted comma value, an unmatched value names close matches")
    func setsAndWhere() throws {
        let (_, db) = try CohortCLITests.warehouse()
        let set = try runOnco(["cohort", "run", "--db", db, "--tumour-type", "GB", "--group-by", "mutation:IDH1|IDH2", "--adjust", "age"] + Self.endpoint,
                              environment: CohortCLITests.audit)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("IDH1|IDH2 altered") && set.stdout.contains("Members of the set") && set.stdout.contains("0.571"))
        let quoted = try runOnco(["cohort", "run", "--db", db, "--where", "CANCER_TYPE_DETAILED=\"Glioblastoma, IDH-Wildtype\""] + Self.endpoint,
                                 environment: CohortCLITests.audit)
        #expect(quoted.status == 0, "\(quoted.stderr)")
        let split = try runOnco(["cohort", "run", "--db", db, "--where", "CANCER_TYPE_DETAILED=Glioblastoma, IDH-Wildtype"] + Self.endpoint,
                                environment: CohortCLITests.audit)
        #expect(split.status == 1)
        #expect(split.stderr.contains("--where CANCER_TYPE_DETAILED") && split.stderr.contains("\"Glioblastoma\" matches no patient")
                && split.stderr.contains("Glioblastoma, IDH-Wildtype"), "\(split.stderr)")
        // a value held by 2 patients ("Metastatic") is never named as a close match
        let rare = try runOnco(["cohort", "run", "--db", db, "--where", "SAMPLE_TYPE=Metastasis"] + Self.endpoint, environment: CohortCLITests.audit)
        #expect(rare.status == 1 && !rare.stderr.contains("Metastatic") && rare.stderr.contains("not named"), "\(rare.stderr)")
    }

    @Test("a population selected by a set (--altered 'A|B'), and a set screen's members")
    func populationSetsAndScreenMembers() throws {
        let (dir, db) = try CohortCLITests.warehouse()
        // IDH-mutant glioblastoma by sex (R: 26 patients, HR male 2.843, tcga_population_sets_reference.json)
        let pop = try runOnco(["cohort", "run", "--db", db, "--tumour-type", "GB", "--altered", "IDH1|IDH2", "--group-by", "sex", "--adjust", "age"] + Self.endpoint,
                              environment: CohortCLITests.audit)
        #expect(pop.status == 0, "\(pop.stderr)")
        #expect(pop.stdout.contains("IDH1|IDH2 altered (any of IDH1, IDH2)") && pop.stdout.contains("2.843"), "\(pop.stdout)")
        let sets = dir.appendingPathComponent("sets.tsv")
        try "IDH\tIDH1,IDH2\n".write(to: sets, atomically: true, encoding: .utf8)
        let screen = try runOnco(["cohort", "screen", "--db", db, "--tumour-type", "GB", "--alteration-sets", sets.path, "--screen-sets", "IDH",
                                  "--format", "json"] + Self.endpoint, environment: CohortCLITests.audit)
        #expect(screen.status == 0, "\(screen.stderr)")
        #expect(screen.stdout.contains("\"member\" : \"IDH2\"") && screen.stdout.contains("\"carriers\" : \"<5\""), "\(screen.stdout)")
    }
}
