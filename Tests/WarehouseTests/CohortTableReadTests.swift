import Foundation
import OncoCore
import Testing
@testable import Warehouse
@testable import WarehousePostgres
import _TestSupport

/// The streamed cohort-table read (`cohortTable`: person-ordered scans merged in Swift) against the
/// SQL-only read it replaced (`cohortTableReference`: `outcomeQuery` + one query per column), on a
/// seeded OMOP CSV warehouse built to exercise what the merge must get right: several diagnoses,
/// observation periods and line starts per patient, deaths before the index, progression before and
/// after it, patients without diagnosis or follow-up, unknown year of birth, specimen-less patients,
/// patient- and specimen-level attributes.
@Suite("Cohort table: streamed read equals the SQL read", .serialized)
struct CohortTableReadTests {
    /// Writes the CSVs of `n` patients.
    static func writeWarehouse(_ n: Int, seed: UInt64) throws -> URL {
        var g = SeededGenerator(seed: seed)
        func r(_ k: Int) -> Int { Int.random(in: 0..<k, using: &g) }
        func day(_ d: Int) -> String { Day(daysSinceEpoch: d).iso }
        let dir = try makeTemporaryDirectory("onco-cohort-read")
        var person = "person_id,gender_concept_id,year_of_birth,race_concept_id,ethnicity_concept_id,person_source_value,gender_source_value\n"
        var obs = "observation_period_id,person_id,observation_period_start_date,observation_period_end_date,period_type_concept_id\n"
        var cond = "condition_occurrence_id,person_id,condition_concept_id,condition_start_date,condition_type_concept_id,condition_source_value\n"
        var death = "person_id,death_date,death_type_concept_id\n"
        var episode = "episode_id,person_id,episode_concept_id,episode_start_date,episode_end_date,episode_number,episode_object_concept_id,episode_type_concept_id,episode_source_value\n"
        var specimen = "specimen_id,person_id,specimen_concept_id,specimen_type_concept_id,specimen_date,specimen_source_id,specimen_source_value,disease_status_source_value\n"
        var variant = "variant_id,person_id,specimen_id,build,chrom,pos,ref,alt,gene,hgvsp,consequence,consequence_class,alteration,vaf,depth,filter\n"
        var measurement = "measurement_id,person_id,measurement_concept_id,measurement_date,measurement_type_concept_id,value_as_number,measurement_source_value,unit_source_value,value_source_value,measurement_event_id\n"
        var attribute = "person_id,specimen_id,attribute,value_as_string,value_as_number\n"
        let codes = ["LUAD", "LUSC", "SKCM", "BRCA", "coad", "HNSC"]
        var counters = [Int](repeating: 0, count: 6)   // ids of condition, obs, episode, specimen, variant, measurement rows
        func next(_ k: Int) -> Int { counters[k] += 1; return counters[k] }
        for p in 1...n {
            let sex = [8532, 8507, 0][r(3)]
            person += "\(p),\(sex),\(r(10) == 0 ? 0 : 1930 + r(50)),0,0,P\(p),\n"
            let dx = 11_000 + r(7000)
            let nCond = [0, 1, 1, 1, 2, 3][r(6)]
            for k in 0..<nCond { cond += "\(next(0)),\(p),0,\(day(dx + (k == 0 ? 0 : r(900)))),32817,\(codes[r(codes.count)])\n" }
            let nObs = [0, 1, 1, 1, 2][r(5)]
            for _ in 0..<nObs { obs += "\(next(1)),\(p),\(day(dx)),\(day(dx + r(4000) - 200)),32817\n" }
            if r(2) == 0 { death += "\(p),\(day(dx + r(3000) - 150)),32817\n" }
            for line in 1...3 where r(3) != 0 {
                let copies = r(5) == 0 ? 2 : 1   // two episodes with the same line number: the earliest start counts
                for _ in 0..<copies { episode += "\(next(2)),\(p),0,\(day(dx + 100 * line + r(400) - 50)),,\(line),0,32817,line of therapy\n" }
            }
            for _ in 0..<r(4) { episode += "\(next(2)),\(p),0,\(day(dx + r(1500) - 200)),,,0,32817,Disease progression\n" }
            var specimens: [Int] = []
            for _ in 0..<[0, 1, 1, 2][r(4)] {
                let s = next(3)
                specimens.append(s)
                specimen += "\(s),\(p),0,0,\(day(dx)),S\(s),Primary,\(codes[r(codes.count)])\n"
            }
            if let s = specimens.first {
                for _ in 0..<r(3) {
                    let (cls, alt) = [("missense", ""), ("truncating", ""), ("synonymous", ""), ("", "amplification")][r(4)]
                    variant += "\(next(4)),\(p),\(s),GRCh37,17,\(7_570_000 + r(9000)),C,T,\(r(4) == 0 ? "KRAS" : "TP53"),,,\(cls),\(alt),0.3,100,\(r(4) == 0 ? "LowQual" : "PASS")\n"
                }
            }
            if r(3) != 0 { measurement += "\(next(5)),\(p),0,\(day(dx)),0,\(Double(r(400)) / 10),TMB,mutations/Mb,,\n" }
            if r(3) != 0 { measurement += "\(next(5)),\(p),0,\(day(dx)),0,\(r(5)),stage,,,\n" }
            if r(4) != 0 {
                let level = r(2) == 0 || specimens.isEmpty ? "" : String(specimens[0])
                attribute += "\(p),\(level),OS_MONTHS,\(Double(r(1200)) / 10),\n"
                attribute += "\(p),\(level),OS_STATUS,\(["1:DECEASED", "0:LIVING", "unknown"][r(3)]),\n"
            }
            for s in specimens where r(2) == 0 { attribute += "\(p),\(s),GRADE,G\(1 + r(3)),\n" }
        }
        for (name, text) in [("person", person), ("observation_period", obs), ("condition_occurrence", cond), ("death", death), ("episode", episode),
                             ("specimen", specimen), ("onco_somatic_variant", variant), ("measurement", measurement), ("onco_clinical_attribute", attribute)] {
            try text.write(to: dir.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static let endpoints: [CohortEndpoint?] = [
        .derived(.overallSurvival(from: .diagnosis)), .derived(.overallSurvival(from: .lineStart(1))),
        .derived(.progressionFreeSurvival(from: .diagnosis)), .derived(.progressionFreeSurvival(from: .lineStart(2))),
        .derived(.timeToNextTreatment(line: 1)), .attributes(time: "OS_MONTHS", status: "OS_STATUS"), nil,
    ]
    static let columns: [CohortColumn] = [
        .tumourType, .age, .sex, .stage, .tmb, .diagnosisYear, .attribute("GRADE"), .patientKey,
        .alteration(AlterationFilter(gene: "TP53", classes: ["missense", "truncating"])),
        .alteration(AlterationFilter(gene: "TP53", classes: ["amplification", "missense"], passOnly: true)),
    ]
    static let cohorts: [CohortCriteria] = [
        .all, CohortCriteria(tumourTypes: ["LUAD", "COAD"]), CohortCriteria(age: NumericRange(min: 40, max: 70), sexes: [.female]),
        CohortCriteria(alterations: [AlterationFilter(gene: "TP53")]),
        // Under a tenth of the warehouse: the streams after the persons' read are scoped by the cohort's ids
        // (`Warehouse.streamScope`); the larger cohorts above read the tables whole and merge.
        CohortCriteria(tumourTypes: ["LUAD"], age: NumericRange(min: 40, max: 70), sexes: [.female]),
    ]

    @Test("every endpoint, column kind and a few cohorts: identical tables", arguments: StoreKind.allCases)
    func streamedEqualsReference(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        let dir = try Self.writeWarehouse(600, seed: 8)
        let (d, src) = try OMOPCSVImporter(pseudonymizer: Fixture.pseudonymizer).prepare(directory: dir.path, name: "cohort-read")
        _ = try await t.store.importDataset(d, from: src, progress: nil, logger: TestStore.logger)
        let engine = t.store
        var rowsSeen = 0
        var scopedByIDs = 0, readWhole = 0
        for cohort in Self.cohorts {
            for endpoint in Self.endpoints {
                let request = CohortTableRequest(cohort: cohort, endpoint: endpoint, columns: Self.columns)
                let streamed = try await engine.cohortTable(request, logger: TestStore.logger)
                let reference = try await engine.cohortTableReference(request, logger: TestStore.logger)
                #expect(streamed.cohortSize == reference.cohortSize, "\(cohort) \(String(describing: endpoint))")
                #expect(streamed.personIDs == reference.personIDs, "\(cohort) \(String(describing: endpoint))")
                #expect(streamed.time == reference.time, "\(cohort) \(String(describing: endpoint))")
                #expect(streamed.event == reference.event, "\(cohort) \(String(describing: endpoint))")
                for (a, b) in zip(streamed.columns, reference.columns) {
                    #expect(a == b, "\(cohort) \(String(describing: endpoint)) \(a.column)")
                }
                #expect(streamed.columns.count == reference.columns.count)
                rowsSeen += streamed.count
            }
            let size = try await engine.cohortTable(CohortTableRequest(cohort: cohort, endpoint: nil, columns: []), logger: TestStore.logger).cohortSize
            if Warehouse.streamScope(cohort, cohortIDs: [Int64](repeating: 0, count: size), persons: 600) == .all { readWhole += 1 } else { scopedByIDs += 1 }
        }
        // Both ways of scoping the streams were compared with the reference.
        #expect(scopedByIDs >= 1 && readWhole >= 2, "scoped by ids \(scopedByIDs), read whole \(readWhole)")
        // The warehouse is not degenerate: the endpoints keep most patients, some are left out.
        let os = try await engine.cohortTable(CohortTableRequest(cohort: .all, endpoint: .derived(.overallSurvival(from: .diagnosis)), columns: []),
                                              logger: TestStore.logger)
        #expect(os.cohortSize == 600 && os.count > 300 && os.count < 600 && os.event.contains(true) && os.event.contains(false))
        #expect(rowsSeen > 5000)
        try await t.finish()
    }
}
