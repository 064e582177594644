import Foundation

/// Reads a CIViC TSV dump (a directory of `*Summaries.tsv` files), either schema, by header detection.
///
/// Equivalent of the CIViC importers in PCGR (`pcgr/civic.py`) and civicpy's `load_cache`, for the
/// flat-file exports. Files: `*ClinicalEvidenceSummaries.tsv` and `*VariantSummaries.tsv` (both schemas),
/// `*MolecularProfileSummaries.tsv` (v2), `*AssertionSummaries.tsv` (optional).
public enum CIViCLoader {
    /// The schema of a ClinicalEvidenceSummaries header.
    public static func detectSchema(header: [String], file: String) throws -> CIViCSchema {
        let h = Set(header)
        if h.contains("molecular_profile_id") && h.contains("therapies") && h.contains("significance") { return .v2 }
        if h.contains("variant_id") && h.contains("drugs") && h.contains("clinical_significance") { return .v1 }
        throw KnowledgeError(.unknownSchema, file: file, line: 1,
                             "header matches neither CIViC v1 (gene/variant/drugs/clinical_significance) nor v2 (molecular_profile/therapies/significance)")
    }

    /// Loads every record of the dump in `directory`.
    /// - Throws: `KnowledgeError` naming the file, line and field of the first bad value.
    public static func load(directory: URL) throws -> CIViCRelease {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        func find(_ suffix: String) -> URL? {
            files.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted().last.map { directory.appendingPathComponent($0) }
        }
        guard let evURL = find("ClinicalEvidenceSummaries.tsv") else {
            throw KnowledgeError(.missingFile, file: directory.path, "no *ClinicalEvidenceSummaries.tsv in the CIViC directory")
        }
        guard let varURL = find("VariantSummaries.tsv") else {
            throw KnowledgeError(.missingFile, file: directory.path, "no *VariantSummaries.tsv in the CIViC directory")
        }
        let ev = try TSVTable(contentsOf: evURL)
        let schema = try detectSchema(header: ev.header, file: ev.file)
        let vt = try TSVTable(contentsOf: varURL)
        var folded: [String: Int] = [:]
        folded[ev.file] = ev.foldedRows
        folded[vt.file] = vt.foldedRows
        let variants = try parseVariants(vt)
        var evidence: [EvidenceItem] = []
        var profiles: [MolecularProfile] = []
        switch schema {
        case .v1:
            evidence = try parseEvidence(ev, profileColumn: "variant_id", drugsColumn: "drugs",
                                         interactionColumn: "drug_interaction_type", significanceColumn: "clinical_significance")
            profiles = variants.map { MolecularProfile(id: $0.id, name: "\($0.gene) \($0.name)", variantIDs: [$0.id], op: .single) }
        case .v2:
            evidence = try parseEvidence(ev, profileColumn: "molecular_profile_id", drugsColumn: "therapies",
                                         interactionColumn: "therapy_interaction_type", significanceColumn: "significance")
            guard let mpURL = find("MolecularProfileSummaries.tsv") else {
                throw KnowledgeError(.missingFile, file: directory.path, "a CIViC v2 dump needs *MolecularProfileSummaries.tsv")
            }
            let mt = try TSVTable(contentsOf: mpURL)
            folded[mt.file] = mt.foldedRows
            profiles = try parseProfiles(mt)
        }
        var assertions: [CIViCAssertion] = []
        if let aURL = find("AssertionSummaries.tsv") {
            let at = try TSVTable(contentsOf: aURL)
            folded[at.file] = at.foldedRows
            assertions = try parseAssertions(at, schema: schema)
        }
        // Every evidence item must point at a known profile.
        let known = Set(profiles.map(\.id))
        for (i, e) in evidence.enumerated() where !known.contains(e.profileID) {
            throw KnowledgeError(.badField, file: ev.file, line: ev.lines[i],
                                 field: schema == .v1 ? "variant_id" : "molecular_profile_id",
                                 "evidence item \(e.id) refers to profile \(e.profileID), which is not in the variant/profile file")
        }
        return CIViCRelease(schema: schema, releaseName: releaseName(evURL.lastPathComponent, evidence: evidence),
                            evidence: evidence.sorted { $0.id < $1.id }, variants: variants.sorted { $0.id < $1.id },
                            profiles: profiles.sorted { $0.id < $1.id }, assertions: assertions, foldedRows: folded)
    }

    /// `01-Aug-2021-ClinicalEvidenceSummaries.tsv` → `01-Aug-2021`; otherwise the newest review date.
    static func releaseName(_ file: String, evidence: [EvidenceItem]) -> String {
        let parts = file.split(separator: "-")
        if parts.count >= 4, parts[0].count == 2, Int(parts[0]) != nil, parts[1].count == 3, Int(parts[2]) != nil {
            return "\(parts[0])-\(parts[1])-\(parts[2])"
        }
        let newest = evidence.map { String($0.lastReview.prefix(10)) }.max() ?? "unknown"
        return "reviewed-\(newest)"
    }

    static func int(_ s: Substring, _ t: TSVTable, _ row: Int, _ field: String, required: Bool) throws -> Int? {
        let v = s.trimmingCharacters(in: .whitespaces)
        if v.isEmpty || v == "N/A" {
            if required { throw KnowledgeError(.badField, file: t.file, line: t.lines[row], field: field, "value is empty") }
            return nil
        }
        guard let n = Int(v) else {
            throw KnowledgeError(.badField, file: t.file, line: t.lines[row], field: field, "'\(v.prefix(40))' is not an integer")
        }
        return n
    }

    static func list(_ s: Substring, separator: Character = ",") -> [String] {
        s.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func parseEvidence(_ t: TSVTable, profileColumn: String, drugsColumn: String,
                              interactionColumn: String, significanceColumn: String) throws -> [EvidenceItem] {
        let cID = try t.column("evidence_id"), cProfile = try t.column(profileColumn)
        let cDisease = try t.column("disease"), cDOID = try t.column("doid")
        let cDrugs = try t.column(drugsColumn), cInter = try t.column(interactionColumn)
        let cType = try t.column("evidence_type"), cDir = try t.column("evidence_direction")
        let cLevel = try t.column("evidence_level"), cSig = try t.column(significanceColumn)
        let cRating = try t.column("rating"), cCit = try t.column("citation_id")
        let cSrc = try t.column("source_type")
        let cCitation = t.optionalColumn("citation"), cNCT = t.optionalColumn("nct_ids")
        let cOrigin = t.optionalColumn("variant_origin"), cStmt = t.optionalColumn("evidence_statement")
        let cReview = t.optionalColumn("last_review_date"), cStatus = t.optionalColumn("evidence_status")
        var out: [EvidenceItem] = []
        out.reserveCapacity(t.rows.count)
        for (i, r) in t.rows.enumerated() {
            if let cStatus, !r[cStatus].isEmpty, r[cStatus].lowercased() != "accepted" { continue }
            let id = try int(r[cID], t, i, "evidence_id", required: true)!
            let profile = try int(r[cProfile], t, i, profileColumn, required: true)!
            guard let type = EvidenceType(rawValue: String(r[cType])) else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "evidence_type", "unknown evidence type '\(r[cType])'")
            }
            let dirText = r[cDir].isEmpty ? "N/A" : String(r[cDir])
            guard let dir = EvidenceDirection(rawValue: dirText) else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "evidence_direction", "unknown direction '\(dirText)'")
            }
            guard let level = EvidenceLevel(rawValue: String(r[cLevel])) else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "evidence_level", "unknown level '\(r[cLevel])'")
            }
            let interText = r[cInter].trimmingCharacters(in: .whitespaces)
            var inter: TherapyInteraction?
            if !interText.isEmpty && interText != "N/A" {
                // v2 spells them upper-case (COMBINATION); v1 title case.
                guard let v = TherapyInteraction(rawValue: interText.prefix(1).uppercased() + interText.dropFirst().lowercased()) else {
                    throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: interactionColumn, "unknown interaction '\(interText)'")
                }
                inter = v
            }
            let doidText = r[cDOID].trimmingCharacters(in: .whitespaces)
            let doid: String? = doidText.isEmpty ? nil : (doidText.hasPrefix("DOID:") ? doidText : "DOID:" + doidText)
            let rating = try int(r[cRating], t, i, "rating", required: false)
            out.append(EvidenceItem(
                id: id, profileID: profile, disease: String(r[cDisease]), doid: doid,
                drugNames: list(r[cDrugs]), interaction: inter, type: type, direction: dir, level: level,
                significance: String(r[cSig]), rating: rating, sourceType: String(r[cSrc]),
                citationID: String(r[cCit]), citation: cCitation.map { String(r[$0]) } ?? "",
                nctIDs: cNCT.map { list(r[$0]) } ?? [], variantOrigin: cOrigin.map { String(r[$0]) } ?? "",
                statement: cStmt.map { String(r[$0]) } ?? "", lastReview: cReview.map { String(r[$0]) } ?? "", sourceLevel: level.rawValue))
        }
        return out
    }

    static func parseVariants(_ t: TSVTable) throws -> [CIViCVariant] {
        let cID = try t.column("variant_id")
        // v1 and early v2: `gene`; late v2: `feature_name` (genes, factors, fusions).
        let cGene = t.optionalColumn("gene") ?? t.optionalColumn("feature_name")
        guard let cGene else { throw KnowledgeError(.missingColumn, file: t.file, line: 1, field: "gene", "required column is missing") }
        let cName = try t.column("variant")
        let cEntrez = t.optionalColumn("entrez_id")
        let cChr = t.optionalColumn("chromosome"), cStart = t.optionalColumn("start"), cStop = t.optionalColumn("stop")
        let cRef = t.optionalColumn("reference_bases"), cAlt = t.optionalColumn("variant_bases")
        let cTx = t.optionalColumn("representative_transcript"), cBuild = t.optionalColumn("reference_build")
        let cChr2 = t.optionalColumn("chromosome2"), cStart2 = t.optionalColumn("start2"), cStop2 = t.optionalColumn("stop2")
        let cTypes = t.optionalColumn("variant_types")
        let cHGVS = t.optionalColumn("hgvs_expressions") ?? t.optionalColumn("hgvs_descriptions")
        let cAliases = t.optionalColumn("variant_aliases"), cGroups = t.optionalColumn("variant_groups")
        var out: [CIViCVariant] = []
        for (i, r) in t.rows.enumerated() {
            func s(_ c: Int?) -> String { c.map { String(r[$0]).trimmingCharacters(in: .whitespaces) } ?? "" }
            func n(_ c: Int?, _ f: String) throws -> Int? { try c.flatMap { try int(r[$0], t, i, f, required: false) } }
            out.append(CIViCVariant(
                id: try int(r[cID], t, i, "variant_id", required: true)!, gene: s(cGene), entrezID: s(cEntrez),
                name: s(cName), chromosome: s(cChr), start: try n(cStart, "start"), stop: try n(cStop, "stop"),
                referenceBases: s(cRef).uppercased(), variantBases: s(cAlt).uppercased(),
                representativeTranscript: s(cTx), referenceBuild: s(cBuild), chromosome2: s(cChr2),
                start2: try n(cStart2, "start2"), stop2: try n(cStop2, "stop2"),
                variantTypes: cTypes.map { list(r[$0]) } ?? [], hgvsExpressions: cHGVS.map { list(r[$0]) } ?? [],
                aliases: cAliases.map { list(r[$0]) } ?? [], groups: cGroups.map { list(r[$0]) } ?? []))
        }
        return out
    }

    static func parseProfiles(_ t: TSVTable) throws -> [MolecularProfile] {
        let cID = try t.column("molecular_profile_id"), cName = try t.column("name"), cVars = try t.column("variant_ids")
        var out: [MolecularProfile] = []
        for (i, r) in t.rows.enumerated() {
            let ids = try list(r[cVars]).map { v -> Int in
                guard let n = Int(v) else {
                    throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "variant_ids", "'\(v)' is not a variant id")
                }
                return n
            }
            let name = String(r[cName])
            let upper = " " + name.uppercased() + " "
            let op: ProfileOperator = upper.contains(" OR ") || upper.contains(" NOT ") ? .unsupported
                : (ids.count > 1 ? .all : .single)
            out.append(MolecularProfile(id: try int(r[cID], t, i, "molecular_profile_id", required: true)!,
                                        name: name, variantIDs: ids, op: op))
        }
        return out
    }

    static func parseAssertions(_ t: TSVTable, schema: CIViCSchema) throws -> [CIViCAssertion] {
        let cID = try t.column(t.has("assertion_id") ? "assertion_id" : "id")
        let cProfile = t.optionalColumn(schema == .v1 ? "variant_id" : "molecular_profile_id")
        let cDisease = t.optionalColumn("disease"), cDOID = t.optionalColumn("doid")
        let cDrugs = t.optionalColumn(schema == .v1 ? "drugs" : "therapies")
        let cType = t.optionalColumn("assertion_type"), cDir = t.optionalColumn("assertion_direction")
        let cSig = t.optionalColumn(schema == .v1 ? "clinical_significance" : "significance")
        let cAMP = t.optionalColumn("amp_category") ?? t.optionalColumn("amp_level")
        let cFDA = t.optionalColumn("regulatory_approval"), cEv = t.optionalColumn("evidence_item_ids")
        var out: [CIViCAssertion] = []
        for (i, r) in t.rows.enumerated() {
            func s(_ c: Int?) -> String { c.map { String(r[$0]) } ?? "" }
            let doid = s(cDOID)
            out.append(CIViCAssertion(
                id: try int(r[cID], t, i, "assertion_id", required: true)!,
                profileID: try cProfile.flatMap { try int(r[$0], t, i, "profile", required: false) } ?? 0,
                disease: s(cDisease), doid: doid.isEmpty ? nil : (doid.hasPrefix("DOID:") ? doid : "DOID:" + doid),
                drugNames: cDrugs.map { list(r[$0]) } ?? [], type: s(cType), direction: s(cDir), significance: s(cSig),
                ampCategory: s(cAMP), regulatoryApproval: s(cFDA).lowercased() == "true",
                evidenceIDs: cEv.map { list(r[$0]).compactMap { Int($0) } } ?? []))
        }
        return out
    }
}
