import Foundation
import OncoCore
import Reports
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Small cells (1–4 patients with the default minimum 5) never appear as exact counts, in any output:
/// IDH1 is mutated in exactly 4 of the 507 HNSC patients of the fixture (counted from the MAF).
@Suite struct SuppressionTests {
    static let countKeys: Set<String> = ["n", "events", "censored", "atRisk", "count", "nAbove", "observed"]

    /// Every count-valued JSON field, recursively: (key, value).
    static func counts(in json: Any, key: String? = nil, into out: inout [(String, Any)]) {
        if let d = json as? [String: Any] {
            for (k, v) in d { counts(in: v, key: k, into: &out) }
        } else if let a = json as? [Any] {
            for v in a { counts(in: v, key: key, into: &out) }
        } else if let key, countKeys.contains(key) {
            out.append((key, json))
        }
    }

    @Test(arguments: StoreKind.allCases) func smallCellsAreSuppressedInEveryFormat(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            let plan = try CohortPlan(CohortDefinition(name: "IDH1 in HNSC", population: Population(tumourTypes: ["HNSC"]),
                                                       groups: .mutation(AlterationSpec(gene: "IDH1")),
                                                       endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS"),
                                                       analysis: AnalysisSpec(cox: .init(covariates: [CovariateSpec("age")]))),
                                      source: "test")
            let run = try await CohortStudy.run(plan, store: store, logger: TestWarehouse.logger)
            // the analysis itself sees the real counts …
            #expect(run.analysis.groups.map(\.n) == [503, 4])
            let r = run.report
            // … the report only the suppressed ones
            #expect(r.groups[1].n == .suppressed(below: 5) && r.groups[1].withheld && r.groups[1].median == nil && r.groups[1].survivalAt.isEmpty)
            #expect(r.groups[0].n == .exact(503) && !r.groups[0].withheld)
            #expect(r.curves.map(\.label) == ["IDH1 wild-type"] && r.plotSeries.count == 1)
            #expect(r.cox?.terms.first { $0.level == "IDH1 mutated" }?.n == .suppressed(below: 5))

            // JSON: no count field holds 1…4
            let json = try r.json()
            let obj = try JSONSerialization.jsonObject(with: Data(json.utf8))
            var found: [(String, Any)] = []
            Self.counts(in: obj, into: &found)
            #expect(found.count > 100)
            let leaks = found.filter { ($0.1 as? Int).map { (1...4).contains($0) } ?? false }
            #expect(leaks.isEmpty, "exact small counts in JSON: \(leaks.prefix(5))")
            #expect(json.contains("\"<5\""))

            // CSV: no count column holds 1…4
            let csv = r.csv()
            var csvLeaks: [String] = []
            let countColumns: Set<String> = ["patients", "events", "censored", "at risk", "observed events", "at or above the cut-off",
                                             "patients with a value", "IDH1 wild-type", "IDH1 mutated"]
            for line in csv.split(separator: "\r\n").dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 4, countColumns.contains(f[2]) else { continue }
                if let v = Int(f[3]), (1...4).contains(v) { csvLeaks.append(String(line)) }
            }
            #expect(csvLeaks.isEmpty, "exact small counts in CSV: \(csvLeaks.prefix(5))")
            #expect(csv.contains("groups,2,patients,<5"))

            // text, Markdown, HTML: the mutated group's row shows <5 and withheld estimates
            let text = r.text()
            let textRow = try #require(text.split(separator: "\n").first { $0.contains("IDH1 mutated") && $0.contains("withheld") })
            #expect(textRow.contains("<5") && !textRow.contains(" 4 "))
            let md = r.markdown()
            #expect(md.contains("| IDH1 mutated | \\<5 | \\<5 | \\<5 | withheld | withheld |"))
            let html = r.html()
            #expect(html.contains("<td>IDH1 mutated</td><td class=\"n\">&lt;5</td>"))

            // SVG: the withheld group has no curve; at-risk rows and the forest plot show <5
            let km = try #require(r.kaplanMeierSVG())
            #expect(!km.contains("IDH1 mutated (n=") && km.contains("&lt;5"))
            let forest = try #require(r.forestPlotSVG())
            #expect(forest.contains("group: IDH1 mutated") && forest.contains("&lt;5"))
            // every output embeds the definition and versions
            for out in [text, md, html, json, csv, km, forest] {
                #expect(out.contains(r.provenance.definitionSHA256.prefix(12)))
                #expect(out.contains("warehouse") && out.contains(OncoVersion.current))
            }
        }
    }

    @Test func aHigherMinimumFromTheDefinitionApplies() async throws {
        try await withWarehouse(.sqlite) { store in
            try await TCGAFixture.importStudy(store)
            var d = CohortDefinition(name: "STAG2 in HNSC", population: Population(tumourTypes: ["HNSC"]),
                                     groups: .mutation(AlterationSpec(gene: "STAG2")),
                                     endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS"))
            d.minimumCellCount = 10
            let run = try await CohortStudy.run(try CohortPlan(d, source: "test"), store: store, logger: TestWarehouse.logger)
            #expect(run.analysis.groups[1].n == 5)
            #expect(run.report.groups[1].n == .suppressed(below: 10))
            #expect(run.report.provenance.minimumCellCount == 10)
        }
    }
}
