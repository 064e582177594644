import Foundation
import OncoCore
import Warehouse

/// The outcome.
public struct EndpointSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Overall survival (death or end of observation), derived from the warehouse.
        case os
        /// Progression-free survival where progression is recorded.
        case pfs
        /// Time to next treatment (needs `line`, or a therapy grouping).
        case ttnt
        /// The study's own survival attributes (`time`, `status`), e.g. cBioPortal `OS_MONTHS`/`OS_STATUS`.
        case study
    }
    public enum Origin: String, Sendable, Hashable, Codable {
        /// The diagnosis.
        case diagnosis
        /// The start of line `line`, or for a therapy grouping the line in which the therapy was given.
        case line
    }
    public var kind: Kind
    public var from: Origin?
    public var line: Int?
    /// `study` endpoints: the time and status attributes and the time attribute's unit (default months).
    public var time: String?
    public var status: String?
    public var unit: TimeUnit?
    /// Landmark: only patients still followed at this time, with time counted from it.
    public var landmark: TimeSpan?

    public init(kind: Kind = .os, from: Origin? = nil, line: Int? = nil, time: String? = nil, status: String? = nil, unit: TimeUnit? = nil,
                landmark: TimeSpan? = nil) {
        self.kind = kind; self.from = from; self.line = line; self.time = time; self.status = status; self.unit = unit
        self.landmark = landmark
    }

    enum CodingKeys: String, CodingKey { case kind, from, line, time, status, unit, landmark }
    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .os, from: try c.decodeIfPresent(Origin.self, forKey: .from),
                  line: try c.decodeIfPresent(Int.self, forKey: .line), time: try c.decodeIfPresent(String.self, forKey: .time),
                  status: try c.decodeIfPresent(String.self, forKey: .status), unit: try c.decodeIfPresent(TimeUnit.self, forKey: .unit),
                  landmark: try c.decodeIfPresent(TimeSpan.self, forKey: .landmark))
    }
}

/// A Cox covariate: a variable, numeric or categorical (default: numeric for numbers, categorical for text).
public struct CovariateSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case numeric, categorical }
    public var variable: String
    public var type: Kind?
    public init(_ variable: String, type: Kind? = nil) { self.variable = variable; self.type = type }

    enum CodingKeys: String, CodingKey { case variable, name, type }
    public init(from decoder: any Decoder) throws {
        if let s = try? decoder.singleValueContainer().decode(String.self) {
            self.init(s)
            return
        }
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let v = try c.decodeIfPresent(String.self, forKey: .variable) ?? c.decode(String.self, forKey: .name)
        self.init(v, type: try c.decodeIfPresent(Kind.self, forKey: .type))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(variable, forKey: .variable)
        try c.encodeIfPresent(type, forKey: .type)
    }
}

/// Which analyses, with which options.
public struct AnalysisSpec: Sendable, Hashable, Codable {
    public struct KM: Sendable, Hashable, Codable {
        /// Times (in the display unit) at which survival is tabulated; default: round times over follow-up.
        public var times: [Double]?
        /// `log` (default, R's), `log-log`, `plain`.
        public var confidence: String?
        public init(times: [Double]? = nil, confidence: String? = nil) { self.times = times; self.confidence = confidence }
    }
    public struct LogRank: Sendable, Hashable, Codable {
        public var strata: [String]?
        public init(strata: [String]? = nil) { self.strata = strata }
    }
    public struct Cox: Sendable, Hashable, Codable {
        public var covariates: [CovariateSpec]?
        public var strata: [String]?
        /// `efron` (default), `breslow`, `exact`.
        public var ties: String?
        /// Also run the proportional-hazards test (default true).
        public var phTest: Bool?
        public init(covariates: [CovariateSpec]? = nil, strata: [String]? = nil, ties: String? = nil, phTest: Bool? = nil) {
            self.covariates = covariates; self.strata = strata; self.ties = ties; self.phTest = phTest
        }
    }
    public var km: KM?
    /// nil: unstratified log-rank when there are at least two groups.
    public var logRank: LogRank?
    /// nil: a Cox model of the groups alone when there are at least two groups.
    public var cox: Cox?
    /// Skip analyses: `logrank`, `cox`.
    public var skip: [String]?
    /// Competing risks of the endpoint's events (`CohortAnalysis+CompetingRisks.swift`); nil: not run.
    public var competingRisks: CompetingRisks?

    /// The endpoint's events split by cause: an event whose `cause` attribute is an event status (e.g.
    /// cBioPortal `DSS_STATUS` `1:DEAD WITH TUMOR`) is the event of interest; an event whose `cause` is a
    /// non-event status (`0:ALIVE OR DEAD TUMOR FREE`) is the competing event; an event without a
    /// readable `cause` has an unknown cause and is left out (counted). Patients without an event are censored.
    public struct CompetingRisks: Sendable, Hashable, Codable {
        public var cause: String
        public init(cause: String) { self.cause = cause }
        enum CodingKeys: String, CodingKey { case cause }
        public init(from decoder: any Decoder) throws {
            try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
            self.init(cause: try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .cause))
        }
    }

    public init(km: KM? = nil, logRank: LogRank? = nil, cox: Cox? = nil, skip: [String]? = nil) {
        self.km = km; self.logRank = logRank; self.cox = cox; self.skip = skip
    }
    enum CodingKeys: String, CodingKey { case km, logRank = "logrank", cox, skip, competingRisks }
    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(km: try c.decodeIfPresent(KM.self, forKey: .km), logRank: try c.decodeIfPresent(LogRank.self, forKey: .logRank),
                  cox: try c.decodeIfPresent(Cox.self, forKey: .cox), skip: try c.decodeIfPresent([String].self, forKey: .skip))
        competingRisks = try c.decodeIfPresent(CompetingRisks.self, forKey: .competingRisks)
    }
}
