import Foundation
import OncoCore
import Reports
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Issue #21: the fusion reading frame (migration 0013, `AlterationFilter.fusionFrame`) as a cohort condition,
/// written `fusionFrame: in_frame | frameshift` wherever an alteration condition is (population one gene or set,
/// grouping, screen) or `--fusion-frame`; on SQLite and PostgreSQL against the patients of `FusionFrameStudy`.
@Suite struct FusionFrameTests {
    static let yaml = """
        name: ALK fusions by frame
        population:
          alterations:
            - {gene: ALK, hgvsp: "EML4::ALK", classes: [fusion], fusionFrame: in_frame}
            - {genes: [ALK, ROS1], classes: [fusion], fusionFrame: frameshift, status: wildtype}
        groups: {by: mutation, gene: ALK, classes: [fusion], fusionFrame: frameshift}
        endpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS}
        """

    @Test func definitionsRoundTripAndResolve() throws {
        let d = try CohortDefinition.parse(Self.yaml, source: "alk.yaml", yaml: true)
        #expect(d.population.alterations == [AlterationSpec(gene: "ALK", hgvsp: "EML4::ALK", classes: ["fusion"], fusionFrame: "in_frame")])
        #expect(d.population.alterationSets == [AlterationSetSpec(genes: ["ALK", "ROS1"], classes: ["fusion"], status: "wildtype", fusionFrame: "frameshift")])
        #expect(d.groups == .mutation(AlterationSpec(gene: "ALK", classes: ["fusion"], fusionFrame: "frameshift")))
        let json = try d.canonicalJSON()
        #expect(json.contains(#"{"classes":["fusion"],"fusionFrame":"in_frame","gene":"ALK","hgvsp":"EML4::ALK"}"#), "\(json)")
        #expect(try CohortDefinition.parse(json, source: "alk.json", yaml: false) == d)
        // a set grouping and a screen round-trip too; definitions without a frame keep their canonical JSON
        for text in ["name: s\ngroups: {by: mutation, genes: [ALK, ROS1], classes: [fusion], fusionFrame: in_frame}\n",
                     "name: s\nscreen: {classes: [fusion], fusionFrame: frameshift}\n"] {
            let x = try CohortDefinition.parse(text, source: "s.yaml", yaml: true)
            #expect(try x.canonicalJSON().contains("\"fusionFrame\""))
            #expect(try CohortDefinition.parse(try x.canonicalJSON(), source: "s.json", yaml: false) == x)
        }
        #expect(try !CohortDefinition.parse("name: s\ngroups: {by: mutation, gene: ALK}\n", source: "s.yaml", yaml: true).canonicalJSON().contains("fusion"))

        let plan = try CohortPlan(d, source: "alk.yaml")
        #expect(plan.criteria.alterations == [AlterationFilter(gene: "ALK", hgvsp: "EML4::ALK", classes: ["fusion"], fusionFrame: .inFrame)])
        #expect(plan.criteria.alterationSets[0].members.map(\.fusionFrame) == [.frameshift, .frameshift])
        #expect(try plan.tableRequest().columns.contains(.alteration(AlterationFilter(gene: "ALK", classes: ["fusion"], fusionFrame: .frameshift))))
        let s = try CohortPlan(try CohortDefinition.parse("name: s\nendpoint: {kind: os}\nscreen: {classes: [fusion], fusionFrame: frameshift}\n",
                                                          source: "s.yaml", yaml: true), source: "s.yaml")
        #expect(s.screen?.fusionFrame == .frameshift)
        // the report's words
        let summary = CohortAnalysis.summary(plan)
        #expect(summary[0].contains("EML4::ALK fusion, in-frame") && summary[0].contains("ALK|ROS1 (fusions frameshift) wild-type"), "\(summary)")
        #expect(summary.contains { $0.hasPrefix("Groups: ALK fusion, frameshift vs no ALK fusion, frameshift") }, "\(summary)")
        #expect(summary.contains(CohortPlan.fusionFrameMethod) && CohortPlan.fusionFrameMethod.contains("fusions of unknown frame never match"))
        #expect(!CohortAnalysis.summary(try CohortPlan(CohortDefinition(name: "x"), source: "x")).contains(CohortPlan.fusionFrameMethod))
    }

    /// Every place: an unknown value names the file, the field and the value, and lists the allowed ones; a frame
    /// where the classes count no fusion is an error too.
    @Test func badValuesNameFileFieldAndValue() throws {
        let cases: [(String, String)] = [
            ("population: {alterations: [{gene: ALK, fusionFrame: inframe}]}", "population.alterations[0].fusionFrame"),
            ("population: {alterations: [{gene: TP53}, {genes: [ALK, ROS1], fusionFrame: Out}]}", "population.alterations[ALK|ROS1].fusionFrame"),
            ("groups: {by: mutation, gene: ALK, fusionFrame: maybe}", "groups.fusionFrame"),
            ("groups: {by: mutation, set: my, fusionFrame: x}\nalterationSets: {my: [fusion:ALK]}", "groups.fusionFrame"),
            ("screen: {fusionFrame: both}\nendpoint: {kind: os}", "screen.fusionFrame"),
        ]
        for (body, field) in cases {
            let d = try CohortDefinition.parse("name: x\n" + body + "\n", source: "bad.yaml", yaml: true)
            do { _ = try CohortPlan(d, source: "bad.yaml"); Issue.record("accepted: \(body)") }
            catch let e as CohortStudyError {
                #expect(e.location == "bad.yaml: \(field)" && e.message.contains("unknown value") && e.message.contains("in_frame, frameshift"), "\(e)")
            }
        }
        let value = try CohortDefinition.parse("name: x\npopulation: {alterations: [{gene: ALK, fusionFrame: inframe}]}\n", source: "bad.yaml", yaml: true)
        #expect(throws: CohortStudyError.self) { try CohortPlan(value, source: "bad.yaml") }
        do { _ = try CohortPlan(value, source: "bad.yaml") } catch let e as CohortStudyError { #expect(e.description.contains("\"inframe\"")) }
        for body in ["population: {alterations: [{gene: ALK, classes: [missense], fusionFrame: in_frame}]}",
                     "groups: {by: mutation, genes: [KRAS, NRAS], classes: [missense], fusionFrame: in_frame}",
                     "screen: {classes: [truncating], fusionFrame: in_frame}\nendpoint: {kind: os}"] {
            let d = try CohortDefinition.parse("name: x\n" + body + "\n", source: "bad.yaml", yaml: true)
            do { _ = try CohortPlan(d, source: "bad.yaml"); Issue.record("accepted: \(body)") }
            catch let e as CohortStudyError { #expect(e.location.hasSuffix("fusionFrame") && e.message.contains("fusion"), "\(e)") }
        }
    }

    @Test func flag() throws {
        var f = CohortFlags()
        f.altered = ["fusion:ALK", "TP53:missense"]; f.groupBy = "mutation:ROS1:fusion"; f.fusionFrame = "in_frame"
        let d = try f.apply(to: nil)
        #expect(d.population.alterations == [AlterationSpec(gene: "ALK", classes: ["fusion"], status: "mutated", fusionFrame: "in_frame"),
                                             AlterationSpec(gene: "TP53", classes: ["missense"], status: "mutated")])
        #expect(d.groups == .mutation(AlterationSpec(gene: "ROS1", classes: ["fusion"], fusionFrame: "in_frame")))
        // conditions from the file are left as they were; the flag needs a condition of its own that counts fusions
        let base = try CohortDefinition.parse("name: b\npopulation: {alterations: [{gene: RET, classes: [fusion]}]}\n", source: "b.yaml", yaml: true)
        var g = CohortFlags()
        g.altered = ["KRAS|fusion:ALK"]; g.fusionFrame = "frameshift"
        let e = try g.apply(to: base)
        #expect(e.population.alterations[0].fusionFrame == nil && e.population.alterationSets[0].fusionFrame == "frameshift")
        var s = CohortFlags()
        s.screen = true; s.screenClasses = ["fusion"]; s.fusionFrame = "in_frame"
        #expect(try s.apply(to: nil).screen?.fusionFrame == "in_frame")
        for (altered, frame) in [(["fusion:ALK"], "inframe"), (["TP53:missense"], "in_frame"), ([String](), "in_frame")] {
            var h = CohortFlags()
            h.altered = altered; h.fusionFrame = frame
            do { _ = try h.apply(to: nil); Issue.record("accepted \(altered) \(frame)") }
            catch let e as CohortStudyError { #expect(e.location == "--fusion-frame", "\(e)") }
        }
    }

    /// The filter selects exactly the patients the file gives each frame, on both stores; the report says the frame.
    @Test(arguments: StoreKind.allCases) func selectsThePatientsOfEachFrame(kind: StoreKind) async throws {
        let dir = try FusionFrameStudy.write()
        let all = try FusionFrameStudy.allPatients()
        try await withWarehouse(kind) { store in
            let pseudonymizer = try Pseudonymizer(key: TCGAFixture.key)
            let importer = CBioPortalImporter(pseudonymizer: pseudonymizer, mafBatchSize: 100)
            let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: dir.path))
            _ = try await store.importDataset(d, from: source, progress: nil, logger: TestWarehouse.logger)
            let keys = try TestKeys.both()
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            try await store.setGovernance(GovernanceSettings(enabled: false), keys: keys, logger: TestWarehouse.logger)
            var patientOf: [Int64: String] = [:]
            for p in all {
                let k = pseudonymizer.patientKey(study: FusionFrameStudy.studyID, patient: p).rawValue
                let ids = try await store.selectCohort(CohortCriteria(patientKeys: [k]), logger: TestWarehouse.logger)
                #expect(ids.count == 1, "\(p)")
                if let id = ids.first { patientOf[id] = p }
            }
            func patients(_ yaml: String) async throws -> Set<String> {
                let plan = try CohortPlan(try CohortDefinition.parse("name: t\npopulation: {alterations: [\(yaml)]}\n", source: "t.yaml", yaml: true), source: "t.yaml")
                return Set(try await store.selectCohort(plan.criteria, logger: TestWarehouse.logger).compactMap { patientOf[$0] })
            }
            let inFrame = FusionFrameStudy.patients("ALK", .inFrame), frameshift = FusionFrameStudy.patients("ALK", .frameshift)
            #expect(inFrame == ["L01", "L02", "L03", "L04", "L11"] && frameshift == ["L05", "L06", "L07", "L11", "L12"])
            #expect(try await patients("{gene: ALK, classes: [fusion], fusionFrame: in_frame}") == inFrame)
            #expect(try await patients("{gene: ALK, classes: [fusion], fusionFrame: frameshift}") == frameshift)
            // the partner pair as hgvsp: L11's frameshift ALK fusion is KIF5B::ALK
            let eml4Frameshift = Set(FusionFrameStudy.fusions.filter { $0.five == "EML4" && $0.three == "ALK" && $0.frame == .frameshift }.map(\.patient))
            #expect(try await patients("{gene: ALK, hgvsp: \"EML4::ALK\", classes: [fusion], fusionFrame: frameshift}") == eml4Frameshift)
            #expect(eml4Frameshift == frameshift.subtracting(["L11"]))
            // no frame: every fusion, unknown frames (L08–L10) included
            #expect(try await patients("{gene: ALK, classes: [fusion]}") == FusionFrameStudy.patients("ALK", nil))
            #expect(FusionFrameStudy.patients("ALK", nil).subtracting(inFrame.union(frameshift)) == ["L08", "L09", "L10"])
            // wild-type: the genotyped (every patient here) without such a fusion; unknown frames are not in frame
            #expect(try await patients("{gene: ALK, classes: [fusion], fusionFrame: in_frame, status: wildtype}") == all.subtracting(inFrame))
            // the default classes: the frame narrows the fusions only (L14's missense still counts)
            #expect(try await patients("{gene: ALK, fusionFrame: in_frame}") == inFrame.union([FusionFrameStudy.alkMissense]))
            // a set: each member's fusions of that frame
            #expect(try await patients("{genes: [ALK, ROS1], classes: [fusion], fusionFrame: frameshift}")
                    == frameshift.union(FusionFrameStudy.patients("ROS1", .frameshift)))
            // the screen's carriers
            let carriers = try await store.alterationCarriers(CarrierRequest(cohort: .all, classes: ["fusion"], genes: ["ALK", "ROS1"],
                                                                             fusionFrame: .inFrame), logger: TestWarehouse.logger)
            #expect(carriers.genes == ["ALK", "ROS1"])
            #expect(Set(carriers.carriers(0).compactMap { patientOf[$0] }) == inFrame && Set(carriers.carriers(1).compactMap { patientOf[$0] }) == ["L15"])

            // a study grouped by the frame, reported in every format
            let d2 = try CohortDefinition.parse("""
                name: ALK in-frame fusion
                groups: {by: mutation, gene: ALK, hgvsp: "EML4::ALK", classes: [fusion], fusionFrame: in_frame}
                endpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS}
                """, source: "g.yaml", yaml: true)
            let run = try await CohortStudy.run(try CohortPlan(d2, source: "g.yaml"), store: store,
                                                options: .init(keys: try TestKeys.auditOnly()), logger: TestWarehouse.logger)
            #expect(run.analysis.groups.map(\.label) == ["no EML4::ALK fusion, in-frame", "EML4::ALK fusion, in-frame"])
            let eml4InFrame = Set(FusionFrameStudy.fusions.filter { $0.five == "EML4" && $0.three == "ALK" && $0.frame == .inFrame }.map(\.patient))
            #expect(eml4InFrame == inFrame)   // every in-frame ALK fusion here is EML4::ALK
            #expect(run.analysis.groups.map(\.n) == [all.count - inFrame.count, inFrame.count])
            for (format, text) in [("text", run.report.text()), ("markdown", run.report.markdown()), ("html", run.report.html()), ("json", try run.report.json())] {
                #expect(text.contains("EML4::ALK fusion, in-frame") && text.contains("fusions of unknown frame never match"), "\(format)")
            }
        }
    }
}
