import OncoCore

extension KnowledgeBase {
    /// Matches a case against every rule and returns the matched profiles with tiered evidence and a
    /// per-therapy summary.
    ///
    /// GRCh37 variants also match CIViC's GRCh37 coordinates exactly (after trimming to minimal alleles);
    /// GRCh38 variants match those coordinates lifted to GRCh38 at index build time (`AlleleLiftover`), and
    /// the matched alteration says so. Exon numbers come from the
    /// variant's annotation, else from the shipped exon table by position (build-aware).
    /// - Complexity: O(*v* + *r*) for *v* variants and the *r* rules on the case's genes.
    public func match(variants: [SomaticVariant], context: ClinicalContext,
                      options: MatchOptions = MatchOptions()) throws -> CaseInterpretation {
        let indication = try indication(for: context.tumourType)
        var observed: [ObservedVariant] = []
        observed.reserveCapacity(variants.count)
        var ignored = 0
        for (i, v) in variants.enumerated() {
            if !v.isPass && !options.includeFiltered { ignored += 1; continue }
            observed.append(prepare(v, index: i))
        }
        var byGene: [String: [Int]] = [:]
        for (i, o) in observed.enumerated() { if let g = o.gene { byGene[g, default: []].append(i) } }
        let cnaByGene = Dictionary(grouping: context.copyNumber, by: { BiomarkerRuleParser.canonicalGene($0.gene) })
        let fusions = context.fusions.map { GeneFusion(fivePrime: BiomarkerRuleParser.canonicalGene($0.fivePrime),
                                                       threePrime: BiomarkerRuleParser.canonicalGene($0.threePrime)) }
        // Candidate rules: on a gene with an alteration, by exact allele, or testing TMB/MSI.
        var candidates: Set<Int> = Set(index.characteristic)
        var geneSet = Set(byGene.keys).union(cnaByGene.keys)
        for f in fusions { geneSet.insert(f.fivePrime); geneSet.insert(f.threePrime) }
        for g in geneSet { for id in index.byGene[g] ?? [] { candidates.insert(id) } }
        var exactHits: [Int: [Int]] = [:] // rule id → observed indices
        var liftedHits: [Int: [Int]] = [:] // rule id → observed GRCh38 indices matching its lifted GRCh37 allele
        for (i, o) in observed.enumerated() where o.minimal.build == .grch37 || o.minimal.build == .grch38 {
            for id in index.byAllele[o.minimal] ?? [] { exactHits[id, default: []].append(i); candidates.insert(id) }
            for id in index.byLiftedAllele[o.minimal] ?? [] { liftedHits[id, default: []].append(i); candidates.insert(id) }
        }
        let env = Environment(observed: observed, byGene: byGene, cna: cnaByGene, fusions: fusions, context: context,
                              options: options)
        var ruleHits: [Int: Hit] = [:]
        for id in candidates.sorted() {
            guard let rule = rules[id] else { continue }
            var best: Hit?
            if let c = rule.condition, let h = evaluate(c, env) { best = h }
            if let g = rule.genomic, exactHits[id] != nil || liftedHits[id] != nil {
                func alteration(_ i: Int, _ condition: String) -> MatchedAlteration {
                    let o = observed[i]
                    return MatchedAlteration(source: .variant, description: o.label, variantIndex: o.index, variantKey: o.variant.key,
                                             condition: condition, resolution: .exact, exonSource: nil)
                }
                let alts = (exactHits[id] ?? []).map { alteration($0, "CIViC allele \(g)") }
                    + (liftedHits[id] ?? []).map { alteration($0, liftover.condition(source: "\(EvidenceSource(evidenceID: id))", g, observed[$0].minimal)) }
                let h = Hit(alterations: alts, resolution: .exact)
                if best == nil || best!.resolution > .exact { best = h } else { best!.alterations += alts }
            }
            if let best { ruleHits[id] = best }
        }
        // Profiles: single variant, or all variants of a v2 AND profile.
        var matches: [BiomarkerMatch] = []
        var profileIDs: Set<Int> = []
        for id in ruleHits.keys { for p in profilesByVariant[id] ?? [] { profileIDs.insert(p) } }
        for pid in profileIDs.sorted() {
            guard let p = profiles[pid], p.op != .unsupported else { continue }
            let hits = p.variantIDs.map { ruleHits[$0] }
            guard !hits.isEmpty, hits.allSatisfy({ $0 != nil }) else { continue }
            let hs = hits.map { $0! }
            let resolution = hs.map(\.resolution).max()!
            var seen: Set<MatchedAlteration> = []
            let alts = hs.flatMap(\.alterations).filter { seen.insert($0).inserted }
            let ruleText = p.variantIDs.compactMap { rules[$0] }.map { r in
                r.condition?.description ?? r.genomic.map { "\(r.gene) \($0)" } ?? r.name
            }.joined(separator: " AND ")
            let kind: RuleKind = p.variantIDs.count > 1 ? .combination : (rules[p.variantIDs[0]]?.kind ?? .unparsed)
            var ev: [MatchedEvidence] = []
            for e in evidence(forProfile: pid) where options.evidenceTypes.contains(e.type) {
                var (rel, path) = e.source == .civic ? indication.relation(doid: e.doid, disease: e.disease)
                    : (TumourTypeRelation.other, ["\(e.disease): no OncoTree mapping"])
                // The audited disease → OncoTree mapping completes the DO route (CIViC 'Transitional Cell
                // Carcinoma' → BLCA) and is the only route for MOAlmanac's OncoTree-coded assertions.
                if rel != .exact, let m = diseaseMap[e.diseaseKey], m.isMapped {
                    let (r2, p2) = indication.relation(oncotree: m, disease: e.disease)
                    if Indication.rank(r2) < Indication.rank(rel) { (rel, path) = (r2, p2) }
                }
                ev.append(MatchedEvidence(
                    evidenceID: e.id, type: e.type, level: e.level, direction: e.direction, significance: e.significance,
                    effect: EvidenceEffect(significance: e.significance), rating: e.rating, disease: e.disease, doid: e.doid,
                    therapies: e.therapies, interaction: e.interaction, pmid: e.pmid, citation: e.citation, relation: rel,
                    ontologyPath: path, tier: Tier(level: e.level, rating: e.rating, relation: rel, source: e.source),
                    isCounterEvidence: e.direction == .doesNotSupport, source: e.source, sourceLevel: e.sourceLevel,
                    url: e.url, date: e.publicationDate.isEmpty ? String(e.lastReview.prefix(10)) : e.publicationDate,
                    doi: e.doi, nctIDs: e.nctIDs, label: e.label, statement: e.statement))
            }
            ev.sort { ($0.tier, $0.level, $0.evidenceID) < ($1.tier, $1.level, $1.evidenceID) }
            matches.append(BiomarkerMatch(profileID: pid, profileName: p.name, ruleKind: kind, rule: ruleText,
                                          resolution: resolution, alterations: alts, evidence: ev))
        }
        matches.sort { a, b in
            let ta = a.evidence.map(\.tier).min() ?? .t4, tb = b.evidence.map(\.tier).min() ?? .t4
            return (ta, a.resolution, a.profileName) < (tb, b.resolution, b.profileName)
        }
        let unannotated = observed.filter { $0.gene == nil }
        return CaseInterpretation(kbVersion: version, tumourType: indication.code.rawValue, tumourTypeName: indication.name,
                                  matches: matches, therapies: assessTherapies(matches), ignoredFiltered: ignored,
                                  variantsConsidered: observed.count, unannotated: unannotated.count,
                                  unmatchableUnannotated: unannotated.filter { $0.variant.key.build != .grch37 && $0.variant.key.build != .grch38 }.count,
                                  inputMethods: context.inputMethods)
    }

    /// Profiles each variant takes part in.
    var profilesByVariant: [Int: [Int]] { profileIndex }

    func assessTherapies(_ matches: [BiomarkerMatch]) -> [TherapyAssessment] {
        var refs: [EvidenceRef] = []
        for m in matches {
            for e in m.evidence where e.type == .predictive {
                for t in e.therapies {
                    refs.append(EvidenceRef(evidenceID: e.evidenceID, profileName: m.profileName, tier: e.tier, level: e.level,
                                            effect: e.effect, isCounterEvidence: e.isCounterEvidence, relation: e.relation,
                                            therapy: t, pmid: e.pmid))
                }
            }
        }
        let byTherapy = Dictionary(grouping: refs, by: \.therapy)
        // drug → indices of refs that argue against a therapy containing it.
        var against: [String: [Int]] = [:]
        for (i, r) in refs.enumerated() {
            let isAgainst = ((r.effect == .resistance || r.effect == .reducedSensitivity) && !r.isCounterEvidence)
                || (r.isCounterEvidence && r.effect == .sensitivity)
            if isAgainst { for d in r.therapy.drugs { against[d, default: []].append(i) } }
        }
        var out: [TherapyAssessment] = []
        out.reserveCapacity(byTherapy.count)
        for (t, rs) in byTherapy {
            let sens = rs.filter { $0.effect == .sensitivity && !$0.isCounterEvidence }
            let res = rs.filter { ($0.effect == .resistance || $0.effect == .reducedSensitivity) && !$0.isCounterEvidence }
            let counter = rs.filter { $0.isCounterEvidence }
            var idx = Set<Int>()
            for d in t.drugs { for i in against[d] ?? [] { idx.insert(i) } }
            let conflicts = idx.sorted().map { refs[$0] }
            // A total order (one evidence item names several therapies): the same bytes on every run.
            func order(_ a: [EvidenceRef]) -> [EvidenceRef] {
                a.sorted { ($0.tier, $0.evidenceID, $0.therapy, $0.profileName) < ($1.tier, $1.evidenceID, $1.therapy, $1.profileName) }
            }
            out.append(TherapyAssessment(therapy: t, bestTier: sens.map(\.tier).min(), sensitivity: order(sens),
                                         resistance: order(res), counterEvidence: order(counter), conflicts: order(conflicts)))
        }
        return out.sorted { a, b in
            ((a.bestTier ?? .t4).rawValue + (a.bestTier == nil ? 10 : 0), a.therapy) <
                ((b.bestTier ?? .t4).rawValue + (b.bestTier == nil ? 10 : 0), b.therapy)
        }
    }

    func prepare(_ v: SomaticVariant, index: Int) -> ObservedVariant {
        let minimal = GenomicAllele.minimal(build: v.key.build, chrom: v.key.chrom, position: v.key.position,
                                            ref: v.key.ref, alt: v.key.alt)
        let ann = v.annotation
        let hgvsp = ann?.hgvspShort ?? ann?.hgvsp
        let protein = hgvsp.flatMap { ProteinChange.parse($0) }
        var exon = ann?.exonNumber
        var exonSource: String? = exon == nil ? nil : "annotation"
        var gene = ann?.symbol.map(BiomarkerRuleParser.canonicalGene)
        if exon == nil || gene == nil, let e = exonAt(minimal, gene: gene) {
            if exon == nil { exon = e.exon; exonSource = "exon table (\(e.transcript))" }
            if gene == nil { gene = e.gene }
        }
        let cons = ann?.consequences ?? []
        var hgvsc = ann?.hgvsc
        if let c = hgvsc, let colon = c.lastIndex(of: ":") { hgvsc = String(c[c.index(after: colon)...]) }
        return ObservedVariant(index: index, variant: v, gene: gene, protein: protein, consequences: cons,
                               classes: Set(cons.map(Consequence.classify)), exon: exon, exonSource: exonSource,
                               minimal: minimal, hgvsc: hgvsc)
    }

    /// The shipped exon containing (or, for deletions, overlapping) the allele; for a gene when known.
    func exonAt(_ a: GenomicAllele, gene: String?) -> ExonInterval? {
        guard let list = index.exonsByChrom["\(a.build.rawValue):\(a.chrom)"] else { return nil }
        let start = a.position, end = a.position + max(a.ref.count, 1) - 1
        return list.first { e in (gene == nil || e.gene == gene) && e.start <= end && start <= e.end }
    }

    /// Whether a splice-site change sits at the edges of an exon (for exon skipping), from the table.
    func nearExonEdge(_ a: GenomicAllele, gene: String, exon: Int, flank: Int = 30) -> Bool {
        guard let list = index.exonsByChrom["\(a.build.rawValue):\(a.chrom)"] else { return false }
        let start = a.position, end = a.position + max(a.ref.count, 1) - 1
        return list.contains { e in
            e.gene == gene && e.exon == exon
                && ((start <= e.start + 2 && end >= e.start - flank) || (end >= e.end - 2 && start <= e.end + flank))
        }
    }

    struct Environment {
        let observed: [ObservedVariant]
        let byGene: [String: [Int]]
        let cna: [String: [CopyNumberAlteration]]
        let fusions: [GeneFusion]
        let context: ClinicalContext
        let options: MatchOptions
    }

    func evaluate(_ c: RuleCondition, _ env: Environment) -> Hit? {
        switch c {
        case .protein(let g, let change):
            return env.variantHits(g, .exact, c) { o in o.protein.map { change.matches($0) } ?? false }
        case .codon(let g, let pos, _):
            return env.variantHits(g, .codon, c) { o in
                guard let p = o.protein, !p.isSynonymous else { return false }
                return p.start <= pos && pos <= p.lastPosition
            }
        case .aminoAcidRange(let g, let a, let b, _):
            return env.variantHits(g, .range, c) { o in
                guard let p = o.protein, !p.isSynonymous, o.isNonSynonymousCoding else { return false }
                return p.start <= b && p.lastPosition >= a
            }
        case .exon(let g, let first, let last, let event):
            return exonHit(g, first, last, event, c, env)
        case .gene(let g, let event):
            return Self.geneHit(g, event, c, env)
        case .anyFusion(let g):
            return env.fusionHit(c, resolution: .gene) { $0.fivePrime == g || $0.threePrime == g }
        case .fusion(let five, let three, let bp):
            // A breakpoint-specific fusion (exons) cannot be confirmed from a gene pair: range resolution.
            return env.fusionHit(c, resolution: bp == nil ? .exact : .range) { $0.fivePrime == five && $0.threePrime == three }
        case .characteristic(let ch):
            switch ch {
            case .tmbHigh:
                guard let t = env.context.tmb, t >= Characteristic.tmbHighThreshold else { return nil }
                return Hit(alterations: [MatchedAlteration(source: .tmb, description: "TMB \(t)/Mb", variantIndex: nil, variantKey: nil,
                                                           condition: c.description, resolution: .gene, exonSource: nil)], resolution: .gene)
            case .msiHigh:
                guard env.context.msi == .high else { return nil }
                return Hit(alterations: [MatchedAlteration(source: .msi, description: "MSI-H", variantIndex: nil, variantKey: nil,
                                                           condition: c.description, resolution: .gene, exonSource: nil)], resolution: .gene)
            }
        case .cdna(let g, let h):
            return env.variantHits(g, .exact, c) { $0.hgvsc?.lowercased() == h.lowercased() }
        case .genomic(let g, let allele):
            return genomicHit(g, allele, c, env)
        case .molecularMarker:
            return nil
        case .wildType(let g):
            guard env.options.evaluateWildType else { return nil }
            let mutated = (env.byGene[g] ?? []).contains { env.observed[$0].isNonSynonymousCoding }
            return mutated ? nil : Hit(alterations: [MatchedAlteration(source: .variant, description: "\(g) wild type (no non-synonymous variant)",
                                                                       variantIndex: nil, variantKey: nil, condition: c.description,
                                                                       resolution: .gene, exonSource: nil)], resolution: .gene)
        case .allOf(let cs):
            var all: [Hit] = []
            for x in cs { guard let h = evaluate(x, env) else { return nil }; all.append(h) }
            return Hit(alterations: all.flatMap(\.alterations), resolution: all.map(\.resolution).max()!)
        case .anyOf(let cs):
            return Environment.merge(cs.map { evaluate($0, env) })
        }
    }

    /// A variant in exons `first...last` of `g`: a mutation, deletion, insertion or frameshift within them, or exon
    /// skipping (a splice-site change in or at the edge of one, or a deletion reaching an edge).
    private func exonHit(_ g: String, _ first: Int, _ last: Int, _ event: ExonEvent, _ c: RuleCondition, _ env: Environment) -> Hit? {
        env.variantHits(g, .exon, c) { o in
            let inExon = o.exon.map { first <= $0 && $0 <= last } ?? false
            switch event {
            case .mutation: return inExon && o.isNonSynonymousCoding
            case .deletion: return inExon && o.isDeletionLike
            case .insertion: return inExon && o.isInsertionLike
            case .frameshift:
                return inExon && (o.consequences.contains("frameshift_variant") || { if case .frameshift? = o.protein?.kind { return true }; return false }())
            case .skipping:
                let splice = o.isSpliceSite || o.classes.contains(.truncating) && o.consequences.contains { $0.hasPrefix("splice") }
                let edge = (first...last).contains { nearExonEdge(o.minimal, gene: g, exon: $0) }
                return (splice && (inExon || edge)) || (edge && o.minimal.ref.count > o.minimal.alt.count)
            }
        }
    }

    /// A gene-level event: a non-synonymous or truncating variant, a frameshift, an ITD, or a copy-number change.
    private static func geneHit(_ g: String, _ event: GeneEvent, _ c: RuleCondition, _ env: Environment) -> Hit? {
        switch event {
        case .mutation:
            return env.variantHits(g, .gene, c) { $0.isNonSynonymousCoding || $0.isSpliceSite && $0.classes.contains(.truncating) }
        case .lossOfFunction:
            return Environment.merge([env.variantHits(g, .gene, c) { $0.isTruncating }, env.cnaHit(g, [.deletion], c)])
        case .truncating:
            return env.variantHits(g, .gene, c) { $0.isTruncating }
        case .frameshift:
            return env.variantHits(g, .gene, c) { o in
                o.consequences.contains("frameshift_variant") || { if case .frameshift? = o.protein?.kind { return true }; return false }()
            }
        case .amplification: return env.cnaHit(g, [.amplification], c)
        case .copyNumberLoss: return env.cnaHit(g, [.deletion], c)
        case .copyNumberChange: return env.cnaHit(g, [.amplification, .deletion], c)
        case .internalTandemDuplication:
            return env.variantHits(g, .gene, c) { $0.isInsertionLike }
        }
    }

    /// CIViC's coordinates, matched exactly on GRCh37 or lifted to GRCh38 (the matched alteration says so).
    private func genomicHit(_ g: String, _ allele: GenomicAllele, _ c: RuleCondition, _ env: Environment) -> Hit? {
        let lifted = allele.build == .grch37 ? liftover.lifted[allele] : nil
        let alts = (env.byGene[g] ?? []).compactMap { i -> MatchedAlteration? in
            let o = env.observed[i]
            let text: String? = o.minimal == allele ? c.description
                : lifted == o.minimal ? "\(g) " + liftover.condition(source: "CIViC", allele, o.minimal) : nil
            return text.map { MatchedAlteration(source: .variant, description: o.label, variantIndex: o.index, variantKey: o.variant.key,
                                                condition: $0, resolution: .exact, exonSource: nil) }
        }
        return alts.isEmpty ? nil : Hit(alterations: alts, resolution: .exact)
    }
}

extension KnowledgeBase.Environment {
    /// The case's variants in `gene` that pass `test`, at `resolution`.
    func variantHits(_ gene: String, _ resolution: MatchResolution, _ c: RuleCondition, _ test: (ObservedVariant) -> Bool) -> Hit? {
        let alts = (byGene[gene] ?? []).compactMap { i -> MatchedAlteration? in
            let o = observed[i]
            guard test(o) else { return nil }
            return MatchedAlteration(source: .variant, description: o.label, variantIndex: o.index, variantKey: o.variant.key,
                                     condition: c.description, resolution: resolution,
                                     exonSource: resolution == .exon ? o.exonSource : nil)
        }
        return alts.isEmpty ? nil : Hit(alterations: alts, resolution: resolution)
    }

    /// The case's copy-number alterations of `gene` of one of `kinds`.
    func cnaHit(_ gene: String, _ kinds: Set<CopyNumberAlteration.Kind>, _ c: RuleCondition) -> Hit? {
        let a = (cna[gene] ?? []).filter { kinds.contains($0.kind) }.map {
            MatchedAlteration(source: .copyNumber, description: "\(gene) \($0.kind.rawValue)" + ($0.copyNumber.map { " (CN \($0))" } ?? ""),
                              variantIndex: nil, variantKey: nil, condition: c.description, resolution: .gene, exonSource: nil)
        }
        return a.isEmpty ? nil : Hit(alterations: a, resolution: .gene)
    }

    /// The case's fusions that pass `test`, at `resolution`.
    func fusionHit(_ c: RuleCondition, resolution: MatchResolution, _ test: (GeneFusion) -> Bool) -> Hit? {
        let a = fusions.filter(test).map {
            MatchedAlteration(source: .fusion, description: $0.description, variantIndex: nil, variantKey: nil,
                              condition: c.description, resolution: resolution, exonSource: nil)
        }
        return a.isEmpty ? nil : Hit(alterations: a, resolution: resolution)
    }

    /// The hits found, merged at the finest resolution among them; nil if none.
    static func merge(_ hs: [Hit?]) -> Hit? {
        let found = hs.compactMap { $0 }
        guard !found.isEmpty else { return nil }
        return Hit(alterations: found.flatMap(\.alterations), resolution: found.map(\.resolution).min()!)
    }
}
