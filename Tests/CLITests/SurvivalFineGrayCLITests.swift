import Foundation
import Testing
import _TestSupport

/// `onco survival finegray` and `onco survival cif --group` as the built binary on R's mgus2 and pbc
/// (Tests/Fixtures/survival/rwe/data) against rwe/finegray.json (scripts/finegray_reference.R: R's
/// finegray + coxph(weights = fgwt, cluster = id), cmprsk::cuminc's Gray tests); bad input names the
/// file, column and value.
@Suite struct SurvivalFineGrayCLITests {
    static let dir = RepoPaths.fixture("survival").appendingPathComponent("rwe")

    static func reference() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("finegray.json"))) as! [String: Any]
    }

    static func doubles(_ any: Any?) -> [Double] { (any as? [Any])?.map { ($0 as? NSNumber)?.doubleValue ?? .nan } ?? [] }

    @Test(arguments: ["mgus2_pcm", "pbc_death"])
    func fineGrayMatchesR(_ key: String) throws {
        let fit = (try Self.reference()["fits"] as! [String: Any])[key] as! [String: Any]
        let r = try runOnco(["survival", "finegray", "--input", "data/\(fit["data"] as! String)", "--time", fit["time"] as! String,
                             "--event", fit["event"] as! String, "--event-of-interest", String(fit["event_of_interest"] as! Int),
                             "--covariates", (fit["terms"] as! [String]).joined(separator: ","), "--format", "json"], currentDirectory: Self.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(out["analysis"] as? String == "finegray")
        #expect(out["n"] as? Int == fit["n"] as? Int)
        #expect(out["n_expanded"] as? Int == fit["n_expanded"] as? Int)
        #expect(out["events"] as? Int == fit["nevent"] as? Int)
        let terms = out["terms"] as! [[String: Any]]
        #expect(terms.map { $0["name"] as! String } == fit["terms"] as! [String])
        for (field, ref) in [("coef", "coef"), ("se", "se"), ("naive_se", "naive_se")] {
            let ours = terms.map { ($0[field] as! NSNumber).doubleValue }, theirs = Self.doubles(fit[ref])
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(isClose(a, b, rel: 1e-9), "\(key) \(field) \(a) vs R \(b)") }
        }
        let text = try runOnco(["survival", "finegray", "--input", "data/\(fit["data"] as! String)", "--time", fit["time"] as! String,
                                "--event", fit["event"] as! String, "--event-of-interest", String(fit["event_of_interest"] as! Int),
                                "--covariates", (fit["terms"] as! [String]).joined(separator: ",")], currentDirectory: Self.dir)
        #expect(text.status == 0 && text.stdout.contains("robust se") && text.stdout.contains("subdistribution hazard ratio"), "\(text.stdout)")
    }

    /// `--strata`: R's finegray (censoring distribution over all subjects) + coxph(... + strata(x), weights = fgwt,
    /// cluster = id), rwe/finegray_strata.json (scripts/reference/finegray_strata_reference.R).
    @Test(arguments: ["pbc_death_by_edema", "mgus2_pcm_by_male"])
    func fineGrayStrataMatchesR(_ key: String) throws {
        let all = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dir.appendingPathComponent("finegray_strata.json"))) as! [String: Any]
        let fit = all[key] as! [String: Any]
        let r = try runOnco(["survival", "finegray", "--input", "data/\(fit["data"] as! String)", "--time", fit["time"] as! String,
                             "--event", fit["event"] as! String, "--event-of-interest", String(fit["event_of_interest"] as! Int),
                             "--covariates", (fit["terms"] as! [String]).joined(separator: ","), "--strata", fit["strata"] as! String,
                             "--format", "json"], currentDirectory: Self.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(out["n"] as? Int == fit["n"] as? Int && out["n_expanded"] as? Int == fit["n_expanded"] as? Int)
        #expect(out["events"] as? Int == fit["nevent"] as? Int)
        #expect((out["strata"] as? [String])?.isEmpty == false, "\(String(describing: out["strata"]))")
        let loglik = Self.doubles(fit["loglik"])
        #expect(isClose((out["loglik_null"] as! NSNumber).doubleValue, loglik[0], rel: 1e-9))
        #expect(isClose((out["loglik"] as! NSNumber).doubleValue, loglik[1], rel: 1e-9))
        let terms = out["terms"] as! [[String: Any]]
        #expect(terms.map { $0["name"] as! String } == fit["terms"] as! [String])
        for field in ["coef", "se", "naive_se"] {
            let ours = terms.map { ($0[field] as! NSNumber).doubleValue }, theirs = Self.doubles(fit[field])
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(isClose(a, b, rel: 1e-6), "\(key) \(field) \(a) vs R \(b)") }
        }
        // Without --strata the fit differs (the strata matter on these data).
        let plain = try runOnco(["survival", "finegray", "--input", "data/\(fit["data"] as! String)", "--time", fit["time"] as! String,
                                 "--event", fit["event"] as! String, "--event-of-interest", String(fit["event_of_interest"] as! Int),
                                 "--covariates", (fit["terms"] as! [String]).joined(separator: ","), "--format", "json"], currentDirectory: Self.dir)
        let p = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as! [String: Any]
        #expect(p["strata"] is NSNull && !isClose((p["loglik"] as! NSNumber).doubleValue, loglik[1], rel: 1e-6))
    }

    @Test func grayTestMatchesCmprsk() throws {
        let t = (try Self.reference()["gray"] as! [String: Any])["pbc_edema"] as! [String: Any]
        let r = try runOnco(["survival", "cif", "--input", "data/pbc_cr.csv", "--time", "time", "--event", "status", "--group", "edema",
                             "--format", "json"], currentDirectory: Self.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((out["curves"] as! [[String: Any]]).map { $0["strata"] as! String } == ["0", "0.5", "1"])
        let tests = out["gray_tests"] as! [[String: Any]]
        #expect(tests.map { $0["cause"] as! Int } == Self.doubles(t["causes"]).map { Int($0) })
        for (k, test) in tests.enumerated() {
            #expect(test["df"] as? Int == Int(Self.doubles(t["df"])[k]))
            #expect(isClose((test["statistic"] as! NSNumber).doubleValue, Self.doubles(t["statistic"])[k], rel: 1e-10))
            #expect(isClose((test["p"] as! NSNumber).doubleValue, Self.doubles(t["p"])[k], rel: 1e-8))
        }
    }

    // MARK: bad input

    @Test func causeNotPresentNamesFileColumnAndValue() throws {
        let f = try SurvivalRWECLITests.badFile("time,event,x\n5,1,1\n3,2,0\n4,0,1\n6,1,0\n")
        let r = try runOnco(["survival", "finegray", "--input", f, "--event-of-interest", "3", "--covariates", "x"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.csv") && r.stderr.contains("event") && r.stderr.contains("--event-of-interest 3")
                && r.stderr.contains("causes present: 1, 2"), "\(r.stderr)")
        let zero = try runOnco(["survival", "finegray", "--input", f, "--event-of-interest", "0", "--covariates", "x"])
        #expect(zero.status == 64 && zero.stderr.contains("--event-of-interest must be a cause"), "\(zero.stderr)")
    }

    @Test func negativeTimeAndBadCauseNameTheLine() throws {
        let neg = try SurvivalRWECLITests.badFile("time,event,x\n5,1,1\n-3,2,0\n4,0,1\n")
        let r = try runOnco(["survival", "finegray", "--input", neg, "--event-of-interest", "1", "--covariates", "x"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("line 3") && r.stderr.contains("time") && r.stderr.contains("negative"), "\(r.stderr)")
        let cause = try SurvivalRWECLITests.badFile("time,event,x\n5,1,1\n3,death,0\n4,0,1\n")
        let c = try runOnco(["survival", "finegray", "--input", cause, "--event-of-interest", "1", "--covariates", "x"])
        #expect(c.status == 1)
        #expect(c.stderr.contains("line 3") && c.stderr.contains("event") && c.stderr.contains("0 for censored or a cause"), "\(c.stderr)")
        let one = try SurvivalRWECLITests.badFile("time,event,g\n5,1,a\n3,2,a\n4,0,a\n")
        let g = try runOnco(["survival", "cif", "--input", one, "--group", "g"])
        #expect(g.status == 1 && g.stderr.contains("at least two groups") && g.stderr.contains("g"), "\(g.stderr)")
    }
}
