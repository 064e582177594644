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

/// Who is in the study. Every given criterion must hold.
public struct Population: Sendable, Hashable, Codable {
    /// OncoTree codes; descendants are included unless `includeDescendants` is false.
    public var tumourTypes: [String]
    public var includeDescendants: Bool
    /// `0`, `I`, `II`, `III`, `IV` (sub-stages such as `IIIA` are given as their stage).
    public var stages: [String]
    /// Age at diagnosis, years.
    public var age: NumericRange?
    /// `female`, `male`, `unknown`.
    public var sex: [String]
    public var alterations: [AlterationSpec]
    /// Mutations/Mb.
    public var tmb: NumericRange?
    public var therapies: [TherapySpec]
    /// Diagnosis date range, `YYYY-MM-DD`.
    public var diagnosed: DateBounds?
    /// Conditions on imported clinical attributes.
    public var attributes: [AttributeCondition]
    /// Dataset (study) names.
    public var datasets: [String]
    /// Alteration-set conditions: altered in any member (or, with `status: wildtype`, genotyped and altered in
    /// none). Written in the same `alterations` list as one-gene conditions, as an entry with `genes`, `variants`
    /// or `set` (`CohortDefinition+PopulationSets.swift`); flags `--altered 'IDH1|IDH2'`, `--altered set:NAME`.
    public var alterationSets: [AlterationSetSpec]

    public init(tumourTypes: [String] = [], includeDescendants: Bool = true, stages: [String] = [], age: NumericRange? = nil,
                sex: [String] = [], alterations: [AlterationSpec] = [], tmb: NumericRange? = nil, therapies: [TherapySpec] = [],
                diagnosed: DateBounds? = nil, attributes: [AttributeCondition] = [], datasets: [String] = [],
                alterationSets: [AlterationSetSpec] = []) {
        self.tumourTypes = tumourTypes; self.includeDescendants = includeDescendants; self.stages = stages; self.age = age
        self.sex = sex; self.alterations = alterations; self.tmb = tmb; self.therapies = therapies; self.diagnosed = diagnosed
        self.attributes = attributes; self.datasets = datasets; self.alterationSets = alterationSets
    }

    enum CodingKeys: String, CodingKey {
        case tumourTypes, includeDescendants, stages, age, sex, alterations, tmb, therapies, diagnosed, attributes, datasets
    }

    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let entries = try c.decodeIfPresent([PopulationAlteration].self, forKey: .alterations) ?? []
        self.init(tumourTypes: try c.decodeIfPresent([String].self, forKey: .tumourTypes) ?? [],
                  includeDescendants: try c.decodeIfPresent(Bool.self, forKey: .includeDescendants) ?? true,
                  stages: try c.decodeIfPresent([LooseString].self, forKey: .stages)?.map(\.value) ?? [],
                  age: try c.decodeIfPresent(NumericRange.self, forKey: .age),
                  sex: try c.decodeIfPresent([String].self, forKey: .sex) ?? [],
                  alterations: entries.compactMap(\.one),
                  tmb: try c.decodeIfPresent(NumericRange.self, forKey: .tmb),
                  therapies: try c.decodeIfPresent([TherapySpec].self, forKey: .therapies) ?? [],
                  diagnosed: try c.decodeIfPresent(DateBounds.self, forKey: .diagnosed),
                  attributes: try c.decodeIfPresent([AttributeCondition].self, forKey: .attributes) ?? [],
                  datasets: try c.decodeIfPresent([String].self, forKey: .datasets) ?? [],
                  alterationSets: entries.compactMap(\.set))
    }

    /// As the synthesised encoder wrote it before sets existed (optionals left out when nil), with the set
    /// conditions after the one-gene ones in `alterations`: definitions without sets keep their canonical JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tumourTypes, forKey: .tumourTypes); try c.encode(includeDescendants, forKey: .includeDescendants)
        try c.encode(stages, forKey: .stages); try c.encodeIfPresent(age, forKey: .age); try c.encode(sex, forKey: .sex)
        try c.encode(alterations.map(PopulationAlteration.init(one:)) + alterationSets.map(PopulationAlteration.init(set:)), forKey: .alterations)
        try c.encodeIfPresent(tmb, forKey: .tmb); try c.encode(therapies, forKey: .therapies)
        try c.encodeIfPresent(diagnosed, forKey: .diagnosed); try c.encode(attributes, forKey: .attributes)
        try c.encode(datasets, forKey: .datasets)
    }
}

/// A string that may be written as a number in YAML (`stages: [3, 4]`, `values: [1]`).
struct LooseString: Decodable {
    let value: String
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { value = s }
        else if let i = try? c.decode(Int.self) { value = String(i) }
        else { value = String(try c.decode(Double.self)) }
    }
}

/// Calendar bounds as `YYYY-MM-DD` text.
public struct DateBounds: Sendable, Hashable, Codable {
    public var from: String?
    public var to: String?
    public init(from: String? = nil, to: String? = nil) { self.from = from; self.to = to }
}

/// A condition on (or a grouping by) alterations of one gene.
public struct AlterationSpec: Sendable, Hashable, Codable {
    public var gene: String
    /// A protein change (`p.V600E`); nil for any qualifying change in the gene.
    public var hgvsp: String?
    /// Classes that count: `Consequence.Class` values (`truncating`, `missense`, `inframeIndel`,
    /// `splice`, `synonymous`, `noncoding`), alteration kinds (`amplification`, `deletion`, `fusion`),
    /// or the shorthand `nonsynonymous` (the default, as R reference `scripts/reference/tcga_cohort_reference.R` counts).
    public var classes: [String]?
    /// Only PASS (or unfiltered) calls.
    public var passOnly: Bool?
    /// `mutated` (default) or `wildtype` (population filters only).
    public var status: String?

    public init(gene: String, hgvsp: String? = nil, classes: [String]? = nil, passOnly: Bool? = nil, status: String? = nil) {
        self.gene = gene; self.hgvsp = hgvsp; self.classes = classes; self.passOnly = passOnly; self.status = status
    }

    /// Expanded class list.
    public var resolvedClasses: [String] {
        let given = classes ?? ["nonsynonymous"]
        var out: [String] = []
        for c in given {
            if c.lowercased() == "nonsynonymous" || c.lowercased() == "non-synonymous" {
                out += AlterationFilter.nonSynonymousClasses
            } else if c.lowercased() == "any" {
                out += ["truncating", "missense", "inframeIndel", "splice", "synonymous", "noncoding", "amplification", "deletion", "fusion"]
            } else {
                out.append(c)
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    static let knownClasses: Set<String> = ["truncating", "missense", "inframeIndel", "splice", "synonymous", "noncoding",
                                             "amplification", "deletion", "fusion", "nonsynonymous", "non-synonymous", "any"]

    /// Short label: `TP53`, `BRAF p.V600E`.
    public var label: String { hgvsp.map { "\(gene) \($0)" } ?? gene }
}

/// Drugs named directly or through a class.
public struct TherapySpec: Sendable, Hashable, Codable {
    /// Generic names (any of).
    public var drugs: [String]?
    /// A drug class (`DrugClasses`), e.g. `PD-1/PD-L1 inhibitor`, `platinum`.
    public var drugClass: String?
    /// Only in this line of therapy.
    public var line: Int?
    /// False: never received (in that line).
    public var received: Bool?

    public init(drugs: [String]? = nil, drugClass: String? = nil, line: Int? = nil, received: Bool? = nil) {
        self.drugs = drugs; self.drugClass = drugClass; self.line = line; self.received = received
    }

    enum CodingKeys: String, CodingKey { case drugs, drug, drugClass = "class", line, received }

    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var d = try c.decodeIfPresent([String].self, forKey: .drugs)
        if let one = try c.decodeIfPresent(String.self, forKey: .drug) { d = (d ?? []) + [one] }
        self.init(drugs: d, drugClass: try c.decodeIfPresent(String.self, forKey: .drugClass),
                  line: try c.decodeIfPresent(Int.self, forKey: .line), received: try c.decodeIfPresent(Bool.self, forKey: .received))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(drugs, forKey: .drugs)
        try c.encodeIfPresent(drugClass, forKey: .drugClass)
        try c.encodeIfPresent(line, forKey: .line)
        try c.encodeIfPresent(received, forKey: .received)
    }

    /// `osimertinib`, `class platinum`, `erlotinib or gefitinib`.
    public var label: String {
        var parts: [String] = []
        if let d = drugs, !d.isEmpty { parts.append(d.joined(separator: " or ")) }
        if let k = drugClass { parts.append(k) }
        return parts.joined(separator: " or ")
    }
}

/// A condition on an imported clinical attribute: one of some values, or a numeric range.
public struct AttributeCondition: Sendable, Hashable, Codable {
    public var name: String
    public var values: [String]?
    public var min: Double?
    public var max: Double?
    public init(name: String, values: [String]? = nil, min: Double? = nil, max: Double? = nil) {
        self.name = name; self.values = values; self.min = min; self.max = max
    }
    enum CodingKeys: String, CodingKey { case name, values, min, max }
    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), values: try c.decodeIfPresent([LooseString].self, forKey: .values)?.map(\.value),
                  min: try c.decodeIfPresent(Double.self, forKey: .min), max: try c.decodeIfPresent(Double.self, forKey: .max))
    }
}

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
        case by, name, variable, attribute, values, gene, hgvsp, classes, passOnly, a, b, line, percent, within, at, quantileType
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
                                                    passOnly: try c.decodeIfPresent(Bool.self, forKey: .passOnly)))
        case "mutation", "alteration":
            self = .mutation(AlterationSpec(gene: try c.decode(String.self, forKey: .gene), hgvsp: try c.decodeIfPresent(String.self, forKey: .hgvsp),
                                            classes: try c.decodeIfPresent([String].self, forKey: .classes),
                                            passOnly: try c.decodeIfPresent(Bool.self, forKey: .passOnly)))
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
        case .alterationSet(let s):
            try c.encode("mutation", forKey: .by); try c.encodeIfPresent(s.genes, forKey: .genes); try c.encodeIfPresent(s.variants, forKey: .variants)
            try c.encodeIfPresent(s.classes, forKey: .classes); try c.encodeIfPresent(s.set, forKey: .set); try c.encodeIfPresent(s.passOnly, forKey: .passOnly)
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

/// The outcome.
public struct EndpointSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Overall survival (death or end of observation), derived from the warehouse.
        case os
        /// Progression-free survival where progression is recorded.
        case pfs
        /// Time to next treatment (needs `line`, or a therapy grouping).
        case ttnt
        /// The study's own survival attributes (`time`, `status`), e.g. cBioPortal `OS_MONTHS`/`OS_STATUS`.
        case study
    }
    public enum Origin: String, Sendable, Hashable, Codable {
        /// The diagnosis.
        case diagnosis
        /// The start of line `line`, or for a therapy grouping the line in which the therapy was given.
        case line
    }
    public var kind: Kind
    public var from: Origin?
    public var line: Int?
    /// `study` endpoints: the time and status attributes and the time attribute's unit (default months).
    public var time: String?
    public var status: String?
    public var unit: TimeUnit?
    /// Landmark: only patients still followed at this time, with time counted from it.
    public var landmark: TimeSpan?

    public init(kind: Kind = .os, from: Origin? = nil, line: Int? = nil, time: String? = nil, status: String? = nil, unit: TimeUnit? = nil,
                landmark: TimeSpan? = nil) {
        self.kind = kind; self.from = from; self.line = line; self.time = time; self.status = status; self.unit = unit
        self.landmark = landmark
    }

    enum CodingKeys: String, CodingKey { case kind, from, line, time, status, unit, landmark }
    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .os, from: try c.decodeIfPresent(Origin.self, forKey: .from),
                  line: try c.decodeIfPresent(Int.self, forKey: .line), time: try c.decodeIfPresent(String.self, forKey: .time),
                  status: try c.decodeIfPresent(String.self, forKey: .status), unit: try c.decodeIfPresent(TimeUnit.self, forKey: .unit),
                  landmark: try c.decodeIfPresent(TimeSpan.self, forKey: .landmark))
    }
}

/// A Cox covariate: a variable, numeric or categorical (default: numeric for numbers, categorical for text).
public struct CovariateSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case numeric, categorical }
    public var variable: String
    public var type: Kind?
    public init(_ variable: String, type: Kind? = nil) { self.variable = variable; self.type = type }

    enum CodingKeys: String, CodingKey { case variable, name, type }
    public init(from decoder: any Decoder) throws {
        if let s = try? decoder.singleValueContainer().decode(String.self) {
            self.init(s)
            return
        }
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let v = try c.decodeIfPresent(String.self, forKey: .variable) ?? c.decode(String.self, forKey: .name)
        self.init(v, type: try c.decodeIfPresent(Kind.self, forKey: .type))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(variable, forKey: .variable)
        try c.encodeIfPresent(type, forKey: .type)
    }
}

/// Which analyses, with which options.
public struct AnalysisSpec: Sendable, Hashable, Codable {
    public struct KM: Sendable, Hashable, Codable {
        /// Times (in the display unit) at which survival is tabulated; default: round times over follow-up.
        public var times: [Double]?
        /// `log` (default, R's), `log-log`, `plain`.
        public var confidence: String?
        public init(times: [Double]? = nil, confidence: String? = nil) { self.times = times; self.confidence = confidence }
    }
    public struct LogRank: Sendable, Hashable, Codable {
        public var strata: [String]?
        public init(strata: [String]? = nil) { self.strata = strata }
    }
    public struct Cox: Sendable, Hashable, Codable {
        public var covariates: [CovariateSpec]?
        public var strata: [String]?
        /// `efron` (default), `breslow`, `exact`.
        public var ties: String?
        /// Also run the proportional-hazards test (default true).
        public var phTest: Bool?
        public init(covariates: [CovariateSpec]? = nil, strata: [String]? = nil, ties: String? = nil, phTest: Bool? = nil) {
            self.covariates = covariates; self.strata = strata; self.ties = ties; self.phTest = phTest
        }
    }
    public var km: KM?
    /// nil: unstratified log-rank when there are at least two groups.
    public var logRank: LogRank?
    /// nil: a Cox model of the groups alone when there are at least two groups.
    public var cox: Cox?
    /// Skip analyses: `logrank`, `cox`.
    public var skip: [String]?
    /// Competing risks of the endpoint's events (`CohortAnalysis+CompetingRisks.swift`); nil: not run.
    public var competingRisks: CompetingRisks?

    /// The endpoint's events split by cause: an event whose `cause` attribute is an event status (e.g.
    /// cBioPortal `DSS_STATUS` `1:DEAD WITH TUMOR`) is the event of interest; an event whose `cause` is a
    /// non-event status (`0:ALIVE OR DEAD TUMOR FREE`) is the competing event; an event without a
    /// readable `cause` has an unknown cause and is left out (counted). Patients without an event are censored.
    public struct CompetingRisks: Sendable, Hashable, Codable {
        public var cause: String
        public init(cause: String) { self.cause = cause }
        enum CodingKeys: String, CodingKey { case cause }
        public init(from decoder: any Decoder) throws {
            try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
            self.init(cause: try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .cause))
        }
    }

    public init(km: KM? = nil, logRank: LogRank? = nil, cox: Cox? = nil, skip: [String]? = nil) {
        self.km = km; self.logRank = logRank; self.cox = cox; self.skip = skip
    }
    enum CodingKeys: String, CodingKey { case km, logRank = "logrank", cox, skip, competingRisks }
    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(km: try c.decodeIfPresent(KM.self, forKey: .km), logRank: try c.decodeIfPresent(LogRank.self, forKey: .logRank),
                  cox: try c.decodeIfPresent(Cox.self, forKey: .cox), skip: try c.decodeIfPresent([String].self, forKey: .skip))
        competingRisks = try c.decodeIfPresent(CompetingRisks.self, forKey: .competingRisks)
    }
}
