import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import _TestSupport

/// `onco survival km|logrank|cox` run as the built binary: results against the R references,
/// cBioPortal-style input, errors with line and column, golden text and SVG outputs.
/// `RECORD_GOLDEN=1 swift test` rewrites the golden files (and fails, so the diff gets reviewed).
@Suite struct SurvivalCLITests {
    static let fixtures = RepoPaths.fixture("survival")

    /// Runs onco in the fixture folder so that paths in the output are relative.
    static func onco(_ args: [String], in dir: URL = fixtures) throws -> ProcessResult {
        try runOnco(["survival"] + args, currentDirectory: dir)
    }

    static func json(_ s: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(s.utf8)) as! [String: Any]
    }

    static func reference(_ path: String) throws -> [String: Any] {
        try json(String(contentsOf: fixtures.appendingPathComponent("reference/\(path)"), encoding: .utf8))
    }

    static func doubles(_ any: Any?) -> [Double] {
        (any as? [Any])?.map { ($0 as? NSNumber)?.doubleValue ?? .nan } ?? []
    }

    static func expectClose(_ a: [Double], _ b: [Double], rel: Double, _ what: String) {
        #expect(a.count == b.count, "\(what): length \(a.count) vs \(b.count)")
        for (x, y) in zip(a, b) {
            if y.isNaN { #expect(x.isNaN, "\(what)") } else { #expect(isClose(x, y, rel: rel, abs: 1e-14), "\(what): \(x) vs R \(y)") }
        }
    }

    /// Compares with (or, under RECORD_GOLDEN=1, rewrites) Tests/Fixtures/survival/golden/<name>.
    static func assertGolden(_ text: String, _ name: String) throws {
        let url = fixtures.appendingPathComponent("golden/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded golden \(name); review the diff and run again without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "output differs from golden/\(name)")
    }

    // MARK: results against R

    @Test func kaplanMeierJSONMatchesR() throws {
        let r = try Self.onco(["km", "--input", "data/lung.csv", "--group", "sex", "--rmst", "730", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try Self.json(r.stdout)
        let ref = try Self.reference("lung/km__sex.json")
        let curves = out["curves"] as! [[String: Any]], rc = ref["curves"] as! [[String: Any]]
        #expect(curves.count == 2)
        for (c, k) in zip(curves, rc) {
            #expect("sex=" + (c["group"] as! String) == k["strata"] as! String)
            Self.expectClose(Self.doubles(c["time"]), Self.doubles(k["time"]), rel: 0, "time")
            Self.expectClose(Self.doubles(c["n_risk"]), Self.doubles(k["n_risk"]), rel: 0, "n_risk")
            Self.expectClose(Self.doubles(c["survival"]), Self.doubles(k["surv"]), rel: 1e-12, "survival")
            Self.expectClose(Self.doubles(c["std_err"]), Self.doubles(k["std_err_logsurv"]), rel: 1e-12, "std_err")
            let ci = (k["ci95"] as! [String: Any])["log"] as! [String: Any]
            Self.expectClose(Self.doubles(c["lower"]), Self.doubles(ci["lower"]), rel: 1e-12, "lower")
            Self.expectClose(Self.doubles(c["upper"]), Self.doubles(ci["upper"]), rel: 1e-12, "upper")
            let q = (k["quantiles"] as! [String: Any])["log"] as! [String: Any]
            Self.expectClose([c["median"], c["median_lower"], c["median_upper"]].map { ($0 as? NSNumber)?.doubleValue ?? .nan },
                             [1, 1, 1].enumerated().map { Self.doubles(q[["quantile", "lower", "upper"][$0.offset]])[1] }, rel: 1e-12, "median")
            let rm = k["rmst"] as! [String: Any]
            Self.expectClose([(c["rmst"] as! NSNumber).doubleValue, (c["rmst_se"] as! NSNumber).doubleValue],
                             [(rm["rmean"] as! NSNumber).doubleValue, (rm["se_rmean"] as! NSNumber).doubleValue], rel: 1e-12, "rmst")
        }
    }

    @Test func logRankJSONMatchesR() throws {
        for rho in ["0", "1"] {
            let r = try Self.onco(["logrank", "--input", "data/veteran.csv", "--group", "trt", "--strata", "celltype",
                                   "--rho", rho, "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            let out = try Self.json(r.stdout)
            let ref = try Self.reference("veteran/logrank__trt_strata_celltype.json")[rho == "0" ? "rho0_logrank" : "rho1_peto_peto"] as! [String: Any]
            Self.expectClose([(out["chisq"] as! NSNumber).doubleValue], [(ref["chisq"] as! NSNumber).doubleValue], rel: 1e-12, "chisq")
            Self.expectClose([(out["p"] as! NSNumber).doubleValue], [(ref["p"] as! NSNumber).doubleValue], rel: 1e-10, "p")
            #expect(out["df"] as? Int == 1)
            let groups = out["groups"] as! [[String: Any]]
            Self.expectClose(groups.map { ($0["observed"] as! NSNumber).doubleValue }, Self.doubles(ref["obs"]), rel: 1e-12, "obs")
            Self.expectClose(groups.map { ($0["expected"] as! NSNumber).doubleValue }, Self.doubles(ref["exp"]), rel: 1e-12, "exp")
        }
    }

    @Test func coxJSONMatchesR() throws {
        let r = try Self.onco(["cox", "--input", "data/lung.csv", "--covariates", "age,ph_ecog,sex", "--categorical", "ph_ecog",
                               "--format", "json", "--zph"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try Self.json(r.stdout)
        let ref = try Self.reference("lung/cox__age_ecogfactor_sex__efron.json")
        let terms = out["terms"] as! [[String: Any]]
        // R orders terms as the formula age + factor(ph_ecog) + sex
        #expect(terms.map { $0["name"] as! String } == ["age", "ph_ecog=1", "ph_ecog=2", "ph_ecog=3", "sex"])
        Self.expectClose(terms.map { ($0["coef"] as! NSNumber).doubleValue }, Self.doubles(ref["coef"]), rel: 1e-10, "coef")
        Self.expectClose(terms.map { ($0["se"] as! NSNumber).doubleValue }, Self.doubles(ref["se"]), rel: 1e-10, "se")
        Self.expectClose(terms.map { ($0["p"] as! NSNumber).doubleValue }, Self.doubles(ref["p"]), rel: 1e-10, "p")
        Self.expectClose(terms.map { ($0["lower"] as! NSNumber).doubleValue }, Self.doubles(ref["hr_lower95"]), rel: 1e-10, "lower")
        #expect(out["n"] as? Int == 227 && out["events"] as? Int == 164 && out["n_dropped_missing"] as? Int == 1)
        #expect(out["iterations"] as? Int == (ref["iter"] as! Int))
        Self.expectClose([(out["loglik"] as! NSNumber).doubleValue], [(ref["loglik_final"] as! NSNumber).doubleValue], rel: 1e-10, "loglik")
        let lrt = out["likelihood_ratio"] as! [String: Any], rlrt = ref["lr_test"] as! [String: Any]
        Self.expectClose([(lrt["statistic"] as! NSNumber).doubleValue], [(rlrt["stat"] as! NSNumber).doubleValue], rel: 1e-9, "LR")
        let conc = out["concordance"] as! [String: Any], rconc = ref["concordance"] as! [String: Any]
        Self.expectClose([(conc["c"] as! NSNumber).doubleValue, (conc["se"] as! NSNumber).doubleValue],
                         [(rconc["C"] as! NSNumber).doubleValue, (rconc["se"] as! NSNumber).doubleValue], rel: 1e-12, "concordance")
        let zph = out["zph"] as! [String: Any]
        let rz = (try Self.reference("lung/zph__age_ecogfactor_sex__efron.json"))["km"] as! [String: Any]
        let zchi = (zph["terms"] as! [[String: Any]]).map { ($0["chisq"] as! NSNumber).doubleValue }
            + [((zph["global"] as! [String: Any])["chisq"] as! NSNumber).doubleValue]
        Self.expectClose(zchi, Self.doubles(rz["chisq"]), rel: 1e-10, "zph")
    }

    @Test func coxStrataAndTiesOptions() throws {
        let r = try Self.onco(["cox", "--input", "data/rossi.csv", "--covariates", "fin,age,race,wexp,mar,paro,prio",
                               "--ties", "exact", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = try Self.reference("rossi/cox__full__exact.json")
        let terms = try Self.json(r.stdout)["terms"] as! [[String: Any]]
        Self.expectClose(terms.map { ($0["coef"] as! NSNumber).doubleValue }, Self.doubles(ref["coef"]), rel: 1e-10, "exact coef")
        let s = try Self.onco(["cox", "--input", "data/veteran.csv", "--covariates", "trt,karno,age", "--strata", "celltype",
                               "--ties", "breslow", "--format", "json"])
        let sref = try Self.reference("veteran/cox__strata_celltype__breslow.json")
        let sterms = try Self.json(s.stdout)["terms"] as! [[String: Any]]
        Self.expectClose(sterms.map { ($0["coef"] as! NSNumber).doubleValue }, Self.doubles(sref["coef"]), rel: 1e-10, "strata coef")
    }

    // MARK: input formats

    /// A cBioPortal clinical file: `#` metadata lines, tab-separated, OS_STATUS as 1:DECEASED / 0:LIVING,
    /// `[Not Available]` and NA as missing. Synthetic values.
    static let cbioportal = """
        #Patient Identifier\tOverall Survival Status\tOverall Survival (Months)\tArm
        #Identifier\tStatus\tMonths\tArm
        #STRING\tSTRING\tNUMBER\tSTRING
        #1\t1\t1\t1
        PATIENT_ID\tOS_STATUS\tOS_MONTHS\tARM
        P01\t1:DECEASED\t3.2\tA
        P02\t0:LIVING\t10.5\tA
        P03\t1:DECEASED\t5.0\tB
        P04\t1:DECEASED\t[Not Available]\tB
        P05\t0:LIVING\t12.0\tB
        P06\t1:DECEASED\t7.5\tA
        P07\t[Not Available]\t8.0\tA
        P08\t1:DECEASED\t2.0\tB
        P09\t0:LIVING\t4.4\tNA
        P10\t1:DECEASED\t9.1\tB

        """

    @Test func readsCBioPortalClinicalFiles() throws {
        let dir = try makeTemporaryDirectory("onco-survival-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.cbioportal.write(to: dir.appendingPathComponent("data_clinical_patient.txt"), atomically: true, encoding: .utf8)
        let r = try Self.onco(["km", "--input", "data_clinical_patient.txt", "--time", "OS_MONTHS", "--event", "OS_STATUS",
                               "--group", "ARM", "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try Self.json(r.stdout)
        #expect(out["n"] as? Int == 7)
        #expect(out["n_dropped_missing"] as? Int == 3)
        let curves = out["curves"] as! [[String: Any]]
        #expect(curves.map { $0["group"] as! String } == ["A", "B"])
        // A: 3.2 (event), 7.5 (event), 10.5 (censored) → S = 2/3, 1/3
        Self.expectClose(Self.doubles(curves[0]["survival"]), [2.0 / 3, 1.0 / 3, 1.0 / 3], rel: 1e-15, "arm A")
        let t = try Self.onco(["logrank", "--input", "data_clinical_patient.txt", "--time", "OS_MONTHS", "--event", "OS_STATUS",
                               "--group", "ARM"], in: dir)
        #expect(t.status == 0 && t.stdout.contains("7 rows used, 3 dropped for missing values"))
    }

    @Test func acceptsTrueFalseEventsAndQuotedCSV() throws {
        let dir = try makeTemporaryDirectory("onco-survival-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = "\"time\",\"dead\",\"arm\"\n1,TRUE,\"a, b\"\n2,FALSE,\"a, b\"\n3,true,c\n4,F,c\n"
        try csv.write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let r = try Self.onco(["km", "--input", "d.csv", "--event", "dead", "--group", "arm", "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let curves = try Self.json(r.stdout)["curves"] as! [[String: Any]]
        #expect(curves.map { $0["group"] as! String } == ["a, b", "c"])
        #expect(curves.map { $0["events"] as! Int } == [1, 1])
    }

    // MARK: errors

    static func failing(_ csv: String, _ args: [String]) throws -> ProcessResult {
        let dir = try makeTemporaryDirectory("onco-survival-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try csv.write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        return try Self.onco(args + ["--input", "bad.csv"], in: dir)
    }

    @Test(arguments: [
        ("time,event\n1,1\nabc,0\n3,1\n", ["km"], "bad.csv line 3, column 'time': value 'abc' is not a number"),
        ("time,event\n1,1\n-2,0\n3,1\n", ["km"], "bad.csv line 3, column 'time': time is negative"),
        ("time,event\n1,1\n2,2\n3,1\n", ["km"], "bad.csv line 3, column 'event': unknown event value"),
        ("time,event\n1,1\n2,maybe\n", ["km"], "bad.csv line 3, column 'event': unknown event value"),
        ("time,event\n1,1\n2,0\n", ["km", "--group", "arm"], "bad.csv, column 'arm': unknown column; the header has: time, event"),
        ("time,event\n1,1\nNA,0\n", ["km"], "bad.csv: too few rows: 1 complete row (1 dropped for missing values), at least 2 needed"),
        ("time,event,g\n1,1,a\n2,0,a\n", ["logrank", "--group", "g"], "bad.csv, column 'g': only one group among the complete rows"),
        ("time,event,x\n1,1,2\n2,0,oops\n3,1,1\n", ["cox", "--covariates", "x,y"], "bad.csv, column 'y': unknown column"),
        ("time,event\n1,1,9\n2,0\n", ["km"], "bad.csv line 2: 3 fields, the header has 2"),
        ("time,event\n1,1\ninf,0\n3,1\n", ["km"], "bad.csv line 3, column 'time': value 'inf' is not a finite number"),
        ("time,event,x\n1,1,2\n2,0,3\n3,1,4\n4,0,x5\n", ["cox", "--covariates", "x"],
         "bad.csv line 5, column 'x': value 'x5' is not a number in a column that is otherwise numeric (3 of 4 values are numbers)"),
    ] as [(String, [String], String)])
    func badInputFailsWithLineAndColumn(csv: String, args: [String], message: String) throws {
        let r = try Self.failing(csv, args)
        #expect(r.status == 1, "exit status \(r.status)")
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty, "no partial output on failure")
    }

    /// A constant covariate: coef and se NA as in R's coxph, with the note in text and JSON
    /// (values against R in SurvivalTests/SurvivalInputTests, extra/aliased.json).
    @Test func constantCovariateIsNAInEveryFormat() throws {
        let args = ["cox", "--input", "extra/aliased.csv", "--covariates", "x,c01,z"]
        let text = try Self.onco(args)
        #expect(text.status == 0, "\(text.stderr)")
        let row = text.stdout.split(separator: "\n").first { $0.hasPrefix("c01 ") }
        #expect(row?.split(separator: " ").dropFirst().allSatisfy { $0 == "NA" } == true, "\(text.stdout)")
        #expect(text.stdout.contains("X matrix deemed to be singular; not estimable: c01"))
        let json = try Self.onco(args + ["--format", "json"])
        #expect(json.status == 0)
        let o = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let terms = o["terms"] as! [[String: Any]]
        #expect(terms[1]["name"] as? String == "c01")
        #expect(terms[1]["coef"] is NSNull && terms[1]["se"] is NSNull)
        #expect(terms[0]["coef"] is Double && terms[2]["coef"] is Double)
        #expect((o["problems"] as! [String]) == ["X matrix deemed to be singular; not estimable: c01"])
    }

    @Test func invalidOptionsAreUsageErrors() throws {
        let r = try Self.onco(["km", "--input", "data/lung.csv", "--conf-type", "logit"])
        #expect(r.status == 64)
        let c = try Self.onco(["cox", "--input", "data/lung.csv", "--covariates", ""])
        #expect(c.status == 64)
    }

    // MARK: golden outputs

    @Test func textOutputsMatchGolden() throws {
        let km = try Self.onco(["km", "--input", "data/lung.csv", "--group", "sex", "--times", "90,180,365,730"])
        try Self.assertGolden(km.stdout, "km_lung_sex.txt")
        let lr = try Self.onco(["logrank", "--input", "data/lung.csv", "--group", "ph_ecog"])
        try Self.assertGolden(lr.stdout, "logrank_lung_ph_ecog.txt")
        let cox = try Self.onco(["cox", "--input", "data/veteran.csv", "--covariates", "trt,celltype,karno,diagtime,age,prior", "--zph"])
        try Self.assertGolden(cox.stdout, "cox_veteran.txt")
        // celltype is not numeric, so categorical with R's alphabetical levels (adeno first)
        #expect(cox.stdout.contains("celltype=large"))
    }

    @Test func plotIsSelfContainedSVGWithSuppressedCounts() throws {
        let dir = try makeTemporaryDirectory("onco-survival-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("km.svg")
        let r = try Self.onco(["km", "--input", "data/lung.csv", "--group", "sex", "--plot", svg.path, "--title", "NCCTG lung"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: svg, encoding: .utf8)
        // well-formed XML
        let parser = XMLParser(data: Data(text.utf8))
        #expect(parser.parse(), "SVG is not well-formed XML")
        // self-contained: no links, images, scripts or external fonts
        for forbidden in ["<image", "<script", "href", "@import", "url(http"] { #expect(!text.contains(forbidden), "\(forbidden)") }
        #expect(text.contains("Number at risk") && text.contains("sex=1 (n=138)"))
        #expect(text.contains("&lt;5"), "counts below 5 suppressed")
        try Self.assertGolden(text, "km_lung_sex.svg")
        let exact = try Self.onco(["km", "--input", "data/lung.csv", "--group", "sex", "--plot", svg.path, "--min-count", "0"])
        #expect(exact.status == 0)
        #expect(!(try String(contentsOf: svg, encoding: .utf8)).contains("&lt;5"))
    }
}
