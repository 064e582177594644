import Knowledge

/// The ranking rules, in words; reports print `sortKeys` and the definitions below.
///
/// 1. **Resistance in this indication** moves a therapy to 'not recommended': a supporting
///    resistance or reduced-sensitivity item about the therapy itself (the same drug set) whose
///    disease is the case's indication (relation exact, broader or pan-cancer), at evidence level
///    A or B, or at a tier at least as good as the therapy's best sensitivity tier, or for a therapy
///    without sensitivity evidence. Weaker resistance stays in the trace as a conflict.
/// 2. **Curated tier**: the best tier of the therapy's supporting sensitivity items (T1 first); within a
///    tier, a therapy whose items at that tier are all guideline recommendations only (MOAlmanac
///    `Guideline`) follows one backed by an approval or validated association (CIViC level A,
///    MOAlmanac `FDA-Approved`), as OncoKB ranks its level 1 before level 2: a stale guideline never
///    outranks a current approval (TMB-high lung: pembrolizumab's tumour-agnostic FDA approval before
///    MOAlmanac's 2019 NCCN entry for nivolumab + ipilimumab).
/// 3. **Tumour-type relation** of the lead item (the best item by tier, relation, resolution, rating,
///    id): exact, broader, pan-cancer, narrower, other.
/// 4. **Match resolution** of the lead item's match: exact, codon, range, exon, gene.
/// 5. **Real-world grade**: strong, supportive, inconclusive or not assessed, discordant. It only
///    orders therapies that tie on 1–4, so real-world evidence never lifts a therapy above a better
///    curated tier.
/// 6. **Amount and rating of evidence**: more items at the best tier, then a higher summed rating at
///    the best tier, then more items in all; then the name.
///
/// Therapies with real-world evidence only (given to the case's nearest neighbours, no curated item
/// for this case) are never ranked with curated ones: they form the 'local real-world signal
/// (provisional)' section, ordered by grade, then hazard ratio.
public enum RankingPolicy {
    public static let sortKeys: [String] = [
        "resistance in this indication (moves a therapy to 'not recommended')",
        "curated tier (T1 first; within a tier, approvals and validated associations before guideline-only entries)",
        "tumour-type relation (exact, broader, pan-cancer, narrower, other)",
        "match resolution (exact, codon, range, exon, gene)",
        "real-world grade (strong, supportive, inconclusive or not assessed, discordant)",
        "amount and rating of evidence (items at the best tier, their summed rating, all items)",
    ]

    public static func relationRank(_ r: TumourTypeRelation) -> Int { r.rank }

    /// Whether a ranked therapy makes the case actionable, in the sense of AMP/ASCO/CAP tiers I and II:
    /// its curated tier is T1 or T2 (level A in this indication; level B rated ≥ 3 in this indication;
    /// level A in a narrower subtype: KnowledgeBase/TIERS.md), or it has supporting level A evidence in
    /// another tumour type (an approved use elsewhere: off-label, AMP level C). Level B rated < 3, level
    /// C (case reports), D/E (preclinical) and level B from other tumour types do not.
    public static func isActionable(_ t: RankedTherapy) -> Bool {
        guard t.direction == .sensitivity else { return false }
        if let tier = t.tier, tier <= .t2 { return true }
        return t.evidence.contains { $0.role == .sensitivity && $0.level == "A" }
    }

    /// Whether the recommender measures a therapy's real-world outcomes in the warehouse: when its
    /// lead evidence item concerns this indication (relation exact, broader, pan-cancer or narrower)
    /// or its tier is T1 or T2. A therapy resting on other tumour types' evidence alone (T3/T4,
    /// relation other) is marked 'not assessed': its biomarker cohort (often a gene-level cohort such
    /// as any TP53 mutation) is the costliest to read, and its real-world grade could only order it
    /// among therapies that are themselves not actionable here.
    public static func assessesRealWorld(_ t: RankedTherapy) -> Bool {
        if let tier = t.tier, tier <= .t2 { return true }
        guard let relation = t.relation else { return false }
        return relation != .other
    }

    /// Whether a resistance item puts the therapy in 'not recommended' (rule 1).
    static func isDisqualifying(level: EvidenceLevel, tier: Tier, relation: TumourTypeRelation, bestSensitivity: Tier?) -> Bool {
        guard relation.isSameIndication else { return false }
        if level == .a || level == .b { return true }
        guard let best = bestSensitivity else { return true }
        return tier <= best
    }
}
