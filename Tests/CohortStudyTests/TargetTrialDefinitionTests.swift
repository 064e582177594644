import Foundation
import TargetTrial
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// `design: target-trial` in definition files and as `onco cohort` flags: the same protocol either way,
/// every option checked, errors naming the file (or flag) and the field.
@Suite struct TargetTrialDefinitionTests {
    static let example = "synthetic-braf-target-trial.yaml"

    @Test func theExampleResolvesToItsProtocol() throws {
        let d = try CohortDefinition.load(path: RepoPaths.cohorts("studies/\(Self.example)").path)
        let plan = try CohortPlan(d, source: Self.example)
        let t = try #require(plan.targetTrial)
        #expect(t.treatmentDrugs == ["dabrafenib", "trametinib"] && t.treatmentLabel == "dabrafenib + trametinib")
        #expect(t.comparator == .otherLines && t.comparatorLabel == "another line in the same setting")
        let p = t.trialProtocol
        #expect(p.settings == ["1"] && p.weighting == .stabilisedIPTW && p.horizonMonths == 24)
        #expect(p.truncation == TargetTrialProtocol.Truncation(lower: 0.01, upper: 0.99))
        // left out: the protocol's stated defaults
        let defaults = TargetTrialProtocol()
        #expect(p.graceDays == defaults.graceDays && p.covariates == defaults.covariates && p.includeUnknownTiming == defaults.includeUnknownTiming)
        #expect(t.biomarkers == [.proteinChange(gene: "BRAF", hgvsp: "p.V600E")])
        // governance: the fields a project must allow
        #expect(plan.fields == ["tumour_type", "mutations", "os", "therapies", "age", "sex", "stage", "tmb", "performance_status", "specimen_dates"])
        // canonical JSON round-trips (the audit log's definition hash is over it)
        #expect(try CohortDefinition.parse(try d.canonicalJSON(), source: "x", yaml: false) == d)
    }

    @Test func flagsGiveTheSameStudyAsTheFile() throws {
        let file = try CohortDefinition.load(path: RepoPaths.cohorts("studies/\(Self.example)").path)
        var f = CohortFlags()
        f.name = file.name
        f.tumourTypes = ["SKCM"]
        f.altered = ["BRAF:p.V600E"]
        f.line = 1
        f.trial.design = "target-trial"
        f.trial.treatment = "dabrafenib,trametinib"
        f.trial.comparator = "other"
        f.trial.weights = "iptw"
        f.trial.truncate = 99
        f.trial.rmstHorizon = 24
        var fromFlags = try f.apply(to: nil)
        // the flag sets the alteration's status; the file leaves it to its default
        fromFlags.population.alterations = fromFlags.population.alterations.map { var a = $0; a.status = nil; return a }
        #expect(fromFlags == file)
        // --line is the trial's setting, not a line-based endpoint
        #expect(fromFlags.endpoint == EndpointSpec())
    }

    @Test func flagsOverrideAFilesDesignAndEveryOptionReachesTheProtocol() throws {
        let file = try CohortDefinition.load(path: RepoPaths.cohorts("studies/\(Self.example)").path)
        var f = CohortFlags()
        f.trial.comparator = "vemurafenib,cobimetinib"
        f.trial.weights = "overlap"
        f.trial.psCovariates = ["age,sex", "tmb", "line", "ECOG", "start_year"]
        f.trial.graceDays = 30
        f.trial.truncate = 100
        f.trial.rmstHorizon = 36
        f.trial.includeUnknownTiming = true
        f.line = 2
        let plan = try CohortPlan(try f.apply(to: file), source: "x + flags")
        let t = try #require(plan.targetTrial)
        #expect(t.comparator == .drugs(["vemurafenib", "cobimetinib"]) && t.comparatorLabel == "vemurafenib + cobimetinib")
        let p = t.trialProtocol
        #expect(p.weighting == .overlap && p.graceDays == 30 && p.truncation == nil && p.horizonMonths == 36 && p.includeUnknownTiming)
        #expect(p.covariates == [.age, .sex, .logTMB, .setting, .performanceStatus, .startYear])
        #expect(p.settings == ["2"])
        #expect(plan.fields.isSuperset(of: ["age", "sex", "tmb", "therapies", "performance_status"]) && !plan.fields.contains("stage"))
        // line 3 and later are pooled as the protocol's setting 3+
        var g = CohortFlags()
        g.line = 4
        #expect(try CohortPlan(try g.apply(to: file), source: "x").targetTrial?.trialProtocol.settings == ["3+"])
        // --design cohort drops a file's target trial
        var c = CohortFlags()
        c.trial.design = "cohort"
        #expect(try c.apply(to: file).design == nil)
    }

    /// Each bad value is refused with the file (or flags) and the field named.
    @Test(arguments: [
        ("design: {kind: target-trial}", "design.treatment", "is missing"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, weights: ipw}", "design.weights", "\"ipw\" is not iptw or overlap"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, truncate: 40}", "design.truncate", "40 is not a percentile above 50"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, rmstHorizon: 0}", "design.rmstHorizon", "0 is not a number of months"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, graceDays: -1}", "design.graceDays", "-1 is not between 0 and 3653"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, line: 0}", "design.line", "must be 1 or more"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, psCovariates: [age, ecog_score]}", "design.psCovariates[1]", "unknown covariate \"ecog_score\""),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, psCovariates: [age, age]}", "design.psCovariates[1]", "named twice"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, psCovariates: []}", "design.psCovariates", "is empty"),
        ("design: {kind: target-trial, treatment: {class: platinum}}", "design.treatment.class", "name the regimen's drugs"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib], line: 1}}", "design.treatment.line", "give the setting as design.line"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, comparator: {drugs: [erlotinib, carboplatin]}}", "design.comparator", "shares drugs with the treatment (erlotinib)"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, comparator: others}", "design.comparator", "\"others\" is not `other`"),
        ("design: {kind: trial, treatment: {drugs: [erlotinib]}}", "design.kind", "unknown design \"trial\""),
        ("design: {kind: cohort, treatment: {drugs: [erlotinib]}}", "design", "go with kind target-trial"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}, weight: iptw}", "design.weight", "unknown key \"weight\""),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}}\ngroups: {by: mutation, gene: TP53}", "groups", "remove groups"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}}\nendpoint: {kind: pfs}", "endpoint.kind", "overall survival from time zero"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}}\nendpoint: {kind: os, from: line, line: 1}", "endpoint", "from, line and landmark do not apply"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}}\nanalysis: {cox: {covariates: [age]}}", "analysis", "use design.psCovariates"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}}\npopulation: {therapies: [{drugs: [erlotinib]}]}", "population.therapies", "not known at time zero"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}}\npopulation: {alterations: [{gene: EGFR}]}", "population.alterations[0].classes", "a target trial dates each biomarker by its specimen"),
        ("design: {kind: target-trial, treatment: {drugs: [erlotinib]}}\npopulation: {alterations: [{gene: KRAS, status: wildtype}]}", "population.alterations[0].status", "has no date when it became known"),
    ])
    func badDesignsAreRefusedNamingTheField(yaml: String, field: String, message: String) throws {
        let text = "name: t\n" + yaml + "\n"
        let e = #expect(throws: CohortStudyError.self) {
            _ = try CohortPlan(try CohortDefinition.parse(text, source: "bad.yaml", yaml: true), source: "bad.yaml")
        }
        #expect(e?.code == .invalidDefinition)
        #expect(e?.description.hasPrefix("bad.yaml: \(field)") == true, "\(e?.description ?? "no error")")
        #expect(e?.description.contains(message) == true, "\(e?.description ?? "no error")")
    }

    /// The biomarkers the warehouse dates: protein changes, small-variant classes, one alteration kind.
    @Test func populationBiomarkersBecomeDatedCriteria() throws {
        let yaml = """
            name: t
            population:
              alterations:
                - {gene: EGFR, hgvsp: p.L858R}
                - {gene: tp53, classes: [missense, truncating]}
                - {gene: ERBB2, classes: [amplification]}
            design: {kind: target-trial, treatment: {drugs: [erlotinib]}}
            """
        let t = try #require(try CohortPlan(try CohortDefinition.parse(yaml, source: "b.yaml", yaml: true), source: "b.yaml").targetTrial)
        #expect(t.biomarkers == [.proteinChange(gene: "EGFR", hgvsp: "p.L858R"), .consequenceClass(gene: "TP53", classes: ["missense", "truncating"]),
                                 .alteration(gene: "ERBB2", kind: "amplification", partner: nil)])
    }

    /// Bad flags: exit-1 errors naming the flag.
    @Test func badFlagsNameTheFlag() throws {
        var f = CohortFlags()
        f.trial.design = "rct"
        #expect(throws: CohortStudyError.self) { _ = try f.apply(to: nil) }
        do { _ = try f.apply(to: nil) } catch let e as CohortStudyError { #expect(e.location == "--design" && e.message.contains("\"rct\"")) }
        var g = CohortFlags()
        g.tumourTypes = ["LUAD"]
        g.trial.treatment = "erlotinib"
        do {
            _ = try g.apply(to: nil)
            Issue.record("--treatment without --design target-trial was accepted")
        } catch let e as CohortStudyError {
            #expect(e.location == "--treatment" && e.message.contains("--design target-trial"))
        }
        var h = CohortFlags()
        h.trial.design = "cohort"
        h.trial.weights = "overlap"
        do {
            _ = try h.apply(to: nil)
            Issue.record("--weights with --design cohort was accepted")
        } catch let e as CohortStudyError {
            #expect(e.location == "--design")
        }
        // a treatment given as a class through the flag is refused by the plan, naming the field
        var k = CohortFlags()
        k.trial.design = "target-trial"
        k.trial.treatment = "class:platinum"
        let e = #expect(throws: CohortStudyError.self) { _ = try CohortPlan(try k.apply(to: nil), source: "flags") }
        #expect(e?.description.hasPrefix("flags: design.treatment.class") == true)
    }
}
