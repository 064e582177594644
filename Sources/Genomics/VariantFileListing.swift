import CHTSlib
import Foundation
import OncoCore

/// One row of `onco variants`: one ALT of the current record, normalised (trimmed) as `SomaticVariant`
/// is, read straight from htslib's record and the INFO CSQ/ANN bytes. The byte fields point into the
/// reader's record and are valid only inside the `VariantRowReader.forEachRow` callback.
public struct VariantListingRow {
    /// CHROM without `chr` (`Chromosome.normalise`), as UTF-8.
    public var chrom: [UInt8]
    /// 1-based, after trimming.
    public var position: Int
    public var ref: UnsafeRawBufferPointer
    public var alt: UnsafeRawBufferPointer
    /// The ID column, `nil` when `.` or empty.
    public var id: UnsafeRawBufferPointer?
    public var quality: Double?
    /// FILTER values as UTF-8 (PASS is `["PASS"]`, `.` is empty), in file order.
    public var filters: Filters
    /// The chosen CSQ/ANN entry's printed fields, when the listing asked for the summary.
    public var summary: EntrySummary?
    /// The chosen CSQ/ANN entry whole, when the listing asked for full detail.
    public var annotation: VariantAnnotation?
    public var support: ReadSupport?

    /// PASS or unfiltered (`.`), as `SomaticVariant.isPass`.
    public var isPass: Bool {
        filters.count == 0 || (filters.count == 1 && filters[0].elementsEqual("PASS".utf8))
    }

    /// A record's FILTER ids with the reader's names for them.
    public struct Filters: RandomAccessCollection {
        let ids: UnsafeBufferPointer<Int32>
        let names: [[UInt8]]
        public var startIndex: Int { 0 }
        public var endIndex: Int { ids.count }
        public subscript(i: Int) -> [UInt8] { names[Int(ids[i])] }
    }
}

/// Reads a VCF/BCF for listing (`onco variants`): the same records, checks, errors and skipped counts
/// as `SomaticVariantReader`, and the same values as its `SomaticVariant`s, handed out as
/// `VariantListingRow`s without building a `SomaticVariant`, a `VariantRecord` or per-field strings.
/// Only for reads with FORMAT support and the file's own annotation (`handles`).
public final class VariantRowReader {
    public let options: VariantReadOptions
    public let header: VariantHeader
    public let build: GenomeBuild
    public let tumour: TumourSampleChoice
    let reader: VariantFileReader
    let picker: ConsequencePicker?
    let annotationTag: String?
    var annotationKey: FieldKey?
    /// Normalised CHROM bytes by htslib contig id.
    var chromByRid: [[UInt8]?] = []
    /// FILTER names by header id (`reader.filterName`), as UTF-8.
    var filterNames: [[UInt8]] = []
    var filterIds: [Int32] = []
    /// Per ALT of the current record (placeholders and `.` included, as `VariantRecord.alts`).
    var alts: [UnsafePointer<CChar>] = []
    var supports: [ReadSupport?] = []

    /// Whether `options` are read here: a VCF/BCF with FORMAT support and its own annotation (no MAF,
    /// BAM, reference FASTA or in-process annotation: those go through `VariantFiles.stream`).
    public static func handles(_ options: VariantReadOptions) -> Bool {
        options.bamPath == nil && options.referenceFasta == nil && options.consequenceSource == nil
            && !MAFCase.isMAF(path: options.path)
    }

    /// Opens the file as `SomaticVariantReader` does (the same errors, in the same order).
    public init(_ options: VariantReadOptions) throws {
        precondition(options.bamPath == nil && options.referenceFasta == nil && options.consequenceSource == nil)
        self.options = options
        let opened = try OpenedVariantFile(options)
        (reader, header, build, tumour, picker, annotationTag) =
            (opened.reader, opened.reader.header, opened.build, opened.tumour, opened.picker, opened.annotationTag)
    }

    /// Calls `body` for each row, in file order, and returns the call set's description (`variants`
    /// empty), as `VariantFiles.stream` does.
    /// - Throws: `VariantFileError` as `SomaticVariantReader.next`; what `body` throws.
    public func forEachRow(_ body: (VariantListingRow) throws -> Void) throws -> TumourCallSet {
        while try reader.advance() {
            try readRecord(body)
        }
        let tumourName = tumour.tumour.map { header.samples[$0] }
        let normalName = tumour.normal.map { header.samples[$0] }
        return TumourCallSet(build: build, sample: tumourName, normalSample: normalName, variants: [],
                             annotator: header.annotationLayout?.annotator, recordCount: reader.recordCount,
                             supportSource: tumour.tumour != nil ? .format : nil, skipped: reader.skipped)
    }

    private func readRecord(_ body: (VariantListingRow) throws -> Void) throws {
        let r = reader.rec.pointee
        let n = Int(r.n_allele)
        alts.removeAll(keepingCapacity: true)
        guard n > 0, let alleles = r.d.allele, let refPointer = alleles[0] else { return }
        for i in 1..<max(n, 1) {
            guard let a = alleles[i] else { continue }
            if a[0] == 0x2E && a[1] == 0 { continue }   // "." as ALT
            alts.append(UnsafePointer(a))
        }
        guard alts.contains(where: { !Self.isPlaceholder($0) }) else { return }
        if annotationKey == nil, let tag = annotationTag { annotationKey = reader.infoKey(tag) }
        // Strings only for what takes them: the CSQ allele matcher and `formatSupport`'s base lookup.
        let ref = String(cString: refPointer)
        let altStrings = alts.map { String(cString: $0) }
        supports.removeAll(keepingCapacity: true)
        for a in alts.indices {
            guard !Self.isPlaceholder(alts[a]) else { supports.append(nil); continue }
            let support = reader.formatSupport(sample: tumour.tumour, altIndex: a, ref: ref, alt: altStrings[a])
            if let vaf = support?.vaf, !vaf.isFinite {
                try reader.reject(VariantFileError(.recordMalformed, path: options.path, location: reader.location(site: "\(reader.currentContig):\(reader.currentPosition)"),
                                                   problem: "the tumour sample's allele fraction (FORMAT AF/FA/FREQ or INFO TVAF) for ALT \(altStrings[a]) is \"\(vaf.isNaN ? "nan" : vaf > 0 ? "inf" : "-inf")\", not a finite number"))
                return
            }
            supports.append(support)
        }
        var row = VariantListingRow(chrom: chrom(), position: 0, ref: UnsafeRawBufferPointer(start: nil, count: 0),
                                    alt: UnsafeRawBufferPointer(start: nil, count: 0), id: id(r),
                                    quality: chts_float_missing(r.qual) != 0 ? nil : SomaticVariantReader.decimalQuality(Double(r.qual)),
                                    filters: filters(r), summary: nil, annotation: nil, support: nil)
        let refBytes = UnsafeRawBufferPointer(start: refPointer, count: strlen(refPointer))
        // The chosen CSQ/ANN entries' field ranges, per ALT (`chooseEntries(_:ref:alts:fields:)`).
        let width = 2 * (picker?.layout.scanLimit ?? 0)
        func emit(_ value: UnsafeRawBufferPointer?, _ chosen: UnsafeMutableBufferPointer<Int>) throws {
            var entries: [Range<Int>?] = []
            if let picker, let value, value.count > 0 {
                entries = picker.chooseEntries(value, ref: ref, alts: altStrings, fields: picker.detail == .summary ? chosen : nil)
            }
            for a in alts.indices where !Self.isPlaceholder(alts[a]) {
                let altBytes = UnsafeRawBufferPointer(start: alts[a], count: strlen(alts[a]))
                let t = Self.trim(ref: refBytes, alt: altBytes)
                row.position = Int(r.pos) + 1 + t.start
                row.ref = UnsafeRawBufferPointer(rebasing: refBytes[t.start..<(refBytes.count - t.end)])
                row.alt = UnsafeRawBufferPointer(rebasing: altBytes[t.start..<(altBytes.count - t.end)])
                row.support = supports[a]
                row.summary = nil
                row.annotation = nil
                if let picker, let value, a < entries.count, let entry = entries[a] {
                    if picker.detail == .summary {
                        row.summary = picker.summary(value, fields: UnsafeBufferPointer(rebasing: chosen[(a * width)..<((a + 1) * width)]))
                    } else {
                        row.annotation = picker.annotation(value, entry: entry)
                    }
                }
                try body(row)
            }
        }
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, alts.count * width)) { chosen in
            if let key = annotationKey, picker != nil, try reader.withInfoBytes(key, { try emit($0, chosen) }) != nil { return }
            try emit(nil, chosen)
        }
    }

    /// `AlleleNormalisation.trim` as offsets: bases to drop at the start and at the end of both alleles
    /// (none unless both are plain sequences and differ).
    static func trim(ref: UnsafeRawBufferPointer, alt: UnsafeRawBufferPointer) -> (start: Int, end: Int) {
        guard isPlain(ref), isPlain(alt), !ref.elementsEqual(alt) else { return (0, 0) }
        let up = AlleleNormalisation.upper
        var end = 0
        while ref.count - end > 1, alt.count - end > 1, up(ref[ref.count - 1 - end]) == up(alt[alt.count - 1 - end]) { end += 1 }
        var start = 0
        while ref.count - end - start > 1, alt.count - end - start > 1, up(ref[start]) == up(alt[start]) { start += 1 }
        return (start, end)
    }

    /// `AlleleNormalisation.isPlainSequence` of bytes.
    static func isPlain(_ s: UnsafeRawBufferPointer) -> Bool {
        !s.isEmpty && s.allSatisfy { b in
            switch b | 0x20 {
            case UInt8(ascii: "a"), UInt8(ascii: "c"), UInt8(ascii: "g"), UInt8(ascii: "t"), UInt8(ascii: "n"): return true
            default: return false
            }
        }
    }

    /// `SomaticVariantReader.isPlaceholder` of a C string.
    static func isPlaceholder(_ a: UnsafePointer<CChar>) -> Bool {
        switch UInt8(bitPattern: a[0]) {
        case UInt8(ascii: "*"), UInt8(ascii: "<"), UInt8(ascii: "."), UInt8(ascii: "X"): break
        default: return false   // every placeholder starts with one of these
        }
        return strcmp(a, "*") == 0 || strcmp(a, "<*>") == 0 || strcmp(a, "<NON_REF>") == 0 || strcmp(a, ".") == 0
            || strcmp(a, "<X>") == 0 || strcmp(a, "X") == 0
    }

    private func chrom() -> [UInt8] {
        let rid = Int(reader.rec.pointee.rid)
        if rid >= 0, rid < chromByRid.count, let c = chromByRid[rid] { return c }
        let c = Array(Chromosome.normalise(reader.currentContig).utf8)
        if rid >= 0 {
            if rid >= chromByRid.count { chromByRid.append(contentsOf: repeatElement([UInt8]?.none, count: rid + 1 - chromByRid.count)) }
            chromByRid[rid] = c
        }
        return c
    }

    private func id(_ r: bcf1_t) -> UnsafeRawBufferPointer? {
        guard let p = r.d.id, p[0] != 0, !(p[0] == 0x2E && p[1] == 0) else { return nil }
        return UnsafeRawBufferPointer(start: p, count: strlen(p))
    }

    private func filters(_ r: bcf1_t) -> VariantListingRow.Filters {
        let n = Int(r.d.n_flt)
        guard n > 0, let flt = r.d.flt else { return VariantListingRow.Filters(ids: UnsafeBufferPointer(start: nil, count: 0), names: filterNames) }
        for i in 0..<n where Int(flt[i]) >= filterNames.count || filterNames[Int(flt[i])].isEmpty {
            let id = Int(flt[i])
            if id >= filterNames.count { filterNames.append(contentsOf: repeatElement([], count: id + 1 - filterNames.count)) }
            filterNames[id] = Array(reader.filterName(flt[i]).utf8)
        }
        return VariantListingRow.Filters(ids: UnsafeBufferPointer(start: flt, count: n), names: filterNames)
    }
}
