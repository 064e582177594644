import Foundation
import OncoCore
import Warehouse

/// How patients are split into the compared groups.
public enum GroupSpec: Sendable, Hashable, Codable {
    /// Each value of a variable is a group (optionally only `values`, in that order; the first is the
    /// reference). `by: variable` (alias `attribute`).
    case variable(name: String, values: [String]?)
    /// Mutated vs wild-type (reference) in one gene; patients without a specimen are left out.
    case mutation(AlterationSpec)
    /// Altered in any member of a set vs in none (reference); `by: mutation` with `genes`, `variants` or `set`.
    case alterationSet(AlterationSetSpec)
    /// Patients who received A vs B (reference) in a line (`line`), or in the first line with either;
    /// lines with both are left out.
    case therapy(a: TherapySpec, b: TherapySpec, line: Int?)
    /// The top `percent`% of a numeric variable within each level of `within` vs the rest (reference):
    /// the patients at or above R's `quantile(x, 1 − percent/100, type = quantileType)` (ties at the
    /// cut-off included).
    case top(variable: String, percent: Double, within: String?, quantileType: QuantileType = .default)
    /// The bottom `percent`%: at or below R's `quantile(x, percent/100, type = quantileType)` (ties included).
    case bottom(variable: String, percent: Double, within: String?, quantileType: QuantileType = .default)
    /// Bins of a numeric variable cut at the given values: `< c1`, `c1 – < c2`, …, `≥ ck`; the lowest is the reference.
    case cuts(variable: String, at: [Double])

    enum CodingKeys: String, CodingKey {
        case by, name, variable, attribute, values, gene, hgvsp, classes, passOnly, a, b, line, percent, within, at, quantileType, fusionFrame
        case genes, variants, set, pathway
    }

    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let by = try c.decode(String.self, forKey: .by)
        func variableName() throws -> String {
            if let n = try c.decodeIfPresent(String.self, forKey: .variable) { return n }
            if let n = try c.decodeIfPresent(String.self, forKey: .name) { return n }
            if let n = try c.decodeIfPresent(String.self, forKey: .attribute) { return "attribute:" + n }
            throw DecodingError.keyNotFound(CodingKeys.variable, DecodingError.Context(codingPath: c.codingPath,
                                                                                        debugDescription: "groups by \(by) need `variable`"))
        }
        switch by {
        case "variable", "attribute", "value":
            self = .variable(name: try variableName(), values: try c.decodeIfPresent([LooseString].self, forKey: .values)?.map(\.value))
        // (a `where` clause after two patterns would guard only the second: `alteration`)
        case "mutation" where c.contains(.genes) || c.contains(.variants) || c.contains(.set) || c.contains(.pathway),
             "alteration" where c.contains(.genes) || c.contains(.variants) || c.contains(.set) || c.contains(.pathway):
            if c.contains(.gene) || c.contains(.hgvsp) {
                throw DecodingError.dataCorruptedError(forKey: .gene, in: c, debugDescription: "give gene (one) or genes/variants/set (several), not both")
            }
            self = .alterationSet(AlterationSetSpec(genes: try c.decodeIfPresent([String].self, forKey: .genes),
                                                    variants: try c.decodeIfPresent([String].self, forKey: .variants),
                                                    classes: try c.decodeIfPresent([String].self, forKey: .classes),
                                                    set: try c.decodeIfPresent(String.self, forKey: .set) ?? c.decodeIfPresent(String.self, forKey: .pathway),
                                                    passOnly: try c.decodeIfPresent(Bool.self, forKey: .passOnly),
                                                    fusionFrame: try c.decodeIfPresent(String.self, forKey: .fusionFrame)))
        case "mutation", "alteration":
            self = .mutation(AlterationSpec(gene: try c.decode(String.self, forKey: .gene), hgvsp: try c.decodeIfPresent(String.self, forKey: .hgvsp),
                                            classes: try c.decodeIfPresent([String].self, forKey: .classes),
                                            passOnly: try c.decodeIfPresent(Bool.self, forKey: .passOnly),
                                            fusionFrame: try c.decodeIfPresent(String.self, forKey: .fusionFrame)))
        case "therapy":
            self = .therapy(a: try c.decode(TherapySpec.self, forKey: .a), b: try c.decode(TherapySpec.self, forKey: .b),
                            line: try c.decodeIfPresent(Int.self, forKey: .line))
        case "top", "bottom":
            let v = try variableName(), p = try c.decode(Double.self, forKey: .percent), w = try c.decodeIfPresent(String.self, forKey: .within)
            let q = try c.decodeIfPresent(QuantileType.self, forKey: .quantileType) ?? .default
            self = by == "top" ? .top(variable: v, percent: p, within: w, quantileType: q) : .bottom(variable: v, percent: p, within: w, quantileType: q)
        case "cuts":
            self = .cuts(variable: try variableName(), at: try c.decode([Double].self, forKey: .at))
        default:
            throw DecodingError.dataCorruptedError(forKey: .by, in: c,
                debugDescription: "unknown grouping \"\(by)\" (variable, mutation, therapy, top, bottom or cuts)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .variable(let n, let v):
            try c.encode("variable", forKey: .by); try c.encode(n, forKey: .variable); try c.encodeIfPresent(v, forKey: .values)
        case .mutation(let a):
            try c.encode("mutation", forKey: .by); try c.encode(a.gene, forKey: .gene); try c.encodeIfPresent(a.hgvsp, forKey: .hgvsp)
            try c.encodeIfPresent(a.classes, forKey: .classes); try c.encodeIfPresent(a.passOnly, forKey: .passOnly)
            try c.encodeIfPresent(a.fusionFrame, forKey: .fusionFrame)
        case .alterationSet(let s):
            try c.encode("mutation", forKey: .by); try c.encodeIfPresent(s.genes, forKey: .genes); try c.encodeIfPresent(s.variants, forKey: .variants)
            try c.encodeIfPresent(s.classes, forKey: .classes); try c.encodeIfPresent(s.set, forKey: .set); try c.encodeIfPresent(s.passOnly, forKey: .passOnly)
            try c.encodeIfPresent(s.fusionFrame, forKey: .fusionFrame)
        case .therapy(let a, let b, let line):
            try c.encode("therapy", forKey: .by); try c.encode(a, forKey: .a); try c.encode(b, forKey: .b); try c.encodeIfPresent(line, forKey: .line)
        case .top(let v, let p, let w, let q), .bottom(let v, let p, let w, let q):
            if case .top = self { try c.encode("top", forKey: .by) } else { try c.encode("bottom", forKey: .by) }
            try c.encode(v, forKey: .variable); try c.encode(p, forKey: .percent)
            // the default (R's type 7) is left implicit, so definitions written before the option keep their canonical JSON and SHA-256
            try c.encodeIfPresent(w, forKey: .within); if q != .default { try c.encode(q, forKey: .quantileType) }
        case .cuts(let v, let at):
            try c.encode("cuts", forKey: .by); try c.encode(v, forKey: .variable); try c.encode(at, forKey: .at)
        }
    }
}
