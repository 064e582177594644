import Foundation
import OncoCore

/// One MAF row: the somatic variant, the tumour sample it was called in, and where it came from.
public struct MAFRecord: Sendable, Hashable {
    /// 1-based line number in the file (header and `#` lines counted).
    public var line: Int
    /// `Tumor_Sample_Barcode` as written in the file (a source identifier: pseudonymise before storing).
    public var tumourSampleBarcode: String
    /// `Matched_Norm_Sample_Barcode`, if present (a source identifier).
    public var normalSampleBarcode: String?
    /// `Variant_Classification` (`Missense_Mutation`, `Silent`, ...).
    public var variantClassification: String
    /// `Variant_Type` (`SNP`, `DEL`, `INS`, `DNP`, ...), if present.
    public var variantType: String?
    public var variant: SomaticVariant
}

/// A streaming reader of Mutation Annotation Format files (GDC/TCGA, MC3, Firehose and cBioPortal
/// `data_mutations*.txt`), plain or gzip-compressed.
///
/// Columns are found by header name (case-insensitive), so column order and extra columns do not
/// matter; `#` lines before the header (GDC `#version 2.4`) are skipped. Required: `Chromosome`,
/// `Start_Position`, `Reference_Allele`, `Tumor_Seq_Allele2` (or `Tumor_Seq_Allele1`),
/// `Tumor_Sample_Barcode`. The R equivalent is `maftools::read.maf`; cBioPortal's importer reads the
/// same columns.
///
/// Allele convention: MAF writes empty alleles as `-`; the key keeps MAF coordinates, so a deletion is
/// `pos` = first deleted base, `ref` = deleted bases, `alt` = `-`, and an insertion is `pos` =
/// `Start_Position` (the base before the insertion), `ref` = `-`, `alt` = inserted bases. Nothing is
/// anchored to a reference base because MAF carries none.
///
/// HGVSp: both spellings are filled — `hgvsp` 3-letter (`p.Val600Glu`), `hgvspShort` 1-letter
/// (`p.V600E`) — from whichever of `HGVSp` / `HGVSp_Short` / `Protein_Change` / `Amino_Acid_Change` is present.
/// Consequence: the `Consequence` column's first SO term when present (GDC/VEP MAFs), else mapped
/// from `Variant_Classification`.
///
/// - Complexity: O(bytes); one line in memory at a time.
public final class MAFReader {
    private let lines: TextLineReader
    private var fields = TabFields()
    private let columns: Columns
    /// Build used when the file has no `NCBI_Build` column or the cell is empty.
    public let defaultBuild: GenomeBuild
    /// The header names in file order.
    public let header: [String]
    public var fileName: String { lines.fileName }
    /// Whole numbers read so far that were written in scientific or decimal notation and accepted
    /// because their value is exact (`Start_Position` `4.7e+07` = 47000000, as R writes it).
    public private(set) var scientificIntegers = 0
    /// Only the fields a warehouse import stores (`importFields`): when true, the 3-letter `hgvsp`, the
    /// normal barcode, `Variant_Type`, HGVSc, transcript, exon, IMPACT, CANONICAL and BIOTYPE are left nil
    /// (not converted, no `String` made). Everything else is read and checked as in the full record.
    public var importFieldsOnly = false

    struct Columns {
        var hugo, chrom, start, end, ref, allele1, allele2, sample, normal, classification, type: Int?
        var hgvsc, hgvsp, hgvspShort, proteinChange, aaChange, transcript, exon, tRef, tAlt, tDepth, tVAF: Int?
        var filter, impact, build, consequence, canonical, biotype: Int?
    }

    /// Opens a MAF and reads up to its header line.
    /// - Throws: `MAFError` (`.missingColumn`, `.noHeader`) or `TextFileError`.
    public init(path: String, defaultBuild: GenomeBuild = .unknown) throws {
        lines = try TextLineReader(path: path)
        self.defaultBuild = defaultBuild
        var headerLine: String?
        while let l = try lines.nextLine() {
            if l.hasPrefix("#") || l.isEmpty { continue }
            headerLine = l
            break
        }
        guard let headerLine else {
            throw MAFError(code: .noHeader, file: lines.fileName, line: lines.lineNumber, field: nil, detail: "")
        }
        header = headerLine.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() where index[h.lowercased()] == nil { index[h.lowercased()] = i }
        func col(_ name: String) -> Int? { index[name.lowercased()] }
        var c = Columns()
        c.hugo = col("Hugo_Symbol"); c.chrom = col("Chromosome"); c.start = col("Start_Position") ?? col("Start_position")
        c.end = col("End_Position") ?? col("End_position")
        c.ref = col("Reference_Allele"); c.allele1 = col("Tumor_Seq_Allele1"); c.allele2 = col("Tumor_Seq_Allele2")
        c.sample = col("Tumor_Sample_Barcode"); c.normal = col("Matched_Norm_Sample_Barcode")
        c.classification = col("Variant_Classification"); c.type = col("Variant_Type")
        c.hgvsc = col("HGVSc"); c.hgvsp = col("HGVSp"); c.hgvspShort = col("HGVSp_Short")
        c.proteinChange = col("Protein_Change"); c.aaChange = col("Amino_Acid_Change")
        c.transcript = col("Transcript_ID"); c.exon = col("Exon_Number")
        c.tRef = col("t_ref_count"); c.tAlt = col("t_alt_count"); c.tDepth = col("t_depth"); c.tVAF = col("t_vaf")
        c.filter = col("FILTER"); c.impact = col("IMPACT"); c.build = col("NCBI_Build")
        c.consequence = col("Consequence"); c.canonical = col("CANONICAL"); c.biotype = col("BIOTYPE")
        for (name, value) in [("Chromosome", c.chrom), ("Start_Position", c.start), ("Reference_Allele", c.ref),
                              ("Tumor_Sample_Barcode", c.sample)] where value == nil {
            throw MAFError(code: .missingColumn, file: lines.fileName, line: lines.lineNumber, field: name, detail: "")
        }
        if c.allele2 == nil && c.allele1 == nil {
            throw MAFError(code: .missingColumn, file: lines.fileName, line: lines.lineNumber, field: "Tumor_Seq_Allele2", detail: "")
        }
        columns = c
    }

    /// The next record, or nil at end of file. Blank lines and `#` comment lines are skipped.
    /// - Throws: `MAFError` naming file, line and field for a malformed row.
    public func next() throws -> MAFRecord? {
        while true {
            let result: MAFRecord?? = try lines.withNextLine { bytes -> MAFRecord? in
                if bytes.isEmpty || bytes[0] == UInt8(ascii: "#") { return nil }
                return try parse(bytes)
            }
            switch result {
            case .none: return nil            // end of file
            case .some(.none): continue       // skipped line
            case .some(.some(let r)): return r
            }
        }
    }

    /// `-`, or bases `ACGTN` in either case.
    static func isAllele(_ allele: String) -> Bool {
        if allele == "-" { return true }
        for b in allele.utf8 {
            switch b {
            case UInt8(ascii: "A"), UInt8(ascii: "C"), UInt8(ascii: "G"), UInt8(ascii: "T"), UInt8(ascii: "N"),
                 UInt8(ascii: "a"), UInt8(ascii: "c"), UInt8(ascii: "g"), UInt8(ascii: "t"), UInt8(ascii: "n"): continue
            default: return false
            }
        }
        return true
    }

    private func fail(_ code: MAFError.Code, _ field: String?, _ detail: String = "") -> MAFError {
        MAFError(code: code, file: lines.fileName, line: lines.lineNumber, field: field, detail: detail)
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> MAFRecord {
        fields.split(bytes)
        if fields.count != header.count {
            throw fail(.columnCount, nil, "\(fields.count) columns, header has \(header.count)")
        }
        let c = columns
        /// A cell's bytes, nil when absent or missing (empty, `.`, `NA`).
        func cell(_ i: Int?) -> UnsafeBufferPointer<UInt8>? {
            guard let i else { return nil }
            let b = fields.bytes(i, in: bytes)
            if b.isEmpty || (b.count == 1 && b[0] == UInt8(ascii: ".")) || (b.count == 2 && b[0] == UInt8(ascii: "N") && b[1] == UInt8(ascii: "A")) {
                return nil
            }
            return b
        }
        /// A cell as a string, nil when absent or missing (checked on the bytes, before a `String` is made).
        func s(_ i: Int?) -> String? {
            cell(i).map { String(decoding: $0, as: UTF8.self) }
        }
        func int(_ i: Int?, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let b = cell(i) else { return nil }
            do {
                let r = try NumberField.integer(b, field: name, in: range)
                if r.notation == .scientific { scientificIntegers += 1 }
                return r.value
            } catch {
                throw fail(.badNumber, name, error.problem)
            }
        }
        guard let chromRaw = s(c.chrom) else { throw fail(.missingValue, "Chromosome") }
        guard let start = try int(c.start, "Start_Position", in: NumberField.position) else {
            throw fail(.missingValue, "Start_Position")
        }
        guard let sample = s(c.sample) else { throw fail(.missingValue, "Tumor_Sample_Barcode") }
        guard let ref = s(c.ref) else { throw fail(.missingValue, "Reference_Allele") }
        let a1 = s(c.allele1), a2 = s(c.allele2)
        // The tumour allele: Tumor_Seq_Allele2, unless it equals the reference (then Allele1).
        var alt: String?
        if let a2, a2 != ref { alt = a2 } else if let a1, a1 != ref { alt = a1 } else { alt = a2 ?? a1 }
        guard let alt, alt != ref else { throw fail(.missingValue, "Tumor_Seq_Allele2", "no tumour allele different from the reference") }
        if !Self.isAllele(ref) { throw fail(.badAllele, "Reference_Allele", ref) }
        if !Self.isAllele(alt) { throw fail(.badAllele, "Tumor_Seq_Allele2", alt) }
        var build = defaultBuild
        if let b = s(c.build) {
            let parsed = GenomeBuild(parsing: b)
            if parsed != .unknown { build = parsed }
        }
        let classification = s(c.classification) ?? ""
        var consequences: [String] = []
        if let csq = s(c.consequence) {
            consequences = csq.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "&" }).map(String.init)
                .sorted { Consequence.rank($0) < Consequence.rank($1) }
        } else if let so = Consequence.fromMAFClassification(classification) {
            consequences = [so]
        }
        // Protein change in either spelling.
        let longSource = s(c.hgvsp)
        let shortSource = s(c.hgvspShort) ?? s(c.proteinChange) ?? s(c.aaChange)
        var hgvsp: String?, hgvspShort: String?
        let lean = importFieldsOnly
        if let longSource {
            hgvspShort = shortSource.map { AminoAcid.shortHGVSp($0) } ?? AminoAcid.shortHGVSp(longSource)
            hgvsp = lean ? nil : AminoAcid.longHGVSp(longSource)
        } else if let shortSource {
            hgvspShort = AminoAcid.shortHGVSp(shortSource)
            hgvsp = lean ? nil : AminoAcid.longHGVSp(hgvspShort!)
        }
        if hgvspShort == "p." { hgvspShort = nil; hgvsp = nil }
        let tRef = try int(c.tRef, "t_ref_count", in: NumberField.count), tAlt = try int(c.tAlt, "t_alt_count", in: NumberField.count)
        var depth = try int(c.tDepth, "t_depth", in: NumberField.count)
        if depth == nil, let tRef, let tAlt { depth = tRef + tAlt }
        var vaf: Double?
        if let b = cell(c.tVAF) {
            do { vaf = try NumberField.double(b, field: "t_vaf", in: 0...1) } catch { throw fail(.badNumber, "t_vaf", error.problem) }
        } else if let tAlt, let depth, depth > 0 {
            vaf = Double(tAlt) / Double(depth)
        }
        let support: ReadSupport? = (tRef == nil && tAlt == nil && depth == nil && vaf == nil)
            ? nil : ReadSupport(refReads: tRef, altReads: tAlt, depth: depth, vaf: vaf, source: .maf)
        let filters = s(c.filter).map { f in
            f.split(whereSeparator: { $0 == "," || $0 == ";" }).map(String.init)
        } ?? []
        let annotation = VariantAnnotation(
            symbol: s(c.hugo), transcript: lean ? nil : s(c.transcript), consequences: consequences, hgvsc: lean ? nil : s(c.hgvsc),
            hgvsp: hgvsp, hgvspShort: hgvspShort, exon: lean ? nil : s(c.exon), impact: lean ? nil : s(c.impact),
            canonical: !lean && s(c.canonical) == "YES", biotype: lean ? nil : s(c.biotype))
        let key = VariantKey(build: build, chrom: chromRaw, position: start, ref: ref, alt: alt)
        return MAFRecord(line: lines.lineNumber, tumourSampleBarcode: sample, normalSampleBarcode: lean ? nil : s(c.normal),
                         variantClassification: classification, variantType: lean ? nil : s(c.type),
                         variant: SomaticVariant(key: key, filters: filters, annotation: annotation, support: support))
    }
}

/// A malformed MAF: what is wrong, in which file, line and column. Never carries sample barcodes; a
/// number that cannot be read is named with its value (`NumberParseError.problem`).
public struct MAFError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String { case noHeader, missingColumn, columnCount, missingValue, badNumber, badAllele }
        fileprivate let base: Base
        public static let noHeader = Code(base: .noHeader)
        public static let missingColumn = Code(base: .missingColumn)
        public static let columnCount = Code(base: .columnCount)
        public static let missingValue = Code(base: .missingValue)
        public static let badNumber = Code(base: .badNumber)
        public static let badAllele = Code(base: .badAllele)
        public var description: String { base.rawValue }
    }
    public let code: Code
    public let file: String
    public let line: Int
    public let field: String?
    let detail: String

    public var description: String {
        let at = "\(file):\(line)"
        switch code.base {
        case .noHeader: return "\(at): no MAF header line found"
        case .missingColumn: return "\(at): required column \(field ?? "?") is missing from the header"
        case .columnCount: return "\(at): wrong number of columns (\(detail))"
        case .missingValue: return "\(at): field \(field ?? "?") is empty"
        case .badNumber: return "\(at): field \(field ?? "?"): \(detail)"
        case .badAllele: return "\(at): field \(field ?? "?") is not an allele (A, C, G, T, N or -)"
        }
    }
    public var debugDescription: String { "MAFError(\(code), \(file):\(line), field: \(field ?? "-"), \(detail))" }
}
