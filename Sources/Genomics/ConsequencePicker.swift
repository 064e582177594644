import Foundation
import OncoCore

/// One transcript (or regulatory, intergenic) consequence of one ALT allele, as annotated.
public struct TranscriptConsequence: Sendable, Hashable {
    /// 0-based index into the record's ALT alleles.
    public var altIndex: Int
    public var annotation: VariantAnnotation
    /// VEP's own choice (`PICK=1`, from `--flag_pick`/`--flag_pick_allele`).
    public var flaggedByAnnotator: Bool
}

/// Parses VEP `CSQ` / snpEff `ANN` values and chooses one consequence per ALT allele the way VEP's
/// `--pick_allele` does.
///
/// The value is scanned as bytes (a `String.split` over the value was 7× slower than htslib's own
/// parse, HTSLIB_NOTES.md); only the chosen entries are turned into strings.
///
/// Entries are matched to ALTs by `ALLELE_NUM` when present, else by VEP's allele spelling (an indel
/// record whose alleles share their first base loses it, `-` for empty; a SNV/MNP keeps the ALT) or,
/// for snpEff, the ALT itself. Entries matching no ALT (`*`, snpEff's cancer `ALT-REF` pairs) are
/// ignored.
///
/// Among one allele's entries the first by this order wins (VEP's default `--pick_order`,
/// `mane_select,mane_plus_clinical,canonical,appris,tsl,biotype,ccds,rank,length,ensembl,refseq`):
/// 0. `PICK=1` already set by VEP (it applied the same order with its full transcript data), unless
///    `honoursAnnotatorPick` is false;
/// 1. MANE Select (`MANE_SELECT`, or VEP 103's `MANE`) set;
/// 2. MANE Plus Clinical set;
/// 3. `CANONICAL=YES`;
/// 4. APPRIS: principal 1…5, then alternative 1…2, then none;
/// 5. transcript support level: 1…5, then none;
/// 6. `BIOTYPE=protein_coding`;
/// 7. a CCDS id;
/// 8. severity of the entry's most severe consequence (`Consequence.severityOrder`);
/// 9. the longer transcript (cDNA length, from `cDNA_position` `pos/length` when VEP ran with `--total_length`);
/// 10. Ensembl (`ENST…`) before RefSeq;
/// 11. order in the file.
/// snpEff has no MANE/canonical/APPRIS/TSL/CCDS fields, so its entries are ordered by biotype,
/// severity and length.
public struct ConsequencePicker: Sendable {
    /// How much of the chosen entry is turned into strings.
    public enum Detail: Sendable, Hashable {
        /// Every field of `VariantAnnotation`.
        case full
        /// Only gene symbol, consequence terms and the 1-letter HGVSp (what `onco variants --format tsv`
        /// prints); the other fields stay `nil`/`false`. The choice of entry is the same.
        case summary
    }

    public let layout: AnnotationLayout
    public var detail: Detail
    /// Whether an entry VEP flagged `PICK=1` wins outright (default). Turn off to apply the order
    /// above to every entry (how the tests check this order against VEP's own picks).
    public var honoursAnnotatorPick: Bool

    public init(layout: AnnotationLayout, honoursAnnotatorPick: Bool = true, detail: Detail = .full) {
        self.layout = layout
        self.honoursAnnotatorPick = honoursAnnotatorPick
        self.detail = detail
    }

    /// The chosen annotation for each ALT (`nil` where no entry matches that ALT).
    /// - Complexity: O(length of the value); strings are made only for the chosen entries.
    public func pick(_ value: UnsafeRawBufferPointer, ref: String, alts: [String]) -> [VariantAnnotation?] {
        guard !alts.isEmpty, value.count > 0 else { return Array(repeating: nil, count: alts.count) }
        return chooseEntries(value, ref: ref, alts: alts).map { $0.flatMap { annotation(value, entry: $0) } }
    }

    /// The entry `pick` chooses for each ALT, as its byte range in `value` (`nil` where no entry matches
    /// that ALT); nothing is turned into strings. `value` must not be empty.
    func chooseEntries(_ value: UnsafeRawBufferPointer, ref: String, alts: [String]) -> [Range<Int>?] {
        chooseEntries(value, ref: ref, alts: alts, fields: nil)
    }

    /// `chooseEntries`, also copying each chosen entry's field ranges (offsets into `value`, `2 * scanLimit`
    /// per ALT) into `fields`, so the entry is read without scanning it again (`summary(_:fields:)`).
    func chooseEntries(_ value: UnsafeRawBufferPointer, ref: String, alts: [String], fields chosen: UnsafeMutableBufferPointer<Int>?) -> [Range<Int>?] {
        var matcher = AlleleMatcher(layout: layout, ref: ref, alts: alts)
        var best = [(key: PickKey, start: Int, end: Int)?](repeating: nil, count: alts.count)
        var order = 0
        let width = 2 * layout.scanLimit
        forEachEntry(value) { start, end, fields in
            defer { order += 1 }
            guard let alt = matcher.altIndex(value, fields) else { return }
            let key = pickKey(value, fields, order: order)
            if let current = best[alt], !(key < current.key) { return }
            best[alt] = (key, start, end)
            if let chosen { for k in 0..<width { chosen[alt * width + k] = fields.ranges[k] } }
        }
        return best.map { b in b.map { $0.start..<$0.end } }
    }

    /// The annotation of one entry of `value` (a range from `chooseEntries`), with this picker's detail.
    func annotation(_ value: UnsafeRawBufferPointer, entry: Range<Int>) -> VariantAnnotation? {
        let e = UnsafeRawBufferPointer(rebasing: value[entry])
        var annotation: VariantAnnotation?
        forEachEntry(e) { _, _, fields in annotation = materialise(e, fields) }
        return annotation
    }

    /// `pick` over a `String` value.
    public func pick(_ value: String, ref: String, alts: [String]) -> [VariantAnnotation?] {
        var v = value
        return v.withUTF8 { pick(UnsafeRawBufferPointer($0), ref: ref, alts: alts) }
    }

    /// Every entry of a value that matches an ALT, in file order (for inspection and tests).
    public func parseAll(_ value: String, ref: String, alts: [String]) -> [TranscriptConsequence] {
        var v = value
        return v.withUTF8 { buf -> [TranscriptConsequence] in
            let raw = UnsafeRawBufferPointer(buf)
            var matcher = AlleleMatcher(layout: layout, ref: ref, alts: alts)
            var out: [TranscriptConsequence] = []
            forEachEntry(raw) { _, _, fields in
                guard let alt = matcher.altIndex(raw, fields) else { return }
                let flagged = layout.pick.map { fields.equals(raw, $0, "1") } ?? false
                out.append(TranscriptConsequence(altIndex: alt, annotation: materialise(raw, fields), flaggedByAnnotator: flagged))
            }
            return out
        }
    }

    // MARK: Scanning

    /// Calls `body` for each `,`-separated entry with the byte ranges of its first `scanLimit` fields.
    func forEachEntry(_ value: UnsafeRawBufferPointer, _ body: (Int, Int, EntryFields) -> Void) {
        let limit = layout.scanLimit
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * limit) { ranges in
            var i = 0
            let n = value.count
            while i <= n {
                let entryStart = i
                var field = 0
                var fieldStart = i
                while i < n {
                    // Eight bytes at a time up to the word holding the next `,` or `|` (fields are short, entries long).
                    while i + 8 <= n, !Self.hasDelimiter(value.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { i += 8 }
                    guard i < n else { break }
                    let b = value[i]
                    if b == UInt8(ascii: ",") { break }
                    if b == UInt8(ascii: "|") {
                        if field < limit { ranges[2 * field] = fieldStart; ranges[2 * field + 1] = i }
                        field += 1
                        fieldStart = i + 1
                    }
                    i += 1
                }
                if field < limit { ranges[2 * field] = fieldStart; ranges[2 * field + 1] = i }
                field += 1
                let filled = min(field, limit)
                for f in filled..<limit { ranges[2 * f] = i; ranges[2 * f + 1] = i }
                if i > entryStart {
                    body(entryStart, i, EntryFields(ranges: UnsafeBufferPointer(ranges), base: entryStart))
                }
                i += 1
            }
        }
    }

    /// Whether one of the eight bytes of `w` is `,` or `|` (the zero-byte test of Hacker's Delight 6-1 on
    /// `w` XOR each delimiter repeated).
    @inline(__always) static func hasDelimiter(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let comma = w ^ (ones &* UInt64(UInt8(ascii: ","))), bar = w ^ (ones &* UInt64(UInt8(ascii: "|")))
        return ((comma &- ones) & ~comma & highs) | ((bar &- ones) & ~bar & highs) != 0
    }

    private func pickKey(_ v: UnsafeRawBufferPointer, _ f: EntryFields, order: Int) -> PickKey {
        let l = layout
        var k = PickKey(order: order)
        if honoursAnnotatorPick, let p = l.pick { k.annotatorPick = f.equals(v, p, "1") ? 0 : 1 }
        if let i = l.maneSelect { k.mane = f.isEmpty(i) ? 1 : 0 }
        if let i = l.manePlusClinical { k.manePlusClinical = f.isEmpty(i) ? 1 : 0 }
        if let i = l.canonical { k.canonical = f.equals(v, i, "YES") ? 0 : 1 }
        if let i = l.appris { k.appris = Self.apprisRank(f.slice(v, i)) }
        if let i = l.tsl { k.tsl = Self.tslRank(f.slice(v, i)) }
        if let i = l.biotype { k.biotype = f.equals(v, i, "protein_coding") ? 0 : 1 }
        if let i = l.ccds { k.ccds = f.isEmpty(i) ? 1 : 0 }
        if let i = l.consequence { k.severity = ConsequenceTerms.mostSevereRank(f.slice(v, i)) }
        if let i = l.cdnaPosition { k.length = -Self.totalLength(f.slice(v, i)) }
        if let i = l.feature { k.refSeq = f.hasPrefix(v, i, "ENS") ? 0 : 1 }
        return k
    }

    /// APPRIS `P1`…`P5` / `principal1` → 1…5; `A1`, `A2` / `alternative1` → 11, 12; none → 100.
    static func apprisRank(_ s: UnsafeRawBufferPointer) -> Int {
        guard let first = s.first, let last = s.last, last >= UInt8(ascii: "0"), last <= UInt8(ascii: "9") else { return 100 }
        let digit = Int(last - UInt8(ascii: "0"))
        switch first {
        case UInt8(ascii: "P"), UInt8(ascii: "p"): return digit
        case UInt8(ascii: "A"), UInt8(ascii: "a"): return 10 + digit
        default: return 100
        }
    }

    /// TSL `1`…`5` (possibly with a ` (assigned to previous version …)` suffix); `NA` or none → 100.
    static func tslRank(_ s: UnsafeRawBufferPointer) -> Int {
        guard let first = s.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "5") else { return 100 }
        return Int(first - UInt8(ascii: "0"))
    }

    /// The length after `/` in `cDNA_position` (`662/9146` → 9146), 0 when absent. A length too
    /// large for `Int` is no transcript's length: it is ignored (0) like a missing one, never a trap.
    static func totalLength(_ s: UnsafeRawBufferPointer) -> Int {
        guard let slash = s.firstIndex(of: UInt8(ascii: "/")) else { return 0 }
        var n = 0
        for b in s[(slash + 1)...] {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { break }
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
            if o1 || o2 { return 0 }
            n = next
        }
        return n
    }

    // MARK: Materialising

    private func materialise(_ v: UnsafeRawBufferPointer, _ f: EntryFields) -> VariantAnnotation {
        let l = layout
        func text(_ i: Int?) -> String? {
            guard let i, !f.isEmpty(i) else { return nil }
            return String(decoding: f.slice(v, i), as: UTF8.self)
        }
        let terms = l.consequence.map { Self.terms(f.slice(v, $0)) } ?? []
        let hgvsp = l.hgvsp.flatMap { f.isEmpty($0) ? nil : HGVS.protein(f.slice(v, $0)) }
        if detail == .summary {
            return VariantAnnotation(symbol: text(l.symbol), consequences: terms, hgvspShort: hgvsp.map(HGVS.oneLetter))
        }
        var exon = text(l.exon)
        if l.annotator == .snpEff, terms.contains(where: { $0.contains("intron") }) { exon = nil }
        return VariantAnnotation(
            symbol: text(l.symbol),
            transcript: text(l.feature),
            consequences: terms,
            hgvsc: l.hgvsc.flatMap { f.isEmpty($0) ? nil : HGVS.coding(f.slice(v, $0)) },
            hgvsp: hgvsp.map(HGVS.threeLetter),
            hgvspShort: hgvsp.map(HGVS.oneLetter),
            exon: exon,
            impact: text(l.impact),
            canonical: l.canonical.map { f.equals(v, $0, "YES") } ?? false,
            mane: l.maneSelect.map { !f.isEmpty($0) } ?? false,
            biotype: text(l.biotype))
    }

    /// The `&`-separated terms of a Consequence field as VEP terms (`ConsequenceTerms.vepTerm`), most
    /// severe first (`Consequence.rank`; equal ranks keep their order). Empty terms are dropped.
    static func terms(_ field: UnsafeRawBufferPointer) -> [String] {
        var terms: [(term: String, rank: Int)] = []
        terms.reserveCapacity(4)
        var start = 0
        for i in 0...field.count where i == field.count || field[i] == UInt8(ascii: "&") {
            if i > start {
                let t = UnsafeRawBufferPointer(rebasing: field[start..<i])
                terms.append(ConsequenceTerms.lookup(t))
            }
            start = i + 1
        }
        if terms.count > 1 {
            // Insertion sort: stable, and the lists are a few terms long.
            for i in 1..<terms.count {
                let x = terms[i]
                var j = i - 1
                while j >= 0 && terms[j].rank > x.rank { terms[j + 1] = terms[j]; j -= 1 }
                terms[j + 1] = x
            }
        }
        return terms.map(\.term)
    }
}

/// Field byte ranges of one entry (absolute offsets into the value).
struct EntryFields {
    let ranges: UnsafeBufferPointer<Int>
    let base: Int

    func slice(_ v: UnsafeRawBufferPointer, _ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: v[ranges[2 * i]..<ranges[2 * i + 1]])
    }
    func isEmpty(_ i: Int) -> Bool { ranges[2 * i] >= ranges[2 * i + 1] }
    func equals(_ v: UnsafeRawBufferPointer, _ i: Int, _ s: StaticString) -> Bool {
        let a = ranges[2 * i], b = ranges[2 * i + 1]
        guard b - a == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for k in 0..<(b - a) where v[a + k] != p[k] { return false }
        return true
    }
    func hasPrefix(_ v: UnsafeRawBufferPointer, _ i: Int, _ s: StaticString) -> Bool {
        let a = ranges[2 * i], b = ranges[2 * i + 1]
        guard b - a >= s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for k in 0..<s.utf8CodeUnitCount where v[a + k] != p[k] { return false }
        return true
    }
}

/// The ordering key of `ConsequencePicker` (smaller is better), field by field.
struct PickKey: Comparable {
    var annotatorPick = 1
    var mane = 1
    var manePlusClinical = 1
    var canonical = 1
    var appris = 100
    var tsl = 100
    var biotype = 1
    var ccds = 1
    var severity = Int.max
    var length = 0
    var refSeq = 1
    var order: Int

    init(order: Int) { self.order = order }

    static func < (a: PickKey, b: PickKey) -> Bool {
        if a.annotatorPick != b.annotatorPick { return a.annotatorPick < b.annotatorPick }
        if a.mane != b.mane { return a.mane < b.mane }
        if a.manePlusClinical != b.manePlusClinical { return a.manePlusClinical < b.manePlusClinical }
        if a.canonical != b.canonical { return a.canonical < b.canonical }
        if a.appris != b.appris { return a.appris < b.appris }
        if a.tsl != b.tsl { return a.tsl < b.tsl }
        if a.biotype != b.biotype { return a.biotype < b.biotype }
        if a.ccds != b.ccds { return a.ccds < b.ccds }
        if a.severity != b.severity { return a.severity < b.severity }
        if a.length != b.length { return a.length < b.length }
        if a.refSeq != b.refSeq { return a.refSeq < b.refSeq }
        return a.order < b.order
    }
}
