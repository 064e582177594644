import Foundation
import OncoCore

/// The prebuilt index: a compact binary snapshot of every record the KB needs, with the SHA-256 and
/// size of each source file inside, so a stale index (sources changed since it was built) is refused.
///
/// Layout: magic `ONCOKBIX`, format version (varint), payload length (varint), payload SHA-256 (32 bytes),
/// payload. The payload holds the records and the rules derived from them at build time (re-parsing
/// ~1,500 names at every load would cost tens of milliseconds) and, since format 4, the rules' GRCh37
/// alleles lifted to GRCh38 (`AlleleLiftover`; the chain is read only by the build).
extension KnowledgeBase {
    static let magic = Array("ONCOKBIX".utf8)
    static let formatVersion: UInt64 = 4

    /// How much `load` checks before trusting the index.
    public enum Verification: Sendable {
        /// Compare the index's source checksums with MANIFEST.tsv and the source files' sizes (fast; default).
        case manifest
        /// Also re-hash every source file and the index payload.
        case full
    }

    /// The index file's bytes.
    public func indexBytes() -> [UInt8] {
        let payload = encodePayload()
        var w = BinaryWriter()
        w.bytes += Self.magic
        w.varint(Self.formatVersion)
        w.varint(UInt64(payload.count))
        var h = SHA256Hasher()
        payload.withUnsafeBytes { h.update(bytes: $0) }
        w.bytes += h.finalize()
        w.bytes += payload
        return w.bytes
    }

    /// Writes the index to `<directory>/index/knowledgebase.idx` atomically.
    public func writeIndex(directory: URL) throws {
        let url = directory.appendingPathComponent(KnowledgeLayout.index)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(indexBytes()).write(to: url, options: .atomic)
    }

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

    /// Loads the KB from its prebuilt index, refusing a stale or corrupt one.
    /// - Throws: `KnowledgeError.staleIndex` when a source file differs from what the index was built
    ///   from (run `onco kb update` to rebuild), `.badIndex` when the file is corrupt.
    /// - Complexity: linear in the index size (about 5 MB); a few milliseconds in release builds.
    public static func load(directory: URL, verification: Verification = .manifest) throws -> KnowledgeBase {
        let url = directory.appendingPathComponent(KnowledgeLayout.index)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KnowledgeError(.missingFile, file: KnowledgeLayout.index,
                                 "no prebuilt index; build it with `onco kb update` (or `onco kb update --rebuild`)")
        }
        let kb: KnowledgeBase = try data.withUnsafeBytes { raw in
            var r = BinaryReader(raw, file: KnowledgeLayout.index)
            for m in magic { guard try r.u8() == m else { throw r.fail("magic") } }
            guard try r.varint() == formatVersion else {
                throw KnowledgeError(.badIndex, file: KnowledgeLayout.index, "index format version differs; rebuild it with `onco kb update --rebuild`")
            }
            let n = Int(try r.varint())
            guard r.pos + 32 + n == raw.count else { throw r.fail("length") }
            let digest = Array(raw[r.pos..<(r.pos + 32)])
            r.pos += 32
            let payloadStart = r.pos
            if verification == .full {
                var h = SHA256Hasher()
                h.update(bytes: UnsafeRawBufferPointer(rebasing: raw[payloadStart...]))
                guard h.finalize() == digest else {
                    throw KnowledgeError(.checksumMismatch, file: KnowledgeLayout.index, "index payload checksum differs; the file is corrupt")
                }
            }
            var kb = try decodePayload(&r)
            kb.version.indexChecksum = digest.prefix(8).map { String(format: "%02x", $0) }.joined()
            return kb
        }
        try kb.checkSources(directory: directory, rehash: verification == .full)
        return kb
    }

    /// Compares the index's record of its sources with MANIFEST.tsv and the files on disk.
    func checkSources(directory: URL, rehash: Bool) throws {
        let manifest = try Manifest.read(directory.appendingPathComponent(KnowledgeLayout.manifest))
        let onDisk = Set(try KnowledgeLayout.sourceFiles(in: directory))
        let indexed = Set(sources.keys)
        if onDisk != indexed {
            let diff = onDisk.symmetricDifference(indexed).sorted().prefix(3).joined(separator: ", ")
            throw KnowledgeError(.staleIndex, file: KnowledgeLayout.index,
                                 "source files differ from those the index was built from (\(diff)); run `onco kb update --rebuild`")
        }
        for (path, s) in sources.sorted(by: { $0.key < $1.key }) {
            guard let m = manifest[path] else {
                throw KnowledgeError(.staleIndex, file: KnowledgeLayout.manifest, field: path, "source file is not in the manifest; run `onco kb update --rebuild`")
            }
            guard m.sha256 == s.sha256 else {
                throw KnowledgeError(.staleIndex, file: KnowledgeLayout.manifest, field: path,
                                     "manifest checksum differs from the index's; run `onco kb update --rebuild`")
            }
            let url = directory.appendingPathComponent(path)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? -1
            guard size == s.bytes else {
                throw KnowledgeError(.staleIndex, file: path, "file size \(size) differs from the \(s.bytes) bytes the index was built from; run `onco kb update --rebuild`")
            }
            if rehash {
                guard try SHA256Hasher.hex(file: url) == s.sha256 else {
                    throw KnowledgeError(.checksumMismatch, file: path, "SHA-256 differs from the manifest and index; run `onco kb update --rebuild`")
                }
            }
        }
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
        let release = CIViCRelease(schema: schema, releaseName: releaseName, evidence: evidence, variants: variants,
                                   profiles: profiles, assertions: assertions, foldedRows: folded)
        let version = KBVersion(civicRelease: civicRelease, civicSchema: civicSchema, oncotree: otVersion,
                                diseaseOntology: doVersion, indexChecksum: "", civicChecksum: civicChecksum,
                                moalmanacRelease: moaRelease, moalmanacChecksum: moaChecksum)
        return KnowledgeBase(version: version, release: release, oncotree: OncoTree(nodes: nodes, aliases: otAliases),
                             ontology: DiseaseOntology(terms: terms, alternates: alternates, version: doDataVersion),
                             crosswalk: OncoTreeDOCrosswalk(entries: entries), exons: exons, domains: domains,
                             exonAliases: aliases, sources: sources, diseaseMap: diseaseMap, moalmanacDeprecated: moaDeprecated,
                             liftover: liftover, rules: rules)
    }
}

/// `KnowledgeBase/MANIFEST.tsv`: every shipped file with its SHA-256, size, origin, data date and licence.
public enum Manifest {
    public struct Row: Hashable, Sendable {
        public var path: String
        public var sha256: String
        public var bytes: Int
        public var origin: String
        public var date: String
        public var licence: String
    }
    static let header = ["path", "sha256", "bytes", "origin", "data_date", "licence"]

    public static func read(_ url: URL) throws -> [String: Row] {
        let t = try TSVTable(contentsOf: url)
        let cp = try t.column("path"), cs = try t.column("sha256"), cb = try t.column("bytes")
        let co = try t.column("origin"), cd = try t.column("data_date"), cl = try t.column("licence")
        var out: [String: Row] = [:]
        for (i, r) in t.rows.enumerated() {
            guard let b = Int(r[cb]) else { throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "bytes", "not an integer") }
            out[String(r[cp])] = Row(path: String(r[cp]), sha256: String(r[cs]), bytes: b, origin: String(r[co]),
                                     date: String(r[cd]), licence: String(r[cl]))
        }
        return out
    }

    /// Origin, data date and licence of a shipped file, by its path in the KB directory.
    public static func provenance(_ path: String, kb: KnowledgeBase) -> (origin: String, date: String, licence: String) {
        if path.hasPrefix("civic/") {
            let repo = kb.release.releaseName == "01-Aug-2021"
                ? "CIViC monthly release 01-Aug-2021 (griffithlab/civic-server @ 7dfe0ff6, public/downloads/01-Aug-2021/)"
                : "CIViC release \(kb.release.releaseName) (\(kb.release.schema.rawValue) TSV), imported with onco kb update"
            return (repo, kb.release.releaseName, "CC0 1.0 (CIViC public domain dedication)")
        }
        if path.hasPrefix("oncotree/") {
            return ("cBioPortal/oncotree @ b362db70, trees/oncotree_2025_10_03.json (TSV flattened from it)", kb.version.oncotree,
                    "CC BY 4.0 — attribution: OncoTree, Memorial Sloan Kettering Cancer Center / cBioPortal (Kundra et al., JCO CCI 2021)")
        }
        if path.hasPrefix("disease_ontology/") {
            return ("DiseaseOntology/HumanDiseaseOntology @ 9fbefd66, src/ontology/subsets/DO_cancer_slim.obo", kb.version.diseaseOntology, "CC0 1.0")
        }
        if path.hasPrefix("crosswalk/") {
            return ("derived: OncoTree NCIt references joined to DO-slim NCI xrefs (shared data, see SOURCES.md)", "2026", "CC BY 4.0 + CC0 inputs")
        }
        if path == KnowledgeLayout.overrides { return ("onco: reviewed OncoTree→DO overrides (this repository)", "2026", "CC BY 4.0 (adapts OncoTree)") }
        if path == KnowledgeLayout.diseaseOverrides {
            return ("onco: reviewed KB disease → OncoTree mappings (this repository; audited by onco kb diseases)", "2026", "CC BY 4.0 (adapts OncoTree)")
        }
        if path.hasPrefix(KnowledgeLayout.moalmanacDirectory + "/") {
            let origin = kb.version.moalmanacRelease == "2025-12-26"
                ? "vanallenlab/moalmanac-db @ 20a8571c, molecular-oncology-almanac.json (unchanged)"
                : "MOAlmanac flat release, imported with onco kb update --moalmanac (unchanged)"
            return (origin, kb.version.moalmanacRelease ?? "", "GPL-2.0 (moalmanac/LICENSE) — attribution: Molecular Oncology Almanac, Van Allen lab (Reardon et al., Nat Cancer 2021)")
        }
        if path.hasPrefix(KnowledgeLayout.liftoverDirectory + "/") {
            return ("UCSC Genome Browser hg19ToHg38.over.chain.gz, decompressed (copy from broadinstitute/SpliceAI-lookup @ d204c34d; see liftover/SOURCE.md)",
                    "2013", "free for all uses (UCSC liftOver chain files)")
        }
        if path.hasPrefix("genes/") { return ("onco: curated tables, sources per row and in genes/SOURCES.md", "2026", "CC0 1.0") }
        if path == KnowledgeLayout.index { return ("built by onco kb update from the files above", kb.version.civicRelease, "as its sources") }
        return ("onco", "2026", "see SOURCES.md")
    }

    /// Writes MANIFEST.tsv for the KB's sources plus the index file.
    public static func write(kb: KnowledgeBase, directory: URL) throws {
        var lines = ["# Shipped knowledge-base files: SHA-256, size, origin, data date, licence. Written by `onco kb update`.",
                     header.joined(separator: "\t")]
        var rows = kb.sources.map { ($0.key, $0.value.sha256, $0.value.bytes) }
        let idx = directory.appendingPathComponent(KnowledgeLayout.index)
        if let d = FileManager.default.contents(atPath: idx.path) { rows.append((KnowledgeLayout.index, SHA256Hasher.hex(d), d.count)) }
        for (p, s, b) in rows.sorted(by: { $0.0 < $1.0 }) {
            let pv = provenance(p, kb: kb)
            lines.append([p, s, String(b), pv.origin, pv.date, pv.licence].joined(separator: "\t"))
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent(KnowledgeLayout.manifest), options: .atomic)
    }
}
