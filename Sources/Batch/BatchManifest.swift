import Foundation
import Genomics
import OncoCore

/// The cases of a batch, read from a TSV manifest or a folder of VCFs.
///
/// TSV layout: a header line naming the columns, then one case per line, tab-separated.
/// Required columns `case_id`, `vcf`, `tumor_type` (`tumour_type` is accepted too); optional `sample`,
/// `bam`, `age`, `sex`, `stage`, `lenient` (`yes`/`no`, `true`/`false`, `1`/`0`: skip malformed VCF
/// records and count them in the report), and the case files of `CaseFileOptions` (`cna_file`, `cna_format`,
/// `cna_sample`, `fusion_file`, `fusion_format`, `msi_file`, `tmb_bed` or `tmb_megabases`, `genome_build`),
/// and `gff` with `reference` (the case's own GFF3 + FASTA for in-process annotation, both or neither);
/// `vcf` may name a MAF. Other columns are ignored and listed in `ignoredColumns`.
/// Lines starting with `#` and blank lines are skipped; CRLF line ends are accepted. Empty, `NA` and
/// `.` mean "not given" in optional columns. Relative paths are resolved against the manifest's folder.
///
/// What is checked here, before any case runs, is the manifest's own structure and values
/// (`ManifestError`, naming file, line and field): column count, required columns, empty required
/// fields, duplicate `case_id`, `age`/`sex`/`stage` that cannot be read. A manifest is the operator's
/// input and is accepted or rejected whole, in milliseconds. What depends on the files it points to
/// or on the knowledge base (missing or corrupt VCF, sample not in the VCF, unknown tumour type)
/// is the scorer's business and fails only that case.
public struct BatchManifest: Sendable {
    /// The manifest file, or the folder for a folder of VCFs.
    public let source: String
    /// The cases in manifest order (`cases[i].index == i`).
    public let cases: [BatchCase]
    /// Header columns that batch does not use.
    public let ignoredColumns: [String]

    public init(source: String, cases: [BatchCase], ignoredColumns: [String] = []) {
        self.source = source
        self.cases = cases
        self.ignoredColumns = ignoredColumns
    }

    /// The cases of one shard, in manifest order.
    public func cases(in shard: Shard?) -> [BatchCase] {
        guard let shard else { return cases }
        return cases.filter(shard.contains)
    }

    static let required = ["case_id", "vcf", "tumor_type"]
    static let optional = ["sample", "bam", "age", "sex", "stage", "lenient", "cna_file", "cna_format", "cna_sample",
                           "fusion_file", "fusion_format", "msi_file", "tmb_bed", "tmb_megabases", "genome_build", "gff", "reference"]

    /// Reads a TSV manifest.
    /// - Throws: `ManifestError` naming the file, line and field of the first problem.
    public static func read(path: String) throws -> BatchManifest {
        let data: Data
        do throws(InputFileError) { data = try InputFile.contents(path: path) } catch {
            throw ManifestError(.unreadable, file: path, line: nil, field: nil,
                                error.code == .folder ? "is a folder (give --tumor-type to read a folder of VCFs)" : error.reason)
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(data, file: path, baseDirectory: base)
    }

    /// Parses manifest text. `file` is used in errors; relative paths are resolved against `baseDirectory`.
    /// The header names the columns (`parseHeader`); every other line that is not blank or a comment is a case
    /// (`parseCase`, in `BatchManifest+Rows.swift`).
    public static func parse(_ data: Data, file: String, baseDirectory: String) throws -> BatchManifest {
        var header: (names: [String], column: [String: Int])? = nil
        var ignored: [String] = []
        var cases: [BatchCase] = []
        var firstLine: [String: Int] = [:]
        var lineNumber = 0
        // Split on LF bytes: as Characters, "\r\n" is one grapheme and would not split on "\n".
        for rawLine in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = rawLine[...]
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw ManifestError(.malformed, file: file, line: lineNumber, field: nil, "is not UTF-8 text")
            }
            let line = Substring(decoded)
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let h = header else {
                let parsed = try parseHeader(fields, file: file, line: lineNumber)
                ignored = parsed.ignored
                header = (fields, parsed.column)
                continue
            }
            let (names, column) = h
            guard fields.count == names.count else {
                throw ManifestError(.malformed, file: file, line: lineNumber, field: nil,
                                    "\(fields.count) fields, the header has \(names.count)")
            }
            let row = ManifestRow(fields: fields, column: column, file: file, line: lineNumber)
            let c = try parseCase(row, index: cases.count, baseDirectory: baseDirectory, firstLine: &firstLine)
            cases.append(c)
        }
        guard header != nil else {
            throw ManifestError(.malformed, file: file, line: nil, field: nil, "has no header line")
        }
        return BatchManifest(source: file, cases: cases, ignoredColumns: ignored)
    }

    /// The same manifest with every case lenient (`onco batch --lenient`).
    public func lenient() -> BatchManifest {
        BatchManifest(source: source, cases: cases.map { var c = $0; c.lenient = true; return c }, ignoredColumns: ignoredColumns)
    }

    /// The file name endings read as VCFs in a folder.
    public static let vcfSuffixes = [".vcf.gz", ".vcf.bgz", ".vcf", ".bcf"]

    /// Makes a manifest from every VCF in a folder (not recursive), one case per file in name order.
    ///
    /// `case_id` is the file name without its VCF ending; all cases get `tumourType`.
    /// - Throws: `ManifestError` if the folder cannot be listed, has no VCF, or two files give the same case id.
    public static func folder(_ path: String, tumourType: String) throws -> BatchManifest {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw ManifestError(.unreadable, file: path, line: nil, field: nil, "cannot be listed as a folder")
        }
        var cases: [BatchCase] = []
        var seen: [String: String] = [:]
        for name in names.sorted() {
            guard let suffix = vcfSuffixes.first(where: { name.hasSuffix($0) }), name.count > suffix.count else { continue }
            let id = String(name.dropLast(suffix.count))
            if let other = seen[id] {
                throw ManifestError(.malformed, file: path, line: nil, field: "case_id",
                                    "two files give the same case id (\(other), \(name))")
            }
            seen[id] = name
            cases.append(BatchCase(id: id, index: cases.count, line: 0,
                                   vcf: URL(fileURLWithPath: path).appendingPathComponent(name).path,
                                   tumourType: tumourType))
        }
        guard !cases.isEmpty else {
            throw ManifestError(.malformed, file: path, line: nil, field: nil,
                                "has no VCF (\(vcfSuffixes.joined(separator: ", ")))")
        }
        return BatchManifest(source: path, cases: cases)
    }

    /// The `gff` and `reference` columns of one row: both (resolved paths) or neither.
    static func consequenceSource(gff: String?, reference: String?, base: String, file: String, line: Int) throws -> ConsequenceSource? {
        switch (gff, reference) {
        case (nil, nil): return nil
        case let (g?, r?): return ConsequenceSource(gff: resolve(g, against: base), reference: resolve(r, against: base))
        case (_?, nil):
            throw ManifestError(.malformed, file: file, line: line, field: "reference", "empty, but gff is given: the GFF3 needs the reference FASTA of its build")
        case (nil, _?):
            throw ManifestError(.malformed, file: file, line: line, field: "gff", "empty, but reference is given: give the GFF3 too (reference is only used to annotate)")
        }
    }

    static func resolve(_ p: String, against base: String) -> String {
        if p.hasPrefix("/") { return p }
        return URL(fileURLWithPath: base).appendingPathComponent(p).standardizedFileURL.path
    }
}

/// A manifest that cannot be used: which file, line and field, and why.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable { case unreadable, malformed }
    public let code: Code
    public let file: String
    /// 1-based line, when the problem is on one line.
    public let line: Int?
    /// The column, when the problem is in one field.
    public let field: String?
    public let message: String

    public init(_ code: Code, file: String, line: Int?, field: String?, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = "manifest \(file)"
        if let line { s += ", line \(line)" }
        if let field { s += ", field \(field)" }
        return s + ": " + message
    }
}

/// One of N shards of a manifest: shard `I/N` (1-based) takes the cases whose manifest index `i`
/// satisfies `i % N == I - 1`, i.e. every N-th case starting with the I-th.
///
/// Interleaving (rather than contiguous blocks) spreads slow cases and corrupt stretches across
/// shards and makes shard membership independent of how many cases are left to do.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 1-based shard number.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw ShardSyntaxError(text: "\(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (e.g. `2/8`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { throw ShardSyntaxError(text: text) }
        try self.init(index: i, count: n)
    }

    public func contains(_ c: BatchCase) -> Bool { c.index % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}

/// A `--shard` value that is not `I/N` with 1 ≤ I ≤ N.
public struct ShardSyntaxError: Error, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { "shard '\(text)' is not I/N with 1 <= I <= N (e.g. 2/8)" }
}
