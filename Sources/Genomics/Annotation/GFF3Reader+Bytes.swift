import Foundation

/// The common GFF3 line read as bytes: a `CDS`, `exon`, `five_prime_UTR` or `three_prime_UTR` line of an
/// Ensembl transcript (`Parent=transcript:…`), nine-tenths of a GFF3. Every other line, and any such
/// line with something `parse(line:)` would refuse or treat specially, goes through `parse(line:)`, so the
/// result and the errors are the same; this only avoids a `String` and nine `Substring`s per line.
extension GFF3Reader {
    /// The last seqid seen on the byte path and its FASTA contig.
    struct SeqidCache {
        var bytes: [UInt8] = []
        var contig = ""
    }

    /// Appends the feature of `line` to `p` when it is a plain Ensembl feature line; `false`: not handled.
    static func parseFeature(_ line: UnsafeBufferPointer<UInt8>, number: Int, seqid cache: inout SeqidCache, into p: inout Parsed) -> Bool {
        let n = line.count
        // Tab positions of the first eight columns.
        var tabs = (0, 0, 0, 0, 0, 0, 0, 0)
        var found = 0
        var i = 0
        while i < n && found < 8 {
            if line[i] == 0x09 {
                switch found {
                case 0: tabs.0 = i
                case 1: tabs.1 = i
                case 2: tabs.2 = i
                case 3: tabs.3 = i
                case 4: tabs.4 = i
                case 5: tabs.5 = i
                case 6: tabs.6 = i
                default: tabs.7 = i
                }
                found += 1
            }
            i += 1
        }
        guard found == 8 else { return false }
        let kind: Feature.Kind
        switch equalsAny(line, tabs.1 + 1, tabs.2) {
        case 1: kind = .cds
        case 2: kind = .exon
        case 3: kind = .utr5
        case 4: kind = .utr3
        default: return false
        }
        guard let beg1 = positive(line, tabs.2 + 1, tabs.3), let end1 = positive(line, tabs.3 + 1, tabs.4), end1 >= beg1 else { return false }
        guard tabs.6 - tabs.5 == 2 else { return false }
        let forward: Bool
        switch line[tabs.5 + 1] {
        case UInt8(ascii: "+"): forward = true
        case UInt8(ascii: "-"): forward = false
        default: return false
        }
        guard tabs.7 - tabs.6 == 2 else { return false }
        let phase: Int
        switch line[tabs.6 + 1] {
        case UInt8(ascii: "0"): phase = 0
        case UInt8(ascii: "1"): phase = 1
        case UInt8(ascii: "2"): phase = 2
        case UInt8(ascii: "."): phase = 3
        default: return false
        }
        // The seqid's contig: the last one, else one the String path has resolved before.
        if !line[0..<tabs.0].elementsEqual(cache.bytes) {
            let seqid = Substring(String(decoding: UnsafeBufferPointer(rebasing: line[0..<tabs.0]), as: UTF8.self))
            guard let known = p.contigOf[seqid] else { return false }
            cache = SeqidCache(bytes: Array(line[0..<tabs.0]), contig: known)
        }
        // `Parent=transcript:` anywhere in the attributes (csq.c's substring search), up to `;`, space or tab.
        var attributesEnd = tabs.7 + 1
        while attributesEnd < n && line[attributesEnd] != 0x09 { attributesEnd += 1 }
        guard let from = find(parentKey, in: line, tabs.7 + 1, attributesEnd) else { return false }
        var to = from
        while to < attributesEnd && line[to] != UInt8(ascii: ";") && line[to] != 0x20 && line[to] != 0x09 { to += 1 }
        let parent = String(decoding: UnsafeBufferPointer(rebasing: line[from..<to]), as: UTF8.self)
        p.features.append(Feature(kind: kind, beg: beg1 - 1, end: end1 - 1, forward: forward, phase: phase, transcript: parent, line: number))
        return true
    }

    private static let parentKey = Array("Parent=transcript:".utf8)
    private static let kinds = [Array("CDS".utf8), Array("exon".utf8), Array("five_prime_UTR".utf8), Array("three_prime_UTR".utf8)]

    /// 1 + the index in `kinds` of `line[from..<to]`, 0 for none.
    private static func equalsAny(_ line: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        for (k, word) in kinds.enumerated() where word.count == to - from && line[from..<to].elementsEqual(word) { return k + 1 }
        return 0
    }

    /// A decimal of digits only, >= 1 and below 10^15 (anything else is left to the String path's checks).
    private static func positive(_ line: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        guard to > from, to - from <= 15 else { return nil }
        var v = 0
        for i in from..<to {
            let d = Int(line[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
        }
        return v >= 1 ? v : nil
    }

    /// The index just past the first `needle` in `line[from..<to]`.
    private static func find(_ needle: [UInt8], in line: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        let m = needle.count
        guard m > 0, to - from >= m else { return nil }
        let first = needle[0]
        var i = from
        while i + m <= to {
            if line[i] == first {
                var k = 1
                while k < m && line[i + k] == needle[k] { k += 1 }
                if k == m { return i + m }
            }
            i += 1
        }
        return nil
    }
}

extension GFF3Reader {
    /// The start-up check that the GFF3 and the FASTA are one genome: a transcript or feature that ends
    /// past its contig's length in the FASTA (`.fai`) is an error naming the GFF3 line (seqids the FASTA
    /// lacks are left alone: Ensembl GFF3s carry scaffolds a primary-assembly FASTA does not).
    struct ContigBounds {
        let reference: any AnnotationReference
        let path: String
        private var last: (contig: String, length: Int?)?

        init(reference: any AnnotationReference, path: String) {
            self.reference = reference
            self.path = path
        }

        /// `end` is 0-based inclusive.
        mutating func check(end: Int, contig: String, line: Int, what: String) throws {
            let length: Int?
            if let last, last.contig == contig { length = last.length } else {
                length = reference.length(of: contig)
                last = (contig, length)
            }
            guard let length, end >= length else { return }
            throw AnnotationInputError(path: path, line: line, field: "column 5 (end)",
                                       problem: "\(what) ends at \(end + 1), past the end of contig \(contig) in \((reference.path as NSString).lastPathComponent) (\(length) bases); are the GFF3 and the FASTA the same genome build?")
        }
    }
}
