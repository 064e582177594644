import Foundation

/// A warehouse failure, saying what and where; never carries patient identifiers.
public struct WarehouseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String {
            case schemaTooNew, pseudonymKeyMismatch, syntheticMix, missingKey, badLocation, database, invalidData
        }
        fileprivate let base: Base
        public static let schemaTooNew = Code(base: .schemaTooNew)
        public static let pseudonymKeyMismatch = Code(base: .pseudonymKeyMismatch)
        public static let syntheticMix = Code(base: .syntheticMix)
        public static let missingKey = Code(base: .missingKey)
        public static let badLocation = Code(base: .badLocation)
        public static let database = Code(base: .database)
        public static let invalidData = Code(base: .invalidData)
        public var description: String { base.rawValue }
    }
    public let code: Code
    public let message: String
    let detail: String
    public init(_ code: Code, _ message: String, detail: String = "") {
        self.code = code; self.message = message; self.detail = detail
    }
    public var description: String { message }
    public var debugDescription: String { "WarehouseError(\(code), \(message), \(detail))" }
}
