/// Recurrent mutation hotspots: protein residues (and in-frame indel regions) of genes where somatic
/// mutations cluster far above background, marking activating ("hotspot") alterations.
///
/// The default, `HotspotCatalog.cancerHotspotsV2`, is cancerhotspots.org v2 (Chang et al., *Cancer
/// Discovery* 2018, doi:10.1158/2159-8290.CD-17-0321): 933 residues and 55 in-frame indel regions in
/// 223 genes, derived from the allele table maftools ships (`cancerhotspots_v2_GRCh37.tsv`); a residue is
/// listed when at least one allele at it is a missense change. Protein coordinates make it independent
/// of the genome build.
public struct HotspotCatalog: Sendable, Hashable {
    /// One hotspot: residues `start...end` of `gene` (equal for a single residue).
    public struct Region: Hashable, Sendable, Codable {
        public var gene: String
        public var start: Int
        public var end: Int
        public var isInframeIndelRegion: Bool
        public init(gene: String, start: Int, end: Int, isInframeIndelRegion: Bool) {
            self.gene = gene; self.start = start; self.end = end; self.isInframeIndelRegion = isInframeIndelRegion
        }
    }

    /// Gene → sorted hotspot residues (single residues only).
    public let residuesByGene: [String: [Int]]
    /// Gene → in-frame indel regions.
    public let indelRegionsByGene: [String: [ClosedRange<Int>]]

    public init(regions: [Region]) {
        var res: [String: Set<Int>] = [:]
        var ind: [String: [ClosedRange<Int>]] = [:]
        for r in regions {
            if r.isInframeIndelRegion { ind[r.gene, default: []].append(r.start...r.end) } else {
                for p in r.start...r.end { res[r.gene, default: []].insert(p) }
            }
        }
        residuesByGene = res.mapValues { $0.sorted() }
        indelRegionsByGene = ind
    }

    /// Parses `gene<TAB>start<TAB>end<TAB>reference<TAB>kind` (kind `residue` or `inframe`; header first).
    public init(tsv: String, source: String = "hotspot table") throws {
        var regions: [Region] = []
        for (i, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i == 0 || line.isEmpty { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5 else {
                throw SimilarityError(.malformedData, "\(source): line \(i + 1): expected 5 tab-separated fields, found \(f.count)")
            }
            guard let s = Int(f[1]), let e = Int(f[2]), s >= 1, e >= s else {
                throw SimilarityError(.malformedData, "\(source): line \(i + 1): fields start/end: not a residue range")
            }
            guard f[4] == "residue" || f[4] == "inframe" else {
                throw SimilarityError(.malformedData, "\(source): line \(i + 1): field kind: '\(f[4])' is neither residue nor inframe")
            }
            regions.append(Region(gene: String(f[0]), start: s, end: e, isInframeIndelRegion: f[4] == "inframe"))
        }
        self.init(regions: regions)
    }

    /// cancerhotspots.org v2 residues, embedded in onco.
    public static let cancerHotspotsV2: HotspotCatalog = {
        try! HotspotCatalog(tsv: EmbeddedData.cancerHotspotResiduesTSV, source: "embedded cancer_hotspot_residues.tsv")
    }()

    /// Every gene with at least one hotspot, sorted.
    public var genes: [String] { Set(residuesByGene.keys).union(indelRegionsByGene.keys).sorted() }

    /// True when residue `position` of `gene` is a hotspot residue.
    public func isHotspot(gene: String, residue position: Int) -> Bool {
        guard let r = residuesByGene[gene] else { return false }
        var lo = 0, hi = r.count
        while lo < hi { let m = (lo + hi) / 2; if r[m] < position { lo = m + 1 } else { hi = m } }
        return lo < r.count && r[lo] == position
    }

    /// True when residues `range` of `gene` overlap a hotspot residue or a hotspot in-frame indel region.
    public func overlapsHotspot(gene: String, residues range: ClosedRange<Int>) -> Bool {
        if let regions = indelRegionsByGene[gene], regions.contains(where: { $0.overlaps(range) }) { return true }
        guard let r = residuesByGene[gene] else { return false }
        return r.contains { range.contains($0) }
    }
}

/// The residue span of a protein change in HGVS `p.` notation (1- or 3-letter codes).
///
/// `p.V600E` → 600...600; `p.Val600Glu` → 600...600; `p.E746_A750del` → 746...750;
/// `p.A767_V769dup` → 767...769; `p.R213*` → 213...213; `p.G12fs` → 12...12. Nil for `p.?`, `p.=`, splice.
public enum ProteinChange {
    public static func residues(_ hgvsp: String) -> ClosedRange<Int>? {
        var s = Substring(hgvsp)
        if let colon = s.lastIndex(of: ":") { s = s[s.index(after: colon)...] }
        if s.hasPrefix("p.") { s = s.dropFirst(2) }
        if s.hasPrefix("(") { s = s.dropFirst() }
        var numbers: [Int] = []
        var i = s.startIndex
        // The first number, and a second one only when it follows `_<amino acid>`.
        while i < s.endIndex, numbers.count < 2 {
            if s[i].isNumber {
                var j = i
                while j < s.endIndex, s[j].isNumber { j = s.index(after: j) }
                guard let n = Int(s[i..<j]) else { return nil }
                numbers.append(n)
                if numbers.count == 1 {
                    // Look for `_Xaa123` or `_X123` right after the first number.
                    guard j < s.endIndex, s[j] == "_" else { break }
                    i = s.index(after: j)
                    while i < s.endIndex, s[i].isLetter { i = s.index(after: i) }
                    continue
                }
                i = j
            } else {
                if numbers.isEmpty, !(s[i].isLetter || s[i] == "*") { return nil }
                i = s.index(after: i)
            }
        }
        guard let first = numbers.first, first >= 1 else { return nil }
        let last = numbers.count > 1 ? max(first, numbers[1]) : first
        return first...last
    }
}
