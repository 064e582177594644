import Foundation
import OncoCore

/// The copy-number files a lab produces, read into gene-level calls (amplification, deep deletion).
public enum CopyNumberFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// CNVkit segments, `.cns` (log2) or `.call.cns` (with an integer `cn` column): `chromosome`, `start`
    /// (0-based, BED-like), `end`, `log2` [, `cn`].
    case cnvkit
    /// PURPLE `*.purple.cnv.somatic.tsv` and other absolute-copy-number segment tables: `chromosome`, `start`
    /// (1-based), `end`, `copyNumber`.
    case purple
    /// ASCAT segments: `chr`, `startpos`, `endpos` (1-based), `nMajor`, `nMinor` (total = nMajor + nMinor).
    case ascat
    /// cBioPortal gene-level discrete calls (`data_CNA.txt`, GISTIC-style −2 … 2): `Hugo_Symbol` and one
    /// column per sample.
    case cbioportal
    /// VCF CNV records: `SVTYPE=DEL/DUP/CNV` (or a `<DEL>`/`<DUP>`/`<CNV>` ALT) with `END`, copy number from
    /// FORMAT or INFO `CN` (CNVkit's `export vcf` writes it for gains; a DEL without `CN` whose genotype is
    /// `1/1` is homozygous: copy number 0).
    case vcf

    /// Whether the format gives segments, which need gene spans on the case's build.
    public var hasSegments: Bool { self != .cbioportal }
}

/// One copy-number segment, 1-based inclusive.
public struct CopyNumberSegment: Sendable, Hashable {
    /// Normalised: no `chr` prefix.
    public var chromosome: String
    public var start: Int
    public var end: Int
    /// Total copy number: as written, or from the log2 ratio by `CopyNumberRule.copyNumber(log2:)`.
    public var copyNumber: Double
    public var log2: Double?
    public var line: Int
}

/// How segments become gene-level calls, stated so that a call can be compared with another tool's.
///
/// - Copy number of a segment: the file's absolute copy number when it has one (CNVkit `.call.cns` `cn`,
///   PURPLE `copyNumber`, ASCAT `nMajor + nMinor`, VCF `CN`); from a CNVkit log2 ratio otherwise, exactly as
///   `cnvkit.py call -m threshold` does with its default thresholds (`-t=-1.1,-0.25,0.2,0.7`): the copy number
///   is the index of the first threshold the log2 ratio is at or below (0, 1, 2, 3), and above the last one
///   ⌈ploidy · 2^log2⌉ (CNVkit `absolute_threshold`, pure sample). The reference is taken as `ploidy` copies on
///   every chromosome (onco does not know the sex; use a `.call.cns` for sex chromosomes).
/// - Copy number of a gene: the lowest copy number among the segments overlapping its span (PURPLE's gene
///   `minCopyNumber`), so a gene is amplified only when all of it is.
/// - Amplification: gene copy number ≥ `amplificationMinCopies` (6: PCGR's `--n_copy_gain` default).
/// - Deep (homozygous) deletion: gene copy number < `deepDeletionBelowCopies` (0.5: rounds to 0 copies;
///   PURPLE's driver catalogue calls a deletion below 0.5). Shallow losses and low gains are not calls.
/// - cBioPortal discrete values: 2 = amplification, −2 = deep deletion (GISTIC's high-level calls); −1.5, −1,
///   0, 1 are not calls.
public struct CopyNumberRule: Sendable, Hashable, Codable {
    public var amplificationMinCopies: Double
    public var deepDeletionBelowCopies: Double
    public var log2Thresholds: [Double]
    public var ploidy: Int

    public init(amplificationMinCopies: Double = 6, deepDeletionBelowCopies: Double = 0.5,
                log2Thresholds: [Double] = [-1.1, -0.25, 0.2, 0.7], ploidy: Int = 2) {
        self.amplificationMinCopies = amplificationMinCopies
        self.deepDeletionBelowCopies = deepDeletionBelowCopies
        self.log2Thresholds = log2Thresholds
        self.ploidy = ploidy
    }

    /// CNVkit's `absolute_threshold` for a reference of `ploidy` copies.
    public func copyNumber(log2: Double) -> Double {
        for (n, t) in log2Thresholds.enumerated() where log2 <= t { return Double(n) }
        return (Double(ploidy) * Foundation.pow(2, log2)).rounded(.up)
    }

    /// The call for a gene's copy number, or nil when it is neither amplified nor deeply deleted.
    public func call(copyNumber: Double) -> CopyNumberAlteration.Kind? {
        if copyNumber >= amplificationMinCopies { return .amplification }
        if copyNumber < deepDeletionBelowCopies { return .deletion }
        return nil
    }

    /// One sentence for reports.
    public func method(_ format: CopyNumberFormat, build: GenomeBuild?) -> String {
        func n(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        if format == .cbioportal {
            return "cBioPortal discrete copy number: 2 = amplification, -2 = deep deletion"
        }
        var s = "\(format.rawValue) segments"
        if format == .cnvkit {
            s += " (copy number from the cn column, else from log2 by CNVkit's call thresholds "
                + log2Thresholds.map(n).joined(separator: ",") + ", ploidy \(ploidy))"
        }
        s += "; gene copy number = lowest overlapping segment"
        if let build { s += " (\(build) gene spans)" }
        return s + "; amplification CN >= \(n(amplificationMinCopies)), deep deletion CN < \(n(deepDeletionBelowCopies))"
    }
}

/// Gene-level copy-number calls read from one file.
public struct CopyNumberCalls: Sendable, Hashable {
    public var format: CopyNumberFormat
    /// Sorted by gene.
    public var alterations: [CopyNumberAlteration]
    /// Segments (or gene rows) read.
    public var records: Int
    /// VCF CNV records without a copy number (not `CN`, not a homozygous DEL): not called.
    public var withoutCopyNumber: Int
    /// VCF CNV records whose FILTER is not PASS: not used.
    public var filtered: Int
    /// How the calls were made (`CopyNumberRule.method`).
    public var method: String
}

/// Reads copy-number files. No CLI logic: the caller gives the format (or nil to detect it from the header),
/// the sample column where a file has several, and the gene spans of the case's build.
public enum CopyNumberFile {
    /// The format of a copy-number file, from its first lines.
    /// - Throws: `CaseInputError.unknownFormat` naming the header line when no format fits, or two do.
    public static func detect(path: String) throws(CaseInputError) -> CopyNumberFormat {
        if VariantFileReader.isVariantFile(path: path) { return .vcf }
        return try detect(NumberedLines(path: path))
    }

    static func detect(_ lines: NumberedLines) throws(CaseInputError) -> CopyNumberFormat {
        guard let first = lines.lines.first(where: { !$0.text.allSatisfy(\.isWhitespace) }) else {
            throw lines.fail(.empty, line: nil, field: nil, "empty file")
        }
        if first.text.hasPrefix("##fileformat=VCF") { return .vcf }
        guard let header = lines.lines.first(where: { !$0.text.hasPrefix("#") && !$0.text.allSatisfy(\.isWhitespace) }) else {
            throw lines.fail(.empty, line: nil, field: nil, "no header line")
        }
        let names = Set(header.text.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        var fits: [CopyNumberFormat] = []
        if names.isSuperset(of: ["chromosome", "start", "end", "log2"]) { fits.append(.cnvkit) }
        if names.isSuperset(of: ["chromosome", "start", "end", "copynumber"]) { fits.append(.purple) }
        if names.isSuperset(of: ["chr", "startpos", "endpos", "nmajor", "nminor"]) { fits.append(.ascat) }
        if names.contains("hugo_symbol") && !names.contains("chromosome") { fits.append(.cbioportal) }
        guard fits.count == 1 else {
            let first = header.text.split(separator: "\t").first.map(String.init) ?? ""
            throw lines.fail(.unknownFormat, line: header.number, field: first, fits.isEmpty
                ? "not a copy-number file onco reads (CNVkit .cns: chromosome/start/end/log2; PURPLE: chromosome/start/end/copyNumber; ASCAT: chr/startpos/endpos/nMajor/nMinor; cBioPortal: Hugo_Symbol + sample columns; VCF)"
                : "the header fits several formats (\(fits.map(\.rawValue).joined(separator: ", "))); name the format")
        }
        return fits[0]
    }

    /// Reads a copy-number file into gene-level calls.
    /// - Parameters:
    ///   - format: nil to detect it from the header.
    ///   - sample: the sample column of a cBioPortal table or a multi-sample VCF (nil: the only one).
    ///   - genes: the gene spans of the case's build; needed for every format but `cbioportal` (called only then).
    /// - Throws: `CaseInputError` naming file, line and field: a bad number, a start after its end, an unknown
    ///   chromosome-less row, a missing column, an unknown sample, no gene spans.
    public static func read(path: String, format: CopyNumberFormat?, sample: String? = nil, rule: CopyNumberRule = CopyNumberRule(),
                            genes: () throws(CaseInputError) -> GeneSpans) throws(CaseInputError) -> CopyNumberCalls {
        let resolved: CopyNumberFormat
        if let format { resolved = format } else { resolved = try detect(path: path) }
        let format = resolved
        if format == .cbioportal { return try discrete(NumberedLines(path: path), sample: sample) }
        var withoutCN = 0, filtered = 0
        let segments: [CopyNumberSegment]
        switch format {
        case .vcf: (segments, withoutCN, filtered) = try vcfSegments(path: path, sample: sample)
        default: segments = try tableSegments(NumberedLines(path: path), format: format, rule: rule)
        }
        let spans = try genes()
        return CopyNumberCalls(format: format, alterations: geneCalls(segments, spans: spans, rule: rule), records: segments.count + withoutCN + filtered,
                               withoutCopyNumber: withoutCN, filtered: filtered, method: rule.method(format, build: spans.build))
    }

    /// Gene-level calls from segments (see `CopyNumberRule`).
    public static func geneCalls(_ segments: [CopyNumberSegment], spans: GeneSpans, rule: CopyNumberRule) -> [CopyNumberAlteration] {
        var lowest: [String: Double] = [:]
        for s in segments {
            for g in spans.overlapping(s.chromosome, s.start, s.end) {
                lowest[g.gene] = min(lowest[g.gene] ?? .infinity, s.copyNumber)
            }
        }
        return lowest.sorted { $0.key < $1.key }.compactMap { gene, cn in
            rule.call(copyNumber: cn).map { CopyNumberAlteration(gene: gene, kind: $0, copyNumber: cn) }
        }
    }

    static func tableSegments(_ lines: NumberedLines, format: CopyNumberFormat, rule: CopyNumberRule) throws(CaseInputError) -> [CopyNumberSegment] {
        let t = try TabTable(lines, isHeader: { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) })
        let chrom: Int, start: Int, end: Int
        switch format {
        case .ascat: chrom = try t.require("chr"); start = try t.require("startpos"); end = try t.require("endpos")
        default: chrom = try t.require("chromosome"); start = try t.require("start"); end = try t.require("end")
        }
        var log2: Int?, cn: Int?, major: Int?, minor: Int?
        switch format {
        case .cnvkit: log2 = try t.require("log2"); cn = t.column("cn")
        case .purple: cn = try t.require("copyNumber")
        case .ascat: major = try t.require("nMajor"); minor = try t.require("nMinor")
        case .cbioportal, .vcf: break
        }
        // CNVkit writes BED-like 0-based starts; PURPLE and ASCAT 1-based.
        let offset = format == .cnvkit ? 1 : 0
        var out: [CopyNumberSegment] = []
        for row in t.rows {
            guard !row.cells[chrom].isEmpty else { throw t.fail(.badValue, line: row.line, field: t.header[chrom], "empty chromosome") }
            let s = try t.integer(row, start, in: (offset == 1 ? 0 : 1)...NumberField.position.upperBound) + offset
            let e = try t.integer(row, end, in: NumberField.position)
            guard s <= e else {
                throw t.fail(.badInterval, line: row.line, field: t.header[start], "start \(s - offset) is after end \(e)")
            }
            var ratio: Double?
            if let log2 { ratio = try t.double(row, log2) }
            var copies: Double
            if let cn {
                copies = try t.double(row, cn, in: format == .purple ? nil : NumberField.nonNegative)
            } else if let major, let minor {
                copies = try t.double(row, major, in: NumberField.nonNegative) + t.double(row, minor, in: NumberField.nonNegative)
            } else if let ratio {
                copies = rule.copyNumber(log2: ratio)
            } else {
                throw t.fail(.missingColumn, line: t.headerLine, field: "copy number", "no copy-number or log2 column")
            }
            // PURPLE writes small negative copy numbers for deep deletions (e.g. -0.02): a copy number below 0 is 0.
            if format == .purple { copies = max(copies, 0) }
            out.append(CopyNumberSegment(chromosome: Chromosome.normalise(row.cells[chrom]), start: s, end: e,
                                         copyNumber: copies, log2: ratio, line: row.line))
        }
        return out
    }

    static func discrete(_ lines: NumberedLines, sample: String?) throws(CaseInputError) -> CopyNumberCalls {
        let t = try TabTable(lines, isHeader: { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) })
        let gene = try t.require("Hugo_Symbol")
        let annotations: Set<String> = ["hugo_symbol", "entrez_gene_id", "cytoband"]
        let samples = t.header.indices.filter { !annotations.contains(t.header[$0].lowercased()) }
        let column: Int
        if let sample {
            guard let k = samples.first(where: { t.header[$0] == sample }) else {
                throw t.fail(.unknownSample, line: t.headerLine, field: nil, "the sample asked for is not a column of the file")
            }
            column = k
        } else {
            guard samples.count == 1 else {
                throw t.fail(.unknownSample, line: t.headerLine, field: nil,
                             "\(samples.count) sample columns: name the case's sample column")
            }
            column = samples[0]
        }
        var calls: [String: CopyNumberAlteration.Kind] = [:]
        for row in t.rows {
            let symbol = row.cells[gene]
            guard !symbol.isEmpty else { throw t.fail(.badValue, line: row.line, field: t.header[gene], "empty gene symbol") }
            let cell = row.cells[column]
            if DelimitedTable.isMissing(cell) { continue }
            let v = try t.double(row, column)
            switch v {
            case 2: calls[symbol] = .amplification
            case -2: calls[symbol] = .deletion
            case -1.5, -1, 0, 1: continue
            default: throw t.fail(.badValue, line: row.line, field: "sample column", "\(cell) is not a discrete copy-number value (-2, -1.5, -1, 0, 1, 2)")
            }
        }
        return CopyNumberCalls(format: .cbioportal, alterations: calls.sorted { $0.key < $1.key }.map { CopyNumberAlteration(gene: $0.key, kind: $0.value) },
                               records: t.rows.count, withoutCopyNumber: 0, filtered: 0, method: CopyNumberRule().method(.cbioportal, build: nil))
    }

    static func vcfSegments(path: String, sample: String?) throws(CaseInputError) -> ([CopyNumberSegment], Int, Int) {
        let vcf = try StructuralVCF(path: path, infoKeys: ["SVTYPE", "END", "CN"], sample: sample, readsFormat: true)
        var out: [CopyNumberSegment] = [], withoutCN = 0, filtered = 0
        for r in vcf.records {
            let type = r.info["SVTYPE"] ?? symbolicType(r.alt)
            guard let type, ["DEL", "DUP", "CNV"].contains(type) else { continue }
            guard r.isPass else { filtered += 1; continue }
            guard let endText = r.info["END"] else { throw vcf.fail(r, field: "INFO/END", "a \(type) record needs END") }
            let end = try vcf.integer(endText, r, field: "INFO/END")
            let start = r.position + 1
            guard start <= end else {
                throw vcf.fail(r, field: "INFO/END", "END \(end) is before the event's first base \(start)", code: .badInterval)
            }
            var copies: Double?
            if let cn = r.copyNumber ?? r.info["CN"], cn != "." {
                copies = try vcf.double(cn, r, field: "CN")
            } else if type == "DEL", let gt = r.genotype, !gt.alleles.isEmpty, gt.alleles.allSatisfy({ $0 != nil && $0 != 0 }) {
                copies = 0
            }
            guard let copies else { withoutCN += 1; continue }
            out.append(CopyNumberSegment(chromosome: Chromosome.normalise(r.chromosome), start: start, end: end, copyNumber: copies, log2: nil,
                                         line: r.line))
        }
        return (out, withoutCN, filtered)
    }

    static func symbolicType(_ alt: String) -> String? {
        guard alt.hasPrefix("<") else { return nil }
        let inner = alt.dropFirst().prefix { $0 != ">" && $0 != ":" }
        return String(inner)
    }
}
