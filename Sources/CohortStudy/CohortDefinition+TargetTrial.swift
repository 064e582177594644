import Foundation
import OncoCore

/// The design of a study: the default cohort comparison (`groups`, `endpoint`, `analysis`), or an
/// emulated target trial (issue #22, Hernán & Robins 2016): new users of a treatment vs an active
/// comparator in the same setting, time zero at the line's start, eligibility from what was known then,
/// confounding handled by propensity-score weights, overall survival by weighted Kaplan–Meier and a
/// weighted Cox model with a cluster-robust interval, RMST difference and E-values.
///
/// ```yaml
/// design:
///   kind: target-trial
///   treatment: {drugs: [erlotinib]}          # starting a line containing all these drugs (new users)
///   comparator: other                        # or a regimen: {drugs: [carboplatin, pemetrexed]}
///   line: 1                                  # the setting (optional: every line the treatment starts in)
///   weights: iptw                            # stabilised IPTW (default) or overlap
///   psCovariates: [age, sex, stage, setting]  # default: every time-zero covariate the protocol knows
///   graceDays: 30                            # biomarker known up to 30 days after the line's start (delayed entry)
///   truncate: 99                             # weights truncated at the 1st and 99th percentiles
///   rmstHorizon: 24                          # months
/// ```
///
/// Every field left out takes the protocol's stated default, which every report prints in the
/// target-trial table.
public struct DesignSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Groups, endpoint and analyses as written (the default).
        case cohort
        /// An emulated target trial (the other keys of `design`).
        case targetTrial = "target-trial"
    }

    /// The comparator strategy: another line in the same setting without the treatment's drugs
    /// (`other`), or a line containing all the named drugs (a regimen) and none of the treatment's.
    public enum Comparator: Sendable, Hashable, Codable {
        case other
        case therapy(TherapySpec)

        public init(from decoder: any Decoder) throws {
            if let s = try? decoder.singleValueContainer().decode(String.self) {
                guard s.lowercased() == "other" else {
                    throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath,
                        debugDescription: "\"\(s)\" is not `other` or a therapy such as {drugs: [carboplatin, pemetrexed]}"))
                }
                self = .other
                return
            }
            self = .therapy(try TherapySpec(from: decoder))
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .other:
                var c = encoder.singleValueContainer()
                try c.encode("other")
            case .therapy(let t):
                try t.encode(to: encoder)
            }
        }
    }

    public var kind: Kind
    /// The treatment strategy: start a line containing these drugs (target trial only).
    public var treatment: TherapySpec?
    public var comparator: Comparator?
    /// The setting: only lines with this number (nil: every line in which the treatment is started).
    public var line: Int?
    /// `iptw` (stabilised inverse-probability-of-treatment weights) or `overlap`.
    public var weights: String?
    /// Propensity-score covariates: `TargetTrialProtocol.Covariate` names (`age`, `sex`, `stage`, `setting`,
    /// `prior-therapy-classes`, `log-tmb`, `tumour-type`, `start-year`, `performance-status`; `_` for `-`,
    /// aliases `line`, `prior_therapy`, `tmb`, `ecog`).
    public var psCovariates: [String]?
    /// Days after time zero a biomarker may still become known (the line then enters follow-up that day).
    public var graceDays: Int?
    /// Include patients whose biomarker timing is unknown as known at time zero (a sensitivity analysis).
    public var includeUnknownTiming: Bool?
    /// Weights truncated at the (100 − P)th and Pth percentiles, 50 < P ≤ 100 (100: not truncated).
    public var truncate: Double?
    /// Horizon of the restricted mean survival time, in months.
    public var rmstHorizon: Double?

    public init(kind: Kind, treatment: TherapySpec? = nil, comparator: Comparator? = nil, line: Int? = nil, weights: String? = nil,
                psCovariates: [String]? = nil, graceDays: Int? = nil, includeUnknownTiming: Bool? = nil, truncate: Double? = nil,
                rmstHorizon: Double? = nil) {
        self.kind = kind; self.treatment = treatment; self.comparator = comparator; self.line = line; self.weights = weights
        self.psCovariates = psCovariates; self.graceDays = graceDays; self.includeUnknownTiming = includeUnknownTiming
        self.truncate = truncate; self.rmstHorizon = rmstHorizon
    }

    enum CodingKeys: String, CodingKey {
        case kind, treatment, comparator, line, weights, psCovariates, graceDays, includeUnknownTiming, truncate, rmstHorizon
    }

    public init(from decoder: any Decoder) throws {
        try CohortDefinition.rejectUnknownKeys(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let k = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: k.lowercased()) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown design \"\(k)\" (cohort or target-trial)")
        }
        self.init(kind: kind, treatment: try c.decodeIfPresent(TherapySpec.self, forKey: .treatment),
                  comparator: try c.decodeIfPresent(Comparator.self, forKey: .comparator),
                  line: try c.decodeIfPresent(Int.self, forKey: .line), weights: try c.decodeIfPresent(String.self, forKey: .weights),
                  psCovariates: try c.decodeIfPresent([String].self, forKey: .psCovariates),
                  graceDays: try c.decodeIfPresent(Int.self, forKey: .graceDays),
                  includeUnknownTiming: try c.decodeIfPresent(Bool.self, forKey: .includeUnknownTiming), truncate: try c.decodeIfPresent(Double.self, forKey: .truncate),
                  rmstHorizon: try c.decodeIfPresent(Double.self, forKey: .rmstHorizon))
    }
}

/// The target-trial flags of `onco cohort` (`--design target-trial --treatment … --comparator …`):
/// alone, or on top of a definition file's `design` (each flag given replaces that field).
public struct TargetTrialFlags: Sendable, Hashable {
    /// `target-trial` or `cohort`.
    public var design: String?
    /// The regimen's drugs, comma-separated.
    public var treatment: String?
    /// `other`, or a regimen's drugs, comma-separated.
    public var comparator: String?
    /// `iptw` or `overlap`.
    public var weights: String?
    public var psCovariates: [String] = []
    public var graceDays: Int?
    public var truncate: Double?
    public var rmstHorizon: Double?
    public var includeUnknownTiming = false

    public init() {}

    /// True when a flag other than `--design` is given.
    var givesTrialFields: Bool {
        treatment != nil || comparator != nil || weights != nil || !psCovariates.isEmpty || graceDays != nil || truncate != nil
            || rmstHorizon != nil || includeUnknownTiming
    }

    /// True when the flags ask for (or keep) a target trial on top of `base`.
    func requestsTargetTrial(base: DesignSpec?) -> Bool {
        if let design { return design.lowercased() == DesignSpec.Kind.targetTrial.rawValue }
        return base?.kind == .targetTrial
    }

    /// Applies the flags to the definition; `line` is the `--line` flag (the setting of a target trial).
    /// - Throws: `CohortStudyError.invalidDefinition` naming the flag.
    func apply(to d: inout CohortDefinition, line: Int?, fail: (String, String) -> CohortStudyError) throws {
        if let design {
            guard let kind = DesignSpec.Kind(rawValue: design.lowercased()) else {
                throw fail("--design", "\"\(design)\" is not cohort or target-trial")
            }
            if kind == .cohort {
                if givesTrialFields { throw fail("--design", "the target-trial flags (--treatment, --comparator, …) go with --design target-trial") }
                d.design = nil
                return
            }
            if d.design?.kind != .targetTrial { d.design = DesignSpec(kind: .targetTrial) }
        }
        guard var spec = d.design, spec.kind == .targetTrial else {
            if givesTrialFields { throw fail("--treatment", "the target-trial flags (--treatment, --comparator, …) go with --design target-trial") }
            return
        }
        if let t = treatment { spec.treatment = try CohortFlags.therapy(t, flag: "--treatment", fail: fail) }
        if let c = comparator {
            spec.comparator = c.trimmingCharacters(in: .whitespaces).lowercased() == "other"
                ? .other : .therapy(try CohortFlags.therapy(c, flag: "--comparator", fail: fail))
        }
        if let w = weights { spec.weights = w }
        if !psCovariates.isEmpty {
            spec.psCovariates = psCovariates.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
                .filter { !$0.isEmpty }
        }
        if let g = graceDays { spec.graceDays = g }
        if includeUnknownTiming { spec.includeUnknownTiming = true }
        if let t = truncate { spec.truncate = t }
        if let h = rmstHorizon { spec.rmstHorizon = h }
        if let line { spec.line = line }
        d.design = spec
    }
}
