import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport

/// When a biomarker became known, as `lineOutcomes` reads it (issue #22): a cBioPortal study written by
/// `scripts/rwe-trap-cbioportal.py` (specimen timeline, `DAYS_TO_SEQUENCING`, samples without dates,
/// patients sequenced after their line started) is imported and each patient's known day compared with
/// the truth the script wrote.
@Suite("biomarker known day and performance status", .serialized)
struct BiomarkerKnownDayTests {
    static let log = TestStore.logger

    /// The script's study and its truth: patient id → (arm, line-1 start, known day, known by, samples).
    static func generate(patients: Int, seed: Int) throws -> (dir: URL, truth: [String: [String]]) {
        let tmp = try makeTemporaryDirectory("onco-trap-study")
        let dir = tmp.appendingPathComponent("study"), truthFile = tmp.appendingPathComponent("truth.tsv")
        let r = try run("python3", [RepoPaths.root.appendingPathComponent("scripts/rwe-trap-cbioportal.py").path, dir.path,
                                    "--patients", String(patients), "--seed", String(seed), "--truth", truthFile.path])
        #expect(r.stdout.contains("\(patients) patients"), "\(r.stdout)")
        var truth: [String: [String]] = [:]
        for line in try String(contentsOf: truthFile, encoding: .utf8).split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            truth[c[0]] = Array(c.dropFirst())
        }
        #expect(truth.count == patients)
        return (dir, truth)
    }

    @Test("script study: known days (sequenced, collected, unknown) as written; late sequencing after line 1; never-sequenced patients outside the cohort",
          arguments: StoreKind.allCases)
    func scriptStudy(kind: StoreKind) async throws {
        guard let ts = try await TestStore.make(kind) else { return }
        let (dir, truth) = try Self.generate(patients: 300, seed: 5)
        let importer = CBioPortalImporter(pseudonymizer: Fixture.pseudonymizer, mafBatchSize: 1000)
        let cbio = try CBioPortalStudy(directory: dir.path)
        let (d, source) = try importer.prepare(study: cbio)
        try await ts.store.importDataset(d, from: source, progress: nil, logger: Self.log)
        // person id → patient id, through the pseudonym.
        let byKey = Dictionary(uniqueKeysWithValues: truth.keys.map { (Fixture.pseudonymizer.patientKey(study: cbio.studyID, patient: $0).rawValue, $0) })
        let engine = LineOutcomeSummaryTests.engine(ts.store).engine
        let people = try await engine.sql.withSession { s in
            try await s.fetch("SELECT person_id AS c0, person_source_value AS c1 FROM person", types: [.int, .text])
        }
        var patientOf: [Int64: String] = [:]
        for k in 0..<people.count { patientOf[people.ints(0)[k]!] = byKey[people.texts(1)[k]!] }
        #expect(patientOf.count == truth.count && !patientOf.values.contains { $0.isEmpty })

        let q = LineOutcomeQuery(cohort: CohortCriteria(variants: [GeneVariant(gene: "EGFR", hgvsp: "p.L858R")]))
        let t = try await ts.store.lineOutcomes(q, logger: Self.log)
        #expect(t == (try await engine.derivedLineOutcomes(q)))
        // The cohort: exactly the patients with a sample (the never-sequenced are not in it).
        #expect(t.cohortSize == truth.values.filter { $0[4] != "0" }.count)
        var seen = Set<String>(), byBasis: [String: Int] = [:], late = 0
        for i in 0..<t.count {
            let patient = try #require(patientOf[t.personIDs[i]])
            let x = try #require(truth[patient])
            seen.insert(patient)
            #expect(t.lineNumbers[i] == 1 && t.startDays[i] == Int(x[1]))
            #expect(t.biomarkerKnownDays[i] == Int(x[2]), "\(kind): known day of a patient: \(String(describing: t.biomarkerKnownDays[i])) vs \(x[2])")
            #expect((t.biomarkerKnownBy[i] ?? "NA") == x[3])
            // Diagnosis on 1 January 2015 plus the pseudonymiser's shift of 0-364 days; lines start 14-60 days later.
            #expect(t.tumourTypes[i] == "LUAD" && (t.startYears[i] == 2015 || t.startYears[i] == 2016))
            #expect(t.performanceStatus[i].map { (0...2).contains($0) } == true)
            byBasis[x[3], default: 0] += 1
            // Comparator specimens are sequenced by day 30, lines start on day 14 or later: known 60 days or
            // more after the line started is the trap, treated patients only.
            if let k = t.biomarkerKnownDays[i], k - t.startDays[i] >= 60 {
                late += 1
                #expect(x[0] == "erlotinib" && t.drugs(ofLine: i) == ["erlotinib"])
            }
        }
        #expect(seen.count == t.cohortSize)
        // Every kind of timing occurs: dated by sequencing, by collection only, and unknown (no date).
        #expect(byBasis["sequenced", default: 0] > 100 && byBasis["collected", default: 0] > 0 && byBasis["NA", default: 0] > 0, "\(byBasis)")
        #expect(late > 20, "only \(late) treated patients known after their line started")
        try await ts.finish()
    }

    @Test("Karnofsky → ECOG by the usual correspondence; off-scale, fractional and missing values are unreadable")
    func performanceScale() {
        let karnofsky: [(Double, Double?)] = [(100, 0), (90, 0), (80, 1), (70, 1), (60, 2), (50, 2), (40, 3), (30, 3), (20, 4), (10, 4),
                                              (0, nil), (85, nil), (110, nil), (-10, nil), (.nan, nil), (.infinity, nil)]
        for (v, e) in karnofsky {
            #expect(PerformanceStatusScale.ecog(attribute: "KARNOFSKY_PERFORMANCE_SCORE", number: v) == e, "KPS \(v)")
            #expect(PerformanceStatusScale.ecog(attribute: "kps", number: v) == e, "kps \(v)")
        }
        let ecog: [(Double?, Double?)] = [(0, 0), (1, 1), (4, 4), (5, nil), (1.5, nil), (-1, nil), (nil, nil)]
        for (v, e) in ecog { #expect(PerformanceStatusScale.ecog(attribute: "ECOG", number: v) == e, "ECOG \(String(describing: v))") }
    }

    @Test("known day: earliest dated specimen per condition, latest over conditions; no date = unknown; ties prefer sequenced")
    func aggregation() {
        typealias K = BiomarkerKnownDay
        let rows: [(person: Int64, sequenced: Int?, collected: Int?, diagnosis: Int?)] = [
            (1, 110, 100, 100), (1, nil, 105, 100),     // person 1: sequenced day 10, collected day 5 → collected 5
            (2, nil, nil, 0), (2, 30, 20, 0),           // person 2: undated specimen skipped → sequenced 30
            (3, nil, nil, 50),                          // person 3: no dated specimen → unknown
            (4, 12, nil, 2), (4, nil, 12, 2),           // person 4: a tie on day 10 → sequenced
            (5, 9, 1, nil),                             // person 5: no diagnosis → unknown
        ]
        let first = K.earliest(rows)
        #expect(first == [1: K(day: 5, by: .collected), 2: K(day: 30, by: .sequenced), 4: K(day: 10, by: .sequenced)])
        let second: [Int64: K] = [1: K(day: 5, by: .sequenced), 2: K(day: 40, by: .collected), 4: K(day: 3, by: .collected)]
        #expect(K.allKnown([first, second]) == [1: K(day: 5, by: .sequenced), 2: K(day: 40, by: .collected), 4: K(day: 10, by: .sequenced)])
        #expect(K.allKnown([first, [1: K(day: 0, by: .sequenced)]]) == [1: K(day: 5, by: .collected)])
    }
}
