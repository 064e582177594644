import Foundation

// The keyed, unkeyed and single-value containers of `PrettyJSONEncoder`.

struct PrettyJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

struct PrettyJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
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

struct PrettyJSONUnkeyedContainer: UnkeyedEncodingContainer {
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
struct PrettyJSONSingleValue: SingleValueEncodingContainer {
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
final class PrettyJSONReferencingEncoder: Encoder {
    private let inner: PrettyJSONEncoder
    private let store: (PrettyJSONNode) -> Void
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { inner.userInfo }

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
