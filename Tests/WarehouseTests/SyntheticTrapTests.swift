import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport

/// The traps `onco warehouse synth` plants for real-world-evidence designs (issue #22): the parameter
/// files `Cohorts/rwe-trap-*.json` (LUAD, EGFR L858R, erlotinib vs carboplatin + pemetrexed).
@Suite("synthetic traps for real-world evidence", .serialized)
struct SyntheticTrapTests {
    static func build(_ name: String, patients: Int, seed: UInt64) async throws -> (db: String, meta: WarehouseMetadata) {
        let db = try makeTemporaryDirectory("onco-wh").appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: db)
        let g = try SyntheticCohortGenerator(parametersPath: RepoPaths.cohorts("\(name).json").path, patients: patients, seed: seed)
        try await store.importDataset(g.descriptor, from: g.makeSource(parallelism: 2), progress: nil, logger: TestStore.logger)
        let meta = try await store.metadata(logger: TestStore.logger)
        try await store.close()
        return (db, meta)
    }

    static func sql(_ db: String, _ q: String) throws -> [[String]] {
        try run("sqlite3", [db, q]).stdout.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("confounding by indication: ECOG recorded; the odds of erlotinib fall 0.3-fold per ECOG step; truth labelled")
    func confounding() async throws {
        let (db, meta) = try await Self.build("rwe-trap-confounding", patients: 6000, seed: 11)
        let truth = try #require(meta.datasets.first?.plantedTruth)
        #expect(truth.contains("\"trueHazardRatioMatchedTargetedVsChemotherapy\":1"))
        #expect(truth.contains("\"confoundingByIndication\":{\"confounder\":\"ECOG\",\"matchedOddsRatioPerECOGStep\":0.3}"))
        // The marginal truth beside the conditional one, from the cohort's own counterfactuals.
        let g = try SyntheticCohortGenerator(parametersPath: RepoPaths.cohorts("rwe-trap-confounding.json").path, patients: 6000, seed: 11)
        let m = try #require(g.marginalTruth)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(truth.utf8)) as? [String: Any])
        #expect(json["marginalHazardRatio"] as? Double == m.hazardRatio && json["marginalHazardRatioPatients"] as? Int == m.patients)
        // Every patient has an ECOG value 0-2.
        let ecog = try Self.sql(db, "SELECT CAST(MIN(value_as_number) AS INTEGER), CAST(MAX(value_as_number) AS INTEGER), COUNT(DISTINCT person_id) FROM onco_clinical_attribute WHERE attribute = 'ECOG'")
        #expect(ecog == [["0", "2", "6000"]])
        // Share of EGFR L858R patients given erlotinib, by ECOG: logit(0.5) + log(0.3)·ECOG.
        let rows = try Self.sql(db, """
            SELECT CAST(a.value_as_number AS INTEGER), COUNT(*),
                   SUM(EXISTS (SELECT 1 FROM drug_exposure d WHERE d.person_id = a.person_id AND d.drug_source_value = 'erlotinib'))
            FROM onco_clinical_attribute a
            WHERE a.attribute = 'ECOG' AND a.person_id IN (SELECT person_id FROM onco_somatic_variant WHERE gene = 'EGFR' AND hgvsp = 'p.L858R')
            GROUP BY 1 ORDER BY 1
            """)
        #expect(rows.count == 3)
        for r in rows {
            let k = Double(r[0])!, n = Double(r[1])!, treated = Double(r[2])!
            let p = 1 / (1 + exp(-(log(0.3) * k)))
            #expect(abs(treated / n - p) < 5 * (p * (1 - p) / n).squareRoot(), "ECOG \(k): \(treated)/\(n) vs \(p)")
        }
    }

    @Test("immortal time: late-sequenced erlotinib patients who died first were never sequenced; the others' sequencing follows line 1")
    func immortalTime() async throws {
        let (db, meta) = try await Self.build("rwe-trap-immortal-time", patients: 6000, seed: 12)
        let truth = try #require(meta.datasets.first?.plantedTruth)
        #expect(truth.contains("\"immortalTime\":{\"delayDays\":{\"max\":300,\"min\":60},\"fraction\":0.7}"))
        // Every chemotherapy patient is sequenced at diagnosis; erlotinib patients only, some never.
        let line1 = """
            (SELECT MIN(e.episode_start_date) FROM episode e WHERE e.person_id = p.person_id AND e.episode_number = 1)
            """
        let erl = "EXISTS (SELECT 1 FROM drug_exposure d WHERE d.person_id = p.person_id AND d.drug_source_value = 'erlotinib')"
        let unsequenced = try Self.sql(db, """
            SELECT \(erl), COUNT(*), SUM(julianday(o.observation_period_end_date) - julianday(\(line1)) <= 300)
            FROM person p JOIN observation_period o ON o.person_id = p.person_id
            WHERE NOT EXISTS (SELECT 1 FROM specimen s WHERE s.person_id = p.person_id) GROUP BY 1
            """)
        #expect(unsequenced.count == 1 && unsequenced.first?.first == "1", "\(unsequenced)")
        let n = Int(unsequenced.first?[1] ?? "0") ?? 0
        #expect(n > 50, "only \(n) erlotinib patients were never sequenced")
        #expect(unsequenced.first?[2] == unsequenced.first?[1], "a never-sequenced patient outlived the longest delay")
        // Trap specimens are sequenced 60-300 days after line 1 started; the rest at diagnosis.
        let late = try Self.sql(db, """
            SELECT t.source, COUNT(*), MIN(julianday(t.sequenced_date) - julianday(\(line1))),
                   MAX(julianday(t.sequenced_date) - julianday(\(line1))), SUM(\(erl))
            FROM onco_specimen_timing t JOIN person p ON p.person_id = t.person_id GROUP BY t.source ORDER BY t.source
            """)
        #expect(late.count == 2)
        #expect(late[1][0] == "synthetic (immortal-time trap)")
        #expect(Double(late[1][2])! >= 60 && Double(late[1][3])! <= 300 && late[1][4] == late[1][1])
        let atDiagnosis = try Self.sql(db, """
            SELECT COUNT(*) FROM onco_specimen_timing t JOIN condition_occurrence c ON c.person_id = t.person_id
            WHERE t.source = 'synthetic' AND t.sequenced_date <> c.condition_start_date
            """)
        #expect(atDiagnosis == [["0"]])
    }

    /// A parameter file derived from `rwe-trap-true-effect.json` with `edit` applied, beside a copy of its passenger
    /// pool; `conditional`: with the matched effect on the conditional scale (0.6 planted as is, no calibration).
    static func parameters(conditional: Bool = true, _ edit: (inout [String: Any]) -> Void) throws -> String {
        var p = try JSONSerialization.jsonObject(with: Data(contentsOf: RepoPaths.cohorts("rwe-trap-true-effect.json"))) as! [String: Any]
        if conditional {
            var e = p["effects"] as! [String: Any]
            e["matchedTargetedScale"] = nil
            p["effects"] = e
            p["marginalCalibration"] = nil
        }
        edit(&p)
        let dir = try makeTemporaryDirectory("onco-traps")
        let pool = try #require(p["passengerPool"] as? String)
        try FileManager.default.copyItem(at: RepoPaths.cohorts(pool), to: dir.appendingPathComponent(pool))
        let url = dir.appendingPathComponent("p.json")
        try JSONSerialization.data(withJSONObject: p).write(to: url)
        return url.path
    }

    @Test("marginal truth: = the conditional HR without prognostic covariates (sampling error); 1 under the null; attenuated otherwise")
    func marginalTruth() throws {
        // No confounder, no prognostic covariate: survival depends on the strategy only, so the marginal
        // HR is the planted 0.6 up to sampling error (3 standard errors of log HR).
        let plain = try Self.parameters { p in
            var e = p["effects"] as! [String: Any]
            e["tp53"] = 1.0; e["perStage"] = 1.0; e["per10YearsOfAge"] = 1.0
            p["effects"] = e
            p["performanceStatus"] = ["probabilities": [0.35, 0.45, 0.2], "hazardRatioPerStep": 1.0]
        }
        let g = try SyntheticCohortGenerator(parametersPath: plain, patients: 40_000, seed: 2026)
        let m = try #require(g.marginalTruth)
        #expect(m.patients > 15_000 && m.standardErrorLog > 0)
        #expect(abs(log(m.hazardRatio) - log(0.6)) < 3 * m.standardErrorLog, "marginal \(m.hazardRatio) ± \(m.standardErrorLog)")
        // The population is the driver carriers given erlotinib or chemotherapy first line: all carriers here.
        #expect(m.patients == g.counterfactuals().count)
        // Under the null both strategies give each patient the same survival: HR 1 (up to rounding).
        let null = try Self.parameters { p in
            var e = p["effects"] as! [String: Any]
            e["matchedTargeted"] = 1.0
            p["effects"] = e
        }
        let g0 = try SyntheticCohortGenerator(parametersPath: null, patients: 4000, seed: 9)
        let m0 = try #require(g0.marginalTruth)
        #expect(abs(log(m0.hazardRatio)) < 1e-12 && g0.counterfactuals().allSatisfy { $0.matched == $0.comparator })
        let truth0 = try #require(g0.descriptor.plantedTruth)
        let t0 = try #require(try JSONSerialization.jsonObject(with: Data(truth0.utf8)) as? [String: Any])
        #expect(t0["trueHazardRatioMatchedTargetedVsChemotherapy"] as? Double == 1 && t0["marginalHazardRatio"] as? Double == m0.hazardRatio)
        #expect(t0["marginalHazardRatioPatients"] as? Int == m0.patients)
        // With prognostic covariates (the shipped file's: ECOG, stage, age, TP53) a conditional 0.6 gives a marginal
        // HR attenuated towards 1 (non-collapsibility) and still below 1; the shipped file plants the marginal
        // 0.6 instead (`SyntheticCalibrationTests`).
        let shipped = try SyntheticCohortGenerator(parametersPath: Self.parameters { _ in }, patients: 40_000, seed: 2026)
        let ms = try #require(shipped.marginalTruth)
        #expect(ms.hazardRatio > 0.6 && ms.hazardRatio < 1, "shipped marginal \(ms.hazardRatio)")
    }

    @Test("marginal truth = R coxph(Surv(time) ~ strategy) on the same counterfactual rows")
    func marginalTruthMatchesR() throws {
        try #require(toolAvailable("Rscript"), "Rscript (r-cran-survival) is needed for this test")
        let g = try SyntheticCohortGenerator(parametersPath: RepoPaths.cohorts("rwe-trap-confounding.json").path, patients: 6000, seed: 11)
        let m = try #require(g.marginalTruth)
        let rows = g.counterfactuals()
        var csv = "time,strategy\n"
        for c in rows { csv += "\(c.matched),1\n" }
        for c in rows { csv += "\(c.comparator),0\n" }
        let file = try makeTemporaryDirectory("onco-marginal").appendingPathComponent("rows.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let out = try run("Rscript", [RepoPaths.root.appendingPathComponent("scripts/reference/synth_marginal_hr.R").path, file.path])
        #expect(out.status == 0, "\(out.stderr)")
        let v = out.stdout.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(v.count == 2, "R printed \(out.stdout)")
        #expect(m.patients == rows.count)
        #expect(isClose(m.hazardRatio, v[0], rel: 1e-7), "HR \(m.hazardRatio) vs R \(v[0])")
        #expect(isClose(m.standardErrorLog, v[1], rel: 1e-6), "se \(m.standardErrorLog) vs R \(v[1])")
    }

    @Test("no trap, no change: a cohort without traps has no planted truth and specimens at diagnosis")
    func noTrap() async throws {
        let (db, meta) = try await Self.build("demo-cohort", patients: 300, seed: 1)
        #expect(meta.datasets.first?.plantedTruth == nil)
        #expect(try Self.sql(db, "SELECT source, COUNT(*) FROM onco_specimen_timing GROUP BY source") == [["synthetic", "300"]])
        #expect(try Self.sql(db, "SELECT COUNT(*) FROM onco_clinical_attribute WHERE attribute = 'ECOG'") == [["0"]])
    }

    @Test("trap parameters are checked: an ECOG odds ratio without performanceStatus, a fraction above 1")
    func badTrapParameters() throws {
        let dir = try makeTemporaryDirectory("onco-traps")
        var p = try JSONSerialization.jsonObject(with: Data(contentsOf: RepoPaths.cohorts("rwe-trap-confounding.json"))) as! [String: Any]
        p["passengerPool"] = RepoPaths.cohorts("passenger_pool_grch37.tsv").path
        func expectError(_ edit: ([String: Any]) -> [String: Any], _ field: String) throws {
            let url = dir.appendingPathComponent("p.json")
            try JSONSerialization.data(withJSONObject: edit(p)).write(to: url)
            #expect(throws: ImportError.self) { _ = try SyntheticCohortParameters.load(url.path) }
            do { _ = try SyntheticCohortParameters.load(url.path) } catch let e as ImportError {
                #expect(e.description.contains(field), "\(e.description)")
            }
        }
        try expectError({ var q = $0; q["performanceStatus"] = nil; return q }, "traps.matchedOddsRatioPerECOGStep")
        try expectError({ var q = $0; q["traps"] = ["immortalTime": ["fraction": 1.5, "delayDays": ["min": 1, "max": 2]]]; return q },
                        "traps.immortalTime.fraction")
        try expectError({ var q = $0; q["traps"] = ["immortalTime": ["fraction": 0.5, "delayDays": ["min": 1, "max": Int.max]]]; return q },
                        "traps.immortalTime.delayDays")
        try expectError({ var q = $0; q["performanceStatus"] = ["probabilities": [0.5, -1], "hazardRatioPerStep": 1.5]; return q },
                        "performanceStatus.probabilities")
    }
}
