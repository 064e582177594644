import Foundation
import Logging
import OncoCore

/// The endpoint of a cohort table.
public enum CohortEndpoint: Sendable, Hashable, Codable {
    /// Derived from the OMOP tables (see `OutcomeEndpoint`); times in days.
    case derived(OutcomeEndpoint)
    /// The study's own survival attributes as imported (e.g. cBioPortal `OS_MONTHS` / `OS_STATUS`):
    /// time is the numeric value of `time` (in its own unit), the event is a status such as
    /// `1:DECEASED` (`n:…` with n ≠ 0, or `DECEASED`, `DEAD`, `PROGRESSED`, …; see
    /// `CohortEndpoint.isEvent`). Patient-level values are used, else the first specimen's.
    case attributes(time: String, status: String)

    /// Whether a status text is an event (`1:DECEASED` → true, `0:LIVING` → false), nil when not a status.
    public static func isEvent(_ status: String) -> Bool? {
        let s = status.trimmingCharacters(in: .whitespaces)
        if let colon = s.firstIndex(of: ":"), let n = Int(s[..<colon]) { return n != 0 }
        switch s.uppercased() {
        case "DECEASED", "DEAD", "1", "PROGRESSED", "PROGRESSION", "RECURRED", "RECURRED/PROGRESSED", "YES", "TRUE", "EVENT": return true
        case "LIVING", "ALIVE", "0", "CENSORFREE", "DISEASEFREE", "DISEASE FREE", "NO", "FALSE", "CENSORED": return false
        default: return nil
        }
    }
}

/// A per-patient column of a cohort table.
public enum CohortColumn: Sendable, Hashable, Codable {
    /// OncoTree code of the diagnosis (text).
    case tumourType
    /// Age at diagnosis in whole years (number).
    case age
    /// `female`, `male` or `unknown` (text).
    case sex
    /// Stage at diagnosis: text `0`, `I`…`IV`, number its ordinal.
    case stage
    /// TMB, mutations/Mb, the highest over the specimens (number).
    case tmb
    /// Year of diagnosis (number).
    case diagnosisYear
    /// A clinical attribute: text as imported and the number when it parses; the patient-level value,
    /// else the first specimen's.
    case attribute(String)
    /// The pseudonymous patient key (`PatientKey.rawValue`, text), for row-level exports.
    case patientKey
    /// 1 when the patient has a qualifying alteration, 0 when genotyped (has a specimen) without one,
    /// nil when not genotyped. The filter's `present` is ignored.
    case alteration(AlterationFilter)
}

/// What to read for a cohort study: the patients, their endpoint and covariates, in one call.
public struct CohortTableRequest: Sendable, Hashable, Codable {
    public var cohort: CohortCriteria
    /// nil: no endpoint (counts only).
    public var endpoint: CohortEndpoint?
    public var columns: [CohortColumn]
    public init(cohort: CohortCriteria, endpoint: CohortEndpoint?, columns: [CohortColumn]) {
        self.cohort = cohort; self.endpoint = endpoint; self.columns = columns
    }
}

/// The answer: one row per patient of the cohort with a usable endpoint (all cohort patients when no
/// endpoint was asked for), ordered by person id, in columns.
public struct CohortTable: Sendable, Hashable {
    /// One requested column; `texts` and/or `numbers` as the column kind has them (see `CohortColumn`).
    public struct Column: Sendable, Hashable {
        public var column: CohortColumn
        public var texts: [String?]?
        public var numbers: [Double?]?
        public init(column: CohortColumn, texts: [String?]?, numbers: [Double?]?) {
            self.column = column; self.texts = texts; self.numbers = numbers
        }
    }
    public var personIDs: [Int64] = []
    /// Endpoint time (days for derived endpoints, the attribute's unit otherwise); empty without endpoint.
    public var time: [Double] = []
    public var event: [Bool] = []
    public var columns: [Column] = []
    /// Patients matching the criteria (with or without endpoint).
    public var cohortSize: Int = 0
    /// Patients of the cohort left out for want of an endpoint: no index event, no follow-up, a
    /// negative time, or a missing/unreadable attribute.
    public var withoutEndpoint: Int { cohortSize - personIDs.count }
    public init() {}
    public var count: Int { personIDs.count }
}
