import Foundation
import OncoCore
import Reports
import Testing
import Warehouse
import _TestSupport
@testable import CohortStudy

/// Governance: projects, scope, expiry, revocation, refusals in the audit log.
@Suite struct GovernanceTests {
    static let scope = ResearchProject(id: "P-HN-01", title: "TP53 and survival in head and neck cancer",
                                       ethicsReference: "REC 24/NW/0123", tumourTypes: ["HNSC"],
                                       fields: ["tumour_type", "mutations", "OS_MONTHS", "OS_STATUS", "age"],
                                       rowLevelExport: false, expiresOn: Day(year: 2030, month: 12, day: 31))

    static func study(_ code: String = "HNSC", gene: String = "TP53", covariates: [String] = ["age"]) throws -> CohortPlan {
        try CohortPlan(CohortDefinition(name: "\(gene) in \(code)", population: Population(tumourTypes: [code]),
                                        groups: .mutation(AlterationSpec(gene: gene)),
                                        endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS"),
                                        analysis: AnalysisSpec(cox: .init(covariates: covariates.map { CovariateSpec($0) }))),
                       source: "test")
    }

    static let today = Day(year: 2026, month: 6, day: 1)

    /// Runs and returns the refusal reason (nil when it ran).
    static func refusal(_ plan: CohortPlan, _ store: any ResearchWarehouse, project: String?, today: Day = today,
                        export: Bool = false) async throws -> String? {
        do {
            _ = try await CohortStudy.run(plan, store: store, options: .init(project: project, today: today, exportRows: export),
                                          logger: TestWarehouse.logger)
            return nil
        } catch let e as CohortStudyError where e.code == .refused {
            return e.message
        }
    }

    @Test(arguments: StoreKind.allCases) func outOfScopeQueriesAreRefusedAndLogged(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store)
            _ = try await store.addProject(Self.scope, logger: TestWarehouse.logger)
            try await store.setGovernance(GovernanceSettings(enabled: true), logger: TestWarehouse.logger)

            // in scope: runs
            #expect(try await Self.refusal(Self.study(), store, project: "P-HN-01") == nil)
            // no project while governance is on
            #expect(try await Self.refusal(Self.study(), store, project: nil)?.contains("name an approved research project") == true)
            // unknown project
            #expect(try await Self.refusal(Self.study(), store, project: "P-NOPE")?.contains("not registered") == true)
            // tumour type outside the scope (GB is not under HNSC)
            let gb = try await Self.refusal(Self.study("GB", gene: "IDH1"), store, project: "P-HN-01")
            #expect(gb?.contains("tumour type GB is outside the scope of project P-HN-01") == true, "\(gb ?? "ran")")
            // a field outside the scope (sex)
            let sex = try await Self.refusal(Self.study(covariates: ["age", "sex"]), store, project: "P-HN-01")
            #expect(sex?.contains("may not use sex") == true, "\(sex ?? "ran")")
            // no tumour-type restriction with a restricted scope
            let all = try CohortPlan(CohortDefinition(name: "everyone", groups: .mutation(AlterationSpec(gene: "TP53")),
                                                      endpoint: EndpointSpec(kind: .study, time: "OS_MONTHS", status: "OS_STATUS")), source: "test")
            #expect(try await Self.refusal(all, store, project: "P-HN-01")?.contains("restrict the population") == true)
            // after expiry (the last day is still allowed)
            #expect(try await Self.refusal(Self.study(), store, project: "P-HN-01", today: Day(year: 2030, month: 12, day: 31)) == nil)
            #expect(try await Self.refusal(Self.study(), store, project: "P-HN-01", today: Day(year: 2031, month: 1, day: 1))?
                .contains("expired on 2030-12-31") == true)
            // row-level export not allowed for this project
            #expect(try await Self.refusal(Self.study(), store, project: "P-HN-01", export: true)?.contains("row-level export") == true)
            // revoked
            _ = try await store.revokeProject(id: "P-HN-01", reason: "ethics approval withdrawn", logger: TestWarehouse.logger)
            #expect(try await Self.refusal(Self.study(), store, project: "P-HN-01")?.contains("revoked") == true)

            // every attempt is in the audit log, refused ones too, and the chain is intact
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.map(\.action) == ["project.add", "governance.set", "cohort.run", "cohort.refused", "cohort.refused", "cohort.refused",
                                          "cohort.refused", "cohort.refused", "cohort.run", "cohort.refused", "cohort.refused",
                                          "project.revoke", "cohort.refused"])
            #expect(log.filter { $0.action.hasPrefix("cohort") }.allSatisfy { $0.definitionSHA256?.count == 64 })
            let v = try await store.verifyAuditLog(logger: TestWarehouse.logger)
            #expect(v.isIntact, "\(v.problems)")
            #expect(v.entries == log.count && v.recordedHead?.seq == Int64(log.count))
        }
    }

    @Test func governanceOffRunsWithoutProjectButStillLogs() async throws {
        try await withWarehouse(.sqlite) { store in
            try await TCGAFixture.importStudy(store)
            #expect(try await Self.refusal(Self.study(), store, project: nil) == nil)
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.map(\.action) == ["cohort.run"])
            #expect(log[0].detail.contains("\"analysed\":507"))
            // governance cannot be switched on with a threshold below 5
            await #expect(throws: WarehouseError.self) {
                try await store.setGovernance(GovernanceSettings(enabled: true, minimumCellCount: 3), logger: TestWarehouse.logger)
            }
            // nor can a real (non-synthetic) warehouse lower the threshold for one query
            let r = try await Self.refusal(Self.study(), store, project: nil, today: Self.today, export: false)
            #expect(r == nil)
            do {
                _ = try await CohortStudy.run(try Self.study(), store: store, options: .init(minimumCellCount: 2), logger: TestWarehouse.logger)
                Issue.record("lowering the minimum cell count on real data was allowed")
            } catch let e as CohortStudyError {
                #expect(e.code == .refused && e.message.contains("cannot be lowered"))
            }
        }
    }

    @Test func projectsAreValidatedAndNeverReplaced() async throws {
        try await withWarehouse(.sqlite) { store in
            _ = try await store.addProject(Self.scope, logger: TestWarehouse.logger)
            await #expect(throws: WarehouseError.self) { _ = try await store.addProject(Self.scope, logger: TestWarehouse.logger) }
            var bad = Self.scope
            bad.id = "P 1"
            await #expect(throws: WarehouseError.self) { _ = try await store.addProject(bad, logger: TestWarehouse.logger) }
            bad = Self.scope
            bad.id = "P2"
            bad.ethicsReference = " "
            await #expect(throws: WarehouseError.self) { _ = try await store.addProject(bad, logger: TestWarehouse.logger) }
            let p = try #require(try await store.project(id: "P-HN-01", logger: TestWarehouse.logger))
            #expect(p.tumourTypes == ["HNSC"] && p.fields == Self.scope.fields && p.expiresOn == Self.scope.expiresOn && p.revokedAt == nil)
        }
    }

    @Test func scopeCoversOncoTreeDescendants() throws {
        let nsclc = ResearchProject(id: "P-L", title: "lung", ethicsReference: "REC 1", tumourTypes: ["NSCLC"], fields: ["*"],
                                    rowLevelExport: true, expiresOn: Day(year: 2030, month: 1, day: 1))
        func plan(_ code: String) throws -> CohortPlan {
            try CohortPlan(CohortDefinition(name: "x", population: Population(tumourTypes: [code])), source: "test")
        }
        let settings = GovernanceSettings(enabled: true)
        #expect(GovernancePolicy.refusal(plan: try plan("LUAD"), projectID: "P-L", project: nsclc, settings: settings, today: Self.today, exportRows: true) == nil)
        #expect(GovernancePolicy.refusal(plan: try plan("NSCLC"), projectID: "P-L", project: nsclc, settings: settings, today: Self.today, exportRows: false) == nil)
        #expect(GovernancePolicy.refusal(plan: try plan("LUNG"), projectID: "P-L", project: nsclc, settings: settings, today: Self.today, exportRows: false) != nil)
        #expect(GovernancePolicy.refusal(plan: try plan("SKCM"), projectID: "P-L", project: nsclc, settings: settings, today: Self.today, exportRows: false) != nil)
        // the plan expands NSCLC to its OncoTree descendants for the query
        #expect(try plan("NSCLC").criteria.tumourTypes.contains("LUAD"))
    }
}
