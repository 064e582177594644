import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport

/// A corrupt study must fail with file and line and leave the store exactly as it was: first a
/// valid import, then a corrupt version of the same study (which would replace it) and a corrupt copy
/// under another name (which would add to it).
@Suite("corrupt studies roll back", .serialized)
struct CorruptStudyTests {
    /// Rewrites the gzipped MAF, replacing data row `row` (1-based, after the header) by `replacement(line)`.
    static func corruptMAF(_ dir: URL, row: Int, _ replacement: (String) -> String) throws -> Int {
        let maf = dir.appendingPathComponent("data_mutations.txt.gz")
        let plain = dir.appendingPathComponent("data_mutations.txt")
        try run("/bin/sh", ["-c", "gzip -dc '\(maf.path)' > '\(plain.path)' && rm '\(maf.path)'"])
        var lines = try String(contentsOf: plain, encoding: .utf8).components(separatedBy: "\n")
        lines[row] = replacement(lines[row])
        try lines.joined(separator: "\n").write(to: plain, atomically: true, encoding: .utf8)
        try run("/bin/sh", ["-c", "gzip -n '\(plain.path)'"])
        return row + 1   // file line number: header is line 1
    }

    static func renameStudy(_ dir: URL, to id: String) throws {
        let meta = dir.appendingPathComponent("meta_study.txt")
        let text = try String(contentsOf: meta, encoding: .utf8)
            .replacingOccurrences(of: "cancer_study_identifier: tcga_pancan_open", with: "cancer_study_identifier: \(id)")
        try text.write(to: meta, atomically: true, encoding: .utf8)
    }

    struct Snapshot: Equatable {
        var stats: WarehouseStats
        var meta: WarehouseMetadata
        var os: [OutcomeGroup]
        var profiles: ProfileTable
    }

    static func snapshot(_ s: Warehouse) async throws -> Snapshot {
        let log = TestStore.logger
        return Snapshot(stats: try await s.stats(logger: log), meta: try await s.metadata(logger: log),
                        os: try await s.outcomes(.overallSurvival(from: .diagnosis), cohort: .all, groupBy: .tumourType, logger: log),
                        profiles: try await s.profiles(cohort: .all, options: ProfileOptions(), logger: log))
    }

    @Test("a malformed MAF row midway fails with file and line; store unchanged", arguments: StoreKind.allCases)
    func malformedMAFRow(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        try await Fixture.importStudy(t.store)
        let before = try await Self.snapshot(t.store)
        for rename in [nil, "tcga_pancan_open_copy"] as [String?] {
            let dir = try Fixture.copy()
            if let rename { try Self.renameStudy(dir, to: rename) }
            // Row 30000 of ~52900: Start_Position is not a number.
            let line = try Self.corruptMAF(dir, row: 30_000) { l in
                var c = l.components(separatedBy: "\t"); c[5] = "12x45"; return c.joined(separator: "\t")
            }
            do {
                try await Fixture.importStudy(t.store, dir: dir)
                Issue.record("a corrupt MAF was imported")
            } catch {
                #expect("\(error)" == "data_mutations.txt.gz:\(line): field Start_Position: value '12x45' is not a number")
            }
            #expect(try await Self.snapshot(t.store) == before)
        }
        try await t.finish()
    }

    @Test("a MAF sample missing from the clinical file fails with file and line; store unchanged", arguments: StoreKind.allCases)
    func sampleMissingFromClinical(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        try await Fixture.importStudy(t.store)
        let before = try await Self.snapshot(t.store)
        for rename in [nil, "tcga_pancan_open_copy"] as [String?] {
            let dir = try Fixture.copy()
            if let rename { try Self.renameStudy(dir, to: rename) }
            // Remove the sample of MAF row 40000 from the clinical sample file.
            let plain = try run("/bin/sh", ["-c", "gzip -dc '\(dir.appendingPathComponent("data_mutations.txt.gz").path)' | sed -n 40001p | cut -f14"])
            let sample = plain.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(sample.hasPrefix("TCGA-"))
            let sf = dir.appendingPathComponent("data_clinical_sample.txt")
            let kept = try String(contentsOf: sf, encoding: .utf8).components(separatedBy: "\n").filter { !$0.hasPrefix(sample + "\t") }
            try kept.joined(separator: "\n").write(to: sf, atomically: true, encoding: .utf8)
            // The first MAF row of that sample (rows are sorted by sample).
            let first = try run("/bin/sh", ["-c", "gzip -dc '\(dir.appendingPathComponent("data_mutations.txt.gz").path)' | awk -F'\\t' '$14==\"\(sample)\"{print NR; exit}'"])
            let line = Int(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
            do {
                try await Fixture.importStudy(t.store, dir: dir)
                Issue.record("a MAF with an unknown sample was imported")
            } catch {
                #expect("\(error)" == "data_mutations.txt.gz:\(line): field Tumor_Sample_Barcode: names a sample that is not in the clinical sample file")
                #expect(!"\(error)".contains("TCGA-"))
            }
            #expect(try await Self.snapshot(t.store) == before)
        }
        try await t.finish()
    }
}
