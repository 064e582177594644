/// onco's harmonised evidence tiers (documented in `KnowledgeBase/TIERS.md`).
///
/// - T1 standard of care here: CIViC level A in the same indication (exact, KB broader, pan-cancer).
/// - T2 strong clinical evidence: level B rated ≥ 3 in the same indication, or level A in a KB-narrower
///   subtype of the case's tumour type.
/// - T3 other tumour type or weaker clinical evidence: level A/B elsewhere, level B rated < 3, level C.
/// - T4 preclinical or inferential: level D or E.
/// Resistance and 'Does Not Support' items get a tier by the same rules; their role says what they are.
public enum Tier: Int, Sendable, Hashable, Codable, Comparable, CaseIterable, CustomStringConvertible {
    case t1 = 1, t2 = 2, t3 = 3, t4 = 4
    public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "T\(rawValue)" }

    /// - Parameter source: MOAlmanac rates no item; its `Clinical trial` level (B) counts as CIViC level B
    ///   rated ≥ 3 (a prospective trial result), so it reaches T2 in the same indication (TIERS.md).
    public init(level: EvidenceLevel, rating: Int?, relation: TumourTypeRelation, source: EvidenceSource = .civic) {
        let same = relation.isSameIndication
        switch level {
        case .a:
            self = same ? .t1 : (relation == .narrower ? .t2 : .t3)
        case .b:
            let strong = source == .moalmanac || (rating ?? 0) >= 3
            self = same && strong ? .t2 : .t3
        case .c:
            self = .t3
        case .d, .e:
            self = .t4
        }
    }
    public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard s.count == 2, s.first == "T", let n = Int(s.dropFirst()), let t = Tier(rawValue: n) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad tier \(s)"))
        }
        self = t
    }
}

/// What an evidence item says about its therapy.
public enum EvidenceEffect: String, Sendable, Hashable, Codable {
    case sensitivity, reducedSensitivity = "reduced-sensitivity", resistance, adverseResponse = "adverse-response", other

    public init(significance: String) {
        switch significance.lowercased() {
        case "sensitivity/response", "sensitivity", "response", "sensitivityresponse": self = .sensitivity
        case "reduced sensitivity", "reduced_sensitivity": self = .reducedSensitivity
        case "resistance": self = .resistance
        case "adverse response", "adverse_response": self = .adverseResponse
        default: self = .other
        }
    }
}
