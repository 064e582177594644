import Foundation
import OncoCore
import Reports
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Top/bottom X% cut-offs against R's `quantile(x, prob, type = t)` for all nine types
/// (Tests/Fixtures/cohort/quantile/reference.json, made by scripts/reference/quantile_cutoffs_reference.R):
/// small vectors with ties and edge probabilities, and a Samstein-like TMB table (tmb.csv, synthetic, made
/// by the same script) grouped within cancer type through the cohort engine: the printed cut-off is R's
/// double exactly and the group holds the patients R's `x >= cut` (`x <= cut` for bottom) selects.
@Suite struct QuantileCutoffTests {
    struct Reference: Decodable {
        struct Level: Decodable { let level: String; let n: Int; let cutoff: Double; let n_in_group: Int }
        struct Case: Decodable { let side: String; let percent: Double; let type: Int; let levels: [Level] }
        struct Vector: Decodable { let x: [Double]; let type: Int; let probs: [Double]; let q: [Double] }
        let cases: [Case]
        let vectors: [Vector]
    }

    static let dir = RepoPaths.fixture("cohort/quantile")
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: dir.appendingPathComponent("reference.json")))

    /// Every type on vectors with ties, one value, two values, and probabilities 0 and 1: R's double exactly.
    @Test func quantileEqualsRExactly() throws {
        #expect(Self.reference.vectors.count == 54)
        for v in Self.reference.vectors {
            let type = try #require(QuantileType(v.type))
            let sorted = v.x.sorted()
            for (p, q) in zip(v.probs, v.q) {
                let ours = type.quantile(sorted: sorted, probability: p)
                #expect(ours == q, "type \(v.type) p \(p) x \(v.x): \(ours) vs R \(q)")
            }
        }
        #expect(QuantileType(0) == nil && QuantileType(10) == nil)
    }

    /// The TMB table as the cohort engine's input: TMB as an attribute, cancer type as the tumour type.
    static func table() throws -> CohortTable {
        let text = try String(contentsOf: dir.appendingPathComponent("tmb.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        var t = CohortTable()
        t.personIDs = rows.indices.map { Int64($0 + 1) }
        t.time = rows.map { Double($0[3])! }
        t.event = rows.map { $0[4] == "1" }
        t.cohortSize = rows.count
        let tmb = rows.map { Double($0[2])! }
        t.columns = [CohortTable.Column(column: .attribute("TMB"), texts: rows.map { $0[2] }, numbers: tmb),
                     CohortTable.Column(column: .tumourType, texts: rows.map { $0[1] }, numbers: nil)]
        return t
    }

    @Test func cohortCutoffsAndMembershipEqualR() throws {
        let table = try Self.table()
        #expect(Self.reference.cases.count == 36)
        for c in Self.reference.cases {
            let type = try #require(QuantileType(c.type))
            let groups: GroupSpec = c.side == "top"
                ? .top(variable: "TMB", percent: c.percent, within: "tumour_type", quantileType: type)
                : .bottom(variable: "TMB", percent: c.percent, within: "tumour_type", quantileType: type)
            let plan = try CohortPlan(CohortDefinition(name: "cut-offs", groups: groups, endpoint: EndpointSpec(kind: .os)), source: "test")
            let a = try CohortAnalysis.compute(plan: plan, table: table, lines: nil)
            let expected = c.levels.map { CohortAnalysis.Cutoff(level: $0.level, n: $0.n, nAbove: $0.n_in_group, value: $0.cutoff) }
            #expect(a.cutoffs == expected, "\(c.side) \(c.percent)% type \(c.type)")
            #expect(a.groups.map(\.label) == ["rest", "\(c.side) \(Int(c.percent))% TMB"])
            #expect(a.groups[1].n == c.levels.reduce(0) { $0 + $1.n_in_group })
            let r = a.report(plan: plan, provenance: GroupingTests.provenance, definitionJSON: "{}")
            #expect(r.cutoffs.map(\.value) == c.levels.map(\.cutoff))
            #expect(r.notes.contains { $0.contains("quantile(x, \(c.side == "top" ? "1 - p" : "p"), type = \(c.type))") })
            let header = c.side == "top" ? "at or above the cut-off" : "at or below the cut-off"
            #expect(r.tables().first { $0.id == "cutoffs" }?.headers.last == header)
        }
    }

    /// The acceptance of issue #20 on this fixture: top 40% of TMB within cancer type with R's default type 7,
    /// as flags (`--top 40 --of TMB --within tumour_type`, no --quantile-type) and as YAML.
    @Test func defaultIsType7FromFlagsAndYAML() throws {
        var f = CohortFlags()
        f.top = 40; f.of = "attribute:TMB"; f.within = "tumour_type"
        let d = try f.apply(to: nil)
        guard case .top(_, 40, let within, let q)? = d.groups else { Issue.record("not a top grouping: \(String(describing: d.groups))"); return }
        #expect(within == "tumour_type")
        #expect(q == .default && q.rawValue == 7)
        let yaml = try CohortDefinition.parse("name: x\ngroups: {by: bottom, variable: tmb, percent: 25, quantileType: 6}\n", source: "study.yaml", yaml: true)
        guard case .bottom(_, 25, nil, let q6)? = yaml.groups else { Issue.record("not a bottom grouping"); return }
        #expect(q6.rawValue == 6)
        // canonical JSON keeps a chosen type and leaves the default implicit (older definitions keep their SHA-256)
        #expect(try yaml.canonicalJSON().contains("\"quantileType\":6"))
        #expect(try CohortDefinition.parse(try yaml.canonicalJSON(), source: "x", yaml: false) == yaml)
        #expect(try !d.canonicalJSON().contains("quantileType"))
        #expect(throws: (any Error).self) { try CohortDefinition.parse("name: x\ngroups: {by: top, variable: tmb, percent: 25, quantileType: 10}\n", source: "study.yaml", yaml: true) }
        var bad = CohortFlags()
        bad.top = 40; bad.of = "tmb"; bad.quantileType = 0
        #expect(throws: CohortStudyError.self) { try bad.apply(to: nil) }
        var lone = CohortFlags()
        lone.groupBy = "sex"; lone.quantileType = 7
        #expect(throws: CohortStudyError.self) { try lone.apply(to: nil) }
        let type7 = try #require(Self.reference.cases.first { $0.side == "top" && $0.percent == 40 && $0.type == 7 })
        let nsclc = try #require(type7.levels.first { $0.level == "NSCLC" })
        print("QuantileCutoffTests: top 40% TMB, NSCLC, R type 7: cut-off \(nsclc.cutoff), \(nsclc.n_in_group) of \(nsclc.n) patients")
        // the text report prints the cut-off as R prints it (`print(quantile(x, 0.6))`: 8.196721, 7 significant digits)
        let table = try Self.table()
        let plan = try CohortPlan(CohortDefinition(name: "top 40", groups: .top(variable: "TMB", percent: 40, within: "tumour_type"),
                                                   endpoint: EndpointSpec(kind: .os)), source: "test")
        let report = try CohortAnalysis.compute(plan: plan, table: table, lines: nil).report(plan: plan, provenance: GroupingTests.provenance, definitionJSON: "{}")
        let row = try #require(report.tables().first { $0.id == "cutoffs" }?.rows.first { $0[0] == "NSCLC" })
        #expect(row[2] == "8.196721" && row[3] == "669", "\(row)")
        #expect(report.tables(full: true).first { $0.id == "cutoffs" }?.rows.first { $0[0] == "NSCLC" }?[2] == "8.19672131147541")
    }
}
