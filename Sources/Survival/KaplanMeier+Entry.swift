// Kaplan–Meier counts for delayed entry (start, stop] and for case weights (R: `survfitkm.c` on
// `Surv(start, stop, event)` and with `weights`). Not API.

/// The counts a Kaplan–Meier curve is computed from: unweighted, and weighted when weights were given.
struct _KMCounts: Sendable {
    var n: Int
    var time: [Double]
    var atRisk: [Int]
    var events: [Int]
    var censored: [Int]
    var weighted: KaplanMeier.WeightedCounts?
    /// Infinitesimal-jackknife standard errors of −log S and of the cumulative hazard, when used.
    var jackknife: (logS: [Double], cumhaz: [Double])? = nil
}

/// Checks lengths, times and weights of a delayed-entry or weighted curve.
private func _validateEntryInput(entry: [Double]?, time: [Double], event: [Bool], weights: [Double]?) throws {
    let n = time.count
    guard n > 0 else { throw SurvivalError(.emptyInput, "time") }
    guard event.count == n else { throw SurvivalError(.lengthMismatch, "time and event") }
    if let entry, entry.count != n { throw SurvivalError(.lengthMismatch, "entry and time") }
    for i in 0..<n where !(time[i].isFinite && time[i] >= 0) { throw SurvivalError(.invalidTime, "time \(i)") }
    if let weights {
        guard weights.count == n else { throw SurvivalError(.lengthMismatch, "time and weights") }
        for i in 0..<n where !(weights[i].isFinite && weights[i] > 0) { throw SurvivalError(.invalidWeight, "weight \(i)") }
    }
}

/// One distinct stop time: events and censorings, counted and weighted.
private struct _StopBlock {
    var time: Double
    var events = 0, censored = 0
    var eventWeight = 0.0, censorWeight = 0.0
}

/// Groups rows sorted by stop time into distinct-time blocks.
private func _stopBlocks(time: [Double], event: [Bool], weight: [Double], order: [Int32]) -> [_StopBlock] {
    var blocks = [_StopBlock]()
    for o in order {
        let i = Int(o)
        if blocks.last?.time != time[i] { blocks.append(_StopBlock(time: time[i])) }
        if event[i] {
            blocks[blocks.count - 1].events += 1
            blocks[blocks.count - 1].eventWeight += weight[i]
        } else {
            blocks[blocks.count - 1].censored += 1
            blocks[blocks.count - 1].censorWeight += weight[i]
        }
    }
    return blocks
}

/// Tallies (start, stop] or weighted data: one row per distinct stop time, at risk = entered before
/// the time and not yet left (entry < t ≤ stop), accumulated backwards in time as R does.
func _entryTally(entry entryIn: [Double]?, time timeIn: [Double], event: [Bool], weights: [Double]?,
                 variance: KaplanMeier.VarianceMethod?, timeFix: Bool) throws -> _KMCounts {
    try _validateEntryInput(entry: entryIn, time: timeIn, event: event, weights: weights)
    let n = timeIn.count
    let fixed = try entryIn.map { try _countingProcessTimes(entry: $0, time: timeIn, timeFix: timeFix) }
    let time = fixed?.time ?? (timeFix ? _timeFix(timeIn) : timeIn)
    let w = weights ?? [Double](repeating: 1, count: n)
    let blocks = _stopBlocks(time: time, event: event, weight: w, order: _timeOrder(time))
    let entryOrder = fixed.map { _timeOrder($0.entry) } ?? []
    var m = blocks.count
    var atRisk = [Int](repeating: 0, count: m), riskWeight = [Double](repeating: 0, count: m)
    var count = 0, weight = 0.0
    var leaving = entryOrder.count - 1
    while m > 0 {
        m -= 1
        let b = blocks[m]
        count += b.events + b.censored
        weight += b.eventWeight + b.censorWeight
        while leaving >= 0, case let i = Int(entryOrder[leaving]), fixed!.entry[i] >= b.time {
            count -= 1
            weight -= w[i]
            leaving -= 1
        }
        atRisk[m] = count
        riskWeight[m] = count == 0 ? 0 : weight
    }
    let weighted = weights == nil ? nil : KaplanMeier.WeightedCounts(atRisk: riskWeight, events: blocks.map(\.eventWeight),
                                                                      censored: blocks.map(\.censorWeight))
    var counts = _KMCounts(n: n, time: blocks.map(\.time), atRisk: atRisk, events: blocks.map(\.events),
                           censored: blocks.map(\.censored), weighted: weighted)
    let method = variance ?? KaplanMeier.VarianceMethod.default(weights: weights)
    if method == .infinitesimalJackknife, let weights {
        counts.jackknife = _jackknifeStandardErrors(entry: fixed?.entry, time: time, event: event, weight: weights, counts: counts)
    }
    return counts
}

extension KaplanMeier {
    /// How the variance of a weighted curve is computed.
    public enum VarianceMethod: String, Sendable, CaseIterable {
        /// Greenwood's formula on weighted counts (R: `robust = FALSE`).
        case greenwood
        /// The infinitesimal jackknife Σ_i (w_i ∂S/∂w_i)² (R: `robust = TRUE`).
        case infinitesimalJackknife = "infinitesimal-jackknife"

        /// R's default: the jackknife when some weight is not an integer, else Greenwood.
        public static func `default`(weights: [Double]?) -> VarianceMethod {
            (weights?.contains { $0 != $0.rounded(.down) } ?? false) ? .infinitesimalJackknife : .greenwood
        }
    }
}
