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
