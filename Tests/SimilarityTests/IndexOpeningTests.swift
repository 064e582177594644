import Foundation
import OncoCore
import Testing
import _TestSupport
@testable import Similarity

/// Opening an index file for a one-shot command (issue #23): keys stay in the mapping until asked for,
/// a search's neighbours are explained by row, and the checksums are verified once per file.
@Suite struct IndexOpeningTests {
    @Test("mapped keys: searches, explanations by row and by key, tie-break order and an upsert after opening equal the in-memory index")
    func mappedKeysEqualMemory() throws {
        let dir = try makeTemporaryDirectory("onco-sim-open")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("i.simidx")
        let profiles = RandomCohort.cohort(2_500, seed: 31)
        let memory = SimilarityIndex(profiles: profiles)
        try memory.write(to: url)
        var opened = try SimilarityIndex(contentsOf: url)
        var g = SeededGenerator(seed: 77)
        for qi in 0..<8 {
            let q = qi % 2 == 0 ? profiles.randomElement(using: &g)! : RandomCohort.profile("q-\(qi)", &g)
            let a = try memory.search(q, options: SearchOptions(k: 60)), b = try opened.search(q, options: SearchOptions(k: 60))
            #expect(a == b)
            for n in b {
                #expect(opened.explain(q, neighbour: n) == memory.explain(q, neighbour: n.key))
                #expect(opened.explain(q, neighbour: n) == opened.explain(q, neighbour: n.key))
            }
            var stale = b[0]; stale.key = PatientKey("not-\(stale.key.rawValue)")
            #expect(opened.explain(q, neighbour: stale) == nil)
        }
        #expect(opened.patientKeys == memory.patientKeys)
        // The first change decodes the keys; the index then behaves as one built in memory.
        let extra = RandomCohort.cohort(40, seed: 32).map { p -> PatientProfile in var p = p; p.key = PatientKey("new-" + p.key.rawValue); return p }
        opened.upsert(extra)
        var grown = memory
        grown.upsert(extra)
        #expect(opened.patientKeys == grown.patientKeys)
        let q = RandomCohort.profile("after", &g)
        #expect(try opened.search(q, options: SearchOptions(k: 80)) == (try grown.search(q, options: SearchOptions(k: 80))))
    }

    @Test("verified once: the record skips the checksum pass for the same file; a changed or replaced file is verified again")
    func verificationRecord() throws {
        let dir = try makeTemporaryDirectory("onco-sim-verified")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("i.simidx"), path = url.path
        try SimilarityIndex(profiles: RandomCohort.cohort(300, seed: 5)).write(to: url)
        #expect(!IndexVerificationRecord.isRecorded(for: path))
        _ = try SimilarityIndex(contentsOfRecordedFile: url)
        #expect(IndexVerificationRecord.isRecorded(for: path))

        // A row byte flipped in place (the size stays): the file's times change, so it is verified again and
        // rejected. (Times have the file system's granularity, a few milliseconds on ext4: the edit comes later.)
        Thread.sleep(forTimeInterval: 0.05)
        var data = try Data(contentsOf: url)
        data[data.count - 100] ^= 0x40
        let h = try FileHandle(forWritingTo: url)
        try h.seek(toOffset: 0)
        try h.write(contentsOf: data)
        try h.close()
        #expect(!IndexVerificationRecord.isRecorded(for: path))
        #expect(throws: SimilarityError.self) { try SimilarityIndex(contentsOfRecordedFile: url) }
        #expect(!FileManager.default.fileExists(atPath: IndexVerificationRecord.path(for: path)))

        // A new index written over it (a rename: another inode) is verified on its first open.
        try SimilarityIndex(profiles: RandomCohort.cohort(200, seed: 6)).write(to: url)
        #expect(!IndexVerificationRecord.isRecorded(for: path))
        let reopened = try SimilarityIndex(contentsOfRecordedFile: url)
        #expect(reopened.count == 200 && IndexVerificationRecord.isRecorded(for: path))
    }
}
