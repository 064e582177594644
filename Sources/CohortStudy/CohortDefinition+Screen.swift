import Foundation
import OncoCore
import Vocabulary
import Warehouse

/// A gene screen (issue #20, point 2): the study's population and endpoint, compared for every gene (or set)
/// altered in at least `minimumCarriers` patients: carriers vs genotyped non-carriers, by log-rank and Cox.
///
/// ```yaml
/// name: OS by altered gene in head and neck cancer
/// population: {tumourTypes: [HNSC]}
/// endpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS}
/// screen: {minimumCarriers: 10}            # also: classes, genes (only these), sets: [pathways] or set names
/// ```
///
/// Flags: `onco cohort screen --tumour-type HNSC --min-carriers 10 [--screen-classes truncating]
/// [--screen-genes TP53,PIK3CA] [--screen-sets pathways]`.
public struct ScreenSpec: Sendable, Hashable, Codable {
    /// Genes (sets) with fewer carriers among the analysed patients are not tested (never below the small-cell threshold).
    public var minimumCarriers: Int?
    /// Alteration classes that make a carrier (default `nonsynonymous`).
    public var classes: [String]?
    /// Only these genes (default: every gene with an alteration).
    public var genes: [String]?
    /// Screen sets instead of genes: `pathways` (the ten Sanchez-Vega pathways) and/or names of the definition's `alterationSets`.
    public var sets: [String]?
    public var passOnly: Bool?
    /// `in_frame` or `frameshift`: fusions make a carrier only with this stated frame (`CohortDefinition+FusionFrame.swift`).
    public var fusionFrame: String?

    public init(minimumCarriers: Int? = nil, classes: [String]? = nil, genes: [String]? = nil, sets: [String]? = nil, passOnly: Bool? = nil,
                fusionFrame: String? = nil) {
        self.minimumCarriers = minimumCarriers; self.classes = classes; self.genes = genes; self.sets = sets; self.passOnly = passOnly
        self.fusionFrame = fusionFrame
    }

    enum CodingKeys: String, CodingKey { case minimumCarriers, classes, genes, sets, passOnly, fusionFrame }
    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(minimumCarriers: try c.decodeIfPresent(Int.self, forKey: .minimumCarriers), classes: try c.decodeIfPresent([String].self, forKey: .classes),
                  genes: try c.decodeIfPresent([String].self, forKey: .genes), sets: try c.decodeIfPresent([String].self, forKey: .sets),
                  passOnly: try c.decodeIfPresent(Bool.self, forKey: .passOnly),
                  fusionFrame: try c.decodeIfPresent(String.self, forKey: .fusionFrame))
    }

    /// The default minimum number of carriers.
    public static let defaultMinimumCarriers = 10
}

/// A screen resolved: what makes a carrier, and the units tested (genes, or named sets of genes).
public struct ScreenPlan: Sendable {
    public let minimumCarriers: Int
    public let classes: [String]
    public let passOnly: Bool
    /// Fusions count only with this stated frame; nil: any frame, unknown included.
    public let fusionFrame: FusionFrame?
    /// nil: every gene.
    public let genes: [String]?
    /// Sets tested instead of genes (name, member genes), in order; empty for a gene screen.
    public let sets: [(name: String, genes: [String])]

    /// - Throws: `invalidDefinition` naming the field.
    init(_ d: CohortDefinition, fail: (String, String) -> CohortStudyError) throws {
        let s = d.screen ?? ScreenSpec()
        guard d.groups == nil else { throw fail("groups", "a screen makes its own groups (carriers of each gene vs the rest); remove groups") }
        guard d.design == nil else { throw fail("design", "a screen is a cohort comparison, not a target trial") }
        let m = s.minimumCarriers ?? ScreenSpec.defaultMinimumCarriers
        guard m >= 1 else { throw fail("screen.minimumCarriers", "must be 1 or more") }
        minimumCarriers = m
        for c in s.classes ?? [] where !AlterationSpec.knownClasses.contains(c) {
            throw fail("screen.classes", "unknown class \"\(c)\" (\(AlterationSpec.knownClasses.sorted().joined(separator: ", ")))")
        }
        classes = AlterationSpec(gene: "-", classes: s.classes).resolvedClasses
        passOnly = s.passOnly ?? false
        fusionFrame = try CohortPlan.fusionFrame(s.fusionFrame, classes: classes, field: "screen", fail: fail)
        if let g = s.genes {
            guard !g.isEmpty else { throw fail("screen.genes", "is empty") }
            for x in g where x.isEmpty || !x.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) {
                throw fail("screen.genes", "\"\(x)\" is not a gene symbol")
            }
            genes = g.map { $0.uppercased() }
        } else {
            genes = nil
        }
        var sets: [(name: String, genes: [String])] = []
        for name in s.sets ?? [] {
            if name.lowercased() == "pathways" {
                for p in OncogenicPathway.allCases { sets.append((p.tableName, PathwayCatalog.sanchezVega2018.genes(in: p))) }
            } else if let own = d.alterationSets?[name] {
                var genes: [String] = []
                for member in own {
                    let t = member.trimmingCharacters(in: .whitespaces)
                    guard !t.contains(" "), !t.contains(":"), !t.isEmpty else {
                        throw fail("alterationSets.\(name)", "a screened set lists genes only (\"\(member)\" is not a gene)")
                    }
                    genes.append(t.uppercased())
                }
                sets.append((name, genes))
            } else if let p = OncogenicPathway(named: name) {
                sets.append((p.tableName, PathwayCatalog.sanchezVega2018.genes(in: p)))
            } else {
                throw fail("screen.sets", "unknown set \"\(name)\" (pathways, a pathway name, or one of the definition's alterationSets)")
            }
        }
        if s.sets != nil && sets.isEmpty { throw fail("screen.sets", "is empty") }
        self.sets = sets
    }
}
