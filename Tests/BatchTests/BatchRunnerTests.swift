import Batch
import Foundation
import Synchronization
import Testing
import _TestSupport

@Suite struct BatchRunnerTests {
    let dir: URL
    init() throws { dir = try makeTemporaryDirectory("onco-batch-runner") }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @Test func everyCaseGetsOneLineAndFailuresDoNotStopTheBatch() async throws {
        let m = syntheticManifest(200)
        let failing: Set<String> = ["C00003", "C00077", "C00199"]
        let scorer = RecordingScorer(failing: failing)
        let out = path("all.jsonl")
        let summary = try await BatchRunner(scorer: scorer, options: BatchOptions(jobs: 4), logger: quietLogger)
            .run(m, to: .file(path: out, resume: false, overwrite: false))
        #expect(summary.ok == 197 && summary.failed == 3 && summary.total == 200 && summary.anyFailed)
        let ids = try caseIDs(out)
        #expect(ids.count == 200)
        #expect(Set(ids) == Set(m.cases.map(\.id)))
        for line in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n") {
            let o = try JSONValue(parsing: String(line)).objectValue!
            let id = o["case_id"]!.stringValue!
            #expect(o.keys.first == "case_id" && o.keys.last == "timings")
            #expect(o["scorer"] == .string("test"))
            #expect(o["timings"]?.objectValue?["total_ms"]?.doubleValue != nil)
            if failing.contains(id) {
                #expect(o["status"] == .string("failed"))
                #expect(o["error"]?.objectValue?["code"] == .string("error"))
                #expect(o["error"]?.objectValue?["message"]?.stringValue?.hasPrefix("planned failure") == true)
                #expect(o["checksum"] == nil)
            } else {
                #expect(o["status"] == .string("ok") && o["error"] == .null)
                #expect(o["checksum"] == .int(RecordingScorer.fnv(id)))
                #expect(o["timings"]?.objectValue?["work_ms"] == .double(0.005))
            }
        }
    }

    @Test(arguments: [1, 2, 5])
    func inFlightCasesAreBoundedByJobs(jobs: Int) async throws {
        let scorer = RecordingScorer(delay: .milliseconds(2))
        _ = try await BatchRunner(scorer: scorer, options: BatchOptions(jobs: jobs), logger: quietLogger)
            .run(syntheticManifest(40), to: .file(path: path("jobs\(jobs).jsonl"), resume: false, overwrite: false))
        #expect(scorer.calls == 40)
        #expect(scorer.maxConcurrent <= jobs)
        #expect(scorer.maxConcurrent == jobs)  // 2 ms sleeps overlap: the bound is reached
    }

    @Test func resumeCutsATornLineAndGivesTheSameLinesAsOneRun() async throws {
        let m = syntheticManifest(120)
        let failing: Set<String> = ["C00010", "C00100"]
        let full = path("full.jsonl")
        _ = try await BatchRunner(scorer: RecordingScorer(failing: failing), logger: quietLogger)
            .run(m, to: .file(path: full, resume: false, overwrite: false))

        // An interrupted run: the first 50 finished cases, then a line torn mid-write.
        let part = path("part.jsonl")
        let fullText = try String(contentsOfFile: full, encoding: .utf8)
        let fullLines = fullText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let kept = fullLines.prefix(50).joined(separator: "\n") + "\n"
        let torn = String(fullLines[50].prefix(37))
        try (kept + torn).write(toFile: part, atomically: false, encoding: .utf8)

        let scorer = RecordingScorer(failing: failing)
        let summary = try await BatchRunner(scorer: scorer, logger: quietLogger)
            .run(m, to: .file(path: part, resume: true, overwrite: false))
        #expect(summary.resumed == 50)
        #expect(scorer.calls == 70)
        #expect(summary.ok + summary.failed == 70)
        #expect(try linesWithoutTimings(part).sorted() == linesWithoutTimings(full).sorted())

        // Resuming a complete output does nothing.
        let again = RecordingScorer(failing: failing)
        let s2 = try await BatchRunner(scorer: again, logger: quietLogger).run(m, to: .file(path: part, resume: true, overwrite: false))
        #expect(again.calls == 0 && s2.resumed == 120 && s2.anyFailed)
    }

    @Test func resumeRefusesAnOutputOfAnotherManifestOrShard() async throws {
        let m = syntheticManifest(30)
        let out = path("shard1.jsonl")
        let shard1 = BatchOptions(jobs: 2, shard: try Shard(index: 1, count: 3))
        _ = try await BatchRunner(scorer: RecordingScorer(), options: shard1, logger: quietLogger)
            .run(m, to: .file(path: out, resume: false, overwrite: false))
        let shard2 = BatchOptions(jobs: 2, shard: try Shard(index: 2, count: 3))
        await #expect(throws: BatchOutputError.self) {
            _ = try await BatchRunner(scorer: RecordingScorer(), options: shard2, logger: quietLogger)
                .run(m, to: .file(path: out, resume: true, overwrite: false))
        }
    }

    @Test func existingOutputIsNotOverwrittenByAccident() async throws {
        let out = path("exists.jsonl")
        try "{\"case_id\":\"C00000\",\"status\":\"ok\"}\n".write(toFile: out, atomically: false, encoding: .utf8)
        do {
            _ = try await BatchRunner(scorer: RecordingScorer(), logger: quietLogger)
                .run(syntheticManifest(3), to: .file(path: out, resume: false, overwrite: false))
            Issue.record("overwrote an existing output")
        } catch let e as BatchOutputError {
            #expect(e.code == .exists)
        }
        let s = try await BatchRunner(scorer: RecordingScorer(), logger: quietLogger)
            .run(syntheticManifest(3), to: .file(path: out, resume: false, overwrite: true))
        let ids = try caseIDs(out)
        #expect(s.ok == 3 && ids.count == 3)
    }

    @Test func twoWritersCannotShareAnOutput() async throws {
        let out = path("locked.jsonl")
        let first = try JSONLinesWriter(path: out, existing: .refuse, fsync: .everyLine)
        try first.append(Array("{\"case_id\":\"C00000\",\"status\":\"ok\"}\n".utf8))
        do {
            _ = try await BatchRunner(scorer: RecordingScorer(), logger: quietLogger)
                .run(syntheticManifest(3), to: .file(path: out, resume: true, overwrite: false))
            Issue.record("a second batch appended to a locked output")
        } catch let e as BatchOutputError {
            #expect(e.code == .locked)
        }
        try first.close()
        let s = try await BatchRunner(scorer: RecordingScorer(), options: BatchOptions(fsync: .everyLine), logger: quietLogger)
            .run(syntheticManifest(3), to: .file(path: out, resume: true, overwrite: false))
        #expect(s.resumed == 1 && s.ok == 2)
    }

    @Test func aMalformedCompleteLineStopsResume() async throws {
        let out = path("bad.jsonl")
        try "{\"case_id\":\"C00000\",\"status\":\"ok\"}\nnot json\n".write(toFile: out, atomically: false, encoding: .utf8)
        do {
            _ = try await BatchRunner(scorer: RecordingScorer(), logger: quietLogger)
                .run(syntheticManifest(3), to: .file(path: out, resume: true, overwrite: false))
            Issue.record("resumed over a malformed line")
        } catch let e as BatchOutputError {
            #expect(e.code == .malformedLine && e.line == 2)
        }
    }

    @Test func aPayloadUsingAnEngineMemberFailsItsCase() async throws {
        let out = path("reserved.jsonl")
        let s = try await BatchRunner(scorer: RecordingScorer(reservedKeyFor: ["C00001"]), logger: quietLogger)
            .run(syntheticManifest(3), to: .file(path: out, resume: false, overwrite: false))
        #expect(s.ok == 2 && s.failed == 1)
        let line = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
            .first { $0.contains("C00001") }!
        let o = try JSONValue(parsing: String(line)).objectValue!
        #expect(o["status"] == .string("failed"))
        #expect(o["error"]?.objectValue?["code"] == .string("payload_invalid"))
    }

    @Test func progressEventsCountEveryCase() async throws {
        let events = Mutex<[BatchProgress]>([])
        _ = try await BatchRunner(scorer: RecordingScorer(failing: ["C00002"]), options: BatchOptions(jobs: 3), logger: quietLogger)
            .run(syntheticManifest(25), to: .file(path: path("progress.jsonl"), resume: false, overwrite: false),
                 progress: { p in events.withLock { $0.append(p) } })
        let e = events.withLock { $0 }
        #expect(e.count == 27)
        #expect(e.first?.event == .started && e.first?.done == 0)
        #expect(e.last?.event == .finished && e.last?.done == 25 && e.last?.failed == 1 && e.last?.ok == 24)
        #expect(zip(e, e.dropFirst()).allSatisfy { $0.done <= $1.done && $0.elapsed <= $1.elapsed })
        #expect(e.dropLast().last?.eta == .zero)
    }
}
