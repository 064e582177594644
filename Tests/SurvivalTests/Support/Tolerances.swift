/// Relative tolerances used against the R references, per kind of value. Recorded with the measured
/// agreement in Tests/Fixtures/survival/README.md; the minimums are 1e-6 (values) and 1e-4
/// (p-values), these are tighter where the implementation reaches it.
enum Tolerance {
    /// KM S(t), Greenwood se, CI bounds, Nelson–Aalen, RMST and its se, quantiles.
    static let km = 1e-12
    /// Log-rank observed, expected, variance, chi-square.
    static let logRank = 1e-12
    /// Every p-value (chi-square and normal tails).
    static let pValue = 1e-10
    /// Cox coef, se, loglik, tests, var against R's default fit (same Newton–Raphson path).
    static let cox = 1e-10
    /// Cox coef, se, loglik against R's eps = 1e-13 refit (`tight` block), our fit run to the same eps
    /// (the issue asks 1e-8 here; the same Newton path reaches rounding level).
    static let coxTight = 1e-11
    /// Harrell's C and its infinitesimal-jackknife se.
    static let concordance = 1e-12
    /// cox.zph chi-squares.
    static let zph = 1e-11
    /// Predicted survival from a Cox fit: S, cumulative hazard, se, bounds.
    static let coxSurvival = 1e-11
    /// Aalen–Johansen cumulative incidence, IJ se, bounds.
    static let cif = 1e-12
    /// Absolute floor for values near zero.
    static let absolute = 1e-13
}
