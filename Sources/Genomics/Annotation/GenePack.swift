import CHTSlib
import Foundation

/// Reference bases for annotation: a FASTA through its `.fai` (`ReferenceGenome`) or a gene pack's
/// stored regions (`GenePack`).
protocol AnnotationReference: AnyObject {
    /// The file, for messages.
    var path: String { get }
    /// The file's spelling of `contig` (with or without `chr`), `nil` when it has none.
    func resolve(_ contig: String) -> String?
    /// The length of a contig as the file spells it (`resolve`'s answer), `nil` when unknown.
    func length(of name: String) -> Int?
    /// Upper-case bases `start...end` (1-based, inclusive), `nil` outside what the file holds.
    func bases(contig: String, start: Int, end: Int) -> [UInt8]?
}

extension ReferenceGenome: AnnotationReference {}

/// A gene pack (`onco kb transcripts build`): one BGZF text file holding the GFF3 lines of chosen genes'
/// transcripts and the reference bases those transcripts span (each transcript's span and 10 bases either
/// side, as `TranscriptModel.loadReference` fetches them), so annotation of variants in those genes needs
/// neither the whole GFF3 nor the whole FASTA and gives the same result.
///
/// Layout (the file is also a GFF3: every onco line starts with `##`):
/// ```
/// ##gff-version 3
/// ##onco-gene-pack 1
/// ##onco-source<TAB>gff=<file name><TAB>reference=<file name><TAB>genes=<n>
/// ##onco-contig<TAB><name><TAB><length>      every contig of the FASTA
/// ##onco-seq<TAB><contig><TAB><start, 1-based><TAB><bases>
/// <the GFF3 lines of the chosen genes, their transcripts and their features>
/// ```
final class GenePack: AnnotationReference {
    let path: String
    private var names: Set<String> = []
    private var lengths: [String: Int] = [:]
    private var segments: [String: [(start: Int, bases: [UInt8])]] = [:]

    static let magic = "##onco-gene-pack\t1"

    /// Reads the contigs and stored regions of a gene pack.
    /// - Throws: `AnnotationInputError` naming the file and line.
    init(path: String) throws {
        self.path = path
        let reader: TextLineReader
        do { reader = try TextLineReader(path: path) } catch {
            throw AnnotationInputError(path: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot open the gene pack" : "no such gene pack")
        }
        var sawMagic = false
        while true {
            let line: String?
            do { line = try reader.nextLine() } catch {
                throw AnnotationInputError(path: path, line: reader.lineNumber + 1, problem: "the file ends or breaks here (truncated or corrupt)")
            }
            guard let line else { break }
            if !line.hasPrefix("##") { break }  // the GFF3 lines follow the header
            if line == Self.magic { sawMagic = true; continue }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            func fail(_ field: String, _ problem: String) -> AnnotationInputError {
                AnnotationInputError(path: path, line: reader.lineNumber, field: field, problem: problem)
            }
            switch cols[0] {
            case "##onco-contig":
                guard cols.count == 3, let length = Int(cols[2]) else { throw fail("##onco-contig", "expected name and length") }
                names.insert(String(cols[1]))
                lengths[String(cols[1])] = length
            case "##onco-seq":
                guard cols.count == 4, let start = Int(cols[2]), start >= 1 else { throw fail("##onco-seq", "expected contig, start and bases") }
                segments[String(cols[1]), default: []].append((start, Array(cols[3].utf8)))
            default: continue
            }
        }
        guard sawMagic else {
            throw AnnotationInputError(path: path, line: 2, problem: "not an onco gene pack (no \(Self.magic.replacingOccurrences(of: "\t", with: " ")) line; make one with `onco kb transcripts build`)")
        }
        for k in segments.keys { segments[k]!.sort { $0.start < $1.start } }
    }

    func resolve(_ contig: String) -> String? { GenomicRegion.resolve(contig, in: names) }
    func length(of name: String) -> Int? { lengths[name] }

    func bases(contig: String, start: Int, end: Int) -> [UInt8]? {
        guard start >= 1, end >= start, let name = resolve(contig), let segs = segments[name] else { return nil }
        // The last segment starting at or before `start`.
        var lo = 0, hi = segs.count
        while lo < hi { let m = (lo + hi) / 2; if segs[m].start <= start { lo = m + 1 } else { hi = m } }
        guard lo > 0 else { return nil }
        let s = segs[lo - 1]
        guard end < s.start + s.bases.count else { return nil }
        return Array(s.bases[(start - s.start)...(end - s.start)])
    }
}

/// Writes gene packs (`onco kb transcripts build`).
public enum GenePackBuilder {
    public struct Summary: Sendable, Hashable {
        /// Genes asked for that have a transcript in the GFF3, and those that have none.
        public var genesFound: [String] = []
        public var genesMissing: [String] = []
        public var transcripts = 0
        /// Reference bases stored.
        public var bases = 0
        public var bytes = 0
    }

    /// Writes the pack of `genes` (GFF3 `Name=` of the gene, e.g. HGNC symbols) from a GFF3 and its FASTA.
    /// All or nothing: written beside `output` and renamed at the end.
    /// - Throws: `AnnotationInputError` naming the file, line and field.
    public static func build(gff: String, reference fasta: String, genes: Set<String>, output: String) throws -> Summary {
        let reference = try ReferenceGenome(path: fasta)
        let chosen = try GFF3Reader.read(path: gff, reference: reference).filter { genes.contains($0.geneName) }
        var summary = Summary()
        let found = Set(chosen.map(\.geneName))
        summary.genesFound = found.sorted()
        summary.genesMissing = genes.subtracting(found).sorted()
        summary.transcripts = chosen.count
        let transcriptIDs = Set(chosen.map(\.gffKeys.transcript)), geneIDs = Set(chosen.map(\.gffKeys.gene))

        var text = "##gff-version 3\n\(GenePack.magic)\n##onco-source\tgff=\(name(gff))\treference=\(name(fasta))\tgenes=\(found.count)\n"
        for c in reference.contigLengths() { text += "##onco-contig\t\(c.name)\t\(c.length)\n" }
        let (out, temp) = try create(output)
        var closed = false, done = false
        defer {
            if !closed { bgzf_close(out) }
            if !done { unlink(temp) }
        }
        func write(_ s: String) throws {
            var s = s
            let n = s.withUTF8 { bgzf_write(out, $0.baseAddress, $0.count) }
            if n < 0 { throw AnnotationInputError(path: output, problem: "write failed (disk full?)") }
            summary.bytes += s.utf8.count
        }
        try write(text)
        for (contig, start, end) in regions(chosen, reference: reference) {
            guard let b = reference.bases(contig: contig, start: start, end: end) else {
                throw AnnotationInputError(path: fasta, field: "sequence", problem: "cannot read \(contig):\(start)-\(end), which a transcript of the GFF3 spans")
            }
            summary.bases += b.count
            try write("##onco-seq\t\(contig)\t\(start)\t" + String(decoding: b, as: UTF8.self) + "\n")
        }
        try copyLines(gff: gff, transcripts: transcriptIDs, genes: geneIDs, write: write)
        closed = true
        if bgzf_close(out) != 0 { throw AnnotationInputError(path: output, problem: "closing the output failed (disk full?)") }
        if rename(temp, output) != 0 { throw AnnotationInputError(path: output, problem: "cannot move the finished file into place") }
        done = true
        return summary
    }

    private static func name(_ path: String) -> String { (path as NSString).lastPathComponent }

    private static func create(_ output: String) throws -> (UnsafeMutablePointer<BGZF>, String) {
        let dir = (output as NSString).deletingLastPathComponent
        let temp = (dir.isEmpty ? "." : dir) + "/.onco-pack-\(getpid())-" + name(output)
        guard let out = bgzf_open(temp, "w") else {
            throw AnnotationInputError(path: output, problem: "cannot create the output file (is the folder writable?)")
        }
        return (out, temp)
    }

    /// The 1-based regions `TranscriptModel.loadReference` reads (span and 10 bases either side, within
    /// the contig), merged where they overlap or touch, by contig and start.
    static func regions(_ transcripts: [TranscriptModel], reference: ReferenceGenome) -> [(String, Int, Int)] {
        let lengths = Dictionary(reference.contigLengths().map { ($0.name, $0.length) }, uniquingKeysWith: { a, _ in a })
        var byContig: [String: [(Int, Int)]] = [:]
        for t in transcripts {
            let pad = TranscriptModel.refPad
            let length = lengths[t.contig] ?? (t.end + 1 + pad)
            byContig[t.contig, default: []].append((max(1, t.beg + 1 - pad), min(length, t.end + 1 + pad)))
        }
        var out: [(String, Int, Int)] = []
        for contig in byContig.keys.sorted() {
            var merged: [(Int, Int)] = []
            for r in byContig[contig]!.sorted(by: { $0.0 < $1.0 }) {
                if let last = merged.last, r.0 <= last.1 + 1 { merged[merged.count - 1].1 = max(last.1, r.1) } else { merged.append(r) }
            }
            out += merged.map { (contig, $0.0, $0.1) }
        }
        return out
    }

    /// RefSeq GFF3 lines to keep: chromosome `region` lines (they name the chromosome of an accession), and
    /// the lines whose `ID` is a chosen gene or transcript or whose `Parent` is a chosen transcript.
    private static func refSeqKeep(_ line: String, _ attributes: Substring, transcripts: Set<String>, genes: Set<String>) -> Bool {
        let cols = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
        if cols.count > 2, cols[2] == "region" { return RefSeqAccessions.isChromosomeAccession(cols[0]) }
        let form = GFF3Reader.RefSeqForm.self
        if let id = form.attribute("ID", in: attributes).map(form.decoded), genes.contains(id) || transcripts.contains(id) { return true }
        guard let parents = form.attribute("Parent", in: attributes) else { return false }
        return parents.split(separator: ",").contains { transcripts.contains(form.decoded($0)) }
    }

    /// Copies the GFF3 lines of the chosen genes (`ID=gene:`), transcripts (`ID=transcript:`) and their
    /// features (`Parent=transcript:`); for RefSeq GFF3, see `refSeqKeep`.
    private static func copyLines(gff: String, transcripts: Set<String>, genes: Set<String>, write: (String) throws -> Void) throws {
        let reader: TextLineReader
        do { reader = try TextLineReader(path: gff) } catch { throw AnnotationInputError(path: gff, problem: "cannot open the GFF3") }
        func id(_ key: String, _ attributes: Substring) -> String? {
            guard let r = attributes.range(of: key) else { return nil }
            return String(attributes[r.upperBound...].prefix { $0 != ";" })
        }
        while true {
            let next: String?
            do { next = try reader.nextLine() } catch {
                throw AnnotationInputError(path: gff, line: reader.lineNumber + 1, problem: "the file ends or breaks here (truncated or corrupt compressed data)")
            }
            guard let line = next else { break }
            if line.hasPrefix("##FASTA") { break }
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let tab = line.lastIndex(of: "\t") else { continue }
            let attributes = line[line.index(after: tab)...]
            let keep = id("Parent=transcript:", attributes).map { transcripts.contains($0) }
                ?? id("ID=transcript:", attributes).map { transcripts.contains($0) }
                ?? id("ID=gene:", attributes).map { genes.contains($0) }
                ?? refSeqKeep(line, attributes, transcripts: transcripts, genes: genes)
            if keep { try write(line + "\n") }
        }
    }
}
