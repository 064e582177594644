import Foundation
import OncoCore
import Vocabulary
import Warehouse

/// Whether a study may run under a project: the governance rules of onco's cohort queries.
///
/// With governance on (`GovernanceSettings.enabled`), a study must name a registered project that is
/// not revoked, not expired (`expiresOn` is the last allowed day), whose scope covers every tumour
/// type of the population (an OncoTree code of the scope covers its descendants; a population
/// without a tumour-type restriction needs the scope `*`) and every field the study uses
/// (`CohortPlan.fields`; `*` allows all), and that allows row-level export when rows are exported.
/// A named project is checked the same way when governance is off.
public enum GovernancePolicy {
    /// The reason the study is refused, or nil when it may run.
    public static func refusal(plan: CohortPlan, projectID: String?, project: ResearchProject?, settings: GovernanceSettings,
                               today: Day, exportRows: Bool, hierarchy: TumourTypeHierarchy = .embedded) -> String? {
        guard let projectID else {
            return settings.enabled ? "governance is on in this warehouse: name an approved research project (--project)" : nil
        }
        guard let p = project else { return "project \(projectID) is not registered in this warehouse" }
        if p.kind != .research {
            return "\(p.id) is a clinical-care purpose; cohort studies are research and need a research project (--project)"
        }
        if let r = p.revokedAt {
            return "project \(p.id) was revoked (\(r.prefix(10)))" + (p.revokedReason.map { ": \($0)" } ?? "")
        }
        if today > p.expiresOn { return "project \(p.id) expired on \(p.expiresOn.iso)" }
        if !p.tumourTypes.contains("*") {
            let scope = p.tumourTypes.map { $0.uppercased() }
            if plan.tumourTypesAsGiven.isEmpty {
                return "project \(p.id) may study only \(scope.joined(separator: ", ")): restrict the population to those tumour types"
            }
            for code in plan.tumourTypesAsGiven where !covered(code, by: scope, hierarchy: hierarchy) {
                return "tumour type \(code) is outside the scope of project \(p.id) (\(scope.joined(separator: ", ")))"
            }
        }
        if !p.fields.contains("*") {
            let allowed = Set(p.fields)
            let missing = plan.fields.subtracting(allowed).sorted()
            if !missing.isEmpty {
                return "project \(p.id) may not use \(missing.joined(separator: ", ")) (its fields: \(p.fields.sorted().joined(separator: ", ")))"
            }
        }
        if exportRows && !p.rowLevelExport { return "project \(p.id) does not allow row-level export" }
        return nil
    }

    /// True when `code` is one of `scope` or a descendant of one in the OncoTree.
    public static func covered(_ code: String, by scope: [String], hierarchy: TumourTypeHierarchy) -> Bool {
        if scope.contains(code) { return true }
        guard let id = hierarchy.id(of: OncoTreeCode(code)) else { return false }
        for s in scope {
            if let sid = hierarchy.id(of: OncoTreeCode(s)), hierarchy.isDescendant(id, of: sid) { return true }
        }
        return false
    }
}
