import Foundation
import Logging
import OncoCore
import Warehouse

/// A warehouse patient found similar to a case, with what the warehouse knows of their treatment.
public struct WarehouseNeighbour: Sendable, Hashable {
    /// 1 for the most similar.
    public var rank: Int
    /// The pseudonymous key (never a source identifier).
    public var key: PatientKey
    /// The warehouse person; nil when the key is no longer in the warehouse (the index is behind it).
    public var personID: Int64?
    public var similarity: Double
    public var explanation: NeighbourExplanation
    /// Alterations at the protein level (``WarehouseSimilarity/alterationLabels(variants:clinical:builder:)``)
    /// that the neighbour's warehouse record shares with the case, sorted.
    public var sharedAlterations: [String]
    /// Lines of therapy, by line number.
    public var lines: [TreatmentLine]
    /// Overall survival from diagnosis (days; event = death).
    public var overallSurvival: TimeToEvent?
}

extension WarehouseSimilarity {
    /// The case's alterations that count in its profile, labelled at the protein level: `GENE p.X`
    /// (1-letter HGVSp) for small variants, `GENE amplification` / `GENE deletion`, `FIVE::THREE fusion`.
    /// The warehouse's alterations are labelled the same way, so labels of a case and a neighbour compare.
    public static func alterationLabels(variants: [SomaticVariant], clinical: ClinicalContext,
                                        builder: ProfileBuilder = ProfileBuilder()) -> [String] {
        var out = Set<String>()
        for v in variants {
            guard let (gene, _) = builder.classify(v), let ann = v.annotation else { continue }
            if let p = ann.hgvspShort ?? ann.hgvsp { out.insert("\(gene) \(AminoAcid.shortHGVSp(p))") } else { out.insert(gene) }
        }
        for c in clinical.copyNumber { out.insert("\(c.gene) \(c.kind.rawValue)") }
        for f in clinical.fusions { out.insert("\(f.description) fusion") }
        return out.sorted()
    }

    /// The label of one warehouse alteration row (gene, class or alteration kind, HGVSp), as
    /// `alterationLabels` writes a case's.
    public static func alterationLabel(gene: String, kind: String, hgvsp: String?) -> String {
        switch kind {
        case "amplification", "deletion": return "\(gene) \(kind)"
        case "fusion": return "\(hgvsp ?? gene) fusion"
        default: return hgvsp.map { "\(gene) \($0)" } ?? gene
        }
    }

    /// The `options.k` nearest warehouse patients to `query`, each explained and completed from the
    /// warehouse: person id, shared protein-level alterations (against `caseAlterations`), lines of
    /// therapy with drugs, and overall survival from diagnosis. Four warehouse reads for the whole set.
    public static func neighbours(of query: PatientProfile, caseAlterations: [String], in index: SimilarityIndex,
                                  store: Warehouse, options: SearchOptions = SearchOptions(),
                                  mapping: WarehouseProfileMapping = WarehouseProfileMapping(),
                                  logger: Logger) async throws -> [WarehouseNeighbour] {
        let found = try index.search(query, options: options)
        if found.isEmpty { return [] }
        let ids = try await personIDs(for: found.map(\.key), in: store, logger: logger)
        let persons = Array(Set(ids.values)).sorted()
        let cohort = CohortCriteria(personIDs: persons)
        let lines = persons.isEmpty ? [] : try await store.treatmentLines(cohort: cohort, logger: logger)
        let os = persons.isEmpty ? [] : try await store.outcomes(.overallSurvival(from: .diagnosis), cohort: cohort, groupBy: .none, logger: logger)
        let profiles = persons.isEmpty ? ProfileTable() : try await store.similarityProfiles(cohort: cohort, options: mapping.readOptions, logger: logger)
        var linesBy: [Int64: [TreatmentLine]] = [:]
        for l in lines { linesBy[l.personID, default: []].append(l) }
        var osBy: [Int64: TimeToEvent] = [:]
        for g in os { for i in 0..<g.data.count { osBy[g.data.personIDs[i]] = TimeToEvent(days: g.data.days[i], event: g.data.events[i]) } }
        var labelsBy: [Int64: Set<String>] = [:]
        for i in 0..<profiles.count {
            var s = Set<String>()
            for a in profiles.alterationStart[i]..<profiles.alterationStart[i + 1]
            where !mapping.classify(gene: profiles.genes[a], kind: profiles.classes[a], hgvsp: profiles.hgvsp[a]).isEmpty {
                s.insert(alterationLabel(gene: profiles.genes[a], kind: profiles.classes[a], hgvsp: profiles.hgvsp[a]))
            }
            labelsBy[profiles.personIDs[i]] = s
        }
        let caseSet = Set(caseAlterations)
        return found.enumerated().map { r, n in
            let pid = ids[n.key]
            return WarehouseNeighbour(
                rank: r + 1, key: n.key, personID: pid, similarity: n.similarity,
                explanation: index.explain(query, neighbour: n, weights: options.weights)!,
                sharedAlterations: pid.flatMap { labelsBy[$0] }.map { Array($0.intersection(caseSet)).sorted() } ?? [],
                lines: pid.flatMap { linesBy[$0] }?.sorted { $0.line < $1.line } ?? [],
                overallSurvival: pid.flatMap { osBy[$0] })
        }
    }
}
