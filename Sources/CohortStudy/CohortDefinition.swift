import Foundation
import OncoCore
import Warehouse

/// A cohort outcome study: who (population), compared how (groups), on what outcome (endpoint), with
/// which analyses. Written as JSON or YAML (`Cohorts/studies/`), or built from `onco cohort` flags.
///
/// ```yaml
/// name: TP53 mutation and overall survival in head and neck cancer
/// population: {tumourTypes: [HNSC]}            # OncoTree codes, descendants included
/// groups: {by: mutation, gene: TP53}           # wild-type (reference) vs mutated
/// endpoint: {kind: study, time: OS_MONTHS, status: OS_STATUS, unit: months}
/// analysis: {cox: {covariates: [age]}}
/// ```
///
/// Variables (in `groups`, `covariates`, `strata`, `within`): `tumour_type`, `age`, `sex`, `stage`,
/// `tmb`, `diagnosis_year`, `altered:GENE`, or the name of any imported clinical attribute
/// (`attribute:NAME` when the name collides with a built-in one).
public struct CohortDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var population: Population
    /// nil: one group, everyone.
    public var groups: GroupSpec?
    public var endpoint: EndpointSpec
    public var analysis: AnalysisSpec
    /// The unit of every time shown (default: months).
    public var timeUnit: TimeUnit?
    /// Drug classes defined by the study, class name → generic drug names (added to `DrugClasses.builtIn`).
    public var drugClasses: [String: [String]]?
    /// Raise the small-cell threshold for this study (it never goes below the warehouse's).
    public var minimumCellCount: Int?
    /// nil: a cohort comparison; or an emulated target trial (`CohortDefinition+TargetTrial.swift`).
    public var design: DesignSpec?
    /// Alteration sets defined by the study, name → members (`CohortDefinition+AlterationSets.swift`); absent
    /// when unused, so definitions written before keep their canonical JSON and SHA-256.
    public var alterationSets: [String: [String]]?
    /// A gene screen (`onco cohort screen`, `CohortDefinition+Screen.swift`); absent for other studies.
    public var screen: ScreenSpec?

    public init(name: String, description: String? = nil, population: Population = Population(), groups: GroupSpec? = nil,
                endpoint: EndpointSpec = EndpointSpec(), analysis: AnalysisSpec = AnalysisSpec(), timeUnit: TimeUnit? = nil,
                drugClasses: [String: [String]]? = nil, minimumCellCount: Int? = nil, design: DesignSpec? = nil,
                alterationSets: [String: [String]]? = nil, screen: ScreenSpec? = nil) {
        self.name = name; self.description = description; self.population = population; self.groups = groups
        self.endpoint = endpoint; self.analysis = analysis; self.timeUnit = timeUnit; self.drugClasses = drugClasses
        self.minimumCellCount = minimumCellCount; self.design = design; self.alterationSets = alterationSets
        self.screen = screen
    }

    enum CodingKeys: String, CodingKey {
        case name, description, population, groups, endpoint, analysis, timeUnit, drugClasses, minimumCellCount, design, alterationSets, screen
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try Self.rejectUnknownKeys(decoder, known: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        population = try c.decodeIfPresent(Population.self, forKey: .population) ?? Population()
        groups = try c.decodeIfPresent(GroupSpec.self, forKey: .groups)
        endpoint = try c.decodeIfPresent(EndpointSpec.self, forKey: .endpoint) ?? EndpointSpec()
        analysis = try c.decodeIfPresent(AnalysisSpec.self, forKey: .analysis) ?? AnalysisSpec()
        timeUnit = try c.decodeIfPresent(TimeUnit.self, forKey: .timeUnit)
        drugClasses = try c.decodeIfPresent([String: [String]].self, forKey: .drugClasses)
        minimumCellCount = try c.decodeIfPresent(Int.self, forKey: .minimumCellCount)
        design = try c.decodeIfPresent(DesignSpec.self, forKey: .design)
        alterationSets = try c.decodeIfPresent([String: [String]].self, forKey: .alterationSets)
        screen = try c.decodeIfPresent(ScreenSpec.self, forKey: .screen)
    }

    /// Throws a `DecodingError` naming the first key of the object that `known` does not list (typos
    /// in a definition must not be ignored silently).
    static func rejectUnknownKeys<K: CodingKey & RawRepresentable>(_ decoder: any Decoder, known: K.Type) throws where K.RawValue == String {
        let all = try decoder.container(keyedBy: AnyKey.self)
        for k in all.allKeys where K(rawValue: k.stringValue) == nil {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: all.codingPath + [k],
                                                                    debugDescription: "unknown key \"\(k.stringValue)\""))
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

/// A unit of time.
public enum TimeUnit: String, Sendable, Hashable, Codable, CaseIterable {
    case days, months, years
    /// Days per unit (a month is 30.4375 days, a year 365.25, as cBioPortal converts).
    public var days: Double {
        switch self {
        case .days: return 1
        case .months: return 30.4375
        case .years: return 365.25
        }
    }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let u = TimeUnit(parsing: s) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath,
                                                                    debugDescription: "unknown time unit \"\(s)\" (days, months or years)"))
        }
        self = u
    }

    public init?(parsing s: String) {
        switch s.lowercased() {
        case "d", "day", "days": self = .days
        case "m", "mo", "month", "months": self = .months
        case "y", "yr", "year", "years": self = .years
        default: return nil
        }
    }
}

/// A length of time such as `90 days`, `6 months`, `1 year` (or `6m`, `90d`).
public struct TimeSpan: Sendable, Hashable, Codable, CustomStringConvertible {
    public var value: Double
    public var unit: TimeUnit
    public init(_ value: Double, _ unit: TimeUnit) { self.value = value; self.unit = unit }

    public init?(parsing text: String) {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        var i = s.startIndex
        while i < s.endIndex, s[i].isNumber || s[i] == "." { i = s.index(after: i) }
        guard let v = Double(s[..<i]), v >= 0, v.isFinite,
              let u = TimeUnit(parsing: s[i...].trimmingCharacters(in: .whitespaces)) else { return nil }
        value = v; unit = u
    }

    public var days: Double { value * unit.days }
    public var description: String { "\(Self.number(value)) \(unit.rawValue)" }
    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = (try? c.decode(String.self)) ?? ""
        guard let d = TimeSpan(parsing: s) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath,
                                                                    debugDescription: "not a duration such as \"90 days\", \"6 months\" or \"1 year\""))
        }
        self = d
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
