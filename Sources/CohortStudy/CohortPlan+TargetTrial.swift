import Foundation
import OncoCore
import TargetTrial
import Vocabulary
import Warehouse

/// A target-trial design (`DesignSpec`) checked and resolved: drug classes expanded to generic names,
/// every option at its value (given, or the protocol's stated default).
public struct TargetTrialPlan: Sendable, Hashable {
    /// Names a definition may give for the propensity covariates (besides the protocol's own raw values
    /// such as `log-tmb`), and the project field each reads (`ResearchProject.fields`).
    static let covariateAliases: [String: TargetTrialProtocol.Covariate] = [
        "line": .setting, "prior_therapy": .priorTherapyClasses, "prior_therapies": .priorTherapyClasses, "tmb": .logTMB,
        "tumor_type": .tumourType, "ecog": .performanceStatus,
    ]
    /// The protocol's defaults, as the CLI help states them.
    public static let defaultWeighting = TargetTrialProtocol().weighting == .overlap ? "overlap" : "iptw"
    public static let defaultGraceDays = TargetTrialProtocol().graceDays
    /// P of `--truncate` (100: none).
    public static let defaultTruncatePercentile = (TargetTrialProtocol().truncation?.upper ?? 1) * 100
    public static let defaultRMSTHorizonMonths = TargetTrialProtocol().horizonMonths

    static func field(_ c: TargetTrialProtocol.Covariate) -> String {
        switch c {
        case .age: return "age"
        case .sex: return "sex"
        case .stage: return "stage"
        case .setting, .priorTherapyClasses, .startYear: return "therapies"
        case .logTMB: return "tmb"
        case .tumourType: return "tumour_type"
        case .performanceStatus: return "performance_status"
        }
    }

    /// Generic names of the treatment regimen's drugs (a line must contain all of them), and its label
    /// (`dabrafenib + trametinib`).
    public var treatmentDrugs: [String]
    public var treatmentLabel: String { treatmentDrugs.joined(separator: " + ") }
    public var comparator: TargetTrial.Comparator
    /// The comparator as the arms are labelled (`another line in the same setting`, `carboplatin + pemetrexed`).
    public var comparatorLabel: String
    /// The protocol: the definition's values, every other setting at `TargetTrialProtocol`'s stated default.
    public var trialProtocol: TargetTrialProtocol
    /// The population's biomarkers as the warehouse dates them (`LineOutcomeTable.biomarkerKnownDays`:
    /// the day the specimen carrying them was sequenced, else collected).
    public var biomarkers: [BiomarkerCriterion]
    /// The project fields the design reads beyond the population's (lines of therapy, overall survival,
    /// its covariates, and the specimens' dates when eligibility needs a biomarker).
    public var fields: Set<String>

    /// Resolves `d.design` (nil unless it is a target trial).
    /// - Throws: `CohortStudyError.invalidDefinition` naming the field (`design.truncate`).
    static func resolve(_ d: CohortDefinition, fail: (String, String) -> CohortStudyError) throws -> TargetTrialPlan? {
        guard let s = d.design, s.kind == .targetTrial else {
            if let s = d.design, s != DesignSpec(kind: .cohort) {
                throw fail("design", "treatment, comparator and the other design keys go with kind target-trial")
            }
            return nil
        }
        try checkTrialFixes(d, fail: fail)
        let (treated, comparator, comparatorLabel) = try strategies(s, fail: fail)
        let p = try trialProtocol(s, fail: fail)
        let biomarkers = try eligibilityBiomarkers(d, fail: fail)

        var fields: Set<String> = ["therapies", "os"]
        for c in p.covariates { fields.insert(field(c)) }
        if !d.population.alterations.isEmpty { fields.insert("specimen_dates") }
        return TargetTrialPlan(treatmentDrugs: treated, comparator: comparator, comparatorLabel: comparatorLabel, trialProtocol: p,
                               biomarkers: biomarkers, fields: fields)
    }

    /// What a target trial fixes itself: no groups, overall survival from time zero, its own analysis, no
    /// selection on treatment received at any time.
    private static func checkTrialFixes(_ d: CohortDefinition, fail: (String, String) -> CohortStudyError) throws {
        if d.groups != nil { throw fail("groups", "a target trial compares its treatment strategies (design.treatment vs design.comparator); remove groups") }
        let e = d.endpoint
        guard e.kind == .os else { throw fail("endpoint.kind", "a target trial's outcome is overall survival from time zero (os)") }
        if e.from != nil || e.line != nil || e.landmark != nil {
            throw fail("endpoint", "a target trial measures time from time zero, the start of the line; from, line and landmark do not apply")
        }
        let a = d.analysis
        if a.cox != nil || a.logRank != nil || !(a.skip ?? []).isEmpty {
            throw fail("analysis", "a target trial's analysis is its own (weighted Kaplan–Meier and Cox, RMST, E-values); use design.psCovariates, not analysis.cox")
        }
        if !d.population.therapies.isEmpty {
            throw fail("population.therapies", "selects on treatment received at any time, which is not known at time zero; a target trial's eligibility uses only what was known then (use design.treatment, design.comparator and design.line)")
        }
    }

    /// The treated arm's drugs and the comparator (another line in the same setting, or a regimen).
    private static func strategies(_ s: DesignSpec, fail: (String, String) -> CohortStudyError) throws
        -> (treated: [String], comparator: TargetTrial.Comparator, label: String) {
        // A strategy is a regimen: a line containing all of its drugs (a class would ask for every drug of it at once).
        func regimen(_ t: TherapySpec, _ field: String) throws -> [String] {
            if t.line != nil { throw fail("\(field).line", "give the setting as design.line") }
            if t.received != nil { throw fail("\(field).received", "does not apply to a treatment strategy") }
            if t.drugClass != nil { throw fail("\(field).class", "name the regimen's drugs (a line must contain all of them); a class does not apply") }
            return try CohortPlan.drugs(t, extra: [:], field: field, fail: fail)
        }
        guard let t = s.treatment else { throw fail("design.treatment", "is missing (the drugs whose line starts define the treated arm)") }
        let treated = try regimen(t, "design.treatment")
        var comparator = TargetTrial.Comparator.otherLines
        var comparatorLabel = "another line in the same setting"
        if case .therapy(let c)? = s.comparator {
            let drugs = try regimen(c, "design.comparator")
            let shared = Set(drugs).intersection(treated)
            if !shared.isEmpty { throw fail("design.comparator", "shares drugs with the treatment (\(shared.sorted().joined(separator: ", ")))") }
            comparator = .drugs(drugs)
            comparatorLabel = drugs.joined(separator: " + ")
        }
        if let l = s.line, l < 1 { throw fail("design.line", "must be 1 or more") }
        return (treated, comparator, comparatorLabel)
    }

    /// The protocol: the design's values, every other setting at `TargetTrialProtocol`'s default.
    private static func trialProtocol(_ s: DesignSpec, fail: (String, String) -> CohortStudyError) throws -> TargetTrialProtocol {
        var p = TargetTrialProtocol()
        if let l = s.line { p.settings = [l >= 3 ? "3+" : String(l)] }
        if let w = s.weights {
            switch w.lowercased() {
            case "iptw", "stabilised-iptw", "stabilized-iptw": p.weighting = .stabilisedIPTW
            case "overlap": p.weighting = .overlap
            default: throw fail("design.weights", "\"\(w)\" is not iptw or overlap")
            }
        }
        if let given = s.psCovariates {
            guard !given.isEmpty else { throw fail("design.psCovariates", "is empty (leave it out for every known covariate)") }
            var covariates: [TargetTrialProtocol.Covariate] = []
            for (i, c) in given.enumerated() {
                guard let cov = Self.covariate(c) else {
                    throw fail("design.psCovariates[\(i)]", "unknown covariate \"\(c)\" (\(Self.covariateNames.joined(separator: ", ")))")
                }
                guard !covariates.contains(cov) else { throw fail("design.psCovariates[\(i)]", "\"\(c)\" is named twice") }
                covariates.append(cov)
            }
            p.covariates = covariates
        }
        if let g = s.graceDays {
            guard (0...3653).contains(g) else { throw fail("design.graceDays", "\(g) is not between 0 and 3653 days (10 years)") }
            p.graceDays = g
        }
        if let u = s.includeUnknownTiming { p.includeUnknownTiming = u }
        if let t = s.truncate {
            guard t.isFinite, t > 50, t <= 100 else {
                throw fail("design.truncate", "\(CohortAnalysis.numberText(t)) is not a percentile above 50 and at most 100 (99: truncate at the 1st and 99th percentiles; 100: no truncation)")
            }
            p.truncation = t == 100 ? nil : TargetTrialProtocol.Truncation(lower: (100 - t) / 100, upper: t / 100)
        }
        if let h = s.rmstHorizon {
            guard h.isFinite, h > 0, h <= 1200 else {
                throw fail("design.rmstHorizon", "\(CohortAnalysis.numberText(h)) is not a number of months above 0 and at most 1200")
            }
            p.horizonMonths = h
        }
        do { try p.validate() } catch let e as TargetTrialError { throw fail("design.\(e.field)", "\(e.value): \(e.requirement)") }
        return p
    }

    /// Eligibility from what was known at time zero: each biomarker of the population must be datable.
    private static func eligibilityBiomarkers(_ d: CohortDefinition, fail: (String, String) -> CohortStudyError) throws -> [BiomarkerCriterion] {
        var biomarkers: [BiomarkerCriterion] = []
        let small: Set<String> = ["truncating", "missense", "inframeIndel", "splice", "synonymous", "noncoding"]
        let kinds: Set<String> = ["amplification", "deletion", "fusion"]
        if let s = d.population.alterationSets.first {
            throw fail("population.alterations[\(s.name)]", "a target trial dates each biomarker of its eligibility by its specimen; an alteration set (any of several members) is not supported there: select by one alteration per condition, or run the set as a cohort comparison")
        }
        for (i, a) in d.population.alterations.enumerated() {
            let field = "population.alterations[\(i)]"
            if let st = a.status?.lowercased(), ["wildtype", "wild-type", "absent"].contains(st) {
                throw fail("\(field).status", "a wild-type condition has no date when it became known; a target trial's eligibility uses only what was known at time zero")
            }
            if let frame = a.fusionFrame {
                throw fail("\(field).fusionFrame", "\"\(frame)\": a target trial's biomarker dating (LineOutcomeTable) does not read the fusion frame yet; run the frame condition as a cohort comparison")
            }
            if let h = a.hgvsp {
                biomarkers.append(.proteinChange(gene: a.gene.uppercased(), hgvsp: h))
                continue
            }
            let classes = a.resolvedClasses
            if Set(classes).isSubset(of: small) {
                biomarkers.append(.consequenceClass(gene: a.gene.uppercased(), classes: classes))
            } else if classes.count == 1, kinds.contains(classes[0]) {
                biomarkers.append(.alteration(gene: a.gene.uppercased(), kind: classes[0], partner: nil))
            } else {
                throw fail("\(field).classes", "a target trial dates each biomarker by its specimen: give a protein change (\(a.gene):p.L858R), small-variant classes (missense, truncating, inframeIndel, splice) or one of amplification, deletion, fusion, not \(classes.joined(separator: ", "))")
            }
        }
        return biomarkers
    }

    /// Every name `design.psCovariates` accepts for the protocol's covariates (`age`, …, `performance-status`).
    static var covariateNames: [String] { TargetTrialProtocol.Covariate.allCases.map(\.rawValue) }

    /// A covariate by its protocol name (`log-tmb`), with `_` for `-` (`start_year`), or an alias (`tmb`, `line`, `ecog`).
    static func covariate(_ s: String) -> TargetTrialProtocol.Covariate? {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        if let c = covariateAliases[t] { return c }
        return TargetTrialProtocol.Covariate(rawValue: t.replacingOccurrences(of: "_", with: "-"))
    }
}
