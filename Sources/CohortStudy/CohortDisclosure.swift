import Foundation
import OncoCore
import Survival
import Warehouse

/// Statistical disclosure control of a cohort report, with minimum cell count k (k ≤ 1: none):
///
/// - **primary suppression**: a count of 1…k−1 patients or events is shown as `<k`;
/// - **rounding** (complementary protection): every other count is rounded to the nearest multiple
///   of k, so every difference between shown counts is a multiple of k and no suppressed count can be
///   recovered by subtracting one shown count from another (507 analysed − 503 wild-type = 4 becomes
///   505 − 505 = 0); totals may then differ from the sum of their parts by less than k per part;
/// - **Kaplan–Meier steps**: a curve is published (table, plot, survival at times) only at steps
///   that each hold at least k events, merging consecutive event times, so no step reveals fewer than
///   k events through the drop in survival; it ends before a last run of fewer than k events, and
///   censoring ticks are not drawn.
///
/// Groups with fewer than k patients keep only their `<k` count: curves, medians, survival, hazard
/// ratios (also as Cox covariate levels) are withheld.
struct CohortDisclosure {
    let k: Int
    var active: Bool { k > 1 }

    /// A count as shown.
    func count(_ n: Int) -> SuppressedCount { DisclosureControl(minimumCount: k).rounded(n) }

    /// A count as the audit log records it: as shown.
    func auditValue(_ n: Int) -> AuditValue { AuditValue(count(n)) }

    func isSmall(_ n: Int) -> Bool { active && n > 0 && n < k }

    typealias Step = KaplanMeierDisclosure.Step

    func steps(_ km: KaplanMeier) -> (steps: [Step], end: Int) { KaplanMeierDisclosure(k: k).steps(km) }

    func survival(_ km: KaplanMeier, steps: [Step], end: Int, at t: Double) -> (Double, Double, Double)? {
        KaplanMeierDisclosure(k: k).survival(km, steps: steps, end: end, at: t)
    }

    func series(label: String, _ km: KaplanMeier, steps: [Step], end: Int, scale: Double) -> KaplanMeierSeries {
        KaplanMeierDisclosure(k: k).series(label: label, km, steps: steps, end: end, scale: scale)
    }
}
