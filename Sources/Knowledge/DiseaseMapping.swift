import Foundation

/// How one KB disease (a CIViC DOID or name, a MOAlmanac OncoTree code or term) resolves to OncoTree.
///
/// Routes, tried in this order: a reviewed row of `KnowledgeBase/disease_overrides.tsv`; pan-cancer
/// terms (DOID:162 cancer, 'Any solid tumor'); MOAlmanac's own OncoTree code (current or historical);
/// the crosswalk (OncoTree codes whose exact DO term is the item's DOID); an OncoTree node of the same
/// name; the nearest Disease Ontology ancestor that has an OncoTree code (the disease is then a subtype
/// *within* that node). Audited by `onco kb diseases` and `scripts/kb_disease_audit.py`.
public struct DiseaseResolution: Hashable, Sendable, Codable {
    public enum Route: String, Hashable, Sendable, Codable, CaseIterable {
        case override, panCancer = "pan-cancer", oncotreeCode = "oncotree-code", crosswalk, oncotreeName = "oncotree-name"
        case doAncestor = "do-ancestor", unmapped
    }
    /// OncoTree codes the disease equals or covers; `*` = pan-cancer; `-` = reviewed, not a tumour type.
    public var codes: [String]
    /// The disease is a subtype within `codes` (DO-ancestor route), not equal to them.
    public var within: Bool
    public var route: Route
    /// The override's reason, the DO ancestor used, or the crosswalk term.
    public var note: String

    public var isPanCancer: Bool { codes == ["*"] }
    /// Resolves to at least one OncoTree node or to pan-cancer.
    public var isMapped: Bool { codes.contains { $0 != "-" } }
}

/// One row of `KnowledgeBase/disease_overrides.tsv`.
public struct DiseaseOverride: Hashable, Sendable {
    public var key: DiseaseKey
    public var name: String
    public var codes: [String]
    public var reason: String
}

public enum DiseaseOverrides {
    /// Reads the override table; every code must be an OncoTree code (or `*`, `-`) and every row needs a reason.
    public static func load(_ url: URL, oncotree: OncoTree) throws -> [DiseaseKey: DiseaseOverride] {
        let t = try TSVTable(contentsOf: url)
        let cs = try t.column("source"), ck = try t.column("disease_key"), cn = try t.column("disease_name")
        let cc = try t.column("oncotree_codes"), cr = try t.column("reason")
        var out: [DiseaseKey: DiseaseOverride] = [:]
        for (i, r) in t.rows.enumerated() {
            guard let src = EvidenceSource.allCases.first(where: { $0.rawValue.lowercased() == r[cs] }) else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "source", "'\(r[cs])' is neither civic nor moalmanac")
            }
            let codes = r[cc].split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard !codes.isEmpty else { throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "oncotree_codes", "empty") }
            for c in codes where c != "*" && c != "-" && oncotree.nodes[c] == nil {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "oncotree_codes", "'\(c)' is not an OncoTree code")
            }
            guard !r[cr].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "reason", "every override needs a reason")
            }
            let key = DiseaseKey(source: src, key: String(r[ck]))
            guard out[key] == nil else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "disease_key", "'\(r[ck])' appears twice")
            }
            out[key] = DiseaseOverride(key: key, name: String(r[cn]), codes: codes, reason: String(r[cr]))
        }
        return out
    }
}

extension KnowledgeBase {
    /// Resolves every disease of the given evidence items (see `DiseaseResolution`).
    static func resolveDiseases(_ evidence: [EvidenceItem], overrides: [DiseaseKey: DiseaseOverride], oncotree: OncoTree,
                                ontology: DiseaseOntology, crosswalk: OncoTreeDOCrosswalk) -> [DiseaseKey: DiseaseResolution] {
        var byDOID: [String: [String]] = [:]
        for (code, e) in crosswalk.entries where e.match == .exact { byDOID[ontology.canonical(e.doid), default: []].append(code) }
        for k in byDOID.keys { byDOID[k]!.sort() }
        var byName: [String: [String]] = [:]
        for n in oncotree.nodes.values { byName[normaliseDiseaseName(n.name), default: []].append(n.code) }
        var out: [DiseaseKey: DiseaseResolution] = [:]
        for e in evidence {
            let key = e.diseaseKey
            if out[key] != nil { continue }
            out[key] = resolve(key: key, doid: e.doid, name: e.disease, overrides: overrides, oncotree: oncotree,
                               ontology: ontology, byDOID: byDOID, byName: byName)
        }
        return out
    }

    static func normaliseDiseaseName(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
    }

    static let panCancerNames: Set<String> = ["cancer", "solid tumor", "solid tumour", "neoplasm", "any solid tumor", "any cancer type"]

    private static func resolve(key: DiseaseKey, doid: String?, name: String, overrides: [DiseaseKey: DiseaseOverride],
                                oncotree: OncoTree, ontology: DiseaseOntology, byDOID: [String: [String]],
                                byName: [String: [String]]) -> DiseaseResolution {
        if let o = overrides[key] { return DiseaseResolution(codes: o.codes, within: false, route: .override, note: o.reason) }
        let norm = normaliseDiseaseName(name)
        if (doid.map { Indication.panCancerDOIDs.contains(ontology.canonical($0)) } ?? false) || panCancerNames.contains(norm) {
            return DiseaseResolution(codes: ["*"], within: false, route: .panCancer, note: doid ?? name)
        }
        if key.source == .moalmanac, let n = oncotree.node(key.key) {
            return DiseaseResolution(codes: [n.code], within: false, route: .oncotreeCode,
                                     note: n.code == key.key ? "" : "OncoTree history code \(key.key) → \(n.code)")
        }
        if let d = doid, let codes = byDOID[ontology.canonical(d)] {
            return DiseaseResolution(codes: codes, within: false, route: .crosswalk, note: "\(d) \(ontology.term(d)?.name ?? name)")
        }
        if let codes = byName[norm] {
            return DiseaseResolution(codes: codes.sorted(), within: false, route: .oncotreeName, note: name)
        }
        if let d = doid {
            for a in ontology.ancestors(of: d) {
                if Indication.panCancerDOIDs.contains(a) { break }
                if let codes = byDOID[a] {
                    return DiseaseResolution(codes: codes, within: true, route: .doAncestor, note: "\(a) \(ontology.term(a)?.name ?? "?")")
                }
            }
        }
        return DiseaseResolution(codes: [], within: false, route: .unmapped, note: "")
    }
}

/// `onco kb diseases`: how every KB disease resolves to OncoTree.
public struct DiseaseCoverage: Sendable, Codable {
    public struct Row: Sendable, Codable, Hashable {
        public var source: EvidenceSource
        public var key: String
        public var name: String
        /// Accepted evidence items (CIViC) or assertions (MOAlmanac) about the disease.
        public var items: Int
        /// The source's levels present (`A`, `B`, `FDA-Approved`, ...), sorted.
        public var levels: [String]
        public var resolution: DiseaseResolution
        /// Level A/B (CIViC) or FDA-Approved/Guideline/Clinical trial (MOAlmanac) evidence.
        public var hasStrongEvidence: Bool
    }
    public var kbVersion: KBVersion
    public var rows: [Row]
    public var diseases: Int { rows.count }
    public var mapped: Int { rows.filter(\.resolution.isMapped).count }
    public var unmapped: [Row] { rows.filter { !$0.resolution.isMapped } }
    /// Unmapped diseases with level A/B evidence: must be none (a test checks it).
    public var unmappedStrong: [Row] { unmapped.filter(\.hasStrongEvidence) }
    public var itemsMapped: Int { rows.filter(\.resolution.isMapped).reduce(0) { $0 + $1.items } }
    public var items: Int { rows.reduce(0) { $0 + $1.items } }
}

extension KnowledgeBase {
    /// The resolution of one evidence item's disease.
    public func diseaseResolution(_ e: EvidenceItem) -> DiseaseResolution? { diseaseMap[e.diseaseKey] }

    /// Every KB disease with its OncoTree resolution, most items first.
    public func diseaseCoverage() -> DiseaseCoverage {
        var rows: [DiseaseKey: DiseaseCoverage.Row] = [:]
        for e in release.evidence {
            let k = e.diseaseKey
            let strong = e.level == .a || e.level == .b
            if var r = rows[k] {
                r.items += 1
                if !r.levels.contains(e.sourceLevel) { r.levels.append(e.sourceLevel) }
                r.hasStrongEvidence = r.hasStrongEvidence || strong
                rows[k] = r
            } else {
                rows[k] = .init(source: k.source, key: k.key, name: e.disease, items: 1, levels: [e.sourceLevel],
                                resolution: diseaseMap[k] ?? DiseaseResolution(codes: [], within: false, route: .unmapped, note: ""),
                                hasStrongEvidence: strong)
            }
        }
        let sorted = rows.values.map { r -> DiseaseCoverage.Row in var x = r; x.levels.sort(); return x }
            .sorted { ($1.items, $0.source.rawValue, $0.key) < ($0.items, $1.source.rawValue, $1.key) }
        return DiseaseCoverage(kbVersion: version, rows: sorted)
    }
}
