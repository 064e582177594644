import Foundation
import Knowledge
import OncoCore
import Recommendation
import TargetTrial

/// An optional that encodes `nil` as JSON `null` (synthesised `Encodable` would leave the key out).
@propertyWrapper
public struct NullEncoded<T: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: T?
    public init(wrappedValue: T?) { self.wrappedValue = wrappedValue }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = wrappedValue { try c.encode(v) } else { try c.encodeNil() }
    }
}

/// The JSON shape of a recommendation (names as in issue #7, plus more). Counts are integers, or
/// `"<5"` when suppressed; ratios and medians are rounded to 4 decimals; NaN (not reached, not
/// estimable) is `null`.
public struct RecommendationJSON: Encodable, Sendable {
    public struct Case: Encodable, Sendable {
        @NullEncoded var file: String?
        @NullEncoded var sample: String?
        @NullEncoded var build: String?
        @NullEncoded var annotation: String?
        var tumor_type: String
        var tumor_type_name: String
        @NullEncoded var age: Int?
        @NullEncoded var sex: String?
        @NullEncoded var stage: String?
        var prior_therapies: [String]
        @NullEncoded var tmb: Double?
        @NullEncoded var msi: String?
        var copy_number: [String]
        var fusions: [String]
        /// How copy number, fusions, TMB and MSI came from case files; absent when none was given.
        var input_methods: [String]?
        var variants_read: Int
        var variants_considered: Int
        var filtered_ignored: Int
        var unannotated: Int
        @NullEncoded var annotation_warning: String?
        /// Malformed VCF records skipped by `--lenient` (0 for a strict read) and the first reasons.
        var malformed_skipped: Int
        var malformed_skipped_reasons: [String]
    }
    public struct Warehouse: Encodable, Sendable {
        var backend: String
        var schema_version: Int
        var warehouse_version: Int
        var synthetic: Bool
        var patients: SuppressedCount
        var datasets: [String]
    }
    public struct Evidence: Encodable, Sendable {
        var source: String
        var id: String
        var level: String
        /// The source's own wording (`A`, `FDA-Approved`).
        var source_level: String
        var date: String
        var pmids: [String]
        var doi: String
        var nct_ids: [String]
        var citation: String
        var disease: String
        var role: String
        var tier: String
        @NullEncoded var rating: Int?
        var significance: String
        var supports: Bool
        var therapy_as_named: String
        @NullEncoded var doid: String?
        var relation: String
        var ontology_path: [String]
        var profile: String
        var rule: String
        var rule_kind: String
        var resolution: String
        var matched: [String]
        var url: String
    }
    /// A diagnostic or prognostic item (`implications`).
    public struct Implication: Encodable, Sendable {
        var type: String
        var source: String
        var id: String
        var level: String
        var source_level: String
        @NullEncoded var rating: Int?
        var tier: String
        var significance: String
        var supports: Bool
        var disease: String
        var relation: String
        var ontology_path: [String]
        var profile: String
        var pmids: [String]
        var doi: String
        var nct_ids: [String]
        var citation: String
        var url: String
        var date: String
        var statement: String
    }
    public struct Arm: Encodable, Sendable {
        var patients: SuppressedCount
        var events: SuppressedCount
        @NullEncoded var median_months: Double?
        @NullEncoded var median_ci_lower: Double?
        @NullEncoded var median_ci_upper: Double?
    }
    public struct RealWorld: Encodable, Sendable {
        var patients: SuppressedCount
        var events: SuppressedCount
        @NullEncoded var median_months: Double?
        @NullEncoded var hazard_ratio: Double?
        @NullEncoded var ci_lower: Double?
        @NullEncoded var ci_upper: Double?
        var grade: String
        var reason: String
        @NullEncoded var p_value: Double?
        @NullEncoded var ph_p_treated: Double?
        @NullEncoded var ph_p_global: Double?
        @NullEncoded var model: String?
        @NullEncoded var model_lines: SuppressedCount?
        @NullEncoded var model_events: SuppressedCount?
        @NullEncoded var covariates: [String]?
        var cohort: String
        var cohort_kind: String
        var cohort_patients: SuppressedCount
        var settings: [String]
        var gates_passed: Bool
        var treated: Arm
        var comparator: Arm
        /// The whole emulated target trial (counts under the report's disclosure control, curves withheld
        /// when it suppresses; `TargetTrialResult.disclosureKey`).
        @NullEncoded var target_trial: TargetTrialResult?
    }
    public struct TherapyEntry: Encodable, Sendable {
        var rank: Int
        var therapy: String
        var drugs: [String]
        @NullEncoded var tier: String?
        var direction: String
        @NullEncoded var relation: String?
        @NullEncoded var resolution: String?
        var biomarkers: [String]
        var evidence: [Evidence]
        @NullEncoded var real_world: RealWorld?
        @NullEncoded var real_world_unavailable: String?
        var previously_received: [String]
        @NullEncoded var neighbours_treated: SuppressedCount?
        var sort_key: [String: String]
    }
    public struct Neighbours: Encodable, Sendable {
        var status: String
        var description: String
    }
    public struct Methods: Encodable, Sendable {
        var sort_keys: [String]
        var real_world: [String]
        var grades: [String]
        var gates: [String: Int]
        var disclosure_minimum: Int
    }

    var synthetic: Bool
    var onco_version: String
    var `case`: Case
    var kb_version: String
    var kb: [String: String]
    @NullEncoded var warehouse: Warehouse?
    var neighbours: Neighbours
    var actionable: Bool
    var notes: [String]
    var therapies: [TherapyEntry]
    var not_recommended: [TherapyEntry]
    var real_world_only: [TherapyEntry]
    /// Diagnostic and prognostic evidence, never ranked with therapies.
    var implications: [Implication]
    var methods: Methods
}

extension RecommendationReport {
    static func rounded(_ x: Double) -> Double? { x.isFinite ? (x * 10_000).rounded() / 10_000 : nil }

    /// The JSON value (encode it, or use `json()`).
    public func jsonValue() -> RecommendationJSON {
        let cs = r.caseSummary
        let c = cs.clinical
        func arm(_ a: RealWorldArm, _ show: Bool) -> RecommendationJSON.Arm {
            RecommendationJSON.Arm(patients: dc.rounded(a.patients), events: dc.rounded(a.events),
                                   median_months: show ? Self.rounded(a.medianMonths) : nil,
                                   median_ci_lower: show ? Self.rounded(a.medianLowerMonths) : nil,
                                   median_ci_upper: show ? Self.rounded(a.medianUpperMonths) : nil)
        }
        func entry(_ t: RankedTherapy) -> RecommendationJSON.TherapyEntry {
            let rw = t.realWorld.map { ev -> RecommendationJSON.RealWorld in
                RecommendationJSON.RealWorld(
                    patients: dc.rounded(ev.treated.patients), events: dc.rounded(ev.treated.events),
                    median_months: ev.gatesPassed ? Self.rounded(ev.treated.medianMonths) : nil,
                    hazard_ratio: ev.model.flatMap { Self.rounded($0.hazardRatio) },
                    ci_lower: ev.model.flatMap { Self.rounded($0.lower) }, ci_upper: ev.model.flatMap { Self.rounded($0.upper) },
                    grade: ev.grade.rawValue, reason: ev.reason,
                    p_value: ev.model.flatMap { Self.rounded($0.pValue) },
                    ph_p_treated: ev.model.flatMap { Self.rounded($0.proportionalHazardsTreatedP) },
                    ph_p_global: ev.model.flatMap { Self.rounded($0.proportionalHazardsGlobalP) },
                    model: ev.model?.formula, model_lines: ev.model.map { dc.rounded($0.patients) },
                    model_events: ev.model.map { dc.rounded($0.events) }, covariates: ev.model?.covariates,
                    cohort: ev.cohort.description, cohort_kind: ev.cohort.kind.rawValue, cohort_patients: dc.rounded(ev.cohort.patients),
                    settings: ev.settings, gates_passed: ev.gatesPassed,
                    treated: arm(ev.treated, ev.gatesPassed), comparator: arm(ev.comparator, ev.gatesPassed),
                    target_trial: ev.targetTrial)
            }
            let k = t.sortKey
            return RecommendationJSON.TherapyEntry(
                rank: t.rank, therapy: t.name, drugs: t.drugs, tier: t.tier?.description, direction: t.direction.rawValue,
                relation: t.relation?.rawValue, resolution: t.resolution?.description, biomarkers: t.biomarkers,
                evidence: t.evidence.map { e in
                    RecommendationJSON.Evidence(
                        source: e.source, id: e.id, level: e.level, source_level: e.sourceLevel, date: e.date, pmids: e.pmids,
                        doi: e.doi, nct_ids: e.nctIDs, citation: e.citation, disease: e.disease, role: e.role.rawValue,
                        tier: e.tier.description, rating: e.rating, significance: e.significance, supports: e.supports,
                        therapy_as_named: e.kbTherapy, doid: e.doid, relation: e.relation.rawValue, ontology_path: e.ontologyPath,
                        profile: e.profile, rule: e.rule, rule_kind: e.ruleKind, resolution: e.resolution.description,
                        matched: e.matchedAlterations, url: e.url)
                },
                real_world: rw, real_world_unavailable: t.realWorldUnavailable, previously_received: t.previouslyReceived,
                neighbours_treated: t.neighboursTreated.map { dc.rounded($0) },
                sort_key: ["1_resistance_here": String(k.resistanceHere), "2_tier": String(k.tier), "2_guideline_only": String(k.guidelineOnly), "3_relation": String(k.relation),
                           "4_resolution": String(k.resolution), "5_real_world": String(k.realWorld),
                           "6_items_at_best_tier": String(k.itemsAtBestTier), "6_rating_at_best_tier": String(k.ratingAtBestTier),
                           "6_items_total": String(k.itemsTotal)])
        }
        let neighbourStatus: String
        switch r.neighbourStatus {
        case .noWarehouse: neighbourStatus = "no-warehouse"
        case .unavailable: neighbourStatus = "unavailable"
        case .used: neighbourStatus = "used"
        }
        let kv = r.kbVersion
        return RecommendationJSON(
            synthetic: r.isSynthetic, onco_version: r.oncoVersion,
            case: RecommendationJSON.Case(
                file: cs.source.fileName, sample: cs.source.sample, build: cs.source.build?.rawValue, annotation: cs.source.annotator,
                tumor_type: cs.tumourType, tumor_type_name: cs.tumourTypeName, age: c.age, sex: c.sex?.rawValue, stage: c.stage,
                prior_therapies: c.priorTherapies, tmb: c.tmb, msi: c.msi?.rawValue,
                copy_number: c.copyNumber.map { "\($0.gene) \($0.kind.rawValue)" }, fusions: c.fusions.map(\.description),
                input_methods: c.inputMethods, variants_read: cs.variantsRead, variants_considered: cs.variantsConsidered, filtered_ignored: cs.ignoredFiltered,
                unannotated: cs.unannotated, annotation_warning: cs.annotationWarning,
                malformed_skipped: cs.source.skipped?.count ?? 0, malformed_skipped_reasons: cs.source.skipped?.reasons ?? []),
            kb_version: kv.description,
            kb: ["civic_release": kv.civicRelease, "civic_schema": kv.civicSchema.rawValue, "oncotree": kv.oncotree,
                 "disease_ontology": kv.diseaseOntology, "index_sha256": kv.indexChecksum, "civic_sha256": kv.civicChecksum ?? "",
                 "moalmanac_release": kv.moalmanacRelease ?? "", "moalmanac_sha256": kv.moalmanacChecksum ?? ""],
            warehouse: r.warehouse.map { w in
                RecommendationJSON.Warehouse(backend: w.backend, schema_version: w.schemaVersion, warehouse_version: w.warehouseVersion,
                                             synthetic: w.synthetic, patients: dc.rounded(w.patients), datasets: w.datasets)
            },
            neighbours: RecommendationJSON.Neighbours(status: neighbourStatus, description: neighbourLine),
            actionable: r.hasActionableAlteration, notes: r.notes,
            therapies: r.therapies.map(entry), not_recommended: r.notRecommended.map(entry), real_world_only: r.realWorldOnly.map(entry),
            implications: r.implications.map { i in
                RecommendationJSON.Implication(
                    type: i.type.rawValue.lowercased(), source: i.source, id: i.id, level: i.level, source_level: i.sourceLevel,
                    rating: i.rating, tier: i.tier.description, significance: i.significance, supports: i.supports, disease: i.disease,
                    relation: i.relation.rawValue, ontology_path: i.ontologyPath, profile: i.profile, pmids: i.pmids, doi: i.doi,
                    nct_ids: i.nctIDs, citation: i.citation, url: i.url, date: i.date, statement: i.statement)
            },
            methods: RecommendationJSON.Methods(
                sort_keys: RankingPolicy.sortKeys, real_world: methodsRealWorld(), grades: gradeDefinitions(),
                gates: ["minimum_patients_per_arm": r.options.gates.minimumPatients, "minimum_events_per_arm": r.options.gates.minimumEvents],
                disclosure_minimum: dc.minimumCount))
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        // PrettyJSON: the bytes of JSONEncoder [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes], faster
        try PrettyJSON.string(jsonValue(), options: .init(userInfo: [TargetTrialResult.disclosureKey: dc])) + "\n"
    }
}
