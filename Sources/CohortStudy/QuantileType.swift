import Foundation

/// One of R's nine sample-quantile definitions (Hyndman & Fan 1996; R: `quantile(x, probs, type = )`),
/// used for the cut-offs of top/bottom X% groups. R's default, and onco's, is type 7.
public struct QuantileType: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1…9.
    public let rawValue: Int

    /// nil outside 1…9.
    public init?(_ rawValue: Int) {
        guard (1...9).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// R's default (linear interpolation between order statistics, p(k) = (k − 1)/(n − 1)).
    public static let `default` = QuantileType(7)!

    public var description: String { "type \(rawValue)" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let v = try c.decode(Int.self)
        guard let t = QuantileType(v) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "quantile type \(v) is not one of R's types 1 to 9")
        }
        self = t
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// The sample quantile of `sorted` (ascending, finite, not empty) at probability `p` in [0, 1],
    /// exactly as R 4.2's `quantile.default` computes it (the same floating-point operations, so the
    /// same double): type 7 interpolates at 1 + (n − 1)p; types 1–3 are discontinuous (nppm = np, or
    /// np − ½ for type 3, j = ⌊nppm⌋); types 4–9 interpolate at nppm = a + p(n + 1 − a − b) with R's
    /// (a, b) and its fuzz of 4 ε on j and on the fraction.
    public func quantile(sorted x: [Double], probability pIn: Double) -> Double {
        precondition(!x.isEmpty && pIn >= 0 && pIn <= 1, "quantile of an empty sample or a probability outside 0...1")
        let n = x.count
        let p = Swift.max(0, Swift.min(1, pIn))
        if rawValue == 7 {
            let index = 1 + Double(Swift.max(n - 1, 0)) * p
            let lo = Int(index.rounded(.down)), hi = Int(index.rounded(.up))
            let q = x[lo - 1]
            guard index > Double(lo) && x[hi - 1] != q else { return q }
            let h = index - Double(lo)
            return (1 - h) * q + h * x[hi - 1]
        }
        let nppm: Double, j: Int, h: Double
        if rawValue <= 3 {
            nppm = rawValue == 3 ? Double(n) * p - 0.5 : Double(n) * p
            let jd = nppm.rounded(.down)
            j = Int(jd)
            switch rawValue {
            case 1: h = nppm > jd ? 1 : 0
            case 2: h = ((nppm > jd ? 1 : 0) + 1) / 2
            default: h = (nppm != jd || ((j % 2) + 2) % 2 == 1) ? 1 : 0
            }
        } else {
            let (a, b): (Double, Double)
            switch rawValue {
            case 4: (a, b) = (0, 1)
            case 5: (a, b) = (0.5, 0.5)
            case 6: (a, b) = (0, 0)
            case 8: (a, b) = (1.0 / 3, 1.0 / 3)
            default: (a, b) = (3.0 / 8, 3.0 / 8)
            }
            let fuzz = 4 * Double.ulpOfOne
            nppm = a + p * (Double(n) + 1 - a - b)
            let jd = (nppm + fuzz).rounded(.down)
            j = Int(jd)
            var f = nppm - jd
            if Swift.abs(f) < fuzz { f = 0 }
            h = f
        }
        // R pads the sorted sample as (x₁, x₁, x₁ … xₙ, xₙ, xₙ) and reads positions j + 2 and j + 3 (1-based)
        func padded(_ k: Int) -> Double { x[Swift.min(Swift.max(k - 2, 0), n - 1)] }
        let lower = padded(j + 1), upper = padded(j + 2)
        if h == 1 { return upper }
        if h > 0 && h < 1 && lower != upper { return (1 - h) * lower + h * upper }
        return lower
    }
}
