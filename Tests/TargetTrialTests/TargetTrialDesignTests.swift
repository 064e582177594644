import Foundation
import OncoCore
import Testing
import _TestSupport
import Warehouse
@testable import TargetTrial

/// A line of a hand-built cohort.
struct Line {
    var person: Int64
    var line: Int
    var start: Int = 0
    var os: Double
    var death: Bool
    var drugs: [String]
    var known: Int? = 0
    var age: Int? = 60
    var stage: Int? = 2
    var sex: String? = "F"
    var ps: Double? = 1
}

func table(_ rows: [Line]) -> LineOutcomeTable {
    var t = LineOutcomeTable()
    t.cohortSize = Set(rows.map(\.person)).count
    for r in rows {
        t.personIDs.append(r.person); t.lineNumbers.append(r.line); t.startDays.append(r.start); t.osDays.append(r.os)
        t.osEvents.append(r.death); t.ages.append(r.age); t.stages.append(r.stage)
        t.drugs.append(contentsOf: r.drugs.sorted()); t.drugStart.append(t.drugs.count)
        t.sexes.append(r.sex); t.tumourTypes.append("LUAD"); t.startYears.append(2018); t.performanceStatus.append(r.ps)
        t.tmb.append(nil); t.biomarkerKnownDays.append(r.known.map { $0 + r.start }); t.biomarkerKnownBy.append(r.known == nil ? nil : "sequenced")
    }
    return t
}

/// A confounded cohort from a seeded generator: performance status drives both the choice of the
/// therapy and survival; `effect` is the log hazard ratio of the therapy.
func confoundedCohort(patients: Int, seed: UInt64, effect: Double, separate: Bool = false) -> LineOutcomeTable {
    var g = SeededGenerator(seed: seed)
    func u() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
    var rows: [Line] = []
    for p in 0..<patients {
        let ps = Double(Int(u() * 4))
        let treated = separate ? ps < 2 : u() < 1 / (1 + exp(-(0.8 - 0.7 * ps)))
        let hazard = 0.002 * exp(0.5 * ps + (treated ? effect : 0))
        let t = -log(1 - u()) / hazard, c = 200 + u() * 1500
        rows.append(Line(person: Int64(p), line: 1, os: min(t, c).rounded(.up), death: t <= c,
                         drugs: treated ? ["erlotinib"] : ["carboplatin", "pemetrexed"], age: 50 + Int(u() * 30),
                         stage: 1 + Int(u() * 4), sex: u() < 0.5 ? "F" : "M", ps: ps))
    }
    return table(rows)
}

@Suite struct TargetTrialDesignTests {
    @Test func eligibilityFlowCountsEveryLine() throws {
        let rows = [
            // 1: chemo first (comparator entry in setting 1), erlotinib second (treated entry in setting 2)
            Line(person: 1, line: 1, os: 400, death: true, drugs: ["carboplatin", "pemetrexed"]),
            Line(person: 1, line: 2, start: 200, os: 150, death: true, drugs: ["erlotinib"]),
            // 2: erlotinib first, erlotinib again in line 2 (not a new user)
            Line(person: 2, line: 1, os: 300, death: false, drugs: ["erlotinib"]),
            Line(person: 2, line: 2, start: 100, os: 100, death: true, drugs: ["erlotinib", "bevacizumab"]),
            // 3: biomarker known 30 days after line start: delayed entry (grace 90)
            Line(person: 3, line: 1, os: 500, death: true, drugs: ["erlotinib"], known: 30),
            // 4: known 200 days after: beyond the grace period
            Line(person: 4, line: 1, os: 500, death: true, drugs: ["cisplatin"], known: 200),
            // 5: died before the biomarker was known (60 days after a 40-day follow-up)
            Line(person: 5, line: 1, os: 40, death: true, drugs: ["cisplatin"], known: 60),
            // 6: timing unknown
            Line(person: 6, line: 1, os: 300, death: true, drugs: ["gemcitabine"], known: nil),
            // 7: no drugs recorded; then a line in setting 3+ (outside the settings)
            Line(person: 7, line: 1, os: 800, death: true, drugs: []),
            Line(person: 7, line: 3, start: 300, os: 200, death: true, drugs: ["docetaxel"]),
        ]
        let prepared = try TargetTrial.PreparedLines(table(rows))
        let built = TargetTrial.buildEntries(prepared, therapy: ["erlotinib"], comparator: .otherLines, protocol: TargetTrialProtocol())
        #expect(built.settings == ["1", "2"])
        let f = built.flow
        #expect(f.lines == 10 && f.patients == 7)
        #expect(f.linesWithoutDrugs == 1)
        #expect(f.linesNotNewUsers == 1)
        #expect(f.linesKnownAfterGrace == 1)
        #expect(f.linesEndedBeforeKnown == 1)
        #expect(f.linesTimingUnknown == 1 && f.linesTimingUnknownIncluded == 0)
        #expect(f.linesOutsideSettings == 1)
        #expect(f.linesDelayedEntry == 1)
        let byPerson = Dictionary(grouping: built.entries, by: \.person)
        #expect(byPerson[1]?.map(\.treated) == [false, true])
        #expect(byPerson[2]?.count == 1)
        let delayed = try #require(byPerson[3]?.first)
        #expect(isClose(delayed.entry, 30 / TargetTrialProtocol.daysPerMonth))
        #expect(isClose(delayed.stop, 500 / TargetTrialProtocol.daysPerMonth))
        #expect(byPerson[4] == nil && byPerson[5] == nil && byPerson[6] == nil && byPerson[7] == nil)

        // the sensitivity analysis includes unknown timing at time zero; a grace of 0 drops the delayed entry
        let sens = TargetTrial.buildEntries(prepared, therapy: ["erlotinib"], comparator: .otherLines,
                                            protocol: TargetTrialProtocol(graceDays: 0, includeUnknownTiming: true))
        #expect(sens.flow.linesTimingUnknownIncluded == 1)
        #expect(sens.entries.contains { $0.person == 6 && $0.entry == 0 })
        #expect(!sens.entries.contains { $0.person == 3 })
        #expect(sens.flow.linesKnownAfterGrace == 3)
    }

    @Test func namedComparatorAndPartialTherapy() throws {
        let rows = [
            Line(person: 1, line: 1, os: 400, death: true, drugs: ["carboplatin", "pemetrexed"]),
            Line(person: 2, line: 1, os: 400, death: true, drugs: ["docetaxel"]),
            Line(person: 3, line: 1, os: 400, death: true, drugs: ["dabrafenib"]),
            Line(person: 4, line: 1, os: 400, death: true, drugs: ["dabrafenib", "trametinib"]),
        ]
        let prepared = try TargetTrial.PreparedLines(table(rows))
        let built = TargetTrial.buildEntries(prepared, therapy: ["dabrafenib", "trametinib"],
                                             comparator: .drugs(["carboplatin", "pemetrexed"]), protocol: TargetTrialProtocol())
        #expect(built.entries.map(\.person) == [1, 4])
        #expect(built.flow.linesOtherTreatments == 1)
        #expect(built.flow.linesPartialTherapy == 1)
    }

    @Test func priorTherapyClassesComeFromEarlierLinesOnly() throws {
        let rows = [
            Line(person: 1, line: 1, os: 400, death: true, drugs: ["cisplatin", "pemetrexed"]),
            Line(person: 1, line: 2, start: 100, os: 300, death: true, drugs: ["docetaxel"]),
            Line(person: 2, line: 1, os: 400, death: true, drugs: ["paclitaxel"]),
            Line(person: 2, line: 2, start: 100, os: 300, death: true, drugs: ["erlotinib"]),
        ]
        let prepared = try TargetTrial.PreparedLines(table(rows))
        let p = TargetTrialProtocol(settings: ["2"], covariates: [.priorTherapyClasses])
        let built = TargetTrial.buildEntries(prepared, therapy: ["erlotinib"], comparator: .otherLines, protocol: p)
        #expect(built.entries.map(\.person) == [1, 2])
        let cols = TargetTrial.covariateColumns(prepared, entries: built.entries, protocol: p)
        let byName = Dictionary(uniqueKeysWithValues: cols.map { ($0.name, $0) })
        #expect(Set(byName.keys) == ["prior: platinum", "prior: antimetabolite", "prior: taxane"])
        guard case .numeric(let platinum) = byName["prior: platinum"]?.values, case .numeric(let taxane) = byName["prior: taxane"]?.values else {
            Issue.record("prior classes not numeric"); return
        }
        #expect(platinum == [1, 0])
        #expect(taxane == [0, 1])
    }

    @Test func protocolTablePrintsTheSettingsUsed() throws {
        let p = TargetTrialProtocol(graceDays: 60, weighting: .overlap, truncation: .init(lower: 0.05, upper: 0.95), horizonMonths: 18)
        let rows = p.table(therapy: "erlotinib", comparator: "start another line", settings: ["1"])
        #expect(rows.map(\.component) == ["eligibility", "treatment strategies", "assignment", "time zero", "outcome", "follow-up",
                                          "causal contrast", "analysis"])
        #expect(rows[0].specification.contains("line 1"))
        #expect(rows[0].specification.contains("within 60 days"))
        #expect(rows[2].specification.contains("overlap weights"))
        #expect(rows[2].specification.contains("5% and 95% percentiles"))
        #expect(rows[6].specification.contains("overlap population") && rows[6].specification.contains("18 months"))
    }

    @Test func invalidProtocolNamesFieldAndValue() {
        #expect(throws: TargetTrialError.self) { try TargetTrialProtocol(graceDays: -1).validate() }
        do {
            try TargetTrialProtocol(truncation: .init(lower: 0.6, upper: 0.99)).validate()
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "TargetTrialError.invalidProtocol: truncation.lower = 0.6: must be in [0, 0.5)")
        }
        #expect(throws: TargetTrialError.self) { try TargetTrialProtocol(settings: ["4"]).validate() }
        #expect(throws: TargetTrialError.self) { try TargetTrialProtocol(horizonMonths: .nan).validate() }
        #expect(throws: TargetTrialError.self) {
            try TargetTrial.analyse(lines: LineOutcomeTable(), therapy: [], protocol: TargetTrialProtocol())
        }
    }

    @Test func mismatchedColumnsAreAnErrorNotATrap() {
        var t = table([Line(person: 1, line: 1, os: 10, death: true, drugs: ["erlotinib"])])
        t.ages = []
        do {
            _ = try TargetTrial.analyse(lines: t, therapy: ["erlotinib"])
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("LineOutcomeTable.ages = 0 rows"))
        }
    }

    @Test func confoundingIsRemovedAndTheResultRoundTrips() throws {
        // truth: no effect; performance status confounds
        let t = confoundedCohort(patients: 3000, seed: 11, effect: 0)
        let r = try TargetTrial.analyse(lines: t, therapy: ["erlotinib"], protocol: TargetTrialProtocol())
        #expect(r.status == .estimated, "\(r.reasons)")
        let hr = try #require(r.hazardRatio), naive = try #require(r.naiveHazardRatio)
        #expect(naive.upper < 1, "naive HR \(naive.hazardRatio) should show the spurious benefit")
        #expect(hr.lower < 1 && hr.upper > 1, "adjusted HR \(hr.hazardRatio) (\(hr.lower)–\(hr.upper)) should cover 1")
        #expect(r.balance?.achieved == true)
        #expect(r.positivity?.held == true)
        #expect(r.balance?.rows.first { $0.covariate == "performance-status" }.map { abs($0.smdBefore!) > 0.1 } == true)
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(TargetTrialResult.self, from: data) == r)

        // under disclosure control: counts rounded to multiples of 5, curves withheld
        let enc = JSONEncoder()
        enc.userInfo[TargetTrialResult.disclosureKey] = DisclosureControl(minimumCount: 5)
        let disclosed = try #require(try JSONSerialization.jsonObject(with: try enc.encode(r)) as? [String: Any])
        let flow = try #require(disclosed["flow"] as? [String: Any])
        let shown = try #require(flow["treatedEntries"] as? Int)
        #expect(shown % 5 == 0 && abs(shown - r.flow.treatedEntries) <= 2)
        let arm = try #require(disclosed["treated"] as? [String: Any])
        #expect((arm["survival"] as? [Any])?.isEmpty == true && arm["medianMonths"] != nil)
        #expect((r.treated?.survival.count ?? 0) > 0)
    }

    @Test func separationIsInconclusive() throws {
        let t = confoundedCohort(patients: 400, seed: 5, effect: 0, separate: true)
        let r = try TargetTrial.analyse(lines: t, therapy: ["erlotinib"])
        #expect(r.status == .inconclusive)
        #expect(r.reasons.contains { $0.contains("separation") }, "\(r.reasons)")
        #expect(r.hazardRatio == nil)
        #expect(r.naiveHazardRatio != nil)
    }

    @Test func tooFewEntriesOrNoEventsIsInconclusive() throws {
        var rows: [Line] = []
        for p in 0..<30 { rows.append(Line(person: Int64(p), line: 1, os: 100 + Double(p), death: p % 2 == 0, drugs: ["docetaxel"])) }
        for p in 30..<60 { rows.append(Line(person: Int64(p), line: 1, os: 100 + Double(p), death: false, drugs: ["erlotinib"])) }
        let r = try TargetTrial.analyse(lines: table(rows), therapy: ["erlotinib"])
        #expect(r.status == .inconclusive)
        #expect(r.reasons == ["the treated arm has 30 entries and 0 events (each arm needs ≥ 20 entries and ≥ 10 events)"])
        #expect(r.hazardRatio == nil && r.naiveHazardRatio == nil && r.treated == nil)

        let none = try TargetTrial.analyse(lines: table(Array(rows.prefix(30))), therapy: ["erlotinib"])
        #expect(none.status == .inconclusive && none.reasons == ["no eligible line of the cohort started erlotinib"])
    }
}
