import Foundation
import OncoCore

/// One synthetic patient, in named steps. Every draw comes from the patient's one random stream, in a fixed
/// order that the seeded tests and goldens depend on: each step takes the stream `inout` and `generatePatient`
/// calls them in that order (clinical facts, first line, survival, the rows, the specimen, the lines, sequencing).
extension SyntheticCohortGenerator {
    /// The patient at diagnosis.
    struct ClinicalDraw {
        var type: SyntheticCohortParameters.TumourType
        var female: Bool, age: Int, stage: Int, diagnosis: Day
        var msi: Bool, tmb: Double
        var driver: SyntheticCohortParameters.Driver?, tp53: Bool
        /// Drawn only when the parameter file asks for it, so that cohorts without it keep their streams.
        var ecog: Int?
    }

    /// The patient's survival and follow-up.
    struct SurvivalDraw {
        /// The linear predictor without the treatment term (the comparator's), the hazard draw and the Weibull scale.
        var comparatorLP: Double, hazardDraw: Double, scale: Double
        /// Days of follow-up (≥ 1), whether it ends in death, and the true survival in days.
        var follow: Int, died: Bool, trueDeath: Int
    }

    /// Generates patient `i` into `b`; returns the draws giving the patient's survival under both strategies
    /// of the target trial when the patient belongs to its population (see `CounterfactualDraw`).
    @discardableResult
    func generatePatient(index i: Int, into b: inout WarehouseBatch, ids: inout LocalIDs) -> CounterfactualDraw? {
        // Each patient's stream starts at a hashed (seed, index) state. Starting patient i at seed + γ·(i+1)
        // (γ being SplitMix64's own increment) made patient i+1's stream patient i's shifted by one draw
        // (onco-synth-v1): consecutive patients were correlated. Streams now start ~uniformly over 2^64.
        var r = SplitMix64(seed: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(i) &+ 0x632B_E59B_D9B4_E019)))
        let c = drawClinical(&r)
        let (cls, regimen) = drawFirstLine(&r, c)
        let s = drawSurvival(&r, c, firstLine: cls)
        let (pid, keyHex) = writePatient(index: i, c, s, into: &b, ids: &ids)
        // The specimen's rows are drawn now (same stream order as always) and written after the lines, when
        // the immortal-time trap may have moved its sequencing day past the start of line 1 (or past death).
        let sample = drawSample(&r, c, person: pid)

        // Lines of therapy and progressions (progression = a fraction of the remaining true survival).
        let startDraw = r.int(7...42)
        let firstLineStart = min(startDraw, max(0, s.follow / 4))
        // The draws of the patient's survival under both strategies (common random numbers).
        let counterfactual: CounterfactualDraw? = {
            guard let d = c.driver, !d.targeted.isEmpty, cls == .matchedTargeted || cls == .chemotherapy else { return nil }
            return CounterfactualDraw(comparatorLP: s.comparatorLP, hazardDraw: s.hazardDraw,
                                      startDraw: startDraw, scale: s.scale)
        }()
        writeLines(&r, person: pid, diagnosis: c.diagnosis, firstLineStart: firstLineStart, regimen: regimen, s, into: &b, ids: &ids)

        // Sequencing: at diagnosis, unless the immortal-time trap delays it past the start of line 1.
        var sequencedDay = 0, source = "synthetic"
        if cls == .matchedTargeted, let it = parameters.traps?.immortalTime, r.uniform() < it.fraction {
            sequencedDay = firstLineStart + r.int(it.delayDays.min...it.delayDays.max)
            source = "synthetic (immortal-time trap)"
            if sequencedDay >= s.follow { return counterfactual }   // died or left follow-up before sequencing: never sequenced
        }
        writeSample(sample, person: pid, day: c.diagnosis + sequencedDay, source: source, sampleKey: keyHex, tumourType: c.type.code,
                    into: &b, ids: &ids)
        return counterfactual
    }

    /// Tumour type, sex, age, stage, diagnosis day, MSI, TMB, driver, TP53 and (when asked) ECOG.
    func drawClinical(_ r: inout SplitMix64) -> ClinicalDraw {
        let P = parameters
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
        let ecog = P.performanceStatus.map { r.categorical($0.probabilities) }
        return ClinicalDraw(type: t, female: female, age: age, stage: stage, diagnosis: diag, msi: msi, tmb: tmb, driver: driver,
                            tp53: tp53, ecog: ecog)
    }

    /// The first line's class and regimen: the driver's matched regimen (with the confounding trap's probability),
    /// else immunotherapy, an older regimen that does not match the driver, or chemotherapy.
    func drawFirstLine(_ r: inout SplitMix64, _ c: ClinicalDraw) -> (FirstLineClass, [String]) {
        let t = c.type
        if let d = c.driver, !d.targeted.isEmpty, r.uniform() < matchedProbability(d.matchedFraction, ecog: c.ecog) {
            return (.matchedTargeted, d.targeted[r.int(0...(d.targeted.count - 1))])
        }
        let u = r.uniform()
        if u < t.immunotherapyFraction, !t.immunotherapy.isEmpty {
            return (.immunotherapy, t.immunotherapy[r.int(0...(t.immunotherapy.count - 1))])
        } else if u < t.immunotherapyFraction + t.olderFraction,
                  case let options = t.older.filter({ !(c.driver?.targeted.contains($0) ?? false) }), !options.isEmpty {
            // Never an "older" regimen that would in fact match the patient's driver.
            return (.olderOrNonMatched, options[r.int(0...(options.count - 1))])
        }
        return (.chemotherapy, t.chemotherapy[r.int(0...(t.chemotherapy.count - 1))])
    }

    /// Survival (Weibull, the model of the type's documentation) and censoring (administrative and drop-out).
    func drawSurvival(_ r: inout SplitMix64, _ c: ClinicalDraw, firstLine cls: FirstLineClass) -> SurvivalDraw {
        let P = parameters
        let e = P.effects
        // `lp0` is the linear predictor without the treatment term (the comparator's), summed in the
        // same order so that it equals `lp` bit for bit under chemotherapy.
        var lp = 0.0, lp0 = 0.0
        func add(_ x: Double) { lp += x; lp0 += x }
        switch cls {
        case .matchedTargeted: lp += log(matchedHazardRatio)
        case .immunotherapy: lp += log(e.immunotherapy) + log(e.immunotherapyPerTMBDoubling) * log2(c.tmb / e.tmbReference)
        case .olderOrNonMatched: lp += log(e.olderOrNonMatched)
        case .chemotherapy: break
        }
        if c.tp53 { add(log(e.tp53)) }
        if let ecog = c.ecog, let ps = P.performanceStatus { add(log(ps.hazardRatioPerStep) * Double(ecog)) }
        add(log(e.perStage) * Double(c.stage - 2))
        add(log(e.per10YearsOfAge) * (Double(c.age) - e.ageReference) / 10)
        let k = P.weibullShape
        let scale = c.type.baselineMedianMonths * 30.4375 / pow(log(2.0), 1 / k)
        let hazardDraw = -log(r.uniformOpen())
        let deathT = scale * pow(hazardDraw / exp(lp), 1 / k)
        let admin = Double(r.int(P.followUpDays.min...P.followUpDays.max))
        let drop = P.dropoutPerYear > 0 ? -log(r.uniformOpen()) / (P.dropoutPerYear / 365.25) : .infinity
        let censorT = min(admin, drop)
        let died = deathT <= censorT
        return SurvivalDraw(comparatorLP: lp0, hazardDraw: hazardDraw, scale: scale,
                            follow: max(1, Int((died ? deathT : censorT).rounded())), died: died,
                            trueDeath: max(1, Int(deathT.rounded())))
    }

    /// The person, observation period, condition, death, stage and ECOG rows (no draws); returns the person id
    /// and the hex key the person's and specimen's keys are cut from.
    func writePatient(index i: Int, _ c: ClinicalDraw, _ s: SurvivalDraw, into b: inout WarehouseBatch,
                      ids: inout LocalIDs) -> (person: Int64, keyHex: String) {
        let diag = c.diagnosis
        ids.person += 1
        let pid = ids.person
        // `^` and `&+` share a precedence level: the seed is mixed (multiplied) before adding `i`, so that
        // cohorts of nearby seeds do not share keys ((seed ^ C) &+ i repeated them: seeds 1 and 2 differ by 1).
        var keyRNG = SplitMix64(seed: (seed ^ 0xD1B5_4A32_D192_ED03) &* 0xBF58_476D_1CE4_E5B9 &+ UInt64(i))
        let keyHex = String(format: "%016llx%016llx", keyRNG.next(), keyRNG.next())
        b.persons.append(PersonRow(id: pid, key: PatientKey("SYN" + keyHex.prefix(29)), sex: c.female ? .female : .male,
                                   yearOfBirth: diag.year - c.age, synthetic: true))
        ids.op += 1
        b.observationPeriods.append(ObservationPeriodRow(id: ids.op, person: pid, start: diag, end: diag + s.follow))
        ids.condition += 1
        b.conditions.append(ConditionRow(id: ids.condition, person: pid, start: diag, tumourType: c.type.code))
        if s.died { b.deaths.append(DeathRow(person: pid, date: diag + s.follow)) }
        ids.measurement += 1
        b.measurements.append(MeasurementRow(id: ids.measurement, person: pid, date: diag, kind: WarehouseSchema.MeasurementKind.stage,
                                             number: Double(c.stage), text: ["I", "II", "III", "IV"][c.stage - 1]))
        if let ecog = c.ecog {
            b.attributes.append(AttributeRow(person: pid, specimen: nil, attribute: "ECOG", value: String(ecog), number: Double(ecog)))
        }
        return (pid, keyHex)
    }

    /// The specimen's TMB, MSI and variants: the driver, a TP53 variant, and Poisson(TMB × panel size) passengers.
    func drawSample(_ r: inout SplitMix64, _ c: ClinicalDraw, person pid: Int64) -> SampleDraw {
        let P = parameters
        var sample = SampleDraw(tmb: c.tmb, msi: (c.type.msiHigh ?? 0) > 0 ? c.msi : nil)
        func variant(_ d: SyntheticCohortParameters.Driver, vaf: Double?) -> VariantRow {
            VariantRow(person: pid, specimen: 0, key: VariantKey(build: .grch37, chrom: d.chrom, position: d.pos, ref: d.ref, alt: d.alt),
                       gene: d.gene, hgvsp: d.hgvsp, consequence: d.consequence,
                       consequenceClass: d.alteration == nil ? Consequence.classify(d.consequence).rawValue : nil,
                       alteration: d.alteration, vaf: vaf, depth: vaf == nil ? nil : r.int(150...900), filter: "PASS")
        }
        if let driver = c.driver { sample.variants.append(variant(driver, vaf: driver.alteration == nil ? (r.uniform() * 0.5 + 0.1) : nil)) }
        if c.tp53, !P.tp53Variants.isEmpty {
            sample.variants.append(variant(P.tp53Variants[r.int(0...(P.tp53Variants.count - 1))], vaf: r.uniform() * 0.6 + 0.1))
        }
        let nPass = min(60, r.poisson(c.tmb * P.panelMegabases))
        var used = Set<Int>()
        for _ in 0..<nPass where !passengers.isEmpty {
            let j = r.int(0...(passengers.count - 1))
            if used.insert(j).inserted { sample.variants.append(variant(passengers[j], vaf: r.uniform() * 0.4 + 0.05)) }
        }
        return sample
    }

    /// Line 1 with `regimen` from `firstLineStart`, then, after each progression, later lines while the parameter
    /// file's probability allows: each line an episode with its drug exposures, each progression an episode.
    func writeLines(_ r: inout SplitMix64, person pid: Int64, diagnosis diag: Day, firstLineStart: Int, regimen: [String],
                    _ s: SurvivalDraw, into b: inout WarehouseBatch, ids: inout LocalIDs) {
        let P = parameters
        let follow = s.follow, trueDeath = s.trueDeath
        var start = firstLineStart
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
    }
}
