import Foundation
import Testing
import _TestSupport

/// `fusionFrame` in a definition file and `--fusion-frame` (issue #21) through the built binary: a bad value exits 1
/// naming the file (or flag), the field and the value; a study on `FusionFrameStudy` says the frame in its report.
@Suite("onco cohort: the fusion frame", .serialized)
struct CohortFusionFrameCLITests {
    @Test("a bad fusionFrame in a file or flag exits 1 naming file, field, value and the allowed values")
    func badValues() throws {
        let dir = try makeTemporaryDirectory("onco-fusion-frame-cli")
        let bad = dir.appendingPathComponent("bad.yaml")
        try "name: x\npopulation: {alterations: [{gene: ALK, classes: [fusion], fusionFrame: inframe}]}\n".write(to: bad, atomically: true, encoding: .utf8)
        let v = try runOnco(["cohort", "validate", bad.path])
        #expect(v.status == 1, "\(v.stdout) \(v.stderr)")
        #expect(v.stderr.contains("bad.yaml: population.alterations[0].fusionFrame") && v.stderr.contains("\"inframe\"")
                && v.stderr.contains("in_frame, frameshift"), "\(v.stderr)")
        let good = dir.appendingPathComponent("good.yaml")
        try "name: x\npopulation: {alterations: [{gene: ALK, classes: [fusion], fusionFrame: in_frame}]}\n".write(to: good, atomically: true, encoding: .utf8)
        let ok = try runOnco(["cohort", "validate", good.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        let flag = try runOnco(["cohort", "run", "--db", dir.appendingPathComponent("none.sqlite").path, "--altered", "fusion:ALK",
                                "--fusion-frame", "sideways"])
        #expect(flag.status == 1 && flag.stderr.contains("--fusion-frame") && flag.stderr.contains("\"sideways\"")
                && flag.stderr.contains("in_frame, frameshift"), "\(flag.stderr)")
    }

    @Test("--fusion-frame groups by in-frame fusions; the report says so")
    func groupsByFrame() throws {
        let study = try FusionFrameStudy.write()
        let dir = try makeTemporaryDirectory("onco-fusion-frame-cli")
        let db = dir.appendingPathComponent("w.sqlite").path
        let admin = ["ONCO_AUDIT_KEY": CohortCLITests.auditKey, "ONCO_ADMIN_KEY": CohortCLITests.adminKey]
        let imp = try runOnco(["warehouse", "import", study.path, "--db", db], environment: CohortCLITests.env)
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(try runOnco(["project", "keys", "init", "--db", db], environment: admin).status == 0)
        #expect(try runOnco(["project", "governance", "off", "--db", db], environment: admin).status == 0)
        let r = try runOnco(["cohort", "run", "--db", db, "--group-by", "mutation:ALK:fusion", "--fusion-frame", "in_frame",
                             "--time-attribute", "OS_MONTHS", "--status-attribute", "OS_STATUS", "--format", "markdown"],
                            environment: CohortCLITests.audit)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ALK fusion, in-frame") && r.stdout.contains("fusions of unknown frame never match"), "\(r.stdout)")
        let inFrame = FusionFrameStudy.patients("ALK", .inFrame).count
        #expect(r.stdout.contains("| ALK fusion, in-frame | \(inFrame) |"), "\(r.stdout)")
    }
}
