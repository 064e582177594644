import Foundation
import OncoCore
import Reports
import Survival
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Issue #20, point 1, "group **or select**": a population selected by an alteration set (any member; `wildtype`:
/// none), written as `--altered 'IDH1|IDH2'` / `--altered set:NAME` / `--wild-type ...` or YAML
/// `population.alterations: [{genes: [...]}]`, evaluated in the warehouse's SQL on SQLite and PostgreSQL, against R
/// survival on the shipped TCGA subset (scripts/reference/tcga_population_sets_reference.R →
/// Tests/Fixtures/cohort/tcga_population_sets_reference.json).
@Suite struct PopulationSetTests {
    @Test func flagsAndYAMLMeanTheSameCondition() throws {
        let yaml = """
            name: IDH-mutant glioblastoma by sex
            population:
              tumourTypes: [GB]
              alterations:
                - {genes: [IDH1, IDH2]}
                - {pathway: RTK-RAS, status: wildtype}
                - {gene: TP53}
            groups: {by: variable, variable: sex}
            endpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS}
            """
        let fromYAML = try CohortDefinition.parse(yaml, source: "idh.yaml", yaml: true)
        var f = CohortFlags()
        f.name = "IDH-mutant glioblastoma by sex"; f.tumourTypes = ["GB"]; f.groupBy = "sex"
        f.altered = ["IDH1|IDH2", "TP53"]; f.wildType = ["pathway:RTK-RAS"]
        f.timeAttribute = "OS_MONTHS"; f.statusAttribute = "OS_STATUS"
        let fromFlags = try f.apply(to: nil)
        #expect(fromYAML.population.alterationSets == [AlterationSetSpec(genes: ["IDH1", "IDH2"]),
                                                       AlterationSetSpec(set: "RTK-RAS", status: "wildtype")])
        #expect(fromYAML.population.alterations == [AlterationSpec(gene: "TP53")])
        #expect(fromFlags.population.alterationSets == [AlterationSetSpec(genes: ["IDH1", "IDH2"], status: "mutated"),
                                                        AlterationSetSpec(set: "RTK-RAS", status: "wildtype")])
        #expect(fromFlags.population.alterations == [AlterationSpec(gene: "TP53", status: "mutated")])
        // canonical JSON: the sets in the same `alterations` list, and back
        let json = try fromYAML.canonicalJSON()
        #expect(json.contains(#""alterations":[{"gene":"TP53"},{"genes":["IDH1","IDH2"]},{"set":"RTK-RAS","status":"wildtype"}]"#), "\(json)")
        #expect(try CohortDefinition.parse(json, source: "x.json", yaml: false) == fromYAML)
        // a definition without sets keeps its canonical JSON (its SHA-256 in the audit log)
        let one = CohortDefinition(name: "x", population: Population(alterations: [AlterationSpec(gene: "TP53", classes: ["missense"], status: "mutated")]))
        #expect(try one.canonicalJSON().contains(#""alterations":[{"classes":["missense"],"gene":"TP53","status":"mutated"}]"#))
        // resolved: members, any-of / none-of, the field read
        let plan = try CohortPlan(fromYAML, source: "idh.yaml")
        #expect(plan.criteria.alterationSets.count == 2 && plan.fields.contains("mutations"))
        #expect(plan.criteria.alterationSets[0] == AlterationSetFilter(members: [AlterationFilter(gene: "IDH1"), AlterationFilter(gene: "IDH2")], present: true))
        #expect(plan.criteria.alterationSets[1].present == false && plan.criteria.alterationSets[1].members.count == 85)
        #expect(plan.criteria.alterations == [AlterationFilter(gene: "TP53")])
        // the shipped example is the first R reference analysis, as the flags write it
        let example = try CohortDefinition.load(path: RepoPaths.cohorts("studies/idh-mutant-glioblastoma-by-sex.yaml").path)
        var g = CohortFlags()
        g.tumourTypes = ["GB"]; g.altered = ["IDH1|IDH2"]; g.groupBy = "sex"
        let flags = try g.apply(to: nil)
        #expect(try CohortPlan(example, source: "x").criteria == CohortPlan(flags, source: "x").criteria && example.groups == flags.groups)
        let summary = CohortAnalysis.summary(plan)[0]
        #expect(summary.contains("IDH1|IDH2 altered (any of IDH1, IDH2)") && summary.contains("RTK-RAS wild-type (none of "), "\(summary)")
    }

    @Test func flagForms() throws {
        func population(_ altered: [String], wildType: [String] = []) throws -> Population {
            var f = CohortFlags()
            f.altered = altered; f.wildType = wildType
            return try f.apply(to: nil).population
        }
        #expect(try population(["set:MYSET"]).alterationSets == [AlterationSetSpec(set: "MYSET", status: "mutated")])
        #expect(try population(["IDH1|IDH2:missense"]).alterationSets == [AlterationSetSpec(genes: ["IDH1", "IDH2"], classes: ["missense"], status: "mutated")])
        #expect(try population(["BRAF:p.V600E|KRAS"]).alterationSets == [AlterationSetSpec(genes: ["KRAS"], variants: ["BRAF p.V600E"], status: "mutated")])
        #expect(try population(["KRAS|cna:CDKN2A|fusion:ALK"]).alterationSets[0].genes == ["KRAS", "cna:CDKN2A", "fusion:ALK"])
        // one gene-level member is a one-gene condition of that kind
        #expect(try population(["cna:CDKN2A"]).alterations == [AlterationSpec(gene: "CDKN2A", classes: ["amplification", "deletion"], status: "mutated")])
        #expect(try population([], wildType: ["amp:ERBB2"]).alterations == [AlterationSpec(gene: "ERBB2", classes: ["amplification"], status: "wildtype")])
        #expect(try population(["BRAF:p.V600E"]).alterations == [AlterationSpec(gene: "BRAF", hgvsp: "p.V600E", status: "mutated")])
        for bad in [["set:"], ["IDH1||IDH2"], ["IDH1|"], ["fusion:"]] {
            #expect(throws: CohortStudyError.self, "\(bad)") { try population(bad) }
        }
        // unknown set names and classes are errors naming the population field
        var f = CohortFlags()
        f.altered = ["set:NOPE"]
        do { _ = try CohortPlan(try f.apply(to: nil), source: "flags"); Issue.record("an unknown set was accepted") }
        catch let e as CohortStudyError { #expect(e.location == "flags: population.alterations[NOPE].set", "\(e)") }
        f.altered = ["IDH1|IDH2"]; f.wildType = []
        var d = try f.apply(to: nil)
        d.population.alterationSets[0].status = "maybe"
        #expect(throws: CohortStudyError.self) { try CohortPlan(d, source: "flags") }
        // YAML: one gene and a set in one entry is an error
        #expect(throws: (any Error).self) {
            try CohortDefinition.parse("name: x\npopulation: {alterations: [{gene: TP53, genes: [IDH1]}]}\n", source: "x.yaml", yaml: true)
        }
        #expect(throws: (any Error).self) {
            try CohortDefinition.parse("name: x\npopulation: {alterations: [{genes: [IDH1], sttus: wildtype}]}\n", source: "x.yaml", yaml: true)
        }
    }

    /// A target trial dates each eligibility biomarker by its specimen: a set (any of several) is refused, by field.
    @Test func targetTrialRefusesSets() throws {
        let yaml = """
            name: trial
            population: {tumourTypes: [LUAD], alterations: [{genes: [EGFR, ERBB2]}]}
            design: {kind: target-trial, treatment: {drugs: [osimertinib]}, comparator: other, line: 1}
            """
        let d = try CohortDefinition.parse(yaml, source: "t.yaml", yaml: true)
        do { _ = try CohortPlan(d, source: "t.yaml"); Issue.record("a set in a target trial's population was accepted") }
        catch let e as CohortStudyError { #expect(e.location == "t.yaml: population.alterations[EGFR|ERBB2]" && e.message.contains("target trial"), "\(e)") }
    }

    struct Reference: Decodable {
        struct Group: Decodable {
            let level: String, n: Int, events: Int
            let median: Double?, median_lower: Double?, median_upper: Double?
            let times: [Double], survival: [Double], std_err: [Double], lower: [Double], upper: [Double]
        }
        struct LogRank: Decodable { let chisq: Double, df: Int, p: Double }
        struct Cox: Decodable {
            let n: Int, events: Int, coef: [Double], se: [Double], hazard_ratio: [Double], lower: [Double], upper: [Double], p: [Double], loglik: Double
        }
        struct Analysis: Decodable {
            let oncotree_code: String, set: String, genes: [String], status: String, by: String, n: Int, events: Int
            let groups: [Group], logrank: LogRank, cox: Cox
        }
        let analyses: [Analysis]
    }

    /// The definition of a reference analysis: the two-gene set by flags, the pathway by YAML's `pathway` name.
    static func plan(_ r: Reference.Analysis) throws -> CohortPlan {
        var f = CohortFlags()
        f.name = "\(r.set) \(r.status) in \(r.oncotree_code) by \(r.by)"; f.tumourTypes = [r.oncotree_code]
        f.timeAttribute = "OS_MONTHS"; f.statusAttribute = "OS_STATUS"; f.adjust = ["age"]; f.kmTimes = [6, 12, 24, 36]
        let member = r.set.contains("|") ? r.set : "pathway:\(r.set)"
        if r.status == "altered" { f.altered = [member] } else { f.wildType = [member] }
        f.groupBy = r.by == "sex" ? "sex" : "mutation:\(r.by)"
        return try CohortPlan(try f.apply(to: nil), source: "flags")
    }

    @Test(arguments: StoreKind.allCases) func matchesR(kind: StoreKind) async throws {
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: RepoPaths.fixture("cohort/tcga_population_sets_reference.json")))
        #expect(ref.analyses.map { "\($0.set) \($0.status)" } == ["IDH1|IDH2 altered", "IDH1|IDH2 wildtype", "PI3K altered"])
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            for r in ref.analyses {
                let what = "\(r.set) \(r.status) \(r.oncotree_code) by \(r.by)"
                let run = try await CohortStudy.run(try Self.plan(r), store: store, options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
                let a = run.analysis
                var worst = 0.0
                func close(_ x: Double?, _ y: Double?, _ name: String) {
                    guard let y else { #expect(x == nil || x!.isNaN, "\(what) \(name): R has NA, onco \(String(describing: x))"); return }
                    guard let x, !x.isNaN else { Issue.record("\(what) \(name): onco has none, R \(y)"); return }
                    worst = max(worst, relativeDifference(x, y))
                    #expect(isClose(x, y, rel: 1e-6), "\(what) \(name): onco \(x), R \(y)")
                }
                // the population is the set's carriers (or non-carriers) of the tumour type with an OS
                #expect(a.rows.personIDs.count == r.n && a.groups.map(\.events).reduce(0, +) == r.events, "\(what): n, events")
                #expect(a.groups.count == 2)
                for (g, rg) in zip(a.groups, r.groups) {
                    #expect(g.label.hasSuffix(rg.level) && g.n == rg.n && g.events == rg.events, "\(what) group \(g.label) vs R \(rg.level)")
                    let km = try #require(g.curve)
                    close(km.median.estimate, rg.median, "\(rg.level) median")
                    close(km.median.lower, rg.median_lower, "\(rg.level) median lower")
                    close(km.median.upper, rg.median_upper, "\(rg.level) median upper")
                    let at = km.summary(at: rg.times)
                    #expect(at.map(\.time) == rg.times)
                    for (i, p) in at.enumerated() {
                        close(p.survival, rg.survival[i], "\(rg.level) S(\(rg.times[i]))")
                        close(p.standardError, rg.std_err[i], "\(rg.level) se S(\(rg.times[i]))")
                        close(p.lower, rg.lower[i], "\(rg.level) lower S(\(rg.times[i]))")
                        close(p.upper, rg.upper[i], "\(rg.level) upper S(\(rg.times[i]))")
                    }
                }
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
                print("[\(kind)] population \(what): largest relative difference to R \(worst)")
                // the report says how the population was selected
                #expect(run.report.text().contains(r.status == "altered" ? "\(r.set) altered (any of " : "\(r.set) wild-type (none of "))
            }
        }
    }

    /// `amp:`/`del:`/`fusion:` members read the rows the importer writes from `data_CNA.txt` and `data_sv.txt`
    /// (Tests/Fixtures/warehouse/cna_sv_study, its make_fixture.py states the design), as population conditions and as a
    /// set grouping, on both stores; the expected patients are read from the files here.
    @Test(arguments: StoreKind.allCases) func copyNumberAndFusionMembers(kind: StoreKind) async throws {
        let dir = RepoPaths.fixture("warehouse/cna_sv_study")
        func rows(_ name: String) throws -> [[String]] {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
        let samples = try rows("data_clinical_sample.txt"), cna = try rows("data_CNA.txt"), sv = try rows("data_sv.txt")
        let patients = try rows("data_clinical_patient.txt")
        let sp = samples[0].firstIndex(of: "PATIENT_ID")!, ss = samples[0].firstIndex(of: "SAMPLE_ID")!
        let patientOf = Dictionary(uniqueKeysWithValues: samples.dropFirst().map { ($0[ss], $0[sp]) })
        func copyNumber(_ gene: String, _ value: String) -> Set<String> {
            let row = cna.first { $0[0] == gene }!
            return Set(row.indices.filter { $0 >= 2 && row[$0] == value }.map { patientOf[cna[0][$0]]! })
        }
        func fusion3(_ gene: String) -> Set<String> {   // somatic (or empty status), two different partners; gene = the 3' partner
            let h = sv[0]
            let (s, a, b, st) = (h.firstIndex(of: "Sample_Id")!, h.firstIndex(of: "Site1_Hugo_Symbol")!, h.firstIndex(of: "Site2_Hugo_Symbol")!, h.firstIndex(of: "SV_Status")!)
            return Set(sv.dropFirst().filter { ["SOMATIC", ""].contains($0[st]) && $0[b] == gene && $0[a] != "NA" && $0[a] != $0[b] }.map { patientOf[$0[s]]! })
        }
        let all = Set(patients.dropFirst().map { $0[0] })
        let withOS = Set(patients.dropFirst().filter { $0[patients[0].firstIndex(of: "OS_MONTHS")!] != "NA" && $0[patients[0].firstIndex(of: "OS_STATUS")!] != "NA" }.map { $0[0] })
        let erbb2 = copyNumber("ERBB2", "2"), cdkn2a = copyNumber("CDKN2A", "-2"), alk = fusion3("ALK"), ret = fusion3("RET")
        #expect(erbb2.count == 30 && cdkn2a.count == 2 && alk.count == 12 && ret.count == 1 && all.count == 60)

        try await withWarehouse(kind) { store in
            let importer = CBioPortalImporter(pseudonymizer: try Pseudonymizer(key: TCGAFixture.key), mafBatchSize: 100)
            let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: dir.path))
            _ = try await store.importDataset(d, from: source, progress: nil, logger: TestWarehouse.logger)
            let keys = try TestKeys.both()
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            try await store.setGovernance(GovernanceSettings(enabled: false), keys: keys, logger: TestWarehouse.logger)
            func run(_ f: (inout CohortFlags) -> Void) async throws -> CohortStudy.Run {
                var flags = CohortFlags()
                flags.timeAttribute = "OS_MONTHS"; flags.statusAttribute = "OS_STATUS"
                f(&flags)
                return try await CohortStudy.run(try CohortPlan(try flags.apply(to: nil), source: "flags"), store: store,
                                                 options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            }
            let any = try await run { $0.altered = ["amp:ERBB2|fusion:ALK"] }
            #expect(any.analysis.flow[0].count == erbb2.union(alk).count)
            #expect(any.analysis.rows.personIDs.count == erbb2.union(alk).intersection(withOS).count)
            let none = try await run { $0.wildType = ["del:CDKN2A|fusion:RET"] }
            #expect(none.analysis.flow[0].count == all.subtracting(cdkn2a.union(ret)).count)
            // one gene-level member as a one-gene condition
            let del = try await run { $0.altered = ["del:CDKN2A"] }
            #expect(del.analysis.flow[0].count == cdkn2a.count)
            // a set grouping with the same members: the altered group and the carriers of each member
            let grouped = try await run { $0.groupBy = "mutation:amp:ERBB2|fusion:ALK|del:CDKN2A" }
            let union = erbb2.union(alk).union(cdkn2a).intersection(withOS)
            #expect(grouped.analysis.groups.map(\.n) == [withOS.count - union.count, union.count])
            #expect(grouped.analysis.setMembers.map(\.label) == ["amp:ERBB2", "fusion:ALK", "del:CDKN2A"])
            #expect(grouped.analysis.setMembers.map(\.carriers) == [erbb2, alk, cdkn2a].map { $0.intersection(withOS).count })
            #expect(grouped.report.setMembers?.last == CohortReport.SetMember(member: "del:CDKN2A", carriers: .suppressed(below: 5)))
        }
    }

    /// Carriers ∪ non-carriers of a set = the genotyped patients; an empty warehouse condition selects nobody (or
    /// every genotyped patient); on both stores.
    @Test(arguments: StoreKind.allCases) func anyOfAndNoneOfPartitionTheGenotyped(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            let gb = CohortCriteria(tumourTypes: ["GB"])
            let idh = [AlterationFilter(gene: "IDH1"), AlterationFilter(gene: "IDH2")]
            func ids(_ sets: [AlterationSetFilter], _ alterations: [AlterationFilter] = []) async throws -> Set<Int64> {
                var c = gb
                c.alterationSets = sets; c.alterations = alterations
                return Set(try await store.selectCohort(c, logger: TestWarehouse.logger))
            }
            let any = try await ids([AlterationSetFilter(members: idh)])
            let none = try await ids([AlterationSetFilter(members: idh, present: false)])
            let idh1 = try await ids([], [idh[0]]), idh2 = try await ids([], [idh[1]])
            let genotyped = try await ids([AlterationSetFilter(members: [], present: false)])
            let nobody = try await ids([AlterationSetFilter(members: [])])
            #expect(nobody.isEmpty)
            // the fixture's GB patients with a (sequenced) sample, counted from the file
            let text = try String(contentsOf: TCGAFixture.study.appendingPathComponent("data_clinical_sample.txt"), encoding: .utf8)
            let rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
            let p = rows[0].firstIndex(of: "PATIENT_ID")!, o = rows[0].firstIndex(of: "ONCOTREE_CODE")!
            #expect(genotyped.count == Set(rows.dropFirst().filter { $0[o] == "GB" }.map { $0[p] }).count)
            #expect(any == idh1.union(idh2) && idh2.subtracting(idh1).count == 1 && !idh1.isEmpty)
            #expect(any.isDisjoint(with: none) && any.union(none) == genotyped)
            // two sets: each must hold
            let both = try await ids([AlterationSetFilter(members: idh), AlterationSetFilter(members: [AlterationFilter(gene: "TP53")])])
            let tp53 = try await ids([], [AlterationFilter(gene: "TP53")])
            #expect(both == any.intersection(tp53) && !both.isEmpty)
        }
    }
}
