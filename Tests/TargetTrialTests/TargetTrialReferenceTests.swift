import Foundation
import Testing
import _TestSupport
@testable import TargetTrial

/// The estimation part of the target trial against R (Tests/Fixtures/targettrial/reference.R, which
/// writes entries.csv and reference.json): propensity model, weights and truncation, balance,
/// positivity, weighted Kaplan–Meier with clustered infinitesimal-jackknife se, medians, RMST and the
/// difference's se, weighted Cox with cluster-robust se and its PH test (`cox.zph`), naive Cox, E-values. Relative tolerance 1e-6.
@Suite struct TargetTrialReferenceTests {
    static let root = RepoPaths.fixture("targettrial")
    static let tolerance = 1e-6

    /// The entries and raw covariates of entries.csv.
    static func load() throws -> (entries: [TrialEntry], covariates: [RawCovariate]) {
        let text = try String(contentsOf: root.appendingPathComponent("entries.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        func col(_ name: String) -> Int { header.firstIndex(of: name)! }
        let entries = lines.map { r in
            TrialEntry(person: Int64(r[col("id")])!, row: -1, treated: r[col("treated")] == "1",
                       entry: Double(r[col("entry_days")])! / TargetTrialProtocol.daysPerMonth,
                       stop: Double(r[col("stop_days")])! / TargetTrialProtocol.daysPerMonth, event: r[col("event")] == "1",
                       setting: r[col("cat:setting")])
        }
        var covariates: [RawCovariate] = []
        for (k, h) in header.enumerated() {
            if h.hasPrefix("num:") {
                covariates.append(RawCovariate(name: String(h.dropFirst(4)), values: .numeric(lines.map { $0[k] == "NA" ? nil : Double($0[k])! })))
            } else if h.hasPrefix("cat:") {
                covariates.append(RawCovariate(name: String(h.dropFirst(4)), values: .categorical(lines.map { $0[k] == "NA" ? nil : $0[k] })))
            }
        }
        return (entries, covariates)
    }

    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("reference.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func run(_ p: TargetTrialProtocol) throws -> TargetTrialResult {
        let (entries, covariates) = try load()
        var r = TargetTrialResult(trialProtocol: p, table: [], therapy: ["x"], comparator: "y", settings: ["1", "2", "3+"],
                                  status: .estimated, reasons: [], flow: TargetTrialFlow())
        TargetTrial.estimate(entries: entries, covariates: covariates, protocol: p, into: &r)
        return r
    }

    func close(_ a: Double?, _ b: Any?, _ what: String, abs absTol: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let b = b as? Double ?? (b as? Int).map(Double.init) ?? (b as? NSNumber)?.doubleValue else {
            Issue.record("\(what): R value missing", sourceLocation: sourceLocation); return
        }
        guard let a else { Issue.record("\(what): Swift value nil, R \(b)", sourceLocation: sourceLocation); return }
        #expect(isClose(a, b, rel: Self.tolerance, abs: absTol), "\(what): Swift \(a) R \(b)", sourceLocation: sourceLocation)
    }

    func closeArray(_ a: [Double], _ b: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let b = b as? [Any] else { Issue.record("\(what): R array missing", sourceLocation: sourceLocation); return }
        #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
        for (k, (x, y)) in zip(a, b).enumerated() {
            // R's NA bounds (S = 0) are stored as 0 by the Swift result
            if y is NSNull { #expect(x == 0, "\(what)[\(k)]: R NA, Swift \(x)", sourceLocation: sourceLocation); continue }
            close(x, y, "\(what)[\(k)]", sourceLocation: sourceLocation)
        }
    }

    func compare(_ r: TargetTrialResult, _ ref: [String: Any]) throws {
        // covariates: kept / dropped and counts
        let uses = ref["covariates"] as! [[String: Any]]
        #expect(r.covariates.map(\.name) == uses.map { $0["name"] as! String })
        #expect(r.covariates.map(\.kept) == uses.map { $0["kept"] as! Bool })
        #expect(r.covariates.map(\.known) == uses.map { $0["known"] as! Int })
        if let dropped = ref["dropped"] as? Int { #expect(r.flow.entriesMissingCovariates == dropped) }
        // propensity model
        let ps = try #require(r.propensity)
        let coef = ref["ps_coef"] as! [Double], se = ref["ps_se"] as! [Double]
        #expect(ps.terms.count == coef.count)
        for (t, (b, s)) in zip(ps.terms, zip(coef, se)) { close(t.coefficient, b, "ps coef \(t.name)"); close(t.standardError, s, "ps se \(t.name)") }
        #expect(ps.iterations == ref["ps_iter"] as! Int)
        // weights
        let w = try #require(r.weights)
        if ref["trunc_lower"] != nil {
            close(w.truncationLower, ref["trunc_lower"], "truncation lower"); close(w.truncationUpper, ref["trunc_upper"], "truncation upper")
            #expect(w.truncatedLow == ref["trunc_low"] as! Int); #expect(w.truncatedHigh == ref["trunc_high"] as! Int)
        } else {
            #expect(w.truncationLower == nil && w.truncatedLow == 0 && w.truncatedHigh == 0)
        }
        close(w.minimum, ref["w_min"], "w min"); close(w.maximum, ref["w_max"], "w max")
        close(w.treatedMean, ref["w_mean_t"], "w mean treated"); close(w.comparatorMean, ref["w_mean_c"], "w mean comparator")
        // balance
        let bal = try #require(r.balance)
        let rb = ref["balance"] as! [[String: Any]]
        #expect(bal.rows.count == rb.count)
        for (row, x) in zip(bal.rows, rb) {
            #expect(row.covariate == x["covariate"] as! String)
            #expect(row.level == x["level"] as? String)
            // An SMD near 0 is a difference of two means of the covariate's own magnitude (start-year ≈ 2016):
            // rounding leaves ~1e-12 of it, so values are compared relatively, or absolutely to 1e-9 SD.
            close(row.smdBefore, x["before"], "SMD before \(row.covariate) \(row.level ?? "")", abs: 1e-9)
            close(row.smdAfter, x["after"], "SMD after \(row.covariate) \(row.level ?? "")", abs: 1e-9)
        }
        // positivity
        let pos = try #require(r.positivity), rp = ref["positivity"] as! [String: Any]
        close(pos.treatedMinimum, rp["t_min"], "ps treated min"); close(pos.treatedMaximum, rp["t_max"], "ps treated max")
        close(pos.comparatorMinimum, rp["c_min"], "ps comparator min"); close(pos.comparatorMaximum, rp["c_max"], "ps comparator max")
        close(pos.supportLower, rp["lower"], "support lower"); close(pos.supportUpper, rp["upper"], "support upper")
        close(pos.treatedOutsideShare, rp["t_out"], "treated outside"); close(pos.comparatorOutsideShare, rp["c_out"], "comparator outside")
        close(pos.treatedEffectiveSampleSize, rp["t_ess"], "treated ESS"); close(pos.comparatorEffectiveSampleSize, rp["c_ess"], "comparator ESS")
        // arms
        for (arm, key) in [(r.treated, "treated"), (r.comparatorArm, "comparator")] {
            let a = try #require(arm), ra = ref[key] as! [String: Any]
            closeArray(a.time, ra["time"], "\(key) time"); closeArray(a.survival, ra["surv"], "\(key) S")
            closeArray(a.standardError, ra["se"], "\(key) se"); closeArray(a.lower, ra["lower"], "\(key) lower")
            closeArray(a.upper, ra["upper"], "\(key) upper"); closeArray(a.atRisk, ra["n_risk"], "\(key) n.risk")
            for (v, k) in [(a.medianMonths, "median"), (a.medianLowerMonths, "median_lower"), (a.medianUpperMonths, "median_upper")] {
                if ra[k] is NSNull || ra[k] == nil { #expect(v == nil, "\(key) \(k): R NA, Swift \(String(describing: v))") }
                else { close(v, ra[k], "\(key) \(k)") }
            }
            close(a.rmstMonths, ra["rmst"], "\(key) RMST"); close(a.rmstStandardError, ra["rmst_se"], "\(key) RMST se")
        }
        let rmst = try #require(r.rmst)
        close(rmst.differenceMonths, ref["rmst_diff"], "RMST difference"); close(rmst.standardError, ref["rmst_diff_se"], "RMST difference se")
        // Cox
        let hr = try #require(r.hazardRatio), rc = ref["cox"] as! [String: Any]
        close(hr.coefficient, rc["coef"], "weighted coef"); close(hr.standardError, rc["se"], "robust se")
        close(hr.modelStandardError, rc["naive_se"], "weighted model se")
        close(hr.lower, rc["lower"], "HR lower"); close(hr.upper, rc["upper"], "HR upper")
        #expect(hr.variance == .clusterRobust)
        // R cox.zph(weighted fit, transform = "km") on the counting-process rows
        close(hr.proportionalHazardsChiSquare, rc["ph_chisq"], "PH chi-square"); close(hr.proportionalHazardsPValue, rc["ph_p"], "PH p")
        let naive = try #require(r.naiveHazardRatio), rn = ref["naive"] as! [String: Any]
        close(naive.coefficient, rn["coef"], "naive coef"); close(naive.standardError, rn["se"], "naive se")
        close(naive.lower, rn["lower"], "naive lower"); close(naive.upper, rn["upper"], "naive upper")
        #expect(naive.variance == .model)
        #expect(naive.proportionalHazardsPValue == nil)
        // E-value
        let e = try #require(r.eValue), re = ref["evalue"] as! [String: Any]
        close(e.estimate, re["estimate"], "E-value"); close(e.boundNearestOne, re["bound"], "E-value bound"); close(e.eventShare, re["share"], "event share")
    }

    @Test func stabilisedIPTWTruncatedMissingIndicator() throws {
        let r = try Self.run(TargetTrialProtocol(truncation: .init(lower: 0.01, upper: 0.99), horizonMonths: 24))
        try compare(r, try Self.reference()["iptw"] as! [String: Any])
        // log-tmb (mostly missing) and tumour-type (constant) are dropped, and say why
        #expect(r.covariates.first { $0.name == "log-tmb" }?.droppedBecause?.contains("fewer than half") == true)
        #expect(r.covariates.first { $0.name == "tumour-type" }?.droppedBecause == "constant")
        #expect(r.flow.patientsInBothArms > 0)
    }

    @Test func overlapWeightsUntruncated() throws {
        let r = try Self.run(TargetTrialProtocol(weighting: .overlap, truncation: nil, horizonMonths: 18))
        try compare(r, try Self.reference()["overlap"] as! [String: Any])
    }

    @Test func completeCases() throws {
        let r = try Self.run(TargetTrialProtocol(truncation: .init(lower: 0.05, upper: 0.95), missingCovariates: .completeCases,
                                                 horizonMonths: 24))
        try compare(r, try Self.reference()["complete"] as! [String: Any])
        #expect(r.flow.entriesMissingCovariates > 0)
        #expect(r.balance?.rows.contains { $0.level == "(missing)" } == false)
    }
}
