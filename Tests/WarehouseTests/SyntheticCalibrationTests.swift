import Foundation
import OncoCore
import Testing
@testable import Warehouse
import _TestSupport

/// A planted effect on the marginal scale (`effects.matchedTargetedScale` = `marginal`, issue #22 (c)): the
/// conditional HR of the linear predictor is calibrated so that the target trial's counterfactual marginal HR
/// is the parameter file's `effects.matchedTargeted`.
@Suite("synthetic cohorts: a marginal planted effect, calibrated")
struct SyntheticCalibrationTests {
    /// `rwe-trap-true-effect.json` (marginal 0.6) with a 20,000-patient calibration cohort, `edit` applied.
    static func parameters(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        try SyntheticTrapTests.parameters(conditional: false) { p in
            p["marginalCalibration"] = ["patients": 20_000, "seed": 7, "toleranceLog": 1e-4]
            edit(&p)
        }
    }

    @Test("the calibrated conditional HR gives the target marginal HR within the tolerance, on the calibration cohort's own draws")
    func reachesTarget() throws {
        let path = try Self.parameters()
        let g = try SyntheticCohortGenerator(parametersPath: path, patients: 3000, seed: 3)
        let c = try #require(g.calibration)
        #expect(c.targetMarginalHazardRatio == 0.6 && c.toleranceLog == 1e-4 && c.patients == 20_000 && c.seed == 7)
        #expect(abs(log(c.achievedMarginalHazardRatio) - log(0.6)) <= 1e-4, "achieved \(c.achievedMarginalHazardRatio)")
        // Non-collapsibility: the conditional HR giving a marginal 0.6 is further from 1.
        #expect(c.conditionalHazardRatio < 0.6 && c.conditionalHazardRatio > 0.4, "conditional \(c.conditionalHazardRatio)")
        #expect(g.matchedHazardRatio == c.conditionalHazardRatio)
        #expect(c.populationPatients > 8000 && c.populationPatients < 12_000 && c.evaluations >= 2 && c.evaluations < 60)
        // Recomputed apart from the calibration loop: a conditional-scale cohort planting the calibrated HR, drawn
        // from the calibration cohort's stream, has that marginal HR.
        let conditional = try SyntheticTrapTests.parameters(conditional: true) { p in
            var e = p["effects"] as! [String: Any]
            e["matchedTargeted"] = c.conditionalHazardRatio
            p["effects"] = e
        }
        var check = try SyntheticCohortGenerator(parametersPath: conditional, patients: 20_000, seed: 1)
        check.seed = SyntheticCohortGenerator.calibrationStreamSeed(7)
        let m = try #require(try check.computeMarginalTruth(file: "check.json"))
        #expect(m.patients == c.populationPatients)
        #expect(isClose(m.hazardRatio, c.achievedMarginalHazardRatio, rel: 1e-9), "\(m.hazardRatio) vs \(c.achievedMarginalHazardRatio)")
        // The cohort's own marginal HR (other draws) is the target up to sampling error.
        let own = try #require(g.marginalTruth)
        #expect(abs(log(own.hazardRatio) - log(0.6)) < 3 * own.standardErrorLog, "cohort marginal \(own.hazardRatio) ± \(own.standardErrorLog)")
    }

    @Test("planted_truth records the scale, the target, the calibrated conditional HR and the achieved marginal HR")
    func recorded() async throws {
        let path = try Self.parameters()
        let g = try SyntheticCohortGenerator(parametersPath: path, patients: 1500, seed: 4)
        let c = try #require(g.calibration)
        let db = try makeTemporaryDirectory("onco-wh").appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: db)
        try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: 2), progress: nil, logger: TestStore.logger)
        let meta = try await store.metadata(logger: TestStore.logger)
        try await store.close()
        let truth = try #require(meta.datasets.first?.plantedTruth)
        let t = try #require(try JSONSerialization.jsonObject(with: Data(truth.utf8)) as? [String: Any])
        #expect(t["matchedTargetedScale"] as? String == "marginal")
        #expect(t["trueHazardRatioMatchedTargetedVsChemotherapy"] as? Double == c.conditionalHazardRatio)
        // The calibration block, decoded with JSONDecoder (exact doubles), is the generator's.
        struct Recorded: Decodable { var marginalCalibration: SyntheticCohortGenerator.Calibration }
        let mc = try JSONDecoder().decode(Recorded.self, from: Data(truth.utf8)).marginalCalibration
        #expect(mc == c && mc.targetMarginalHazardRatio == 0.6 && mc.toleranceLog == 1e-4 && mc.patients == 20_000 && mc.seed == 7)
        #expect(t["marginalHazardRatio"] as? Double == g.marginalTruth?.hazardRatio)
        // A conditional-scale file says so and has no calibration.
        let plain = try SyntheticCohortGenerator(parametersPath: SyntheticTrapTests.parameters(conditional: true) { _ in }, patients: 500, seed: 4)
        let plainTruth = try #require(plain.descriptor.plantedTruth)
        let p = try #require(try JSONSerialization.jsonObject(with: Data(plainTruth.utf8)) as? [String: Any])
        #expect(p["matchedTargetedScale"] as? String == "conditional" && p["marginalCalibration"] == nil)
        #expect(p["trueHazardRatioMatchedTargetedVsChemotherapy"] as? Double == 0.6 && plain.calibration == nil)
    }

    @Test("the calibration draws from its own stream: the same for every cohort seed, and the cohort's draws untouched")
    func ownStream() throws {
        let path = try Self.parameters()
        let a = try SyntheticCohortGenerator(parametersPath: path, patients: 2000, seed: 5)
        let b = try SyntheticCohortGenerator(parametersPath: path, patients: 2000, seed: 6)
        #expect(a.calibration != nil && a.calibration == b.calibration)
        // Against the conditional-scale file planting 0.6 with the same seed: the same patients and the same
        // survival under chemotherapy (only the matched regimen's effect differs).
        let plain = try SyntheticCohortGenerator(parametersPath: SyntheticTrapTests.parameters(conditional: true) { _ in }, patients: 2000, seed: 5)
        #expect(a.chunk(0).persons == plain.chunk(0).persons)
        let ca = a.counterfactuals(), cp = plain.counterfactuals()
        #expect(ca.count == cp.count && ca.count > 500)
        #expect(zip(ca, cp).allSatisfy { $0.comparator == $1.comparator })
        // A calibrated conditional HR below 0.6: longer survival under the matched regimen than with 0.6 planted.
        #expect(a.matchedHazardRatio < 0.6 && ca.map(\.matched).reduce(0, +) > cp.map(\.matched).reduce(0, +))
    }

    @Test("calibration parameters are checked: the scale's spelling, a calibration without the marginal scale, the tolerance")
    func badParameters() throws {
        func expectError(_ edit: @escaping (inout [String: Any]) -> Void, _ field: String) throws {
            let path = try Self.parameters(edit)
            #expect(throws: ImportError.self) { _ = try SyntheticCohortParameters.load(path) }
            do { _ = try SyntheticCohortParameters.load(path) } catch let e as ImportError {
                #expect(e.description.contains(field), "\(e.description)")
            }
        }
        try expectError({ p in var e = p["effects"] as! [String: Any]; e["matchedTargetedScale"] = "odds"; p["effects"] = e },
                        "effects.matchedTargetedScale")
        try expectError({ p in var e = p["effects"] as! [String: Any]; e["matchedTargetedScale"] = "conditional"; p["effects"] = e },
                        "marginalCalibration")
        try expectError({ p in p["marginalCalibration"] = ["toleranceLog": 0] }, "marginalCalibration.toleranceLog")
        try expectError({ p in p["marginalCalibration"] = ["patients": 10] }, "marginalCalibration.patients")
    }
}
