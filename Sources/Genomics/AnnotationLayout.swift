import Foundation

/// The layout of a VEP `CSQ` or snpEff `ANN` INFO field, read from its header Description.
///
/// VEP: `Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|…"`;
/// snpEff: `Description="Functional annotations: 'Allele | Annotation | Annotation_Impact | …'"`.
/// Field order differs between runs (plugins, `--fields`), so every field is found by name, as
/// `bcftools +split-vep` and vcf2maf do.
public struct AnnotationLayout: Sendable, Hashable {
    public enum Annotator: String, Sendable, Hashable, Codable { case vep, snpEff }

    /// The INFO tag (`CSQ`, `ANN`, or `vep` as some pipelines name it).
    public let tag: String
    public let annotator: Annotator
    /// Field names in order.
    public let fields: [String]

    // Indices of the fields onco uses (nil when the layout lacks them).
    let allele: Int?
    let consequence: Int?
    let impact: Int?
    let symbol: Int?
    let gene: Int?
    let featureType: Int?
    let feature: Int?
    let biotype: Int?
    let exon: Int?
    let hgvsc: Int?
    let hgvsp: Int?
    let canonical: Int?
    let maneSelect: Int?
    let manePlusClinical: Int?
    let appris: Int?
    let tsl: Int?
    let ccds: Int?
    let pick: Int?
    let alleleNumber: Int?
    let cdnaPosition: Int?
    /// One past the largest index used: fields after it are never scanned.
    let scanLimit: Int

    /// Picks the CSQ (VEP) or ANN (snpEff) definition among a header's INFO fields, CSQ first.
    init?(info: [String: VariantHeader.Field]) {
        for tag in ["CSQ", "ANN", "vep"] {
            if let f = info[tag], let layout = AnnotationLayout(tag: tag, description: f.description) {
                self = layout
                return
            }
        }
        return nil
    }

    /// Parses a Description. Returns `nil` when it has no `|`-separated field list.
    public init?(tag: String, description: String) {
        var list = Substring(description)
        if let r = list.range(of: "Format:", options: .caseInsensitive) {
            list = list[r.upperBound...]
        } else if let q = list.firstIndex(of: "'") {
            list = list[list.index(after: q)...]
        } else if let c = list.lastIndex(of: ":") {
            list = list[list.index(after: c)...]
        }
        let names = list.split(separator: "|", omittingEmptySubsequences: false).map { raw -> String in
            var s = Substring(raw)
            while let f = s.first, f == " " || f == "'" || f == "\"" { s = s.dropFirst() }
            while let l = s.last, l == " " || l == "'" || l == "\"" || l == ">" { s = s.dropLast() }
            return String(s)
        }
        guard names.count >= 4 else { return nil }
        self.init(tag: tag, fields: names)
    }

    /// A layout from field names (VEP or snpEff spellings).
    public init(tag: String, fields names: [String]) {
        self.tag = tag
        self.fields = names
        func index(_ candidates: String...) -> Int? {
            for c in candidates { if let i = names.firstIndex(where: { $0.caseInsensitiveCompare(c) == .orderedSame }) { return i } }
            return nil
        }
        annotator = index("Annotation") != nil && index("Consequence") == nil ? .snpEff : .vep
        allele = index("Allele")
        consequence = index("Consequence", "Annotation")
        impact = index("IMPACT", "Annotation_Impact")
        symbol = index("SYMBOL", "Gene_Name")
        gene = index("Gene", "Gene_ID")
        featureType = index("Feature_type")
        feature = index("Feature", "Feature_ID")
        biotype = index("BIOTYPE", "Transcript_BioType")
        exon = index("EXON", "Rank")
        hgvsc = index("HGVSc", "HGVS.c")
        hgvsp = index("HGVSp", "HGVS.p")
        canonical = index("CANONICAL")
        maneSelect = index("MANE_SELECT", "MANE")
        manePlusClinical = index("MANE_PLUS_CLINICAL")
        appris = index("APPRIS")
        tsl = index("TSL")
        ccds = index("CCDS")
        pick = index("PICK")
        alleleNumber = index("ALLELE_NUM")
        cdnaPosition = index("cDNA_position", "cDNA.pos / cDNA.length")
        let used = [allele, consequence, impact, symbol, gene, featureType, feature, biotype, exon, hgvsc, hgvsp,
                    canonical, maneSelect, manePlusClinical, appris, tsl, ccds, pick, alleleNumber, cdnaPosition]
        scanLimit = (used.compactMap { $0 }.max() ?? 0) + 1
    }
}
