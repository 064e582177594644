import Foundation
import OncoCore

/// A case's variants as a list (`onco kb match --variants`): a TSV with a header naming the columns
/// `gene, hgvsp, chrom, pos, ref, alt, consequence, exon, filter, build` (any order; `chrom`, `pos`,
/// `ref`, `alt`, `build` required; empty cells allowed elsewhere; leading `#` comment lines skipped, a
/// `#gene…` header accepted), or a JSON array of objects with those keys.
///
/// The TSV is read byte by byte (column positions found once from the header, a field becomes a
/// `String` only when used): a 5,000-variant list reads in a few milliseconds. Errors name the file,
/// the line (as counted in the file) and the field.
public enum CaseVariantList {
    struct Row: Decodable {
        var gene: String?
        var hgvsp: String?
        var chrom: String
        var pos: Int
        var ref: String
        var alt: String
        var consequence: String?
        var exon: String?
        var filter: String?
        var build: String?
    }

    /// The variants of the list at `path`.
    /// - Throws: `KnowledgeError` (`fileUnreadable`, `badInput`) naming the file, line and field.
    public static func read(path: String) throws -> [SomaticVariant] {
        let data: Data
        do throws(InputFileError) { data = try InputFile.contents(path: path) } catch {
            throw KnowledgeError(.fileUnreadable, file: path, "the variant list \(error.reason)")
        }
        let bytes = [UInt8](data)
        let rows: [(Row, Int)]
        if bytes.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) == UInt8(ascii: "[") {
            do { rows = try JSONDecoder().decode([Row].self, from: data).enumerated().map { ($1, $0 + 1) } } catch {
                throw KnowledgeError(.badInput, file: path, "not a JSON array of variant objects (gene, hgvsp, chrom, pos, ref, alt, ...): \(error)")
            }
        } else {
            rows = try tsv(bytes, file: path)
        }
        var out: [SomaticVariant] = []
        out.reserveCapacity(rows.count)
        var builds: [String: GenomeBuild] = [:]
        for (r, line) in rows {
            let b = r.build ?? ""
            let build = builds[b] ?? GenomeBuild(parsing: b)
            builds[b] = build
            guard build != .unknown else {
                throw KnowledgeError(.badInput, file: path, line: line, field: "build", "build must be GRCh37 or GRCh38")
            }
            guard r.pos > 0, !r.ref.isEmpty, !r.alt.isEmpty else {
                throw KnowledgeError(.badInput, file: path, line: line, field: "pos/ref/alt", "position must be positive and ref/alt non-empty")
            }
            let filters = (r.filter ?? "").split(whereSeparator: { $0 == ";" || $0 == "," }).map(String.init).filter { $0 != "." }
            var ann: VariantAnnotation?
            if r.gene != nil || r.hgvsp != nil || r.consequence != nil || r.exon != nil {
                ann = VariantAnnotation(symbol: r.gene, consequences: r.consequence.map { $0.split(separator: "&").map(String.init) } ?? [],
                                        hgvsp: r.hgvsp.map(AminoAcid.longHGVSp), hgvspShort: r.hgvsp.map(AminoAcid.shortHGVSp), exon: r.exon)
            }
            out.append(SomaticVariant(key: VariantKey(build: build, chrom: r.chrom, position: r.pos, ref: r.ref.uppercased(), alt: r.alt.uppercased()),
                                      filters: filters, annotation: ann))
        }
        return out
    }

    /// The TSV's rows with their line numbers in the file.
    static func tsv(_ bytes: [UInt8], file: String) throws -> [(Row, Int)] {
        // Line ranges (without the newline and a trailing CR), numbered from 1.
        var lines: [Range<Int>] = []
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            lines.append(start..<(i > start && bytes[i - 1] == 0x0D ? i - 1 : i))
            start = i + 1
        }
        if start < bytes.count { lines.append(start..<(bytes.last == 0x0D ? bytes.count - 1 : bytes.count)) }
        func hasPrefix(_ r: Range<Int>, _ p: String) -> Bool { bytes[r].starts(with: p.utf8) }
        var first = 0
        while first < lines.count, hasPrefix(lines[first], "#"), !hasPrefix(lines[first], "#gene") { first += 1 }
        guard first < lines.count else { throw KnowledgeError(.badInput, file: file, line: 1, "empty variant list") }
        let headerLine = first + 1
        var h = lines[first]
        while h.lowerBound < h.upperBound, bytes[h.lowerBound] == UInt8(ascii: "#") { h = (h.lowerBound + 1)..<h.upperBound }
        let header = fields(h, in: bytes).map { String(decoding: bytes[$0], as: UTF8.self).lowercased() }
        for need in ["chrom", "pos", "ref", "alt", "build"] where !header.contains(need) {
            throw KnowledgeError(.badInput, file: file, line: headerLine, field: need, "required column is missing")
        }
        let names = ["gene", "hgvsp", "chrom", "pos", "ref", "alt", "consequence", "exon", "filter", "build"]
        let column = names.map { header.firstIndex(of: $0) }
        var out: [(Row, Int)] = []
        out.reserveCapacity(lines.count - first)
        var f: [Range<Int>] = []
        for n in (first + 1)..<lines.count where !lines[n].isEmpty {
            let lineNumber = n + 1
            fields(lines[n], in: bytes, into: &f)
            func v(_ k: Int) -> String? {
                guard let c = column[k], c < f.count, !f[c].isEmpty else { return nil }
                return String(decoding: bytes[f[c]], as: UTF8.self)
            }
            guard let p = v(3), let pos = Int(p) else {
                throw KnowledgeError(.badInput, file: file, line: lineNumber, field: "pos", "'\(v(3) ?? "")' is not a position")
            }
            guard let chrom = v(2), let ref = v(4), let alt = v(5) else {
                throw KnowledgeError(.badInput, file: file, line: lineNumber, field: "chrom/ref/alt", "value is empty")
            }
            out.append((Row(gene: v(0), hgvsp: v(1), chrom: chrom, pos: pos, ref: ref, alt: alt,
                            consequence: v(6), exon: v(7), filter: v(8), build: v(9)), lineNumber))
        }
        return out
    }

    private static func fields(_ line: Range<Int>, in bytes: [UInt8]) -> [Range<Int>] {
        var f: [Range<Int>] = []
        fields(line, in: bytes, into: &f)
        return f
    }

    /// The tab-separated fields of `line` (empty fields kept).
    private static func fields(_ line: Range<Int>, in bytes: [UInt8], into f: inout [Range<Int>]) {
        f.removeAll(keepingCapacity: true)
        var s = line.lowerBound
        for i in line where bytes[i] == 0x09 {
            f.append(s..<i)
            s = i + 1
        }
        f.append(s..<line.upperBound)
    }
}
