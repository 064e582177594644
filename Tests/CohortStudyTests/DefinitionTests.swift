import Foundation
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Definitions as files (JSON, YAML) and flags; errors name the file and the field.
@Suite struct DefinitionTests {
    static let examples = ["tp53-hnsc.yaml", "idh1-glioblastoma.json", "tmb-top20-by-cancer-type.yaml", "synthetic-egfr-first-line.yaml",
                           "synthetic-tp53-by-stage.json", "competing-cancer-death-by-type.yaml", "idh1-or-idh2-glioblastoma.yaml",
                           "gene-screen-hnsc.yaml"]

    @Test(arguments: examples) func examplesParseAndPlan(name: String) throws {
        let d = try CohortDefinition.load(path: RepoPaths.cohorts("studies/\(name)").path)
        let plan = try CohortPlan(d, source: name)
        #expect(!plan.fields.isEmpty)
        // canonical JSON round-trips to the same definition
        let again = try CohortDefinition.parse(try d.canonicalJSON(), source: "x", yaml: false)
        #expect(again == d)
    }

    @Test func yamlAndFlagsGiveTheSameStudy() throws {
        let file = try CohortDefinition.load(path: RepoPaths.cohorts("studies/tp53-hnsc.yaml").path)
        var f = CohortFlags()
        f.name = file.name
        f.tumourTypes = ["HNSC"]
        f.groupBy = "mutation:TP53"
        f.endpoint = "study"
        f.timeAttribute = "OS_MONTHS"
        f.statusAttribute = "OS_STATUS"
        f.timeAttributeUnit = "months"
        f.kmTimes = [12, 24, 36, 60]
        f.adjust = ["age"]
        f.ties = "efron"
        var fromFlags = try f.apply(to: nil)
        fromFlags.description = file.description
        #expect(fromFlags == file)
        let plan = try CohortPlan(fromFlags, source: "flags")
        #expect(plan.fields == ["tumour_type", "mutations", "OS_MONTHS", "OS_STATUS", "age"])
        #expect(plan.criteria.tumourTypes.first == "HNSC")
    }

    @Test func flagsBuildEveryKindOfCriterion() throws {
        var f = CohortFlags()
        f.tumourTypes = ["NSCLC"]
        f.stages = ["III,IV"]
        f.age = "40-70"
        f.sex = ["female"]
        f.altered = ["EGFR:p.L858R", "TP53:truncating,missense"]
        f.wildType = ["KRAS"]
        f.tmb = "10-"
        f.therapies = ["class:PD-1/PD-L1 inhibitor@1", "carboplatin"]
        f.diagnosed = "2015-01-01.."
        f.whereAttribute = ["SAMPLE_TYPE=Primary,Metastasis", "FRACTION_GENOME_ALTERED=0.1..0.5"]
        f.top = 20
        f.of = "tmb"
        f.within = "tumour_type"
        f.landmark = "6m"
        let plan = try CohortPlan(try f.apply(to: nil), source: "flags")
        let c = plan.criteria
        #expect(c.tumourTypes.contains("LUAD") && c.tumourTypes.contains("LUSC") && c.tumourTypes.first == "NSCLC")
        #expect(c.stages == [3, 4] && c.age == NumericRange(min: 40, max: 70) && c.sexes == [.female])
        #expect(c.alterations.map(\.gene) == ["EGFR", "TP53", "KRAS"] && c.alterations.map(\.present) == [true, true, false])
        #expect(c.alterations[0].hgvsp == "p.L858R" && c.alterations[1].classes == ["truncating", "missense"])
        #expect(c.tmb == NumericRange(min: 10, max: nil))
        #expect(c.therapies[0].line == 1 && c.therapies[0].drugs.contains("pembrolizumab") && c.therapies[1].drugs == ["carboplatin"])
        #expect(c.diagnosed?.from == Day(year: 2015, month: 1, day: 1) && c.diagnosed?.to == nil)
        #expect(c.attributes == [.oneOf("SAMPLE_TYPE", ["Primary", "Metastasis"]), .range("FRACTION_GENOME_ALTERED", min: 0.1, max: 0.5)])
        #expect(plan.definition.endpoint.landmark == TimeSpan(6, .months))
        #expect(plan.fields.isSuperset(of: ["tumour_type", "stage", "age", "sex", "mutations", "tmb", "therapies", "diagnosis_date",
                                            "SAMPLE_TYPE", "FRACTION_GENOME_ALTERED", "os"]))
    }

    @Test func errorsNameTheFieldAndFile() throws {
        func message(_ text: String, yaml: Bool = true) -> String {
            do {
                _ = try CohortPlan(try CohortDefinition.parse(text, source: "study.yaml", yaml: yaml), source: "study.yaml")
                return "accepted"
            } catch let e as CohortStudyError { return e.description } catch { return "\(error)" }
        }
        #expect(message("name: x\ngroups: {by: top, variable: tmb, percent: 120}") == "study.yaml: groups.percent: must be between 0 and 100 (exclusive)")
        #expect(message("name: x\npopulaton: {}").contains("unknown key \"populaton\""))
        #expect(message("name: x\ngroups: {by: colour}").contains("unknown grouping \"colour\""))
        #expect(message("name: x\npopulation: {tumourTypes: [HNSC], stages: [V]}") == "study.yaml: population.stages: \"V\" is not a stage (0, I, II, III, IV)")
        #expect(message("name: x\nendpoint: {kind: ttnt}") == "study.yaml: endpoint.line: needed for time to next treatment")
        #expect(message("name: x\nendpoint: {kind: study, time: OS_MONTHS}").contains("needs `time` and `status`"))
        #expect(message("name: x\npopulation: {therapies: [{class: magic}]}").contains("unknown drug class \"magic\""))
        #expect(message("name: x\nendpoint: {kind: os, landmark: soon}").contains("endpoint.landmark"))
        #expect(message("{\"name\": \"x\", \"population\": {\"age\": {\"min\": \"old\"}}}", yaml: false).contains("population.age.min: expected a number"))
        #expect(message("name: x\npopulation: {diagnosed: {from: 2015-13-01}}").contains("population.diagnosed.from"))
        #expect(message("groups: {by: mutation, gene: TP53}").contains("missing \"name\""))
    }

    @Test func flagErrorsNameTheFlag() {
        func message(_ edit: (inout CohortFlags) -> Void) -> String {
            var f = CohortFlags()
            edit(&f)
            do { _ = try f.apply(to: nil); return "accepted" } catch { return "\(error)" }
        }
        #expect(message { $0.age = "old" }.hasPrefix("--age:"))
        // numbers follow OncoCore.ExactNumber: no inf, nan, hexadecimal or decimal commas
        for bad in ["inf", "40-inf", "nan-70", "0x28-70", "40,5"] { #expect(message { $0.age = bad }.hasPrefix("--age:"), "\(bad)") }
        #expect(message { $0.tmb = "1e400-" }.hasPrefix("--tmb:"))
        #expect(message { $0.groupBy = "cuts:AGE:50,inf" }.hasPrefix("--group-by:"))
        #expect(message { $0.age = "4e1-7e1" } == "accepted")
        #expect(message { $0.therapies = ["osimertinib@0"] }.hasPrefix("--therapy:"))
        #expect(message { $0.top = 20 }.contains("--top: needs --of"))
        #expect(message { $0.groupBy = "sex"; $0.top = 10; $0.of = "tmb" }.contains("give one grouping"))
        #expect(message { $0.endpoint = "dfs" }.hasPrefix("--endpoint:"))
    }
}
