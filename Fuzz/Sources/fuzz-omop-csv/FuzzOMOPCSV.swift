import FuzzSupport
import Warehouse

/// OMOP CSV import, up to the rows it would write (no database): `prepare(directory:)` then every
/// batch. The input is a folder in `=== NAME` sections, one per table file (`=== person.csv`, …);
/// names other than the tables the importer reads are dropped.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    let dir = FuzzInput.folder("omop")
    for s in FuzzInput.sections(bytes, allowed: OMOPFuzz.files) where !s.name.isEmpty {
        _ = FuzzInput.write(s.bytes, to: "omop/" + s.name)
    }
    let (_, source) = try OMOPCSVImporter(pseudonymizer: OMOPFuzz.pseudonymizer).prepare(directory: dir, name: "fuzz")
    var rows = 0
    while let batch = try source.nextBatch() { rows += batch.rowCount }
    FuzzInput.keep(rows)
}

enum OMOPFuzz {
    /// `OMOPCSVImporter.tables`, as file names.
    static let files: Set<String> = Set(["person", "observation_period", "condition_occurrence", "drug_exposure", "death",
                                         "measurement", "specimen", "episode", "episode_event", "onco_somatic_variant",
                                         "onco_clinical_attribute"].map { $0 + ".csv" })
    static let pseudonymizer = try! Pseudonymizer(key: "onco-fuzz-pseudonym-key-0001")
}
