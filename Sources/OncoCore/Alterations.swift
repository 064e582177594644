import Foundation

/// Non-SNV inputs of a case: copy-number changes, fusions, microsatellite status.

/// A gene-level copy-number alteration (PCGR/cBioPortal-style CNA list).
public struct CopyNumberAlteration: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, Hashable { case amplification, deletion }
    public var gene: String
    public var kind: Kind
    /// Absolute or relative copy number when known.
    public var copyNumber: Double?
    public init(gene: String, kind: Kind, copyNumber: Double? = nil) {
        self.gene = gene
        self.kind = kind
        self.copyNumber = copyNumber
    }
}

/// A gene fusion, 5' partner first (`EML4::ALK`).
public struct GeneFusion: Hashable, Sendable, Codable, CustomStringConvertible {
    public var fivePrime: String
    public var threePrime: String
    public init(fivePrime: String, threePrime: String) {
        self.fivePrime = fivePrime
        self.threePrime = threePrime
    }
    public var description: String { "\(fivePrime)::\(threePrime)" }
}

public enum MSIStatus: String, Sendable, Codable, Hashable {
    case high = "MSI-H"
    case stable = "MSS"
    case low = "MSI-L"
}

public enum Sex: String, Sendable, Codable, Hashable, CaseIterable {
    case female, male, unknown
    public init(parsing s: String) {
        switch s.lowercased() {
        case "f", "female", "8532": self = .female
        case "m", "male", "8507": self = .male
        default: self = .unknown
        }
    }
}

/// What is known of a new patient's case besides the variants: tumour type and clinical context.
public struct ClinicalContext: Hashable, Sendable, Codable {
    public var tumourType: OncoTreeCode
    public var age: Int?
    public var sex: Sex?
    /// AJCC-like stage, normalised to `I`..`IV` where possible.
    public var stage: String?
    /// Generic drug names, lower-case.
    public var priorTherapies: [String]
    public var tmb: Double?
    public var msi: MSIStatus?
    public var copyNumber: [CopyNumberAlteration]
    public var fusions: [GeneFusion]
    /// How the copy-number, fusion, TMB and MSI entries were derived from case files, one line each
    /// (`Genomics.CaseFiles`); nil when they were given directly.
    public var inputMethods: [String]?

    /// The encoded keys: `tumorType` as written before the identifiers were spelled `tumour`.
    enum CodingKeys: String, CodingKey {
        case tumourType = "tumorType", age, sex, stage, priorTherapies, tmb, msi, copyNumber, fusions, inputMethods
    }

    public init(tumourType: OncoTreeCode, age: Int? = nil, sex: Sex? = nil, stage: String? = nil,
                priorTherapies: [String] = [], tmb: Double? = nil, msi: MSIStatus? = nil,
                copyNumber: [CopyNumberAlteration] = [], fusions: [GeneFusion] = []) {
        self.tumourType = tumourType
        self.age = age
        self.sex = sex
        self.stage = stage
        self.priorTherapies = priorTherapies
        self.tmb = tmb
        self.msi = msi
        self.copyNumber = copyNumber
        self.fusions = fusions
    }
}

/// Stage spellings (`Stage IIIA`, `IIIa`, `3`, `T2N1M0`-free) → `I`, `II`, `III`, `IV`, or nil.
public enum Stage {
    public static func normalise(_ s: String?) -> String? {
        guard var t = s?.uppercased() else { return nil }
        t = t.replacingOccurrences(of: "STAGE", with: "").trimmingCharacters(in: .whitespaces)
        let roman = String(t.prefix { $0 == "I" || $0 == "V" })
        let rest = t.dropFirst(roman.count)
        // A roman numeral must end the token or be followed by a sub-stage letter/digit (IIIA, IB1).
        let ok = rest.isEmpty || rest.first!.isLetter && rest.first! <= "D" || rest.first!.isNumber
        if ["I", "II", "III", "IV"].contains(roman), ok { return roman }
        switch t.first {
        case "0": return "0"
        case "1": return "I"
        case "2": return "II"
        case "3": return "III"
        case "4": return "IV"
        default: return nil
        }
    }
    /// `I`→1 ... `IV`→4, `0`→0.
    public static func ordinal(_ s: String?) -> Int? {
        switch normalise(s) {
        case "0": return 0
        case "I": return 1
        case "II": return 2
        case "III": return 3
        case "IV": return 4
        default: return nil
        }
    }
}
