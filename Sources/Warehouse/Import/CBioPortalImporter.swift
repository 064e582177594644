import Crypto
import Foundation
import Genomics
import OncoCore
import Vocabulary

/// A cBioPortal study folder (`docs/File-Formats.md` of cBioPortal): `meta_study.txt` plus the data
/// files onco reads — clinical patient and sample files, the MAF (`data_mutations*.txt`, gzip
/// allowed), the treatment timeline (`data_timeline_treatment.txt`) and the specimen timeline
/// (`data_timeline_specimen.txt`), the discrete copy-number matrix (`data_CNA.txt`) and the structural
/// variants (`data_sv.txt`; see `CBioPortalImporter+Alterations`).
public struct CBioPortalStudy: Sendable {
    public var directory: URL
    /// `cancer_study_identifier`.
    public var studyID: String
    public var referenceGenome: GenomeBuild
    public var patientFile: URL?
    public var sampleFile: URL?
    public var mutationFiles: [URL]
    public var treatmentTimelineFile: URL?
    /// `data_timeline_specimen.txt`: when samples were collected (`EVENT_TYPE=SPECIMEN`, `SAMPLE_ID`).
    public var specimenTimelineFile: URL?
    /// `data_CNA.txt`: discrete (GISTIC-style) gene-level copy number, wide or long format.
    public var copyNumberFile: URL?
    /// `data_sv.txt`: structural variants (fusions).
    public var structuralVariantFile: URL?
    /// `data_gene_panel_matrix.txt`: the gene panel of each sample per genetic profile.
    public var genePanelMatrixFile: URL?
    /// `data_gene_panel_*.txt` and `gene_panels/*.txt`: the panels (`CBioPortalImporter+Panels`).
    public var genePanelFiles: [URL] = []
    /// The `stable_id` of every genetic profile of the study (from its `meta_*.txt` files).
    public var profileIDs: Set<String> = []
    /// The `stable_id` of the mutation profile (`MUTATION_EXTENDED`), when a meta file names one.
    public var mutationProfileID: String?

    /// Finds the files of the study in `directory`.
    /// - Throws: `ImportError` when `meta_study.txt` or the patient file is missing.
    public init(directory path: String) throws {
        directory = URL(fileURLWithPath: path)
        let fm = FileManager.default
        let metaURL = directory.appendingPathComponent("meta_study.txt")
        guard fm.fileExists(atPath: metaURL.path) else {
            throw ImportError(file: "meta_study.txt", line: 0, field: nil, problem: "not found in the study folder")
        }
        let meta = try Self.readMeta(metaURL)
        guard let id = meta["cancer_study_identifier"], !id.isEmpty else {
            throw ImportError(file: "meta_study.txt", line: 0, field: "cancer_study_identifier", problem: "is missing")
        }
        studyID = id
        referenceGenome = meta["reference_genome"].map { GenomeBuild(parsing: $0) } ?? .grch37
        if referenceGenome == .unknown { referenceGenome = .grch37 }   // cBioPortal's default is hg19
        let files = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        // Data file names: from the meta files when they name them, else the conventional names.
        var named: [String: String] = [:]
        for f in files where f.hasPrefix("meta_") && f.hasSuffix(".txt") && f != "meta_study.txt" {
            if let m = try? Self.readMeta(directory.appendingPathComponent(f)), let data = m["data_filename"] {
                named[(m["datatype"] ?? "") + "|" + (m["genetic_alteration_type"] ?? "")] = data
            }
        }
        let dir = directory
        func existing(_ name: String?) -> URL? {
            guard let name else { return nil }
            for candidate in [name, name + ".gz"] where fm.fileExists(atPath: dir.appendingPathComponent(candidate).path) {
                return dir.appendingPathComponent(candidate)
            }
            return nil
        }
        patientFile = existing(named["PATIENT_ATTRIBUTES|CLINICAL"]) ?? existing("data_clinical_patient.txt")
        sampleFile = existing(named["SAMPLE_ATTRIBUTES|CLINICAL"]) ?? existing("data_clinical_sample.txt")
        if let m = existing(named["MAF|MUTATION_EXTENDED"]) {
            mutationFiles = [m]
        } else {
            mutationFiles = files.filter { $0.hasPrefix("data_mutations") && ($0.hasSuffix(".txt") || $0.hasSuffix(".txt.gz")) }
                .map { dir.appendingPathComponent($0) }
        }
        treatmentTimelineFile = existing("data_timeline_treatment.txt")
        specimenTimelineFile = existing("data_timeline_specimen.txt")
        copyNumberFile = existing(named["DISCRETE|COPY_NUMBER_ALTERATION"]) ?? existing(named["DISCRETE_LONG|COPY_NUMBER_ALTERATION"])
            ?? existing("data_CNA.txt") ?? existing("data_cna.txt")
        structuralVariantFile = existing(named["SV|STRUCTURAL_VARIANT"]) ?? existing("data_sv.txt") ?? existing("data_SV.txt")
        genePanelMatrixFile = existing("data_gene_panel_matrix.txt")
        genePanelFiles = Self.genePanelFiles(in: directory, files: files)
        profileIDs = Self.profileIDs(in: directory, files: files)
        mutationProfileID = Self.mutationProfileID(in: directory, files: files)
        guard patientFile != nil || sampleFile != nil else {
            throw ImportError(file: "data_clinical_patient.txt", line: 0, field: nil, problem: "not found in the study folder")
        }
    }

    static func readMeta(_ url: URL) throws -> [String: String] {
        guard let text = InputFile.text(path: url.path) else {
            throw ImportError(file: url.lastPathComponent, line: 0, field: nil, problem: "cannot be read as UTF-8 text")
        }
        var d: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            d[line[..<colon].trimmingCharacters(in: .whitespaces)] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return d
    }

    /// Every file the import reads, in a fixed order.
    public var files: [URL] {
        [directory.appendingPathComponent("meta_study.txt"), patientFile, sampleFile].compactMap { $0 } + mutationFiles
            + [treatmentTimelineFile, specimenTimelineFile, copyNumberFile, structuralVariantFile, genePanelMatrixFile].compactMap { $0 }
            + (genePanelMatrixFile == nil ? [] : genePanelFiles)
    }
}

/// Imports cBioPortal studies (and the single clinical TSV that cBioPortal's web "Download" gives)
/// into OMOP rows, pseudonymised.
///
/// Mapping (one patient):
/// - `person`: `person_source_value` = keyed hash of the patient id; sex from `SEX`/`GENDER`; race;
///   `year_of_birth` = diagnosis year − `AGE` (0 when the age is unknown; profiles then have no age).
/// - Anchor (diagnosis) date: 1 January of `INITIAL_PATHOLOGIC_DX_YEAR` (or `YEAR_OF_DIAGNOSIS`; 2000 when
///   absent) plus a keyed-hash shift of 0–364 days. Every relative day of the study (timeline
///   START/STOP, survival months) becomes a date from this anchor; months → days = round(months × 30.4375).
/// - `condition_occurrence` at the anchor with the OncoTree code of the patient's first sample (file
///   order), else the patient's `ONCOTREE_CODE`.
/// - `observation_period` anchor → anchor + OS time, and `death` at that date when `OS_STATUS` is
///   deceased (`1:DECEASED`, `DECEASED`, `Dead`). Patients whose OS is `NA` get no observation period,
///   so they take part in no outcome (they are still counted and profiled).
/// - `episode` "disease progression" at anchor + PFS time when `PFS_STATUS` is an event (`1:...`).
/// - `measurement` stage (first present of `STAGE`, `AJCC_PATHOLOGIC_TUMOR_STAGE`, `PATHOLOGIC_STAGE`,
///   `CLINICAL_STAGE`, `TUMOR_STAGE`): raw text, ordinal 0–4 when it normalises.
/// - Numbers are read under `OncoCore.ExactNumber`'s rules (finite decimals; whole numbers also from
///   exact scientific notation, counted in `importNotes`): `AGE` 0–150 years (the fraction is dropped),
///   `*_MONTHS` 0–1800, the diagnosis year 1800–2200, `TMB_NONSYNONYMOUS` finite and ≥ 0, timeline
///   `START_DATE`/`STOP_DATE` whole days within ±150 years. A value that is present (not a missing
///   marker such as `NA` or `[Not Available]`) but not such a number is an `ImportError` naming file,
///   line, field and value; the import then writes nothing.
/// - Every other patient/sample column → `onco_clinical_attribute`, except identifier columns (`*_ID`,
///   `*BARCODE*`) and any value containing the patient's or sample's source id.
/// - Sample → `specimen` (`specimen_source_id` = keyed hash), TMB (`TMB_NONSYNONYMOUS`) → `measurement`;
///   when it was collected and sequenced (`DAYS_TO_COLLECTION`, `DAYS_TO_SEQUENCING`, the specimen
///   timeline) → `onco_specimen_timing`, `unknown` when nothing says (see `CBioPortalImporter+Specimens`).
/// - MAF rows → `onco_somatic_variant` (all rows, as delivered; filter at query time).
/// - `data_CNA.txt` amplifications (2) and deep deletions (−2), `data_sv.txt` fusions → gene-level rows of
///   `onco_somatic_variant` (`alteration` set; see `CBioPortalImporter+Alterations`).
/// - Timeline `TREATMENT` rows → one `drug_exposure` per agent, generic lower-case name (`Vocabulary.DrugName.generic`).
///
/// Lines of therapy (cBioPortal/TCGA timelines carry no line number): per patient, the non-ancillary
/// agents (`SUBTYPE` other than `Ancillary`) that start on the same day form one line; lines are
/// numbered by start day (1, 2, …). A line's end is the latest STOP of its agents. Ancillary agents are
/// stored as drug exposures but belong to no line.
public struct CBioPortalImporter: Sendable {
    /// Changes whenever the mapping changes, so re-imports after an upgrade are not taken as unchanged.
    public static let mappingVersion = "cbioportal-import-v4"   // v2: specimen timing (schema 11); v3: data_CNA.txt, data_sv.txt; v4: gene panels, fusion frame (schema 13)
    public var pseudonymizer: Pseudonymizer
    /// MAF rows per batch.
    public var mafBatchSize: Int

    public init(pseudonymizer: Pseudonymizer, mafBatchSize: Int = 100_000) {
        self.pseudonymizer = pseudonymizer
        self.mafBatchSize = mafBatchSize
    }

    /// The descriptor (with the content hash of every file read) and the row source of a study.
    public func prepare(study: CBioPortalStudy) throws -> (DatasetDescriptor, any WarehouseBatchSource) {
        let hash = try Self.contentHash(study.files, extra: [Self.mappingVersion, pseudonymizer.fingerprint])
        let d = DatasetDescriptor(name: study.studyID, sourceKind: "cbioportal", contentSHA256: hash, synthetic: false,
                                  pseudonymKeyFingerprint: pseudonymizer.fingerprint)
        return (d, CBioPortalSource(study: study, importer: self))
    }

    /// The same for the single clinical TSV of cBioPortal's web download (patients and samples in one
    /// table, display names as headers). The dataset is named after its `Study ID` column, else the file.
    public func prepare(clinicalTSV path: String) throws -> (DatasetDescriptor, any WarehouseBatchSource) {
        let table = try ClinicalTable(path: path)
        let normalised = Self.normaliseWebHeader(table)
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if let i = table.column(anyOf: ["Study ID", "STUDY_ID"]), let first = normalised.rows.first, let v = Missing.value(first[i]) {
            name = v
        }
        let hash = try Self.contentHash([URL(fileURLWithPath: path)], extra: [Self.mappingVersion, pseudonymizer.fingerprint, "web-tsv"])
        let d = DatasetDescriptor(name: name, sourceKind: "cbioportal-clinical-tsv", contentSHA256: hash, synthetic: false,
                                  pseudonymKeyFingerprint: pseudonymizer.fingerprint)
        let source = CBioPortalSource(webTable: normalised, studyID: name, importer: self)
        return (d, source)
    }

    /// SHA-256 over the files' names and bytes plus `extra` strings.
    public static func contentHash(_ files: [URL], extra: [String]) throws -> String {
        var h = SHA256()
        for e in extra { h.update(data: Data(e.utf8)); h.update(data: [0]) }
        for f in files {
            h.update(data: Data(f.lastPathComponent.utf8)); h.update(data: [0])
            guard let fh = FileHandle(forReadingAtPath: f.path) else {
                throw ImportError(file: f.lastPathComponent, line: 0, field: nil, problem: "cannot be opened")
            }
            defer { try? fh.close() }
            while let chunk = try fh.read(upToCount: 1 << 20), !chunk.isEmpty { h.update(data: chunk) }
        }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Display-name headers of the web download → attribute ids.
    static let webHeaders: [String: String] = [
        "Study ID": "STUDY_ID", "Patient ID": "PATIENT_ID", "Sample ID": "SAMPLE_ID", "Diagnosis Age": "AGE", "Sex": "SEX",
        "Overall Survival (Months)": "OS_MONTHS", "Overall Survival Status": "OS_STATUS",
        "Progress Free Survival (Months)": "PFS_MONTHS", "Progression Free Status": "PFS_STATUS",
        "Disease Free (Months)": "DFS_MONTHS", "Disease Free Status": "DFS_STATUS",
        "Disease-specific Survival (Months)": "DSS_MONTHS", "Disease-specific Survival Status": "DSS_STATUS",
        "Oncotree Code": "ONCOTREE_CODE", "Cancer Type": "CANCER_TYPE", "Cancer Type Detailed": "CANCER_TYPE_DETAILED",
        "TMB (nonsynonymous)": "TMB_NONSYNONYMOUS", "Sample Type": "SAMPLE_TYPE", "Race Category": "RACE",
        "Neoplasm Disease Stage American Joint Committee on Cancer Code": "AJCC_PATHOLOGIC_TUMOR_STAGE",
        "Mutation Count": "MUTATION_COUNT", "Fraction Genome Altered": "FRACTION_GENOME_ALTERED",
    ]

    static func normaliseWebHeader(_ t: ClinicalTable) -> ClinicalTable {
        var out = t
        out.columns = t.columns.map { c in
            if let id = webHeaders[c] { return id }
            let up = c.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            return String(up).split(separator: "_").joined(separator: "_")
        }
        return out
    }
}

/// Streams one study: the clinical batch first (patients, samples, outcomes, timeline), then MAF batches.
final class CBioPortalSource: WarehouseBatchSource {
    let importer: CBioPortalImporter
    let studyID: String
    let study: CBioPortalStudy?
    let webTable: ClinicalTable?
    var clinicalDone = false
    var sampleIndex: [String: (specimen: Int64, person: Int64)] = [:]
    var mafQueue: [URL] = []
    var maf: MAFReader?
    var variantCount = 0
    /// Whole numbers accepted from scientific or decimal notation (clinical files and finished MAFs).
    var scientificIntegers = 0
    /// `data_CNA.txt` and `data_sv.txt`, read after the MAFs (`CBioPortalImporter+Alterations`).
    var alterations = AlterationImport()
    /// Gene panels and panel TMB (`CBioPortalImporter+Panels`).
    var panels = PanelImport()
    /// The last measurement id used (the clinical batch's), continued by the panel TMB batch.
    var nextMeasurementID: Int64 = 0

    init(study: CBioPortalStudy, importer: CBioPortalImporter) {
        self.study = study; self.importer = importer; self.studyID = study.studyID; self.webTable = nil
        mafQueue = study.mutationFiles
    }
    init(webTable: ClinicalTable, studyID: String, importer: CBioPortalImporter) {
        self.study = nil; self.importer = importer; self.studyID = studyID; self.webTable = webTable
    }

    func nextBatch() throws -> WarehouseBatch? {
        if !clinicalDone {
            clinicalDone = true
            return try clinicalBatch()
        }
        while true {
            if maf == nil {
                guard !mafQueue.isEmpty else { return try alterationBatch() }
                maf = try MAFReader(path: mafQueue.removeFirst().path, defaultBuild: study?.referenceGenome ?? .grch37)
                maf!.importFieldsOnly = true
            }
            var b = WarehouseBatch()
            b.variants.reserveCapacity(importer.mafBatchSize)
            while b.variants.count < importer.mafBatchSize, let r = try maf!.next() {
                guard let target = sampleIndex[r.tumourSampleBarcode] else {
                    throw ImportError(file: maf!.fileName, line: r.line, field: "Tumor_Sample_Barcode",
                                      problem: "names a sample that is not in the clinical sample file")
                }
                let row = Self.variantRow(r, person: target.person, specimen: target.specimen)
                panels.count(row)
                b.variants.append(row)
            }
            if b.variants.isEmpty { scientificIntegers += maf!.scientificIntegers; maf = nil; continue }
            variantCount += b.variants.count
            return b
        }
    }

    static func variantRow(_ r: MAFRecord, person: Int64, specimen: Int64) -> VariantRow {
        let v = r.variant
        let csq = v.annotation?.consequence
        return VariantRow(person: person, specimen: specimen, key: v.key, gene: v.annotation?.symbol,
                          hgvsp: v.annotation?.hgvspShort, consequence: csq,
                          consequenceClass: csq.map { Consequence.classify($0).rawValue },
                          vaf: v.support?.vaf, depth: v.support?.depth,
                          filter: v.filters.isEmpty ? nil : v.filters.joined(separator: ","))
    }
}
