import Foundation
import Testing
import _TestSupport

/// `onco warehouse synth` failed while a test built its warehouse.
struct SynthFailed: Error, CustomStringConvertible {
    let stderr: String
    var description: String { "onco warehouse synth failed: \(stderr)" }
}

/// `onco batch` and `onco batch merge`, run as a user would: the built binary on generated cases.
/// Lines are compared with Foundation's JSON parser, without `timings` (the only member that
/// differs between runs).
@Suite(.serialized) struct BatchCLITests {
    /// 100 cases, 5 of them corrupt (one of each kind), 50-400 variants.
    static let cases: Result<URL, any Error> = Result { try generateCases(n: 100, seed: 20, corruptFraction: 0.05) }

    /// A synthetic warehouse of 1,500 patients (the same model the cases are drawn from), built once.
    static let warehouse: Result<String, any Error> = Result {
        let dir = try makeTemporaryDirectory("onco-batch-warehouse")
        let db = dir.appendingPathComponent("warehouse.sqlite").path
        let r = try runOnco(["warehouse", "synth", "--patients", "1500", "--seed", "3", "--db", db,
                             "--params", RepoPaths.cohorts("synthetic-oncology.json").path])
        guard r.status == 0 else { throw SynthFailed(stderr: r.stderr) }
        return db
    }

    func casesDir() throws -> URL { try Self.cases.get() }
    func manifest() throws -> String { try casesDir().appendingPathComponent("manifest.tsv").path }
    /// `--warehouse DB`: the recommend scorer with real-world evidence and similar patients.
    func withWarehouse() throws -> [String] { ["--warehouse", try Self.warehouse.get()] }

    /// Each line without `timings`, re-serialised with sorted keys.
    static func normalisedLines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { line in
            var o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(o["timings"] is [String: Any])
            o["timings"] = nil
            return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    static func objects(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    static func lineCount(_ path: String) -> Int {
        guard let d = FileManager.default.contents(atPath: path) else { return 0 }
        return d.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// The recommend scorer (the default) against a warehouse: exactly the corrupt cases fail, each
    /// with its code; every other line is a recommendation of the case as generated (tumour type, build,
    /// annotation, variants read), with the per-stage timings.
    @Test func exactlyTheCorruptCasesFailEachWithItsReason() throws {
        let dir = try makeTemporaryDirectory("onco-batch-cli")
        let out = dir.appendingPathComponent("out.jsonl").path
        let r = try runOnco(["batch", try manifest(), "-o", out, "--jobs", "2"] + withWarehouse())
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("batch: 95 ok, 5 failed"), "\(r.stderr)")
        #expect(r.stderr.contains("similarity index over 1500 patients"), "\(r.stderr)")
        let expected = try readExpected(try casesDir())
        let manifestRows = try String(contentsOfFile: try manifest(), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let tumourType = Dictionary(uniqueKeysWithValues: manifestRows.map { ($0[0], $0[2]) })
        let objs = try Self.objects(out)
        #expect(objs.count == 100)
        #expect(Set(objs.map { $0["case_id"] as! String }).count == 100)
        var failedKinds: Set<String> = []
        var actionable = 0
        for o in objs {
            let id = o["case_id"] as! String
            let e = expected[id]!
            #expect(o["status"] as? String == e.status, "\(id)")
            #expect(o["scorer"] as? String == "recommend")
            let timings = o["timings"] as! [String: Any]
            if e.status == "failed" {
                let err = o["error"] as! [String: Any]
                #expect(err["code"] as? String == e.code, "\(id) \(e.corruption): \(err)")
                #expect((err["message"] as? String)?.contains("manifest line") == true)
                failedKinds.insert(e.corruption)
            } else {
                #expect(o["error"] is NSNull)
                let c = o["case"] as! [String: Any]
                #expect(c["variants_read"] as? Int == e.variants, "\(id)")
                #expect(c["tumor_type"] as? String == tumourType[id], "\(id)")
                #expect(c["build"] as? String == e.build, "\(id)")
                #expect((c["annotation"] is String) == !e.annotation.isEmpty, "\(id)")   // null when the VCF is not annotated
                #expect(o["synthetic"] as? Bool == true)
                #expect((o["warehouse"] as? [String: Any])?["patients"] as? Int == 1500)
                #expect((o["neighbours"] as? [String: Any])?["status"] as? String == "used")
                #expect(o["therapies"] is [Any] && o["notes"] is [Any])
                if o["actionable"] as? Bool == true { actionable += 1 }
                for stage in ["read_ms", "match_ms", "similarity_ms", "survival_ms", "rank_ms", "render_ms", "total_ms"] {
                    #expect((timings[stage] as? Double).map { $0 >= 0 } == true, "\(id) \(stage)")
                }
            }
        }
        #expect(failedKinds == ["truncated_gz", "malformed_line", "missing_file", "unknown_tumor_type", "wrong_sample"])
        #expect(actionable > 0)
    }

    /// The file-check scorer (`--scorer file-check`) as a pre-flight: the same failures, and the
    /// record count of every good VCF.
    @Test func fileCheckScorerFindsTheSameCorruptCases() throws {
        let dir = try makeTemporaryDirectory("onco-batch-cli-fc")
        let out = dir.appendingPathComponent("out.jsonl").path
        let r = try runOnco(["batch", try manifest(), "-o", out, "--jobs", "2", "--scorer", "file-check"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("batch: 95 ok, 5 failed"), "\(r.stderr)")
        let expected = try readExpected(try casesDir())
        for o in try Self.objects(out) {
            let e = expected[o["case_id"] as! String]!
            #expect(o["scorer"] as? String == "file-check")
            #expect(o["status"] as? String == e.status)
            if e.status == "failed" {
                #expect((o["error"] as? [String: Any])?["code"] as? String == e.code)
            } else {
                #expect((o["vcf"] as? [String: Any])?["records"] as? Int == e.variants)
            }
        }
        let misuse = try runOnco(["batch", try manifest(), "--scorer", "file-check"] + withWarehouse())
        #expect(misuse.status == 64 && misuse.stderr.contains("does not use a warehouse"), "\(misuse.stderr)")
    }

    @Test func killedMidwayAndResumedGivesTheSameLinesAsOneRun() throws {
        // Bigger cases and one job, so that the batch takes a few seconds and can be killed midway.
        let cases = try generateCases(n: 200, seed: 21, corruptFraction: 0.05, minVariants: 300, maxVariants: 2000)
        let m = cases.appendingPathComponent("manifest.tsv").path
        let dir = try makeTemporaryDirectory("onco-batch-kill")
        let full = dir.appendingPathComponent("full.jsonl").path
        let fullRun = try runOnco(["batch", m, "-o", full, "--jobs", "2"] + withWarehouse())
        #expect(fullRun.status == 2, "\(fullRun.stderr)")

        let out = dir.appendingPathComponent("killed.jsonl").path
        let p = Process()
        p.executableURL = RepoPaths.oncoBinary
        p.arguments = ["batch", m, "-o", out, "--jobs", "1", "--progress", "none"] + (try withWarehouse())
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Kill as soon as 40 lines are out (polled every millisecond). The deadline only guards against a
        // hang: a loaded CI machine once needed more than a minute to reach 40 lines.
        let deadline = Date().addingTimeInterval(900)
        while Self.lineCount(out) < 40, p.isRunning, Date() < deadline { usleep(1000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL)
        let atKill = Self.lineCount(out)
        #expect(atKill >= 40 && atKill < 200, "killed with \(atKill) lines")
        // Every line the killed process left is complete JSON.
        #expect(try Self.normalisedLines(out).count == atKill)

        // As if the kill had torn a line in the middle of its write(2): half a line at the end.
        let firstLine = try String(contentsOfFile: full, encoding: .utf8).split(separator: "\n")[0]
        let h = FileHandle(forWritingAtPath: out)!
        h.seekToEndOfFile()
        h.write(Data(firstLine.prefix(firstLine.count / 2).utf8))
        try h.close()

        let resumed = try runOnco(["batch", m, "-o", out, "--resume", "--jobs", "2"] + withWarehouse())
        #expect(resumed.status == 2, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("\(atKill) already done"), "\(resumed.stderr)")
        #expect(try Self.normalisedLines(out).sorted() == Self.normalisedLines(full).sorted())

        // Resuming a finished output scores nothing and keeps the exit status of its failures.
        let again = try runOnco(["batch", m, "-o", out, "--resume"] + withWarehouse())
        #expect(again.status == 2 && again.stderr.contains("batch: 0 ok, 0 failed, 200 already done (10 failed)"), "\(again.stderr)")
    }

    @Test func shardsPlusMergeEqualOneRun() throws {
        let m = try manifest()
        let dir = try makeTemporaryDirectory("onco-batch-shards")
        let one = dir.appendingPathComponent("one.jsonl").path
        #expect(try runOnco(["batch", m, "-o", one] + withWarehouse()).status == 2)
        var shards: [String] = []
        for i in 1...3 {
            let s = dir.appendingPathComponent("shard\(i).jsonl").path
            let r = try runOnco(["batch", m, "--shard", "\(i)/3", "-o", s, "--jobs", "1"] + withWarehouse())
            #expect(r.status == 0 || r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("shard \(i)/3"))
            shards.append(s)
        }
        #expect(shards.map(Self.lineCount) == [34, 33, 33])
        let merged = dir.appendingPathComponent("merged.jsonl").path
        let r = try runOnco(["batch", "merge", "--manifest", m, "-o", merged] + shards)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("merge: 100 cases from 3 input(s): 95 ok, 5 failed"), "\(r.stderr)")
        #expect(try Self.normalisedLines(merged).sorted() == Self.normalisedLines(one).sorted())
        // Manifest order.
        let ids = try Self.objects(merged).map { $0["case_id"] as! String }
        #expect(ids == (1...100).map { String(format: "CASE-%05d", $0) })
    }

    @Test func mergeDetectsMissingAndDuplicateCases() throws {
        let m = try manifest()
        let dir = try makeTemporaryDirectory("onco-batch-merge")
        var shards: [String] = []
        for i in 1...2 {
            let s = dir.appendingPathComponent("s\(i).jsonl").path
            _ = try runOnco(["batch", m, "--shard", "\(i)/2", "-o", s, "--scorer", "file-check"])
            shards.append(s)
        }
        let merged = dir.appendingPathComponent("merged.jsonl").path
        let missing = try runOnco(["batch", "merge", "--manifest", m, "-o", merged, shards[0]])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("50 case(s) of the manifest in no input (manifest line 3, line 5, line 7"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: merged))

        let dup = try runOnco(["batch", "merge", "--manifest", m, "-o", merged, shards[0], shards[1], shards[1]])
        #expect(dup.status == 1)
        #expect(dup.stderr.contains("duplicate: manifest line 3 found at \(shards[1]):"), "\(dup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: merged))
    }

    @Test func malformedManifestAndMisuseSayWhere() throws {
        let dir = try makeTemporaryDirectory("onco-batch-bad")
        let bad = dir.appendingPathComponent("bad.tsv").path
        try "case_id\tvcf\ttumor_type\tage\nA\ta.vcf.gz\tLUAD\t61\nB\tb.vcf.gz\tLUAD\tsixty\n".write(toFile: bad, atomically: false, encoding: .utf8)
        let r = try runOnco(["batch", bad, "-o", dir.appendingPathComponent("o.jsonl").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("manifest \(bad), line 3, field age: not a whole number"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.jsonl").path))

        #expect(try runOnco(["batch", try manifest(), "--shard", "4/3"]).status == 64)
        #expect(try runOnco(["batch", try manifest(), "--resume"]).status == 64)
        let out = dir.appendingPathComponent("exists.jsonl").path
        try "x\n".write(toFile: out, atomically: false, encoding: .utf8)
        let exists = try runOnco(["batch", try manifest(), "-o", out])
        #expect(exists.status == 1 && exists.stderr.contains("exists and is not empty"), "\(exists.stderr)")
    }

    @Test func folderOfVCFsAndStandardOutput() throws {
        let vcfs = try casesDir().appendingPathComponent("vcf")
        let r = try runOnco(["batch", vcfs.path, "--tumor-type", "LUAD", "--progress", "none", "--jobs", "2"])
        // The folder holds 99 VCFs (one case's file is missing on purpose); 2 are damaged.
        #expect(r.status == 2, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 99)
        #expect(r.stderr.contains("batch: 97 ok, 2 failed"), "\(r.stderr)")
    }

    @Test func progressLinesWhenNotATerminal() throws {
        let dir = try makeTemporaryDirectory("onco-batch-progress")
        let r = try runOnco(["batch", try manifest(), "-o", dir.appendingPathComponent("o.jsonl").path,
                             "--progress", "lines", "--progress-interval", "0.001", "--jobs", "1", "--scorer", "file-check"])
        let progress = r.stderr.split(separator: "\n").filter { $0.contains("done (") }
        #expect(progress.count >= 2, "\(r.stderr)")
        #expect(progress.allSatisfy { $0.contains("cases/s, ETA ") })
        #expect(r.stderr.hasPrefix("batch: 100 cases, 0 already done\n"))
    }
}

/// The Snakemake workflow (workflow/Snakefile) with the local executor. Needs `snakemake` on PATH;
/// required (not skipped) when ONCO_REQUIRE_SNAKEMAKE=1, as scripts/run-tests.sh sets.
@Suite(.serialized) struct BatchWorkflowTests {
    static let snakemakeAvailable = toolAvailable("snakemake")
    static let required = ProcessInfo.processInfo.environment["ONCO_REQUIRE_SNAKEMAKE"] == "1"

    @Test(.enabled(if: snakemakeAvailable || required, "snakemake is not installed (scripts/install-deps.sh test)"))
    func localExecutorShardsAndMergesLikeOneRun() throws {
        #expect(Self.snakemakeAvailable, "snakemake is required (ONCO_REQUIRE_SNAKEMAKE=1) but not on PATH")
        let manifest = try BatchCLITests.cases.get().appendingPathComponent("manifest.tsv").path
        let work = try makeTemporaryDirectory("onco-batch-snakemake")
        let one = work.appendingPathComponent("one.jsonl").path
        let db = try BatchCLITests.warehouse.get()
        #expect(try runOnco(["batch", manifest, "-o", one, "--warehouse", db]).status == 2)
        let snakefile = RepoPaths.root.appendingPathComponent("workflow/Snakefile").path
        let profile = RepoPaths.root.appendingPathComponent("workflow/profiles/local").path
        let r = try run("snakemake", ["-s", snakefile, "--profile", profile, "--cores", "2", "--directory", work.path,
                                      "--config", "manifest=\(manifest)", "shards=3", "onco=\(RepoPaths.oncoBinary.path)",
                                      "warehouse=\(db)"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let merged = work.appendingPathComponent("batch-out/merged.jsonl").path
        #expect(try BatchCLITests.normalisedLines(merged) == BatchCLITests.normalisedLines(one).sorted {
            $0.components(separatedBy: "\"case_id\":\"")[1] < $1.components(separatedBy: "\"case_id\":\"")[1]
        })
        let log = try String(contentsOfFile: work.appendingPathComponent("batch-out/logs/merge.log").path, encoding: .utf8)
        #expect(log.contains("merge: 100 cases from 3 input(s): 95 ok, 5 failed"))
    }
}
