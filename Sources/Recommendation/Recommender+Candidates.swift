import Foundation
import Knowledge
import OncoCore
import Vocabulary

// MARK: candidates

extension Recommender {
    /// One KB item attached to a candidate.
    struct Item {
        var role: EvidenceRole
        var evidence: MatchedEvidence
        var match: BiomarkerMatch
        var therapy: Therapy
    }

    /// A therapy (canonical drug set) with the KB items about it.
    struct Candidate {
        var drugs: [String]
        var items: [Item] = []
        var conflicts: [Item] = []
        var lead: Item?

        static func order(_ a: Item, _ b: Item) -> Bool {
            let ka = (a.evidence.tier.rawValue, RankingPolicy.relationRank(a.evidence.relation), a.match.resolution.rawValue,
                      -(a.evidence.rating ?? 0), a.evidence.evidenceID)
            let kb = (b.evidence.tier.rawValue, RankingPolicy.relationRank(b.evidence.relation), b.match.resolution.rawValue,
                      -(b.evidence.rating ?? 0), b.evidence.evidenceID)
            return ka < kb
        }

        /// The ranked entry, or nil when the therapy has neither sensitivity nor resistance here.
        func ranked(prior: [String], variants: [SomaticVariant]) -> RankedTherapy? {
            let sens = items.filter { $0.role == .sensitivity }.sorted(by: Self.order)
            let res = items.filter { $0.role == .resistance }.sorted(by: Self.order)
            let best = sens.first?.evidence.tier
            let disqualifying = res.filter {
                RankingPolicy.isDisqualifying(level: $0.evidence.level, tier: $0.evidence.tier, relation: $0.evidence.relation, bestSensitivity: best)
            }
            let direction: TherapyDirection
            let direct: [Item]
            if !disqualifying.isEmpty { direction = .resistance; direct = disqualifying }
            else if !sens.isEmpty { direction = .sensitivity; direct = sens }
            else { return nil }
            guard let lead = direct.first else { return nil }
            let atBest = direct.filter { $0.evidence.tier == lead.evidence.tier }
            var key = TherapySortKey(
                resistanceHere: direction == .resistance ? 1 : 0, tier: lead.evidence.tier.rawValue,
                relation: RankingPolicy.relationRank(lead.evidence.relation), resolution: lead.match.resolution.rawValue,
                realWorld: RealWorldGrade.inconclusive.rank, itemsAtBestTier: atBest.count,
                ratingAtBestTier: atBest.reduce(0) { $0 + ($1.evidence.rating ?? 0) }, itemsTotal: direct.count,
                name: drugs.joined(separator: " + "))
            key.guidelineOnly = atBest.allSatisfy { $0.evidence.source == .moalmanac && $0.evidence.sourceLevel == "Guideline" } ? 1 : 0
            // Direction items first, then the other role, counter-evidence and conflicts.
            let others = (direction == .resistance ? sens + res.filter { r in !direct.contains { $0.evidence.evidenceID == r.evidence.evidenceID } } : res)
            let counter = items.filter { $0.role == .counterEvidence }.sorted(by: Self.order)
            var seen = Set<Int>()
            var biomarkers: [String] = []
            for i in direct where !biomarkers.contains(i.match.profileName) { biomarkers.append(i.match.profileName) }
            let trace = (direct + others + counter + conflicts.sorted(by: Self.order)).filter { seen.insert($0.evidence.evidenceID * 4 + $0.roleCode).inserted }
                .map { Self.traceItem($0, variants: variants) }
            let priorSet = Set(prior.map(DrugName.canonical))
            return RankedTherapy(rank: 0, drugs: drugs, direction: direction, tier: lead.evidence.tier, relation: lead.evidence.relation,
                                 resolution: lead.match.resolution, biomarkers: biomarkers, evidence: trace, realWorld: nil, realWorldUnavailable: nil,
                                 sortKey: key, previouslyReceived: drugs.filter { priorSet.contains($0) }, neighboursTreated: nil)
        }

        static func traceItem(_ i: Item, variants: [SomaticVariant]) -> EvidenceTraceItem {
            let e = i.evidence
            return EvidenceTraceItem(
                role: i.role, source: e.source.rawValue, id: e.label, evidenceID: e.evidenceID, level: e.level.rawValue,
                sourceLevel: e.sourceLevel, date: e.date, doi: e.doi, nctIDs: e.nctIDs, rating: e.rating,
                tier: e.tier, significance: e.significance, supports: !e.isCounterEvidence, kbTherapy: i.therapy.description,
                disease: e.disease, doid: e.doid, relation: e.relation, ontologyPath: e.ontologyPath, pmids: e.pmid.map { [$0] } ?? [],
                citation: e.citation, url: e.url, profile: i.match.profileName, rule: i.match.rule, ruleKind: i.match.ruleKind.rawValue,
                resolution: i.match.resolution, matchedAlterations: Self.alterationText(i.match.alterations, variants: variants))
        }

        /// `BRAF p.V600E (GRCh37:7:140453136:A>T; VAF 0.39, depth 212, from FORMAT) → BRAF p.V600E; CIViC allele … (exact)`:
        /// one line per case alteration, the conditions it satisfied joined.
        static func alterationText(_ alts: [MatchedAlteration], variants: [SomaticVariant]) -> [String] {
            var order: [String] = []
            var conditions: [String: [String]] = [:]
            var label: [String: String] = [:]
            for a in alts {
                var d = a.description
                if let i = a.variantIndex, i < variants.count, let s = variants[i].support {
                    var extra: [String] = []
                    if let v = s.vaf { extra.append(String(format: "VAF %.2f", v)) }
                    if let dp = s.depth { extra.append("depth \(dp)") }
                    if !extra.isEmpty {
                        extra.append("from \(s.source.rawValue)")
                        if d.hasSuffix(")") { d = String(d.dropLast()) + "; " + extra.joined(separator: ", ") + ")" }
                        else { d += " (" + extra.joined(separator: ", ") + ")" }
                    }
                }
                if conditions[a.description] == nil { order.append(a.description); label[a.description] = d }
                let c = "\(a.condition) (\(a.resolution)\(a.exonSource.map { ", exon from \($0)" } ?? ""))"
                if !(conditions[a.description]?.contains(c) ?? false) { conditions[a.description, default: []].append(c) }
            }
            return order.map { "\(label[$0]!) → \(conditions[$0]!.joined(separator: "; "))" }
        }
    }

    /// Candidate therapies from the matched KB profiles: predictive items grouped by canonical drug
    /// set (salt forms folded), with drug-level conflicts.
    static func candidates(from interp: CaseInterpretation) -> [Candidate] {
        var byDrugs: [[String]: Candidate] = [:]
        var against: [Item] = []
        for m in interp.matches {
            for e in m.evidence where e.type == .predictive {
                for t in e.therapies {
                    let role: EvidenceRole
                    if e.isCounterEvidence { role = .counterEvidence }
                    else if e.effect == .sensitivity { role = .sensitivity }
                    else if e.effect == .resistance || e.effect == .reducedSensitivity { role = .resistance }
                    else { continue }
                    let drugs = DrugName.canonicalSet(t.drugs)
                    let item = Item(role: role, evidence: e, match: m, therapy: t)
                    if !(byDrugs[drugs]?.items.contains { $0.evidence.evidenceID == e.evidenceID && $0.role == role } ?? false) {
                        byDrugs[drugs, default: Candidate(drugs: drugs)].items.append(item)
                    }
                    if role == .resistance || (role == .counterEvidence && e.effect == .sensitivity) { against.append(item) }
                }
            }
        }
        for k in byDrugs.keys {
            let mine = Set(k)
            var c = byDrugs[k]!
            for a in against {
                let other = DrugName.canonicalSet(a.therapy.drugs)
                guard other != k, !mine.isDisjoint(with: other) else { continue }
                if !c.conflicts.contains(where: { $0.evidence.evidenceID == a.evidence.evidenceID }) {
                    var x = a
                    x.role = .conflict
                    c.conflicts.append(x)
                }
            }
            let sens = c.items.filter { $0.role == .sensitivity }.sorted(by: Candidate.order)
            let res = c.items.filter { $0.role == .resistance }.sorted(by: Candidate.order)
            let best = sens.first?.evidence.tier
            let dq = res.filter { RankingPolicy.isDisqualifying(level: $0.evidence.level, tier: $0.evidence.tier, relation: $0.evidence.relation, bestSensitivity: best) }
            c.lead = dq.first ?? sens.first
            byDrugs[k] = c
        }
        return byDrugs.keys.sorted { $0.joined(separator: "+") < $1.joined(separator: "+") }.map { byDrugs[$0]! }
    }
}

extension Recommender.Item {
    var roleCode: Int {
        switch role {
        case .sensitivity: return 0
        case .resistance: return 1
        case .counterEvidence: return 2
        case .conflict: return 3
        }
    }
}
