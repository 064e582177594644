import Crypto
import Foundation
import OncoCore
import Survival

/// Generates a synthetic cohort from `SyntheticCohortParameters`, deterministically per seed.
///
/// Each patient is drawn from its own random stream (SplitMix64 seeded from the cohort seed and the
/// patient's index), so the result does not depend on how many threads generate it or in which
/// order. Patients are generated in chunks, in parallel, and handed to the store in index order.
///
/// The survival model (written out in `Cohorts/README.md`): overall survival from diagnosis is
/// Weibull with the parameter file's shape, a per-tumour-type scale (the reference patient's median),
/// and the linear predictor
/// `log HR = β_tgt·matched + io·(β_io + β_io×TMB·log2(TMB/TMB_ref)) + β_old·older + β_TP53·TP53
///          + β_stage·(stage − 2) + β_age·(age − age_ref)/10`,
/// where matched/io/older describe the first line (chemotherapy is the reference). Censoring is
/// administrative (uniform follow-up) and random drop-out (exponential), both independent of the
/// covariates. A Cox model stratified by tumour type with these covariates recovers the planted β.
public struct SyntheticCohortGenerator: Sendable {
    public static let generatorVersion = "onco-synth-v2"
    public let parameters: SyntheticCohortParameters
    public internal(set) var patients: Int
    public internal(set) var seed: UInt64
    public var chunkSize: Int = 10_000
    let passengers: [SyntheticCohortParameters.Driver]
    let contentHash: String
    let cumulativeTypes: [Double]
    /// The marginal hazard ratio of the matched regimen in this cohort (`MarginalTruth`); computed when
    /// the parameter file plants a truth (traps, performance status or a marginal effect), else nil.
    public private(set) var marginalTruth: MarginalTruth?
    /// The conditional hazard ratio of the matched regimen planted in the linear predictor: the parameter
    /// file's `effects.matchedTargeted`, or, on the marginal scale, the one calibrated to it (`calibration`).
    public private(set) var matchedHazardRatio: Double
    /// How `matchedHazardRatio` was calibrated to a marginal target; nil on the conditional scale.
    public private(set) var calibration: Calibration?

    /// Loads the parameter file and its passenger pool.
    public init(parametersPath: String, patients: Int, seed: UInt64) throws {
        precondition(patients >= 0)
        let params = try SyntheticCohortParameters.load(parametersPath)
        let dir = URL(fileURLWithPath: parametersPath).deletingLastPathComponent()
        let poolURL = dir.appendingPathComponent(params.passengerPool)
        let table = try ClinicalTable(path: poolURL.path)
        guard let g = table.column("gene"), let c = table.column("chrom"), let p = table.column("pos"), let r = table.column("ref"),
              let a = table.column("alt"), let h = table.column("hgvsp"), let q = table.column("consequence") else {
            throw ImportError(file: poolURL.lastPathComponent, line: 1, field: nil, problem: "needs columns gene, chrom, pos, ref, alt, hgvsp, consequence")
        }
        var pool: [SyntheticCohortParameters.Driver] = []
        for (i, row) in table.rows.enumerated() {
            guard let pos = Int(row[p]) else {
                throw ImportError(file: poolURL.lastPathComponent, line: table.lineNumbers[i], field: "pos", problem: "is not a number")
            }
            pool.append(.init(gene: row[g], hgvsp: row[h], chrom: row[c], pos: pos, ref: row[r], alt: row[a], consequence: row[q],
                              alteration: nil, frequency: 0, targeted: [], matchedFraction: 0))
        }
        self.parameters = params
        self.passengers = pool
        self.patients = patients
        self.seed = seed
        let total = params.tumourTypes.map(\.frequency).reduce(0, +)
        var acc = 0.0
        cumulativeTypes = params.tumourTypes.map { acc += $0.frequency / total; return acc }
        contentHash = try CBioPortalImporter.contentHash([URL(fileURLWithPath: parametersPath), poolURL],
                                                         extra: [Self.generatorVersion, String(seed), String(patients)])
        matchedHazardRatio = params.effects.matchedTargeted
        let file = URL(fileURLWithPath: parametersPath).lastPathComponent
        if params.effects.resolvedMatchedTargetedScale == .marginal {
            let c = try calibratedToMarginal(file: file)
            calibration = c
            matchedHazardRatio = c.conditionalHazardRatio
        }
        if params.plantsTruth { marginalTruth = try computeMarginalTruth(file: file) }
    }

    /// The dataset this run writes: named by parameter set, seed and size; always synthetic.
    public var descriptor: DatasetDescriptor {
        DatasetDescriptor(name: "synthetic:\(parameters.name):seed=\(seed):n=\(patients)", sourceKind: "synthetic",
                          contentSHA256: contentHash, synthetic: true, pseudonymKeyFingerprint: nil,
                          plantedTruth: parameters.plantedTruthJSON(matchedHazardRatio: matchedHazardRatio, marginal: marginalTruth,
                                                                    calibration: calibration))
    }

    /// A batch source generating `parallelism` chunks at a time.
    public func makeSource(parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) -> any WarehouseBatchSource {
        SyntheticSource(generator: self, parallelism: max(1, parallelism))
    }

    var chunkCount: Int { (patients + chunkSize - 1) / chunkSize }

    /// Chunk `k` with chunk-local ids (1-based per table).
    public func chunk(_ k: Int) -> WarehouseBatch {
        var b = WarehouseBatch()
        var ids = LocalIDs()
        let lo = k * chunkSize, hi = min(patients, lo + chunkSize)
        for i in lo..<hi { generatePatient(index: i, into: &b, ids: &ids) }
        return b
    }

    struct LocalIDs {
        var person: Int64 = 0, op: Int64 = 0, condition: Int64 = 0, drug: Int64 = 0, measurement: Int64 = 0
        var specimen: Int64 = 0, episode: Int64 = 0
    }

    /// The first-line class a patient received (what the model's treatment terms describe).
    public enum FirstLineClass: String, Sendable, Codable { case chemotherapy, matchedTargeted, immunotherapy, olderOrNonMatched }

    /// A patient's specimen, drawn before its dates are known.
    struct SampleDraw {
        var tmb: Double
        /// nil when the tumour type has no MSI-high fraction (no MSI measurement is written).
        var msi: Bool?
        var variants: [VariantRow] = []
    }

    func writeSample(_ s: SampleDraw, person pid: Int64, day: Day, source: String, sampleKey keyHex: String, tumourType: String,
                     into b: inout WarehouseBatch, ids: inout LocalIDs) {
        ids.specimen += 1
        let sid = ids.specimen
        b.specimens.append(SpecimenRow(id: sid, person: pid, date: day, key: SampleKey("SYS" + keyHex.dropFirst(3).prefix(29)),
                                       sampleType: "Primary Solid Tumor", tumourType: tumourType,
                                       timing: SpecimenTiming(collected: day, sequenced: day, source: source)))
        ids.measurement += 1
        b.measurements.append(MeasurementRow(id: ids.measurement, person: pid, date: day, kind: WarehouseSchema.MeasurementKind.tmb,
                                             number: s.tmb, unit: "mutations/Mb", specimen: sid))
        b.attributes.append(AttributeRow(person: pid, specimen: sid, attribute: "TMB_NONSYNONYMOUS", value: String(s.tmb), number: s.tmb))
        if let msi = s.msi {
            ids.measurement += 1
            let status = msi ? MSIStatus.high.rawValue : MSIStatus.stable.rawValue
            b.measurements.append(MeasurementRow(id: ids.measurement, person: pid, date: day, kind: WarehouseSchema.MeasurementKind.msi,
                                                 text: status, specimen: sid))
            b.attributes.append(AttributeRow(person: pid, specimen: sid, attribute: "MSI_STATUS", value: status, number: nil))
        }
        for var v in s.variants { v.specimen = sid; b.variants.append(v) }
    }

    /// Probability of the matched regimen: the parameter file's fraction, shifted on the logit scale by the
    /// confounding-by-indication trap (odds ratio per ECOG step).
    func matchedProbability(_ p: Double, ecog: Int?) -> Double {
        guard let or = parameters.traps?.matchedOddsRatioPerECOGStep, let ecog, p > 0, p < 1 else { return p }
        let logit = log(p / (1 - p)) + log(or) * Double(ecog)
        return 1 / (1 + exp(-logit))
    }
}
