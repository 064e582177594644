import Foundation
import OncoCore
import Warehouse

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
    /// `in_frame` or `frameshift`: only fusions whose reading frame the source stated as this count
    /// (`AlterationFilter.fusionFrame`); fusions of unknown frame never match. The classes must count fusions.
    public var fusionFrame: String?

    public init(gene: String, hgvsp: String? = nil, classes: [String]? = nil, passOnly: Bool? = nil, status: String? = nil,
                fusionFrame: String? = nil) {
        self.gene = gene; self.hgvsp = hgvsp; self.classes = classes; self.passOnly = passOnly; self.status = status
        self.fusionFrame = fusionFrame
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

    /// Short label: `TP53`, `BRAF p.V600E`; with a fusion frame `EML4::ALK fusion, in-frame` (fusions only; the
    /// partner pair when given as `hgvsp`), else `ALK (fusions in-frame)`.
    public var label: String {
        let plain = hgvsp.map { "\(gene) \($0)" } ?? gene
        guard let frame = FusionFrame.words(fusionFrame) else { return plain }
        return resolvedClasses == ["fusion"] ? "\(hgvsp ?? gene) fusion, \(frame)" : "\(plain) (fusions \(frame))"
    }
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
