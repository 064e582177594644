#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The transform under which a pointwise confidence interval for a survival probability is built
/// (R: `survfit(conf.type = )`).
public enum ConfidenceType: String, Sendable, CaseIterable, Codable {
    /// S·exp(±z·se), upper bound clipped to 1 (R's default).
    case log
    /// exp(−exp(log(−log S) ± z·se/log S)); NA when S is 0 or 1.
    case logLog = "log-log"
    /// S ± z·S·se, clipped to [0, 1].
    case plain
}

/// The level of a two-sided interval and its normal quantile z = Φ⁻¹(1 − (1 − level)/2).
public struct ConfidenceLevel: Sendable, Hashable {
    public let level: Double
    public let z: Double
    /// - Precondition: 0 < level < 1.
    public init(_ level: Double = 0.95) {
        precondition(level > 0 && level < 1, "confidence level must lie in (0, 1)")
        self.level = level
        self.z = Normal.quantile(1 - (1 - level) / 2)
    }
}

/// Pointwise bounds as R's `survfit_confint`. With `logScale` the standard error is that of
/// −log S (R: `logse = TRUE`, Kaplan–Meier and Cox curves); otherwise it is the se of p itself
/// (multi-state curves). NaN marks R's NA.
@usableFromInline
func _confidenceBounds(p: Double, se seIn: Double, logScale: Bool, type: ConfidenceType, z: Double,
                       upperLimit: Bool = true) -> (lower: Double, upper: Double) {
    var se = seIn
    if !logScale { se = se == 0 ? 0 : se / p }
    switch type {
    case .plain:
        let se2 = se * p * z
        let lo = se2.isNaN || (p - se2).isNaN ? Double.nan : Swift.max(p - se2, 0)
        let up = (p + se2).isNaN ? Double.nan : (upperLimit ? Swift.min(p + se2, 1) : p + se2)
        return (lo, up)
    case .log:
        if p == 0 || p.isNaN { return (.nan, .nan) }
        let se2 = z * se
        let lo = exp(log(p) - se2)
        let up = exp(log(p) + se2)
        return (lo, upperLimit && !up.isNaN ? Swift.min(up, 1) : up)
    case .logLog:
        if p == 0 || p == 1 || p.isNaN { return (.nan, .nan) }
        let se2 = z * se / log(p)
        let lo = exp(-exp(log(-log(p)) - se2))
        let up = exp(-exp(log(-log(p)) + se2))
        return (lo, up)
    }
}
