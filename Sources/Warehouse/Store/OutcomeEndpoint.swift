import Foundation

/// The date an outcome is measured from.
public enum IndexEvent: Sendable, Hashable, Codable {
    /// The diagnosis (`condition_occurrence.condition_start_date`, the earliest one).
    case diagnosis
    /// The start of line of therapy `n` (`episode` with `episode_number = n`).
    case lineStart(Int)
}

/// Outcome definitions. Every endpoint is censored at the end of the person's observation
/// (`observation_period_end_date`, the latest one); patients without the index event, or whose
/// end falls before the index, are left out.
public enum OutcomeEndpoint: Sendable, Hashable, Codable {
    /// Index → death (event) or end of observation (censored).
    case overallSurvival(from: IndexEvent)
    /// Index → the first recorded progression after the index (on or after it for diagnosis,
    /// strictly after it for a line start) or death, whichever first (event); else censored.
    case progressionFreeSurvival(from: IndexEvent)
    /// Start of line `line` → start of the next line (`line + 1`) or death, whichever first (event);
    /// else censored at end of observation.
    case timeToNextTreatment(line: Int)
}

/// How outcome rows are grouped.
public enum OutcomeGrouping: Sendable, Hashable, Codable {
    case none
    /// By tumour type (OncoTree code of the diagnosis; `unknown` when absent).
    case tumourType
    /// By the value of a clinical attribute (patient level, else first specimen); `NA` when absent.
    case attribute(String)
}

/// Per-patient times and events of one group. `days` are whole days; `events[i]` is true for an event.
public struct OutcomeData: Sendable, Hashable, Codable {
    public var personIDs: [Int64]
    public var days: [Double]
    public var events: [Bool]
    public init(personIDs: [Int64] = [], days: [Double] = [], events: [Bool] = []) {
        self.personIDs = personIDs; self.days = days; self.events = events
    }
    public var count: Int { personIDs.count }
}

public struct OutcomeGroup: Sendable, Hashable, Codable {
    /// `all` when not grouped.
    public var label: String
    public var data: OutcomeData
}

/// Aggregated outcomes of one group: for each distinct time, how many events and censorings.
public struct OutcomeCountGroup: Sendable, Hashable, Codable {
    public var label: String
    public var days: [Double]
    public var events: [Int]
    public var censored: [Int]
    /// Number of patients (sum of events and censored).
    public var total: Int { events.reduce(0, +) + censored.reduce(0, +) }
}

/// A (time, event) pair in days.
public struct TimeToEvent: Sendable, Hashable, Codable {
    public var days: Double
    public var event: Bool
    public init(days: Double, event: Bool) { self.days = days; self.event = event }
}

/// A line of therapy of one patient, with its drugs and outcomes measured from its start.
public struct TreatmentLine: Sendable, Hashable, Codable {
    public var personID: Int64
    public var line: Int
    /// Days from diagnosis to the start / end of the line (end nil when not recorded).
    public var startDay: Int
    public var endDay: Int?
    /// Lower-case generic names, sorted, distinct.
    public var drugs: [String]
    /// `drugs` joined with `+`.
    public var regimen: String { drugs.joined(separator: "+") }
    /// Line start → death / end of observation.
    public var overallSurvival: TimeToEvent?
    /// Line start → next line or death / end of observation.
    public var timeToNextTreatment: TimeToEvent?
    /// Line start → progression after the start or death / end of observation.
    public var progressionFreeSurvival: TimeToEvent?
}
