import Foundation

/// A loaded MOAlmanac release (the flat `molecular-oncology-almanac.json`, GPL-2.0, shipped unchanged
/// under `KnowledgeBase/moalmanac/`), turned into the same records as CIViC: one evidence item, one
/// variant and one single-variant profile per assertion, ids offset by `EvidenceSource.moalmanacIDOffset`.
public struct MOAlmanacRelease: Sendable {
    /// Newest `last_updated` of any assertion (`2025-12-26`).
    public var releaseDate: String
    /// Assertions kept (not `_deprecated`).
    public var assertions: Int
    public var deprecated: Int
    public var evidence: [EvidenceItem]
    public var variants: [CIViCVariant]
    public var profiles: [MolecularProfile]
}

/// Reads MOAlmanac's flat JSON.
///
/// Levels: `FDA-Approved` and `Guideline` → A, `Clinical trial` → B, `Clinical evidence` → C,
/// `Preclinical` → D, `Inferential` → E (`KnowledgeBase/TIERS.md`). Features become rule names the CIViC
/// rule parser understands: somatic/germline variants by protein change (else cDNA, exon event or gene
/// event), copy number `AMPLIFICATION`/`DELETION`, rearrangements `GENE1-GENE2` or `FUSION`, TMB-high,
/// MSI-high; signatures, knockdowns and aneuploidy are kept as unmatched markers.
public enum MOAlmanacLoader {
    public static let levels: [String: EvidenceLevel] = [
        "FDA-Approved": .a, "Guideline": .a, "Clinical trial": .b, "Clinical evidence": .c, "Preclinical": .d, "Inferential": .e,
    ]
    public static let featureTypes: Set<String> = [
        "Somatic Variant", "Germline Variant", "Copy Number", "Rearrangement", "Mutational Burden", "Microsatellite Stability",
        "Mutational Signature", "Knockdown", "Aneuploidy",
    ]

    /// Loads and validates every assertion.
    /// - Parameter knownDiseaseKeys: MOAlmanac disease keys the override table maps (codes that are not
    ///   current OncoTree codes, 'Any solid tumor').
    /// - Throws: `KnowledgeError` naming the file, the assertion id and the field of the first bad value
    ///   (bad JSON, unknown feature type, missing or unknown OncoTree code, unknown level, ...).
    public static func load(file url: URL, oncotree: OncoTree, knownDiseaseKeys: Set<String>) throws -> MOAlmanacRelease {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KnowledgeError(.fileUnreadable, file: url.path, "cannot read file")
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = ((error as NSError).userInfo["NSDebugDescription"] as? String) ?? "not valid JSON"
            throw KnowledgeError(.badField, file: url.path, "not valid JSON: \(detail)")
        }
        guard let list = json as? [Any] else {
            throw KnowledgeError(.badField, file: url.path, "expected a JSON array of assertions")
        }
        var evidence: [EvidenceItem] = [], variants: [CIViCVariant] = [], profiles: [MolecularProfile] = []
        var newest = "", deprecated = 0
        var seen = Set<Int>()
        for (i, element) in list.enumerated() {
            guard let a = element as? [String: Any] else {
                throw KnowledgeError(.badField, file: url.path, "element \(i + 1) is not a JSON object")
            }
            guard let idValue = a["assertion_id"], let aid = intValue(idValue) else {
                throw KnowledgeError(.badField, file: url.path, field: "assertion_id", "element \(i + 1): missing or not an integer")
            }
            let f = Fields(a: a, id: aid, file: url.path)
            guard seen.insert(aid).inserted else { throw f.error("assertion_id", "appears twice") }
            if try f.flag("_deprecated") == true { deprecated += 1; continue }
            let featureType = try f.string("feature_type")
            guard featureTypes.contains(featureType) else {
                throw f.error("feature_type", "unknown feature type '\(featureType)' (expected one of \(featureTypes.sorted().joined(separator: ", ")))")
            }
            let code = try f.string("oncotree_code"), term = try f.string("oncotree_term"), disease = try f.string("disease")
            if !code.isEmpty {
                guard oncotree.node(code) != nil || knownDiseaseKeys.contains(code) else {
                    throw f.error("oncotree_code", "'\(code)' is not an OncoTree code (OncoTree \(oncotree.nodes.count) nodes) nor in disease_overrides.tsv")
                }
            } else if !knownDiseaseKeys.contains(term.isEmpty ? disease : term) && !KnowledgeBase.panCancerNames.contains(KnowledgeBase.normaliseDiseaseName(term)) {
                throw f.error("oncotree_code", "missing OncoTree code for disease '\(term.isEmpty ? disease : term)'")
            }
            let levelText = try f.string("predictive_implication")
            guard let level = levels[levelText] else {
                throw f.error("predictive_implication", "unknown level '\(levelText)' (expected \(levels.keys.sorted().joined(separator: ", ")))")
            }
            // What the assertion says.
            let therapyName = try f.string("therapy_name")
            let drugs = therapyName.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let sensitive = try f.flag("therapy_sensitivity"), resistant = try f.flag("therapy_resistance")
            let prognosis = try f.flag("favorable_prognosis")
            let adverse = try f.optionalFlag("adverse_event_risk"), diagnostic = try f.optionalFlag("diagnostic")
            let type: EvidenceType, significance: String, direction: EvidenceDirection
            if !drugs.isEmpty, resistant == true {
                (type, significance, direction) = (.predictive, "Resistance", .supports)
            } else if !drugs.isEmpty, let s = sensitive {
                (type, significance, direction) = (.predictive, "Sensitivity/Response", s ? .supports : .doesNotSupport)
            } else if !drugs.isEmpty, adverse == true {
                (type, significance, direction) = (.predictive, "Adverse Response", .supports)
            } else if let p = prognosis {
                (type, significance, direction) = (.prognostic, p ? "Better Outcome" : "Poor Outcome", .supports)
            } else if diagnostic == true {
                (type, significance, direction) = (.diagnostic, "Positive", .supports)
            } else {
                throw f.error("therapy_sensitivity", "no implication: therapy_sensitivity, therapy_resistance, adverse_event_risk, favorable_prognosis and diagnostic are all empty (or no therapy named)")
            }
            let (gene, name, origin) = try variantName(featureType, f)
            let id = EvidenceSource.moalmanacIDOffset + aid
            var v = CIViCVariant(id: id, gene: gene, entrezID: "", name: name, chromosome: "", start: nil, stop: nil,
                                 referenceBases: "", variantBases: "", representativeTranscript: "", referenceBuild: "",
                                 chromosome2: "", start2: nil, stop2: nil, variantTypes: [featureType], hgvsExpressions: [],
                                 aliases: [], groups: [])
            if featureType.hasSuffix("Variant"), let chrom = try f.optionalString("chromosome"), !chrom.isEmpty,
               let start = try f.optionalInt("start_position"), let ref = try f.optionalString("reference_allele"),
               let alt = try f.optionalString("alternate_allele"), !ref.isEmpty || !alt.isEmpty {
                // MOAlmanac coordinates are GRCh37 (b37), like CIViC's; '-' marks an empty allele.
                v.chromosome = chrom; v.start = start; v.stop = try f.optionalInt("end_position") ?? start
                v.referenceBases = ref == "-" ? "" : ref; v.variantBases = alt == "-" ? "" : alt; v.referenceBuild = "GRCh37"
            }
            variants.append(v)
            profiles.append(MolecularProfile(id: id, name: gene.isEmpty ? name : "\(gene) \(name)", variantIDs: [id], op: .single))
            let context = try f.string("context")
            let description = try f.string("description")
            let nct = try f.string("nct")
            let updated = try f.string("last_updated")
            newest = max(newest, updated)
            evidence.append(EvidenceItem(
                id: id, profileID: id, disease: term.isEmpty ? disease : term, doid: nil, drugNames: drugs,
                interaction: drugs.count > 1 ? .combination : nil, type: type, direction: direction, level: level,
                significance: significance, rating: nil, sourceType: try f.string("source_type"), citationID: try f.string("pmid"),
                citation: try f.string("citation"), nctIDs: nct.isEmpty ? [] : [nct], variantOrigin: origin,
                statement: context.isEmpty ? description : "[\(context)] \(description)", lastReview: updated,
                source: .moalmanac, sourceLevel: levelText, publicationDate: try f.string("publication_date"),
                sourceURL: try f.string("url"), doi: try f.string("doi"), oncotreeCode: code))
        }
        guard !evidence.isEmpty else { throw KnowledgeError(.badField, file: url.path, "no assertions") }
        return MOAlmanacRelease(releaseDate: newest, assertions: evidence.count, deprecated: deprecated, evidence: evidence,
                                variants: variants, profiles: profiles)
    }

    /// (gene, CIViC-style variant name, origin) for a feature.
    static func variantName(_ type: String, _ f: Fields) throws -> (String, String, String) {
        switch type {
        case "Somatic Variant", "Germline Variant":
            let gene = try f.string("gene")
            guard !gene.isEmpty else { throw f.error("gene", "a variant feature needs a gene") }
            let origin = type == "Somatic Variant" ? "Somatic" : "Germline"
            let protein = try f.optionalString("protein_change") ?? ""
            if !protein.isEmpty { return (gene, protein.hasPrefix("p.") ? String(protein.dropFirst(2)) : protein, origin) }
            let cdna = try f.optionalString("cdna_change") ?? ""
            if !cdna.isEmpty { return (gene, cdna, origin) }
            let annotation = (try f.optionalString("variant_annotation") ?? "").lowercased()
            let exon = try f.optionalString("exon") ?? ""
            if !exon.isEmpty {
                let event = annotation == "deletion" ? "DELETION" : annotation == "insertion" ? "INSERTION" : "MUTATION"
                return (gene, "EXON \(exon) \(event)", origin)
            }
            switch annotation {
            case "nonsense", "splice site": return (gene, "TRUNCATING MUTATION", origin)
            case "frameshift": return (gene, "FRAMESHIFT MUTATION", origin)
            default: return (gene, "MUTATION", origin)
            }
        case "Copy Number":
            let gene = try f.string("gene"), dir = try f.string("direction")
            guard !gene.isEmpty else { throw f.error("gene", "a copy-number feature needs a gene") }
            switch dir.lowercased() {
            case "amplification": return (gene, "AMPLIFICATION", "Somatic")
            case "deletion": return (gene, "DELETION", "Somatic")
            default: throw f.error("direction", "unknown copy-number direction '\(dir)' (expected Amplification or Deletion)")
            }
        case "Rearrangement":
            let g1 = try f.string("gene1"), g2 = try f.optionalString("gene2") ?? ""
            guard !g1.isEmpty else { throw f.error("gene1", "a rearrangement needs gene1") }
            return g2.isEmpty ? (g1, "FUSION", "Somatic") : (g2, "\(g1)-\(g2)", "Somatic")
        case "Mutational Burden":
            let c = try f.optionalString("classification") ?? ""
            return ("", c.lowercased() == "high" ? "TMB-H" : "TMB \(c)", "Somatic")
        case "Microsatellite Stability":
            let s = try f.string("status")
            return ("", s.uppercased() == "MSI-HIGH" ? "MSI-H" : s, "Somatic")
        case "Mutational Signature":
            return ("", "COSMIC \(try f.string("cosmic_signature")) SIGNATURE", "Somatic")
        case "Knockdown":
            return (try f.string("gene"), "KNOCKDOWN (\(try f.optionalString("technique") ?? ""))", "Somatic")
        default: // Aneuploidy
            return ("", (try f.optionalString("event") ?? "ANEUPLOIDY").uppercased(), "Somatic")
        }
    }

    /// JSONSerialization gives numbers as Int/Double or NSNumber depending on the platform.
    static func intValue(_ v: Any) -> Int? {
        if let n = v as? Int { return n }
        if let d = v as? Double, d == d.rounded() { return Int(d) }
        if let n = v as? NSNumber { return n.intValue }
        if let s = v as? String { return Int(s) }
        return nil
    }

    /// Typed access to one assertion's fields, with errors that name the assertion and field.
    struct Fields {
        let a: [String: Any]
        let id: Int
        let file: String

        func error(_ field: String, _ message: String) -> KnowledgeError {
            KnowledgeError(.badField, file: file, field: field, "assertion \(id): \(message)")
        }
        func optionalString(_ k: String) throws -> String? {
            guard let v = a[k], !(v is NSNull) else { return nil }
            if let s = v as? String { return s.trimmingCharacters(in: .whitespaces) }
            if let n = MOAlmanacLoader.intValue(v) { return String(n) }
            if let d = v as? Double { return String(d) }
            throw error(k, "not a string or number")
        }
        func string(_ k: String) throws -> String {
            guard let s = try optionalString(k) else { throw error(k, "missing field") }
            return s
        }
        func optionalInt(_ k: String) throws -> Int? {
            guard let s = try optionalString(k), !s.isEmpty else { return nil }
            guard let n = Int(s) else { throw error(k, "'\(s)' is not an integer") }
            return n
        }
        /// 1/0/true/false, or nil for "".
        func optionalFlag(_ k: String) throws -> Bool? {
            guard let v = a[k], !(v is NSNull) else { return nil }
            if let s = v as? String {
                switch s.trimmingCharacters(in: .whitespaces).lowercased() {
                case "": return nil
                case "1", "true": return true
                case "0", "false": return false
                default: throw error(k, "'\(s)' is not 0, 1 or empty")
                }
            }
            if let b = v as? Bool { return b }
            if let n = MOAlmanacLoader.intValue(v) { return n != 0 }
            throw error(k, "not 0, 1 or empty")
        }
        func flag(_ k: String) throws -> Bool? {
            guard a[k] != nil else { throw error(k, "missing field") }
            return try optionalFlag(k)
        }
    }
}
