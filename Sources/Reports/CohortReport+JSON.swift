import Foundation
import CohortStudy
import OncoCore

extension CohortReport {
    /// The report as JSON (keys sorted, pretty-printed): every field of the value, counts as integers
    /// or `"<5"` strings, the definition as a string of canonical JSON. Schema: the `Codable` shape of
    /// `CohortReport` (`format: "onco.cohort-report/1"` names it).
    public func json() throws -> String {
        struct Envelope: Encodable {
            let format = "onco.cohort-report/1"
            let synthetic: String?
            let report: CohortReport
        }
        // PrettyJSON: the bytes of JSONEncoder [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] with
        // nonConformingFloatEncodingStrategy .convertToString("Inf", "-Inf", "NaN"), faster
        let envelope = Envelope(synthetic: provenance.synthetic ? Self.syntheticBanner : nil, report: self)
        return try PrettyJSON.string(envelope, options: .init(nonFiniteStrings: ("Inf", "-Inf", "NaN"))) + "\n"
    }
}
