import Foundation
import OncoCore
import Survival

/// The marginal truth of a synthetic cohort, and the calibration of a marginal planted effect.
extension SyntheticCohortGenerator {
    /// One patient of the emulated target trial's population (a driver with a matched regimen, first line
    /// with the matched regimen or chemotherapy) under each strategy: overall survival in days from the
    /// start of line 1, uncensored, from the patient's own draws (common random numbers) with the linear
    /// predictor's treatment term set to the matched regimen or to chemotherapy.
    public struct Counterfactual: Sendable, Hashable {
        public var matched: Double
        public var comparator: Double
    }

    /// The draws behind a `Counterfactual`, which does not depend on them otherwise than through the
    /// matched regimen's conditional log HR: the linear predictor without the treatment term, the
    /// patient's unit-exponential survival draw, the drawn start of line 1 and the Weibull scale.
    struct CounterfactualDraw: Sendable, Hashable {
        var comparatorLP: Double
        var hazardDraw: Double
        var startDraw: Int
        var scale: Double

        /// Survival from the start of line 1 under each strategy, the matched one with conditional log HR `logHR`.
        func counterfactual(logHR: Double, shape k: Double) -> Counterfactual {
            func fromLineStart(_ lp: Double) -> Double {
                let t = scale * pow(hazardDraw / exp(lp), 1 / k)
                return t - Double(min(startDraw, max(0, max(1, Int(t.rounded())) / 4)))
            }
            return Counterfactual(matched: fromLineStart(comparatorLP + logHR), comparator: fromLineStart(comparatorLP))
        }
    }

    /// The marginal truth an inverse-probability-weighted analysis estimates. The planted effect
    /// (`matchedHazardRatio`) is conditional on the other covariates of the model; a hazard ratio is
    /// not collapsible, so the population-averaged (marginal) one differs even without confounding. It
    /// is computed by fitting the Cox model `Surv(time) ~ strategy` (Efron ties) to the 2n counterfactual
    /// rows of the n patients of the population (`Counterfactual`): each patient's survival under both
    /// strategies from the same random draws, without disturbing the generator's stream (a seed's data
    /// are unchanged).
    public struct MarginalTruth: Sendable, Hashable, Codable {
        /// exp(β) of `strategy` (matched regimen = 1, chemotherapy = 0).
        public var hazardRatio: Double
        /// Its model-based standard error of log HR over the 2n rows (a sampling-error scale only: the
        /// rows come in correlated pairs).
        public var standardErrorLog: Double
        /// n: patients of the population.
        public var patients: Int
    }

    /// A marginal target met by a calibrated conditional effect (`effects.matchedTargetedScale` = `marginal`):
    /// the conditional HR whose marginal HR (`MarginalTruth`'s fit) over a calibration cohort drawn from its
    /// own streams is the target within `toleranceLog`. Written to `planted_truth.marginalCalibration`.
    public struct Calibration: Sendable, Hashable, Codable {
        /// The parameter file's `effects.matchedTargeted`.
        public var targetMarginalHazardRatio: Double
        /// The conditional HR planted in the linear predictor.
        public var conditionalHazardRatio: Double
        /// The marginal HR it gives over the calibration cohort.
        public var achievedMarginalHazardRatio: Double
        /// Patients of the calibration cohort, and those of them in the target trial's population.
        public var patients: Int
        public var populationPatients: Int
        /// `marginalCalibration.seed` (the cohort's streams start from a hash of it, apart from every cohort seed's).
        public var seed: UInt64
        public var toleranceLog: Double
        /// Marginal fits made (one per conditional value tried).
        public var evaluations: Int
    }

    /// The counterfactual survival of every patient of the population, in patient order.
    public func counterfactuals() -> [Counterfactual] {
        let logHR = log(matchedHazardRatio), k = parameters.weibullShape
        return counterfactualDraws().map { $0.counterfactual(logHR: logHR, shape: k) }
    }

    /// The counterfactual draws of every patient of the population, in patient order (patients are
    /// generated again, in parallel chunks, and their rows dropped).
    func counterfactualDraws() -> [CounterfactualDraw] {
        let n = chunkCount
        let results = UncheckedBox([[CounterfactualDraw]](repeating: [], count: n))
        let lock = NSLock()
        let g = self
        DispatchQueue.concurrentPerform(iterations: n) { k in
            var out: [CounterfactualDraw] = []
            var ids = LocalIDs()
            for i in (k * g.chunkSize)..<min(g.patients, (k + 1) * g.chunkSize) {
                var scratch = WarehouseBatch()
                if let c = g.generatePatient(index: i, into: &scratch, ids: &ids) { out.append(c) }
            }
            lock.lock(); results.value[k] = out; lock.unlock()
        }
        return results.value.flatMap { $0 }
    }

    func computeMarginalTruth(file: String) throws -> MarginalTruth? {
        let pairs = counterfactuals()
        guard !pairs.isEmpty else { return nil }
        let fit = try Self.marginalFit(pairs, file: file)
        return MarginalTruth(hazardRatio: exp(fit.coefficients[0]), standardErrorLog: fit.variance[0].squareRoot(), patients: pairs.count)
    }

    /// `Surv(time) ~ strategy` (Efron) over the 2n counterfactual rows: matched = 1, chemotherapy = 0.
    static func marginalFit(_ pairs: [Counterfactual], file: String) throws -> CoxFit {
        let n = pairs.count
        let time = pairs.map(\.matched) + pairs.map(\.comparator)
        let strategy = [Double](repeating: 1, count: n) + [Double](repeating: 0, count: n)
        let fit = try CoxFit(time: time, event: [Bool](repeating: true, count: 2 * n),
                             design: CoxDesign(rowMajor: strategy, rowCount: 2 * n, columnNames: ["strategy"]),
                             options: .init(concordance: false))
        guard fit.problems.isEmpty, fit.coefficients[0].isFinite else {
            throw ImportError(file: file, line: 0, field: "effects.matchedTargeted",
                              problem: "gives a marginal hazard ratio that cannot be estimated (\(fit.problems))")
        }
        return fit
    }

    /// The generator seed of the calibration cohort: `marginalCalibration.seed` hashed with a constant of its
    /// own, so that its patients' streams are apart from those of any cohort seed.
    static func calibrationStreamSeed(_ seed: UInt64) -> UInt64 { SplitMix64.mix(seed ^ 0x4341_4C49_4252_4154) }   // "CALIBRAT"

    /// The conditional HR whose marginal HR is `effects.matchedTargeted` (see `Calibration`). The calibration
    /// cohort is this generator's with `marginalCalibration.patients` and a seed hashed from
    /// `marginalCalibration.seed` (so the cohort's own draws are untouched); its draws are made once. The
    /// root of f(β) = log marginal HR(β) − log target, increasing in the conditional log HR β, is found by
    /// secant steps from β = log target, safeguarded by bisection once the root is bracketed.
    func calibratedToMarginal(file: String) throws -> Calibration {
        let settings = parameters.marginalCalibration ?? .init()
        let target = parameters.effects.matchedTargeted, goal = log(target), tol = settings.resolvedToleranceLog
        var g = self
        g.patients = settings.resolvedPatients
        g.seed = Self.calibrationStreamSeed(settings.resolvedSeed)
        let draws = g.counterfactualDraws(), k = parameters.weibullShape
        guard !draws.isEmpty else {
            throw ImportError(file: file, line: 0, field: "effects.matchedTargetedScale",
                              problem: "is marginal, but no patient of the calibration cohort is in the target trial's population (a driver with a matched regimen, first line matched or chemotherapy)")
        }
        var evaluations = 0
        func f(_ beta: Double) throws -> Double {
            evaluations += 1
            return try Self.marginalFit(draws.map { $0.counterfactual(logHR: beta, shape: k) }, file: file).coefficients[0] - goal
        }
        var below: (x: Double, f: Double)?, above: (x: Double, f: Double)?
        func record(_ p: (x: Double, f: Double)) {
            if p.f < 0 { if below.map({ p.x > $0.x }) ?? true { below = p } } else if above.map({ p.x < $0.x }) ?? true { above = p }
        }
        let f0 = try f(goal)
        var previous = (x: goal, f: f0)
        record(previous)
        var current = previous
        if abs(f0) > tol {
            let f1 = try f(goal - f0)   // a first step of slope 1
            current = (x: goal - f0, f: f1)
            record(current)
        }
        var width = Double.infinity
        while abs(current.f) > tol {
            guard evaluations < 60 else {
                throw ImportError(file: file, line: 0, field: "effects.matchedTargeted",
                                  problem: "marginal HR \(target) not reached within marginalCalibration.toleranceLog \(tol) after 60 fits (last residual \(current.f) at conditional HR \(exp(current.x)))")
            }
            // The secant, its slope kept within [0.05, 2] (the marginal log HR moves by less than the conditional one).
            let secant = (current.f - previous.f) / (current.x - previous.x)
            var x = current.x - current.f / (secant.isFinite ? min(2, max(0.05, secant)) : 1)
            if let lo = below, let hi = above {
                guard hi.x - lo.x > 1e-12 else {
                    throw ImportError(file: file, line: 0, field: "marginalCalibration.toleranceLog",
                                      problem: "\(tol) is finer than a step of the marginal HR at \(exp(lo.x)) (raise marginalCalibration.patients or the tolerance)")
                }
                // Bisect when the secant leaves the bracket or the bracket did not halve since the last step.
                if !(x > lo.x && x < hi.x) || hi.x - lo.x > width / 2 { x = (lo.x + hi.x) / 2 }
                width = hi.x - lo.x
            }
            let fx = try f(x)
            previous = current
            current = (x: x, f: fx)
            record(current)
        }
        return Calibration(targetMarginalHazardRatio: target, conditionalHazardRatio: exp(current.x),
                           achievedMarginalHazardRatio: exp(current.f + goal), patients: g.patients, populationPatients: draws.count,
                           seed: settings.resolvedSeed, toleranceLog: tol, evaluations: evaluations)
    }
}
