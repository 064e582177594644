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
    static func refusal(_ plan: CohortPlan, _ store: Warehouse, project: String?, today: Day = today,
                        export: Bool = false) async throws -> String? {
        do {
            _ = try await CohortStudy.run(plan, store: store, options: .init(project: project, today: today, exportRows: export,
                                                                             keys: try TestKeys.auditOnly()),
                                          logger: TestWarehouse.logger)
            return nil
        } catch let e as CohortStudyError where e.code == .refused {
            return e.message
        }
    }

    @Test(arguments: StoreKind.allCases) func outOfScopeQueriesAreRefusedAndLogged(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store, governed: true)
            // a real dataset starts governed
            #expect(try await store.governanceSettings(logger: TestWarehouse.logger) == GovernanceSettings(enabled: true, minimumCellCount: 5))
            let keys = try TestKeys.both()
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            _ = try await store.addProject(Self.scope, keys: keys, logger: TestWarehouse.logger)
            try await store.setGovernance(GovernanceSettings(enabled: true), keys: keys, logger: TestWarehouse.logger)

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
            _ = try await store.revokeProject(id: "P-HN-01", reason: "ethics approval withdrawn", keys: keys, logger: TestWarehouse.logger)
            #expect(try await Self.refusal(Self.study(), store, project: "P-HN-01")?.contains("revoked") == true)

            // every attempt is in the audit log, refused ones too, and the chain is intact
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.map(\.action) == ["governance.init", "keys.init", "project.add", "governance.set", "cohort.run", "cohort.refused", "cohort.refused", "cohort.refused",
                                          "cohort.refused", "cohort.refused", "cohort.run", "cohort.refused", "cohort.refused",
                                          "project.revoke", "cohort.refused"])
            #expect(log.filter { $0.action.hasPrefix("cohort") }.allSatisfy { $0.definitionSHA256?.count == 64 })
            let v = try await store.verifyAuditLog(keys: keys, checkpoint: nil, logger: TestWarehouse.logger)
            #expect(v.isIntact && v.macsChecked, "\(v.problems)")
            #expect(v.entries == log.count && v.recordedHead?.seq == Int64(log.count))
        }
    }

    @Test func governanceOffRunsWithoutProjectButStillLogs() async throws {
        try await withWarehouse(.sqlite) { store in
            try await TCGAFixture.importStudy(store)
            #expect(try await Self.refusal(Self.study(), store, project: nil) == nil)
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.map(\.action) == ["governance.init", "keys.init", "governance.set", "cohort.run"])
            #expect(log[3].detail.contains("\"analysed\":505"))   // 507, rounded as the report shows it
            // governance cannot be switched on with a threshold below 5
            await #expect(throws: WarehouseError.self) {
                try await store.setGovernance(GovernanceSettings(enabled: true, minimumCellCount: 3), keys: try TestKeys.both(), logger: TestWarehouse.logger)
            }
            // nor can a real (non-synthetic) warehouse lower the threshold for one query
            let r = try await Self.refusal(Self.study(), store, project: nil, today: Self.today, export: false)
            #expect(r == nil)
            do {
                _ = try await CohortStudy.run(try Self.study(), store: store, options: .init(minimumCellCount: 2, keys: try TestKeys.auditOnly()),
                                              logger: TestWarehouse.logger)
                Issue.record("lowering the minimum cell count on real data was allowed")
            } catch let e as CohortStudyError {
                #expect(e.code == .refused && e.message.contains("cannot be lowered"))
            }
        }
    }

    @Test func projectsAreValidatedAndNeverReplaced() async throws {
        try await withWarehouse(.sqlite) { store in
            let keys = try TestKeys.both()
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            _ = try await store.addProject(Self.scope, keys: keys, logger: TestWarehouse.logger)
            await #expect(throws: WarehouseError.self) { _ = try await store.addProject(Self.scope, keys: keys, logger: TestWarehouse.logger) }
            var bad = Self.scope
            bad.id = "P 1"
            await #expect(throws: WarehouseError.self) { _ = try await store.addProject(bad, keys: keys, logger: TestWarehouse.logger) }
            bad = Self.scope
            bad.id = "P2"
            bad.ethicsReference = " "
            await #expect(throws: WarehouseError.self) { _ = try await store.addProject(bad, keys: keys, logger: TestWarehouse.logger) }
            let p = try #require(try await store.project(id: "P-HN-01", logger: TestWarehouse.logger))
            #expect(p.tumourTypes == ["HNSC"] && p.fields == Self.scope.fields && p.expiresOn == Self.scope.expiresOn && p.revokedAt == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func administrationNeedsTheAdministratorKey(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store, governed: true)
            let keys = try TestKeys.both()
            let wrong = GovernanceKeys(admin: try GovernanceSecret("another-admin-key-0000000000000000000000", source: "wrong key"), audit: keys.audit)
            func denied(_ body: () async throws -> Void) async -> String? {
                do { try await body(); return nil } catch let e as GovernanceError where e.code == .notAdministrator { return e.message } catch { return "\(error)" }
            }
            // before any key is registered, nothing administrative is possible
            #expect(await denied { _ = try await store.addProject(Self.scope, keys: keys, logger: TestWarehouse.logger) }?.contains("onco project keys init") == true)
            #expect(await denied { try await store.setGovernance(GovernanceSettings(enabled: false), keys: keys, logger: TestWarehouse.logger) } != nil)
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            #expect(await denied { _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger) }?.contains("already registered") == true)
            // no key, or the wrong key: refused (and the key never appears in the message)
            let auditOnly = try TestKeys.auditOnly()
            let off = await denied { try await store.setGovernance(GovernanceSettings(enabled: false), keys: auditOnly, logger: TestWarehouse.logger) }
            #expect(off?.contains("turning governance off needs the administrator key") == true, "\(off ?? "allowed")")
            let wrongOff = await denied { try await store.setGovernance(GovernanceSettings(enabled: false), keys: wrong, logger: TestWarehouse.logger) }
            #expect(wrongOff?.contains("is not this warehouse's") == true && wrongOff?.contains("another-admin-key") == false)
            #expect(await denied { try await store.setGovernance(GovernanceSettings(enabled: true, minimumCellCount: 4), keys: auditOnly, logger: TestWarehouse.logger) } != nil)
            #expect(await denied { _ = try await store.addProject(Self.scope, keys: auditOnly, logger: TestWarehouse.logger) }?.contains("registering") == true)
            // raising the minimum needs no administrator; lowering it back does
            try await store.setGovernance(GovernanceSettings(enabled: true, minimumCellCount: 10), keys: auditOnly, logger: TestWarehouse.logger)
            #expect(await denied { try await store.setGovernance(GovernanceSettings(enabled: true, minimumCellCount: 5), keys: auditOnly, logger: TestWarehouse.logger) }?
                .contains("lowering the minimum cell count") == true)
            // with the key: allowed and audited
            try await store.setGovernance(GovernanceSettings(enabled: true, minimumCellCount: 5), keys: keys, logger: TestWarehouse.logger)
            try await store.setGovernance(GovernanceSettings(enabled: false), keys: keys, logger: TestWarehouse.logger)
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.map(\.action) == ["governance.init", "keys.init", "governance.set", "governance.set", "governance.set"])
            #expect(log.last?.detail.contains("\"enabled\":false") == true && log.last?.detail.contains("\"previouslyEnabled\":true") == true)
            #expect(try await store.verifyAuditLog(keys: auditOnly, checkpoint: nil, logger: TestWarehouse.logger).isIntact)
        }
    }

    @Test(arguments: StoreKind.allCases) func carePurposesAndProjectsAuthoriseOtherQueries(kind: StoreKind) async throws {
        try await withWarehouse(kind) { store in
            try await TCGAFixture.importStudy(store, governed: true)
            let keys = try TestKeys.both()
            _ = try await store.initialiseKeys(keys, logger: TestWarehouse.logger)
            _ = try await store.addProject(Self.scope, keys: keys, logger: TestWarehouse.logger)
            let board = ResearchProject.carePurpose(id: "TB-HN", board: "Head and neck tumour board", approvedBy: "Dr A. Chair, clinical lead",
                                                    outputs: [.aggregates, .neighbours], tumourTypes: ["*"], expiresOn: Day(year: 2030, month: 1, day: 1))
            _ = try await store.addProject(board, keys: keys, logger: TestWarehouse.logger)
            let stored = try #require(try await store.project(id: "TB-HN", logger: TestWarehouse.logger))
            #expect(stored.kind == .care && stored.approvedBy == board.approvedBy && stored.outputs == [.aggregates, .neighbours])
            let audit = try TestKeys.auditOnly()
            func refusal(_ r: AccessRequest) async throws -> String? {
                do { _ = try await store.authorise(r, keys: audit, logger: TestWarehouse.logger); return nil }
                catch let e as GovernanceError where e.code == .refused { return e.message }
            }
            let hash = String(repeating: "c", count: 64)
            #expect(try await refusal(AccessRequest(command: "similar", authorisation: nil, outputs: [.neighbours], caseSHA256: hash, today: Self.today))?
                .contains("name an approved research project (--project) or clinical-care purpose (--purpose)") == true)
            let grant = try await store.authorise(AccessRequest(command: "similar", authorisation: "TB-HN", kind: .care, outputs: [.neighbours, .aggregates],
                                                                caseSHA256: hash, today: Self.today), keys: audit, logger: TestWarehouse.logger)
            #expect(grant.minimumCellCount == 5 && grant.authorisation?.id == "TB-HN")
            let entry = try await store.recordAccess(grant, shown: ["neighbours": .int(50), "deaths": .string("<5")], keys: audit, logger: TestWarehouse.logger)
            #expect(entry.action == "similar.run" && entry.projectID == "TB-HN" && entry.detail.contains(hash) && entry.detail.contains("\"deaths\":\"<5\""))
            // a research project without row-level export may not list neighbours, nor read every tumour type
            #expect(try await refusal(AccessRequest(command: "similar", authorisation: "P-HN-01", kind: .research, outputs: [.neighbours],
                                                    tumourTypes: ["HNSC"], today: Self.today))?.contains("may not show neighbours") == true)
            #expect(try await refusal(AccessRequest(command: "warehouse.stats", authorisation: "P-HN-01", kind: .research, outputs: [.aggregates],
                                                    today: Self.today))?.contains("reads every tumour type") == true)
            #expect(try await refusal(AccessRequest(command: "recommend", authorisation: "P-HN-01", kind: .research, outputs: [.aggregates],
                                                    tumourTypes: ["HNSC"], today: Self.today)) == nil)
            // the wrong flag for the kind, expiry, a lowered minimum
            #expect(try await refusal(AccessRequest(command: "recommend", authorisation: "TB-HN", kind: .research, outputs: [.aggregates], today: Self.today))?
                .contains("not a research project") == true)
            #expect(try await refusal(AccessRequest(command: "recommend", authorisation: "TB-HN", kind: .care, outputs: [.aggregates],
                                                    today: Day(year: 2030, month: 1, day: 2)))?.contains("expired") == true)
            #expect(try await refusal(AccessRequest(command: "warehouse.stats", authorisation: "TB-HN", kind: .care, outputs: [.aggregates],
                                                    minimumCellCount: 1, today: Self.today))?.contains("cannot be lowered") == true)
            // a care purpose cannot run a cohort study
            #expect(try await Self.refusal(Self.study(), store, project: "TB-HN")?.contains("clinical-care purpose") == true)
            let log = try await store.auditLog(logger: TestWarehouse.logger)
            #expect(log.filter { $0.action.hasSuffix(".refused") }.count == 7)
            #expect(log.allSatisfy { !$0.detail.contains("TCGA-") })
            #expect(try await store.verifyAuditLog(keys: audit, checkpoint: nil, logger: TestWarehouse.logger).isIntact)
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
