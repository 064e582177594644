import Foundation
import OncoCore

/// The parameters of a synthetic cohort (a JSON file in `Cohorts/`): tumour types with their
/// frequencies, drivers, treatments and baseline survival, and the PLANTED effects of the Cox model
/// that survival is drawn from. See `Cohorts/README.md` for the model, written out.
public struct SyntheticCohortParameters: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    /// `GRCh37` (coordinates of drivers and passengers are GRCh37).
    public var build: String
    /// Megabases sequenced by the simulated panel: passengers per patient ~ Poisson(TMB × panelMegabases).
    public var panelMegabases: Double
    /// Passenger variants to draw from (TSV in `Cohorts/`, relative to this file).
    public var passengerPool: String
    /// Administrative follow-up from diagnosis, uniform in [min, max] days.
    public var followUpDays: ClosedRangeDays
    /// Loss to follow-up: exponential, this many per patient-year.
    public var dropoutPerYear: Double
    /// Weibull shape of every baseline hazard.
    public var weibullShape: Double
    public var effects: PlantedEffects
    public var tumourTypes: [TumourType]
    /// Later lines: probability of a further line at progression, and the regimens used.
    public var laterLines: LaterLines
    /// TP53 variants drawn for patients with a TP53 mutation (the prognostic gene of the model).
    public var tp53Variants: [Driver]
    /// ECOG performance status at diagnosis (clinical attribute `ECOG`) and its prognostic effect; nil: not
    /// generated (and no draw is made, so cohorts without it are unchanged).
    public var performanceStatus: PerformanceStatus?
    /// Biases planted to test real-world-evidence designs (issue #22); nil: none.
    public var traps: Traps?
    /// How the conditional effect is calibrated when `effects.matchedTargetedScale` is `marginal`; nil: the
    /// defaults of `MarginalCalibration`.
    public var marginalCalibration: MarginalCalibration?

    /// The scale of the planted matched-regimen hazard ratio (`effects.matchedTargetedScale`).
    public enum EffectScale: String, Codable, Sendable, Hashable {
        /// `effects.matchedTargeted` is the coefficient of the linear predictor: the HR given ECOG, TP53,
        /// stage and age (the default).
        case conditional
        /// `effects.matchedTargeted` is the target trial's marginal HR (the population-averaged one an
        /// inverse-probability-weighted Cox model estimates); the conditional coefficient is calibrated to it.
        case marginal
    }

    /// The calibration of a marginal effect: the conditional HR whose counterfactual marginal HR
    /// (`SyntheticCohortGenerator.MarginalTruth`, over a calibration cohort of `patients` drawn from its own
    /// stream, `seed`) is the target within `toleranceLog` on the log scale.
    public struct MarginalCalibration: Codable, Sendable, Hashable {
        /// Patients of the calibration cohort (all tumour types; the population is the target trial's).
        public var patients: Int?
        /// Seed of the calibration cohort; its streams are apart from every cohort seed's.
        public var seed: UInt64?
        /// |log achieved − log target| allowed.
        public var toleranceLog: Double?

        public static let defaultPatients = 200_000
        public static let defaultSeed: UInt64 = 22
        public static let defaultToleranceLog = 1e-4
        public var resolvedPatients: Int { patients ?? Self.defaultPatients }
        public var resolvedSeed: UInt64 { seed ?? Self.defaultSeed }
        public var resolvedToleranceLog: Double { toleranceLog ?? Self.defaultToleranceLog }
    }

    public struct PerformanceStatus: Codable, Sendable, Hashable {
        /// Probabilities of ECOG 0, 1, 2, … (at most 5 values: ECOG 0–4).
        public var probabilities: [Double]
        /// Hazard ratio per ECOG step (the planted prognostic effect).
        public var hazardRatioPerStep: Double
    }

    /// Traps for an emulated target trial. The true effect of the matched regimen is `effects.matchedTargeted`
    /// (1.0 for a null trap, 0.6 for a true-effect control); the planted truth is written to the warehouse
    /// (`onco_dataset.planted_truth`).
    public struct Traps: Codable, Sendable, Hashable {
        /// Confounding by indication: odds ratio, per ECOG step, of receiving the matched regimen first line
        /// (< 1: fitter patients get the drug, so it looks better than it is). Needs `performanceStatus`.
        public var matchedOddsRatioPerECOGStep: Double?
        /// Immortal time: a share of the patients given the matched regimen first line are sequenced only
        /// `delayDays` after that line started; those who die or leave follow-up before are never sequenced
        /// (no specimen, no variants), so the sequenced ones had to survive to be classified.
        public var immortalTime: ImmortalTime?
    }

    public struct ImmortalTime: Codable, Sendable, Hashable {
        public var fraction: Double
        public var delayDays: ClosedRangeDays
    }

    public struct ClosedRangeDays: Codable, Sendable, Hashable {
        public var min: Int
        public var max: Int
    }

    /// Hazard ratios planted in the data (the Cox model's true exp(β)).
    public struct PlantedEffects: Codable, Sendable, Hashable {
        /// First-line matched targeted therapy vs chemotherapy, on the scale `matchedTargetedScale`.
        public var matchedTargeted: Double
        /// `conditional` (nil: the default) or `marginal` (see `EffectScale`).
        public var matchedTargetedScale: EffectScale?
        public var resolvedMatchedTargetedScale: EffectScale { matchedTargetedScale ?? .conditional }
        /// First-line immunotherapy vs chemotherapy at TMB = `tmbReference`.
        public var immunotherapy: Double
        /// Multiplier of the immunotherapy HR per doubling of TMB (< 1: benefit rising with TMB).
        public var immunotherapyPerTMBDoubling: Double
        public var tmbReference: Double
        /// First-line older or non-matched regimens vs chemotherapy.
        public var olderOrNonMatched: Double
        /// A TP53 mutation (prognostic).
        public var tp53: Double
        /// Per stage step (I → II → III → IV).
        public var perStage: Double
        /// Per 10 years of age at diagnosis (centred at `ageReference`).
        public var per10YearsOfAge: Double
        public var ageReference: Double
    }

    public struct TumourType: Codable, Sendable, Hashable {
        /// OncoTree code.
        public var code: String
        public var name: String
        /// Relative frequency (normalised over all types).
        public var frequency: Double
        /// Median OS (months) of a reference patient: chemotherapy, stage II, age `ageReference`, no TP53 mutation.
        public var baselineMedianMonths: Double
        /// TMB (mutations/Mb) is log-normal: exp(Normal(log(tmbMedian), tmbLogSD)).
        public var tmbMedian: Double
        public var tmbLogSD: Double
        public var tp53: Double
        public var femaleFraction: Double
        public var ageMean: Double
        public var ageSD: Double
        /// Probabilities of stage I, II, III, IV.
        public var stage: [Double]
        /// Fraction MSI-high (TMB multiplied by `msiTMBFactor`).
        public var msiHigh: Double?
        public var msiTMBFactor: Double?
        /// Mutually exclusive drivers, each with its frequency in this tumour type.
        public var drivers: [Driver]
        /// First-line regimens by class; each regimen is a list of generic names.
        public var chemotherapy: [[String]]
        public var immunotherapy: [[String]]
        public var older: [[String]]
        /// Probability of first-line immunotherapy (when no matched therapy was given).
        public var immunotherapyFraction: Double
        /// Probability of an older or non-matched regimen (when no matched therapy was given).
        public var olderFraction: Double
    }

    public struct Driver: Codable, Sendable, Hashable {
        public var gene: String
        /// 1-letter HGVSp as CIViC names the variant (`p.V600E`), or `EML4::ALK` for a fusion.
        public var hgvsp: String
        public var chrom: String
        public var pos: Int
        /// MAF-style alleles (`-` for empty); `-` / `<AMP>` / `<FUSION>` for gene-level alterations.
        public var ref: String
        public var alt: String
        public var consequence: String
        /// nil for small variants; `amplification`, `fusion`.
        public var alteration: String?
        public var frequency: Double
        /// Matched targeted regimens (empty when none is approved).
        public var targeted: [[String]]
        /// Probability that a patient with this driver gets a matched regimen first line.
        public var matchedFraction: Double
    }

    public struct LaterLines: Codable, Sendable, Hashable {
        public var probability: Double
        public var maxLines: Int
        public var regimens: [[String]]
    }

    /// Loads a JSON parameter file.
    public static func load(_ path: String) throws -> SyntheticCohortParameters {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do throws(InputFileError) { data = try InputFile.contents(path: path) } catch {
            throw ImportError(file: url.lastPathComponent, line: 0, field: nil, problem: error.reason)
        }
        do {
            let p = try JSONDecoder().decode(SyntheticCohortParameters.self, from: data)
            try p.validate(file: url.lastPathComponent)
            return p
        } catch let e as ImportError {
            throw e
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ImportError(file: url.lastPathComponent, line: 0, field: (ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."), problem: "is missing")
        } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
            // A value that does not decode (an unknown `matchedTargetedScale`); an empty path is the document
            // itself not being JSON, reported below.
            throw ImportError(file: url.lastPathComponent, line: 0, field: ctx.codingPath.map(\.stringValue).joined(separator: "."),
                              problem: "has an invalid value (\(ctx.debugDescription))")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ImportError(file: url.lastPathComponent, line: 0, field: ctx.codingPath.map(\.stringValue).joined(separator: "."), problem: "has the wrong type")
        } catch {
            throw ImportError(file: url.lastPathComponent, line: 0, field: nil, problem: "is not valid JSON (\(error))")
        }
    }

    func validate(file: String) throws {
        func bad(_ field: String, _ problem: String) -> ImportError { ImportError(file: file, line: 0, field: field, problem: problem) }
        guard !tumourTypes.isEmpty else { throw bad("tumourTypes", "is empty") }
        for (i, t) in tumourTypes.enumerated() {
            guard t.stage.count == 4, t.stage.allSatisfy({ $0 >= 0 }) else { throw bad("tumourTypes[\(i)].stage", "needs 4 non-negative weights") }
            guard t.drivers.map(\.frequency).reduce(0, +) <= 1 else { throw bad("tumourTypes[\(i)].drivers", "frequencies add up to more than 1") }
            guard !t.chemotherapy.isEmpty else { throw bad("tumourTypes[\(i)].chemotherapy", "is empty") }
            guard t.baselineMedianMonths > 0 else { throw bad("tumourTypes[\(i)].baselineMedianMonths", "must be positive") }
        }
        guard followUpDays.min > 0, followUpDays.max >= followUpDays.min, followUpDays.max <= 36_525 else {
            throw bad("followUpDays", "must be 0 < min ≤ max ≤ 36525 days (100 years)")
        }
        if let ps = performanceStatus {
            guard (1...5).contains(ps.probabilities.count), ps.probabilities.allSatisfy({ $0 >= 0 && $0.isFinite }),
                  ps.probabilities.reduce(0, +) > 0 else {
                throw bad("performanceStatus.probabilities", "needs 1 to 5 non-negative weights (ECOG 0-4), not all zero")
            }
            guard ps.hazardRatioPerStep > 0, ps.hazardRatioPerStep.isFinite else { throw bad("performanceStatus.hazardRatioPerStep", "must be a positive number") }
        }
        if let or = traps?.matchedOddsRatioPerECOGStep {
            guard or > 0, or.isFinite else { throw bad("traps.matchedOddsRatioPerECOGStep", "must be a positive number") }
            guard performanceStatus != nil else { throw bad("traps.matchedOddsRatioPerECOGStep", "needs performanceStatus (the confounder)") }
        }
        guard effects.matchedTargeted > 0, effects.matchedTargeted.isFinite else { throw bad("effects.matchedTargeted", "must be a positive number") }
        if let c = marginalCalibration {
            guard effects.resolvedMatchedTargetedScale == .marginal else {
                throw bad("marginalCalibration", "is used only when effects.matchedTargetedScale is \"marginal\"")
            }
            guard (1_000...10_000_000).contains(c.resolvedPatients) else { throw bad("marginalCalibration.patients", "must be 1000 to 10000000") }
            guard c.resolvedToleranceLog > 0, c.resolvedToleranceLog <= 0.01 else {
                throw bad("marginalCalibration.toleranceLog", "must be in (0, 0.01]")
            }
        }
        if let it = traps?.immortalTime {
            guard (0...1).contains(it.fraction) else { throw bad("traps.immortalTime.fraction", "must be in [0, 1]") }
            guard it.delayDays.min >= 0, it.delayDays.max >= it.delayDays.min, it.delayDays.max <= 36_525 else {
                throw bad("traps.immortalTime.delayDays", "must be 0 ≤ min ≤ max ≤ 36525 days (100 years)")
            }
        }
    }
}

extension SyntheticCohortParameters {
    /// True when the parameter file plants something beyond the base model (performance status, traps, a
    /// marginal matched effect).
    public var plantsTruth: Bool { performanceStatus != nil || traps != nil || effects.resolvedMatchedTargetedScale == .marginal }

    /// What the parameter file planted beyond the base model, as JSON for `onco_dataset.planted_truth`
    /// (nil when it planted nothing beyond it): the true conditional hazard ratio of the matched regimen
    /// (`matchedHazardRatio`: the file's, or the one calibrated to its marginal target), the scale the file
    /// gave it on, the calibration when marginal, the marginal HR of the generated cohort when given
    /// (`SyntheticCohortGenerator.MarginalTruth`), the performance-status effect, and each trap.
    public func plantedTruthJSON(matchedHazardRatio: Double, marginal: SyntheticCohortGenerator.MarginalTruth?,
                                 calibration: SyntheticCohortGenerator.Calibration?) -> String? {
        guard plantsTruth else { return nil }
        struct Truth: Encodable {
            var trueHazardRatioMatchedTargetedVsChemotherapy: Double
            var matchedTargetedScale: String
            var marginalCalibration: SyntheticCohortGenerator.Calibration?
            var marginalHazardRatio: Double?
            var marginalHazardRatioStandardErrorLog: Double?
            var marginalHazardRatioPatients: Int?
            var performanceStatus: PerformanceStatus?
            var confoundingByIndication: Confounding?
            var immortalTime: ImmortalTime?
            struct Confounding: Encodable { var confounder: String; var matchedOddsRatioPerECOGStep: Double }
        }
        let t = Truth(trueHazardRatioMatchedTargetedVsChemotherapy: matchedHazardRatio,
                      matchedTargetedScale: effects.resolvedMatchedTargetedScale.rawValue, marginalCalibration: calibration,
                      marginalHazardRatio: marginal?.hazardRatio, marginalHazardRatioStandardErrorLog: marginal?.standardErrorLog,
                      marginalHazardRatioPatients: marginal?.patients, performanceStatus: performanceStatus,
                      confoundingByIndication: traps?.matchedOddsRatioPerECOGStep.map { .init(confounder: "ECOG", matchedOddsRatioPerECOGStep: $0) },
                      immortalTime: traps?.immortalTime)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(t)).flatMap { String(data: $0, encoding: .utf8) }
    }
}
