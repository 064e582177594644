import Foundation
import OncoCore
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Issue #20, point 5: `--where` values with commas (quoted), repeated flags, and a value held by nobody
/// is an error naming the attribute and the value with the close matches, never a silent empty cohort.
@Suite struct WhereValueTests {
    static func fail(_ flag: String, _ message: String) -> CohortStudyError { CohortStudyError(.invalidDefinition, flag, message) }

    @Test func quotedValuesKeepTheirCommas() throws {
        #expect(try CohortFlags.whereValues("\"Skin Cancer, Non-Melanoma\"", flag: "--where", fail: Self.fail) == ["Skin Cancer, Non-Melanoma"])
        #expect(try CohortFlags.whereValues("Primary, Metastasis", flag: "--where", fail: Self.fail) == ["Primary", "Metastasis"])
        #expect(try CohortFlags.whereValues("\"a, b\", c ,\"say \"\"x\"\"\"", flag: "--where", fail: Self.fail) == ["a, b", "c", "say \"x\""])
        #expect(try CohortFlags.whereValues(" \" padded \" ", flag: "--where", fail: Self.fail) == [" padded "])
        for bad in ["\"open", "a,,b", "\"a\"b", "x\"y\"", ","] {
            #expect(throws: CohortStudyError.self, "\(bad)") { try CohortFlags.whereValues(bad, flag: "--where", fail: Self.fail) }
        }
    }

    @Test func repeatedFlagsAddValues() throws {
        var f = CohortFlags()
        f.whereAttribute = ["CANCER_TYPE=Glioma", "CANCER_TYPE=\"Skin Cancer, Non-Melanoma\",Glioma", "AGE=40..60", "SAMPLE_TYPE=Primary"]
        let d = try f.apply(to: nil)
        #expect(d.population.attributes == [AttributeCondition(name: "CANCER_TYPE", values: ["Glioma", "Skin Cancer, Non-Melanoma"]),
                                            AttributeCondition(name: "AGE", min: 40, max: 60),
                                            AttributeCondition(name: "SAMPLE_TYPE", values: ["Primary"])])
        // a quoted value holding ".." is a value, not a range
        f.whereAttribute = ["NOTE=\"1..2\""]
        #expect(try f.apply(to: nil).population.attributes == [AttributeCondition(name: "NOTE", values: ["1..2"])])
    }

    @Test func closeMatchesByCasePrefixAndEditDistance() {
        let levels = ["Glioblastoma", "Glioblastoma, IDH-Wildtype", "Head and Neck Squamous Cell Carcinoma", "Oligodendroglioma"]
        #expect(CohortStudy.closeMatches("glioblastoma, idh-wildtype", in: levels) == ["Glioblastoma, IDH-Wildtype", "Glioblastoma"])
        #expect(CohortStudy.closeMatches("Glioblastma", in: levels) == ["Glioblastoma"])
        #expect(CohortStudy.closeMatches("IDH-Wildtype", in: levels) == ["Glioblastoma, IDH-Wildtype"])
        #expect(CohortStudy.closeMatches("Melanoma", in: levels).isEmpty)
        #expect(CohortStudy.editDistance("kitten", "sitting") == 3)
    }

    static func plan(_ wheres: [String]) throws -> CohortPlan {
        var f = CohortFlags()
        f.whereAttribute = wheres
        f.timeAttribute = "OS_MONTHS"; f.statusAttribute = "OS_STATUS"
        return try CohortPlan(try f.apply(to: nil), source: "flags")
    }

    /// The fixture's CANCER_TYPE_DETAILED has the value "Glioblastoma, IDH-Wildtype" (GB samples).
    @Test(arguments: StoreKind.allCases) func onTheTCGAFixture(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            let keys = try TestKeys.auditOnly()
            // quoted: the glioblastoma patients with an OS
            let quoted = try await CohortStudy.run(try Self.plan(["CANCER_TYPE_DETAILED=\"Glioblastoma, IDH-Wildtype\""]), store: store,
                                                   options: .init(keys: keys), logger: TestWarehouse.logger)
            let gb = quoted.analysis.rows.personIDs.count
            let byCode = try await CohortStudy.run(try CohortPlan(CohortDefinition(name: "GB", population: Population(tumourTypes: ["GB"]),
                                                                                    endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS")),
                                                                  source: "test"), store: store, options: .init(keys: keys), logger: TestWarehouse.logger)
            #expect(gb > 100 && gb == byCode.analysis.rows.personIDs.count)
            // repeated flags: the union (HNSC patients have a different detailed type)
            let levels = try await store.attributeLevels("CANCER_TYPE_DETAILED", logger: TestWarehouse.logger)
            let hnsc = try #require(levels.first { !$0.value.contains("Glioblastoma") }).value
            let both = try await CohortStudy.run(try Self.plan(["CANCER_TYPE_DETAILED=\"Glioblastoma, IDH-Wildtype\"", "CANCER_TYPE_DETAILED=\(hnsc)"]),
                                                 store: store, options: .init(keys: keys), logger: TestWarehouse.logger)
            #expect(both.analysis.rows.personIDs.count > gb)
            // unquoted: split on the comma → "Glioblastoma" matches nobody: an error naming attribute, value and the close match
            do {
                _ = try await CohortStudy.run(try Self.plan(["CANCER_TYPE_DETAILED=Glioblastoma, IDH-Wildtype"]), store: store,
                                              options: .init(keys: keys), logger: TestWarehouse.logger)
                Issue.record("an unmatched value ran")
            } catch let e as CohortStudyError {
                #expect(e.code == .invalidDefinition)
                #expect(e.location == "--where CANCER_TYPE_DETAILED")
                #expect(e.message.contains("\"Glioblastoma\" matches no patient"), "\(e)")
                #expect(e.message.contains("close: \"Glioblastoma, IDH-Wildtype\""), "\(e)")
                #expect(e.message.contains("double quotes"), "\(e)")
            }
            // a typo in a definition file's values: named by field
            var d = CohortDefinition(name: "typo", population: Population(attributes: [AttributeCondition(name: "SAMPLE_TYPE", values: ["Primry"])]),
                                     endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS"))
            let typo = d
            await #expect(throws: CohortStudyError.self) {
                _ = try await CohortStudy.run(try CohortPlan(typo, source: "typo.yaml"), store: store, options: .init(keys: keys), logger: TestWarehouse.logger)
            }
            d.population.attributes = [AttributeCondition(name: "NO_SUCH_ATTRIBUTE", values: ["x"])]
            do {
                _ = try await CohortStudy.run(try CohortPlan(d, source: "typo.yaml"), store: store, options: .init(keys: keys), logger: TestWarehouse.logger)
                Issue.record("an unknown attribute ran")
            } catch let e as CohortStudyError {
                #expect(e.location == "typo.yaml: population.attributes[0]" && e.message == "no patient has the attribute NO_SUCH_ATTRIBUTE")
            }
            // a value matching nobody beside one that matches (a definition written for a larger study): runs, and the report says so
            let partial = try await CohortStudy.run(try Self.plan(["SAMPLE_TYPE=Primary Solid Tumor,Primary Blood Tumor"]), store: store,
                                                    options: .init(keys: keys), logger: TestWarehouse.logger)
            #expect(partial.report.notes.contains { $0.hasPrefix("SAMPLE_TYPE value \"Primary Blood Tumor\" matches no patient of this warehouse") })
            #expect(partial.report.text().contains("Primary Blood Tumor"))
            // each rejection is in the audit log
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.filter { $0.action == "cohort.invalid" }.count == 3)
        }
    }

    /// The close matches (and the list of levels) name only levels held by at least k patients: the fixture's
    /// SAMPLE_TYPE "Metastatic" (2 patients) is close to "Metastasis" but never named; "Recurrent Solid Tumor"
    /// (10 patients) is named at k = 5, not at k = 11.
    @Test(arguments: StoreKind.allCases) func closeMatchesNameOnlyLevelsHeldByK(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            let keys = try TestKeys.auditOnly()
            // the levels and their patients, as the sample file has them
            let levels = try await store.attributeLevels("SAMPLE_TYPE", logger: TestWarehouse.logger)
            let text = try String(contentsOf: TCGAFixture.study.appendingPathComponent("data_clinical_sample.txt"), encoding: .utf8)
            let rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            let p = rows[0].firstIndex(of: "PATIENT_ID")!, t = rows[0].firstIndex(of: "SAMPLE_TYPE")!
            var byLevel: [String: Set<String>] = [:]
            for r in rows.dropFirst() { byLevel[r[t], default: []].insert(r[p]) }
            #expect(levels == byLevel.keys.sorted().map { AttributeLevel(value: $0, patients: byLevel[$0]!.count) })
            #expect(levels.first { $0.value == "Metastatic" }?.patients == 2 && levels.first { $0.value == "Recurrent Solid Tumor" }?.patients == 10)
            // without the rule, "Metastatic" would be the close match
            #expect(CohortStudy.closeMatches("Metastasis", in: levels.map(\.value)) == ["Metastatic"])
            func message(_ value: String, minimum: Int? = nil) async throws -> String {
                do {
                    _ = try await CohortStudy.run(try Self.plan(["SAMPLE_TYPE=\(value)"]), store: store,
                                                  options: .init(minimumCellCount: minimum, keys: keys), logger: TestWarehouse.logger)
                    Issue.record("\(value) matched")
                    return ""
                } catch let e as CohortStudyError {
                    #expect(e.code == .invalidDefinition && e.location == "--where SAMPLE_TYPE")
                    return e.message
                }
            }
            let m = try await message("Metastasis")
            #expect(!m.contains("Metastatic"), "\(m)")
            #expect(m == "SAMPLE_TYPE value \"Metastasis\" matches no patient; SAMPLE_TYPE has 2 values held by at least 5 patients: "
                       + "\"Primary Solid Tumor\", \"Recurrent Solid Tumor\" (values held by fewer than 5 patients are not named)", "\(m)")
            #expect(try await message("Recurrent").contains("close: \"Recurrent Solid Tumor\""))
            let strict = try await message("Recurrent", minimum: 11)
            #expect(!strict.contains("Recurrent Solid Tumor") && strict.contains("1 value held by at least 11 patients: \"Primary Solid Tumor\""), "\(strict)")
            // a value beside one that matches: the report's note names no small level either
            let partial = try await CohortStudy.run(try Self.plan(["SAMPLE_TYPE=Primary Solid Tumor,Metastasis"]), store: store,
                                                    options: .init(keys: keys), logger: TestWarehouse.logger)
            let note = try #require(partial.report.notes.first { $0.contains("\"Metastasis\"") })
            #expect(!note.contains("Metastatic"), "\(note)")
        }
    }
}
