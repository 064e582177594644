/// A reference genome assembly. Part of every variant key: a GRCh37 and a GRCh38 call at the same
/// numeric position are different variants.
public enum GenomeBuild: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case grch37 = "GRCh37"
    case grch38 = "GRCh38"
    case unknown = "unknown"

    public var description: String { rawValue }

    /// Parses the spellings seen in VCF headers, MAF `NCBI_Build` and cBioPortal `reference_genome`
    /// (`GRCh37`, `hg19`, `b37`, `37`, `GRCh38`, `hg38`, `38`, ...). Case-insensitive.
    public init(parsing text: String) {
        // The canonical spellings (what onco itself writes, e.g. in the KB index) first: this runs once per
        // allele rule on every KB load, and `lowercased()` + `contains` costs ~4% of load + match.
        if let exact = GenomeBuild(rawValue: text) { self = exact; return }
        let t = text.lowercased()
        if t.contains("grch38") || t.contains("hg38") || t == "38" || t.contains("b38") || t.contains("hs38") {
            self = .grch38
        } else if t.contains("grch37") || t.contains("hg19") || t == "37" || t.contains("b37")
            || t.contains("hs37") || t.contains("human_g1k_v37") || t.contains("grch37lite") {
            self = .grch37
        } else {
            self = .unknown
        }
    }

    /// Length of chromosome 1 in each assembly; used to detect the build from `##contig` lines.
    public static func detect(chromosome1Length length: Int) -> GenomeBuild {
        switch length {
        case 249_250_621: return .grch37
        case 248_956_422: return .grch38
        default: return .unknown
        }
    }

    /// Known lengths of the main chromosomes (1-22, X, Y) that differ between GRCh37 and GRCh38.
    public static func detect(contigLengths: [String: Int]) -> GenomeBuild {
        var votes37 = 0, votes38 = 0
        for (name, length) in contigLengths {
            let c = Chromosome.normalise(name)
            if let l = Self.grch37Lengths[c], l == length { votes37 += 1 }
            if let l = Self.grch38Lengths[c], l == length { votes38 += 1 }
        }
        if votes37 > votes38 { return .grch37 }
        if votes38 > votes37 { return .grch38 }
        return .unknown
    }

    static let grch37Lengths: [String: Int] = [
        "1": 249_250_621, "2": 243_199_373, "3": 198_022_430, "4": 191_154_276, "5": 180_915_260,
        "6": 171_115_067, "7": 159_138_663, "8": 146_364_022, "9": 141_213_431, "10": 135_534_747,
        "11": 135_006_516, "12": 133_851_895, "13": 115_169_878, "14": 107_349_540, "15": 102_531_392,
        "16": 90_354_753, "17": 81_195_210, "18": 78_077_248, "19": 59_128_983, "20": 63_025_520,
        "21": 48_129_895, "22": 51_304_566, "X": 155_270_560, "Y": 59_373_566,
    ]
    static let grch38Lengths: [String: Int] = [
        "1": 248_956_422, "2": 242_193_529, "3": 198_295_559, "4": 190_214_555, "5": 181_538_259,
        "6": 170_805_979, "7": 159_345_973, "8": 145_138_636, "9": 138_394_717, "10": 133_797_422,
        "11": 135_086_622, "12": 133_275_309, "13": 114_364_328, "14": 107_043_718, "15": 101_991_189,
        "16": 90_338_345, "17": 83_257_441, "18": 80_373_285, "19": 58_617_616, "20": 64_444_167,
        "21": 46_709_983, "22": 50_818_468, "X": 156_040_895, "Y": 57_227_415,
    ]
}

/// Chromosome naming: onco keys variants by the name without a `chr` prefix (`7`, `X`, `MT`).
public enum Chromosome {
    /// `chr7` → `7`, `chrM`/`M` → `MT`, others unchanged.
    public static func normalise(_ name: String) -> String {
        // Byte path for the usual ASCII names (once per variant read); the Character path below decides
        // anything else (a combining mark after `chr`, a string without contiguous UTF-8).
        let fast = name.utf8.withContiguousStorageIfAvailable { b -> String? in
            if b.count > 3, b[0] | 0x20 == UInt8(ascii: "c"), b[1] | 0x20 == UInt8(ascii: "h"), b[2] | 0x20 == UInt8(ascii: "r") {
                guard b[3] < 0x80 else { return nil }
                let rest = String(decoding: UnsafeBufferPointer(rebasing: b[3...]), as: UTF8.self)
                return rest == "M" ? "MT" : rest
            }
            guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
            return name == "M" ? "MT" : name
        }
        if let fast, let fast { return fast }
        var n = Substring(name)
        if n.count > 3, n.lowercased().hasPrefix("chr") { n = n.dropFirst(3) }
        if n == "M" { return "MT" }
        return String(n)
    }

    /// Sort rank for 1..22, X, Y, MT, then others (lexicographic after).
    public static func rank(_ name: String) -> Int {
        let n = normalise(name)
        if let i = Int(n) { return i }
        switch n {
        case "X": return 23
        case "Y": return 24
        case "MT": return 25
        default: return 1000
        }
    }
}
