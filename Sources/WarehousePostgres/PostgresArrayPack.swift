import Foundation
import NIOCore
import Warehouse

/// One column of a packed read: the server aggregates up to `PostgresSession.rowsPerPack` values of a
/// column into one array (`array_agg`), sent in PostgreSQL's binary array format, decoded here straight
/// from the bytes: integers and floats as they are stored (no text round trip on either side), texts as
/// their UTF-8 bytes. Reads of ~1M rows decode at several million values a second, where a `String` per
/// cell (postgres-nio's row decoding, ~30k rows/s) or a text pack split and parsed per value were the
/// read's cost.
///
/// Binary array format (`array_send`): ndim Int32, has-nulls Int32, element type OID UInt32, then per
/// dimension (length Int32, lower bound Int32), then per element a length Int32 (-1: NULL) and its bytes;
/// all big-endian. Packs are one-dimensional (`array_agg`); an empty pack has ndim 0.
///
/// Values keep the meaning of the text packs this replaces (`CAST(x AS text)` parsed on the client):
/// an integer column reads integers exactly, and a float or numeric value truncated toward zero; a
/// float column reads integers converted, floats bit for bit (the text form round-trips exactly too),
/// numerics through their decimal text. Other element types are errors naming the type.
enum PostgresArrayPack {
    static let int2: UInt32 = 21, int4: UInt32 = 23, int8: UInt32 = 20
    static let float4: UInt32 = 700, float8: UInt32 = 701, numeric: UInt32 = 1700
    static let text: UInt32 = 25, varchar: UInt32 = 1043, bpchar: UInt32 = 1042, name: UInt32 = 19

    /// A column's values as the reader walks them: the element type and each element's bytes.
    struct Reader {
        let raw: UnsafeRawBufferPointer
        private(set) var offset = 0
        private(set) var elementType: UInt32 = 0
        private(set) var count = 0

        init(_ raw: UnsafeRawBufferPointer) throws {
            self.raw = raw
            let ndim = try int32()
            _ = try int32()   // has-nulls flag: the per-element lengths say it
            elementType = UInt32(bitPattern: try int32())
            switch ndim {
            case 0: count = 0
            case 1:
                let n = try int32()
                _ = try int32()   // lower bound
                guard n >= 0 else { throw Self.bad("a negative array length \(n)") }
                count = Int(n)
            default: throw Self.bad("a \(ndim)-dimensional array where a pack is one-dimensional")
            }
        }

        static func bad(_ what: String) -> WarehouseError {
            WarehouseError(.database, "PostgreSQL returned a malformed packed column: \(what)")
        }

        mutating func int32() throws -> Int32 {
            guard offset + 4 <= raw.count else { throw Self.bad("\(raw.count) bytes end inside a length at byte \(offset)") }
            let v = Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            offset += 4
            return v
        }

        /// The next element's bytes, nil for NULL.
        mutating func next() throws -> UnsafeRawBufferPointer? {
            let len = try int32()
            if len < 0 { return nil }
            guard offset + Int(len) <= raw.count else { throw Self.bad("an element of \(len) bytes past the end (byte \(offset))") }
            defer { offset += Int(len) }
            return UnsafeRawBufferPointer(rebasing: raw[offset..<offset + Int(len)])
        }
    }

    static func bigEndian<T: FixedWidthInteger>(_ b: UnsafeRawBufferPointer, _: T.Type) throws -> T {
        guard b.count == MemoryLayout<T>.size else {
            throw Reader.bad("a \(b.count)-byte value of a \(MemoryLayout<T>.size)-byte type")
        }
        return T(bigEndian: b.loadUnaligned(as: T.self))
    }

    static func float(_ b: UnsafeRawBufferPointer, _ type: UInt32) throws -> Double {
        type == float8 ? Double(bitPattern: try bigEndian(b, UInt64.self)) : Double(Float(bitPattern: try bigEndian(b, UInt32.self)))
    }

    static func string(_ b: UnsafeRawBufferPointer) -> String { String(decoding: b, as: UTF8.self) }

    /// Appends a pack of an integer column (`SQLColumnType.int`); returns the number of values.
    static func appendInts(_ raw: UnsafeRawBufferPointer, to out: inout [Int64?]) throws -> Int {
        var r = try Reader(raw)
        let t = r.elementType
        out.reserveCapacity(out.count + r.count)
        for _ in 0..<r.count {
            guard let b = try r.next() else { out.append(nil); continue }
            switch t {
            case int8: out.append(try bigEndian(b, Int64.self))
            case int4: out.append(Int64(try bigEndian(b, Int32.self)))
            case int2: out.append(Int64(try bigEndian(b, Int16.self)))
            case float8, float4: out.append(try truncated(try float(b, t)))
            case numeric: out.append(try integer(parsing: try numericText(b)))
            case text, varchar, bpchar, name: out.append(try integer(parsing: string(b)))
            default: throw WarehouseError(.database, "PostgreSQL returned a value of type OID \(t) where an integer was expected")
            }
        }
        return r.count
    }

    /// Appends a pack of a float column (`SQLColumnType.double`); returns the number of values.
    static func appendDoubles(_ raw: UnsafeRawBufferPointer, to out: inout [Double?]) throws -> Int {
        var r = try Reader(raw)
        let t = r.elementType
        out.reserveCapacity(out.count + r.count)
        for _ in 0..<r.count {
            guard let b = try r.next() else { out.append(nil); continue }
            switch t {
            case float8, float4: out.append(try float(b, t))
            case int8: out.append(Double(try bigEndian(b, Int64.self)))
            case int4: out.append(Double(try bigEndian(b, Int32.self)))
            case int2: out.append(Double(try bigEndian(b, Int16.self)))
            case numeric, text, varchar, bpchar, name:
                let s = t == numeric ? try numericText(b) : string(b)
                guard let v = Double(s) else { throw WarehouseError(.database, "PostgreSQL returned a non-number where a number was expected") }
                out.append(v)
            default: throw WarehouseError(.database, "PostgreSQL returned a value of type OID \(t) where a number was expected")
            }
        }
        return r.count
    }

    /// Appends a pack of a text column (the query casts it to `text`); returns the number of values.
    static func appendTexts(_ raw: UnsafeRawBufferPointer, to out: inout [String?]) throws -> Int {
        var r = try Reader(raw)
        guard r.count == 0 || [text, varchar, bpchar, name].contains(r.elementType) else {
            throw WarehouseError(.database, "PostgreSQL returned a value of type OID \(r.elementType) where text was expected")
        }
        out.reserveCapacity(out.count + r.count)
        for _ in 0..<r.count { out.append(try r.next().map(string)) }
        return r.count
    }

    /// As the text packs read integers: the integer itself, else a number truncated toward zero.
    static func integer(parsing s: String) throws -> Int64 {
        if let v = Int64(s) { return v }
        guard let d = Double(s) else { throw WarehouseError(.database, "PostgreSQL returned a non-integer where an integer was expected") }
        return try truncated(d)
    }

    static func truncated(_ d: Double) throws -> Int64 {
        guard d.isFinite, d > -9.3e18, d < 9.3e18 else {
            throw WarehouseError(.database, "PostgreSQL returned \(d) where a 64-bit integer was expected")
        }
        return Int64(d)
    }

    /// The decimal text of a binary `numeric` (as `numeric_out` writes it): ndigits, weight, sign and
    /// display scale (Int16 each), then ndigits base-10000 digits; the first digit is 10000^weight.
    static func numericText(_ b: UnsafeRawBufferPointer) throws -> String {
        guard b.count >= 8 else { throw Reader.bad("a numeric of \(b.count) bytes") }
        func i16(_ o: Int) -> Int { Int(Int16(bigEndian: b.loadUnaligned(fromByteOffset: o, as: Int16.self))) }
        let ndigits = i16(0), weight = i16(2), sign = UInt16(bitPattern: Int16(i16(4))), dscale = i16(6)
        guard ndigits >= 0, b.count == 8 + 2 * ndigits else { throw Reader.bad("a numeric of \(b.count) bytes for \(ndigits) digits") }
        switch sign {
        case 0xC000: return "nan"
        case 0xD000: return "inf"
        case 0xF000: return "-inf"
        default: break
        }
        let digits = (0..<ndigits).map { i16(8 + 2 * $0) }
        var s = sign == 0x4000 ? "-" : ""
        // Integer part: digit groups of weight `weight` down to 0.
        if weight < 0 { s += "0" } else {
            for w in 0...weight {
                let d = w < digits.count ? digits[w] : 0
                s += w == 0 ? String(d) : String(repeating: "0", count: 4 - String(d).count) + String(d)
            }
        }
        if dscale > 0 {
            var frac = ""
            var i = weight + 1
            while frac.count < dscale {
                let d = i >= 0 && i < digits.count ? digits[i] : 0
                frac += String(repeating: "0", count: 4 - String(d).count) + String(d)
                i += 1
            }
            s += "." + frac.prefix(dscale)
        }
        return s
    }
}
