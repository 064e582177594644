import Foundation
import OncoCore
import Reports
import Survival
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Issue #20, point 2: `onco cohort screen` against R (scripts/reference/tcga_screen_reference.R →
/// Tests/Fixtures/cohort/tcga_screen_reference.json): per gene the carriers, events, Cox HR (CI, Wald p), log-rank
/// χ² and p, and `p.adjust(method = "BH")` q-values, to a relative 1e-6; governance, audit and suppression.
@Suite struct ScreenTests {
    struct Reference: Decodable {
        struct Gene: Decodable {
            let gene: String, n: Int, events: Int, n_wt: Int, events_wt: Int
            let coef: Double, se: Double, hr: Double, lower: Double, upper: Double, wald_p: Double, chisq: Double, p: Double, q: Double
        }
        struct Screen: Decodable { let oncotree_code: String, min_carriers: Int, n: Int, events: Int, genes: [Gene] }
        let screens: [Screen]
        static func load() throws -> Reference {
            try JSONDecoder().decode(Reference.self, from: Data(contentsOf: RepoPaths.fixture("cohort/tcga_screen_reference.json")))
        }
    }

    static func plan(_ code: String, minCarriers: Int = 10, sets: [String] = []) throws -> CohortPlan {
        var f = CohortFlags()
        f.name = "screen \(code)"; f.tumourTypes = [code]; f.timeAttribute = "OS_MONTHS"; f.statusAttribute = "OS_STATUS"
        f.screen = true; f.minCarriers = minCarriers; f.screenSets = sets
        return try CohortPlan(try f.apply(to: nil), source: "flags")
    }

    @Test(arguments: StoreKind.allCases) func matchesR(kind: StoreKind) async throws {
        let ref = try Reference.load()
        #expect(ref.screens.map(\.oncotree_code) == ["HNSC", "GB"])
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            for s in ref.screens {
                let run = try await CohortStudy.screen(try Self.plan(s.oncotree_code, minCarriers: s.min_carriers), store: store,
                                                       options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
                let r = run.result
                #expect(r.analysed == s.n && r.events == s.events)
                // the same genes tested (onco sorts by p; R by name)
                #expect(r.units.map(\.name).sorted() == s.genes.map(\.gene))
                var worst = 0.0
                for g in s.genes {
                    guard let u = r.units.first(where: { $0.name == g.gene }) else { Issue.record("\(g.gene) not tested"); continue }
                    let c = u.comparison
                    #expect(c.n == g.n && c.events == g.events && c.nOthers == g.n_wt && c.eventsOthers == g.events_wt, "\(g.gene) counts")
                    func close(_ x: Double?, _ y: Double, _ what: String) {
                        guard let x else { Issue.record("\(g.gene) \(what): onco has none, R \(y)"); return }
                        worst = max(worst, relativeDifference(x, y))
                        #expect(isClose(x, y, rel: 1e-6), "\(s.oncotree_code) \(g.gene) \(what): onco \(x), R \(y)")
                    }
                    close(c.coefficient, g.coef, "coef"); close(c.standardError, g.se, "se"); close(c.hazardRatio, g.hr, "HR")
                    close(c.lower, g.lower, "lower"); close(c.upper, g.upper, "upper"); close(c.waldP, g.wald_p, "Wald p")
                    close(c.chiSquare, g.chisq, "log-rank χ²"); close(c.logRankP, g.p, "log-rank p"); close(u.q, g.q, "BH q")
                }
                print("[\(kind)] screen \(s.oncotree_code): \(s.genes.count) genes, largest relative difference to R \(worst)")
                #expect(zip(r.units, r.units.dropFirst()).allSatisfy { $0.comparison.logRankP <= $1.comparison.logRankP })
                // the report, in every format, with the counts rounded (k = 5)
                let report = run.report
                let screen = try #require(report.screen)
                #expect(screen.tested == s.genes.count && screen.rows.count == s.genes.count)
                for row in screen.rows {
                    let g = s.genes.first { $0.gene == row.unit }!
                    #expect(row.carriers == DisclosureControl(minimumCount: 5).rounded(g.n) && row.carrierEvents == DisclosureControl(minimumCount: 5).rounded(g.events))
                }
                #expect(report.text().contains("Screen: genes altered in at least 10 patients"))
                #expect(report.markdown().contains("| gene | carriers |") && report.csv().contains("screen,1,gene,"))
                let html = report.html()
                #expect(html.contains("volcano plot") && html.contains("<circle"))
                #expect(try report.json().contains("\"screen\""))
                #expect(report.screenVolcanoSVG()?.hasPrefix("<?xml") == true)
                // a gene screen has no member counts
                #expect(screen.rows.allSatisfy { $0.members == nil } && !report.text().contains("Members of the screened sets"))
            }
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.filter { $0.action == "cohort.screen" }.count == 2)
        }
    }

    /// A minimum below the small-cell threshold is raised to it; small event counts show as <5.
    @Test func minimumCarriersNeverBelowTheThreshold() async throws {
        try await withWarehouse(.sqlite) { store in
            try await TCGAFixture.importStudy(store)
            let run = try await CohortStudy.screen(try Self.plan("GB", minCarriers: 2), store: store,
                                                   options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            #expect(run.result.minimumCarriers == 5)
            #expect(run.result.units.allSatisfy { $0.comparison.n >= 5 })
            #expect(run.report.notes.contains { $0.contains("raised to the small-cell threshold, 5") })
            let rows = run.report.screen!.rows
            #expect(rows.allSatisfy { if case .exact(let n) = $0.carriers { return n % 5 == 0 } else { return false } })
        }
    }

    @Test func pathwaySetsAreScreenedAsUnions() async throws {
        try await withWarehouse(.sqlite) { store in
            try await TCGAFixture.importStudy(store)
            let run = try await CohortStudy.screen(try Self.plan("HNSC", sets: ["pathways"]), store: store,
                                                   options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            let names = Set(run.result.units.map(\.name))
            #expect(names.isSubset(of: Set(["Cell_Cycle", "Hippo", "MYC", "NOTCH", "NRF2", "PI3K", "RTK-RAS", "TGF-Beta", "TP53", "WNT"])))
            #expect(names.contains("PI3K") && run.report.screen?.unit == "set")
            // PI3K in HNSC: the pathway's carriers are the union of PIK3CA, PIK3R1 and PTEN's (R: 108, tcga_alteration_sets_reference.json)
            #expect(run.result.units.first { $0.name == "PI3K" }?.comparison.n == 108)
        }
    }

    /// A set screen says how many analysed patients carry each member (issue #20, point 1), under the same rounding as
    /// the set's carriers, so no member count can be recovered by subtraction: IDH1|IDH2 in GB has 26 carriers, IDH1 25,
    /// IDH2 1 (R: tcga_alteration_sets_reference.json), shown as 25, 25 and <5 (26 − 25 = 1 is not derivable).
    @Test(arguments: StoreKind.allCases) func setScreensCountEachMember(kind: StoreKind) async throws {
        struct Ref: Decodable {
            struct Member: Decodable { let member: String, carriers: Int }
            struct Analysis: Decodable { let oncotree_code: String, set: String, members: [Member], groups: [Group] }
            struct Group: Decodable { let altered: Int, n: Int }
            let analyses: [Analysis]
        }
        let ref = try JSONDecoder().decode(Ref.self, from: Data(contentsOf: RepoPaths.fixture("cohort/tcga_alteration_sets_reference.json")))
        func expected(_ code: String, _ set: String) -> (n: Int, members: [String: Int]) {
            let a = ref.analyses.first { $0.oncotree_code == code && $0.set == set }!
            return (a.groups[1].n, Dictionary(uniqueKeysWithValues: a.members.filter { $0.carriers > 0 }.map { ($0.member, $0.carriers) }))
        }
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            let keys = try TestKeys.auditOnly()
            let endpoint = EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS")
            let gb = CohortDefinition(name: "IDH in GB", population: Population(tumourTypes: ["GB"]), endpoint: endpoint,
                                      alterationSets: ["IDH1|IDH2": ["IDH1", "IDH2"]], screen: ScreenSpec(minimumCarriers: 10, sets: ["IDH1|IDH2"]))
            let hnsc = CohortDefinition(name: "pathways in HNSC", population: Population(tumourTypes: ["HNSC"]), endpoint: endpoint,
                                        screen: ScreenSpec(minimumCarriers: 10, sets: ["pathways"]))
            let dc = DisclosureControl(minimumCount: 5)
            for (d, code, set) in [(gb, "GB", "IDH1|IDH2"), (hnsc, "HNSC", "PI3K")] {
                let run = try await CohortStudy.screen(try CohortPlan(d, source: "test"), store: store, options: .init(keys: keys), logger: TestWarehouse.logger)
                let want = expected(code, set)
                let unit = try #require(run.result.units.first { $0.name == set })
                #expect(unit.comparison.n == want.n, "\(set) carriers")
                #expect(Dictionary(uniqueKeysWithValues: unit.members.map { ($0.gene, $0.carriers) }) == want.members, "\(set) members")
                // every tested set lists its members; each member count ≤ the set's, and the largest ≥ its share
                for u in run.result.units {
                    #expect(!u.members.isEmpty && u.members.allSatisfy { $0.carriers >= 1 && $0.carriers <= u.comparison.n })
                    #expect(u.members.map(\.carriers).reduce(0, +) >= u.comparison.n, "\(u.name): members cover the carriers")
                }
                // the report: rounded / suppressed as the set's carriers, so every difference is a multiple of k
                let row = try #require(run.report.screen?.rows.first { $0.unit == set })
                #expect(row.carriers == dc.rounded(want.n))
                #expect(row.members == unit.members.map { CohortReport.SetMember(member: $0.gene, carriers: dc.rounded($0.carriers)) })
                for r in run.report.screen!.rows {
                    for c in [r.carriers] + (r.members ?? []).map(\.carriers) {
                        if case .exact(let n) = c { #expect(n % 5 == 0, "\(r.unit): \(n)") }
                    }
                }
                let text = run.report.text()
                #expect(text.contains("Members of the screened sets") && run.report.markdown().contains("| set | member | carriers |"))
                #expect(run.report.csv().contains("screen-members") && run.report.html().contains("Members of the screened sets"))
                #expect(try run.report.json().contains("\"members\""))
            }
            // IDH2's single carrier: <5 in every output, never 1
            let run = try await CohortStudy.screen(try CohortPlan(gb, source: "test"), store: store, options: .init(keys: keys), logger: TestWarehouse.logger)
            let row = try #require(run.report.screen?.rows.first)
            #expect(row.carriers == .exact(25))
            #expect(row.members == [CohortReport.SetMember(member: "IDH1", carriers: .exact(25)), CohortReport.SetMember(member: "IDH2", carriers: .suppressed(below: 5))])
            let json = try run.report.json()
            #expect(json.contains("\"carriers\" : \"<5\"") && !json.contains("\"carriers\" : 1,") && !json.contains("\"carriers\" : 26"))
        }
    }

    @Test(arguments: StoreKind.allCases) func governedAndAudited(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store, governed: true)
            let keys = try TestKeys.both()
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            var noMutations = GovernanceTests.scope
            noMutations.id = "P-HN-02"; noMutations.fields = ["tumour_type", "OS_MONTHS", "OS_STATUS"]
            _ = try await store.addProject(GovernanceTests.scope, keys: keys, logger: TestWarehouse.logger)
            _ = try await store.addProject(noMutations, keys: keys, logger: TestWarehouse.logger)
            try await store.setGovernance(GovernanceSettings(enabled: true), keys: keys, logger: TestWarehouse.logger)
            func refusal(_ project: String?) async throws -> String? {
                do {
                    _ = try await CohortStudy.screen(try Self.plan("HNSC"), store: store,
                                                     options: .init(project: project, today: GovernanceTests.today, keys: try TestKeys.auditOnly()),
                                                     logger: TestWarehouse.logger)
                    return nil
                } catch let e as CohortStudyError where e.code == .refused { return e.message }
            }
            #expect(try await refusal("P-HN-01") == nil)
            #expect(try await refusal(nil)?.contains("name an approved research project") == true)
            #expect(try await refusal("P-HN-02")?.contains("may not use mutations") == true)
            let log = try await store.auditLog(logger: TestWarehouse.logger).map(\.action).filter { $0.hasPrefix("cohort") }
            #expect(log == ["cohort.screen", "cohort.refused", "cohort.refused"])
            // a screen definition is not a cohort run
            await #expect(throws: CohortStudyError.self) {
                _ = try await CohortStudy.run(try Self.plan("HNSC"), store: store, options: .init(project: "P-HN-01", keys: try TestKeys.auditOnly()),
                                              logger: TestWarehouse.logger)
            }
        }
    }

    @Test func definitionsOfScreens() throws {
        let yaml = """
            name: OS by gene in HNSC
            population: {tumourTypes: [HNSC]}
            endpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS}
            screen: {minimumCarriers: 20, classes: [truncating]}
            """
        let d = try CohortDefinition.parse(yaml, source: "s.yaml", yaml: true)
        #expect(d.screen == ScreenSpec(minimumCarriers: 20, classes: ["truncating"]))
        let plan = try CohortPlan(d, source: "s.yaml")
        #expect(plan.screen?.minimumCarriers == 20 && plan.screen?.classes == ["truncating"] && plan.fields.contains("mutations"))
        #expect(try d.canonicalJSON().contains(#""screen":{"classes":["truncating"],"minimumCarriers":20}"#))
        var bad = d
        bad.groups = .mutation(AlterationSpec(gene: "TP53"))
        #expect(throws: CohortStudyError.self) { try CohortPlan(bad, source: "s.yaml") }
        // an unknown key of screen is named
        do {
            _ = try CohortDefinition.parse(yaml.replacingOccurrences(of: "classes: [truncating]", with: "clases: [truncating]"), source: "s.yaml", yaml: true)
            Issue.record("an unknown key was accepted")
        } catch let e as CohortStudyError { #expect(e.message.contains("screen.clases") && e.message.contains("unknown key"), "\(e)") }
    }
}
