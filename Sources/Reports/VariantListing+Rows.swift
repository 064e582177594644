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

    /// One TSV line, as `appendLine(SomaticVariant)` writes it: composed in a buffer sized for the row
    /// (text fields counted three times over, for U+FFFD repairs), then appended at once.
    private mutating func appendLine(_ row: VariantListingRow) {
        let s = row.summary
        var need = row.chrom.count + 3 * (row.ref.count + row.alt.count + (s?.symbol?.count ?? 0)) + 160
        for f in row.filters { need += f.count + 1 }
        need += (s?.consequence?.utf8.count ?? 0) + (s?.hgvspShort?.utf8.count ?? 0)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: need) { buf in
            var w = ByteCursor(buf.baseAddress!)
            let tab = UInt8(ascii: "\t"), dot = UInt8(ascii: ".")
            row.chrom.withUnsafeBytes { w.bytes($0) }; w.byte(tab)
            w.decimal(row.position); w.byte(tab)
            w.text(row.ref); w.byte(tab)
            w.text(row.alt); w.byte(tab)
            if row.filters.isEmpty { w.byte(dot) } else {
                for (k, f) in row.filters.enumerated() {
                    if k > 0 { w.byte(UInt8(ascii: ";")) }
                    f.withUnsafeBytes { w.bytes($0) }
                }
            }
            w.byte(tab)
            if let g = s?.symbol { w.text(g) } else { w.byte(dot) }
            w.byte(tab)
            if let c = s?.consequence { w.string(c) } else { w.byte(dot) }
            w.byte(tab)
            if let h = s?.hgvspShort { w.string(h) } else { w.byte(dot) }
            w.byte(tab)
            if let vaf = row.support?.vaf {
                if !w.fixed4(vaf) { w.printf4(vaf) }
            } else { w.byte(dot) }
            w.byte(tab)
            if let d = row.support?.depth { w.decimal(d) } else { w.byte(dot) }
            w.byte(UInt8(ascii: "\n"))
            body.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress, count: w.count))
        }
    }

    /// One variant object at depth 2, as `appendObject(SomaticVariant)` writes it through
    /// `PrettyJSON.ObjectWriter` (members in sorted key order, absent ones left out), composed in a
    /// buffer sized for the row. A non-finite QUAL or VAF goes through the `ObjectWriter`, which throws.
    private mutating func appendObject(_ row: VariantListingRow) throws {
        let a = row.annotation, s = row.support
        if let q = row.quality, !q.isFinite { return try appendObjectThroughWriter(row) }
        if let v = s?.vaf, !v.isFinite { return try appendObjectThroughWriter(row) }
        func q(_ n: Int) -> Int { PrettyJSON.quotedCapacity(n) }
        func q(_ t: String?) -> Int { t.map { q($0.utf8.count) } ?? 0 }
        var need = 1024 + q(row.chrom.count) + q(3 * row.ref.count) + q(3 * row.alt.count) + q(3 * (row.id?.count ?? 0))
        need += q(a?.consequence) + q(a?.exon) + q(a?.symbol) + q(a?.hgvsc) + q(a?.hgvsp) + q(a?.hgvspShort) + q(a?.impact) + q(a?.transcript)
        for f in row.filters { need += q(f.count) + 12 }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: need) { buf in
            var w = ByteCursor(buf.baseAddress!)
            if count > 0 { w.byte(UInt8(ascii: ",")); w.byte(UInt8(ascii: "\n")) }
            w.spaces(4); w.byte(UInt8(ascii: "{"))
            var first = true
            func key(_ k: StaticString) {
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.byte(UInt8(ascii: "\n")); w.spaces(6); w.byte(UInt8(ascii: "\""))
                k.withUTF8Buffer { w.bytes(UnsafeRawBufferPointer($0)) }
                w.byte(UInt8(ascii: "\"")); w.byte(UInt8(ascii: " ")); w.byte(UInt8(ascii: ":")); w.byte(UInt8(ascii: " "))
            }
            func string(_ k: StaticString, _ t: String?) { if let t { key(k); w.quoted(t) } }
            func text(_ k: StaticString, _ t: UnsafeRawBufferPointer?) { if let t { key(k); w.quoted(utf8: t) } }
            func integer(_ k: StaticString, _ v: Int?) { if let v { key(k); w.decimal(v) } }
            func double(_ k: StaticString, _ v: Double?) {
                guard let v else { return }
                key(k)
                var d = v.description
                if d.hasSuffix(".0") { d.removeLast(2) }
                w.string(d)
            }
            text("alt", row.alt)
            integer("alt_reads", s?.altReads)
            row.chrom.withUnsafeBytes { text("chrom", $0) }
            string("consequence", a?.consequence)
            integer("depth", s?.depth)
            string("exon", a?.exon)
            key("filter")
            w.byte(UInt8(ascii: "[")); w.byte(UInt8(ascii: "\n"))
            for (i, f) in row.filters.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")); w.byte(UInt8(ascii: "\n")) }
                w.spaces(8)
                f.withUnsafeBytes { w.quoted(utf8: $0) }
            }
            w.byte(UInt8(ascii: "\n")); w.spaces(6); w.byte(UInt8(ascii: "]"))
            string("gene", a?.symbol)
            string("hgvsc", a?.hgvsc)
            string("hgvsp", a?.hgvsp)
            string("hgvsp_short", a?.hgvspShort)
            text("id", row.id)
            string("impact", a?.impact)
            integer("pos", row.position)
            double("qual", row.quality)
            text("ref", row.ref)
            integer("ref_reads", s?.refReads)
            string("support_source", s?.source.rawValue)
            string("transcript", a?.transcript)
            double("vaf", s?.vaf)
            w.byte(UInt8(ascii: "\n")); w.spaces(4); w.byte(UInt8(ascii: "}"))
            body.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress, count: w.count))
        }
    }

    /// `appendObject` through `PrettyJSON.ObjectWriter` (the reference layout; throws on a non-finite double).
    private mutating func appendObjectThroughWriter(_ row: VariantListingRow) throws {
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
        w.strings("filter", count: row.filters.count, into: &body) { row.filters[$0] }
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

/// Writes bytes at a pointer the caller has sized (no capacity or uniqueness check per byte, as
/// appending to an array has).
struct ByteCursor {
    private let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

    @inline(__always) mutating func byte(_ b: UInt8) { base[count] = b; count += 1 }

    mutating func bytes(_ b: UnsafeRawBufferPointer) {
        guard let p = b.baseAddress, b.count > 0 else { return }
        UnsafeMutableRawPointer(base + count).copyMemory(from: p, byteCount: b.count)
        count += b.count
    }

    /// Text bytes as the `String` made from them is written: ill-formed UTF-8 as U+FFFD (up to 3× longer).
    mutating func text(_ b: UnsafeRawBufferPointer) {
        if b.contains(where: { $0 >= 0x80 }) { string(String(decoding: b, as: UTF8.self)) } else { bytes(b) }
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    /// `PrettyJSON.ObjectWriter.appendDecimal`: the decimal digits of `v` (at most 20 bytes).
    mutating func decimal(_ v: Int) {
        if v == Int.min { string(v.description); return }
        var x = v
        if x < 0 { byte(UInt8(ascii: "-")); x = -x }
        var digits = 1, t = x
        while t >= 10 { t /= 10; digits += 1 }
        var k = count + digits - 1
        repeat { base[k] = UInt8(ascii: "0") + UInt8(x % 10); x /= 10; k -= 1 } while x > 0
        count += digits
    }

    /// `x` with four decimals exactly as C's `%.4f` writes it (glibc: the exact binary value rounded half
    /// to even, `-` kept on a negative value that rounds to zero), without `vsnprintf`; at most 13 bytes.
    /// Returns `false`, writing nothing, for values left to `printf4` (non-finite, |x| ≥ 1e6).
    mutating func fixed4(_ x: Double) -> Bool {
        let a = abs(x)
        guard x.isFinite, a < 1e6 else { return false }
        // a·10⁴ exactly as hi + lo (10⁴ is exact, and fma gives the product's rounding error).
        let hi = a * 10_000
        let lo = (-hi).addingProduct(a, 10_000)    // fused: a·10⁴ − hi, exact
        var q = hi.rounded(.down)
        var frac = hi - q                          // exact: hi and its floor share an exponent range
        if frac == 0 && lo < 0 { q -= 1; frac = 1 }
        let d = (frac - 0.5) + lo                  // the sign of (a·10⁴ − q − ½); zero only on an exact tie
        if d > 0 || (d == 0 && q.truncatingRemainder(dividingBy: 2) == 1) { q += 1 }
        let n = Int(q)
        if x.sign == .minus { byte(UInt8(ascii: "-")) }
        decimal(n / 10_000)
        byte(UInt8(ascii: "."))
        let f = n % 10_000, zero = UInt8(ascii: "0")
        byte(zero + UInt8(f / 1000)); byte(zero + UInt8(f / 100 % 10)); byte(zero + UInt8(f / 10 % 10)); byte(zero + UInt8(f % 10))
        return true
    }

    /// `%.4f` through `vsnprintf` (at most 63 bytes; 64 must be free).
    mutating func printf4(_ x: Double) {
        let n = withVaList([x]) { vsnprintf(UnsafeMutableRawPointer(base + count).assumingMemoryBound(to: CChar.self), 64, "%.4f", $0) }
        count += Int(max(0, min(n, 63)))
    }
}

extension VariantListing {
    /// `jsonOptions.escapesSlashes`, read once.
    static let jsonSlashes = jsonOptions.escapesSlashes
}

extension ByteCursor {
    mutating func spaces(_ n: Int) { for _ in 0..<n { byte(UInt8(ascii: " ")) } }

    /// Well-formed UTF-8 quoted by `PrettyJSON.writeQuoted` with the listing's options.
    mutating func quotedUTF8(_ b: UnsafeRawBufferPointer) {
        count += PrettyJSON.writeQuoted(utf8: b, to: base + count, slashes: VariantListing.jsonSlashes)
    }

    /// `s` quoted as `PrettyJSON` writes it (slashes escaped, as the listing's options say).
    mutating func quoted(_ s: String) {
        var s = s
        s.withUTF8 { quotedUTF8(UnsafeRawBufferPointer($0)) }
    }

    /// Text bytes quoted as the `String` made from them is (ill-formed UTF-8 as U+FFFD).
    mutating func quoted(utf8 b: UnsafeRawBufferPointer) {
        if b.contains(where: { $0 >= 0x80 }) { quoted(String(decoding: b, as: UTF8.self)) } else { quotedUTF8(b) }
    }
}
