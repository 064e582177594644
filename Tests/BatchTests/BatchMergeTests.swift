import Batch
import Foundation
import Testing
import _TestSupport

@Suite struct BatchMergeTests {
    let dir: URL
    init() throws { dir = try makeTemporaryDirectory("onco-batch-merge") }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Runs the manifest in `n` shards; returns the shard outputs.
    func shards(_ m: BatchManifest, _ n: Int, failing: Set<String>) async throws -> [String] {
        var outs: [String] = []
        for i in 1...n {
            let out = path("shard\(i).jsonl")
            _ = try await BatchRunner(scorer: RecordingScorer(failing: failing),
                                      options: BatchOptions(jobs: 2, shard: try Shard(index: i, count: n)), logger: quietLogger)
                .run(m, to: .file(path: out, resume: false, overwrite: false))
            outs.append(out)
        }
        return outs
    }

    @Test func shardsPlusMergeEqualOneRunInManifestOrder() async throws {
        let m = syntheticManifest(101)
        let failing: Set<String> = ["C00004", "C00050"]
        let one = path("one.jsonl")
        _ = try await BatchRunner(scorer: RecordingScorer(failing: failing), logger: quietLogger)
            .run(m, to: .file(path: one, resume: false, overwrite: false))
        let outs = try await shards(m, 4, failing: failing)
        let merged = path("merged.jsonl")
        let report = try BatchMerge.merge(manifest: m, inputs: outs, output: merged)
        #expect(report.isComplete && report.cases == 101 && report.ok == 99 && report.failed == 2)
        #expect(try caseIDs(merged) == m.cases.map(\.id))
        #expect(try linesWithoutTimings(merged).sorted() == linesWithoutTimings(one).sorted())
        // The merged bytes are exactly the shard lines.
        let shardLines = try outs.flatMap { try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n") }
        let mergedLines = try String(contentsOfFile: merged, encoding: .utf8).split(separator: "\n")
        #expect(Set(shardLines) == Set(mergedLines))
        #expect(!FileManager.default.fileExists(atPath: merged + ".merge-\(getpid()).tmp"))
    }

    @Test func mergeFindsMissingDuplicateAndForeignCasesAndWritesNothing() async throws {
        let m = syntheticManifest(30)
        let outs = try await shards(m, 3, failing: [])
        let merged = path("merged.jsonl")

        let missing = try BatchMerge.merge(manifest: m, inputs: [outs[0], outs[2]], output: merged)
        #expect(!missing.isComplete)
        #expect(missing.missing.map(\.index) == m.cases(in: try Shard(index: 2, count: 3)).map(\.index))
        #expect(missing.duplicates.isEmpty && missing.unknown.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: merged))

        let dup = try BatchMerge.merge(manifest: m, inputs: outs + [outs[1]], output: merged)
        #expect(dup.missing.isEmpty)
        #expect(dup.duplicates.count == 10)
        #expect(dup.duplicates[0].case.index == 1)
        #expect(dup.duplicates[0].locations.map(\.file) == [outs[1], outs[1]])
        #expect(!FileManager.default.fileExists(atPath: merged))

        let smaller = BatchManifest(source: "memory", cases: Array(m.cases.prefix(20)))
        let foreign = try BatchMerge.merge(manifest: smaller, inputs: outs, output: merged)
        #expect(foreign.missing.isEmpty && foreign.duplicates.isEmpty)
        #expect(foreign.unknown.count == 10)
        #expect(!FileManager.default.fileExists(atPath: merged))
    }

    @Test func aTornShardOutputIsRefused() async throws {
        let m = syntheticManifest(10)
        let outs = try await shards(m, 2, failing: [])
        let h = FileHandle(forWritingAtPath: outs[1])!
        h.seekToEndOfFile()
        h.write(Data("{\"case_id\":\"C000".utf8))
        try h.close()
        #expect(throws: BatchOutputError.self) { try BatchMerge.merge(manifest: m, inputs: outs, output: path("m.jsonl")) }
    }
}
