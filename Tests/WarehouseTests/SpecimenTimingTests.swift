import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport

/// When a biomarker became known (schema 11, `onco_specimen_timing`): read from cBioPortal sample
/// attributes and the specimen timeline, from OMOP `specimen_date`, and planted by the synthetic traps.
@Suite("specimen timing", .serialized)
struct SpecimenTimingTests {
    /// The fixture study with `DAYS_TO_COLLECTION`/`DAYS_TO_SEQUENCING` columns added to the sample file
    /// (values per sample row, 0-based; absent rows get `NA`) and, when given, a specimen timeline.
    static func study(collection: [Int: String] = [:], sequencing: [Int: String] = [:], timeline: [String]? = nil) throws -> URL {
        let dir = try Fixture.copy()
        let url = dir.appendingPathComponent("data_clinical_sample.txt")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        var row = -1
        for i in lines.indices where !lines[i].isEmpty {
            if lines[i].hasPrefix("#") { lines[i] += "\t#\t#"; continue }
            if row == -1 { lines[i] += "\tDAYS_TO_COLLECTION\tDAYS_TO_SEQUENCING"; row = 0; continue }
            lines[i] += "\t\(collection[row] ?? "NA")\t\(sequencing[row] ?? "NA")"
            row += 1
        }
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        if let timeline {
            try (["PATIENT_ID\tSTART_DATE\tSTOP_DATE\tEVENT_TYPE\tSAMPLE_ID\tSPECIMEN_SITE"] + timeline).joined(separator: "\n")
                .appending("\n").write(to: dir.appendingPathComponent("data_timeline_specimen.txt"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// Sample ids of the fixture's sample file, in file order.
    static func sampleIDs() throws -> [(sample: String, patient: String)] {
        let text = try String(contentsOf: Fixture.study.appendingPathComponent("data_clinical_sample.txt"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst().map {
            let c = $0.split(separator: "\t", omittingEmptySubsequences: false)
            return (String(c[0]), String(c[1]))
        }
    }

    /// (collected − diagnosis, sequenced − diagnosis, source) of the first `n` specimens, in days, via the SQLite shell.
    static func timing(_ db: String, first n: Int) throws -> [String] {
        let q = try run("sqlite3", [db, """
            SELECT t.specimen_id, CAST(julianday(t.collected_date) - julianday(c.condition_start_date) AS INTEGER),
                   CAST(julianday(t.sequenced_date) - julianday(c.condition_start_date) AS INTEGER), t.source,
                   CAST(julianday(s.specimen_date) - julianday(c.condition_start_date) AS INTEGER)
            FROM onco_specimen_timing t JOIN specimen s ON s.specimen_id = t.specimen_id
            JOIN condition_occurrence c ON c.person_id = t.person_id
            ORDER BY t.specimen_id LIMIT \(n)
            """])
        return q.stdout.split(separator: "\n").map(String.init)
    }

    static func importSQLite(_ dir: URL) async throws -> String {
        let db = try makeTemporaryDirectory("onco-wh").appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: db)
        try await Fixture.importStudy(store, dir: dir)
        try await store.close()
        return db
    }

    @Test("cBioPortal: DAYS_TO_SEQUENCING/COLLECTION and the specimen timeline become dates; nothing recorded is 'unknown'")
    func cbioportalTiming() async throws {
        let ids = try Self.sampleIDs()
        let dir = try Self.study(collection: [0: "-5"], sequencing: [0: "40", 2: "1.2e2"],
                                 timeline: ["\(ids[1].patient)\t12\t\tSPECIMEN\t\(ids[1].sample)\tlung",
                                            "\(ids[1].patient)\t30\t\tSTATUS\t\t"])
        let db = try await Self.importSQLite(dir)
        #expect(try Self.timing(db, first: 4) == [
            "1|-5|40|DAYS_TO_SEQUENCING + DAYS_TO_COLLECTION|-5",
            "2|12||data_timeline_specimen.txt|12",
            "3||120|DAYS_TO_SEQUENCING|120",
            "4|||unknown|0",
        ])
        // Every specimen has its timing row.
        let n = try run("sqlite3", [db, "SELECT (SELECT COUNT(*) FROM specimen) - (SELECT COUNT(*) FROM onco_specimen_timing)"])
        #expect(n.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test("the fixture study as shipped: every specimen's timing is unknown, never 'at diagnosis'")
    func unknownByDefault() async throws {
        let db = try await Self.importSQLite(try Fixture.copy())
        let q = try run("sqlite3", [db, "SELECT source, COUNT(*), COUNT(collected_date), COUNT(sequenced_date) FROM onco_specimen_timing GROUP BY source"])
        let samples = try Self.sampleIDs().count
        #expect(q.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "unknown|\(samples)|0|0")
    }

    /// The import must fail with an error naming file, line, field and value, and write nothing.
    static func expectImportError(_ dir: URL, _ fragments: [String]) async throws {
        let db = try makeTemporaryDirectory("onco-wh").appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: db)
        do {
            try await Fixture.importStudy(store, dir: dir)
            Issue.record("the import succeeded")
        } catch let e as ImportError {
            for f in fragments { #expect(e.description.contains(f), "\(e.description) lacks \(f)") }
        }
        #expect(try await store.stats(logger: TestStore.logger).patients == 0)
        try await store.close()
    }

    @Test("bad timing values: an error naming file, line, field and value; nothing written")
    func badTiming() async throws {
        let ids = try Self.sampleIDs()
        // The sample file has 5 header lines (4 '#' lines + the column names): row k is on line k + 6.
        try await Self.expectImportError(try Self.study(sequencing: [3: "soon"]),
                                         ["data_clinical_sample.txt:9", "DAYS_TO_SEQUENCING", "soon"])
        try await Self.expectImportError(try Self.study(collection: [0: "10"], sequencing: [0: "3"]),
                                         ["data_clinical_sample.txt:6", "DAYS_TO_SEQUENCING", "'3'", "before"])
        try await Self.expectImportError(try Self.study(collection: [1: "7"], timeline: ["\(ids[1].patient)\t12\t\tSPECIMEN\t\(ids[1].sample)\tlung"]),
                                         ["data_clinical_sample.txt:7", "DAYS_TO_COLLECTION", "'7'", "data_timeline_specimen.txt line 2"])
        try await Self.expectImportError(try Self.study(timeline: ["\(ids[0].patient)\t3\t\tSPECIMEN\tNOT-A-SAMPLE\tlung"]),
                                         ["data_timeline_specimen.txt:2", "SAMPLE_ID", "not in the clinical sample file"])
        try await Self.expectImportError(try Self.study(timeline: ["\(ids[0].patient)\t3\t\tSPECIMEN\t\(ids[0].sample)\tlung",
                                                                   "\(ids[0].patient)\t9\t\tSPECIMEN\t\(ids[0].sample)\tlung"]),
                                         ["data_timeline_specimen.txt:3", "START_DATE", "'9'", "line 2"])
        try await Self.expectImportError(try Self.study(timeline: ["\(ids[0].patient)\tinf\t\tSPECIMEN\t\(ids[0].sample)\tlung"]),
                                         ["data_timeline_specimen.txt:2", "START_DATE", "inf"])
    }

    @Test("OMOP: specimen_date is the collection date")
    func omopTiming() async throws {
        let db = try makeTemporaryDirectory("onco-wh").appendingPathComponent("w.sqlite").path
        let store = try await Warehouse.openSQLite(path: db)
        let (d, source) = try OMOPCSVImporter(pseudonymizer: Fixture.pseudonymizer)
            .prepare(directory: RepoPaths.fixture("warehouse/omop_csv").path, name: "omop-fixture")
        try await store.importDataset(d, from: source, progress: nil, logger: TestStore.logger)
        try await store.close()
        let q = try run("sqlite3", [db, """
            SELECT COUNT(*), SUM(t.collected_date = s.specimen_date), COUNT(t.sequenced_date), MIN(t.source), MAX(t.source)
            FROM onco_specimen_timing t JOIN specimen s ON s.specimen_id = t.specimen_id
            """])
        let cells = q.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        #expect(cells.count == 5 && Int(cells[0])! > 0 && cells[0] == cells[1])
        #expect(cells.dropFirst(2) == ["0", "OMOP specimen_date", "OMOP specimen_date"])
    }
}
