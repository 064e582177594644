import Foundation
import OncoCore

/// Bad input in a case file beside the VCF (copy-number segments or gene calls, fusion calls, MSI output,
/// a panel BED, the gene-span table): which file, line and field, and what is wrong.
///
/// `description` names the file by its last path component (a directory may carry a patient's name) and
/// echoes at most a short cell value (a number, a column name, a gene symbol), never a sample identifier.
public struct CaseInputError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case unreadable, unknownFormat, missingColumn, columnCount, badValue, badInterval, unknownSample, noBuild, empty
        }
        fileprivate let base: Base
        /// The file cannot be opened or read.
        public static let unreadable = Code(base: .unreadable)
        /// The header matches none of the formats this reader knows (or the one asked for).
        public static let unknownFormat = Code(base: .unknownFormat)
        /// A column the format needs is not in the header.
        public static let missingColumn = Code(base: .missingColumn)
        /// A row has a different number of fields from the header.
        public static let columnCount = Code(base: .columnCount)
        /// A cell that cannot be read (a number, a chromosome, a call, a strand).
        public static let badValue = Code(base: .badValue)
        /// An interval whose start is after its end.
        public static let badInterval = Code(base: .badInterval)
        /// The sample column asked for is not in the file, or a choice is needed among several.
        public static let unknownSample = Code(base: .unknownSample)
        /// Segments cannot be placed on genes without knowing the genome build.
        public static let noBuild = Code(base: .noBuild)
        /// The file has no header or no record.
        public static let empty = Code(base: .empty)
        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The file's last path component.
    public let file: String
    /// 1-based line number, when the problem is on a line.
    public let line: Int?
    /// The column or field concerned.
    public let field: String?
    public let message: String

    public init(_ code: Code, file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.code = code
        self.file = URL(fileURLWithPath: file).lastPathComponent
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += " line \(line)" }
        if let field { s += ", field '\(field)'" }
        return s + ": " + message
    }

    public var debugDescription: String { "CaseInputError(\(code), \(description))" }
}

/// The lines of a small text file (plain, gzip or BGZF), with their 1-based numbers, read whole: the case
/// files beside a VCF are at most a few megabytes (a cBioPortal `data_CNA.txt` of a cohort is the largest).
struct NumberedLines {
    let path: String
    let lines: [(number: Int, text: String)]

    init(path: String) throws(CaseInputError) {
        self.path = path
        let reader: TextLineReader
        do { reader = try TextLineReader(path: path) } catch {
            throw CaseInputError(.unreadable, file: path, "cannot open the file")
        }
        var out: [(number: Int, text: String)] = []
        do {
            while let l = try reader.nextLine() { out.append((reader.lineNumber, l)) }
        } catch {
            throw CaseInputError(.unreadable, file: path, line: reader.lineNumber + 1, "read error (corrupt or truncated compressed data?)")
        }
        lines = out
    }

    func fail(_ code: CaseInputError.Code, line: Int?, field: String?, _ message: String) -> CaseInputError {
        CaseInputError(code, file: path, line: line, field: field, message)
    }
}

/// A tab-separated table: the header line (chosen by the format's reader) and the rows after it, with
/// their line numbers.
struct TabTable {
    let source: NumberedLines
    let header: [String]
    let headerLine: Int
    let rows: [(line: Int, cells: [String])]
    private let index: [String: Int]

    /// `isHeader` picks the header line among the leading lines; lines before it are skipped (comments,
    /// metadata). After the header, blank lines are skipped and every other line must have the header's width.
    init(_ source: NumberedLines, isHeader: (String) -> Bool) throws(CaseInputError) {
        self.source = source
        guard let h = source.lines.firstIndex(where: { isHeader($0.text) }) else {
            throw source.fail(.empty, line: nil, field: nil, "no header line")
        }
        headerLine = source.lines[h].number
        header = source.lines[h].text.split(separator: "\t", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() where index[name.lowercased()] == nil { index[name.lowercased()] = i }
        self.index = index
        var rows: [(line: Int, cells: [String])] = []
        for (n, text) in source.lines[(h + 1)...] {
            if text.allSatisfy(\.isWhitespace) { continue }
            let cells = text.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == header.count else {
                throw source.fail(.columnCount, line: n, field: nil, "\(cells.count) fields, the header has \(header.count)")
            }
            rows.append((n, cells))
        }
        self.rows = rows
    }

    /// The index of the first column named any of `names` (case-insensitive).
    func column(_ names: String...) -> Int? {
        for n in names { if let i = index[n.lowercased()] { return i } }
        return nil
    }

    /// The index of a required column, or an error naming it.
    func require(_ names: String...) throws(CaseInputError) -> Int {
        for n in names { if let i = index[n.lowercased()] { return i } }
        throw source.fail(.missingColumn, line: headerLine, field: names[0], "required column is missing from the header")
    }

    func has(_ names: String...) -> Bool { names.allSatisfy { index[$0.lowercased()] != nil } }

    func fail(_ code: CaseInputError.Code, line: Int?, field: String?, _ message: String) -> CaseInputError {
        source.fail(code, line: line, field: field, message)
    }

    /// A number in a cell, or an error naming line, column and value.
    func double(_ row: (line: Int, cells: [String]), _ column: Int, in range: ClosedRange<Double>? = nil) throws(CaseInputError) -> Double {
        do throws(NumberParseError) { return try NumberField.double(row.cells[column], field: header[column], in: range) } catch {
            throw fail(.badValue, line: row.line, field: header[column], error.problem)
        }
    }

    /// A whole number in a cell, or an error naming line, column and value.
    func integer(_ row: (line: Int, cells: [String]), _ column: Int, in range: ClosedRange<Int>) throws(CaseInputError) -> Int {
        do throws(NumberParseError) { return try NumberField.integer(row.cells[column], field: header[column], in: range).value } catch {
            throw fail(.badValue, line: row.line, field: header[column], error.problem)
        }
    }
}
