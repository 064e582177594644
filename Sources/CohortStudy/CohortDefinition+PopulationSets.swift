import Foundation
import OncoCore
import Warehouse

// Selecting a population by an alteration set (issue #20, point 1: "group *or select* by any of several genes"):
// an entry of `population.alterations` with `genes`, `variants` or `set` (alias `pathway`) keeps the patients
// altered in any member (`status: wildtype`: the genotyped patients altered in none), with members written as for a
// set grouping (`CohortDefinition+AlterationSets.swift`):
//
// ```yaml
// population:
//   tumourTypes: [GB]
//   alterations:
//     - {genes: [IDH1, IDH2]}                          # IDH1 or IDH2 mutated
//     - {set: RTK-RAS, status: wildtype}               # and none of the RTK-RAS pathway's genes
//     - {gene: TP53}                                   # and TP53 mutated (one gene, as before)
// ```
//
// Flags, the same family as one gene: `--altered 'IDH1|IDH2'`, `--altered 'KRAS|cna:CDKN2A|fusion:ALK'`,
// `--altered set:NAME` / `pathway:NAME`, `--wild-type 'IDH1|IDH2'`; each flag is one condition, all must hold.
// The warehouse evaluates each set as one `AlterationSetFilter` (a UNION of the members' index probes).

/// One entry of `population.alterations` as written: a one-gene condition or an alteration set.
struct PopulationAlteration: Codable {
    var one: AlterationSpec?
    var set: AlterationSetSpec?
    init(one: AlterationSpec) { self.one = one }
    init(set: AlterationSetSpec) { self.set = set }

    enum CodingKeys: String, CodingKey { case gene, hgvsp, classes, passOnly, status, genes, variants, set, pathway, fusionFrame }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.genes) || c.contains(.variants) || c.contains(.set) || c.contains(.pathway) else {
            one = try AlterationSpec(from: decoder)
            return
        }
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        if c.contains(.gene) || c.contains(.hgvsp) {
            throw DecodingError.dataCorruptedError(forKey: .gene, in: c, debugDescription: "give gene (one) or genes/variants/set (any of several), not both")
        }
        set = AlterationSetSpec(genes: try c.decodeIfPresent([String].self, forKey: .genes),
                                variants: try c.decodeIfPresent([String].self, forKey: .variants),
                                classes: try c.decodeIfPresent([String].self, forKey: .classes),
                                set: try c.decodeIfPresent(String.self, forKey: .set) ?? c.decodeIfPresent(String.self, forKey: .pathway),
                                passOnly: try c.decodeIfPresent(Bool.self, forKey: .passOnly),
                                status: try c.decodeIfPresent(String.self, forKey: .status),
                                fusionFrame: try c.decodeIfPresent(String.self, forKey: .fusionFrame))
    }

    func encode(to encoder: any Encoder) throws {
        if let one { try one.encode(to: encoder) } else if let set { try set.encode(to: encoder) }
    }
}

extension CohortFlags {
    /// One `--altered` (`status` mutated) or `--wild-type` (`status` wildtype) flag, added to the population:
    /// `set:NAME`/`pathway:NAME` and `A|B[:classes]` are alteration sets; `cna:GENE`, `amp:GENE`, `del:GENE`,
    /// `fusion:GENE` a gene-level alteration of one gene; anything else `GENE[:classes|:p.X]` as before.
    static func addAlteration(_ text: String, status: String, flag: String, to p: inout Population,
                              fail: (String, String) -> CohortStudyError) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        let lower = t.lowercased()
        if lower.hasPrefix("set:") || lower.hasPrefix("pathway:") {
            let name = String(t.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw fail(flag, "\"\(text)\" names no set") }
            p.alterationSets.append(AlterationSetSpec(set: name, status: status))
        } else if t.contains("|") {
            var s = try alterationSet(t, flag: flag, fail: fail)
            s.status = status
            p.alterationSets.append(s)
        } else if let colon = t.firstIndex(of: ":"), let kinds = Self.geneLevelKinds[t[..<colon].lowercased()] {
            let gene = t[t.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !gene.isEmpty else { throw fail(flag, "\"\(text)\" names no gene") }
            p.alterations.append(AlterationSpec(gene: gene.uppercased(), classes: kinds, status: status))
        } else {
            p.alterations.append(try alteration(t, status: status, flag: flag, fail: fail))
        }
    }

    /// The gene-level member prefixes and the alteration kinds they stand for.
    static let geneLevelKinds: [String: [String]] = ["cna": ["amplification", "deletion"], "amp": ["amplification"],
                                                     "del": ["deletion"], "fusion": ["fusion"]]
}

extension CohortPlan {
    /// `mutated` (also `altered`, `present`; the default) → true, `wildtype` (`wild-type`, `absent`) → false.
    static func isPresent(_ status: String?, field: String, fail: (String, String) -> CohortStudyError) throws -> Bool {
        switch (status ?? "mutated").lowercased() {
        case "mutated", "altered", "present": return true
        case "wildtype", "wild-type", "absent": return false
        default: throw fail("\(field).status", "must be mutated or wildtype")
        }
    }

    /// The population's alteration sets resolved: their members (labels and filters) and the warehouse conditions.
    static func populationSets(_ d: CohortDefinition, fail: (String, String) -> CohortStudyError) throws
        -> (members: [[AlterationSetSpec.Member]], filters: [AlterationSetFilter]) {
        var members: [[AlterationSetSpec.Member]] = [], filters: [AlterationSetFilter] = []
        for (name, m) in d.alterationSets ?? [:] where name.isEmpty || m.isEmpty {
            throw fail("alterationSets", "set \"\(name)\" needs a name and at least one member")
        }
        for s in d.population.alterationSets {
            let field = "population.alterations[\(s.name)]"
            let ms = try s.members(sets: d.alterationSets ?? [:], field: field, fail: fail)
            members.append(ms)
            filters.append(AlterationSetFilter(members: ms.map(\.filter), present: try isPresent(s.status, field: field, fail: fail)))
        }
        return (members, filters)
    }

    /// `IDH1|IDH2 altered (any of IDH1, IDH2)`, `RTK-RAS wild-type (none of KRAS, …; patients with a sequenced specimen)`.
    static func populationSetText(_ s: AlterationSetSpec, members: [AlterationSetSpec.Member]) -> String {
        let names = members.prefix(12).map(\.label).joined(separator: ", ") + (members.count > 12 ? " and \(members.count - 12) more" : "")
        let present = (try? isPresent(s.status, field: "", fail: { a, b in CohortStudyError(.invalidDefinition, a, b) })) ?? true
        return present ? "\(s.label) altered (any of \(names))"
                       : "\(s.label) wild-type (none of \(names); patients with a sequenced specimen)"
    }
}
