import Foundation

/// JSON exactly as Foundation's `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (the layout of onco's JSON outputs), several times faster; `Options`
/// covers escaped slashes, non-finite numbers as strings and `userInfo`.
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
    /// The encoder settings onco's JSON writers use beyond the fixed layout (Foundation equivalents in
    /// brackets): slashes escaped as `\/` (no `.withoutEscapingSlashes`), non-finite doubles as strings
    /// (`nonConformingFloatEncodingStrategy = .convertToString`), and `userInfo` handed to every
    /// `encode(to:)` (`JSONEncoder.userInfo`, e.g. a `DisclosureControl` that rounds counts).
    public struct Options {
        public var escapesSlashes: Bool
        public var nonFiniteStrings: (positiveInfinity: String, negativeInfinity: String, nan: String)?
        public var userInfo: [CodingUserInfoKey: Any]

        public init(escapesSlashes: Bool = false,
                    nonFiniteStrings: (positiveInfinity: String, negativeInfinity: String, nan: String)? = nil,
                    userInfo: [CodingUserInfoKey: Any] = [:]) {
            self.escapesSlashes = escapesSlashes
            self.nonFiniteStrings = nonFiniteStrings
            self.userInfo = userInfo
        }
    }

    /// The JSON text of `value`, without a trailing newline.
    public static func encode<T: Encodable>(_ value: T, options: Options = Options()) throws -> [UInt8] {
        let scalars = PrettyJSONScalars(options)
        let node = try PrettyJSONEncoder.node(of: value, parent: nil, step: .root, scalars: scalars)
        var out: [UInt8] = []
        out.reserveCapacity(scalars.bytes.count * 2 + 64)
        scalars.bytes.withUnsafeBufferPointer { node.write(into: &out, indent: 0, scalars: $0, slashes: options.escapesSlashes) }
        return out
    }

    /// `encode` as a `String`.
    public static func string<T: Encodable>(_ value: T, options: Options = Options()) throws -> String {
        String(decoding: try encode(value, options: options), as: UTF8.self)
    }
}

/// A value being encoded: a finished scalar (a range of `PrettyJSONScalars.bytes`) or a container the
/// `Encodable` implementation fills.
enum PrettyJSONNode {
    case scalar(Int, Int)
    case object(PrettyJSONObject)
    case array(PrettyJSONArray)

    func write(into out: inout [UInt8], indent: Int, scalars: UnsafeBufferPointer<UInt8>, slashes: Bool) {
        switch self {
        case .scalar(let start, let end):
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scalars[start..<end]))
        case .array(let a):
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (i, item) in a.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\n")) }
                Self.writeIndent(indent + 1, into: &out)
                item.write(into: &out, indent: indent + 1, scalars: scalars, slashes: slashes)
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
                PrettyJSONScalars.appendQuoted(entries[i].key, to: &out, slashes: slashes)
                out.append(UInt8(ascii: " ")); out.append(UInt8(ascii: ":")); out.append(UInt8(ascii: " "))
                entries[i].node.write(into: &out, indent: indent + 1, scalars: scalars, slashes: slashes)
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
    let options: PrettyJSON.Options

    init(_ options: PrettyJSON.Options) {
        self.options = options
        bytes.reserveCapacity(1 << 16)
    }

    func raw(_ s: StaticString) -> PrettyJSONNode {
        let start = bytes.count
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        return .scalar(start, bytes.count)
    }

    func string(_ s: String) -> PrettyJSONNode {
        let start = bytes.count
        Self.appendQuoted(s, to: &bytes, slashes: options.escapesSlashes)
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
            if let names = options.nonFiniteStrings {
                return string(x.isNaN ? names.nan : x > 0 ? names.positiveInfinity : names.negativeInfinity)
            }
            throw EncodingError.invalidValue(x, .init(codingPath: path(), debugDescription: "Unable to encode \(F.self).\(x) directly in JSON."))
        }
        var s = x.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return text(s)
    }

    /// `s` quoted and escaped as Foundation's JSON writer does.
    static func appendQuoted(_ s: String, to out: inout [UInt8], slashes: Bool) {
        var copy = s
        copy.withUTF8 { appendQuotedUTF8(UnsafeRawBufferPointer($0), to: &out, slashes: slashes) }
    }

    /// `appendQuoted` of bytes taken as UTF-8: ill-formed sequences are written as U+FFFD, as
    /// `String(decoding:as:)` would make them, so the output equals that of the `String`.
    static func appendQuoted(bytes: UnsafeRawBufferPointer, to out: inout [UInt8], slashes: Bool) {
        if bytes.contains(where: { $0 >= 0x80 }) {
            appendQuoted(String(decoding: bytes, as: UTF8.self), to: &out, slashes: slashes)
        } else {
            appendQuotedUTF8(bytes, to: &out, slashes: slashes)
        }
    }

    private static func appendQuotedUTF8(_ buf: UnsafeRawBufferPointer, to out: inout [UInt8], slashes: Bool) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: PrettyJSON.quotedCapacity(buf.count)) { tmp in
            let n = PrettyJSON.writeQuoted(utf8: buf, to: tmp.baseAddress!, slashes: slashes)
            out.append(contentsOf: UnsafeBufferPointer(start: tmp.baseAddress, count: n))
        }
    }
}

extension PrettyJSON {
    /// The most bytes `writeQuoted` writes for `count` bytes of text (each may become `\u00XX`).
    public static func quotedCapacity(_ count: Int) -> Int { 6 * count + 2 }

    /// Writes well-formed UTF-8 `text` quoted and escaped as Foundation's JSON writer does (`\"`, `\\`,
    /// `\/` when `slashes`, `\b \f \n \r \t`, other control bytes as `\u00xx`) at `out`, which must hold
    /// `quotedCapacity(text.count)` bytes; returns the bytes written. The one implementation of the rules.
    public static func writeQuoted(utf8 text: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>, slashes: Bool) -> Int {
        var n = 0
        @inline(__always) func put(_ b: UInt8) { out[n] = b; n += 1 }
        put(UInt8(ascii: "\""))
        for b in text {
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || (slashes && b == UInt8(ascii: "/")) else { put(b); continue }
            put(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): put(b)
            case 0x08: put(UInt8(ascii: "b"))
            case 0x0C: put(UInt8(ascii: "f"))
            case 0x0A: put(UInt8(ascii: "n"))
            case 0x0D: put(UInt8(ascii: "r"))
            case 0x09: put(UInt8(ascii: "t"))
            default:
                let hex: StaticString = "0123456789abcdef"
                put(UInt8(ascii: "u")); put(UInt8(ascii: "0")); put(UInt8(ascii: "0"))
                hex.withUTF8Buffer { h in put(h[Int(b >> 4)]); put(h[Int(b & 0xF)]) }
            }
        }
        put(UInt8(ascii: "\""))
        return n
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
    var userInfo: [CodingUserInfoKey: Any] { scalars.options.userInfo }
    var result: PrettyJSONNode?

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
