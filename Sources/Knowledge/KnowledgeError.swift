/// An error while loading, importing or querying the knowledge base. Says what and where (file, line,
/// field); never carries patient data.
public struct KnowledgeError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String {
            case fileUnreadable, missingColumn, badField, unknownSchema, missingFile, staleIndex,
                 badIndex, checksumMismatch, badInput, unknownTumourType
        }
        fileprivate let base: Base
        public var description: String { base.rawValue }
        /// A file could not be read.
        public static let fileUnreadable = Code(base: .fileUnreadable)
        /// A required column is absent from a header.
        public static let missingColumn = Code(base: .missingColumn)
        /// A field could not be parsed.
        public static let badField = Code(base: .badField)
        /// A CIViC TSV header matches neither the v1 nor the v2 schema.
        public static let unknownSchema = Code(base: .unknownSchema)
        /// A required file is absent from a directory.
        public static let missingFile = Code(base: .missingFile)
        /// The prebuilt index was built from other source files than the ones shipped.
        public static let staleIndex = Code(base: .staleIndex)
        /// The prebuilt index is truncated, of another format version, or corrupt.
        public static let badIndex = Code(base: .badIndex)
        /// A file's SHA-256 differs from the manifest.
        public static let checksumMismatch = Code(base: .checksumMismatch)
        /// A case input (variant list) is malformed.
        public static let badInput = Code(base: .badInput)
        /// An OncoTree code is not in the shipped OncoTree.
        public static let unknownTumourType = Code(base: .unknownTumourType)
    }

    public let code: Code
    /// File name (last path component only, so no directory layout leaks), if any.
    public let file: String?
    /// 1-based line number, if any.
    public let line: Int?
    /// Column or field name, if any.
    public let field: String?
    /// What went wrong, in words.
    public let message: String

    public init(_ code: Code, file: String? = nil, line: Int? = nil, field: String? = nil, _ message: String) {
        self.code = code
        self.file = file.map { ($0 as NSString).lastPathComponent }
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file + (line.map { ":\($0)" } ?? "")) }
        if let field { parts.append("field '\(field)'") }
        let place = parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
        return "\(message)\(place)"
    }
    public var debugDescription: String { "KnowledgeError(\(code), \(description))" }
}

import Foundation
