import Foundation

/// JSON exactly as Foundation's `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (the layout of every onco JSON output), several times faster.
///
/// Foundation's encoder builds a tree of dictionaries and, for every value, asks the runtime whether
/// its type is one of the specially encoded ones (`Date`, `URL`, `Data`, `Decimal`, string-keyed
/// dictionaries): a protocol-conformance lookup per value, which dominated `onco kb match --format json`
/// (a 5,000-variant case: 3.4 MB of JSON, a third of the whole command). This encoder keeps each
/// container as an array of (key, value) nodes and compares type metadata (`T.self == URL.self`), which
/// costs nothing.
///
/// Same output, byte for byte, as Foundation's (tested on onco's own values, `PrettyJSONTests`):
/// two-space indent, `"key" : value`, keys sorted by their UTF-8 bytes, an empty array or object written
/// `[\n\n<indent>]` as Foundation does, doubles as `description` without a trailing `.0`, `/` not
/// escaped, control characters as `\n`, `\t`, `\u001f`, non-ASCII as is. Special types as Foundation's
/// default strategies: `URL` → its absolute string, `Date` → seconds since 2001-01-01 (deferred to
/// `Date`'s own `Codable`), `Data` → base64, `Decimal` → its description. NaN and infinities throw
/// `EncodingError.invalidValue`, as Foundation's default `.throw` strategy does.
public enum PrettyJSON {
    /// The JSON text of `value`, without a trailing newline.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let node = try PrettyJSONEncoder.node(of: value, codingPath: [], topLevel: true)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        node.write(into: &out, indent: 0)
        return out
    }

    /// `encode` as a `String`.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }
}

/// A value being encoded: a finished scalar (its JSON bytes) or a container still open to the
/// `Encodable` implementation that fills it.
enum PrettyJSONNode {
    case scalar([UInt8])
    case object(PrettyJSONObject)
    case array(PrettyJSONArray)

    func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .scalar(let bytes):
            out.append(contentsOf: bytes)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (i, item) in a.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
                Self.writeIndent(indent + 1, into: &out)
                item.write(into: &out, indent: indent + 1)
            }
            out.append(UInt8(ascii: "\n"))
            Self.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
            // Keys sorted by their UTF-8 bytes; a key encoded twice keeps its last value, as in Foundation.
            let order = o.entries.indices.sorted { a, b in
                let ka = o.entries[a].key, kb = o.entries[b].key
                return ka == kb ? a < b : ka.utf8.lexicographicallyPrecedes(kb.utf8)
            }
            var entries: [(key: String, node: PrettyJSONNode)] = []
            entries.reserveCapacity(order.count)
            for (n, i) in order.enumerated() where n + 1 == order.count || o.entries[order[n + 1]].key != o.entries[i].key {
                entries.append(o.entries[i])
            }
            for (i, e) in entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
                Self.writeIndent(indent + 1, into: &out)
                PrettyJSONText.appendString(e.key, to: &out)
                out.append(UInt8(ascii: " ")); out.append(UInt8(ascii: ":")); out.append(UInt8(ascii: " "))
                e.node.write(into: &out, indent: indent + 1)
            }
            out.append(UInt8(ascii: "\n"))
            Self.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeIndent(_ n: Int, into out: inout [UInt8]) {
        for _ in 0..<n { out.append(UInt8(ascii: " ")); out.append(UInt8(ascii: " ")) }
    }
}

final class PrettyJSONObject {
    var entries: [(key: String, node: PrettyJSONNode)] = []
}

final class PrettyJSONArray {
    var items: [PrettyJSONNode] = []
}

/// Scalars as Foundation's `JSONEncoder` spells them.
enum PrettyJSONText {
    static func string(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        appendString(s, to: &out)
        return out
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copy = s
        copy.withUTF8 { buf in
            for b in buf {
                switch b {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
                case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0x00...0x1F:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: Array("\\u00".utf8))
                    out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func double(_ x: Double, codingPath: [any CodingKey]) throws -> [UInt8] {
        guard x.isFinite else {
            throw EncodingError.invalidValue(x, .init(codingPath: codingPath, debugDescription: "Unable to encode Double.\(x) directly in JSON."))
        }
        var s = x.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return Array(s.utf8)
    }

    static func float(_ x: Float, codingPath: [any CodingKey]) throws -> [UInt8] {
        guard x.isFinite else {
            throw EncodingError.invalidValue(x, .init(codingPath: codingPath, debugDescription: "Unable to encode Float.\(x) directly in JSON."))
        }
        var s = x.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return Array(s.utf8)
    }

    static func integer<I: FixedWidthInteger>(_ x: I) -> [UInt8] { Array(x.description.utf8) }
}

/// The `Encoder` behind `PrettyJSON`: one per value; its container (or scalar) becomes the value's node.
final class PrettyJSONEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private(set) var result: PrettyJSONNode?

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    /// The node of `value`, special-casing the types Foundation's default strategies encode specially.
    static func node<T: Encodable>(of value: T, codingPath: [any CodingKey], topLevel: Bool = false) throws -> PrettyJSONNode {
        if T.self == String.self { return .scalar(PrettyJSONText.string(value as! String)) }
        if T.self == URL.self { return .scalar(PrettyJSONText.string((value as! URL).absoluteString)) }
        if T.self == Data.self { return .scalar(PrettyJSONText.string((value as! Data).base64EncodedString())) }
        if T.self == Decimal.self { return .scalar(Array((value as! Decimal).description.utf8)) }
        if T.self == Double.self { return .scalar(try PrettyJSONText.double(value as! Double, codingPath: codingPath)) }
        let encoder = PrettyJSONEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        // A value that encodes nothing: an error at the top level, an empty object inside (as Foundation).
        if encoder.result == nil && topLevel {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return encoder.result ?? .object(PrettyJSONObject())
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: PrettyJSONObject
        if case .object(let existing) = result { object = existing } else {
            object = PrettyJSONObject()
            result = .object(object)
        }
        return KeyedEncodingContainer(PrettyJSONKeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: PrettyJSONArray
        if case .array(let existing) = result { array = existing } else {
            array = PrettyJSONArray()
            result = .array(array)
        }
        return PrettyJSONUnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { PrettyJSONSingleValue(encoder: self) }

    fileprivate func set(_ node: PrettyJSONNode) { result = node }
}

private struct PrettyJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

private struct PrettyJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: PrettyJSONObject
    let codingPath: [any CodingKey]

    private func put(_ node: PrettyJSONNode, _ key: Key) { object.entries.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) throws { put(.scalar(Array("null".utf8)), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.scalar(Array((value ? "true" : "false").utf8)), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.scalar(PrettyJSONText.string(value)), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(.scalar(try PrettyJSONText.double(value, codingPath: codingPath + [key])), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(.scalar(try PrettyJSONText.float(value, codingPath: codingPath + [key])), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.scalar(PrettyJSONText.integer(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try PrettyJSONEncoder.node(of: value, codingPath: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = PrettyJSONObject()
        put(.object(child), key)
        return KeyedEncodingContainer(PrettyJSONKeyedContainer<NestedKey>(object: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = PrettyJSONArray()
        put(.array(child), key)
        return PrettyJSONUnkeyedContainer(array: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let object = self.object
        let slot = object.entries.count
        object.entries.append((key.stringValue, .object(PrettyJSONObject())))
        return PrettyJSONReferencingEncoder(codingPath: codingPath + [key]) { node in object.entries[slot].node = node }
    }
}

private struct PrettyJSONUnkeyedContainer: UnkeyedEncodingContainer {
    let array: PrettyJSONArray
    let codingPath: [any CodingKey]
    var count: Int { array.items.count }

    private var indexKey: any CodingKey { PrettyJSONKey(intValue: array.items.count) }
    private func put(_ node: PrettyJSONNode) { array.items.append(node) }

    mutating func encodeNil() throws { put(.scalar(Array("null".utf8))) }
    mutating func encode(_ value: Bool) throws { put(.scalar(Array((value ? "true" : "false").utf8))) }
    mutating func encode(_ value: String) throws { put(.scalar(PrettyJSONText.string(value))) }
    mutating func encode(_ value: Double) throws { put(.scalar(try PrettyJSONText.double(value, codingPath: codingPath + [indexKey]))) }
    mutating func encode(_ value: Float) throws { put(.scalar(try PrettyJSONText.float(value, codingPath: codingPath + [indexKey]))) }
    mutating func encode(_ value: Int) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int8) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int16) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int32) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int64) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt8) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt16) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt32) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt64) throws { put(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        put(try PrettyJSONEncoder.node(of: value, codingPath: codingPath + [indexKey]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = PrettyJSONObject()
        let path = codingPath + [indexKey]
        put(.object(child))
        return KeyedEncodingContainer(PrettyJSONKeyedContainer<NestedKey>(object: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = PrettyJSONArray()
        let path = codingPath + [indexKey]
        put(.array(child))
        return PrettyJSONUnkeyedContainer(array: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let array = self.array
        let slot = array.items.count
        array.items.append(.object(PrettyJSONObject()))
        return PrettyJSONReferencingEncoder(codingPath: codingPath + [indexKey]) { node in array.items[slot] = node }
    }
}

private struct PrettyJSONSingleValue: SingleValueEncodingContainer {
    let encoder: PrettyJSONEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.set(.scalar(Array("null".utf8))) }
    mutating func encode(_ value: Bool) throws { encoder.set(.scalar(Array((value ? "true" : "false").utf8))) }
    mutating func encode(_ value: String) throws { encoder.set(.scalar(PrettyJSONText.string(value))) }
    mutating func encode(_ value: Double) throws { encoder.set(.scalar(try PrettyJSONText.double(value, codingPath: codingPath))) }
    mutating func encode(_ value: Float) throws { encoder.set(.scalar(try PrettyJSONText.float(value, codingPath: codingPath))) }
    mutating func encode(_ value: Int) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int8) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int16) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int32) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: Int64) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt8) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt16) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt32) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode(_ value: UInt64) throws { encoder.set(.scalar(PrettyJSONText.integer(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.set(try PrettyJSONEncoder.node(of: value, codingPath: codingPath))
    }
}

/// The encoder of `superEncoder()`: its value lands in the parent's slot once encoded. The slot is
/// filled on every change of the encoder's result, since `Encoder` has no "finished" call.
private final class PrettyJSONReferencingEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private let inner: PrettyJSONEncoder
    private let store: (PrettyJSONNode) -> Void

    init(codingPath: [any CodingKey], store: @escaping (PrettyJSONNode) -> Void) {
        self.codingPath = codingPath
        self.inner = PrettyJSONEncoder(codingPath: codingPath)
        self.store = store
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let c = inner.container(keyedBy: type)
        if let r = inner.result { store(r) }
        return c
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let c = inner.unkeyedContainer()
        if let r = inner.result { store(r) }
        return c
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        PrettyJSONReferencingSingleValue(encoder: inner, store: store)
    }
}

private struct PrettyJSONReferencingSingleValue: SingleValueEncodingContainer {
    let encoder: PrettyJSONEncoder
    let store: (PrettyJSONNode) -> Void
    var codingPath: [any CodingKey] { encoder.codingPath }
    private mutating func done() { if let r = encoder.result { store(r) } }
    private var base: PrettyJSONSingleValue { PrettyJSONSingleValue(encoder: encoder) }

    mutating func encodeNil() throws { var b = base; try b.encodeNil(); done() }
    mutating func encode(_ value: Bool) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: String) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: Double) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: Float) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: Int) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: Int8) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: Int16) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: Int32) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: Int64) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: UInt) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: UInt8) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: UInt16) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: UInt32) throws { var b = base; try b.encode(value); done() }
    mutating func encode(_ value: UInt64) throws { var b = base; try b.encode(value); done() }
    mutating func encode<T: Encodable>(_ value: T) throws { var b = base; try b.encode(value); done() }
}
