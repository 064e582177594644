extension CoxFit {
    /// Checks the input of a fit: lengths, times, weights, options (R: the checks of `coxph`).
    /// - Throws: `SurvivalError` naming the argument and the 0-based index of the first bad value.
    static func validate(time: [Double], event: [Bool], design: CoxDesign, strata: Factor?, weights: [Double]?,
                         cluster: Factor?, options: Options) throws {
        let n = time.count
        let p = design.columnCount
        guard n > 0 else { throw SurvivalError(.emptyInput, "time") }
        guard event.count == n else { throw SurvivalError(.lengthMismatch, "time and event") }
        guard design.rowCount == n else { throw SurvivalError(.lengthMismatch, "time and design") }
        guard p > 0 else { throw SurvivalError(.invalidArgument, "design has no columns") }
        if let strata, strata.count != n { throw SurvivalError(.lengthMismatch, "time and strata") }
        if let cluster, cluster.count != n { throw SurvivalError(.lengthMismatch, "time and cluster") }
        if let weights {
            guard weights.count == n else { throw SurvivalError(.lengthMismatch, "time and weights") }
            for i in 0..<n where !(weights[i].isFinite && weights[i] > 0) { throw SurvivalError(.invalidWeight, "weight \(i)") }
            if options.ties == .exact, weights.contains(where: { $0 != 1 }) {
                throw SurvivalError(.invalidArgument, "case weights are not supported with exact ties")
            }
        }
        if options.ties == .exact, options.robust || cluster != nil {
            throw SurvivalError(.invalidArgument, "the robust variance is not supported with exact ties")
        }
        for i in 0..<n where !(time[i].isFinite && time[i] >= 0) { throw SurvivalError(.invalidTime, "time \(i)") }
        guard options.maxIterations >= 0, options.epsilon > 0 else { throw SurvivalError(.invalidArgument, "options") }
        if let initial = options.initial {
            guard initial.count == p, initial.allSatisfy(\.isFinite) else { throw SurvivalError(.invalidArgument, "initial") }
        }
    }
}
