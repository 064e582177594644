import Foundation
import CohortStudy
import Knowledge
import OncoCore
import Recommendation
import Survival
import TargetTrial

/// The tumour-board report of one `Recommendation`, in four formats: a terminal table (`text`),
/// Markdown, self-contained HTML (inline CSS and SVG Kaplan–Meier plots, A4 print rules) and JSON
/// (the names of issue #7: `case`, `kb_version`, `warehouse`, `therapies`, `not_recommended`,
/// `real_world_only`, ...).
///
/// Every patient count goes through the recommendation's `DisclosureControl` (`<5`), and a
/// recommendation drawn from a synthetic warehouse is labelled `SYNTHETIC DATA` in every format.
public struct RecommendationReport: Sendable {
    public let recommendation: Recommendation
    public init(_ recommendation: Recommendation) { self.recommendation = recommendation }

    var r: Recommendation { recommendation }
    var dc: DisclosureControl { recommendation.disclosure }

    /// The banner every format carries for a synthetic warehouse.
    public static let syntheticBanner = "SYNTHETIC DATA"
}

// MARK: shared wording and number formats

extension RecommendationReport {
    /// The real-world methods as run: the emulated target trial of `RealWorldAnalysis`, its settings read
    /// from the protocol the recommendation used (`RealWorldAnalysis.trialProtocol`).
    func methodsRealWorld() -> [String] {
        let p = RealWorldAnalysis.trialProtocol(gates: r.options.gates, includeUnknownTiming: r.options.includeUnknownTiming)
        func n(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(x) }
        func pct(_ x: Double) -> String { n((x * 1000).rounded() / 10) + "%" }
        let grace = p.graceDays == 0 ? "on or before the line's start" : "on or before the line's start or within \(p.graceDays) days after it (the line then enters follow-up on that day: delayed entry)"
        let trunc = p.truncation.map { "truncated at the \(TargetTrialSection.percent($0.lower)) and \(TargetTrialSection.percent($0.upper)) percentiles" } ?? "not truncated"
        let weights = p.weighting == .overlap ? "overlap weights" : "stabilised inverse-probability-of-treatment weights"
        return [
            "Cohort: warehouse patients of the case's OncoTree family (the parent's subtree for level-3+ codes) carrying the matched biomarker (same protein change; same residue for codon rules; same gene and consequence class for gene-level rules; same copy-number or fusion event; TMB ≥ 10/Mb; MSI-H). Real-world-only candidates use the case's nearest neighbours instead.",
            "Design: an emulated target trial (Hernán & Robins 2016) per candidate. Treated: starting a line containing every drug of the therapy, new users only (no earlier line with any of its drugs); comparator: starting another line in the same setting (1, 2, 3+) without its drugs (active comparator). Time zero = the line's start; eligible only when the biomarker was known \(grace), from the specimen's sequencing (else collection) date; patients whose timing is unknown are \(p.includeUnknownTiming ? "included as known at time zero (sensitivity analysis)" : "excluded (counted)"). Each eligible line is one trial entry; every variance is clustered by patient.",
            "Confounding: propensity score by logistic regression on \(p.covariates.map(\.rawValue).joined(separator: ", ")) at time zero (each when recorded for at least half of the entries and not constant; missing values: mean plus a missing indicator); \(weights), \(trunc). Balance: every |SMD| ≤ \(n(p.balanceThreshold)) after weighting; positivity: ≤ \(pct(p.maximumOutsideSupport)) of each arm outside the common support of the propensity score and an effective sample size ≥ \(n(p.minimumEffectiveSampleSize)) per arm.",
            "Outcome and estimates: overall survival from time zero (death; censored at the end of observation). Weighted Kaplan–Meier per arm (medians in months of 30.4375 days); HR from the weighted Cox model coxph(Surv(entry, stop, death) ~ treated, weights = w, cluster = patient) with its cluster-robust 95% interval, the naive (unweighted, unadjusted) HR beside it; RMST difference at \(n(p.horizonMonths)) months; E-value of the HR and of its CI bound nearest 1. Proportional hazards: cox.zph(fit, transform = \"km\") on the weighted fit (case weights, model-based information); a treatment p < 0.05 lowers a strong grade to supportive.",
            "Scope: real-world outcomes are measured for therapies whose lead evidence concerns this indication (exact, broader, pan-cancer or narrower relation) or whose tier is T1/T2; therapies resting on other tumour types' evidence alone are marked not assessed.",
        ]
    }

    func gradeDefinitions() -> [String] {
        let g = r.options.gates
        return [
            "Gates: each arm needs ≥ \(g.minimumPatients) patients and ≥ \(g.minimumEvents) deaths, else no HR or median is shown and the grade is inconclusive.",
            "The grade is read from the weighted (adjusted) HR, and only when the trial is estimated with balance achieved and positivity held; otherwise it is inconclusive with the trial's reasons.",
            "strong: the 95% interval lies entirely on the side the curated evidence claims (benefit: upper < 1; resistance: lower > 1).",
            "supportive: the interval includes 1 but the estimate is meaningful (benefit: HR ≤ 0.8; resistance: HR ≥ 1.25).",
            "discordant: the interval lies entirely on the opposite side.",
            "inconclusive: below the gates, trial not estimable, balance not achieved, positivity not held, or an interval including 1 around an estimate without a meaningful effect.",
            "Real-world evidence only orders therapies that tie on the curated keys: it never lifts a therapy above a better curated tier.",
        ]
    }

    /// `22.1` months, `NR` when not reached.
    static func months(_ x: Double) -> String { x.isNaN ? "NR" : String(format: "%.1f", x) }
    static func ratio(_ x: Double) -> String { x.isFinite ? String(format: "%.2f", x) : "–" }
    static func pValue(_ p: Double) -> String {
        if p.isNaN { return "–" }
        if p < 0.001 { return "< 0.001" }
        return String(format: "%.3f", p)
    }
    static func thousands(_ n: Int) -> String {
        let s = String(n)
        guard n >= 10_000 else { return s }
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
    /// A count as it may be shown: `<5` below the minimum, every other count rounded to a multiple of it
    /// (`DisclosureControl.rounded`, the rule of cohort reports), so no suppressed count can be derived by subtraction.
    func count(_ n: Int) -> String {
        switch dc.rounded(n) {
        case .exact(let r): return Self.thousands(r)
        case let s: return s.description
        }
    }

    /// The neighbour search as the report states it (fewer neighbours than asked for shown as counts are).
    var neighbourLine: String { r.neighbourStatus.description(found: count) }

    /// The disclosure line of the methods section.
    var disclosureNote: String {
        dc.roundingStatement.map { $0.prefix(1).uppercased() + $0.dropFirst() + " (no suppressed count can be derived by subtraction)." }
            ?? "Counts are shown exactly (no small-cell suppression)."
    }

    /// `n 120 · 80 deaths · median 22.1 mo (19.0–25.3)`.
    func armText(_ a: RealWorldArm, showMedian: Bool) -> String {
        var s = "n \(count(a.patients)), \(count(a.events)) deaths"
        if showMedian {
            s += ", median OS \(Self.months(a.medianMonths)) mo (95% CI \(Self.months(a.medianLowerMonths))–\(Self.months(a.medianUpperMonths)))"
        }
        return s
    }

    /// `HR 0.52 (0.41–0.66) strong` or `inconclusive (below the gates)`.
    func realWorldCell(_ t: RankedTherapy) -> String {
        guard let ev = t.realWorld else {
            if t.realWorldUnavailable != nil { return "not assessed" }
            return r.warehouse == nil ? "no warehouse" : "–"
        }
        if let m = ev.model {
            return "HR \(Self.ratio(m.hazardRatio)) (\(Self.ratio(m.lower))–\(Self.ratio(m.upper))) \(ev.grade.rawValue)"
        }
        if ev.treated.patients == 0 { return "not given in cohort" }
        return "\(ev.grade.rawValue) (n \(count(ev.treated.patients)))"
    }

    /// The columns of the ranking tables (text and Markdown; the HTML table adds links and badges).
    static let rankingHeader = ["#", "Therapy", "Tier", "Relation", "Match", "Biomarkers", "Evidence", "Real-world OS (HR vs otherwise)"]

    /// One plain-text row per therapy under `rankingHeader`: rank, name (`(prior)` when previously
    /// received), tier, tumour-type relation, match resolution, biomarkers, evidence levels, real-world cell.
    func rankingRows(_ list: [RankedTherapy]) -> [[String]] {
        list.map { t in
            [String(t.rank), t.name + (t.previouslyReceived.isEmpty ? "" : " (prior)"), t.tier?.description ?? "–",
             t.relation?.rawValue ?? "–", t.resolution?.description ?? "–",
             t.biomarkers.isEmpty ? "–" : t.biomarkers.joined(separator: ", "),
             t.direction == .realWorld ? "–" : Self.levelCounts(t), realWorldCell(t)]
        }
    }

    /// Direction items by level: `A1 B6 D1`.
    static func levelCounts(_ t: RankedTherapy) -> String {
        var c: [String: Int] = [:]
        for e in t.directEvidence { c[e.level, default: 0] += 1 }
        return c.keys.sorted().map { "\($0)\(c[$0]!)" }.joined(separator: " ")
    }

    func caseLine() -> String {
        let s = r.caseSummary.source
        var parts: [String] = []
        parts.append(s.fileName ?? "(no variant file)")
        if let x = s.sample { parts.append("sample \(x)") }
        if let b = s.build { parts.append(b.rawValue) }
        parts.append(s.annotator.map { "\($0) annotation" } ?? "no CSQ/ANN annotation")
        if let rs = s.readSupport { parts.append("read support from \(rs)") }
        return parts.joined(separator: " · ")
    }

    func tumourLine() -> String {
        let c = r.caseSummary.clinical
        var parts = ["\(r.caseSummary.tumourType) \(r.caseSummary.tumourTypeName)"]
        if let a = c.age { parts.append("age \(a)") }
        if let s = c.sex, s != .unknown { parts.append(s.rawValue) }
        if let st = c.stage { parts.append("stage \(st)") }
        if let t = c.tmb { parts.append("TMB \(String(format: "%.1f", t))/Mb") }
        if let m = c.msi { parts.append(m.rawValue) }
        if !c.copyNumber.isEmpty { parts.append(c.copyNumber.map { "\($0.gene) \($0.kind.rawValue)" }.joined(separator: ", ")) }
        if !c.fusions.isEmpty { parts.append(c.fusions.map(\.description).joined(separator: ", ")) }
        parts.append("prior therapy: " + (c.priorTherapies.isEmpty ? "none recorded" : c.priorTherapies.joined(separator: ", ")))
        return parts.joined(separator: " · ")
    }

    /// How copy number, fusions, TMB and MSI were derived from case files (`ClinicalContext.inputMethods`), one line each.
    func inputMethodLines() -> [String] { r.caseSummary.clinical.inputMethods ?? [] }

    func variantsLine() -> String {
        let cs = r.caseSummary
        var s = "\(cs.variantsRead) calls read, \(cs.variantsConsidered) considered"
        if cs.ignoredFiltered > 0 { s += ", \(cs.ignoredFiltered) non-PASS ignored" }
        if let k = cs.source.skipped, k.count > 0 { s += ", \(k.count) malformed VCF record\(k.count == 1 ? "" : "s") skipped (--lenient)" }
        if cs.unannotated > 0 { s += ", \(cs.unannotated) without gene annotation" }
        return s
    }

    func warehouseLine() -> String {
        guard let w = r.warehouse else { return "none configured (curated evidence only)" }
        var s = "\(w.backend) · warehouse version \(w.warehouseVersion) · schema \(w.schemaVersion) · \(count(w.patients)) patients"
        if !w.datasets.isEmpty { s += " · " + w.datasets.joined(separator: ", ") }
        if w.synthetic { s += " · \(Self.syntheticBanner)" }
        return s
    }

    func kbLine() -> String { r.kbVersion.description }

    /// The trace lines of the real-world evidence of one therapy (plain text, one fact per line).
    func realWorldTrace(_ ev: RealWorldEvidence, therapy: String) -> [String] {
        var out: [String] = []
        out.append("cohort: \(ev.cohort.description): \(count(ev.cohort.patients)) patients")
        let setting = ev.settings.isEmpty ? "" : " (line \(ev.settings.joined(separator: ", ")))"
        out.append("treated with \(therapy)\(setting): \(armText(ev.treated, showMedian: ev.gatesPassed))")
        out.append("treated otherwise in the same setting: \(armText(ev.comparator, showMedian: ev.gatesPassed))")
        if let trial = ev.targetTrial, trial.flow.treatedEntries > 0 {
            // the trial: adjusted HR beside the naive one, RMST, E-value, balance, positivity
            out += TargetTrialSection(trial, therapy: therapy, comparator: Self.trialComparatorLabel, minimumCellCount: dc.minimumCount).summaryLines(status: false)
        } else if let m = ev.model {
            out.append("HR \(Self.ratio(m.hazardRatio)) (95% CI \(Self.ratio(m.lower))–\(Self.ratio(m.upper))), p \(Self.pValue(m.pValue)); PH test: treatment p \(Self.pValue(m.proportionalHazardsTreatedP)), global p \(Self.pValue(m.proportionalHazardsGlobalP))")
            out.append("model: \(m.formula) on \(count(m.patients)) lines, \(count(m.events)) deaths")
        }
        out.append("grade: \(ev.grade.rawValue): \(ev.reason)")
        return out
    }

    func versionsLine() -> String {
        var s = "KB \(r.kbVersion.civicRelease)" + (r.kbVersion.moalmanacRelease.map { " + MOAlmanac \($0)" } ?? "") + " (index sha256:\(r.kbVersion.indexChecksum))"
        if let w = r.warehouse { s += " · warehouse version \(w.warehouseVersion) (\(w.backend), schema \(w.schemaVersion))" }
        else { s += " · no warehouse" }
        return s
    }

    /// The trace of one therapy, grouped for reading: items by matched profile (the rule and the case's
    /// alterations once per profile), then conflicts in this indication in full and conflicts from other
    /// tumour types as a list of ids.
    struct TraceGroup {
        var profile: String
        var rule: String
        var ruleKind: String
        var resolution: MatchResolution
        var matched: [String]
        var items: [EvidenceTraceItem]
    }

    static func traceGroups(_ t: RankedTherapy) -> (groups: [TraceGroup], conflictsHere: [EvidenceTraceItem], conflictsElsewhere: [EvidenceTraceItem]) {
        var groups: [TraceGroup] = []
        var here: [EvidenceTraceItem] = [], elsewhere: [EvidenceTraceItem] = []
        for e in t.evidence {
            if e.role == .conflict {
                if e.relation.isSameIndication || e.relation == .narrower { here.append(e) } else { elsewhere.append(e) }
                continue
            }
            if let i = groups.firstIndex(where: { $0.profile == e.profile }) { groups[i].items.append(e) }
            else { groups.append(TraceGroup(profile: e.profile, rule: e.rule, ruleKind: e.ruleKind, resolution: e.resolution,
                                            matched: e.matchedAlterations, items: [e])) }
        }
        return (groups, here, elsewhere)
    }

    static func roleText(_ e: EvidenceTraceItem) -> String {
        switch e.role {
        case .sensitivity: return "sensitivity"
        case .resistance: return e.significance.lowercased()
        case .counterEvidence: return "does not support \(e.significance.lowercased())"
        case .conflict: return "\(e.supports ? "" : "does not support ")\(e.significance.lowercased()) of \(e.kbTherapy)"
        }
    }

    /// `EID1409 level A (5★) T1 sensitivity — Skin Melanoma [exact: SKCM … → DOID:8923 …] PMID 21639808 · 2021-03-31`;
    /// MOAlmanac items add their own level wording (`level A (FDA-Approved)`) and cite the label URL when
    /// there is no PMID/DOI/NCT. For `other` (unrelated) diseases the path only says so.
    static func evidenceLine(_ e: EvidenceTraceItem, withSource: Bool = true) -> String {
        let stars = e.rating.map { " (\($0)★)" } ?? ""
        let own = e.sourceLevel.isEmpty || e.sourceLevel == e.level ? "" : " (\(e.sourceLevel))"
        let path = e.relation == .other ? "other" : "\(e.relation.rawValue): \(e.ontologyPath.joined(separator: " ; "))"
        let cite = citationText(pmids: e.pmids, doi: e.doi, nctIDs: e.nctIDs, url: e.url, source: e.source)
        return "\(withSource ? e.source + " " : "")\(e.id) level \(e.level)\(stars)\(own) \(e.tier) \(roleText(e)) — \(e.disease) [\(path)] \(cite)"
            + (e.date.isEmpty ? "" : " · \(e.date)")
    }

    /// `PMID 123` / `DOI 10.1/x` / `NCT01234567` (any that are known), else the source's URL (an FDA label,
    /// a guideline); `no PMID` for a CIViC item without one.
    static func citationText(pmids: [String], doi: String, nctIDs: [String], url: String, source: String) -> String {
        var parts: [String] = []
        if !pmids.isEmpty { parts.append("PMID " + pmids.joined(separator: ", ")) }
        if !doi.isEmpty { parts.append("DOI \(doi)") }
        if !nctIDs.isEmpty { parts.append(nctIDs.joined(separator: ", ")) }
        if parts.isEmpty { return source == "CIViC" ? "no PMID" : url }
        return parts.joined(separator: " · ")
    }

    /// Per source, the therapy's direct items and best tier, and whether the sources disagree:
    /// `sources: CIViC T1 (2 items) · MOAlmanac T1 (1 item)`; `… · sources disagree: MOAlmanac resistance
    /// MOA66 (T4, …)` when a source without a supporting item argues against the therapy in this
    /// indication while another supports it. nil when one source speaks alone without dissent.
    static func sourceLine(_ t: RankedTherapy) -> String? {
        guard t.direction != .realWorld else { return nil }
        let direct = t.directEvidence
        let sources = Array(Set(t.evidence.map(\.source))).sorted()
        var parts: [String] = []
        for src in sources {
            let mine = direct.filter { $0.source == src }
            guard let best = mine.map(\.tier).min() else { continue }
            parts.append("\(src) \(best) (\(mine.count) item\(mine.count == 1 ? "" : "s"))")
        }
        // Dissent: items of one source arguing against the therapy's direction while another source supports it.
        let against = t.evidence.filter { e in
            switch t.direction {
            case .sensitivity: return e.role == .resistance || e.role == .counterEvidence || e.role == .conflict
            case .resistance: return e.role == .sensitivity
            case .realWorld: return false
            }
        }
        // A source that argues against the therapy in this indication while it has no item for it, and
        // another source supports it: a disagreement between the sources.
        let supporting = Set(direct.map(\.source))
        let dissent = against.filter { a in
            !supporting.contains(a.source) && !supporting.isEmpty && (a.relation.isSameIndication || a.relation == .narrower)
        }
        guard parts.count > 1 || !dissent.isEmpty else { return nil }
        var line = "sources: " + parts.joined(separator: " · ")
        if !dissent.isEmpty {
            line += " · sources disagree: " + dissent.map { "\($0.source) \(roleText($0)) \($0.id) (\($0.tier), \($0.disease))" }.joined(separator: "; ")
        }
        return line
    }

    /// The concise board view: candidates at T1/T2 are shown; T3/T4 (other tumour types, weaker and
    /// preclinical evidence) are collapsed unless `all`.
    static func partition(_ list: [RankedTherapy], all: Bool) -> (shown: [RankedTherapy], collapsed: [RankedTherapy]) {
        if all { return (list, []) }
        return (list.filter { ($0.tier ?? .t4) <= .t2 }, list.filter { ($0.tier ?? .t4) > .t2 })
    }

    /// `6 more candidate therapies at T3/T4 (2 T3: other tumour types or weaker clinical evidence; 4 T4: …)`;
    /// `what` names the list (`candidate therapies`, `resistance entries`).
    static func collapsedSummary(_ list: [RankedTherapy], what: String = "candidate therapies") -> String {
        let t3 = list.filter { $0.tier == .t3 }.count, t4 = list.count - t3
        let singular = ["candidate therapies": "candidate therapy", "resistance entries": "resistance entry"]
        let noun = list.count == 1 ? singular[what] ?? what : what
        var parts: [String] = []
        if t3 > 0 { parts.append("\(t3) T3: other tumour types or weaker clinical evidence") }
        if t4 > 0 { parts.append("\(t4) T4: preclinical or inferential") }
        return "\(list.count) more \(noun) at T3/T4 (\(parts.joined(separator: "; ")))"
    }

    /// The actionable alterations: each matched biomarker behind a T1/T2 therapy or T1/T2 resistance entry,
    /// with the case's alterations and those therapies (`FGFR3 S249C: FGFR3 p.S249C (GRCh37:4:1803568:C>G) → erdafitinib T1`).
    func actionableAlterations() -> [String] {
        var order: [String] = []
        var therapies: [String: [String]] = [:]
        var cases: [String: String] = [:]
        let lists = r.therapies.filter { ($0.tier ?? .t4) <= .t2 }.map { ($0, "") }
            + r.notRecommended.filter { ($0.tier ?? .t4) <= .t2 }.map { ($0, "resistance: ") }
        for (t, prefix) in lists {
            for e in t.directEvidence where e.tier == t.tier {
                if therapies[e.profile] == nil {
                    order.append(e.profile)
                    cases[e.profile] = e.matchedAlterations.map { $0.components(separatedBy: " → ").first ?? $0 }.joined(separator: "; ")
                }
                let label = "\(prefix)\(t.name) \(t.tier?.description ?? "")"
                if !(therapies[e.profile]?.contains(label) ?? false) { therapies[e.profile, default: []].append(label) }
            }
        }
        return order.map { "\($0): \(cases[$0] ?? "") → \(therapies[$0]!.joined(separator: ", "))" }
    }

    /// `prognostic · CIViC EID1234 level B (4★) T2 Poor Outcome — Acute Myeloid Leukemia [exact] · DNMT3A R882H · PMID 1 · 2019-01-01`.
    static func implicationLine(_ i: ImplicationItem) -> String {
        let stars = i.rating.map { " (\($0)★)" } ?? ""
        let own = i.sourceLevel.isEmpty || i.sourceLevel == i.level ? "" : " (\(i.sourceLevel))"
        let cite = citationText(pmids: i.pmids, doi: i.doi, nctIDs: i.nctIDs, url: i.url, source: i.source)
        return "\(i.type.rawValue.lowercased()) · \(i.source) \(i.id) level \(i.level)\(stars)\(own) \(i.tier) \(i.supports ? "" : "does not support ")\(i.significance)"
            + " — \(i.disease) [\(i.relation.rawValue)] · \(i.profile) · \(cite)" + (i.date.isEmpty ? "" : " · \(i.date)")
    }

    /// Diagnostic/prognostic items shown on the first screen (T1/T2), and the rest (collapsed unless `all`).
    func implicationsPartition(all: Bool) -> (shown: [ImplicationItem], collapsed: [ImplicationItem]) {
        if all { return (r.implications, []) }
        return (r.implications.filter { $0.tier <= .t2 }, r.implications.filter { $0.tier > .t2 })
    }

    static func ruleLine(_ g: TraceGroup) -> String {
        "\(g.profile): rule \(g.rule) (\(g.ruleKind), \(g.resolution) match); case \(g.matched.joined(separator: "; "))"
    }

    static func elsewhereLine(_ list: [EvidenceTraceItem]) -> String {
        "\(list.count) conflicting item(s) in other tumour types: " + list.map { "\($0.id) (\($0.kbTherapy), \($0.disease))" }.joined(separator: ", ")
    }
}
