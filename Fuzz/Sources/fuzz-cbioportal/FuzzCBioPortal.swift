import FuzzSupport
import Warehouse

/// cBioPortal import, up to the rows it would write (no database): `prepare` then every batch.
///
/// Two input forms, as `onco warehouse import` accepts:
/// - no `=== NAME` line: the single clinical TSV of cBioPortal's web download (`prepare(clinicalTSV:)`);
/// - `=== NAME` sections: a study folder with `meta_study.txt` (a default one when absent),
///   `data_clinical_patient.txt`, `data_clinical_sample.txt`, `data_mutations.txt` and
///   `data_timeline_treatment.txt` (`prepare(study:)`). The other `meta_*.txt` files are left out:
///   their `data_filename` would let an input name any file on the machine.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    let sections = FuzzInput.sections(bytes, allowed: CBioPortalFuzz.files)
    let importer = CBioPortalImporter(pseudonymizer: CBioPortalFuzz.pseudonymizer, mafBatchSize: 7)
    let source: any WarehouseBatchSource
    if sections.count == 1 && sections[0].name.isEmpty {
        source = try importer.prepare(clinicalTSV: FuzzInput.write(bytes, to: "clinical.tsv")).1
    } else {
        let dir = FuzzInput.folder("study")
        var named = Set<String>()
        for s in sections where !s.name.isEmpty {
            _ = FuzzInput.write(s.bytes, to: "study/" + s.name)
            named.insert(s.name)
        }
        if !named.contains("meta_study.txt") {
            _ = FuzzInput.write(Array("cancer_study_identifier: fuzz\nreference_genome: hg19\n".utf8), to: "study/meta_study.txt")
        }
        source = try importer.prepare(study: CBioPortalStudy(directory: dir)).1
    }
    var rows = 0
    while let batch = try source.nextBatch() { rows += batch.rowCount }
    FuzzInput.keep(rows)
}

enum CBioPortalFuzz {
    static let files: Set<String> = ["meta_study.txt", "data_clinical_patient.txt", "data_clinical_sample.txt",
                                     "data_mutations.txt", "data_timeline_treatment.txt"]
    static let pseudonymizer = try! Pseudonymizer(key: "onco-fuzz-pseudonym-key-0001")
}
