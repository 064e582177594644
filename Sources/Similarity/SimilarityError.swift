/// An error of the Similarity module: what went wrong and where (file, line, field).
///
/// `description` never carries patient identifiers; paths and details are in `debugDescription`.
public struct SimilarityError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case malformedData, unreadableFile, badIndexFile, unsupportedVersion, incompatibleIndex, invalidArgument, writeFailed
        }
        fileprivate let base: Base
        /// A data table (pathways, hotspots, OncoTree) could not be parsed.
        public static let malformedData = Code(base: .malformedData)
        /// A file could not be opened or read.
        public static let unreadableFile = Code(base: .unreadableFile)
        /// An index file is truncated or inconsistent.
        public static let badIndexFile = Code(base: .badIndexFile)
        /// An index file was written by an unsupported format version.
        public static let unsupportedVersion = Code(base: .unsupportedVersion)
        /// Two indexes (or an index and a query) disagree on vocabulary or layout.
        public static let incompatibleIndex = Code(base: .incompatibleIndex)
        /// An argument is out of its documented range.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// Writing an index file failed.
        public static let writeFailed = Code(base: .writeFailed)
        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What and where, without patient identifiers (may contain a file path).
    let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// Safe for logs: the code and the location-free part of the message.
    public var description: String { "SimilarityError.\(code): \(detail)" }
    public var debugDescription: String { "SimilarityError(\(code), \(detail))" }
}
