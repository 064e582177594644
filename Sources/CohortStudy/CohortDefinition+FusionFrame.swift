import Foundation
import OncoCore
import Warehouse

// A fusion's reading frame as a cohort condition (issue #21; the frame is stored by migration 0013 in
// `onco_somatic_variant.fusion_frame` from cBioPortal's `Site2_Effect_On_Frame` or `Event_Info`):
//
// ```yaml
// population:
//   alterations:
//     - {gene: ALK, classes: [fusion], fusionFrame: in_frame}          # ALK fusions stated in frame
//     - {genes: [ALK, ROS1], classes: [fusion], fusionFrame: in_frame}   # a set: each member's fusions
// groups: {by: mutation, gene: ALK, classes: [fusion], fusionFrame: frameshift}
// screen: {classes: [fusion], fusionFrame: in_frame}
// ```
//
// Flag: `--fusion-frame in_frame|frameshift`, applied to the alteration conditions the same command line writes
// (`--altered`, `--wild-type`, `--group-by mutation:...`, the screen) whose classes count fusions.
// Fusions whose frame the source did not state never match a frame; other alteration rows are unaffected.

extension FusionFrame {
    /// The allowed spellings, for error messages: `in_frame, frameshift`.
    static let allowedText = allCases.map(\.rawValue).joined(separator: ", ")

    /// `in-frame` / `frameshift`, as reports say it.
    var words: String { self == .inFrame ? "in-frame" : "frameshift" }

    /// The words of a definition's value, nil when absent or not a frame (the plan rejects those).
    static func words(_ text: String?) -> String? { text.flatMap { FusionFrame(rawValue: $0.lowercased()) }?.words }
}

extension CohortPlan {
    /// A definition's `fusionFrame` checked: nil when absent; `in_frame` or `frameshift` (any case); only where the
    /// classes (`resolved`) count fusions.
    /// - Throws: `invalidDefinition` at `FIELD.fusionFrame` naming the value and the allowed ones.
    static func fusionFrame(_ text: String?, classes resolved: [String], field: String,
                            fail: (String, String) -> CohortStudyError) throws -> FusionFrame? {
        guard let text else { return nil }
        guard let frame = FusionFrame(rawValue: text.lowercased()) else {
            throw fail("\(field).fusionFrame", "unknown value \"\(text)\" (allowed: \(FusionFrame.allowedText))")
        }
        guard resolved.contains("fusion") else {
            throw fail("\(field).fusionFrame", "\"\(text)\" applies to fusions, but the classes (\(resolved.joined(separator: ", "))) do not count fusions")
        }
        return frame
    }

    /// True when any condition of the plan (population, groups, screen) keeps fusions of one frame only.
    var filtersFusionFrame: Bool {
        if case .mutation(let a)? = definition.groups, a.fusionFrame != nil { return true }
        if screen?.fusionFrame != nil { return true }
        if criteria.alterations.contains(where: { $0.fusionFrame != nil }) { return true }
        if setMembers.contains(where: { $0.filter.fusionFrame != nil }) { return true }
        return criteria.alterationSets.contains { $0.members.contains { $0.fusionFrame != nil } }
    }

    /// The methods sentence for a frame filter.
    static let fusionFrameMethod = "Fusion frame: a frame condition keeps fusions whose reading frame the source stated "
        + "(cBioPortal Site2_Effect_On_Frame, else Event_Info); fusions of unknown frame never match a frame condition, "
        + "and other alterations of the gene are unaffected"
}

extension CohortFlags {
    /// `--fusion-frame`: sets the frame on the conditions these flags wrote (population, grouping, screen) whose
    /// classes count fusions.
    /// - Throws: for a value other than `in_frame`/`frameshift`, or when no such condition counts fusions.
    func applyFusionFrame(to d: inout CohortDefinition, population before: Population) throws {
        guard let fusionFrame else { return }
        guard let frame = FusionFrame(rawValue: fusionFrame.lowercased()) else {
            throw fail("--fusion-frame", "unknown value \"\(fusionFrame)\" (allowed: \(FusionFrame.allowedText))")
        }
        func counts(_ classes: [String]?) -> Bool { AlterationSpec(gene: "-", classes: classes).resolvedClasses.contains("fusion") }
        func setCounts(_ s: AlterationSetSpec) -> Bool {
            counts(s.classes) || ((s.genes ?? []) + (s.variants ?? [])).contains { $0.lowercased().hasPrefix("fusion:") }
        }
        var applied = 0
        var p = d.population
        for i in before.alterations.count..<p.alterations.count where counts(p.alterations[i].classes) {
            p.alterations[i].fusionFrame = frame.rawValue; applied += 1
        }
        for i in before.alterationSets.count..<p.alterationSets.count where setCounts(p.alterationSets[i]) {
            p.alterationSets[i].fusionFrame = frame.rawValue; applied += 1
        }
        d.population = p
        if groupBy != nil {
            switch d.groups {
            case .mutation(var a)? where counts(a.classes): a.fusionFrame = frame.rawValue; d.groups = .mutation(a); applied += 1
            case .alterationSet(var s)? where setCounts(s): s.fusionFrame = frame.rawValue; d.groups = .alterationSet(s); applied += 1
            default: break
            }
        }
        if screen || !screenClasses.isEmpty, var s = d.screen, counts(s.classes) {
            s.fusionFrame = frame.rawValue; d.screen = s; applied += 1
        }
        guard applied > 0 else {
            throw fail("--fusion-frame", "no alteration condition of these flags counts fusions (give --altered fusion:GENE, "
                       + "--group-by mutation:GENE:fusion or --screen-classes fusion)")
        }
    }
}
