import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport

/// Numbers in imported files (#17, #20): a value that is present but not an exact, finite number in
/// its stated range fails the import with file, line, field and value (never a trap, never a silent
/// default), and the warehouse is left exactly as it was.
@Suite("numbers in imports", .serialized)
struct NumberImportTests {
    /// Sets `column` of the `row`-th data row (1-based) of a tab-separated file in `dir`.
    /// - Returns: the file line of that row.
    static func setCell(_ dir: URL, file: String, row: Int = 1, column: String, to value: String) throws -> Int {
        let url = dir.appendingPathComponent(file)
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        let h = lines.firstIndex { !$0.hasPrefix("#") }!
        let c = try #require(lines[h].components(separatedBy: "\t").firstIndex(of: column), "\(column) in \(file)")
        var cells = lines[h + row].components(separatedBy: "\t")
        cells[c] = value
        lines[h + row] = cells.joined(separator: "\t")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return h + row + 1
    }

    /// (file, column, value written, expected problem) — each must fail the import.
    static let bad: [(String, String, String, String)] = [
        ("data_clinical_patient.txt", "AGE", "inf", "value 'inf' is not a finite number"),
        ("data_clinical_patient.txt", "AGE", "NAN", "value 'NAN' is not a finite number"),   // `nan`/`NaN` are missing markers
        ("data_clinical_patient.txt", "AGE", "-inf", "value '-inf' is not a finite number"),
        ("data_clinical_patient.txt", "AGE", "1e300", "value '1e300' is out of range (0...150)"),
        ("data_clinical_patient.txt", "AGE", "old", "value 'old' is not a number"),
        ("data_clinical_patient.txt", "AGE", "0x2A", "value '0x2A' is not a number"),
        ("data_clinical_patient.txt", "OS_MONTHS", "1e300", "value '1e300' is out of range (0...1800)"),
        ("data_clinical_patient.txt", "OS_MONTHS", "-1", "value '-1' is out of range (0...1800)"),
        ("data_clinical_patient.txt", "PFS_MONTHS", "1,5", "value '1,5' is not a number"),
        ("data_clinical_patient.txt", "INITIAL_PATHOLOGIC_DX_YEAR", "20O4", "value '20O4' is not a number"),
        ("data_clinical_patient.txt", "INITIAL_PATHOLOGIC_DX_YEAR", "2004.5", "value '2004.5' is not a whole number"),
        ("data_clinical_sample.txt", "TMB_NONSYNONYMOUS", "inf", "value 'inf' is not a finite number"),
        ("data_clinical_sample.txt", "TMB_NONSYNONYMOUS", "-0.5", "value '-0.5' is out of range (≥ 0)"),
        ("data_timeline_treatment.txt", "START_DATE", "4.5e0", "value '4.5e0' is not a whole number"),
        ("data_timeline_treatment.txt", "STOP_DATE", "1e300", "value '1e300' is out of range (-54787...54787)"),
    ]

    @Test("bad numbers fail with file, line, field and value; store unchanged", arguments: StoreKind.allCases)
    func badNumbers(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        try await Fixture.importStudy(t.store)
        let before = try await CorruptStudyTests.snapshot(t.store)
        for (k, (file, column, value, problem)) in Self.bad.enumerated() {
            // the same study (would replace it), and for the first case also a copy under a new name (would add)
            for rename in k == 0 ? [nil, "tcga_pancan_open_copy"] : [nil] as [String?] {
                let dir = try Fixture.copy()
                if let rename { try CorruptStudyTests.renameStudy(dir, to: rename) }
                let line = try Self.setCell(dir, file: file, row: 2, column: column, to: value)
                do {
                    try await Fixture.importStudy(t.store, dir: dir)
                    Issue.record("\(column)=\(value) was imported")
                } catch {
                    #expect("\(error)" == "\(file):\(line): field \(column): \(problem)")
                    #expect(!"\(error)".contains("TCGA-"))
                }
            }
        }
        #expect(try await CorruptStudyTests.snapshot(t.store) == before)
        try await t.finish()
    }

    @Test("a missing age (NA, nan, [Not Available]) is unknown, not an error")
    func missingAgeIsUnknown() async throws {
        let dir = try Fixture.copy()
        _ = try Self.setCell(dir, file: "data_clinical_patient.txt", row: 1, column: "AGE", to: "NA")
        _ = try Self.setCell(dir, file: "data_clinical_patient.txt", row: 2, column: "AGE", to: "[Not Available]")
        _ = try Self.setCell(dir, file: "data_clinical_patient.txt", row: 3, column: "AGE", to: "nan")
        let store = try await Warehouse.openSQLite(path: nil)
        let outcome = try await Fixture.importStudy(store, dir: dir)
        #expect(outcome.dataset.patients == (try Fixture.sourceCounts(dir)).patients)
        try await store.close()
    }

    /// #20: R writes 47000000 as `4.7e+07`. The study imports, the variant is at 47000000 exactly,
    /// and the summary counts the values read from scientific notation.
    @Test("MAF Start_Position 4.7e+07 imports as 47000000 and is counted")
    func scientificStartPosition() async throws {
        let dir = try Fixture.copy()
        let maf = dir.appendingPathComponent("data_mutations.txt.gz")
        try run("/bin/sh", ["-c", "gzip -dc '\(maf.path)' > '\(dir.path)/m.txt' && rm '\(maf.path)'"])
        var lines = try String(contentsOf: dir.appendingPathComponent("m.txt"), encoding: .utf8).components(separatedBy: "\n")
        var cells = lines[1].components(separatedBy: "\t")
        let start = lines[0].components(separatedBy: "\t").firstIndex(of: "Start_Position")!
        let end = lines[0].components(separatedBy: "\t").firstIndex(of: "End_Position")!
        let original = Int(cells[start])!
        let shift = 47_000_000 - original
        cells[start] = "4.7e+07"
        cells[end] = String(Int(cells[end])! + shift)
        lines[1] = cells.joined(separator: "\t")
        try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("data_mutations.txt"), atomically: true, encoding: .utf8)
        try run("/bin/sh", ["-c", "rm '\(dir.path)/m.txt' && gzip -n '\(dir.path)/data_mutations.txt'"])

        let db = try makeTemporaryDirectory("onco-wh").appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: db)
        let importer = CBioPortalImporter(pseudonymizer: Fixture.pseudonymizer, mafBatchSize: 10_000)
        let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: dir.path))
        let outcome = try await store.importDataset(d, from: source, progress: nil, logger: TestStore.logger)
        try await store.close()
        #expect(outcome.dataset.mutations == (try Fixture.sourceCounts(dir)).mutations)
        #expect(source.importNotes == ["1 whole number written in scientific or decimal notation (such as 4.7e+07) accepted at its exact value"])
        let q = try run("sqlite3", [db, "SELECT count(*) FROM onco_somatic_variant WHERE pos = 47000000"])
        #expect(q.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
