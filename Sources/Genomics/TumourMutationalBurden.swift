import OncoCore

/// Tumour mutational burden: non-synonymous coding mutations per megabase of sequenced territory.
///
/// The rule (stated so that a TMB from onco can be compared with another tool's):
/// - one count per distinct `VariantKey` (a variant listed twice counts once);
/// - only variants that pass the caller's filters (`isPass`: FILTER `PASS` or `.`), unless
///   `Rule.passOnly` is false;
/// - only variants whose chosen consequence (the most severe SO term of the transcript picked by
///   `ConsequencePicker`, or a MAF's classification) is non-synonymous coding per
///   `Consequence.isNonSynonymousCoding`: missense, stop gained/lost, start lost, frameshift,
///   in-frame insertion/deletion, splice donor/acceptor, protein-altering; synonymous, UTR,
///   intronic, splice-region-only and non-coding changes are not counted;
/// - optional read thresholds (`minVAF`, `minDepth`, `minAltReads`); a variant without the needed
///   read support is then not counted;
/// - variants without any annotation cannot be classified and are not counted; their number is
///   reported in `unannotated` so that a caller can see the TMB is incomplete.
/// TMB = count / `targetMegabases`. This is the FoundationOne/TCGA-style "coding non-synonymous per Mb"
/// definition; PCGR's `tmb_coding_and_silent` variant is not what this computes.
public struct TumourMutationalBurden: Sendable, Hashable, Codable {
    public struct Rule: Sendable, Hashable, Codable {
        public var passOnly: Bool
        public var minVAF: Double?
        public var minDepth: Int?
        public var minAltReads: Int?
        public init(passOnly: Bool = true, minVAF: Double? = nil, minDepth: Int? = nil, minAltReads: Int? = nil) {
            self.passOnly = passOnly
            self.minVAF = minVAF
            self.minDepth = minDepth
            self.minAltReads = minAltReads
        }
    }

    /// Non-synonymous coding mutations counted.
    public var mutations: Int
    /// The sequenced territory, in megabases.
    public var megabases: Double
    /// `mutations / megabases`.
    public var perMegabase: Double
    /// Variants that passed the filters but had no annotation to classify.
    public var unannotated: Int
    public var rule: Rule

    /// - Precondition: `targetMegabases > 0`.
    public init(variants: [SomaticVariant], targetMegabases: Double, rule: Rule = Rule()) {
        precondition(targetMegabases > 0, "TMB needs a positive target size in megabases")
        var counted = Set<VariantKey>()
        var unannotated = Set<VariantKey>()
        for v in variants {
            if rule.passOnly && !v.isPass { continue }
            if let minVAF = rule.minVAF { guard let f = v.support?.vaf, f >= minVAF else { continue } }
            if let minDepth = rule.minDepth { guard let d = v.support?.depth, d >= minDepth else { continue } }
            if let minAlt = rule.minAltReads { guard let a = v.support?.altReads, a >= minAlt else { continue } }
            guard let term = v.annotation?.consequence else { unannotated.insert(v.key); continue }
            if Consequence.isNonSynonymousCoding(term) { counted.insert(v.key) }
        }
        mutations = counted.count
        megabases = targetMegabases
        perMegabase = Double(counted.count) / targetMegabases
        self.unannotated = unannotated.subtracting(counted).count
        self.rule = rule
    }
}
