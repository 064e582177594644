import Foundation
import OncoCore
import Survival
import Vocabulary
import Warehouse

/// A definition checked and resolved against onco's vocabularies: tumour types expanded to their
/// OncoTree descendants, drug classes to drugs, variables to warehouse columns, the endpoint to a
/// warehouse endpoint; plus the scope fields it uses.
public struct CohortPlan: Sendable {
    public let definition: CohortDefinition
    /// Where the definition came from (file name or `flags`), for error messages.
    public let source: String
    public let criteria: CohortCriteria
    /// The endpoint read with the cohort table; nil when times come from the therapy lines.
    public let tableEndpoint: CohortEndpoint?
    /// Time to the endpoint measured from the line in which the compared therapy was given.
    public let endpointFromTherapyLine: Bool
    /// The unit of the endpoint times as read (days, or the study attribute's unit).
    public let nativeUnit: TimeUnit
    /// The unit shown.
    public let displayUnit: TimeUnit
    public let groupVariable: CohortVariable?
    public let withinVariable: CohortVariable?
    public let covariates: [(variable: CohortVariable, kind: CovariateSpec.Kind?)]
    public let coxStrata: [CohortVariable]
    public let logRankStrata: [CohortVariable]
    /// Therapy grouping: the drugs of A and B (lower-case), and their labels.
    public let therapyA: [String]
    public let therapyB: [String]
    public let therapyLabels: (a: String, b: String)
    /// OncoTree codes as written in the definition (before expansion).
    public let tumourTypesAsGiven: [String]
    /// Fields the study uses (for the project scope check).
    public let fields: Set<String>
    public let runLogRank: Bool
    public let runCox: Bool
    public let runPHTest: Bool
    public let ties: CoxFit.Ties
    public let confidence: ConfidenceType
    public let kmTimes: [Double]?
    /// The attribute splitting the endpoint's events into the event of interest and the competing event.
    public let competingCause: CohortVariable?
    /// The emulated target trial, when the definition's design is one (`CohortPlan+TargetTrial.swift`).
    public let targetTrial: TargetTrialPlan?
    /// The members of an alteration-set grouping (`CohortDefinition+AlterationSets.swift`), in order; empty otherwise.
    public let setMembers: [AlterationSetSpec.Member]
    /// The members of each of the population's alteration sets (`population.alterationSets`, in order).
    public let populationSetMembers: [[AlterationSetSpec.Member]]
    /// A gene screen's settings (`CohortDefinition+Screen.swift`), when the definition is one.
    public let screen: ScreenPlan?

    /// Every variable whose values the study reads.
    public var variables: [CohortVariable] {
        var out: [CohortVariable] = []
        func add(_ v: CohortVariable?) { if let v, !out.contains(v) { out.append(v) } }
        add(groupVariable); add(withinVariable)
        for c in covariates { add(c.variable) }
        for s in coxStrata { add(s) }
        for s in logRankStrata { add(s) }
        add(competingCause)
        return out
    }

    /// What the study reads from the warehouse: the cohort, the endpoint and every column it uses
    /// (plus the pseudonymous key for a row-level export).
    public func tableRequest(exportRows: Bool = false) throws -> CohortTableRequest {
        var columns = variables.map(\.column)
        if case .mutation(let spec)? = definition.groups {
            let f = try CohortPlan.filter(spec, field: "groups") { a, b in CohortStudyError(.invalidDefinition, a, b) }
            let c = CohortColumn.alteration(AlterationFilter(gene: f.gene, hgvsp: f.hgvsp, classes: f.classes, passOnly: f.passOnly, present: true,
                                                             fusionFrame: f.fusionFrame))
            if !columns.contains(c) { columns.append(c) }
        }
        for m in setMembers where !columns.contains(.alteration(m.filter)) { columns.append(.alteration(m.filter)) }
        if exportRows { columns.append(.patientKey) }
        return CohortTableRequest(cohort: criteria, endpoint: tableEndpoint, columns: columns)
    }

    func fail(_ field: String, _ message: String) -> CohortStudyError {
        CohortStudyError(.invalidDefinition, "\(source): \(field)", message)
    }

    /// Checks and resolves a definition, in the order its parts are written: the population, the groups,
    /// the endpoint, the analyses (`CohortPlan+Resolve.swift`), then the design's own parts.
    /// - Parameter source: the file name or `flags`, used in error messages.
    /// - Throws: `CohortStudyError.invalidDefinition` naming the field.
    public init(_ d: CohortDefinition, source: String, hierarchy: TumourTypeHierarchy = .embedded) throws {
        definition = d
        self.source = source
        func fail(_ field: String, _ message: String) -> CohortStudyError {
            CohortStudyError(.invalidDefinition, "\(source): \(field)", message)
        }
        guard !d.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("name", "is empty") }
        var fields = Set<String>()

        let population = try Self.resolvePopulation(d, hierarchy: hierarchy, fields: &fields, fail: fail)
        (tumourTypesAsGiven, populationSetMembers, criteria) = (population.tumourTypesAsGiven, population.setMembers, population.criteria)

        let groups = try Self.resolveGroups(d, fields: &fields, fail: fail)
        (groupVariable, withinVariable, setMembers) = (groups.groupVariable, groups.withinVariable, groups.setMembers)
        (therapyA, therapyB, therapyLabels) = (groups.therapyA, groups.therapyB, groups.therapyLabels)

        let e = d.endpoint
        let endpoint = try Self.resolveEndpoint(d, groups: groups, fields: &fields, fail: fail)
        (tableEndpoint, nativeUnit, endpointFromTherapyLine) = (endpoint.tableEndpoint, endpoint.nativeUnit, endpoint.fromTherapyLine)
        displayUnit = d.timeUnit ?? (e.kind == .study ? (e.unit ?? .months) : .months)

        let analyses = try Self.resolveAnalyses(d, groupVariable: groups.groupVariable, fields: &fields, fail: fail)
        (covariates, coxStrata, logRankStrata) = (analyses.covariates, analyses.coxStrata, analyses.logRankStrata)
        (runLogRank, runCox, runPHTest) = (analyses.runLogRank, analyses.runCox, analyses.runPHTest)
        (ties, confidence, kmTimes, competingCause) = (analyses.ties, analyses.confidence, analyses.kmTimes, analyses.competingCause)

        if let m = d.minimumCellCount, m < 1 { throw fail("minimumCellCount", "must be 1 or more") }
        if let l = e.landmark, l.days < 0 { throw fail("endpoint.landmark", "must not be negative") }
        screen = try d.screen.map { _ in try ScreenPlan(d, fail: fail) }
        if screen != nil { fields.insert("mutations") }
        targetTrial = try TargetTrialPlan.resolve(d, fail: fail)
        if let t = targetTrial { fields.formUnion(t.fields) }
        self.fields = fields
    }

    static func filter(_ a: AlterationSpec, field: String, fail: (String, String) -> CohortStudyError) throws -> AlterationFilter {
        guard !a.gene.isEmpty, a.gene.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw fail("\(field).gene", "\"\(a.gene)\" is not a gene symbol")
        }
        for c in a.classes ?? [] where !AlterationSpec.knownClasses.contains(c) {
            throw fail("\(field).classes", "unknown class \"\(c)\" (\(AlterationSpec.knownClasses.sorted().joined(separator: ", ")))")
        }
        let present = try isPresent(a.status, field: field, fail: fail)
        let frame = try fusionFrame(a.fusionFrame, classes: a.resolvedClasses, field: field, fail: fail)
        return AlterationFilter(gene: a.gene.uppercased(), hgvsp: a.hgvsp, classes: a.resolvedClasses, passOnly: a.passOnly ?? false,
                                present: present, fusionFrame: frame)
    }

    static func drugs(_ t: TherapySpec, extra: [String: [String]], field: String,
                      fail: (String, String) -> CohortStudyError) throws -> [String] {
        var out = (t.drugs ?? []).map { DrugName.generic($0) }
        if let k = t.drugClass {
            guard let ds = DrugClasses.drugs(ofClass: k, extra: extra) else {
                throw fail("\(field).class", "unknown drug class \"\(k)\"; known: \(DrugClasses.names(extra: extra).joined(separator: ", "))")
            }
            out += ds
        }
        guard !out.isEmpty else { throw fail(field, "names no drug (give drugs or class)") }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The line whose drugs decide a therapy grouping (nil: the first line with A or B).
    var therapyLine: Int? {
        if case .therapy(_, _, let line)? = definition.groups { return line ?? definition.endpoint.line }
        return nil
    }
}
