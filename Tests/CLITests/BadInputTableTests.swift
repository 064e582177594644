import Foundation
import Testing
import _TestSupport

/// Every row of every `Tests/Fixtures/bad-inputs/*.tsv` run through the built `onco`: the exit code and
/// a fragment of the message (standard error, or standard output) must be as the row says. The format
/// is in `Tests/Fixtures/bad-inputs/README.md`; new tables are picked up by adding a file.
@Suite struct BadInputTableTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var table: String
        var line: Int
        var name: String
        var command: String
        var expectedExit: Int32
        var fragment: String
        var testDescription: String { "\(table):\(line) \(name)" }
    }

    /// The rows of all tables (a malformed table is a failing row, not a skipped one).
    static func rows() throws -> [Row] {
        let dir = RepoPaths.fixture("bad-inputs")
        let tables = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tsv") }.sorted()
        var rows: [Row] = []
        for table in tables {
            let text = try String(contentsOf: dir.appendingPathComponent(table), encoding: .utf8)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if i == 0 || line.isEmpty || line.hasPrefix("#") { continue }
                let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                let exit = f.count == 4 ? Int32(f[2]) : nil
                rows.append(Row(table: table, line: i + 1, name: f.first ?? "", command: f.count == 4 ? f[1] : "",
                                expectedExit: exit ?? -1, fragment: f.count == 4 ? f[3] : ""))
            }
        }
        return rows
    }

    /// Splits a command on spaces; `"..."` keeps spaces inside one argument.
    static func arguments(_ command: String) -> [String] {
        var out: [String] = [], current = "", quoted = false, started = false
        for ch in command {
            if ch == "\"" { quoted.toggle(); started = true; continue }
            if ch == " " && !quoted {
                if started { out.append(current) }
                current = ""; started = false
                continue
            }
            current.append(ch); started = true
        }
        if started { out.append(current) }
        return out
    }

    @Test(arguments: try rows())
    func row(_ row: Row) throws {
        #expect(!row.command.isEmpty && row.expectedExit >= 0 && !row.fragment.isEmpty,
                "\(row.table):\(row.line): expected 4 tab-separated columns name, command, expected_exit (a number), message_fragment")
        guard !row.command.isEmpty else { return }
        let tmp = try makeTemporaryDirectory("onco-bad-input")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let env = ProcessInfo.processInfo.environment
        let postgres = env["ONCO_TEST_POSTGRES_URL"] ?? ""
        if row.command.contains("{pg}") && postgres.isEmpty {
            // A row that needs the temporary server: required under ONCO_REQUIRE_POSTGRES=1 (make test, CI).
            #expect(env["ONCO_REQUIRE_POSTGRES"] != "1", "\(row.testDescription): needs ONCO_TEST_POSTGRES_URL")
            return
        }
        let substitutions = [
            "{pg}": postgres,
            "{fixtures}": RepoPaths.fixture("").path.replacingOccurrences(of: "/$", with: "", options: .regularExpression),
            "{tmp}": tmp.path,
            "{kb}": RepoPaths.knowledgeBase("").resolvingSymlinksInPath().path,
            "{repo}": RepoPaths.root.path,
        ]
        let args = Self.arguments(row.command).map { arg in
            substitutions.reduce(arg) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
        let r = try runOnco(args, currentDirectory: tmp)
        #expect(r.status == row.expectedExit, "\(row.testDescription): exit \(r.status), expected \(row.expectedExit); stderr: \(r.stderr.prefix(400))")
        let output = r.stderr + r.stdout
        #expect(output.contains(row.fragment), "\(row.testDescription): '\(row.fragment)' not in the output; stderr: \(r.stderr.prefix(400))")
        #expect(!output.contains("Fatal error") && !output.contains("Trace/breakpoint"), "\(row.testDescription): a trap")
    }
}
