import Foundation

extension ConsequenceAnnotator {
    /// The start-up check that a VCF and the FASTA are one genome: a `##contig` whose `length=` differs
    /// from the FASTA's length of the same contig (with or without `chr`) is an error naming the VCF,
    /// the header line and the value. Contigs the FASTA lacks, and contigs without a length, pass here
    /// (a record on a contig the FASTA lacks is an error when it is read).
    /// - Throws: `AnnotationInputError`.
    func checkContigs(of header: VariantHeader, path: String) throws {
        for c in header.contigs {
            guard let declared = c.length, let name = reference.resolve(c.name), let length = reference.length(of: name),
                  length != declared else { continue }
            throw AnnotationInputError(path: path, line: Self.headerLine(ofContig: c.name, in: path), field: "##contig length",
                                       problem: "contig \(c.name) has length=\(declared), but \(name) of \((reference.path as NSString).lastPathComponent) has \(length) bases; are the VCF and the FASTA the same genome build?")
        }
    }

    /// The 1-based line of `##contig=<ID=name,` in a text VCF (plain or compressed), `nil` for BCF or when absent.
    static func headerLine(ofContig name: String, in path: String) -> Int? {
        guard let reader = try? TextLineReader(path: path) else { return nil }
        let prefix = Array("##contig=<ID=\(name)".utf8)
        while true {
            // 0: another header line, 1: the line, nil: past the header, not text, or the end.
            let step: Int? = try? reader.withNextLine { line -> Int? in
                guard line.first == UInt8(ascii: "#") else { return nil }
                guard line.count > prefix.count, line.starts(with: prefix),
                      line[prefix.count] == UInt8(ascii: ",") || line[prefix.count] == UInt8(ascii: ">") else { return 0 }
                return 1
            } ?? nil
            switch step {
            case 0?: continue
            case 1?: return reader.lineNumber
            default: return nil
            }
        }
    }
}
