import Foundation
import Testing
import _TestSupport

/// Warehouse and output-path failures through the built binary: exit 69 (warehouse unavailable) with
/// host, port, database, user and cause for PostgreSQL, the path and the reason for SQLite, fast;
/// exit 1 with "cannot write PATH: reason" for output files, nothing half-written, no NSError text.
@Suite("database and output-path errors (CLI)", .serialized)
struct DatabaseErrorCLITests {
    static let kb = RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path
    static let vcf = RepoPaths.fixture("recommendation/cases/brca_erbb2amp.grch37.vep.vcf").path
    static let study = RepoPaths.fixture("warehouse/tcga_subset").path
    static let env = ["ONCO_PSEUDONYM_KEY": "cli-dberrors-key-0123456789abcdef"]

    static func postgresURL() -> URLComponents? {
        let e = ProcessInfo.processInfo.environment
        guard let url = e["ONCO_TEST_POSTGRES_URL"], !url.isEmpty, let c = URLComponents(string: url) else {
            if e["ONCO_REQUIRE_POSTGRES"] == "1" { Issue.record("ONCO_REQUIRE_POSTGRES=1 but ONCO_TEST_POSTGRES_URL is not set") }
            return nil
        }
        return c
    }

    /// Runs onco, returning the result and the seconds it took.
    static func timed(_ args: [String]) throws -> (ProcessResult, Double) {
        let start = Date()
        let r = try runOnco(args, environment: env)
        return (r, Date().timeIntervalSince(start))
    }

    /// Every command that opens a warehouse, given `--db`-style arguments for it.
    static func warehouseCommands(_ db: String, dir: URL) throws -> [(String, [String])] {
        let cases = dir.appendingPathComponent("cases")
        try FileManager.default.createDirectory(at: cases, withIntermediateDirectories: true)
        try? FileManager.default.copyItem(atPath: vcf, toPath: cases.appendingPathComponent("case1.vcf").path)
        return [
            ("warehouse init", ["warehouse", "init", "--db", db]),
            ("warehouse import", ["warehouse", "import", study, "--db", db]),
            ("warehouse synth", ["warehouse", "synth", "--patients", "10", "--params", RepoPaths.cohorts("synthetic-oncology.json").path, "--db", db]),
            ("warehouse stats", ["warehouse", "stats", "--db", db]),
            ("warehouse index", ["warehouse", "index", "--db", db]),
            ("similar", ["similar", "--vcf", vcf, "--tumor-type", "BRCA", "--db", db]),
            ("cohort run", ["cohort", "run", RepoPaths.cohorts("studies/tp53-hnsc.yaml").path, "--db", db]),
            ("project list", ["project", "list", "--db", db]),
            ("audit verify", ["audit", "verify", "--db", db]),
            ("recommend", ["recommend", "--kb", kb, "--vcf", vcf, "--tumor-type", "BRCA", "--db", db]),
            ("batch", ["batch", cases.path, "--tumor-type", "BRCA", "--kb", kb, "--warehouse", db, "-o", dir.appendingPathComponent("out.jsonl").path]),
        ]
    }

    // MARK: PostgreSQL

    @Test("PostgreSQL refused: every warehouse command exits 69 within 6 s naming host, port, database, user and cause")
    func refusedEveryCommand() throws {
        guard var c = Self.postgresURL() else { return }
        c.port = try refusedLoopbackPort()
        c.password = "s3cret-pw"
        let dir = try makeTemporaryDirectory("onco-dberr")
        for (name, args) in try Self.warehouseCommands(c.string!, dir: dir) {
            let (r, secs) = try Self.timed(args)
            #expect(r.status == 69, "\(name): exit \(r.status): \(r.stderr)")
            #expect(secs <= 6, "\(name) took \(secs) s")
            #expect(r.stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:\(c.port!) (database onco_test, user \(c.user ?? "postgres")): connection refused"),
                    "\(name): \(r.stderr)")
            #expect(!r.stderr.contains("s3cret-pw") && !r.stderr.contains("CircuitBreaker"), "\(name): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.jsonl").path), "batch wrote an output")
    }

    @Test("PostgreSQL: wrong user, wrong database, unresolvable host: exit 69 in <= 6 s with the cause")
    func wrongUserDatabaseHost() throws {
        guard let base = Self.postgresURL() else { return }
        var user = base; user.user = "onco_no_such_role"
        var db = base; db.path = "/onco_no_such_database"
        var host = base; host.host = "onco-no-such-host.invalid"
        for (url, fragment) in [(user, "the role (user) onco_no_such_role does not exist"),
                                (db, "the database onco_no_such_database does not exist"),
                                (host, "the host name onco-no-such-host.invalid does not resolve")] {
            let (r, secs) = try Self.timed(["warehouse", "stats", "--db", url.string!])
            #expect(r.status == 69 && secs <= 6, "exit \(r.status) after \(secs) s: \(r.stderr)")
            #expect(r.stderr.contains(fragment) && r.stderr.contains("\(url.host!):\(url.port!)"), "\(r.stderr)")
        }
    }

    /// A private network namespace (`unshare -n`) has only a loopback that is down: every address is
    /// unreachable there, without touching the machine's routes.
    @Test("PostgreSQL, no route to the host: exit 69, unreachable")
    func unreachable() throws {
        let probe = try run("unshare", ["-n", "true"])
        guard probe.status == 0 else {
            Issue.record("unshare -n is not permitted here, so no unreachable network can be made: \(probe.stderr)")
            return
        }
        let start = Date()
        let r = try run("unshare", ["-n", RepoPaths.oncoBinary.path, "warehouse", "stats", "--db", "postgres://onco@192.0.2.1:5432/onco"])
        #expect(r.status == 69 && Date().timeIntervalSince(start) <= 6, "\(r.status): \(r.stderr)")
        #expect(r.stderr.contains("cannot connect to PostgreSQL at 192.0.2.1:5432 (database onco, user onco): the host is unreachable"), "\(r.stderr)")
    }

    @Test("PostgreSQL, packets dropped: exit 69 after the default 5 s; --connect-timeout and ?connect_timeout= shorten it")
    func timeouts() throws {
        guard var c = Self.postgresURL() else { return }
        let listener = try DroppingListener()
        c.port = listener.port
        let (r, secs) = try Self.timed(["warehouse", "stats", "--db", c.string!])
        #expect(r.status == 69 && secs >= 4.5 && secs <= 6, "exit \(r.status) after \(secs) s: \(r.stderr)")
        #expect(r.stderr.contains("127.0.0.1:\(listener.port)") && r.stderr.contains("no answer within 5 s"), "\(r.stderr)")
        let (o, osecs) = try Self.timed(["cohort", "run", RepoPaths.cohorts("studies/tp53-hnsc.yaml").path, "--db", c.string!, "--connect-timeout", "1"])
        #expect(o.status == 69 && osecs <= 2, "exit \(o.status) after \(osecs) s: \(o.stderr)")
        #expect(o.stderr.contains("no answer within 1 s"), "\(o.stderr)")
        c.queryItems = [URLQueryItem(name: "connect_timeout", value: "1")]
        let (u, usecs) = try Self.timed(["project", "list", "--db", c.string!])
        #expect(u.status == 69 && usecs <= 2, "exit \(u.status) after \(usecs) s: \(u.stderr)")
        let bad = try runOnco(["warehouse", "stats", "--db", c.string!, "--connect-timeout", "0"])
        #expect(bad.status == 64 && bad.stderr.contains("--connect-timeout must be a positive number of seconds"), "\(bad.stderr)")
        withExtendedLifetime(listener) {}
    }

    @Test("PostgreSQL: stats on a schema with no warehouse exits 69 and creates nothing; init creates it")
    func postgresExistingOnly() throws {
        guard let c = Self.postgresURL() else { return }
        let schema = "onco_cli_" + UUID().uuidString.prefix(8).lowercased()
        let url = c.string! + (c.string!.contains("?") ? "&" : "?") + "schema=" + schema
        let r = try runOnco(["warehouse", "stats", "--db", url])
        #expect(r.status == 69 && r.stderr.contains("holds no onco warehouse"), "\(r.stderr)")
        #expect(try runOnco(["warehouse", "init", "--db", url]).status == 0)
        // Opens now (a new non-synthetic warehouse is governed, so `stats` would need an authorisation).
        let status = try runOnco(["project", "governance", "status", "--db", url])
        #expect(status.status == 0 && status.stdout.contains("governance on"), "\(status.stderr)")
    }

    // MARK: SQLite

    @Test("SQLite: every reading command on a missing file exits 69 and creates nothing")
    func sqliteMissingEveryCommand() throws {
        let dir = try makeTemporaryDirectory("onco-dberr")
        let db = dir.appendingPathComponent("missing.sqlite").path
        for (name, args) in try Self.warehouseCommands(db, dir: dir) where !name.hasPrefix("warehouse init") && !name.hasPrefix("warehouse import") && !name.hasPrefix("warehouse synth") {
            let r = try runOnco(args, environment: Self.env)
            #expect(r.status == 69, "\(name): exit \(r.status): \(r.stderr)")
            #expect(r.stderr.contains("cannot open the SQLite warehouse \(db): no such file; nothing was created"), "\(name): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db) && !FileManager.default.fileExists(atPath: db + "-wal"), "\(name) created \(db)")
        }
    }

    @Test("SQLite open failures say why: directory, not a database, empty, another application's, missing folder, permission, locked")
    func sqliteReasons() throws {
        let dir = try makeTemporaryDirectory("onco-dberr")
        let empty = dir.appendingPathComponent("empty.sqlite").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let other = dir.appendingPathComponent("other.sqlite").path
        try FileManager.default.copyItem(atPath: RepoPaths.fixture("bad-inputs/database/other-application.sqlite").path, toPath: other)
        let otherBefore = try Data(contentsOf: URL(fileURLWithPath: other))
        let cases: [([String], String)] = [
            (["warehouse", "stats", "--db", dir.path], "is a directory, not a warehouse file"),
            (["warehouse", "init", "--db", dir.path], "is a directory, not a warehouse file"),
            (["warehouse", "stats", "--db", RepoPaths.fixture("bad-inputs/database/not-a-database.sqlite").path], "the file is not a SQLite database"),
            (["warehouse", "stats", "--db", empty], "the file is empty, not an onco warehouse"),
            (["warehouse", "stats", "--db", other], "not an onco warehouse (it has no onco_migration table); nothing was changed"),
            (["warehouse", "init", "--db", other], "not an onco warehouse"),
            (["warehouse", "init", "--db", dir.appendingPathComponent("no/such/w.sqlite").path], "the folder \(dir.path)/no/such does not exist"),
            (["warehouse", "init", "--db", "/sys/kernel/onco-warehouse.sqlite"], "permission denied: this user may not create files in the folder /sys/kernel"),
        ]
        for (args, fragment) in cases {
            let r = try runOnco(args)
            #expect(r.status == 69 && r.stderr.contains(fragment), "\(args): exit \(r.status): \(r.stderr)")
            #expect(!r.stderr.contains("SQLite error") || fragment.contains("SQLite"), "\(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == otherBefore, "another application's database was changed")
        #expect(!FileManager.default.fileExists(atPath: RepoPaths.fixture("bad-inputs/database/not-a-database.sqlite").path + "-wal"))
    }

    @Test("SQLite: a warehouse locked by another process exits 69 saying so")
    func sqliteLocked() throws {
        guard toolAvailable("sqlite3") else {
            Issue.record("sqlite3 (the SQLite shell) is needed to hold a lock from another process")
            return
        }
        let dir = try makeTemporaryDirectory("onco-dberr")
        let db = dir.appendingPathComponent("w.sqlite").path
        #expect(try runOnco(["warehouse", "init", "--db", db]).status == 0)
        let holder = try SQLiteLockHolder(path: db)
        let r = try runOnco(["warehouse", "stats", "--db", db])
        holder.release()
        #expect(r.status == 69 && r.stderr.contains("another process holds the database lock"), "\(r.stderr)")
        let status = try runOnco(["project", "governance", "status", "--db", db])
        #expect(status.status == 0 && status.stdout.contains("governance on"), "\(status.stderr)")
    }

    /// Read-only without relying on permission bits (tests run as root): the folder is bind-mounted
    /// read-only in a private mount namespace (`unshare -m`), which stops root too. Where unshare is not
    /// permitted, and not root, chmod is used instead; otherwise the case is recorded as an issue.
    @Test("SQLite and output files on a read-only folder: exit 69 / exit 1 saying read-only")
    func readOnly() throws {
        let dir = try makeTemporaryDirectory("onco-dberr-ro")
        let db = dir.appendingPathComponent("w.sqlite").path
        #expect(try runOnco(["warehouse", "init", "--db", db]).status == 0)
        let out = dir.appendingPathComponent("km.txt").path
        let lung = RepoPaths.fixture("survival/data/lung.csv").path
        let commands = [
            (["warehouse", "stats", "--db", db], Int32(69), "is on a read-only file system"),
            (["survival", "km", "--input", lung, "--output", out], Int32(1), "cannot write \(out): the folder \(dir.path)/ is on a read-only file system"),
        ]
        let oncoPath = RepoPaths.oncoBinary.path
        if geteuid() == 0 {
            let probe = try run("unshare", ["-m", "sh", "-c", "mount --bind -o ro '\(dir.path)' '\(dir.path)'"])
            guard probe.status == 0 else {
                Issue.record("running as root without permission to make a read-only bind mount (unshare -m): \(probe.stderr)")
                return
            }
            for (args, status, fragment) in commands {
                let quoted = args.map { "'\($0)'" }.joined(separator: " ")
                let r = try run("unshare", ["-m", "sh", "-c", "mount --bind -o ro '\(dir.path)' '\(dir.path)' && exec '\(oncoPath)' \(quoted)"])
                #expect(r.status == status && r.stderr.contains(fragment), "\(args): exit \(r.status): \(r.stderr)")
            }
        } else {
            chmod(dir.path, 0o555)
            defer { chmod(dir.path, 0o755) }
            for (args, status, _) in commands {
                let r = try runOnco(args)
                #expect(r.status == status && r.stderr.contains("read-only"), "\(args): exit \(r.status): \(r.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    // MARK: output files

    @Test("output paths: missing folder, a directory, a folder that refuses files: exit 1, the reason, nothing written")
    func outputPaths() throws {
        let dir = try makeTemporaryDirectory("onco-dberr-out")
        let lung = RepoPaths.fixture("survival/data/lung.csv").path
        let missing = dir.appendingPathComponent("out/report.txt").path
        let cases: [(String, String)] = [
            (missing, "cannot write \(missing): the folder \(dir.path)/out/ does not exist"),
            (dir.path, "cannot write \(dir.path): it is a directory"),
            ("/sys/kernel/onco-report.txt", "cannot write /sys/kernel/onco-report.txt: permission denied"),
        ]
        for (path, fragment) in cases {
            for args in [["survival", "km", "--input", lung, "--output", path],
                         ["survival", "km", "--input", lung, "--output", dir.appendingPathComponent("ok.txt").path, "--plot", path],
                         ["recommend", "--kb", Self.kb, "--vcf", Self.vcf, "--tumor-type", "BRCA", "-o", path]] {
                let r = try runOnco(args)
                #expect(r.status == 1 && r.stderr.contains(fragment), "\(args): exit \(r.status): \(r.stderr)")
                #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("Error Domain"), "\(r.stderr)")
            }
        }
        // Nothing half-written: no temporary files left beside the targets.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("batch and index outputs: a missing folder or a directory fails before any work, exit 1, naming the path")
    func batchAndIndexOutputs() throws {
        let dir = try makeTemporaryDirectory("onco-dberr-batch")
        let cases = dir.appendingPathComponent("cases")
        try FileManager.default.createDirectory(at: cases, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.vcf, toPath: cases.appendingPathComponent("case1.vcf").path)
        let missing = dir.appendingPathComponent("no/out.jsonl").path
        let b = try runOnco(["batch", cases.path, "--tumor-type", "BRCA", "--scorer", "file-check", "-o", missing])
        #expect(b.status == 1 && b.stderr.contains("output \(missing): cannot write: the folder \(dir.path)/no/ does not exist"), "\(b.stderr)")
        let d = try runOnco(["batch", cases.path, "--tumor-type", "BRCA", "--scorer", "file-check", "-o", dir.path])
        #expect(d.status == 1 && d.stderr.contains("output \(dir.path): cannot write: it is a directory"), "\(d.stderr)")
        // batch merge
        let shard = dir.appendingPathComponent("shard.jsonl").path
        #expect(try runOnco(["batch", cases.path, "--tumor-type", "BRCA", "--scorer", "file-check", "-o", shard]).status == 0)
        let m = try runOnco(["batch", "merge", "--manifest", cases.path, "--tumor-type", "BRCA", shard, "-o", missing])
        #expect(m.status == 1 && m.stderr.contains("the folder \(dir.path)/no/ does not exist"), "\(m.stderr)")
        // warehouse index --index
        let db = dir.appendingPathComponent("w.sqlite").path
        #expect(try runOnco(["warehouse", "init", "--db", db]).status == 0)
        let idx = try runOnco(["warehouse", "index", "--db", db, "--index", dir.appendingPathComponent("no/w.simidx").path, "--rebuild"])
        #expect(idx.status == 1 && idx.stderr.contains("the folder \(dir.path)/no/ does not exist"), "\(idx.stderr)")
        #expect(!idx.stderr.contains("Error Domain"))
    }
}
