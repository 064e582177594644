#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CoxFit {
    /// Fitting controls (R: `coxph.control`).
    public struct Options: Sendable {
        public var ties: Ties
        /// Convergence: |1 − ℓ_old/ℓ_new| ≤ epsilon (R: `eps`, 1e-9).
        public var epsilon: Double
        /// R: `iter.max`, 20.
        public var maxIterations: Int
        /// Singularity tolerance of the Cholesky decomposition (R: `toler.chol`, eps^0.75).
        public var cholTolerance: Double
        /// Threshold for flagging a coefficient that may be infinite (R: `toler.inf`, sqrt(eps)).
        public var infinityTolerance: Double
        /// Merge near-tied times as R's `aeqSurv` (R: `timefix`).
        public var timeFix: Bool
        /// Compute Harrell's concordance and its se.
        public var concordance: Bool
        /// Confidence level of the hazard-ratio intervals.
        public var confidenceLevel: Double
        /// Starting coefficients (R: `init`); zeros when nil. The "null" log-likelihood and the score
        /// test are then evaluated here, as in R.
        public var initial: [Double]?
        /// Report the robust (sandwich) variance, one cluster per row (R: `robust = TRUE`); a
        /// `cluster` argument implies it.
        public var robust: Bool

        public init(ties: Ties = .efron, epsilon: Double = 1e-9, maxIterations: Int = 20,
                    cholTolerance: Double = pow(Double.ulpOfOne, 0.75), infinityTolerance: Double? = nil,
                    timeFix: Bool = true, concordance: Bool = true, confidenceLevel: Double = 0.95,
                    initial: [Double]? = nil, robust: Bool = false) {
            self.robust = robust
            self.ties = ties
            self.epsilon = epsilon
            self.maxIterations = maxIterations
            self.cholTolerance = cholTolerance
            self.infinityTolerance = infinityTolerance ?? epsilon.squareRoot()
            self.timeFix = timeFix
            self.concordance = concordance
            self.confidenceLevel = confidenceLevel
            self.initial = initial
        }
    }
}
