import Foundation

/// A minimal JSON reader for the R reference files. Numbers keep their text and are converted with
/// Swift's correctly rounded `Double(String)`, so every double is R's exactly (see
/// Tests/Fixtures/survival/REFERENCE_FORMAT.md, "Number format"). `null` is R's NA/NaN/±Inf.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    struct ParseError: Error, CustomStringConvertible {
        let offset: Int
        let message: String
        var description: String { "JSON parse error at byte \(offset): \(message)" }
    }

    static func parse(_ data: Data) throws -> JSONValue {
        var p = Parser(bytes: [UInt8](data))
        p.skip()
        let v = try p.value()
        p.skip()
        guard p.i == p.bytes.count else { throw ParseError(offset: p.i, message: "trailing characters") }
        return v
    }

    static func load(_ url: URL) throws -> JSONValue { try parse(Data(contentsOf: url)) }

    subscript(key: String) -> JSONValue? {
        if case .object(let kv) = self { return kv.first { $0.0 == key }?.1 }
        return nil
    }

    var keys: [String] { if case .object(let kv) = self { return kv.map(\.0) }; return [] }
    var isNull: Bool { if case .null = self { return true }; return false }

    /// A number as a double; `null` as NaN (R's NA).
    var double: Double? {
        switch self {
        case .number(let s): return Double(s)
        case .null: return .nan
        default: return nil
        }
    }
    var int: Int? { if case .number(let s) = self { return Int(s) ?? Double(s).map { Int($0) } }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var doubles: [Double]? { array?.compactMap(\.double) }
    var strings: [String]? { array?.compactMap(\.string) }
    /// A matrix (array of rows) of doubles.
    var matrix: [[Double]]? { array?.compactMap(\.doubles) }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skip() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }

        mutating func expect(_ s: String) throws {
            for b in s.utf8 {
                guard i < bytes.count, bytes[i] == b else { throw ParseError(offset: i, message: "expected \(s)") }
                i += 1
            }
        }

        mutating func value() throws -> JSONValue {
            guard i < bytes.count else { throw ParseError(offset: i, message: "unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1; skip()
                var kv: [(String, JSONValue)] = []
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(kv) }
                while true {
                    skip()
                    let k = try string()
                    skip(); try expect(":"); skip()
                    kv.append((k, try value()))
                    skip()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect("}")
                    return .object(kv)
                }
            case UInt8(ascii: "["):
                i += 1; skip()
                var a: [JSONValue] = []
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                while true {
                    skip()
                    a.append(try value())
                    skip()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect("]")
                    return .array(a)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            default:
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                guard i > start else { throw ParseError(offset: i, message: "unexpected character") }
                return .number(String(decoding: bytes[start..<i], as: UTF8.self))
            }
        }

        mutating func string() throws -> String {
            try expect("\"")
            var out = [UInt8]()
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") {
                    i += 1
                    switch bytes[i] {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        let hex = String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self)
                        out.append(contentsOf: Array(String(UnicodeScalar(UInt32(hex, radix: 16)!)!).utf8))
                        i += 4
                    default: out.append(bytes[i])
                    }
                    i += 1
                } else {
                    out.append(bytes[i]); i += 1
                }
            }
            try expect("\"")
            return String(decoding: out, as: UTF8.self)
        }
    }
}
