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

    /// Generates patient `i` into `b`; returns the draws giving the patient's survival under both strategies
    /// of the target trial when the patient belongs to its population (see `CounterfactualDraw`).
    ///
    /// One function of ~170 lines on purpose: every draw comes from the patient's one random stream in a
    /// fixed order, which the seeded tests and goldens depend on; split, that order would be spread over
    /// functions that each must be called at exactly the same point.
    @discardableResult
    func generatePatient(index i: Int, into b: inout WarehouseBatch, ids: inout LocalIDs) -> CounterfactualDraw? {
        // Each patient's stream starts at a hashed (seed, index) state. Starting patient i at seed + γ·(i+1)
        // (γ being SplitMix64's own increment) made patient i+1's stream patient i's shifted by one draw
        // (onco-synth-v1): consecutive patients were correlated. Streams now start ~uniformly over 2^64.
        var r = SplitMix64(seed: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(i) &+ 0x632B_E59B_D9B4_E019)))
        let P = parameters
        let e = P.effects
        let u0 = r.uniform()
        let typeIndex = cumulativeTypes.firstIndex { u0 < $0 } ?? (cumulativeTypes.count - 1)
        let t = P.tumourTypes[typeIndex]
        let female = r.uniform() < t.femaleFraction
        let age = Int(min(90, max(20, (t.ageMean + t.ageSD * r.normal()).rounded())))
        let stage = r.categorical(t.stage) + 1
        let diag = Day(year: 2010, month: 1, day: 1) + r.int(0...3652)
        let msi = (t.msiHigh ?? 0) > 0 && r.uniform() < (t.msiHigh ?? 0)
        var tmb = exp(log(t.tmbMedian) + t.tmbLogSD * r.normal()) * (msi ? (t.msiTMBFactor ?? 1) : 1)
        tmb = (tmb * 100).rounded() / 100
        tmb = max(tmb, 0.01)
        let driverU = r.uniform()
        var acc = 0.0
        var driver: SyntheticCohortParameters.Driver?
        for d in t.drivers {
            acc += d.frequency
            if driverU < acc { driver = d; break }
        }
        let tp53 = r.uniform() < t.tp53
        // Drawn only when the parameter file asks for it, so that cohorts without it keep their streams.
        let ecog = P.performanceStatus.map { r.categorical($0.probabilities) }
        // First line.
        var cls = FirstLineClass.chemotherapy
        var regimen: [String]
        if let d = driver, !d.targeted.isEmpty, r.uniform() < matchedProbability(d.matchedFraction, ecog: ecog) {
            cls = .matchedTargeted
            regimen = d.targeted[r.int(0...(d.targeted.count - 1))]
        } else {
            let u = r.uniform()
            if u < t.immunotherapyFraction, !t.immunotherapy.isEmpty {
                cls = .immunotherapy
                regimen = t.immunotherapy[r.int(0...(t.immunotherapy.count - 1))]
            } else if u < t.immunotherapyFraction + t.olderFraction,
                      case let options = t.older.filter({ !(driver?.targeted.contains($0) ?? false) }), !options.isEmpty {
                // Never an "older" regimen that would in fact match the patient's driver.
                cls = .olderOrNonMatched
                regimen = options[r.int(0...(options.count - 1))]
            } else {
                regimen = t.chemotherapy[r.int(0...(t.chemotherapy.count - 1))]
            }
        }
        // Survival. `lp0` is the linear predictor without the treatment term (the comparator's), summed in the
        // same order so that it equals `lp` bit for bit under chemotherapy.
        var lp = 0.0, lp0 = 0.0
        func add(_ x: Double) { lp += x; lp0 += x }
        switch cls {
        case .matchedTargeted: lp += log(matchedHazardRatio)
        case .immunotherapy: lp += log(e.immunotherapy) + log(e.immunotherapyPerTMBDoubling) * log2(tmb / e.tmbReference)
        case .olderOrNonMatched: lp += log(e.olderOrNonMatched)
        case .chemotherapy: break
        }
        if tp53 { add(log(e.tp53)) }
        if let ecog, let ps = P.performanceStatus { add(log(ps.hazardRatioPerStep) * Double(ecog)) }
        add(log(e.perStage) * Double(stage - 2))
        add(log(e.per10YearsOfAge) * (Double(age) - e.ageReference) / 10)
        let k = P.weibullShape
        let scale = t.baselineMedianMonths * 30.4375 / pow(log(2.0), 1 / k)
        let hazardDraw = -log(r.uniformOpen())
        let deathT = scale * pow(hazardDraw / exp(lp), 1 / k)
        let admin = Double(r.int(P.followUpDays.min...P.followUpDays.max))
        let drop = P.dropoutPerYear > 0 ? -log(r.uniformOpen()) / (P.dropoutPerYear / 365.25) : .infinity
        let censorT = min(admin, drop)
        let died = deathT <= censorT
        let follow = max(1, Int((died ? deathT : censorT).rounded()))
        let trueDeath = max(1, Int(deathT.rounded()))

        // Rows.
        ids.person += 1
        let pid = ids.person
        // `^` and `&+` share a precedence level: the seed is mixed (multiplied) before adding `i`, so that
        // cohorts of nearby seeds do not share keys ((seed ^ C) &+ i repeated them: seeds 1 and 2 differ by 1).
        var keyRNG = SplitMix64(seed: (seed ^ 0xD1B5_4A32_D192_ED03) &* 0xBF58_476D_1CE4_E5B9 &+ UInt64(i))
        let keyHex = String(format: "%016llx%016llx", keyRNG.next(), keyRNG.next())
        b.persons.append(PersonRow(id: pid, key: PatientKey("SYN" + keyHex.prefix(29)), sex: female ? .female : .male,
                                   yearOfBirth: diag.year - age, synthetic: true))
        ids.op += 1
        b.observationPeriods.append(ObservationPeriodRow(id: ids.op, person: pid, start: diag, end: diag + follow))
        ids.condition += 1
        b.conditions.append(ConditionRow(id: ids.condition, person: pid, start: diag, tumourType: t.code))
        if died { b.deaths.append(DeathRow(person: pid, date: diag + follow)) }
        ids.measurement += 1
        b.measurements.append(MeasurementRow(id: ids.measurement, person: pid, date: diag, kind: WarehouseSchema.MeasurementKind.stage,
                                             number: Double(stage), text: ["I", "II", "III", "IV"][stage - 1]))
        if let ecog {
            b.attributes.append(AttributeRow(person: pid, specimen: nil, attribute: "ECOG", value: String(ecog), number: Double(ecog)))
        }
        // The specimen's rows are drawn now (same stream order as always) and written after the lines, when
        // the immortal-time trap may have moved its sequencing day past the start of line 1 (or past death).
        var sample = SampleDraw(tmb: tmb, msi: (t.msiHigh ?? 0) > 0 ? msi : nil)
        func variant(_ d: SyntheticCohortParameters.Driver, vaf: Double?) -> VariantRow {
            VariantRow(person: pid, specimen: 0, key: VariantKey(build: .grch37, chrom: d.chrom, position: d.pos, ref: d.ref, alt: d.alt),
                       gene: d.gene, hgvsp: d.hgvsp, consequence: d.consequence,
                       consequenceClass: d.alteration == nil ? Consequence.classify(d.consequence).rawValue : nil,
                       alteration: d.alteration, vaf: vaf, depth: vaf == nil ? nil : r.int(150...900), filter: "PASS")
        }
        if let driver { sample.variants.append(variant(driver, vaf: driver.alteration == nil ? (r.uniform() * 0.5 + 0.1) : nil)) }
        if tp53, !P.tp53Variants.isEmpty {
            sample.variants.append(variant(P.tp53Variants[r.int(0...(P.tp53Variants.count - 1))], vaf: r.uniform() * 0.6 + 0.1))
        }
        let nPass = min(60, r.poisson(tmb * P.panelMegabases))
        var used = Set<Int>()
        for _ in 0..<nPass where !passengers.isEmpty {
            let j = r.int(0...(passengers.count - 1))
            if used.insert(j).inserted { sample.variants.append(variant(passengers[j], vaf: r.uniform() * 0.4 + 0.05)) }
        }

        // Lines of therapy and progressions (progression = a fraction of the remaining true survival).
        let startDraw = r.int(7...42)
        var start = min(startDraw, max(0, follow / 4))
        // The draws of the patient's survival under both strategies (common random numbers).
        let counterfactual: CounterfactualDraw? = {
            guard let d = driver, !d.targeted.isEmpty, cls == .matchedTargeted || cls == .chemotherapy else { return nil }
            return CounterfactualDraw(comparatorLP: lp0, hazardDraw: hazardDraw,
                                      startDraw: startDraw, scale: scale)
        }()
        let firstLineStart = start
        var line = 1
        var current = regimen
        while true {
            let progression = Double(start) + Double(trueDeath - start) * (0.3 + 0.5 * r.uniform())
            let prog = Int(progression.rounded())
            let progressed = prog < follow && prog > start
            let end = progressed ? prog : follow
            ids.episode += 1
            let eid = ids.episode
            b.episodes.append(EpisodeRow(id: eid, person: pid, start: diag + start, end: diag + end, number: line,
                                         kind: WarehouseSchema.EpisodeKind.lineOfTherapy))
            for drug in current {
                ids.drug += 1
                b.drugExposures.append(DrugExposureRow(id: ids.drug, person: pid, start: diag + start, end: diag + end,
                                                       verbatimEnd: diag + end, drug: drug))
                b.episodeEvents.append(EpisodeEventRow(episode: eid, drugExposure: ids.drug))
            }
            guard progressed else { break }
            ids.episode += 1
            b.episodes.append(EpisodeRow(id: ids.episode, person: pid, start: diag + prog, end: nil, number: nil,
                                         kind: WarehouseSchema.EpisodeKind.progression))
            let next = prog + r.int(7...28)
            guard line < P.laterLines.maxLines, next < follow, r.uniform() < P.laterLines.probability,
                  !P.laterLines.regimens.isEmpty else { break }
            var choice = P.laterLines.regimens[r.int(0...(P.laterLines.regimens.count - 1))]
            if choice == current { choice = P.laterLines.regimens[(P.laterLines.regimens.firstIndex(of: choice)! + 1) % P.laterLines.regimens.count] }
            current = choice
            start = next
            line += 1
        }
        // Sequencing: at diagnosis, unless the immortal-time trap delays it past the start of line 1.
        var sequencedDay = 0, source = "synthetic"
        if cls == .matchedTargeted, let it = P.traps?.immortalTime, r.uniform() < it.fraction {
            sequencedDay = firstLineStart + r.int(it.delayDays.min...it.delayDays.max)
            source = "synthetic (immortal-time trap)"
            if sequencedDay >= follow { return counterfactual }   // died or left follow-up before sequencing: never sequenced
        }
        writeSample(sample, person: pid, day: diag + sequencedDay, source: source, sampleKey: keyHex, tumourType: t.code,
                    into: &b, ids: &ids)
        return counterfactual
    }

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
