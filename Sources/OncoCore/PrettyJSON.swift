import Foundation

/// JSON exactly as Foundation's `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (the layout of onco's JSON outputs), several times faster.
///
/// Foundation's encoder builds a tree of dictionaries, copies the coding path into a new array for
/// every value, and asks the runtime for every value whether its type is one of the specially encoded
/// ones (`Date`, `URL`, `Data`, `Decimal`, string-keyed dictionaries): a protocol-conformance lookup per
/// value. That dominated `onco kb match --format json` (a 5,000-variant case: 3.4 MB of JSON, a third of
/// the whole command). This encoder keeps each container as an array of (key, node), writes every
/// scalar's text into one shared buffer, builds a coding path only when an error needs one, and
/// compares type metadata (`T.self == URL.self`), which costs nothing.
///
/// Same output, byte for byte, as Foundation's (tested on onco's own values, `PrettyJSONTests`):
/// two-space indent, `"key" : value`, keys sorted by their UTF-8 bytes (a key encoded twice keeps its
/// last value), an empty array or object written `[\n\n<indent>]` as Foundation does, doubles as
/// `description` without a trailing `.0`, `/` not escaped, control characters as `\n`, `\t`,
/// `\u001f`, other text as is. Special types as Foundation's default strategies: `URL` → its absolute
/// string, `Data` → base64, `Decimal` → its description, `Date` → its own `Codable` (seconds since
/// 2001). NaN and infinities throw `EncodingError.invalidValue` (Foundation's default `.throw`); a
/// top-level value that encodes nothing throws, as in Foundation.
public enum PrettyJSON {
    /// The JSON text of `value`, without a trailing newline.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let scalars = PrettyJSONScalars()
        let node = try PrettyJSONEncoder.node(of: value, parent: nil, step: .root, scalars: scalars)
        var out: [UInt8] = []
        out.reserveCapacity(scalars.bytes.count * 2 + 64)
        scalars.bytes.withUnsafeBufferPointer { node.write(into: &out, indent: 0, scalars: $0) }
        return out
    }

    /// `encode` as a `String`.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }
}

/// A value being encoded: a finished scalar (a range of `PrettyJSONScalars.bytes`) or a container the
/// `Encodable` implementation fills.
enum PrettyJSONNode {
    case scalar(Int, Int)
    case object(PrettyJSONObject)
    case array(PrettyJSONArray)

    func write(into out: inout [UInt8], indent: Int, scalars: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .scalar(let start, let end):
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scalars[start..<end]))
        case .array(let a):
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (i, item) in a.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
                Self.writeIndent(indent + 1, into: &out)
                item.write(into: &out, indent: indent + 1, scalars: scalars)
            }
            out.append(UInt8(ascii: "\n"))
            Self.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
            let entries = o.entries
            // Keys sorted by their UTF-8 bytes; a key encoded twice keeps its last value.
            let order = entries.indices.sorted { a, b in
                let ka = entries[a].key, kb = entries[b].key
                return ka == kb ? a < b : ka.utf8.lexicographicallyPrecedes(kb.utf8)
            }
            var first = true
            for (n, i) in order.enumerated() where n + 1 == order.count || entries[order[n + 1]].key != entries[i].key {
                if !first { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
                first = false
                Self.writeIndent(indent + 1, into: &out)
                PrettyJSONScalars.appendQuoted(entries[i].key, to: &out)
                out.append(UInt8(ascii: " ")); out.append(UInt8(ascii: ":")); out.append(UInt8(ascii: " "))
                entries[i].node.write(into: &out, indent: indent + 1, scalars: scalars)
            }
            out.append(UInt8(ascii: "\n"))
            Self.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeIndent(_ n: Int, into out: inout [UInt8]) {
        for _ in 0..<(2 * n) { out.append(UInt8(ascii: " ")) }
    }
}

final class PrettyJSONObject {
    var entries: [(key: String, node: PrettyJSONNode)] = []
}

final class PrettyJSONArray {
    var items: [PrettyJSONNode] = []
}

/// The text of every scalar of one document, back to back; nodes hold ranges into it.
final class PrettyJSONScalars {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    func raw(_ s: StaticString) -> PrettyJSONNode {
        let start = bytes.count
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        return .scalar(start, bytes.count)
    }

    func string(_ s: String) -> PrettyJSONNode {
        let start = bytes.count
        Self.appendQuoted(s, to: &bytes)
        return .scalar(start, bytes.count)
    }

    func text(_ s: String) -> PrettyJSONNode {
        let start = bytes.count
        bytes.append(contentsOf: s.utf8)
        return .scalar(start, bytes.count)
    }

    func integer<I: FixedWidthInteger>(_ x: I) -> PrettyJSONNode { text(x.description) }

    func floating<F: BinaryFloatingPoint & CustomStringConvertible>(_ x: F, path: () -> [any CodingKey]) throws -> PrettyJSONNode {
        guard x.isFinite else {
            throw EncodingError.invalidValue(x, .init(codingPath: path(), debugDescription: "Unable to encode \(F.self).\(x) directly in JSON."))
        }
        var s = x.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return text(s)
    }

    /// `s` quoted and escaped as Foundation's JSON writer does.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copy = s
        copy.withUTF8 { buf in
            var mark = 0
            for i in 0..<buf.count {
                let b = buf[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[mark..<i]))
                mark = i + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    hex.withUTF8Buffer { h in out.append(h[Int(b >> 4)]); out.append(h[Int(b & 0xF)]) }
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[mark..<buf.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Where a value sits in its parent, for coding paths (built only when an error needs one).
enum PrettyJSONStep {
    case root
    case key(any CodingKey)
    case index(Int)
}

/// The `Encoder` behind `PrettyJSON`: one per non-scalar value; its container (or scalar) becomes the
/// value's node.
final class PrettyJSONEncoder: Encoder {
    let parent: PrettyJSONEncoder?
    let step: PrettyJSONStep
    let scalars: PrettyJSONScalars
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    fileprivate(set) var result: PrettyJSONNode?

    init(parent: PrettyJSONEncoder?, step: PrettyJSONStep, scalars: PrettyJSONScalars) {
        self.parent = parent
        self.step = step
        self.scalars = scalars
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var e: PrettyJSONEncoder? = self
        while let x = e {
            switch x.step {
            case .root: break
            case .key(let k): path.append(k)
            case .index(let i): path.append(PrettyJSONKey(intValue: i))
            }
            e = x.parent
        }
        return path.reversed()
    }

    /// The path of a child at `step` (for errors).
    func path(_ step: PrettyJSONStep) -> [any CodingKey] {
        PrettyJSONEncoder(parent: self, step: step, scalars: scalars).codingPath
    }

    /// The node of `value`, special-casing the types Foundation's default strategies encode specially.
    static func node<T: Encodable>(of value: T, parent: PrettyJSONEncoder?, step: PrettyJSONStep,
                                   scalars: PrettyJSONScalars) throws -> PrettyJSONNode {
        if T.self == String.self { return scalars.string(value as! String) }
        if T.self == Int.self { return scalars.integer(value as! Int) }
        if T.self == Bool.self { return (value as! Bool) ? scalars.raw("true") : scalars.raw("false") }
        if T.self == Double.self {
            return try scalars.floating(value as! Double) { PrettyJSONEncoder(parent: parent, step: step, scalars: scalars).codingPath }
        }
        if T.self == URL.self { return scalars.string((value as! URL).absoluteString) }
        if T.self == Data.self { return scalars.string((value as! Data).base64EncodedString()) }
        if T.self == Decimal.self { return scalars.text((value as! Decimal).description) }
        let encoder = PrettyJSONEncoder(parent: parent, step: step, scalars: scalars)
        try value.encode(to: encoder)
        guard let r = encoder.result else {
            // A value that encodes nothing: an error at the top level, an empty object inside (as Foundation).
            if case .root = step {
                throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
            }
            return .object(PrettyJSONObject())
        }
        return r
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: PrettyJSONObject
        if case .object(let existing) = result { object = existing } else {
            object = PrettyJSONObject()
            result = .object(object)
        }
        return KeyedEncodingContainer(PrettyJSONKeyedContainer<Key>(object: object, encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: PrettyJSONArray
        if case .array(let existing) = result { array = existing } else {
            array = PrettyJSONArray()
            result = .array(array)
        }
        return PrettyJSONUnkeyedContainer(array: array, encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        PrettyJSONSingleValue(encoder: self) { [unowned self] node in self.result = node }
    }
}

private struct PrettyJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

private struct PrettyJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: PrettyJSONObject
    let encoder: PrettyJSONEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    private var scalars: PrettyJSONScalars { encoder.scalars }

    private func put(_ node: PrettyJSONNode, _ key: Key) { object.entries.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) throws { put(scalars.raw("null"), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(value ? scalars.raw("true") : scalars.raw("false"), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(scalars.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(try scalars.floating(value) { encoder.path(.key(key)) }, key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        put(try scalars.floating(value) { encoder.path(.key(key)) }, key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(scalars.integer(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try PrettyJSONEncoder.node(of: value, parent: encoder, step: .key(key), scalars: scalars), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = PrettyJSONObject()
        put(.object(child), key)
        return KeyedEncodingContainer(PrettyJSONKeyedContainer<NestedKey>(
            object: child, encoder: PrettyJSONEncoder(parent: encoder, step: .key(key), scalars: scalars)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = PrettyJSONArray()
        put(.array(child), key)
        return PrettyJSONUnkeyedContainer(array: child, encoder: PrettyJSONEncoder(parent: encoder, step: .key(key), scalars: scalars))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let object = self.object
        let slot = object.entries.count
        object.entries.append((key.stringValue, .object(PrettyJSONObject())))
        return PrettyJSONReferencingEncoder(PrettyJSONEncoder(parent: encoder, step: .key(key), scalars: scalars)) { node in
            object.entries[slot].node = node
        }
    }
}

private struct PrettyJSONUnkeyedContainer: UnkeyedEncodingContainer {
    let array: PrettyJSONArray
    let encoder: PrettyJSONEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { array.items.count }
    private var scalars: PrettyJSONScalars { encoder.scalars }

    private func put(_ node: PrettyJSONNode) { array.items.append(node) }

    mutating func encodeNil() throws { put(scalars.raw("null")) }
    mutating func encode(_ value: Bool) throws { put(value ? scalars.raw("true") : scalars.raw("false")) }
    mutating func encode(_ value: String) throws { put(scalars.string(value)) }
    mutating func encode(_ value: Double) throws {
        let i = count
        put(try scalars.floating(value) { encoder.path(.index(i)) })
    }
    mutating func encode(_ value: Float) throws {
        let i = count
        put(try scalars.floating(value) { encoder.path(.index(i)) })
    }
    mutating func encode(_ value: Int) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: Int8) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: Int16) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: Int32) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: Int64) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: UInt) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: UInt8) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: UInt16) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: UInt32) throws { put(scalars.integer(value)) }
    mutating func encode(_ value: UInt64) throws { put(scalars.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        put(try PrettyJSONEncoder.node(of: value, parent: encoder, step: .index(count), scalars: scalars))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = PrettyJSONObject()
        let sub = PrettyJSONEncoder(parent: encoder, step: .index(count), scalars: scalars)
        put(.object(child))
        return KeyedEncodingContainer(PrettyJSONKeyedContainer<NestedKey>(object: child, encoder: sub))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = PrettyJSONArray()
        let sub = PrettyJSONEncoder(parent: encoder, step: .index(count), scalars: scalars)
        put(.array(child))
        return PrettyJSONUnkeyedContainer(array: child, encoder: sub)
    }

    mutating func superEncoder() -> any Encoder {
        let array = self.array
        let slot = array.items.count
        let sub = PrettyJSONEncoder(parent: encoder, step: .index(slot), scalars: scalars)
        array.items.append(.object(PrettyJSONObject()))
        return PrettyJSONReferencingEncoder(sub) { node in array.items[slot] = node }
    }
}

/// A single value: `store` receives its node.
private struct PrettyJSONSingleValue: SingleValueEncodingContainer {
    let encoder: PrettyJSONEncoder
    let store: (PrettyJSONNode) -> Void
    var codingPath: [any CodingKey] { encoder.codingPath }
    private var scalars: PrettyJSONScalars { encoder.scalars }

    mutating func encodeNil() throws { store(scalars.raw("null")) }
    mutating func encode(_ value: Bool) throws { store(value ? scalars.raw("true") : scalars.raw("false")) }
    mutating func encode(_ value: String) throws { store(scalars.string(value)) }
    mutating func encode(_ value: Double) throws { store(try scalars.floating(value) { encoder.codingPath }) }
    mutating func encode(_ value: Float) throws { store(try scalars.floating(value) { encoder.codingPath }) }
    mutating func encode(_ value: Int) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: Int8) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: Int16) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: Int32) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: Int64) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: UInt) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: UInt8) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: UInt16) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: UInt32) throws { store(scalars.integer(value)) }
    mutating func encode(_ value: UInt64) throws { store(scalars.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        // The value replaces this encoder's result: encode it as this encoder's own child at the same place.
        store(try PrettyJSONEncoder.node(of: value, parent: encoder.parent, step: encoder.step, scalars: scalars))
    }
}

/// The encoder of `superEncoder()`: its value lands in the parent's slot. The slot is filled on every
/// change of the encoder's result, since `Encoder` has no "finished" call.
private final class PrettyJSONReferencingEncoder: Encoder {
    private let inner: PrettyJSONEncoder
    private let store: (PrettyJSONNode) -> Void
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ inner: PrettyJSONEncoder, store: @escaping (PrettyJSONNode) -> Void) {
        self.inner = inner
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
        PrettyJSONSingleValue(encoder: inner, store: store)
    }
}
