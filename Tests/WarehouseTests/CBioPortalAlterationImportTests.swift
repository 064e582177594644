import Foundation
import Logging
import OncoCore
import Testing
import Warehouse
import WarehousePostgres
import _TestSupport

/// Issue #21 point 7: the cBioPortal importer reads `data_CNA.txt` and `data_sv.txt`; biomarker cohorts
/// and similarity profiles include amplified, deleted and fused patients. Fixture: the synthetic study
/// Tests/Fixtures/warehouse/cna_sv_study (written by its make_fixture.py, whose docstring states the design).
@Suite("cBioPortal copy number and structural variants", .serialized)
struct CBioPortalAlterationImportTests {
    static let study = RepoPaths.fixture("warehouse/cna_sv_study")
    static let studyID = "onco_synthetic_cna_sv"

    /// The calls of the fixture's `data_CNA.txt`, counted here from the file: patient ids per (gene, value).
    static func copyNumberCalls(_ dir: URL = study) throws -> [String: Set<String>] {
        func rows(_ name: String) throws -> [[String]] {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
        let samples = try rows("data_clinical_sample.txt")
        let s = samples[0].firstIndex(of: "SAMPLE_ID")!, p = samples[0].firstIndex(of: "PATIENT_ID")!
        let patientOf = Dictionary(uniqueKeysWithValues: samples.dropFirst().map { ($0[s], $0[p]) })
        let cna = try rows("data_CNA.txt")
        var out: [String: Set<String>] = [:]
        for row in cna.dropFirst() {
            for (i, v) in row.enumerated() where i >= 2 && (v == "2" || v == "-2") {
                out["\(row[0]) \(v)", default: []].insert(patientOf[cna[0][i]]!)
            }
        }
        return out
    }

    static func keys(_ patients: some Sequence<String>) -> Set<String> {
        Set(patients.map { Fixture.pseudonymizer.patientKey(study: studyID, patient: $0).rawValue })
    }

    static func importStudy(_ store: Warehouse, dir: URL = study) async throws -> (ImportOutcome, [String]) {
        let importer = CBioPortalImporter(pseudonymizer: Fixture.pseudonymizer, mafBatchSize: 7)   // several CNA batches
        let (d, source) = try importer.prepare(study: try CBioPortalStudy(directory: dir.path))
        let outcome = try await store.importDataset(d, from: source, progress: nil, logger: TestStore.logger)
        return (outcome, source.importNotes)
    }

    /// The patients (as pseudonymous keys) of a biomarker cohort, and the cohort's size.
    static func cohort(_ store: Warehouse, _ types: [String], _ b: BiomarkerCriterion) async throws -> (size: Int, keys: Set<String>) {
        let t = try await store.lineOutcomes(LineOutcomeQuery(cohort: CohortCriteria(tumourTypes: types), biomarkers: [b]),
                                             logger: TestStore.logger)
        let ids = Array(Set(t.personIDs)).sorted()
        let keys = ids.isEmpty ? PersonKeys() : try await store.personKeys(cohort: CohortCriteria(personIDs: ids), logger: TestStore.logger)
        return (t.cohortSize, Set(keys.keys))
    }

    @Test("rows and notes give the files' counts; re-import changes nothing", arguments: StoreKind.allCases)
    func importCounts(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        defer { Task { try? await t.finish() } }
        let calls = try Self.copyNumberCalls()
        let amplifications = calls.filter { $0.key.hasSuffix(" 2") }.values.reduce(0) { $0 + $1.count }
        let deletions = calls.filter { $0.key.hasSuffix(" -2") }.values.reduce(0) { $0 + $1.count }
        #expect(amplifications == 30 && deletions == 2)   // the fixture's design: ERBB2 in B01-B30, CDKN2A in B05 and B31
        let (outcome, notes) = try await Self.importStudy(t.store)
        #expect(outcome.action == .imported)
        let stats = try await t.store.stats(logger: TestStore.logger)
        #expect(stats.patients == 60 && stats.samples == 60)
        // 12 EML4::ALK + KIF5B::RET + CD74::ROS1 fusions and the 8 MAF rows; every gene-level row is an onco_somatic_variant row.
        #expect(stats.mutations == amplifications + deletions + 14 + 8)
        #expect(notes == [
            "copy number (data_CNA.txt): 30 amplifications (2) and 2 deep deletions (-2) over 5 genes x 60 samples; "
                + "\(5 * 60 - 32 - Self.missingCells()) values -1.5/-1/0/1 and \(Self.missingCells()) missing values not calls",
            "fusions (data_sv.txt): 14 from 18 rows (site 1 = 5', site 2 = 3'); 12 in frame, 1 frameshift, 1 frame unknown "
                + "(Site2_Effect_On_Frame, else Event_Info); "
                + "set aside: 1 germline, 1 intragenic (both sites in one gene), 1 repeats of a sample's fusion, "
                + "1 with one partner missing (intergenic or unannotated)",
            "gene panels (data_gene_panel_matrix.txt): 9 samples named; TMB over the panel's coding_megabases for 7; "
                + "1 whole exome/genome; 1 NA (not profiled); samples not computed over a panel keep TMB_NONSYNONYMOUS as given",
        ])
        let again = try await Self.importStudy(t.store)
        #expect(again.0.action == .unchanged && again.0.rowsWritten == 0)
        try await t.finish()
    }

    static func missingCells() -> Int {
        let text = (try? String(contentsOf: study.appendingPathComponent("data_CNA.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().flatMap { $0.split(separator: "\t", omittingEmptySubsequences: false).dropFirst(2) }
            .filter { $0 == "NA" || $0.isEmpty }.count
    }

    @Test("biomarker cohorts by amplification, deletion, fusion pair and any fusion of a gene", arguments: StoreKind.allCases)
    func biomarkerCohorts(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        defer { Task { try? await t.finish() } }
        _ = try await Self.importStudy(t.store)
        let calls = try Self.copyNumberCalls()
        let erbb2 = try await Self.cohort(t.store, ["BRCA", "IDC"], .alteration(gene: "ERBB2", kind: "amplification", partner: nil))
        #expect(erbb2.size == 30 && erbb2.keys == Self.keys(calls["ERBB2 2"]!))
        #expect(erbb2.keys == Self.keys((1...30).map { String(format: "B%02d", $0) }))
        let cdkn2a = try await Self.cohort(t.store, ["BRCA", "IDC"], .alteration(gene: "CDKN2A", kind: "deletion", partner: nil))
        #expect(cdkn2a.size == 2 && cdkn2a.keys == Self.keys(["B05", "B31"]))
        // No amplification is called a deletion or the other way round.
        let none = try await Self.cohort(t.store, ["BRCA", "IDC"], .alteration(gene: "ERBB2", kind: "deletion", partner: nil))
        #expect(none.size == 0)
        // EML4::ALK: L01-L12 (L13's germline row is set aside).
        let alk = Self.keys((1...12).map { String(format: "L%02d", $0) })
        let pair = try await Self.cohort(t.store, ["LUAD"], .alteration(gene: "ALK", kind: "fusion", partner: "EML4::ALK"))
        #expect(pair.size == 12 && pair.keys == alk)
        let anyALK = try await Self.cohort(t.store, ["LUAD"], .alteration(gene: "ALK", kind: "fusion", partner: nil))
        #expect(anyALK.size == 12 && anyALK.keys == alk)
        let ret = try await Self.cohort(t.store, ["LUAD"], .alteration(gene: "RET", kind: "fusion", partner: "KIF5B::RET"))
        #expect(ret.keys == Self.keys(["L16"]))
        let ros1 = try await Self.cohort(t.store, ["LUAD"], .alteration(gene: "ROS1", kind: "fusion", partner: nil))
        #expect(ros1.keys == Self.keys(["L17"]))   // SV_Status empty: read as somatic
        // By the 5′ partner (a fusion row's gene is its 3′ partner).
        let eml4 = try await Self.cohort(t.store, ["LUAD"], .fusionFivePrime(gene: "EML4"))
        #expect(eml4.size == 12 && eml4.keys == alk)
        #expect(try await Self.cohort(t.store, ["LUAD"], .fusionFivePrime(gene: "KIF5B")).keys == Self.keys(["L16"]))
        #expect(try await Self.cohort(t.store, ["LUAD"], .fusionFivePrime(gene: "ALK")).size == 0)
        #expect(try await Self.cohort(t.store, ["LUAD"], .fusionFivePrime(gene: "EML")).size == 0)   // a prefix of a gene is not the gene
        // A cohort criterion on the gene (CohortCriteria.alteredGenes) counts the gene-level rows too.
        let altered = try await t.store.selectCohort(CohortCriteria(alteredGenes: ["ERBB2"]), logger: TestStore.logger)
        #expect(altered.count == 30)
        try await t.finish()
    }

    @Test("similarity profiles of warehouse patients carry their amplifications and fusions", arguments: StoreKind.allCases)
    func similarityProfiles(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        defer { Task { try? await t.finish() } }
        _ = try await Self.importStudy(t.store)
        let b01 = Fixture.pseudonymizer.patientKey(study: Self.studyID, patient: "B01").rawValue
        let l01 = Fixture.pseudonymizer.patientKey(study: Self.studyID, patient: "L01").rawValue
        let b40 = Fixture.pseudonymizer.patientKey(study: Self.studyID, patient: "B40").rawValue
        for packed in [false, true] {
            let p = packed ? try await t.store.similarityProfiles(cohort: .all, options: ProfileOptions(), logger: TestStore.logger)
                           : try await t.store.profiles(cohort: .all, options: ProfileOptions(), logger: TestStore.logger)
            func alterations(_ key: String) -> [String] {
                guard let i = p.keys.firstIndex(of: key) else { return ["missing"] }
                return (p.alterationStart[i]..<p.alterationStart[i + 1]).map { "\(p.genes[$0]) \(p.classes[$0]) \(p.hgvsp[$0] ?? "-")" }
            }
            #expect(alterations(b01) == ["ERBB2 amplification -"], "packed \(packed)")
            #expect(alterations(l01) == ["ALK fusion EML4::ALK"], "packed \(packed)")
            #expect(alterations(b40).isEmpty, "packed \(packed)")
        }
        try await t.finish()
    }

    /// A copy of the fixture with one file rewritten.
    static func broken(_ file: String, _ edit: (String) -> String) throws -> URL {
        let dir = try makeTemporaryDirectory("onco-wh-cna")
        for f in try FileManager.default.contentsOfDirectory(atPath: study.path) {
            try FileManager.default.copyItem(at: study.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let url = dir.appendingPathComponent(file)
        try edit(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
        return dir
    }

    @Test("a value that is not a discrete copy number names file, line, column and value; nothing is written",
          arguments: StoreKind.allCases)
    func badCopyNumberValue(kind: StoreKind) async throws {
        guard let t = try await TestStore.make(kind) else { return }
        defer { Task { try? await t.finish() } }
        // Line 4 (the third gene row, EGFR), the 5th sample column (file column 7) → 3.
        let dir = try Self.broken("data_CNA.txt") { text in
            var lines = text.components(separatedBy: "\n")
            var cells = lines[3].components(separatedBy: "\t")
            cells[6] = "3"
            lines[3] = cells.joined(separator: "\t")
            return lines.joined(separator: "\n")
        }
        do {
            _ = try await Self.importStudy(t.store, dir: dir)
            Issue.record("the import should have failed")
        } catch let e as ImportError {
            #expect(e.file == "data_CNA.txt" && e.line == 4 && e.field == "column 7", "\(e)")
            #expect(e.problem == "value '3' is not a discrete copy-number value (-2, -1.5, -1, 0, 1, 2 or NA)", "\(e)")
            #expect(!e.description.contains("SYN-"))   // no sample id in the message
        }
        let stats = try await t.store.stats(logger: TestStore.logger)
        #expect(stats.patients == 0 && stats.mutations == 0 && stats.datasets.isEmpty)
        try await t.finish()
    }

    @Test("an unknown sample column and an unknown SV_Status are errors naming file, line and field")
    func badFiles() async throws {
        let store = try await Warehouse.openSQLite(path: nil)
        let unknownSample = try Self.broken("data_CNA.txt") { $0.replacingOccurrences(of: "SYN-B02-T1", with: "SYN-X99-T1") }
        do {
            _ = try await Self.importStudy(store, dir: unknownSample)
            Issue.record("the import should have failed")
        } catch let e as ImportError {
            #expect(e.file == "data_CNA.txt" && e.line == 1 && e.field == "column 4", "\(e)")
            #expect(e.problem == "names a sample that is not in the clinical sample file")
        }
        let status = try Self.broken("data_sv.txt") { $0.replacingOccurrences(of: "GERMLINE", with: "CLONAL") }
        do {
            _ = try await Self.importStudy(store, dir: status)
            Issue.record("the import should have failed")
        } catch let e as ImportError {
            #expect(e.file == "data_sv.txt" && e.line == 15 && e.field == "SV_Status", "\(e)")
            #expect(e.problem == "value 'CLONAL' is not SOMATIC or GERMLINE")
        }
        #expect(try await store.stats(logger: TestStore.logger).patients == 0)
        try await store.close()
    }
}
