import OncoCore

/// How the tumour type of an evidence item relates to the case's tumour type.
public enum TumourTypeRelation: String, Sendable, Hashable, Codable, CaseIterable {
    /// Same disease.
    case exact
    /// The KB disease is an ancestor of the case's (KB 'Lung Non-small Cell Carcinoma' for LUAD):
    /// the same indication.
    case broader
    /// The KB disease is a subtype of the case's (KB 'HER2 positive breast cancer' for BRCA).
    case narrower
    /// Pan-cancer evidence ('Cancer' DOID:162, 'Solid Tumor').
    case panCancer = "pan-cancer"
    /// Another tumour type (or a disease without a DOID).
    case other

    /// Counts as the case's indication for tiering.
    public var isSameIndication: Bool { self == .exact || self == .broader || self == .panCancer }

    /// Better relation first: exact 0, broader 1, pan-cancer 2, narrower 3, other 4.
    public var rank: Int {
        switch self {
        case .exact: return 0
        case .broader: return 1
        case .panCancer: return 2
        case .narrower: return 3
        case .other: return 4
        }
    }
}

/// The case's tumour type resolved against OncoTree and the Disease Ontology, with every DO term
/// that counts as exact, broader or narrower and the path that justifies it.
///
/// Built once per case (`KnowledgeBase.indication(for:)`); `relation(to:)` is then a dictionary look-up.
public struct Indication: Sendable {
    public let code: OncoTreeCode
    public let name: String
    /// DO terms equal to the case type.
    public let exact: Set<String>
    /// DOID → human-readable path (`LUAD = DOID:3910 lung adenocarcinoma is_a DOID:3908 ...`).
    public let paths: [String: (TumourTypeRelation, [String])]
    /// OncoTree ancestors of the case's code, parent first (up to the tissue node).
    public var oncotreeAncestors: [String] = []
    /// OncoTree descendants of the case's code.
    public var oncotreeDescendants: Set<String> = []

    /// Better relation first: exact, broader, pan-cancer, narrower, other.
    static func rank(_ r: TumourTypeRelation) -> Int { r.rank }

    /// The relation of a KB disease resolved to OncoTree (`DiseaseResolution`) to the case's code:
    /// exact when the case's code is one of the disease's codes; broader when one is an OncoTree ancestor
    /// of it (same indication); narrower when one is a descendant, or when the disease is a subtype
    /// *within* the case's code or an ancestor of it; pan-cancer for `*`.
    public func relation(oncotree r: DiseaseResolution, disease: String) -> (TumourTypeRelation, [String]) {
        let via = "\(disease) → OncoTree \(r.codes.joined(separator: ", ")) [\(r.route.rawValue)\(r.note.isEmpty || r.route == .override ? "" : ": \(r.note)")]"
        if r.isPanCancer { return (.panCancer, [via + " (pan-cancer)"]) }
        let codes = Set(r.codes)
        if r.within {
            if let c = ([code.rawValue] + oncotreeAncestors).first(where: codes.contains) ?? r.codes.first(where: oncotreeDescendants.contains) {
                return (.narrower, [via, "\(disease) is a subtype within \(c); case \(code)"])
            }
            return (.other, [via, "not related to \(code) in OncoTree"])
        }
        if codes.contains(code.rawValue) { return (.exact, [via]) }
        if let a = oncotreeAncestors.first(where: codes.contains) {
            let chain = [code.rawValue] + oncotreeAncestors.prefix(through: oncotreeAncestors.firstIndex(of: a)!)
            return (.broader, [via, "OncoTree " + chain.joined(separator: " ⊂ ")])
        }
        if let d = r.codes.first(where: oncotreeDescendants.contains) { return (.narrower, [via, "OncoTree \(d) ⊂ \(code)"]) }
        return (.other, [via, "not related to \(code) in OncoTree"])
    }

    /// DO terms that stand for cancer in general.
    public static let panCancerDOIDs: Set<String> = ["DOID:162", "DOID:14566", "DOID:0050686", "DOID:0050687"]
    public static let panCancerNames: Set<String> = ["cancer", "solid tumor", "solid tumour", "neoplasm"]

    /// The relation of an evidence item's disease to the case, and the ontology path behind it.
    public func relation(doid: String?, disease: String) -> (TumourTypeRelation, [String]) {
        if let doid {
            if Self.panCancerDOIDs.contains(doid) { return (.panCancer, ["\(doid) \(disease) (pan-cancer)"]) }
            if let p = paths[doid] { return p }
            return (.other, ["\(doid) \(disease) is not related to \(code) in OncoTree or the DO cancer slim"])
        }
        if Self.panCancerNames.contains(disease.lowercased()) { return (.panCancer, ["\(disease) (pan-cancer, no DOID)"]) }
        return (.other, ["\(disease) has no DOID"])
    }
}

extension Indication {
    /// Resolves an OncoTree code through the crosswalk (plus overrides), OncoTree ancestry and DO ancestry.
    static func resolve(code: OncoTreeCode, oncotree: OncoTree, ontology: DiseaseOntology,
                        crosswalk: OncoTreeDOCrosswalk) throws -> Indication {
        guard let node = oncotree.node(code.rawValue) else {
            throw KnowledgeError(.unknownTumourType, field: "tumour type", "'\(code.rawValue)' is not an OncoTree code (OncoTree 2025-10-03)")
        }
        var paths: [String: (TumourTypeRelation, [String])] = [:]
        var exact: Set<String> = []
        func name(_ d: String) -> String { "\(d) \(ontology.term(d)?.name ?? "?")" }
        func put(_ d: String, _ r: TumourTypeRelation, _ p: [String]) {
            let d = ontology.canonical(d)
            if Indication.panCancerDOIDs.contains(d) { return }
            if let old = paths[d] {
                // exact beats broader beats narrower; keep the first (shortest) path otherwise
                let rank: [TumourTypeRelation: Int] = [.exact: 0, .broader: 1, .narrower: 2]
                if (rank[old.0] ?? 9) <= (rank[r] ?? 9) { return }
            }
            paths[d] = (r, p)
        }
        let entry = crosswalk.entries[node.code]
        if let e = entry {
            let head = "\(node.code) \(node.name) → \(name(e.doid)) [\(e.source), \(e.match.rawValue)]"
            if e.match == .exact {
                exact.insert(ontology.canonical(e.doid))
                put(e.doid, .exact, [head])
            } else {
                put(e.doid, .broader, [head])
            }
            for a in ontology.ancestors(of: e.doid) {
                let chain = (ontology.path(from: e.doid, to: a) ?? [e.doid, a]).map(name).joined(separator: " is_a ")
                put(a, .broader, [head, chain])
            }
            if e.match == .exact {
                for d in ontology.descendants(of: e.doid) {
                    let chain = (ontology.path(from: d, to: e.doid) ?? [d, e.doid]).map(name).joined(separator: " is_a ")
                    put(d, .narrower, [head, chain])
                }
            }
        }
        // OncoTree ancestors: their DO terms (and DO ancestors) are broader.
        var otChain = [node.code]
        for anc in oncotree.ancestors(of: node.code) {
            otChain.append(anc.code)
            guard let e = crosswalk.entries[anc.code] else { continue }
            let head = "OncoTree \(otChain.joined(separator: " ⊂ ")) → \(name(e.doid)) [\(e.source)]"
            put(e.doid, .broader, [head])
            for a in ontology.ancestors(of: e.doid) {
                let chain = (ontology.path(from: e.doid, to: a) ?? [e.doid, a]).map(name).joined(separator: " is_a ")
                put(a, .broader, [head, chain])
            }
        }
        // Biomarker-defined subtypes (`HER2 positive breast cancer`, `triple-negative breast cancer`) of an
        // organ-level term the case falls under overlap every histology of that organ: narrower.
        for (d, rel) in paths where rel.0 == .broader {
            for sub in ontology.descendants(of: d) where paths[sub] == nil {
                guard let n = ontology.term(sub)?.name.lowercased(),
                      n.contains("positive") || n.contains("negative") else { continue }
                let chain = (ontology.path(from: sub, to: d) ?? [sub, d]).map(name).joined(separator: " is_a ")
                put(sub, .narrower, rel.1 + [chain + " (biomarker-defined subtype)"])
            }
        }
        // OncoTree descendants mapped exactly: narrower.
        for d in oncotree.descendants(of: node.code) {
            guard let e = crosswalk.entries[d], e.match == .exact else { continue }
            put(e.doid, .narrower, ["OncoTree \(d) ⊂ \(node.code) → \(name(e.doid)) [\(e.source)]"])
        }
        var out = Indication(code: OncoTreeCode(node.code), name: node.name, exact: exact, paths: paths)
        out.oncotreeAncestors = oncotree.ancestors(of: node.code).map(\.code)
        out.oncotreeDescendants = Set(oncotree.descendants(of: node.code))
        return out
    }
}
