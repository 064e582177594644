/// The ten canonical oncogenic signalling pathways of Sanchez-Vega et al., *Cell* 2018
/// ("Oncogenic Signaling Pathways in The Cancer Genome Atlas", doi:10.1016/j.cell.2018.03.035).
///
/// The raw value is the bit position used in the similarity index (stable: part of the file format).
public enum OncogenicPathway: Int, CaseIterable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    case cellCycle = 0, hippo, myc, notch, nrf2, pi3k, rtkRas, tgfBeta, p53, wnt

    /// The name as written in the paper's figures and in maftools' pathway table.
    public var name: String {
        switch self {
        case .cellCycle: return "Cell cycle"
        case .hippo: return "Hippo"
        case .myc: return "Myc"
        case .notch: return "Notch"
        case .nrf2: return "Nrf2"
        case .pi3k: return "PI3K"
        case .rtkRas: return "RTK/RAS"
        case .tgfBeta: return "TGF-β"
        case .p53: return "p53"
        case .wnt: return "Wnt"
        }
    }

    public var description: String { name }

    /// The identifier in the shipped table (`Cell_Cycle`, `RTK-RAS`, `TP53`, ...).
    public var tableName: String {
        switch self {
        case .cellCycle: return "Cell_Cycle"
        case .hippo: return "Hippo"
        case .myc: return "MYC"
        case .notch: return "NOTCH"
        case .nrf2: return "NRF2"
        case .pi3k: return "PI3K"
        case .rtkRas: return "RTK-RAS"
        case .tgfBeta: return "TGF-Beta"
        case .p53: return "TP53"
        case .wnt: return "WNT"
        }
    }

    /// A pathway named by its table identifier or its name, ignoring case (`RTK-RAS`, `rtk/ras`, `TGF-β`, `p53`).
    public init?(named text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let p = Self.allCases.first(where: { $0.tableName.lowercased() == t || $0.name.lowercased() == t }) else { return nil }
        self = p
    }

    /// The identifier in the shipped table (`Cell_Cycle`, `RTK-RAS`, `TP53`, ...).
    init?(tableName: String) {
        switch tableName {
        case "Cell_Cycle": self = .cellCycle
        case "Hippo": self = .hippo
        case "MYC": self = .myc
        case "NOTCH": self = .notch
        case "NRF2": self = .nrf2
        case "PI3K": self = .pi3k
        case "RTK-RAS": self = .rtkRas
        case "TGF-Beta": self = .tgfBeta
        case "TP53": self = .p53
        case "WNT": self = .wnt
        default: return nil
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A set of pathways as a 10-bit mask (bit *i* = `OncogenicPathway(rawValue: i)`).
public struct PathwaySet: Hashable, Sendable, Codable, SetAlgebra, Sequence {
    public private(set) var mask: UInt16
    public init() { mask = 0 }
    public init(mask: UInt16) { self.mask = mask & 0x3FF }
    public init<S: Sequence>(_ s: S) where S.Element == OncogenicPathway {
        mask = 0
        for p in s { mask |= 1 << UInt16(p.rawValue) }
    }
    public var count: Int { mask.nonzeroBitCount }
    public var isEmpty: Bool { mask == 0 }
    public func contains(_ p: OncogenicPathway) -> Bool { mask & (1 << UInt16(p.rawValue)) != 0 }
    public func union(_ o: Self) -> Self { Self(mask: mask | o.mask) }
    public func intersection(_ o: Self) -> Self { Self(mask: mask & o.mask) }
    public func symmetricDifference(_ o: Self) -> Self { Self(mask: mask ^ o.mask) }
    @discardableResult
    public mutating func insert(_ p: OncogenicPathway) -> (inserted: Bool, memberAfterInsert: OncogenicPathway) {
        let had = contains(p); mask |= 1 << UInt16(p.rawValue); return (!had, p)
    }
    @discardableResult
    public mutating func remove(_ p: OncogenicPathway) -> OncogenicPathway? {
        let had = contains(p); mask &= ~(1 << UInt16(p.rawValue)); return had ? p : nil
    }
    @discardableResult
    public mutating func update(with p: OncogenicPathway) -> OncogenicPathway? {
        let had = contains(p); mask |= 1 << UInt16(p.rawValue); return had ? p : nil
    }
    public mutating func formUnion(_ o: Self) { mask |= o.mask }
    public mutating func formIntersection(_ o: Self) { mask &= o.mask }
    public mutating func formSymmetricDifference(_ o: Self) { mask ^= o.mask }
    public func makeIterator() -> some IteratorProtocol<OncogenicPathway> {
        OncogenicPathway.allCases.filter { contains($0) }.makeIterator()
    }
}

/// Which genes belong to which canonical pathway (a gene may belong to several, e.g. SCRIB).
///
/// The default is `PathwayCatalog.sanchezVega2018`, the 335 gene–pathway rows of the paper's
/// supplementary table S3 as shipped by maftools (`oncogenic_sig_pathways.tsv`, MIT);
/// see `Sources/Vocabulary/Data/SOURCE.md`. Shared vocabulary: the similarity profiles (pathway bits) and the
/// cohort studies' alteration sets (`pathway: RTK-RAS`) read the same table.
public struct PathwayCatalog: Sendable, Hashable {
    /// Gene symbol → pathways.
    public let pathwaysByGene: [String: PathwaySet]

    public init(pathwaysByGene: [String: PathwaySet]) { self.pathwaysByGene = pathwaysByGene }

    /// Parses a maftools-style table (`Pathway<TAB>Gene<TAB>OG_TSG`, header first).
    public init(tsv: String, source: String = "pathway table") throws {
        var map: [String: PathwaySet] = [:]
        for (i, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i == 0 || line.isEmpty { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 2 else {
                throw VocabularyError(.malformedTable, "\(source): line \(i + 1): expected at least 2 tab-separated fields")
            }
            guard let p = OncogenicPathway(tableName: String(f[0])) else {
                throw VocabularyError(.malformedTable, "\(source): line \(i + 1): field Pathway: unknown pathway '\(f[0])'")
            }
            map[String(f[1]), default: PathwaySet()].insert(p)
        }
        pathwaysByGene = map
    }

    /// The Sanchez-Vega et al. 2018 gene lists embedded in onco.
    public static let sanchezVega2018: PathwayCatalog = {
        // The embedded table is verified by EmbeddedDataTests; failure here is a build defect.
        try! PathwayCatalog(tsv: EmbeddedPathways.oncogenicPathwaysTSV, source: "embedded oncogenic_sig_pathways.tsv")
    }()

    public func pathways(of gene: String) -> PathwaySet { pathwaysByGene[gene] ?? PathwaySet() }

    /// The genes of one pathway, sorted.
    public func genes(in pathway: OncogenicPathway) -> [String] {
        pathwaysByGene.filter { $0.value.contains(pathway) }.keys.sorted()
    }

    /// Every gene of every pathway, sorted.
    public var genes: [String] { pathwaysByGene.keys.sorted() }
}
