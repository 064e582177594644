import Foundation
import OncoCore
import Reports
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Small cells (1–4 patients with the default minimum 5) never appear as exact counts, in any output,
/// nor can they be derived by subtracting one shown count from another (complementary protection by
/// rounding): IDH1 is mutated in exactly 4 of the 507 HNSC patients of the fixture (counted from the MAF).
@Suite struct SuppressionTests {
    static let countKeys: Set<String> = ["n", "events", "censored", "atRisk", "count", "nAbove", "observed", "counts"]

    static func smallDifferences(_ xs: [Int], k: Int = 5) -> [(Int, Int)] { ShownCounts.smallDifferences(xs, k: k) }

    /// `text` holds `n` as a number of its own (not part of a longer number or a decimal).
    static func showsNumber(_ text: String, _ n: Int) -> Bool {
        text.range(of: "(?<![0-9.])\(n)(?![0-9]|\\.[0-9])", options: .regularExpression) != nil
    }

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
            let run = try await CohortStudy.run(plan, store: store, options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            // the analysis itself sees the real counts …
            #expect(run.analysis.groups.map(\.n) == [503, 4])
            let r = run.report
            // … the report only the suppressed and rounded ones: 503 wild-type is shown as 505, like the 507 analysed
            #expect(r.groups[1].n == .suppressed(below: 5) && r.groups[1].withheld && r.groups[1].median == nil && r.groups[1].survivalAt.isEmpty)
            #expect(r.groups[0].n == .exact(505) && !r.groups[0].withheld)
            #expect(r.flow.last?.count == .exact(505))
            #expect(r.curves.map(\.label) == ["IDH1 wild-type"] && r.plotSeries.count == 1)
            // the <5 group's hazard ratio is withheld too
            let mutatedTerm = try #require(r.cox?.terms.first { $0.level == "IDH1 mutated" })
            #expect(mutatedTerm.n == .suppressed(below: 5) && mutatedTerm.withheld && mutatedTerm.hazardRatio == nil && mutatedTerm.p == nil)
            // every published curve step holds at least 5 events
            #expect(r.curves[0].points.allSatisfy { if case .exact(let e) = $0.events { return e >= 5 } else { return false } })
            #expect(r.plotSeries[0].censorTimes.isEmpty)
            // the exact counts that are not multiples of 5 (503, 507, events 218, 219, …)
            let a = run.analysis
            var raw = a.flow.map(\.count) + a.groups.flatMap { [$0.n, $0.events, $0.censored] }
            if let fit = a.cox { raw += [fit.n, fit.eventCount] }
            let hidden = Set(raw.filter { $0 >= 5 && $0 % 5 != 0 })
            #expect(hidden.contains(503) && hidden.contains(507))

            // JSON: no count field holds 1…4
            let json = try r.json()
            let obj = try JSONSerialization.jsonObject(with: Data(json.utf8))
            var found: [(String, Any)] = []
            Self.counts(in: obj, into: &found)
            #expect(found.count > 100)
            let leaks = found.filter { ($0.1 as? Int).map { (1...4).contains($0) } ?? false }
            #expect(leaks.isEmpty, "exact small counts in JSON: \(leaks.prefix(5))")
            #expect(json.contains("\"<5\""))
            func ints(_ v: Any) -> [Int] { (v as? Int).map { [$0] } ?? (v as? [Any])?.flatMap(ints) ?? [] }
            let jsonCounts = found.flatMap { ints($0.1) }
            #expect(Self.smallDifferences(jsonCounts).isEmpty, "JSON counts whose difference is 1–4: \(Self.smallDifferences(jsonCounts).prefix(5))")

            // CSV: no count column holds 1…4
            let csv = r.csv()
            var csvLeaks: [String] = []
            var csvCounts: [Int] = []
            let countColumns: Set<String> = ["patients", "events", "censored", "at risk", "observed events", "at or above the cut-off", "at or below the cut-off", "events of interest", "competing events",
                                             "patients with a value", "IDH1 wild-type", "IDH1 mutated"]
            for line in csv.split(separator: "\r\n").dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 4, countColumns.contains(f[2]) else { continue }
                if let v = Int(f[3]) {
                    csvCounts.append(v)
                    if (1...4).contains(v) { csvLeaks.append(String(line)) }
                }
            }
            #expect(csvLeaks.isEmpty, "exact small counts in CSV: \(csvLeaks.prefix(5))")
            #expect(csvCounts.count > 50 && Self.smallDifferences(csvCounts).isEmpty, "CSV counts whose difference is 1–4: \(Self.smallDifferences(csvCounts).prefix(5))")
            #expect(csv.contains("rounded to the nearest multiple of 5"))
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

            // text, Markdown, HTML and SVG, read back per table: no count 1–4 shown, and no two counts of one table
            // (nor the two counts of every table together) differ by 1–4
            var sections: [(format: String, title: String, counts: [Int])] = []
            for (format, tables) in [("text", ShownCounts.textTables(text)), ("markdown", ShownCounts.markdownTables(md)),
                                     ("html", ShownCounts.htmlTables(html))] {
                let titles = tables.map(\.title)
                #expect(titles.count == r.tables().count, "\(format): read \(titles) tables, the report has \(r.tables().map(\.title))")
                for t in tables { sections.append((format, t.title, ShownCounts.counts(t))) }
            }
            for (title, counts) in ShownCounts.kaplanMeierSections(km) { sections.append(("km svg", title, counts)) }
            sections.append(("forest svg", "forest plot", ShownCounts.forestCounts(forest)))
            for format in ["text", "markdown", "html", "km svg", "forest svg"] {
                let all = sections.filter { $0.format == format }.flatMap(\.counts)
                #expect(all.count >= (format.hasSuffix("svg") ? 3 : 15), "\(format): only \(all) read back")
                #expect(ShownCounts.smallCounts(all).isEmpty, "\(format) shows small counts \(ShownCounts.smallCounts(all))")
                #expect(Self.smallDifferences(all).isEmpty, "\(format): counts whose difference is 1–4: \(Self.smallDifferences(all).prefix(5))")
            }
            // the same tables read from text, Markdown and HTML show the same counts as the JSON/CSV
            let textCounts = sections.filter { $0.format == "text" }.map(\.counts)
            #expect(textCounts == sections.filter { $0.format == "markdown" }.map(\.counts))
            #expect(textCounts == sections.filter { $0.format == "html" }.map(\.counts))
            #expect(Set(textCounts.flatMap { $0 }).isSubset(of: Set(csvCounts + jsonCounts)))
            // the log-rank test compares the withheld group: withheld too, in every format
            let lr = try #require(r.logRank)
            #expect(lr.withheld && lr.test == nil && lr.expected == nil)
            #expect(text.contains("χ² withheld") && md.contains("χ² withheld") && html.contains("χ² withheld") && csv.contains("χ² withheld"))
            let jsonLogRank = try #require(((obj as? [String: Any])?["report"] as? [String: Any])?["logRank"] as? [String: Any])
            #expect(jsonLogRank["test"] == nil && jsonLogRank["expected"] == nil && jsonLogRank["withheld"] as? Bool == true, "\(jsonLogRank)")
            // no output shows an exact count that rounding hides (so no subtraction can recover the 4 or its events)
            // (markup: its text only, not coordinates or attributes)
            func textNodes(_ m: String) -> String {
                let re = try! NSRegularExpression(pattern: ">([^<]*)<")
                return re.matches(in: m, range: NSRange(m.startIndex..., in: m)).compactMap { Range($0.range(at: 1), in: m).map { String(m[$0]) } }
                    .joined(separator: "\n")
            }
            for (name, out) in [("text", text), ("markdown", md), ("html", textNodes(html)), ("json", json), ("csv", csv), ("km", textNodes(km)),
                                ("forest", textNodes(forest))] {
                let shown = hidden.filter { Self.showsNumber(out, $0) }
                #expect(shown.isEmpty, "\(name) shows exact counts \(shown.sorted())")
            }
            // the audit entry records the counts as shown
            let entry = try #require(try await store.auditLog(logger: TestWarehouse.logger).last)
            let detail = try #require(try JSONSerialization.jsonObject(with: Data(entry.detail.utf8)) as? [String: Any])
            var auditCounts: [Int] = []
            for key in ["cohortSize", "analysed", "events"] { if let n = detail[key] as? Int { auditCounts.append(n) } }
            for (_, v) in (detail["groups"] as? [String: Any]) ?? [:] { if let n = v as? Int { auditCounts.append(n) } }
            #expect(auditCounts.count >= 3 && Self.smallDifferences(auditCounts).isEmpty && hidden.allSatisfy { !auditCounts.contains($0) },
                    "\(entry.detail)")
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
            let run = try await CohortStudy.run(try CohortPlan(d, source: "test"), store: store, options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            #expect(run.analysis.groups[1].n == 5)
            #expect(run.report.groups[1].n == .suppressed(below: 10))
            #expect(run.report.provenance.minimumCellCount == 10)
        }
    }
}
