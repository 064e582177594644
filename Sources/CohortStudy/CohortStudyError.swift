import Foundation

/// A cohort study that cannot run, saying what and where; never carries patient data.
public struct CohortStudyError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String {
            case invalidDefinition, refused, noPatients, analysis, exportNotAllowed
        }
        fileprivate let base: Base
        /// The definition (file or flags) is malformed or inconsistent; `location` names the field.
        public static let invalidDefinition = Code(base: .invalidDefinition)
        /// Governance refused the query (no project, out of scope, expired, revoked).
        public static let refused = Code(base: .refused)
        /// Nothing left to analyse.
        public static let noPatients = Code(base: .noPatients)
        /// The statistics could not be computed.
        public static let analysis = Code(base: .analysis)
        /// Row-level export is not allowed for the project.
        public static let exportNotAllowed = Code(base: .exportNotAllowed)
        public var description: String { base.rawValue }
    }
    public let code: Code
    /// Where: a file and field (`study.yaml: groups.percent`), a flag (`--age`), or a project id.
    public let location: String
    public let message: String
    public init(_ code: Code, _ location: String, _ message: String) {
        self.code = code; self.location = location; self.message = message
    }
    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
    public var debugDescription: String { "CohortStudyError(\(code), \(location), \(message))" }
}
