import Foundation
import OncoCore

/// Maps an entry's `Allele` to the record's ALT index.
struct AlleleMatcher {
    /// The layout fields the matcher reads (not the whole layout: a copy per record retains all of it).
    let isSnpEff: Bool
    let alleleNumber: Int?
    let allele: Int?
    let ref: String
    let alts: [String]
    /// Per ALT: the spelling the annotator uses. The fallbacks (raw ALT or VEP's spelling, then the
    /// minimal form) are made only when an entry matches no primary spelling.
    let primary: [String]
    private var fallbackCache: [[String]]?

    init(layout: AnnotationLayout, ref: String, alts: [String]) {
        isSnpEff = layout.annotator == .snpEff
        alleleNumber = layout.alleleNumber
        allele = layout.allele
        self.ref = ref
        self.alts = alts
        primary = isSnpEff ? alts : Self.vepAlleles(ref: ref, alts: alts)
    }

    /// Per ALT, the spellings tried after every primary one, in order.
    var fallbacks: [[String]] {
        if isSnpEff {
            let vep = Self.vepAlleles(ref: ref, alts: alts)
            return alts.indices.map { [vep[$0], Self.minimal(ref: ref, alt: alts[$0])] }
        }
        return alts.indices.map { [alts[$0], Self.minimal(ref: ref, alt: alts[$0])] }
    }

    mutating func altIndex(_ v: UnsafeRawBufferPointer, _ f: EntryFields) -> Int? {
        if let n = alleleNumber, !f.isEmpty(n) {
            // 1-based; anything but digits, or a number past the last ALT (checked digit by digit, so
            // a long run of digits cannot overflow), falls through to the allele spelling.
            var k = 0
            for b in f.slice(v, n) {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { k = 0; break }
                k = k * 10 + Int(b - UInt8(ascii: "0"))
                if k > primary.count { k = 0; break }
            }
            if k >= 1 { return k - 1 }
        }
        guard let a = allele else { return primary.count == 1 ? 0 : nil }
        let allele = f.slice(v, a)
        for (i, p) in primary.enumerated() where Self.spells(p, allele) { return i }
        if fallbackCache == nil { fallbackCache = fallbacks }
        for (i, list) in fallbackCache!.enumerated() {
            for p in list where Self.spells(p, allele) { return i }
        }
        return nil
    }

    /// Whether `s` is spelled by exactly these bytes.
    @inline(__always) static func spells(_ s: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        if let same = s.utf8.withContiguousStorageIfAvailable({ u in
            u.count == n && (n == 0 || memcmp(u.baseAddress!, bytes.baseAddress!, n) == 0)
        }) { return same }
        return s.utf8.elementsEqual(bytes)
    }

    /// VEP's spelling of each ALT (Bio::EnsEMBL::VEP::Parser::VCF): when any ALT differs in length
    /// from REF, and the first base is shared by REF and every ALT (ignoring `*`), that base is
    /// removed and an empty allele becomes `-`. SNVs and MNPs keep the ALT as written.
    static func vepAlleles(ref: String, alts: [String]) -> [String] {
        let isIndel = alts.contains { $0.utf8.count != ref.utf8.count }
        guard isIndel else { return alts }
        // REF and every ALT but `*` alleles share their first base (or are all empty).
        let first = ref.utf8.first
        for a in alts where !a.utf8.contains(UInt8(ascii: "*")) && a.utf8.first != first { return alts }
        return alts.map { a in
            if a.utf8.contains(UInt8(ascii: "*")) { return a }
            let rest = String(a.dropFirst())
            return rest.isEmpty ? "-" : rest
        }
    }

    /// The ALT with the bases shared with REF removed from both ends (VEP `--minimal`), `-` if empty.
    static func minimal(ref: String, alt: String) -> String {
        var r = Array(ref.utf8), a = Array(alt.utf8)
        while let x = r.last, let y = a.last, x == y, !r.isEmpty, !a.isEmpty { r.removeLast(); a.removeLast() }
        while let x = r.first, let y = a.first, x == y { r.removeFirst(); a.removeFirst() }
        return a.isEmpty ? "-" : String(decoding: a, as: UTF8.self)
    }
}
