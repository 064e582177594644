import Foundation

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
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Inf", negativeInfinity: "-Inf", nan: "NaN")
        let data = try enc.encode(Envelope(synthetic: provenance.synthetic ? Self.syntheticBanner : nil, report: self))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
