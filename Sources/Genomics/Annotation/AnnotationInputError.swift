/// A problem with the inputs of consequence annotation (the GFF3, the reference FASTA, or a VCF record
/// against them): which file, which line, which field, and what.
///
/// ```
/// genes.gff3: line 12: column 4 (start) "12x" is not a number
/// ref.fa: contig "chr9" of case.vcf line 31 (CHROM) is not in the reference FASTA
/// ```
/// `description` names files by their last path component; the full path is only in `debugDescription`.
public struct AnnotationInputError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let file: String
    /// 1-based line (GFF3 line, or the VCF line/record number), `nil` for the file as a whole.
    public let line: Int?
    /// The field at fault (`column 4 (start)`, `Parent`, `CHROM`, `REF`), `nil` for the file as a whole.
    public let field: String?
    public let problem: String
    let path: String

    public init(path: String, line: Int? = nil, field: String? = nil, problem: String) {
        self.path = path
        self.file = path.split(separator: "/").last.map(String.init) ?? path
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var s = file + ":"
        if let line { s += " line \(line):" }
        if let field { s += " \(field):" }
        return s + " " + problem
    }

    public var debugDescription: String { "AnnotationInputError(\(path), line: \(line.map(String.init) ?? "-"), field: \(field ?? "-"), \(problem))" }
}
