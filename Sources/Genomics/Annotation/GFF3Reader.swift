import Foundation

/// Reads an Ensembl-style or NCBI RefSeq GFF3 (plain or gzip/bgzip) into transcript models, with the
/// rules of `bcftools csq` 1.16 (csq.c `gff_parse`, `init_gff`, `tscript_init_cds`):
///
/// - genes are lines with `ID=gene:…` and a supported `biotype=`; the name is `Name=` (else the id);
/// - transcripts are lines with `ID=transcript:…`, `Parent=gene:…` and a supported `biotype=`;
/// - `CDS`, `exon`, `five_prime_UTR` and `three_prime_UTR` lines hang on `Parent=transcript:…`;
/// - features of transcripts that are ignored (unsupported biotype, no gene) are dropped;
/// - CDS parts are sorted; the 5' phase is trimmed, phases are checked against the running length,
///   overlapping parts are refused, and an incomplete 3' codon is trimmed.
///
/// RefSeq GFF3 (NCBI's GRCh37/GRCh38 annotation) is read with the same rules once the file shows itself
/// as RefSeq (`#!processor NCBI`/`#!annotation-source` header, `ID=gene-…`/`ID=rna-…`, or an `NC_` region
/// line); its forms are in `GFF3Reader+RefSeq.swift` (seqids as accessions, `gene_biotype=`, transcript
/// types, `transcript_id=`, `tag=MANE Select`, UTRs from exons minus CDS).
///
/// Stricter than bcftools where bcftools would print and carry on: every line it cannot read is an
/// error naming the file, the line, the column and the value. A file without any CDS is refused.
enum GFF3Reader {
    struct Feature {
        enum Kind { case cds, exon, utr5, utr3 }
        let kind: Kind
        let beg: Int, end: Int
        let forward: Bool
        let phase: Int
        /// The transcript's key (Ensembl: the id after `transcript:`; RefSeq: the whole `ID`, `rna-…`).
        let transcript: String
        let line: Int
    }

    struct Gene {
        let name: String
        /// The id printed in the output (Ensembl gene id; RefSeq: the NCBI GeneID).
        let id: String
        let contig: String
    }

    struct Transcript {
        let gene: String
        /// The id printed in the output (`ENST…`; RefSeq: `NM_…` with its version).
        let id: String
        let biotype: Biotype
        let forward: Bool
        let beg: Int, end: Int
        let canonical: Bool, mane: Bool
        let line: Int
        /// RefSeq GFF3 has no UTR lines: they are the exon parts outside the CDS.
        let utrsFromExons: Bool
    }

    /// What the lines read so far hold.
    struct Parsed {
        var genes: [String: Gene] = [:]
        var transcripts: [String: Transcript] = [:]
        var order: [String] = []
        var features: [Feature] = []
        var contigOf: [Substring: String] = [:]
        /// RefSeq `region` lines: seqid → `chromosome=`.
        var regionChromosome: [Substring: String] = [:]
        /// RefSeq genes' biotypes (a non-coding gene's transcripts take it).
        var geneBiotypes: [String: Biotype] = [:]
        var isRefSeq = false
    }

    static func read(path: String, reference: any AnnotationReference) throws -> [TranscriptModel] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw AnnotationInputError(path: path, problem: FileManager.default.fileExists(atPath: path) ? "the GFF3 is not readable" : "no such GFF3 file")
        }
        let reader: TextLineReader
        do { reader = try TextLineReader(path: path) } catch { throw AnnotationInputError(path: path, problem: "cannot open the GFF3") }
        var parsed = Parsed()
        var seqid = SeqidCache()
        var ended = false
        while !ended {
            let more: Bool?
            do {
                more = try reader.withNextLine { line -> Bool in
                    if line.isEmpty { return true }
                    if line[0] == UInt8(ascii: "#") {
                        let text = String(decoding: line, as: UTF8.self)
                        if text.hasPrefix("##FASTA") { return false }
                        if text.hasPrefix("#!processor NCBI") || text.hasPrefix("#!annotation-source") { parsed.isRefSeq = true }
                        return true
                    }
                    if parseFeature(line, number: reader.lineNumber, seqid: &seqid, into: &parsed) { return true }
                    try parse(line: String(decoding: line, as: UTF8.self), number: reader.lineNumber, path: path, reference: reference, into: &parsed)
                    return true
                }
            } catch let e as AnnotationInputError {
                throw e
            } catch {
                throw AnnotationInputError(path: path, line: reader.lineNumber + 1, problem: "the file ends or breaks here (truncated or corrupt compressed data)")
            }
            ended = more != true
        }
        return try assemble(path: path, parsed, reference: reference)
    }

    /// One feature line.
    private static func parse(line: String, number lineNumber: Int, path: String, reference: any AnnotationReference, into p: inout Parsed) throws {
        let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
        func fail(_ field: String, _ problem: String) -> AnnotationInputError {
            AnnotationInputError(path: path, line: lineNumber, field: field, problem: problem)
        }
        guard cols.count >= 9 else {
            throw fail("columns", "\(cols.count) tab-separated column\(cols.count == 1 ? "" : "s"), GFF3 has 9 (seqid source type start end score strand phase attributes)")
        }
        func number(_ i: Int, _ name: String) throws -> Int {
            guard let v = Int(cols[i]), v >= 1 else { throw fail("column \(i + 1) (\(name))", "\"\(cols[i].prefix(40))\" is not a positive number") }
            return v - 1
        }
        let type = cols[2]
        let attributes = cols[8]
        let kind: Feature.Kind?
        switch type {
        case "CDS": kind = .cds
        case "exon": kind = .exon
        case "five_prime_UTR": kind = .utr5
        case "three_prime_UTR": kind = .utr3
        default: kind = nil
        }
        // Feature lines (most of a GFF3) are never genes or transcripts: their attributes are not searched for those.
        let isTranscript = kind == nil && after("ID=transcript:", in: attributes) != nil
        let isGene = kind == nil && !isTranscript && after("ID=gene:", in: attributes) != nil
        if !p.isRefSeq && kind == nil && !isTranscript && !isGene && RefSeqForm.showsRefSeq(seqid: cols[0], type: type, attributes: attributes) { p.isRefSeq = true }
        let refseq = p.isRefSeq && kind == nil && !isTranscript && !isGene ? RefSeqForm.Line(type: type) : nil
        if kind == nil && !isTranscript && !isGene && refseq == nil { return }
        let beg = try number(3, "start"), end = try number(4, "end")
        if end < beg { throw fail("column 5 (end)", "end \(end + 1) is before start \(beg + 1)") }
        if refseq == .region {
            if let chromosome = RefSeqForm.attribute("chromosome", in: attributes), RefSeqAccessions.isChromosomeAccession(cols[0]) {
                p.regionChromosome[cols[0]] = String(chromosome)
            }
            return
        }
        let forward: Bool
        switch cols[6] {
        case "+": forward = true
        case "-": forward = false
        default: throw fail("column 7 (strand)", "\"\(cols[6].prefix(10))\" is not + or -")
        }
        let contig: String
        if let known = p.contigOf[cols[0]] { contig = known } else {
            contig = try RefSeqForm.contig(cols[0], reference: reference, regions: p.regionChromosome) { fail("column 1 (seqid)", $0) }
            p.contigOf[cols[0]] = contig
        }
        if let kind {
            let phase: Int
            switch cols[7] {
            case "0": phase = 0
            case "1": phase = 1
            case "2": phase = 2
            case ".": phase = 3
            default: throw fail("column 8 (phase)", "\"\(cols[7].prefix(10))\" is not 0, 1, 2 or .")
            }
            if let parent = value(of: "Parent=transcript:", in: attributes) {
                p.features.append(Feature(kind: kind, beg: beg, end: end, forward: forward, phase: phase, transcript: parent, line: lineNumber))
                return
            }
            guard p.isRefSeq, let parents = RefSeqForm.attribute("Parent", in: attributes) else {
                throw fail("column 9 (Parent)", "a \(type) line needs Parent=transcript:ID (Ensembl GFF3) or Parent=rna-ID (RefSeq GFF3)")
            }
            for parent in parents.split(separator: ",") {
                p.features.append(Feature(kind: kind, beg: beg, end: end, forward: forward, phase: phase, transcript: String(parent), line: lineNumber))
            }
            return
        }
        if isTranscript {
            guard let biotype = value(of: "biotype=", in: attributes).flatMap({ Biotype(attribute: Substring($0)) }) else { return }
            guard let id = value(of: "ID=transcript:", in: attributes) else { return }
            guard let gene = value(of: "Parent=gene:", in: attributes) else {
                throw fail("column 9 (Parent)", "transcript \(id) needs Parent=gene:ID")
            }
            let tags = value(of: "tag=", in: attributes) ?? ""
            let canonical = after("Ensembl_canonical", in: attributes) != nil
            let mane = after("MANE_Select", in: Substring(tags)) != nil
            if p.transcripts[id] == nil { p.order.append(id) }
            p.transcripts[id] = Transcript(gene: gene, id: id, biotype: biotype, forward: forward, beg: beg, end: end,
                                           canonical: canonical, mane: mane, line: lineNumber, utrsFromExons: false)
        } else if isGene {
            guard value(of: "biotype=", in: attributes).flatMap({ Biotype(attribute: Substring($0)) }) != nil else { return }
            guard let id = value(of: "ID=gene:", in: attributes) else { return }
            if p.genes[id] != nil { throw fail("column 9 (ID)", "gene:\(id) is defined twice") }
            p.genes[id] = Gene(name: value(of: "Name=", in: attributes) ?? id, id: id, contig: contig)
        } else if let refseq {
            try RefSeqForm.add(refseq, attributes: attributes, contig: contig, forward: forward, beg: beg, end: end,
                               line: lineNumber, into: &p, fail: fail)
        }
    }

    /// Connects features to transcripts and transcripts to genes; prepares each transcript's CDS.
    private static func assemble(path: String, _ p: Parsed, reference: any AnnotationReference) throws -> [TranscriptModel] {
        var models: [String: TranscriptModel] = [:]
        var bounds = ContigBounds(reference: reference, path: path)
        for key in p.order {
            guard let t = p.transcripts[key], let g = p.genes[t.gene] else { continue }
            try bounds.check(end: t.end, contig: g.contig, line: t.line, what: "transcript \(t.id)")
            models[key] = TranscriptModel(id: t.id, geneName: g.name, geneID: g.id, contig: g.contig, biotype: t.biotype,
                                          isForward: t.forward, beg: t.beg, end: t.end, canonical: t.canonical, mane: t.mane,
                                          gffKeys: (gene: t.gene, transcript: key))
        }
        var cdsCount = 0
        var utrs: [(TranscriptModel, Feature)] = []
        for f in p.features {
            guard let tr = models[f.transcript] else { continue }
            try bounds.check(end: f.end, contig: tr.contig, line: f.line, what: "a feature of transcript \(tr.id)")
            if tr.isForward != f.forward {
                throw AnnotationInputError(path: path, line: f.line, field: "column 7 (strand)",
                                           problem: "the strand differs from that of transcript \(tr.id)")
            }
            switch f.kind {
            case .cds:
                tr.cds.append(TranscriptModel.CDS(beg: f.beg, len: f.end - f.beg + 1, phase: f.phase))
                cdsCount += 1
            case .exon: tr.exons.append((f.beg, f.end))
            case .utr5, .utr3: utrs.append((tr, f))
            }
        }
        if cdsCount == 0 {
            throw AnnotationInputError(path: path, field: "column 3 (type)",
                                       problem: "no CDS line belongs to a transcript (Ensembl: ID=transcript:…, Parent=gene:… with a biotype; RefSeq: mRNA ID=rna-…, Parent=gene-…) of a gene (ID=gene:… or ID=gene-…): coding consequences cannot be computed")
        }
        let withUTRLines = Set(utrs.map { ObjectIdentifier($0.0) })
        var out: [TranscriptModel] = []
        for key in p.order {
            guard let tr = models[key], let t = p.transcripts[key] else { continue }
            if t.utrsFromExons && !withUTRLines.contains(ObjectIdentifier(tr)) { RefSeqForm.deriveUTRs(tr) }
            try prepareCDS(tr, path: path, line: t.line)
            out.append(tr)
        }
        for (tr, f) in utrs { tr.utrs.append((f.beg, f.end, f.kind == .utr5)) }
        return out
    }

    /// csq.c `tscript_init_cds`: sort, trim the 5' phase, check phases, refuse overlaps, trim an
    /// incomplete 3' codon, set offsets.
    static func prepareCDS(_ tr: TranscriptModel, path: String, line: Int) throws {
        guard !tr.cds.isEmpty else { return }
        tr.cds.sort { $0.beg < $1.beg }
        let n = tr.cds.count
        func phaseError(_ c: TranscriptModel.CDS, _ phase: Int, _ len: Int) -> AnnotationInputError {
            AnnotationInputError(path: path, line: line, field: "column 8 (phase)",
                                 problem: "the CDS of transcript \(tr.id) at \(c.beg + 1) has phase \(c.phase), but the coding length before it (\(len)) needs phase \((3 - len % 3) % 3)")
        }
        var len = 0
        if tr.isForward {
            if tr.cds[0].phase != 3 {
                if tr.cds[0].phase != 0 { tr.trim5 = true }
                tr.cds[0].beg += tr.cds[0].phase
                tr.cds[0].len -= tr.cds[0].phase
                tr.cds[0].phase = 0
            }
            for c in tr.cds {
                if c.phase == 3 { len += c.len; continue }
                let phase = c.phase != 0 ? 3 - c.phase : 0
                if phase != len % 3 { throw phaseError(c, phase, len) }
                len += c.len
            }
        } else {
            if tr.cds[n - 1].phase != 3 {
                var i = n - 1
                var phase = tr.cds[i].phase
                if phase != 0 { tr.trim5 = true }
                while i >= 0 && phase > tr.cds[i].len {
                    phase -= tr.cds[i].len
                    tr.cds[i].phase = 0
                    tr.cds[i].len = 0
                    i -= 1
                }
                tr.cds[i].len -= tr.cds[i].phase
                tr.cds[i].phase = 0
            }
            for c in tr.cds.reversed() {
                if c.phase == 3 { len += c.len; continue }
                let phase = c.phase != 0 ? 3 - c.phase : 0
                if phase != len % 3 { throw phaseError(c, phase, len) }
                len += c.len
            }
        }
        len = 0
        for i in 0..<n {
            len += tr.cds[i].len
            if i == 0 { continue }
            let a = tr.cds[i - 1], b = tr.cds[i]
            if a.beg + a.len - 1 >= b.beg {
                throw AnnotationInputError(path: path, line: line, field: "column 4 (start)",
                                           problem: "CDS parts of transcript \(tr.id) overlap: \(a.beg + 1)-\(a.beg + a.len) and \(b.beg + 1)-\(b.beg + b.len)")
            }
        }
        if len % 3 != 0 {
            tr.trim3 = true
            if tr.isForward {
                var i = n - 1
                while i >= 0 && len % 3 != 0 {
                    let d = tr.cds[i].len >= len % 3 ? len % 3 : tr.cds[i].len
                    tr.cds[i].len -= d
                    len -= d
                    i -= 1
                }
            } else {
                var i = 0
                while i < n && len % 3 != 0 {
                    let d = tr.cds[i].len >= len % 3 ? len % 3 : tr.cds[i].len
                    tr.cds[i].len -= d
                    tr.cds[i].beg += d
                    len -= d
                    i += 1
                }
            }
        }
        len = 0
        for i in 0..<n {
            tr.cds[i].pos = len
            len += tr.cds[i].len
        }
    }

    /// The value after `needle` up to `;` or white space (csq.c `gff_id_parse`: a substring search).
    static func value(of needle: String, in attributes: Substring) -> String? {
        guard let from = after(needle, in: attributes) else { return nil }
        let rest = attributes[from...]
        let end = rest.firstIndex { $0 == ";" || $0 == " " || $0 == "\t" } ?? rest.endIndex
        return String(rest[..<end])
    }

    /// The index just past the first occurrence of `needle` in `text`, compared as bytes (the attribute
    /// keys are ASCII; Foundation's `range(of:)` cost a tenth of an annotation run on a 5 MB GFF3).
    static func after(_ needle: String, in text: Substring) -> Substring.Index? {
        let n = Array(needle.utf8), u = text.utf8
        guard let first = n.first else { return text.startIndex }
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == first {
                var j = i, k = 0
                while k < n.count, j != u.endIndex, u[j] == n[k] { j = u.index(after: j); k += 1 }
                if k == n.count { return j }
            }
            i = u.index(after: i)
        }
        return nil
    }
}
