/// An error of the Vocabulary module: a reference table that cannot be read, with where (source, line,
/// code, field). `description` carries no patient data (the tables are public vocabularies).
public struct VocabularyError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable { case malformedTree, malformedTable }
        fileprivate let base: Base
        /// A tumour-type tree is not a tree: no single root, an unknown parent, a cycle, a malformed line.
        public static let malformedTree = Code(base: .malformedTree)
        /// A reference table (e.g. the pathway gene lists) has a malformed line or an unknown value.
        public static let malformedTable = Code(base: .malformedTable)
        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What and where (the table's source, line or code, field and value).
    public let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "VocabularyError.\(code): \(detail)" }
    public var debugDescription: String { "VocabularyError(\(code), \(detail))" }
}
