import Foundation
import OncoCore

/// The index payload, written and read in one order: the versions and source files, the CIViC release,
/// the vocabularies (OncoTree, Disease Ontology, their crosswalk, the disease map), the gene tables
/// (exons, domains, codon aliases), then the rules and the lifted alleles.
extension KnowledgeBase {
    func encodePayload() -> [UInt8] {
        var w = BinaryWriter()
        w.string(version.civicRelease); w.string(version.civicSchema.rawValue)
        w.string(version.oncotree); w.string(version.diseaseOntology)
        w.optString(version.civicChecksum); w.optString(version.moalmanacRelease); w.optString(version.moalmanacChecksum)
        w.int(moalmanacDeprecated)
        w.varint(UInt64(sources.count))
        for (k, v) in sources.sorted(by: { $0.key < $1.key }) { w.string(k); w.string(v.sha256); w.int(v.bytes) }
        // CIViC
        w.string(release.schema.rawValue); w.string(release.releaseName)
        w.varint(UInt64(release.foldedRows.count))
        for (k, v) in release.foldedRows.sorted(by: { $0.key < $1.key }) { w.string(k); w.int(v) }
        w.varint(UInt64(release.evidence.count))
        for e in release.evidence {
            w.int(e.id); w.int(e.profileID); w.string(e.disease); w.optString(e.doid); w.strings(e.drugNames)
            w.optString(e.interaction?.rawValue); w.string(e.type.rawValue); w.string(e.direction.rawValue)
            w.string(e.level.rawValue); w.string(e.significance); w.optInt(e.rating); w.string(e.sourceType)
            w.string(e.citationID); w.string(e.citation); w.strings(e.nctIDs); w.string(e.variantOrigin)
            w.string(e.statement); w.string(e.lastReview)
            w.string(e.source.rawValue); w.string(e.sourceLevel); w.string(e.publicationDate); w.string(e.sourceURL)
            w.string(e.doi); w.optString(e.oncotreeCode)
        }
        w.varint(UInt64(release.variants.count))
        for v in release.variants {
            w.int(v.id); w.string(v.gene); w.string(v.entrezID); w.string(v.name); w.string(v.chromosome)
            w.optInt(v.start); w.optInt(v.stop); w.string(v.referenceBases); w.string(v.variantBases)
            w.string(v.representativeTranscript); w.string(v.referenceBuild); w.string(v.chromosome2)
            w.optInt(v.start2); w.optInt(v.stop2); w.strings(v.variantTypes); w.strings(v.hgvsExpressions)
            w.strings(v.aliases); w.strings(v.groups)
        }
        w.varint(UInt64(release.profiles.count))
        for p in release.profiles { w.int(p.id); w.string(p.name); w.ints(p.variantIDs); w.string(p.op.rawValue) }
        w.varint(UInt64(release.assertions.count))
        for a in release.assertions {
            w.int(a.id); w.int(a.profileID); w.string(a.disease); w.optString(a.doid); w.strings(a.drugNames)
            w.string(a.type); w.string(a.direction); w.string(a.significance); w.string(a.ampCategory)
            w.bool(a.regulatoryApproval); w.ints(a.evidenceIDs)
        }
        // OncoTree
        w.varint(UInt64(oncotree.nodes.count))
        for n in oncotree.nodes.values.sorted(by: { $0.code < $1.code }) {
            w.string(n.code); w.string(n.name); w.string(n.mainType); w.string(n.tissue); w.string(n.parent); w.int(n.level)
        }
        w.varint(UInt64(oncotree.aliases.count))
        for (k, v) in oncotree.aliases.sorted(by: { $0.key < $1.key }) { w.string(k); w.string(v) }
        // Disease Ontology
        w.string(ontology.version)
        w.varint(UInt64(ontology.terms.count))
        for t in ontology.terms.values.sorted(by: { $0.id < $1.id }) { w.string(t.id); w.string(t.name); w.strings(t.parents) }
        w.varint(UInt64(ontology.alternates.count))
        for (k, v) in ontology.alternates.sorted(by: { $0.key < $1.key }) { w.string(k); w.string(v) }
        // Crosswalk
        w.varint(UInt64(crosswalk.entries.count))
        for (k, e) in crosswalk.entries.sorted(by: { $0.key < $1.key }) {
            w.string(k); w.string(e.doid); w.string(e.match.rawValue); w.string(e.source)
        }
        // Disease → OncoTree
        w.varint(UInt64(diseaseMap.count))
        for (k, d) in diseaseMap.sorted(by: { $0.key < $1.key }) {
            w.string(k.source.rawValue); w.string(k.key); w.strings(d.codes); w.bool(d.within); w.string(d.route.rawValue); w.string(d.note)
        }
        // Tables
        w.varint(UInt64(exons.count))
        for e in exons {
            w.string(e.gene); w.string(e.transcript); w.int(e.exon); w.string(e.build.rawValue); w.string(e.chrom)
            w.int(e.start); w.int(e.end)
        }
        w.varint(UInt64(domains.count))
        for d in domains { w.string(d.gene); w.string(d.civicName); w.int(d.start); w.int(d.end); w.string(d.source) }
        w.varint(UInt64(exonAliases.count))
        for (g, m) in exonAliases.sorted(by: { $0.key < $1.key }) {
            w.string(g); w.varint(UInt64(m.count))
            for (a, b) in m.sorted(by: { $0.key < $1.key }) { w.int(a); w.int(b) }
        }
        // Rules, derived at build time.
        w.varint(UInt64(rules.count))
        for r in rules.values.sorted(by: { $0.variantID < $1.variantID }) { w.rule(r) }
        // GRCh37 alleles lifted to GRCh38 at build time (format 4), so loading never reads the chain.
        w.string(liftover.chainPath)
        w.varint(UInt64(liftover.lifted.count))
        for (a, b) in liftover.lifted.sorted(by: { $0.key.description < $1.key.description }) { w.allele(a); w.allele(b) }
        w.varint(UInt64(liftover.notLifted.count))
        for (a, f) in liftover.notLifted.sorted(by: { $0.key.description < $1.key.description }) { w.allele(a); w.string(f.rawValue) }
        return w.bytes
    }

    static func decodePayload(_ r: inout BinaryReader) throws -> KnowledgeBase {
        let civicRelease = try r.string()
        guard let civicSchema = CIViCSchema(rawValue: try r.string()) else { throw r.fail("schema") }
        let otVersion = try r.string(), doVersion = try r.string()
        let civicChecksum = try r.optString(), moaRelease = try r.optString(), moaChecksum = try r.optString()
        let moaDeprecated = try r.int()
        var sources: [String: SourceFile] = [:]
        for _ in 0..<Int(try r.varint()) {
            let k = try r.string(); sources[k] = SourceFile(sha256: try r.string(), bytes: try r.int())
        }
        let release = try decodeRelease(&r)
        let (oncotree, ontology, crosswalk, diseaseMap) = try decodeVocabularies(&r)
        let (exons, domains, aliases) = try decodeGeneTables(&r)
        var rules: [BiomarkerRule] = []
        let nr = Int(try r.varint()); rules.reserveCapacity(nr)
        for _ in 0..<nr { rules.append(try r.rule()) }
        var liftover = AlleleLiftover(chainPath: try r.string(), lifted: [:], notLifted: [:])
        for _ in 0..<Int(try r.varint()) { let a = try r.allele(); liftover.lifted[a] = try r.allele() }
        for _ in 0..<Int(try r.varint()) {
            let a = try r.allele()
            guard let f = LiftoverChain.Failure(rawValue: try r.string()) else { throw r.fail("liftover failure") }
            liftover.notLifted[a] = f
        }
        guard r.pos == r.base.count else { throw r.fail("trailing bytes") }
        let version = KBVersion(civicRelease: civicRelease, civicSchema: civicSchema, oncotree: otVersion,
                                diseaseOntology: doVersion, indexChecksum: "", civicChecksum: civicChecksum,
                                moalmanacRelease: moaRelease, moalmanacChecksum: moaChecksum)
        return KnowledgeBase(version: version, release: release, oncotree: oncotree, ontology: ontology,
                             crosswalk: crosswalk, exons: exons, domains: domains,
                             exonAliases: aliases, sources: sources, diseaseMap: diseaseMap, moalmanacDeprecated: moaDeprecated,
                             liftover: liftover, rules: rules)
    }

    /// The CIViC release: schema, name, folded rows, evidence, variants, molecular profiles, assertions.
    private static func decodeRelease(_ r: inout BinaryReader) throws -> CIViCRelease {
        guard let schema = CIViCSchema(rawValue: try r.string()) else { throw r.fail("schema") }
        let releaseName = try r.string()
        var folded: [String: Int] = [:]
        for _ in 0..<Int(try r.varint()) { let k = try r.string(); folded[k] = try r.int() }
        var evidence: [EvidenceItem] = []
        let ne = Int(try r.varint()); evidence.reserveCapacity(ne)
        for _ in 0..<ne {
            let id = try r.int(), profile = try r.int(), disease = try r.string(), doid = try r.optString()
            let drugs = try r.strings()
            let inter = try r.optString().flatMap(TherapyInteraction.init(rawValue:))
            guard let type = EvidenceType(rawValue: try r.string()), let dir = EvidenceDirection(rawValue: try r.string()),
                  let level = EvidenceLevel(rawValue: try r.string()) else { throw r.fail("evidence enum") }
            evidence.append(EvidenceItem(
                id: id, profileID: profile, disease: disease, doid: doid, drugNames: drugs, interaction: inter, type: type,
                direction: dir, level: level, significance: try r.string(), rating: try r.optInt(), sourceType: try r.string(),
                citationID: try r.string(), citation: try r.string(), nctIDs: try r.strings(), variantOrigin: try r.string(),
                statement: try r.string(), lastReview: try r.string()))
            guard let src = EvidenceSource(rawValue: try r.string()) else { throw r.fail("evidence source") }
            evidence[evidence.count - 1].source = src
            evidence[evidence.count - 1].sourceLevel = try r.string()
            evidence[evidence.count - 1].publicationDate = try r.string()
            evidence[evidence.count - 1].sourceURL = try r.string()
            evidence[evidence.count - 1].doi = try r.string()
            evidence[evidence.count - 1].oncotreeCode = try r.optString()
        }
        var variants: [CIViCVariant] = []
        let nv = Int(try r.varint()); variants.reserveCapacity(nv)
        for _ in 0..<nv {
            variants.append(CIViCVariant(
                id: try r.int(), gene: try r.string(), entrezID: try r.string(), name: try r.string(), chromosome: try r.string(),
                start: try r.optInt(), stop: try r.optInt(), referenceBases: try r.string(), variantBases: try r.string(),
                representativeTranscript: try r.string(), referenceBuild: try r.string(), chromosome2: try r.string(),
                start2: try r.optInt(), stop2: try r.optInt(), variantTypes: try r.strings(), hgvsExpressions: try r.strings(),
                aliases: try r.strings(), groups: try r.strings()))
        }
        var profiles: [MolecularProfile] = []
        for _ in 0..<Int(try r.varint()) {
            let id = try r.int(), name = try r.string(), ids = try r.ints()
            guard let op = ProfileOperator(rawValue: try r.string()) else { throw r.fail("profile operator") }
            profiles.append(MolecularProfile(id: id, name: name, variantIDs: ids, op: op))
        }
        var assertions: [CIViCAssertion] = []
        for _ in 0..<Int(try r.varint()) {
            assertions.append(CIViCAssertion(
                id: try r.int(), profileID: try r.int(), disease: try r.string(), doid: try r.optString(),
                drugNames: try r.strings(), type: try r.string(), direction: try r.string(), significance: try r.string(),
                ampCategory: try r.string(), regulatoryApproval: try r.bool(), evidenceIDs: try r.ints()))
        }
        return CIViCRelease(schema: schema, releaseName: releaseName, evidence: evidence, variants: variants,
                            profiles: profiles, assertions: assertions, foldedRows: folded)
    }

    /// OncoTree (nodes, aliases), the Disease Ontology, the OncoTree–DO crosswalk and the disease map.
    private static func decodeVocabularies(_ r: inout BinaryReader) throws
        -> (OncoTree, DiseaseOntology, OncoTreeDOCrosswalk, [DiseaseKey: DiseaseResolution]) {
        var nodes: [OncoTreeNode] = []
        for _ in 0..<Int(try r.varint()) {
            nodes.append(OncoTreeNode(code: try r.string(), name: try r.string(), mainType: try r.string(),
                                      tissue: try r.string(), parent: try r.string(), level: try r.int()))
        }
        var otAliases: [String: String] = [:]
        for _ in 0..<Int(try r.varint()) { let k = try r.string(); otAliases[k] = try r.string() }
        let doDataVersion = try r.string()
        var terms: [DOTerm] = []
        for _ in 0..<Int(try r.varint()) { terms.append(DOTerm(id: try r.string(), name: try r.string(), parents: try r.strings())) }
        var alternates: [String: String] = [:]
        for _ in 0..<Int(try r.varint()) { let k = try r.string(); alternates[k] = try r.string() }
        var entries: [String: OncoTreeDOCrosswalk.Entry] = [:]
        for _ in 0..<Int(try r.varint()) {
            let k = try r.string(), doid = try r.string()
            guard let m = OncoTreeDOCrosswalk.Match(rawValue: try r.string()) else { throw r.fail("crosswalk match") }
            entries[k] = .init(doid: doid, match: m, source: try r.string())
        }
        var diseaseMap: [DiseaseKey: DiseaseResolution] = [:]
        for _ in 0..<Int(try r.varint()) {
            guard let src = EvidenceSource(rawValue: try r.string()) else { throw r.fail("disease source") }
            let key = DiseaseKey(source: src, key: try r.string())
            let codes = try r.strings(), within = try r.bool()
            guard let route = DiseaseResolution.Route(rawValue: try r.string()) else { throw r.fail("disease route") }
            diseaseMap[key] = DiseaseResolution(codes: codes, within: within, route: route, note: try r.string())
        }
        return (OncoTree(nodes: nodes, aliases: otAliases), DiseaseOntology(terms: terms, alternates: alternates, version: doDataVersion),
                OncoTreeDOCrosswalk(entries: entries), diseaseMap)
    }

    /// The exon table, the protein domains and the codon aliases by gene.
    private static func decodeGeneTables(_ r: inout BinaryReader) throws -> ([ExonInterval], [ProteinDomain], [String: [Int: Int]]) {
        var exons: [ExonInterval] = []
        for _ in 0..<Int(try r.varint()) {
            let g = try r.string(), t = try r.string(), e = try r.int(), b = GenomeBuild(parsing: try r.string())
            exons.append(ExonInterval(gene: g, transcript: t, exon: e, build: b, chrom: try r.string(), start: try r.int(), end: try r.int()))
        }
        var domains: [ProteinDomain] = []
        for _ in 0..<Int(try r.varint()) {
            domains.append(ProteinDomain(gene: try r.string(), civicName: try r.string(), start: try r.int(), end: try r.int(), source: try r.string()))
        }
        var aliases: [String: [Int: Int]] = [:]
        for _ in 0..<Int(try r.varint()) {
            let g = try r.string()
            for _ in 0..<Int(try r.varint()) { let a = try r.int(); aliases[g, default: [:]][a] = try r.int() }
        }
        return (exons, domains, aliases)
    }
}
