/// How much of CIViC the rule parser understands (`onco kb rules`).
public struct RuleCoverage: Sendable, Codable {
    public struct Unparsed: Sendable, Codable, Hashable {
        public var variantID: Int
        public var gene: String
        public var name: String
        public var reason: String
        /// Predictive evidence items about profiles that include this variant.
        public var predictiveEvidence: Int
    }
    public var kbVersion: KBVersion
    public var variants: Int
    /// Rule kind → number of CIViC variants.
    public var byKind: [String: Int]
    /// Variants with any rule (including expression/epigenetic markers and wild type).
    public var parsed: Int
    /// Variants whose rule can match DNA variants, copy number, fusions, TMB or MSI.
    public var matchable: Int
    /// Variants with an exact GRCh37 allele from CIViC coordinates (in addition to their name rule).
    public var withGenomicAllele: Int
    public var predictiveEvidence: Int
    /// Predictive items whose profile's variants all have a rule.
    public var predictiveMapped: Int
    /// Predictive items whose profile's variants all have a matchable rule.
    public var predictiveMatchable: Int
    public var unparsed: [Unparsed]
    /// MOAlmanac features (one per assertion) and how many became a rule / a matchable rule.
    public var moalmanacFeatures: Int = 0
    public var moalmanacParsed: Int = 0
    public var moalmanacMatchable: Int = 0
    /// Distinct exact GRCh37 alleles of all rules (CIViC and MOAlmanac), how many were lifted to GRCh38 and
    /// why the others were not (`LiftoverChain.Failure` text → count), with the chain file used.
    public var liftoverChain: String = ""
    public var grch37Alleles: Int = 0
    public var liftedToGRCh38: Int = 0
    public var notLifted: [String: Int] = [:]
    /// `lifted N of M distinct GRCh37 alleles to GRCh38 (…); not lifted: …`.
    public var liftoverSummary: String = ""

    public var parsedShare: Double { variants == 0 ? 0 : Double(parsed) / Double(variants) }
    public var predictiveMappedShare: Double { predictiveEvidence == 0 ? 0 : Double(predictiveMapped) / Double(predictiveEvidence) }
    public var predictiveMatchableShare: Double {
        predictiveEvidence == 0 ? 0 : Double(predictiveMatchable) / Double(predictiveEvidence)
    }
}

extension KnowledgeBase {
    /// Coverage of the rule parser over this KB's CIViC variants and predictive evidence (MOAlmanac
    /// features counted apart).
    public func coverage() -> RuleCoverage {
        var byKind: [String: Int] = [:]
        var parsed = 0, matchable = 0, genomic = 0
        var moa = 0, moaParsed = 0, moaMatchable = 0
        for r in rules.values where EvidenceSource(evidenceID: r.variantID) == .moalmanac {
            moa += 1
            if r.kind != .unparsed { moaParsed += 1 }
            if r.isMatchable { moaMatchable += 1 }
        }
        for r in rules.values where EvidenceSource(evidenceID: r.variantID) == .civic {
            byKind[r.kind.rawValue, default: 0] += 1
            if r.kind != .unparsed { parsed += 1 }
            if r.isMatchable { matchable += 1 }
            if r.genomic != nil { genomic += 1 }
        }
        var pred = 0, mapped = 0, matchableEv = 0
        var predByVariant: [Int: Int] = [:]
        for e in release.evidence where e.type == .predictive && e.source == .civic {
            pred += 1
            guard let p = profiles[e.profileID] else { continue }
            for v in p.variantIDs { predByVariant[v, default: 0] += 1 }
            let rs = p.variantIDs.compactMap { rules[$0] }
            guard p.op != .unsupported, rs.count == p.variantIDs.count, !rs.isEmpty else { continue }
            if rs.allSatisfy({ $0.kind != .unparsed }) { mapped += 1 }
            if rs.allSatisfy({ $0.isMatchable }) { matchableEv += 1 }
        }
        let unparsed = rules.values.filter { $0.kind == .unparsed && EvidenceSource(evidenceID: $0.variantID) == .civic }.map {
            RuleCoverage.Unparsed(variantID: $0.variantID, gene: $0.gene, name: $0.name,
                                  reason: $0.unparsedReason ?? "no pattern matches this name",
                                  predictiveEvidence: predByVariant[$0.variantID] ?? 0)
        }.sorted { ($1.predictiveEvidence, $0.gene, $0.name) < ($0.predictiveEvidence, $1.gene, $1.name) }
        var notLifted: [String: Int] = [:]
        for (f, n) in liftover.failures { notLifted[f.rawValue] = n }
        return RuleCoverage(kbVersion: version, variants: rules.count - moa, byKind: byKind, parsed: parsed, matchable: matchable,
                            withGenomicAllele: genomic, predictiveEvidence: pred, predictiveMapped: mapped,
                            predictiveMatchable: matchableEv, unparsed: unparsed, moalmanacFeatures: moa,
                            moalmanacParsed: moaParsed, moalmanacMatchable: moaMatchable, liftoverChain: liftover.chainPath,
                            grch37Alleles: liftover.total, liftedToGRCh38: liftover.lifted.count, notLifted: notLifted,
                            liftoverSummary: liftover.summary)
    }
}
