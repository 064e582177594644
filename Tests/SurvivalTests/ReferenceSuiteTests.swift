import Foundation
import Testing
import Survival

/// Every R reference file in Tests/Fixtures/survival/reference is matched; none may be skipped.
@Suite struct ReferenceSuiteTests {
    /// The number of reference files shipped with the fixtures (93: see REFERENCE_FORMAT.md).
    static let expectedFileCount = 93

    @Test func everyReferenceFileMatchesR() throws {
        let files = try SurvivalFixtures.referenceFiles()
        #expect(files.count == Self.expectedFileCount, "reference files found: \(files.count)")
        var matched = 0
        var worst: [String: Double] = [:]
        var perKind: [String: (Int, Int)] = [:]
        for file in files {
            let c = try Self.check(file)
            let kind = String(file.split(separator: "/")[1].split(separator: "_")[0])
            var pk = perKind[kind] ?? (0, 0)
            pk.1 += 1
            if c.compared > 0 && c.mismatches.isEmpty { matched += 1; pk.0 += 1 }
            perKind[kind] = pk
            for (k, v) in c.worst { worst[k] = max(worst[k] ?? 0, v) }
            #expect(c.compared > 0, "\(file): nothing compared")
            for m in c.mismatches.prefix(20) { Issue.record("\(file): \(m)") }
            if c.mismatches.count > 20 { Issue.record("\(file): … \(c.mismatches.count - 20) more mismatches") }
        }
        let summary = perKind.keys.sorted().map { "\($0) \(perKind[$0]!.0)/\(perKind[$0]!.1)" }.joined(separator: ", ")
        print("R reference files matched: \(matched)/\(files.count) (\(summary))")
        print("largest relative differences: " + worst.keys.sorted().map { "\($0) \(worst[$0]!)" }.joined(separator: ", "))
        #expect(matched == files.count, "matched \(matched) of \(files.count) reference files")
    }

    /// Dispatches one file to the checker of its analysis; an unknown analysis is a failure, not a skip.
    static func check(_ file: String) throws -> Comparison {
        let parts = file.split(separator: "/")
        let dataset = String(parts[0])
        let stem = String(parts[1].dropLast(5))
        let pieces = stem.components(separatedBy: "__")
        let analysis = pieces[0]
        let id = pieces.dropFirst().joined(separator: "__")
        let ref = try SurvivalFixtures.reference(file)
        var c = Comparison(file: file)
        c.equal("analysis", ref["analysis"]?.string ?? "", analysis)
        switch analysis {
        case "km": try KaplanMeierReference.check(ref, dataset: dataset, id: id, into: &c)
        case "logrank": try LogRankReference.check(ref, dataset: dataset, id: id, into: &c)
        case "cox": try CoxReference.check(ref, dataset: dataset, id: id, into: &c)
        case "zph": try ProportionalHazardsReference.check(ref, dataset: dataset, id: id, into: &c)
        case "coxsurv": try CoxSurvivalReference.check(ref, dataset: dataset, id: id, into: &c)
        case "cif": try CumulativeIncidenceReference.check(ref, dataset: dataset, id: id, into: &c)
        default: c.fail("no checker for analysis '\(analysis)'")
        }
        return c
    }
}
