import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport

/// Whole-file user inputs of the warehouse read through `OncoCore.InputFile`: the synthetic-cohort
/// parameter file and the governance key files (`ONCO_ADMIN_KEY_FILE`, `ONCO_AUDIT_KEY_FILE`). A missing,
/// folder, empty or non-UTF-8 file is a clean error naming the file, never Foundation's error text.
@Suite struct WholeFileInputTests {
    @Test func syntheticParameterFile() throws {
        let dir = try makeTemporaryDirectory("onco-synth-params")
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.json")
        try Data().write(to: empty)
        func error(_ path: String) -> String? {
            do { _ = try SyntheticCohortParameters.load(path); return nil } catch let e as ImportError { return e.description } catch { return "other: \(error)" }
        }
        #expect(error(dir.appendingPathComponent("missing.json").path) == "missing.json: does not exist")
        #expect(error(dir.path) == "\(dir.lastPathComponent): is a folder, not a file")
        let e = error(empty.path)
        #expect(e?.hasPrefix("empty.json: is not valid JSON") == true, "\(e ?? "no error")")
    }

    @Test func governanceKeyFiles() throws {
        let dir = try makeTemporaryDirectory("onco-governance-keys")
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.key"), latin1 = dir.appendingPathComponent("latin1.key")
        try Data().write(to: empty)
        try Data(Array(repeating: 0xE9, count: 40)).write(to: latin1)
        let missing = dir.appendingPathComponent("missing.key").path
        func error(_ variable: String, _ path: String) -> GovernanceError? {
            do { _ = try GovernanceKeys.configured(environment: [variable + "_FILE": path]); return nil } catch { return error as? GovernanceError }
        }
        let m = error("ONCO_ADMIN_KEY", missing)
        #expect(m?.code == .notAdministrator && m?.message == "ONCO_ADMIN_KEY_FILE: the key file \(missing) does not exist")
        let f = error("ONCO_AUDIT_KEY", dir.path)
        #expect(f?.code == .auditKey && f?.message == "ONCO_AUDIT_KEY_FILE: the key file \(dir.path) is a folder, not a file")
        #expect(error("ONCO_AUDIT_KEY", latin1.path)?.message == "ONCO_AUDIT_KEY_FILE: the key file \(latin1.path) is not UTF-8 text")
        let e = error("ONCO_ADMIN_KEY", empty.path)
        #expect(e?.message == "the key from \(empty.path) is shorter than 32 characters (make one with `openssl rand -hex 32`)")
    }
}
