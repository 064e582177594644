import Foundation
import Genomics
import OncoCore

/// The listing written from `VariantRowReader`'s rows: the bytes `append(SomaticVariant)` writes for the
/// same variant (`VariantListingTests` compares both on every listing fixture), without the
/// `SomaticVariant`.
extension VariantListing {
    /// Reads `options` and lists its variants (`passOnly`: those `SomaticVariant.isPass` keeps): from
    /// the record bytes (`VariantRowReader`) when it handles the read, else through `VariantFiles.stream`.
    /// - Throws: what the read throws; nothing is listed then.
    public static func list(_ options: VariantReadOptions, format: Format, passOnly: Bool = false) throws
        -> (listing: VariantListing, calls: TumourCallSet) {
        var listing = VariantListing(format: format)
        var options = options
        options.annotationDetail = listing.annotationDetail
        let calls: TumourCallSet
        if VariantRowReader.handles(options) {
            calls = try VariantRowReader(options).forEachRow { row in
                if !passOnly || row.isPass { try listing.append(row) }
            }
        } else {
            calls = try VariantFiles.stream(options) { v in
                if !passOnly || v.isPass { try listing.append(v) }
            }
        }
        return (listing, calls)
    }

    /// Adds one row (`annotationDetail` must be what the reader was given).
    /// - Throws: `EncodingError` for a non-finite QUAL or VAF in JSON (as `JSONEncoder` would).
    public mutating func append(_ row: VariantListingRow) throws {
        switch format {
        case .tsv: appendLine(row)
        case .json: try appendObject(row)
        }
        count += 1
    }

    /// Text bytes as the `String` made from them would be written (ill-formed UTF-8 as U+FFFD).
    private mutating func put(utf8 b: UnsafeRawBufferPointer) {
        if b.contains(where: { $0 >= 0x80 }) { put(String(decoding: b, as: UTF8.self)) } else { body.append(contentsOf: b) }
    }

    private mutating func appendLine(_ row: VariantListingRow) {
        body.append(contentsOf: row.chrom); tab()
        PrettyJSON.ObjectWriter.appendDecimal(row.position, to: &body); tab()
        put(utf8: row.ref); tab()
        put(utf8: row.alt); tab()
        if row.filters.isEmpty { dot() } else {
            for (k, f) in row.filters.enumerated() {
                if k > 0 { body.append(UInt8(ascii: ";")) }
                body.append(contentsOf: f)
            }
        }
        tab()
        let a = row.summary
        if let g = a?.symbol { put(utf8: g) } else { dot() }
        tab()
        if let c = a?.consequence { put(c) } else { dot() }
        tab()
        if let h = a?.hgvspShort { put(h) } else { dot() }
        tab()
        putVAF(row.support?.vaf)
        tab()
        if let d = row.support?.depth { PrettyJSON.ObjectWriter.appendDecimal(d, to: &body) } else { dot() }
        body.append(UInt8(ascii: "\n"))
    }

    /// One variant object at depth 2, as `appendObject(SomaticVariant)` writes it.
    private mutating func appendObject(_ row: VariantListingRow) throws {
        if count > 0 { body.append(UInt8(ascii: ",")); body.append(UInt8(ascii: "\n")) }
        for _ in 0..<4 { body.append(UInt8(ascii: " ")) }
        let a = row.annotation, s = row.support
        var w = PrettyJSON.ObjectWriter(into: &body, indent: 2, options: Self.jsonOptions)
        w.string("alt", utf8: row.alt, into: &body)
        w.integer("alt_reads", s?.altReads, into: &body)
        row.chrom.withUnsafeBytes { w.string("chrom", utf8: $0, into: &body) }
        w.string("consequence", a?.consequence, into: &body)
        w.integer("depth", s?.depth, into: &body)
        w.string("exon", a?.exon, into: &body)
        w.strings("filter", utf8: row.filters, into: &body)
        w.string("gene", a?.symbol, into: &body)
        w.string("hgvsc", a?.hgvsc, into: &body)
        w.string("hgvsp", a?.hgvsp, into: &body)
        w.string("hgvsp_short", a?.hgvspShort, into: &body)
        w.string("id", utf8: row.id, into: &body)
        w.string("impact", a?.impact, into: &body)
        w.integer("pos", row.position, into: &body)
        try w.double("qual", row.quality, into: &body)
        w.string("ref", utf8: row.ref, into: &body)
        w.integer("ref_reads", s?.refReads, into: &body)
        w.string("support_source", s?.source.rawValue, into: &body)
        w.string("transcript", a?.transcript, into: &body)
        try w.double("vaf", s?.vaf, into: &body)
        w.finish(into: &body)
    }
}
