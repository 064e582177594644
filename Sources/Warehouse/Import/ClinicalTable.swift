import Foundation
import Genomics
import OncoCore

/// A tab-separated table with a header row, as cBioPortal writes them: optional `#` metadata lines
/// before the header (clinical files have four: display names, descriptions, datatypes, priorities),
/// then one row per record. Every row must have as many cells as the header.
///
/// Read by `OncoCore.DelimitedTable` (the byte-level reader of every delimited input: survival tables,
/// OMOP CSV, cBioPortal files), whose rules apply: blank and `#` lines are skipped, header names are
/// trimmed, a repeated header name is an error; a gzip file is decompressed first (htslib BGZF).
public struct ClinicalTable: Sendable {
    public var fileName: String
    /// Column ids of the header row (`PATIENT_ID`, `OS_MONTHS`, ...).
    public var columns: [String]
    public var rows: [[String]]
    /// 1-based line number of each row in the file.
    public var lineNumbers: [Int]

    /// Reads a whole table (plain or gzip).
    /// - Throws: `ImportError` naming file and line for a row of the wrong width or a missing header.
    public init(path: String) throws {
        fileName = URL(fileURLWithPath: path).lastPathComponent
        let table = try Self.delimited(path: path, name: fileName)
        columns = table.header
        lineNumbers = table.lines
        rows = table.rows
    }

    /// The file as a `DelimitedTable` (tab-separated: the name is given as `.txt` unless it says `.csv`).
    static func delimited(path: String, name: String) throws -> DelimitedTable {
        let bytes: [UInt8]
        if let plain = InputFile.bytes(path: path), !(plain.count >= 2 && plain[0] == 0x1F && plain[1] == 0x8B) {
            bytes = plain
        } else {
            bytes = try TextLineReader.bytes(path: path)
        }
        let tableName = name.lowercased().hasSuffix(".csv") ? name : name + (name.lowercased().hasSuffix(".txt") ? "" : ".txt")
        do throws(DelimitedTableError) {
            return try DelimitedTable(bytes: bytes, path: tableName)
        } catch {
            throw ImportError(file: name, line: error.line ?? 0, field: error.column, problem: error.message)
        }
    }

    /// Index of a column by id (case-insensitive).
    public func column(_ name: String) -> Int? {
        columns.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The first of several candidate columns that exists.
    public func column(anyOf names: [String]) -> Int? {
        for n in names { if let i = column(n) { return i } }
        return nil
    }
}

/// An import failure: which file, line and field, and what is wrong. Never carries identifiers; a number
/// that cannot be read is named with its value (at most 32 characters, `NumberParseError`).
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let field: String?
    public let problem: String
    public init(file: String, line: Int, field: String?, problem: String) {
        self.file = file; self.line = line; self.field = field; self.problem = problem
    }
    /// A number field that could not be read, at `file:line`.
    public init(file: String, line: Int, number: NumberParseError) {
        self.init(file: file, line: line, field: number.field, problem: number.problem)
    }
    public var description: String {
        var s = file
        if line > 0 { s += ":\(line)" }
        if let field { s += ": field \(field)" }
        return s + ": " + problem
    }
}

/// Values that mean "missing" in cBioPortal and TCGA files.
enum Missing {
    static let markers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "[Not Available]", "[Not Applicable]", "[Unknown]",
                                       "[Not Evaluated]", "[Discrepancy]", "[Completed]", "Unknown", "null", "NULL", "."]
    /// The longest marker, in bytes (`[Not Applicable]`).
    static let longestMarker = markers.map(\.utf8.count).max()!

    static func isMissing(_ s: String) -> Bool { value(s) == nil }

    /// The value without surrounding spaces (`.whitespaces`), or nil when it is a missing marker.
    /// A cell whose edge bytes are ASCII and not spaces or tabs needs no trim (`.whitespaces` is tab
    /// and the Unicode space separators), so it is taken as it is, byte-level, without Foundation's trim.
    static func value(_ s: String) -> String? {
        let u = s.utf8
        if let f = u.first, let l = u.last, f < 0x80, l < 0x80, f != 0x20, f != 0x09, l != 0x20, l != 0x09 {
            return u.count <= longestMarker && markers.contains(s) ? nil : s
        }
        let t = s.trimmingCharacters(in: .whitespaces)
        return markers.contains(t) ? nil : t
    }

    /// Whether `value` contains `id` (identifiers are kept out of attributes): a byte search when both
    /// are ASCII, else Foundation's `contains` (canonical equivalence), as before.
    static func mentions(_ value: String, _ id: String) -> Bool {
        let v = value.utf8, i = id.utf8
        guard !i.isEmpty else { return value.contains(id) }
        if v.allSatisfy({ $0 < 0x80 }) && i.allSatisfy({ $0 < 0x80 }) {
            guard v.count >= i.count else { return false }
            var vv = value, ii = id
            return vv.withUTF8 { vb in
                ii.withUTF8 { ib in
                    let m = ib.count, first = ib[0]
                    var k = 0
                    while k + m <= vb.count {
                        if vb[k] == first && memcmp(vb.baseAddress! + k, ib.baseAddress!, m) == 0 { return true }
                        k += 1
                    }
                    return false
                }
            }
        }
        return value.contains(id)
    }
}

/// Numbers of free-form attributes.
enum ImportNumber {
    /// The numeric value of a free clinical attribute: a finite number under `ExactNumber`'s rules,
    /// else nil (the attribute is then text only: `inf`, `nan`, `0x1A` and `1,5` stay text).
    static func finite(_ v: String) -> Double? {
        if case .success(let x) = ExactNumber.double(v) { return x }
        return nil
    }
}
