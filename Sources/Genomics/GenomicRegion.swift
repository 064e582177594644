import OncoCore

/// A region of one contig, 1-based and inclusive as written by samtools/bcftools/tabix
/// (`7:140453000-140454000`, `chr7:140,453,000-140,454,000`, `7:140453136`, `7`).
public struct GenomicRegion: Hashable, Sendable, CustomStringConvertible {
    public var contig: String
    /// 1-based first position; 1 when the region names a whole contig.
    public var start: Int
    /// 1-based last position, inclusive; `nil` for "to the end of the contig".
    public var end: Int?

    public init(contig: String, start: Int = 1, end: Int? = nil) {
        self.contig = contig
        self.start = start
        self.end = end
    }

    /// Parses `CONTIG[:START[-END]]` (thousands separators allowed). A single position means that
    /// base only; `START-` means to the end of the contig.
    public init(parsing text: String) throws(RegionParseError) {
        let t = text.trimmingSpaces()
        guard !t.isEmpty else { throw RegionParseError(text: text, reason: "empty region") }
        guard let colon = t.lastIndex(of: ":"), !t[t.index(after: colon)...].isEmpty,
              t[t.index(after: colon)...].allSatisfy({ $0.isNumber || $0 == "," || $0 == "-" })
        else {
            // A bare contig name (which may itself contain ':' as in HLA contigs).
            self.init(contig: t)
            return
        }
        let name = String(t[..<colon])
        guard !name.isEmpty else { throw RegionParseError(text: text, reason: "no contig name") }
        let span = t[t.index(after: colon)...].filter { $0 != "," }
        let parts = span.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let s = Int(parts[0]), s >= 1 else {
            throw RegionParseError(text: text, reason: "start must be a positive integer")
        }
        var e: Int? = s
        if parts.count == 2 {
            if parts[1].isEmpty {
                e = nil
            } else {
                guard let v = Int(parts[1]) else {
                    throw RegionParseError(text: text, reason: "end must be a positive integer")
                }
                guard v >= s else { throw RegionParseError(text: text, reason: "end \(v) is before start \(s)") }
                e = v
            }
        }
        self.init(contig: name, start: s, end: e)
    }

    public var description: String {
        if start == 1 && end == nil { return contig }
        if let end { return "\(contig):\(start)-\(end)" }
        return "\(contig):\(start)-"
    }

    /// Whether a feature spanning `[position, position + length - 1]` on `contig` overlaps the region
    /// (names compared after `Chromosome.normalise`, so `chr7` matches `7`).
    func overlaps(contig other: String, position: Int, length: Int) -> Bool {
        guard Chromosome.normalise(other) == Chromosome.normalise(contig) else { return false }
        let last = position + max(length, 1) - 1
        if last < start { return false }
        if let end, position > end { return false }
        return true
    }

    /// Candidate spellings of a contig name, tried in order against a file's names:
    /// as given, with/without `chr`, and the mitochondrion as `M`/`MT`/`chrM`/`chrMT`.
    static func spellings(of name: String) -> [String] {
        let bare = name.lowercased().hasPrefix("chr") ? String(name.dropFirst(3)) : name
        var out = [name, bare, "chr" + bare]
        if bare == "M" || bare == "MT" { out += ["MT", "M", "chrM", "chrMT"] }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The first spelling of `name` that `known` contains.
    static func resolve(_ name: String, in known: Set<String>) -> String? {
        spellings(of: name).first { known.contains($0) }
    }
}

/// A region string that does not parse.
public struct RegionParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "region \"\(text)\": \(reason) (expected CONTIG[:START[-END]], e.g. 7:140453000-140454000)" }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
