/// An input the survival routines cannot compute on: what went wrong and where (an index or argument name).
///
/// Statistical trouble (a coefficient diverging, a singular information matrix, no events) is not an
/// error; it is reported as a value on the result, like R survival's `flag`. This error means
/// "cannot compute": mismatched lengths, a negative or non-finite time, an empty input.
/// The `description` never carries data values, only positions and argument names.
public struct SurvivalError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case emptyInput, lengthMismatch, invalidTime, invalidWeight, invalidValue
            case invalidArgument, tooFewGroups, unknownLevel
        }
        fileprivate let base: Base
        /// No observations.
        public static let emptyInput = Code(base: .emptyInput)
        /// Two arrays that must be parallel have different lengths.
        public static let lengthMismatch = Code(base: .lengthMismatch)
        /// A time is negative, NaN or infinite.
        public static let invalidTime = Code(base: .invalidTime)
        /// A case weight is not positive and finite.
        public static let invalidWeight = Code(base: .invalidWeight)
        /// A covariate value is NaN or infinite.
        public static let invalidValue = Code(base: .invalidValue)
        /// An argument is out of its domain (a probability outside 0...1, a confidence level, ...).
        public static let invalidArgument = Code(base: .invalidArgument)
        /// A comparison needs at least two groups.
        public static let tooFewGroups = Code(base: .tooFewGroups)
        /// A value is not one of a factor's levels.
        public static let unknownLevel = Code(base: .unknownLevel)
        public var description: String { base.rawValue }
    }

    public let code: Code
    /// Where: an argument name and, when it applies, a 0-based index. Never a data value.
    public let location: String

    public init(_ code: Code, _ location: String) {
        self.code = code
        self.location = location
    }

    public var description: String { "SurvivalError.\(code) (\(location))" }
    public var debugDescription: String { "SurvivalError(\(code), \(location))" }
}
