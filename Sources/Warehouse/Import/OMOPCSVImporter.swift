import Foundation
import Genomics
import OncoCore
import Vocabulary

/// Imports an OMOP CDM v5.4 CSV export (one `<table>.csv` per table, header row with OMOP column
/// names, RFC 4180 quoting) of the tables onco uses: `person.csv` (required), `observation_period`,
/// `condition_occurrence`, `drug_exposure`, `death`, `measurement`, `specimen`, `episode`,
/// `episode_event`, and onco's `onco_somatic_variant` / `onco_clinical_attribute` if present.
///
/// - Ids of the export are kept as dataset-local ids (the store offsets them), so references between
///   the files stay valid.
/// - `person_source_value` (or, when empty, `person_id`) and `specimen_source_id` (or `specimen_id`)
///   are replaced by keyed hashes; nothing else identifying is read.
/// - `condition_source_value` is taken as the tumour type (OncoTree code); `drug_source_value` is
///   normalised to a lower-case generic name (`Vocabulary.DrugName.generic`).
/// - Numbers follow `OncoCore.NumberField`: ids and counts are whole numbers ≥ 0 (exact scientific
///   notation accepted), `year_of_birth` 0–2200 (0 = unknown, as onco writes it), `pos` ≥ 1, `vaf` 0–1,
///   `value_as_number` finite; anything else is an `ImportError` naming file, line, field and value.
/// - Episodes: `episode_source_value` `line of therapy` / `disease progression` as onco writes them;
///   otherwise an episode with an `episode_number` is a line of therapy and one whose source value
///   mentions "progress" a progression; others are skipped.
public struct OMOPCSVImporter: Sendable {
    public static let mappingVersion = "omop-csv-import-v1"
    public var pseudonymizer: Pseudonymizer
    public init(pseudonymizer: Pseudonymizer) { self.pseudonymizer = pseudonymizer }

    static let tables = ["person", "observation_period", "condition_occurrence", "drug_exposure", "death", "measurement", "specimen",
                         "episode", "episode_event", "onco_somatic_variant", "onco_clinical_attribute"]

    public func prepare(directory: String, name: String? = nil) throws -> (DatasetDescriptor, any WarehouseBatchSource) {
        let dir = URL(fileURLWithPath: directory)
        let files = Self.tables.map { dir.appendingPathComponent("\($0).csv") }.filter { FileManager.default.fileExists(atPath: $0.path) }
        guard files.contains(where: { $0.lastPathComponent == "person.csv" }) else {
            throw ImportError(file: "person.csv", line: 0, field: nil, problem: "not found in the export folder")
        }
        let dataset = name ?? dir.lastPathComponent
        let hash = try CBioPortalImporter.contentHash(files, extra: [Self.mappingVersion, pseudonymizer.fingerprint])
        let d = DatasetDescriptor(name: dataset, sourceKind: "omop-csv", contentSHA256: hash, synthetic: false,
                                  pseudonymKeyFingerprint: pseudonymizer.fingerprint)
        return (d, OMOPSource(dir: dir, dataset: dataset, pseudonymizer: pseudonymizer))
    }
}

/// A parsed CSV file with access by column name and errors by line.
struct CSVTable {
    var file: String
    /// Lower-cased, trimmed header name → column.
    var header: [String: Int]
    let table: DelimitedTable
    /// 1-based line of each row.
    var lines: [Int] { table.lines }
    var rowIndices: Range<Int> { 0..<table.rowCount }

    /// Reads the file with `OncoCore.DelimitedTable` (RFC 4180 quoting; a quoted field does not span lines).
    init(url: URL) throws {
        file = url.lastPathComponent
        guard let bytes = InputFile.bytes(path: url.path) else { throw ImportError(file: file, line: 0, field: nil, problem: "cannot be read") }
        do throws(DelimitedTableError) {
            table = try DelimitedTable(bytes: bytes, path: file)
        } catch {
            if error.message == "no header line" { throw ImportError(file: file, line: 1, field: nil, problem: "has no header row") }
            throw ImportError(file: file, line: error.line ?? 0, field: error.column, problem: error.message)
        }
        header = Dictionary(table.header.enumerated().map { ($0.element.lowercased(), $0.offset) }, uniquingKeysWith: { a, _ in a })
    }

    func text(_ r: Int, _ col: String) -> String? {
        guard let i = header[col] else { return nil }
        let v = table.withCell(r, i) { DelimitedTable.trimmedString($0) }
        return v.isEmpty ? nil : v
    }
    /// A whole number in `range` (`OncoCore.NumberField` rules), nil when empty and not required.
    func int(_ r: Int, _ col: String, required: Bool = false, in range: ClosedRange<Int> = 0...Int.max) throws -> Int64? {
        guard let v = text(r, col) else {
            if required { throw ImportError(file: file, line: lines[r], field: col, problem: "is empty") }
            return nil
        }
        do { return Int64(try NumberField.integer(v, field: col, in: range).value) } catch {
            throw ImportError(file: file, line: lines[r], number: error)
        }
    }
    func id(_ r: Int, _ col: String) throws -> Int64 {
        let v = try int(r, col, required: true)!
        guard v > 0 else { throw ImportError(file: file, line: lines[r], field: col, problem: "must be positive") }
        return v
    }
    /// A finite number (in `range` when given), nil when empty.
    func double(_ r: Int, _ col: String, in range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let v = text(r, col) else { return nil }
        do { return try NumberField.double(v, field: col, in: range) } catch {
            throw ImportError(file: file, line: lines[r], number: error)
        }
    }
    func day(_ r: Int, _ col: String, required: Bool = true) throws -> Day? {
        guard let v = text(r, col) else {
            if required { throw ImportError(file: file, line: lines[r], field: col, problem: "is empty") }
            return nil
        }
        guard let d = Day(iso: v) else { throw ImportError(file: file, line: lines[r], field: col, problem: "is not a date (YYYY-MM-DD)") }
        return d
    }
}
