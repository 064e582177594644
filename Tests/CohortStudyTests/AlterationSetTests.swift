import Foundation
import OncoCore
import Reports
import Survival
import Testing
import Vocabulary
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Issue #20, point 1: groups by any of several genes / variants / a named set, against R survival on the shipped
/// TCGA subset (scripts/reference/tcga_alteration_sets_reference.R → Tests/Fixtures/cohort/tcga_alteration_sets_reference.json).
@Suite struct AlterationSetTests {
    static func fail(_ f: String, _ m: String) -> CohortStudyError { CohortStudyError(.invalidDefinition, f, m) }

    @Test func yamlAndFlagsMeanTheSameSet() throws {
        let yaml = """
            name: IDH
            population: {tumourTypes: [GB]}
            groups: {by: mutation, genes: [IDH1, IDH2]}
            endpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS}
            """
        let fromYAML = try CohortDefinition.parse(yaml, source: "idh.yaml", yaml: true)
        var f = CohortFlags()
        f.name = "IDH"; f.tumourTypes = ["GB"]; f.groupBy = "mutation:IDH1|IDH2"; f.timeAttribute = "OS_MONTHS"; f.statusAttribute = "OS_STATUS"
        let fromFlags = try f.apply(to: nil)
        #expect(fromYAML.groups == fromFlags.groups)
        #expect(fromYAML.groups == .alterationSet(AlterationSetSpec(genes: ["IDH1", "IDH2"])))
        // canonical JSON round trip; a definition without sets has no new key (its SHA-256 is unchanged)
        let json = try fromYAML.canonicalJSON()
        #expect(json.contains(#""groups":{"by":"mutation","genes":["IDH1","IDH2"]}"#))
        #expect(try CohortDefinition.parse(json, source: "x.json", yaml: false) == fromYAML)
        let old = try CohortDefinition.load(path: RepoPaths.root.appendingPathComponent("Cohorts/studies/tp53-hnsc.yaml").path)
        let oldJSON = try old.canonicalJSON()
        #expect(!oldJSON.contains("alterationSets") && !oldJSON.contains("genes"))
        // one gene stays the one-gene grouping
        f.groupBy = "mutation:IDH1"
        #expect(try f.apply(to: nil).groups == .mutation(AlterationSpec(gene: "IDH1")))
    }

    @Test func flagMembersAndClasses() throws {
        #expect(try CohortFlags.alterationSet("IDH1|IDH2:missense", flag: "--group-by", fail: Self.fail)
                == AlterationSetSpec(genes: ["IDH1", "IDH2"], classes: ["missense"]))
        #expect(try CohortFlags.alterationSet("BRAF:p.V600E|NRAS:p.Q61R", flag: "--group-by", fail: Self.fail)
                == AlterationSetSpec(variants: ["BRAF p.V600E", "NRAS p.Q61R"]))
        let s = try CohortFlags.alterationSet("KRAS|cna:CDKN2A|fusion:ALK", flag: "--group-by", fail: Self.fail)
        let members = try s.members(sets: [:], field: "groups", fail: Self.fail)
        #expect(members.map(\.label) == ["KRAS", "cna:CDKN2A", "fusion:ALK"])
        #expect(members[1].filter.classes == ["amplification", "deletion"] && members[2].filter.classes == ["fusion"])
        #expect(members[0].filter.classes == AlterationFilter.nonSynonymousClasses)
        for bad in ["IDH1", "IDH1||IDH2", "IDH1|"] {
            #expect(throws: CohortStudyError.self) { try CohortFlags.alterationSet(bad, flag: "--group-by", fail: Self.fail) }
        }
    }

    @Test func namedSetsPathwaysAndFiles() throws {
        let rtk = try AlterationSetSpec(set: "RTK-RAS").members(sets: [:], field: "groups", fail: Self.fail)
        #expect(rtk.count == 85 && rtk.contains { $0.label == "KRAS" })
        let own = try AlterationSetSpec(set: "mine").members(sets: ["mine": ["KRAS", "BRAF p.V600E"]], field: "groups", fail: Self.fail)
        #expect(own.map(\.label) == ["KRAS", "BRAF p.V600E"] && own[1].filter.hgvsp == "p.V600E")
        #expect(throws: CohortStudyError.self) { try AlterationSetSpec(set: "nope").members(sets: [:], field: "groups", fail: Self.fail) }
        #expect(throws: CohortStudyError.self) { try AlterationSetSpec(variants: ["KRAS"]).members(sets: [:], field: "groups", fail: Self.fail) }
        #expect(throws: CohortStudyError.self) { try AlterationSetSpec(genes: ["KRAS"], classes: ["bogus"]).members(sets: [:], field: "groups", fail: Self.fail) }
        // a TSV of sets; errors name file and line
        let dir = try makeTemporaryDirectory("onco-sets")
        let tsv = dir.appendingPathComponent("sets.tsv")
        try "# my sets\nRAS\tKRAS,NRAS\tHRAS\nBRAFV600\tBRAF p.V600E\n".write(to: tsv, atomically: true, encoding: .utf8)
        #expect(try CohortFlags.loadAlterationSets(path: tsv.path) == ["RAS": ["KRAS", "NRAS", "HRAS"], "BRAFV600": ["BRAF p.V600E"]])
        var f = CohortFlags()
        f.groupBy = "set:RAS"; f.alterationSetsFile = tsv.path
        let plan = try CohortPlan(try f.apply(to: nil), source: "flags")
        #expect(plan.setMembers.map(\.label) == ["KRAS", "NRAS", "HRAS"] && plan.fields.contains("mutations"))
        #expect(try plan.tableRequest().columns.count == 3)
        try "RAS\n".write(to: tsv, atomically: true, encoding: .utf8)
        do { _ = try CohortFlags.loadAlterationSets(path: tsv.path); Issue.record("a malformed file was read") }
        catch let e as CohortStudyError { #expect(e.location.hasSuffix("sets.tsv: line 1")) }
        let yaml = dir.appendingPathComponent("sets.yaml")
        try "RAS: [KRAS, NRAS]\n".write(to: yaml, atomically: true, encoding: .utf8)
        #expect(try CohortFlags.loadAlterationSets(path: yaml.path) == ["RAS": ["KRAS", "NRAS"]])
    }

    struct Reference: Decodable {
        struct Group: Decodable { let altered: Int, n: Int, events: Int }
        struct Member: Decodable { let member: String, carriers: Int }
        struct LogRank: Decodable { let chisq: Double, df: Int, p: Double }
        struct Cox: Decodable {
            let n: Int, events: Int, coef: [Double], se: [Double], hazard_ratio: [Double], lower: [Double], upper: [Double], p: [Double], loglik: Double
        }
        struct Analysis: Decodable {
            let oncotree_code: String, set: String, genes: [String], n: Int, events: Int, groups: [Group], members: [Member], logrank: LogRank, cox: Cox
        }
        let analyses: [Analysis]
    }

    static func definition(_ ref: Reference.Analysis) -> CohortDefinition {
        // the two-gene sets by genes, the pathway by its name (resolved from the Vocabulary table)
        let spec = ref.set.contains("|") ? AlterationSetSpec(genes: ref.genes) : AlterationSetSpec(set: ref.set)
        return CohortDefinition(name: "\(ref.set) in \(ref.oncotree_code)", population: Population(tumourTypes: [ref.oncotree_code]),
                                groups: .alterationSet(spec), endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS"),
                                analysis: AnalysisSpec(cox: .init(covariates: [CovariateSpec("age")])))
    }

    @Test(arguments: StoreKind.allCases) func matchesR(kind: StoreKind) async throws {
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: RepoPaths.fixture("cohort/tcga_alteration_sets_reference.json")))
        #expect(ref.analyses.map(\.set) == ["IDH1|IDH2", "PIK3CA|PTEN", "PI3K"])
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            for r in ref.analyses {
                let plan = try CohortPlan(Self.definition(r), source: "test")
                let run = try await CohortStudy.run(plan, store: store, options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
                let a = run.analysis
                var worst = 0.0
                func close(_ x: Double, _ y: Double, _ what: String) {
                    worst = max(worst, relativeDifference(x, y))
                    #expect(isClose(x, y, rel: 1e-6), "\(r.set) \(what): onco \(x), R \(y)")
                }
                #expect(a.rows.personIDs.count == r.n && a.groups.map(\.events).reduce(0, +) == r.events)
                #expect(a.groups.map(\.label) == ["\(r.set) wild-type", "\(r.set) altered"])
                for g in r.groups { #expect(a.groups[g.altered].n == g.n && a.groups[g.altered].events == g.events, "\(r.set) group \(g.altered)") }
                // members: R lists every gene of the set (0 carriers for genes outside the fixture's 30)
                let mine = Dictionary(a.setMembers.map { ($0.label, $0.carriers) }, uniquingKeysWith: { x, _ in x })
                #expect(a.setMembers.count == r.members.count)
                for m in r.members { #expect(mine[m.member] == m.carriers, "\(r.set) member \(m.member)") }
                let lr = try #require(a.logRank)
                close(lr.chiSquare, r.logrank.chisq, "log-rank χ²")
                close(lr.pValue, r.logrank.p, "log-rank p")
                let fit = try #require(a.cox)
                #expect(fit.n == r.cox.n && fit.eventCount == r.cox.events)
                let t = fit.coefficientTable
                for j in 0..<2 {
                    close(t[j].coefficient, r.cox.coef[j], "coef[\(j)]"); close(t[j].standardError, r.cox.se[j], "se[\(j)]")
                    close(t[j].hazardRatio, r.cox.hazard_ratio[j], "HR[\(j)]")
                    close(t[j].lower, r.cox.lower[j], "lower[\(j)]"); close(t[j].upper, r.cox.upper[j], "upper[\(j)]")
                    close(t[j].pValue, r.cox.p[j], "p[\(j)]")
                }
                close(fit.logLikelihood, r.cox.loglik, "log-likelihood")
                print("[\(kind)] set \(r.set) in \(r.oncotree_code): largest relative difference to R \(worst)")
                // the report: member counts suppressed/rounded (k = 5), in every format
                let report = run.report
                let k = report.provenance.minimumCellCount
                #expect(k == 5)
                for m in r.members where m.carriers > 0 {
                    let shown = report.setMembers?.first { $0.member == m.member }?.carriers
                    #expect(shown == DisclosureControl(minimumCount: k).rounded(m.carriers), "\(m.member)")
                }
                #expect(report.text().contains("Members of the set") && report.markdown().contains("Members of the set"))
                #expect(report.html().contains("Members of the set") && report.csv().contains("members"))
                #expect(try report.json().contains("\"setMembers\""))
            }
        }
    }

    /// IDH2 has one carrier among the glioblastomas: shown as <5 everywhere, never as 1.
    @Test func smallMemberCountsAreSuppressed() async throws {
        try await withWarehouse(.sqlite) { store in
            try await TCGAFixture.importStudy(store)
            var f = CohortFlags()
            f.tumourTypes = ["GB"]; f.groupBy = "mutation:IDH1|IDH2"; f.timeAttribute = "OS_MONTHS"; f.statusAttribute = "OS_STATUS"
            let run = try await CohortStudy.run(try CohortPlan(try f.apply(to: nil), source: "flags"), store: store,
                                                options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            #expect(run.analysis.setMembers.map { $0.carriers } == [25, 1])
            #expect(run.report.setMembers == [CohortReport.SetMember(member: "IDH1", carriers: .exact(25)),
                                              CohortReport.SetMember(member: "IDH2", carriers: .suppressed(below: 5))])
            let json = try run.report.json()
            #expect(json.contains("\"carriers\" : \"<5\""))
        }
    }
}
