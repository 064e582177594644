import Foundation
import Knowledge
import OncoCore
import Recommendation
import Reports
import Testing
import Warehouse
import _TestSupport

/// Synthetic warehouses built once per test run.
actor SyntheticWarehouses {
    static let shared = SyntheticWarehouses()
    private var cache: [String: Warehouse] = [:]

    /// `Tests/Fixtures/recommendation/planted-benefit.json`: melanoma only, half BRAF V600E; of
    /// those, half get dabrafenib + trametinib first line (planted HR 0.5 against chemotherapy), all
    /// others chemotherapy. The seed was fixed before the first run and is not tuned.
    static let plantedSeed: UInt64 = 20_261_130
    static let plantedPatients = 4000

    func planted(patients: Int = SyntheticWarehouses.plantedPatients, seed: UInt64 = SyntheticWarehouses.plantedSeed) async throws -> Warehouse {
        let key = "planted-\(patients)-\(seed)"
        if let s = cache[key] { return s }
        let s = try await Fixtures.syntheticWarehouse(params: RepoPaths.fixture("recommendation/planted-benefit.json").path,
                                                      patients: patients, seed: seed)
        cache[key] = s
        return s
    }

    /// `Cohorts/synthetic-oncology.json` (all tumour types), 3,000 patients, seed 5.
    func general() async throws -> Warehouse {
        let key = "general-3000-5"
        if let s = cache[key] { return s }
        let s = try await Fixtures.syntheticWarehouse(params: RepoPaths.cohorts("synthetic-oncology.json").path, patients: 3000, seed: 5)
        cache[key] = s
        return s
    }
}

@Suite("Real-world evidence")
struct RealWorldEvidenceTests {
    /// The planted benefit is recovered: on 4,000 synthetic melanoma patients (seed 20261130, fixed in
    /// advance), the adjusted HR of dabrafenib + trametinib against chemotherapy in the BRAF V600E
    /// cohort has a 95% interval that covers the planted 0.5.
    @Test func plantedBenefitIsCovered() async throws {
        let store = try await SyntheticWarehouses.shared.planted()
        let r = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM", warehouse: store)
        #expect(r.isSynthetic)
        #expect(r.notes.contains { $0.hasPrefix("SYNTHETIC DATA") })
        let dt = try #require(r.therapies.first { $0.name == "dabrafenib + trametinib" })
        let ev = try #require(dt.realWorld)
        let m = try #require(ev.model, "\(ev.reason)")
        print("planted HR 0.5: fitted HR \(m.hazardRatio) [\(m.lower), \(m.upper)], treated \(ev.treated.patients)/\(ev.treated.events), comparator \(ev.comparator.patients)/\(ev.comparator.events), PH p \(m.proportionalHazardsTreatedP)")
        #expect(m.lower <= 0.5 && 0.5 <= m.upper, "planted HR 0.5 outside [\(m.lower), \(m.upper)] (HR \(m.hazardRatio))")
        #expect(ev.gatesPassed && ev.settings == ["1"])
        // Its lead item (EID1411) matched through the codon rule BRAF V600, so the cohort is any BRAF V600 change.
        #expect(ev.cohort.kind == .biomarker && ev.cohort.description.contains("BRAF V600 (any change)"))
        // the target trial: weighted Cox with cluster-robust CI; the propensity model's kept covariates; the naive HR beside it
        let trial = try #require(ev.targetTrial)
        #expect(m.formula == trial.hazardRatio?.model && m.hazardRatio == trial.hazardRatio?.hazardRatio)
        #expect(m.covariates == trial.covariates.filter(\.kept).map(\.name) && m.covariates.contains("age"))
        #expect(trial.naiveHazardRatio != nil && trial.balance?.achieved == true && trial.positivity?.held == true)
        #expect(ev.grade == .strong || ev.grade == .supportive)
        // Real-world evidence orders ties only: vemurafenib (exact match, never given in this warehouse)
        // stays ahead of dabrafenib + trametinib (codon match) whatever the latter's grade.
        #expect(r.therapies.first?.name == "vemurafenib")
        #expect(r.therapies.first?.realWorld?.treated.patients == 0)
        #expect(r.therapies.first?.realWorld?.grade == .inconclusive)
    }

    /// The evidence is the target trial's: arms (distinct patients and deaths of the entries), the
    /// weighted HR with its cluster-robust interval as the model, the settings. The trial's estimation is
    /// checked against R in `TargetTrialReferenceTests` (Tests/Fixtures/targettrial/reference.R).
    @Test func evidenceIsTheTargetTrial() async throws {
        let store = try await SyntheticWarehouses.shared.planted()
        let r = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM", warehouse: store)
        let ev = try #require(r.therapies.first { $0.name == "dabrafenib + trametinib" }?.realWorld)
        let trial = try #require(ev.targetTrial)
        let m = try #require(ev.model, "\(ev.reason)")
        let hr = try #require(trial.hazardRatio)
        #expect(ev.treated.patients == trial.flow.treatedPatients && ev.treated.events == trial.flow.treatedEvents)
        #expect(ev.comparator.patients == trial.flow.comparatorPatients && ev.comparator.events == trial.flow.comparatorEvents)
        #expect(m.hazardRatio == hr.hazardRatio && m.lower == hr.lower && m.upper == hr.upper && m.pValue == hr.pValue)
        #expect(hr.variance == .clusterRobust && ev.settings == trial.settings)
        #expect(trial.table.map(\.component).first == "eligibility")
        // the JSON report carries the whole trial
        let json = try RecommendationReport(r).json()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let t = try #require((obj["therapies"] as? [[String: Any]])?.first { $0["therapy"] as? String == "dabrafenib + trametinib" })
        let tt = try #require((t["real_world"] as? [String: Any])?["target_trial"] as? [String: Any])
        for key in ["table", "flow", "balance", "positivity", "hazardRatio", "naiveHazardRatio", "rmst", "eValue"] {
            #expect(tt[key] != nil, "missing target_trial.\(key)")
        }
    }

    /// A small warehouse (60 patients: about 15 treated) leaves the arms below the gates: no HR, no
    /// median, grade inconclusive, and the JSON says null, not a number.
    @Test func belowTheGatesShowsNoEstimate() async throws {
        let store = try await SyntheticWarehouses.shared.planted(patients: 60, seed: 7)
        let r = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM", warehouse: store)
        let ev = try #require(r.therapies.first { $0.name == "dabrafenib + trametinib" }?.realWorld)
        #expect(ev.treated.patients > 0 && ev.treated.patients < 20)
        #expect(!ev.gatesPassed && ev.model == nil && ev.grade == .inconclusive && ev.reason.hasPrefix("below the gates"))
        let json = try RecommendationReport(r).json()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let therapies = try #require(obj["therapies"] as? [[String: Any]])
        let rw = try #require(therapies.first { $0["therapy"] as? String == "dabrafenib + trametinib" }?["real_world"] as? [String: Any])
        #expect(rw["hazard_ratio"] is NSNull && rw["median_months"] is NSNull && rw["grade"] as? String == "inconclusive")
    }

    /// Gates are configurable: with 10 patients / 5 deaths per arm the same small cohort is fitted.
    @Test func gatesAreConfigurable() async throws {
        let store = try await SyntheticWarehouses.shared.planted(patients: 120, seed: 7)
        let r = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM", warehouse: store,
                                             options: RecommenderOptions(gates: RealWorldGates(minimumPatients: 5, minimumEvents: 2)))
        let ev = try #require(r.therapies.first { $0.name == "dabrafenib + trametinib" }?.realWorld)
        #expect(ev.gatesPassed && ev.model != nil)
    }

    /// Every count shown goes through DisclosureControl: with a minimum of 5,000 (above the 4,000
    /// patients of this warehouse) every count prints as "<5000", in JSON and text.
    @Test func countsAreSuppressed() async throws {
        let store = try await SyntheticWarehouses.shared.planted()
        let r = try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM", warehouse: store,
                                             options: RecommenderOptions(disclosure: DisclosureControl(minimumCount: 5000)))
        let report = RecommendationReport(r)
        let json = try report.json()
        #expect(json.contains("\"patients\" : \"<5000\""))
        // No count key carries an exact positive number (0 is shown: an empty cell discloses nobody).
        let exact = try NSRegularExpression(pattern: "\"(patients|events|cohort_patients|model_lines|model_events)\" : [1-9]")
        #expect(exact.firstMatch(in: json, range: NSRange(json.startIndex..., in: json)) == nil)
        let text = report.text()
        #expect(text.contains("n <5000, <5000 deaths"))
        let ev = try #require(r.therapies.first { $0.name == "dabrafenib + trametinib" }?.realWorld)
        #expect(!text.contains("n \(ev.treated.patients),"))
    }

    /// The grade of each region of (HR, interval, PH p), by hand.
    @Test(arguments: [
        // (hr, lower, upper, phP, expected, grade)
        (0.50, 0.40, 0.62, 0.40, ExpectedEffect.benefit, RealWorldGrade.strong),
        (0.50, 0.40, 0.62, 0.01, .benefit, .supportive),          // significant but PH violated
        (0.75, 0.50, 1.12, 0.40, .benefit, .supportive),          // meaningful, interval includes 1
        (0.93, 0.61, 1.40, 0.40, .benefit, .inconclusive),        // no meaningful effect
        (1.10, 0.80, 1.50, 0.40, .benefit, .inconclusive),
        (1.60, 1.20, 2.10, 0.40, .benefit, .discordant),
        (1.60, 1.20, 2.10, 0.40, .noBenefit, .strong),            // resistance confirmed
        (1.30, 0.90, 1.90, 0.40, .noBenefit, .supportive),
        (0.60, 0.45, 0.80, 0.40, .noBenefit, .discordant),        // resistance claimed, benefit seen
    ])
    func grades(c: (Double, Double, Double, Double, ExpectedEffect, RealWorldGrade)) {
        let m = RealWorldModel(formula: "", covariates: [], patients: 100, events: 60, hazardRatio: c.0, lower: c.1, upper: c.2,
                               pValue: 0.01, proportionalHazardsTreatedP: c.3, proportionalHazardsGlobalP: 0.5)
        #expect(RealWorldAnalysis.grade(m, expected: c.4).0 == c.5)
    }

    /// `lineOutcomes` (the targeted recommend query) returns the same lines, drugs and OS as the
    /// warehouse's general `treatmentLines`, for a biomarker cohort and for explicit person ids.
    @Test func lineOutcomesAgreeWithTreatmentLines() async throws {
        let store = try await SyntheticWarehouses.shared.planted(patients: 600, seed: 3)
        let log = Fixtures.logger
        let criteria = CohortCriteria(tumourTypes: ["SKCM", "MEL"], variants: [GeneVariant(gene: "BRAF", hgvsp: "p.Val600Glu")])
        let q = LineOutcomeQuery(cohort: criteria)
        let t = try await store.lineOutcomes(q, logger: log)
        let ref = try await store.treatmentLines(cohort: criteria, logger: log)
        let ids = try await store.selectCohort(criteria, logger: log)
        #expect(t.cohortSize == ids.count && t.cohortSize > 100)
        let refWithOS = ref.filter { $0.overallSurvival != nil }
        #expect(t.count == refWithOS.count)
        for (k, l) in refWithOS.enumerated() where k < t.count {
            #expect(t.personIDs[k] == l.personID && t.lineNumbers[k] == l.line && t.startDays[k] == l.startDay)
            #expect(Array(t.drugs(ofLine: k)) == l.drugs)
            #expect(t.osDays[k] == l.overallSurvival!.days && t.osEvents[k] == l.overallSurvival!.event)
        }
        // Codon and class criteria: every G12-free BRAF cohort member has V600E here; both forms agree.
        let codon = try await store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"]),
                                                                  biomarkers: [.codon(gene: "BRAF", residue: "V600")]), logger: log)
        let missense = try await store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"]),
                                                                     biomarkers: [.consequenceClass(gene: "BRAF", classes: ["missense"])]), logger: log)
        #expect(codon.cohortSize == t.cohortSize)
        #expect(missense.cohortSize >= codon.cohortSize)
        // The batched form (union read once, then split) gives each cohort exactly what its own query gives.
        let queries = [q, LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"]), biomarkers: [.codon(gene: "BRAF", residue: "V600")]),
                       LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"]), biomarkers: [.consequenceClass(gene: "BRAF", classes: ["missense"])]),
                       LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: ["SKCM"]), biomarkers: [.consequenceClass(gene: "TP53", classes: ["missense"])])]
        let batched = try await store.lineOutcomes(queries, logger: log)
        #expect(batched.count == queries.count)
        for (query, table) in zip(queries, batched) {
            let single = try await store.lineOutcomes(query, logger: log)
            #expect(table == single, "batched lineOutcomes differ for \(query.biomarkers)")
        }
        let some = Array(ids.prefix(25))
        let byID = try await store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(personIDs: some)), logger: log)
        #expect(byID.cohortSize == 25 && Set(byID.personIDs).isSubset(of: Set(some)))
    }
}
