import Foundation
import Testing
import _TestSupport

/// `onco survival cox|km` with --start, --cluster, --robust and --weights, run as the built binary on
/// the CSVs of Tests/Fixtures/survival/rwe (R's heart, cgd and lung data) against the numbers R wrote
/// (rwe/cox.json, rwe/km.json, made by scripts/rwe_reference.R); bad input names file, line and column.
@Suite struct SurvivalRWECLITests {
    static let dir = RepoPaths.fixture("survival").appendingPathComponent("rwe")

    static func onco(_ args: [String]) throws -> ProcessResult { try runOnco(["survival"] + args, currentDirectory: dir) }

    static func reference(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as! [String: Any]
    }

    static func doubles(_ any: Any?) -> [Double] { (any as? [Any])?.map { ($0 as? NSNumber)?.doubleValue ?? .nan } ?? [] }

    /// The onco flags for one R call recorded in cox.json.
    static func coxArguments(_ fit: [String: Any]) -> [String] {
        let a = fit["args"] as! [String: Any]
        var args = ["cox", "--input", "data/\(fit["data"] as! String)", "--time", a["time"] as! String, "--event", a["event"] as! String,
                    "--covariates", (fit["terms"] as! [String]).joined(separator: ","), "--ties", a["ties"] as! String, "--format", "json"]
        for key in ["start", "strata", "weights", "cluster"] { if let v = a[key] as? String { args += ["--\(key)", v] } }
        if a["robust"] as? Bool == true { args.append("--robust") }
        if a["robust"] as? Bool == false { args.append("--no-robust") }
        return args
    }

    @Test(arguments: ["heart_efron", "heart_efron_weighted", "heart_breslow_cluster", "heart_efron_weighted_cluster", "cgd_efron_strata_cluster",
                      "lung_breslow_robust", "lung_efron_weighted_robust"])
    func coxMatchesR(_ key: String) throws {
        let fit = (try Self.reference("cox.json")["fits"] as! [String: Any])[key] as! [String: Any]
        let r = try Self.onco(Self.coxArguments(fit))
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let terms = out["terms"] as! [[String: Any]]
        for (a, b) in zip(terms.map { ($0["coef"] as! NSNumber).doubleValue }, Self.doubles(fit["coef"])) { #expect(isClose(a, b, rel: 1e-9), "\(key) coef") }
        for (a, b) in zip(terms.map { ($0["se"] as! NSNumber).doubleValue }, Self.doubles(fit["se"])) { #expect(isClose(a, b, rel: 1e-9), "\(key) se \(a) vs R \(b)") }
        if fit["naive_se"] != nil {
            for (a, b) in zip(terms.map { ($0["naive_se"] as! NSNumber).doubleValue }, Self.doubles(fit["naive_se"])) { #expect(isClose(a, b, rel: 1e-9), "\(key) naive se") }
        } else {
            #expect(terms.allSatisfy { $0["naive_se"] == nil })
        }
        #expect(isClose((out["loglik"] as! NSNumber).doubleValue, Self.doubles(fit["loglik"])[1], rel: 1e-12))
        #expect(out["iterations"] as? Int == fit["iter"] as? Int)
    }

    /// R's `coxph` default: a robust variance when a case weight is not an integer (lung_w has weights 0.75, …),
    /// without being asked; `--no-robust` gives the model-based one (`heart_efron_weighted`, R `robust = FALSE`).
    @Test func nonIntegerWeightsAreRobustByDefaultLikeR() throws {
        let fit = (try Self.reference("cox.json")["fits"] as! [String: Any])["lung_efron_weighted_robust"] as! [String: Any]
        let args = Self.coxArguments(fit).filter { $0 != "--robust" }
        let r = try Self.onco(args)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let terms = out["terms"] as! [[String: Any]]
        for (a, b) in zip(terms.map { ($0["se"] as! NSNumber).doubleValue }, Self.doubles(fit["se"])) { #expect(isClose(a, b, rel: 1e-9), "se \(a) vs R \(b)") }
        for (a, b) in zip(terms.map { ($0["naive_se"] as! NSNumber).doubleValue }, Self.doubles(fit["naive_se"])) { #expect(isClose(a, b, rel: 1e-9)) }
        let refused = try Self.onco(args + ["--cluster", "id", "--no-robust"])
        #expect(refused.status != 0 && refused.stderr.contains("--cluster needs the robust variance"), "\(refused.stderr)")
    }

    /// `lung_weighted` has non-integer weights: R's (and onco's) infinitesimal-jackknife variance, whose
    /// `std.err` R reports on the S scale (onco's `std_err_surv`).
    @Test(arguments: ["heart_entry", "cgd_entry", "lung_weighted"])
    func kaplanMeierMatchesR(_ key: String) throws {
        let curve = (try Self.reference("km.json")["curves"] as! [String: Any])[key] as! [String: Any]
        let a = curve["args"] as! [String: Any]
        var args = ["km", "--input", "data/\(a["data"] as! String)", "--time", a["time"] as! String, "--event", a["event"] as! String,
                    "--times", Self.doubles((curve["at_times"] as! [String: Any])["time"]).map { String(Int($0)) }.joined(separator: ","),
                    "--format", "json"]
        for key in ["start", "weights"] { if let v = a[key] as? String { args += ["--\(key)", v] } }
        let r = try Self.onco(args)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let c = (out["curves"] as! [[String: Any]])[0]
        let se = key == "lung_weighted" ? "std_err_surv" : "std_err"
        #expect(out["variance"] as? String == (key == "lung_weighted" ? "infinitesimal-jackknife" : "greenwood"))
        for (field, ref) in [("time", "time"), ("n_risk", "n_risk"), ("survival", "surv"), (se, "std_err"), ("lower", "lower"), ("upper", "upper")] {
            let ours = Self.doubles(c[field]), theirs = Self.doubles(curve[ref])
            #expect(ours.count == theirs.count, "\(key) \(field) length")
            for (x, y) in zip(ours, theirs) where !(x.isNaN && y.isNaN) { #expect(isClose(x, y, rel: 1e-12, abs: 1e-14), "\(key) \(field) \(x) vs R \(y)") }
        }
        let at = c["at_times"] as! [[String: Any]], rat = curve["at_times"] as! [String: Any]
        for (p, s) in zip(at, Self.doubles(rat["surv"])) { #expect(isClose((p["survival"] as! NSNumber).doubleValue, s, rel: 1e-12)) }
    }

    /// `onco survival cif` on R's mgus2 (cr_event 0 censored, 1 PCM, 2 death) against
    /// reference/mgus2/cif__pcm_death.json (R: survfit(Surv(etime, factor(cr_event)) ~ 1)).
    @Test func cumulativeIncidenceMatchesR() throws {
        let fixtures = RepoPaths.fixture("survival")
        let r = try runOnco(["survival", "cif", "--input", "data/mgus2.csv", "--time", "etime", "--event", "cr_event",
                             "--times", "60,120,240,360", "--format", "json"], currentDirectory: fixtures)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let c = (out["curves"] as! [[String: Any]])[0]
        let ref = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("reference/mgus2/cif__pcm_death.json"))) as! [String: Any]
        let rc = (ref["curves"] as! [[String: Any]])[0]
        #expect(Self.doubles(c["time"]) == Self.doubles(rc["time"]))
        for field in ["pstate", "std_err"] {
            let ours = (c[field] as! [Any]).flatMap { Self.doubles($0) }, theirs = (rc[field] as! [Any]).flatMap { Self.doubles($0) }
            #expect(ours.count == theirs.count)
            for (x, y) in zip(ours, theirs) { #expect(isClose(x, y, rel: 1e-12, abs: 1e-14), "\(field) \(x) vs R \(y)") }
        }
        let at = c["at_times"] as! [[String: Any]], rat = rc["at_times"] as! [String: Any]
        let theirs = (rat["pstate"] as! [Any]).flatMap { Self.doubles($0) }
        let ours = at.flatMap { Self.doubles($0["pstate"]) }
        #expect(ours.count == theirs.count)
        for (x, y) in zip(ours, theirs) { #expect(isClose(x, y, rel: 1e-12, abs: 1e-14), "at_times \(x) vs R \(y)") }
    }

    // MARK: bad input

    @Test func cumulativeIncidenceBadCauseNamesTheLine() throws {
        let f = try Self.badFile("time,event\n5,1\n3,x\n4,2\n")
        let r = try runOnco(["survival", "cif", "--input", f])
        #expect(r.status == 1)
        #expect(r.stderr.contains("line 3") && r.stderr.contains("event") && r.stderr.contains("0 for censored or a cause"), "\(r.stderr)")
        let none = try Self.badFile("time,event\n5,0\n3,0\n")
        let z = try runOnco(["survival", "cif", "--input", none])
        #expect(z.status == 1)
        #expect(z.stderr.contains("no events of any cause"), "\(z.stderr)")
    }

    static func badFile(_ text: String) throws -> String {
        let d = try makeTemporaryDirectory()
        let f = d.appendingPathComponent("bad.csv")
        try text.write(to: f, atomically: true, encoding: .utf8)
        return f.path
    }

    @Test func startNotBeforeStopNamesTheLine() throws {
        let f = try Self.badFile("start,stop,event,x\n0,5,1,1\n3,3,0,0\n1,4,1,1\n")
        for cmd in [["cox", "--covariates", "x"], ["km"]] {
            let r = try runOnco(["survival"] + cmd + ["--input", f, "--start", "start", "--time", "stop"])
            #expect(r.status == 1)
            #expect(r.stderr.contains("line 3") && r.stderr.contains("start") && r.stderr.contains("not before the stop time 3"), "\(r.stderr)")
        }
    }

    @Test(arguments: [("-1", "weight must be positive"), ("NaN", "weight is NaN")])
    func badWeightNamesTheLine(_ value: String, _ message: String) throws {
        let f = try Self.badFile("time,event,x,w\n5,1,1,1\n3,0,0,\(value)\n4,1,1,2\n")
        for cmd in [["cox", "--covariates", "x"], ["km"]] {
            let r = try runOnco(["survival"] + cmd + ["--input", f, "--weights", "w"])
            #expect(r.status == 1)
            #expect(r.stderr.contains("line 3") && r.stderr.contains("w") && r.stderr.contains(message), "\(r.stderr)")
        }
    }

    @Test func zeroEventsIsReportedNotANumber() throws {
        let f = try Self.badFile("start,stop,event,x,id\n0,5,0,1,1\n5,8,0,0,1\n1,4,0,1,2\n")
        let r = try runOnco(["survival", "cox", "--input", f, "--start", "start", "--time", "stop", "--covariates", "x", "--cluster", "id", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"problems\": [\"no events; nothing to estimate\"]"), "\(r.stdout)")
    }
}
