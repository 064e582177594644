import CHTSlib
import Foundation

/// An INFO or FORMAT tag resolved against a file's header once, for repeated per-record access
/// (bcftools query resolves its `%TAG`s the same way: `bcf_hdr_id2int` once, `bcf_get_fmt_id` per record).
public struct FieldKey: Hashable, Sendable {
    public let name: String
    let id: Int32
}

extension VariantFileReader {
    // MARK: Keys

    /// The INFO tag `name`, or `nil` when the header does not define it (yet: htslib adds undeclared
    /// tags as it meets them, so a later call may succeed).
    public func infoKey(_ name: String) -> FieldKey? { key(name, line: BCF_HL_INFO) }

    /// The FORMAT tag `name`, or `nil` when the header does not define it.
    public func formatKey(_ name: String) -> FieldKey? { key(name, line: BCF_HL_FMT) }

    private func key(_ name: String, line: Int32) -> FieldKey? {
        let id = bcf_hdr_id2int(hdr, BCF_DT_ID, name)
        guard id >= 0, chts_hdr_defined(hdr, line, id) != 0 else { return nil }
        return FieldKey(name: name, id: id)
    }

    // MARK: INFO

    /// The typed value of INFO `name` in the current record, `nil` when absent.
    public func info(_ name: String) -> InfoValue? {
        guard let key = infoKey(name) else { return nil }
        return info(key)
    }

    /// The typed value of an INFO tag in the current record, `nil` when absent.
    public func info(_ key: FieldKey) -> InfoValue? {
        guard let i = bcf_get_info_id(rec, key.id) else { return nil }
        if chts_info_is_flag(i) != 0 { return .flag }
        if chts_info_is_string(i) != 0 {
            return withInfoBytes(key) { .string(String(decoding: $0, as: UTF8.self)) }
        }
        let n = Int(i.pointee.len)
        if chts_hdr_type(hdr, BCF_HL_INFO, key.id) == BCF_HT_REAL || i.pointee.type == BCF_BT_FLOAT {
            return .floats((0..<n).map { k in
                let v = chts_info_float(i, Int32(k))
                return v.isNaN ? nil : v
            })
        }
        return .integers((0..<n).map { k in
            let v = chts_info_int(i, Int32(k))
            return v == CHTS_INT32_MISSING ? nil : Int(v)
        })
    }

    /// The first value of a numeric INFO tag as a double (integers converted), `nil` when absent or `.`.
    public func infoDouble(_ key: FieldKey, at index: Int = 0) -> Double? {
        guard let i = bcf_get_info_id(rec, key.id), chts_info_is_string(i) == 0 else { return nil }
        let v = chts_info_float(i, Int32(index))
        return v.isNaN && chts_nan_is_value(v) == 0 ? nil : v   // `nan` written in the file stays NaN
    }

    /// An integer INFO value, `nil` when absent or `.`.
    public func infoInt(_ key: FieldKey, at index: Int = 0) -> Int? {
        guard let i = bcf_get_info_id(rec, key.id), chts_info_is_string(i) == 0 else { return nil }
        let v = chts_info_int(i, Int32(index))
        return v == CHTS_INT32_MISSING ? nil : Int(v)
    }

    /// Calls `body` with the raw bytes of a string INFO value (trailing NUL padding removed), without
    /// copying. The buffer is valid only inside `body`. Returns `nil` when the tag is absent.
    public func withInfoBytes<R>(_ key: FieldKey, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard let i = bcf_get_info_id(rec, key.id), chts_info_is_string(i) != 0, let p = i.pointee.vptr else { return nil }
        var n = Int(i.pointee.len)
        while n > 0 && p[n - 1] == 0 { n -= 1 }
        return try body(UnsafeRawBufferPointer(start: p, count: n))
    }

    // MARK: FORMAT

    /// Copies sample `sample`'s integer values of a FORMAT tag into `buffer` (missing values are
    /// `Int32.min`, as htslib's `bcf_int32_missing`) and returns how many were written, or `nil`
    /// when the tag is absent from this record or not an integer. No allocation.
    public func formatInt32(_ key: FieldKey, sample: Int, into buffer: UnsafeMutableBufferPointer<Int32>) -> Int? {
        guard let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        let n = chts_fmt_ints(f, Int32(sample), buffer.baseAddress, Int32(buffer.count))
        return n < 0 ? nil : Int(n)
    }

    /// Sample `sample`'s values of a FORMAT tag as integers (`nil` entries for `.`), or `nil` when absent.
    public func formatIntegers(_ key: FieldKey, sample: Int) -> [Int?]? {
        guard let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        let cap = Int(f.pointee.n)
        guard cap > 0 else { return [] }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: cap) { buf -> [Int?]? in
            let n = chts_fmt_ints(f, Int32(sample), buf.baseAddress, Int32(cap))
            if n < 0 {
                // Declared as a string (e.g. PCGR's ADT "21,8"): parse comma-separated integers.
                return formatString(key, sample: sample).map { s in s.split(separator: ",").map { Int($0) } }
            }
            return (0..<Int(n)).map { buf[$0] == CHTS_INT32_MISSING ? nil : Int(buf[$0]) }
        }
    }

    /// Sample `sample`'s values of a numeric FORMAT tag as doubles (`nil` for `.`), or `nil` when absent.
    public func formatFloats(_ key: FieldKey, sample: Int) -> [Double?]? {
        guard let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        let cap = Int(f.pointee.n)
        guard cap > 0 else { return [] }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: cap) { buf -> [Double?]? in
            let n = chts_fmt_floats(f, Int32(sample), buf.baseAddress, Int32(cap))
            if n < 0 {
                // Declared as a string (VarScan's FREQ "48.7%"): parse numbers, percentages as fractions.
                return formatString(key, sample: sample).map { s in s.split(separator: ",").map(Self.parseFraction) }
            }
            return (0..<Int(n)).map { buf[$0].isNaN && chts_nan_is_value(buf[$0]) == 0 ? nil : buf[$0] }
        }
    }

    static func parseFraction(_ t: Substring) -> Double? {
        if t.hasSuffix("%") { return Double(t.dropLast()).map { $0 / 100 } }
        return Double(t)
    }

    /// Sample `sample`'s value of a FORMAT tag as text (`nil` when absent or `.`).
    public func formatString(_ key: FieldKey, sample: Int) -> String? {
        guard let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        if f.pointee.type != BCF_BT_CHAR {
            if let v = formatFloatsNumeric(f, sample: sample) {
                return v.map { $0.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) } ?? "." }.joined(separator: ",")
            }
            return nil
        }
        var len: Int32 = 0
        guard let p = chts_fmt_bytes(f, Int32(sample), &len) else { return nil }
        var n = Int(len)
        let raw = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self)
        var end = 0
        while end < n && raw[end] != 0 { end += 1 }
        n = end
        let s = String(decoding: UnsafeBufferPointer(start: raw, count: n), as: UTF8.self)
        return s.isEmpty || s == "." ? nil : s
    }

    private func formatFloatsNumeric(_ f: UnsafeMutablePointer<bcf_fmt_t>, sample: Int) -> [Double?]? {
        let cap = Int(f.pointee.n)
        guard cap > 0 else { return [] }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: cap) { buf -> [Double?]? in
            let n = chts_fmt_floats(f, Int32(sample), buf.baseAddress, Int32(cap))
            guard n >= 0 else { return nil }
            return (0..<Int(n)).map { buf[$0].isNaN && chts_nan_is_value(buf[$0]) == 0 ? nil : buf[$0] }
        }
    }

    /// Sample `sample`'s genotype as allele indices written into `buffer` (−1 for a missing allele),
    /// with its phasing; returns the ploidy, or `nil` when the record has no GT. No allocation: for hot
    /// loops, with `key` from `formatKey("GT")`.
    public func genotypeAlleles(_ key: FieldKey, sample: Int, into buffer: UnsafeMutableBufferPointer<Int32>,
                                phased: inout Bool) -> Int? {
        guard let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        var ph: Int32 = 0
        let n = chts_fmt_gt(f, Int32(sample), buffer.baseAddress, Int32(buffer.count), &ph)
        guard n > 0 else { return nil }
        phased = ph != 0
        return Int(n)
    }

    /// Sample `sample`'s float values of a FORMAT tag into `buffer` (NaN for missing); returns how many,
    /// or `nil` when absent. No allocation.
    public func formatDoubles(_ key: FieldKey, sample: Int, into buffer: UnsafeMutableBufferPointer<Double>) -> Int? {
        guard let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        let n = chts_fmt_floats(f, Int32(sample), buffer.baseAddress, Int32(buffer.count))
        return n < 0 ? nil : Int(n)
    }

    /// The number of values of an INFO tag in the current record (0 when absent).
    public func infoCount(_ key: FieldKey) -> Int {
        guard let i = bcf_get_info_id(rec, key.id) else { return 0 }
        return Int(i.pointee.len)
    }

    /// The genotype (FORMAT/GT) of sample `sample`, `nil` when the record has no GT.
    public func genotype(sample: Int) -> Genotype? {
        guard let key = formatKey("GT"), let f = bcf_get_fmt_id(rec, key.id),
              sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        var out = (Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0))
        var phased: Int32 = 0
        let n = withUnsafeMutableBytes(of: &out) { raw in
            chts_fmt_gt(f, Int32(sample), raw.baseAddress!.assumingMemoryBound(to: Int32.self), 8, &phased)
        }
        guard n > 0 else { return nil }
        let alleles: [Int?] = withUnsafeBytes(of: out) { raw in
            let p = raw.bindMemory(to: Int32.self)
            return (0..<Int(n)).map { p[$0] < 0 ? nil : Int(p[$0]) }
        }
        return Genotype(alleles: alleles, phased: phased != 0)
    }

    /// GT, AD, DP and AF of sample `sample` in the current record.
    public func sampleCall(_ sample: Int) -> SampleCall {
        SampleCall(genotype: genotype(sample: sample),
                   alleleDepths: formatKey("AD").flatMap { formatIntegers($0, sample: sample) } ?? [],
                   depth: formatKey("DP").flatMap { formatIntegers($0, sample: sample)?.first ?? nil },
                   alleleFractions: formatKey("AF").flatMap { formatFloats($0, sample: sample) } ?? [])
    }
}

/// One sample's values of a FORMAT tag as `formatIntegers` gives them, without an array for a numeric
/// tag: htslib's values in a scratch buffer of the reader (valid until that slot is read again), or
/// the parsed values of a tag declared as a string.
struct FormatInts {
    let raw: UnsafeMutablePointer<Int32>?
    let parsed: [Int?]
    let count: Int
    var isEmpty: Bool { count == 0 }
    /// `nil` for a missing value (`.`).
    subscript(i: Int) -> Int? {
        if let raw { return raw[i] == CHTS_INT32_MISSING ? nil : Int(raw[i]) }
        return parsed[i]
    }
    /// As `Array.first`: `nil` when empty, `.some(nil)` for a missing first value.
    var first: Int?? { count > 0 ? .some(self[0]) : nil }
}

/// `FormatInts` for `formatFloats`' values (`nil` for missing).
struct FormatFloats {
    let raw: UnsafeMutablePointer<Double>?
    let parsed: [Double?]
    let count: Int
    subscript(i: Int) -> Double? {
        if let raw { return raw[i].isNaN && chts_nan_is_value(raw[i]) == 0 ? nil : raw[i] }
        return parsed[i]
    }
}

/// The reader's scratch buffers for `formatInts` (one per slot, grown as needed) and `formatFloats`.
final class FormatScratch {
    private var ints: [UnsafeMutableBufferPointer<Int32>] = []
    private var doubles = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)

    func ints(_ slot: Int, capacity: Int) -> UnsafeMutablePointer<Int32> {
        while ints.count <= slot { ints.append(UnsafeMutableBufferPointer(start: nil, count: 0)) }
        if ints[slot].count < capacity {
            ints[slot].deallocate()
            ints[slot] = .allocate(capacity: max(capacity, 8))
        }
        return ints[slot].baseAddress!
    }

    func doubles(capacity: Int) -> UnsafeMutablePointer<Double> {
        if doubles.count < capacity {
            doubles.deallocate()
            doubles = .allocate(capacity: max(capacity, 8))
        }
        return doubles.baseAddress!
    }

    deinit {
        for b in ints { b.deallocate() }
        doubles.deallocate()
    }
}

extension VariantFileReader {
    /// `formatIntegers(key, sample:)` read into scratch slot `slot`: `nil` when the key or the tag is absent.
    func formatInts(_ key: FieldKey?, sample: Int, slot: Int) -> FormatInts? {
        guard let key, let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        let cap = Int(f.pointee.n)
        guard cap > 0 else { return FormatInts(raw: nil, parsed: [], count: 0) }
        let buf = formatScratch.ints(slot, capacity: cap)
        let n = chts_fmt_ints(f, Int32(sample), buf, Int32(cap))
        if n < 0 {
            guard let v = formatIntegers(key, sample: sample) else { return nil }
            return FormatInts(raw: nil, parsed: v, count: v.count)
        }
        return FormatInts(raw: buf, parsed: [], count: Int(n))
    }

    /// `formatFloats(key, sample:)` read into the scratch buffer: `nil` when the key or the tag is absent.
    func formatFloatValues(_ key: FieldKey?, sample: Int) -> FormatFloats? {
        guard let key, let f = bcf_get_fmt_id(rec, key.id), sample >= 0, sample < Int(rec.pointee.n_sample) else { return nil }
        let cap = Int(f.pointee.n)
        guard cap > 0 else { return FormatFloats(raw: nil, parsed: [], count: 0) }
        let buf = formatScratch.doubles(capacity: cap)
        let n = chts_fmt_floats(f, Int32(sample), buf, Int32(cap))
        if n < 0 {
            guard let v = formatFloats(key, sample: sample) else { return nil }
            return FormatFloats(raw: nil, parsed: v, count: v.count)
        }
        return FormatFloats(raw: buf, parsed: [], count: Int(n))
    }
}
