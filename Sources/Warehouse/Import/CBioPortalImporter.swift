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
            + [treatmentTimelineFile, specimenTimelineFile, copyNumberFile, structuralVariantFile].compactMap { $0 }
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
    public static let mappingVersion = "cbioportal-import-v3"   // v2: specimen timing (schema 11); v3: data_CNA.txt, data_sv.txt
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
            }
            var b = WarehouseBatch()
            b.variants.reserveCapacity(importer.mafBatchSize)
            while b.variants.count < importer.mafBatchSize, let r = try maf!.next() {
                guard let target = sampleIndex[r.tumorSampleBarcode] else {
                    throw ImportError(file: maf!.fileName, line: r.line, field: "Tumor_Sample_Barcode",
                                      problem: "names a sample that is not in the clinical sample file")
                }
                b.variants.append(Self.variantRow(r, person: target.person, specimen: target.specimen))
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

    // MARK: clinical

    struct Patient {
        var local: Int64
        var sourceID: String
        var anchor: Day
        var firstTumourType: String?
    }

    static let stageColumns = ["STAGE", "AJCC_PATHOLOGIC_TUMOR_STAGE", "PATHOLOGIC_STAGE", "CLINICAL_STAGE", "TUMOR_STAGE"]
    static let skipPatientAttributes: Set<String> = ["PATIENT_ID", "SAMPLE_ID", "STUDY_ID"]

    static func isIdentifierColumn(_ c: String) -> Bool {
        let u = c.uppercased()
        return u.hasSuffix("_ID") || u.contains("BARCODE") || u == "PATIENT" || u == "SAMPLE" || u.hasSuffix("_UUID")
    }

    /// Months (0–1800, `NumberField.months`) → whole days, round(months × 30.4375).
    static func days(months: String, field: String) throws(NumberParseError) -> Int {
        let m = try NumberField.double(months, field: field, in: NumberField.months)
        return Int((m * 30.4375).rounded())
    }

    /// A whole number under `NumberField`'s rules; counts values accepted from scientific notation.
    func integer(_ text: String, field: String, in range: ClosedRange<Int>, file: String, line: Int) throws -> Int {
        do {
            let r = try NumberField.integer(text, field: field, in: range)
            if r.notation == .scientific { scientificIntegers += 1 }
            return r.value
        } catch {
            throw ImportError(file: file, line: line, number: error)
        }
    }

    var importNotes: [String] {
        let n = scientificIntegers + (maf?.scientificIntegers ?? 0)
        let numbers = n == 0 ? [] : ["\(n) whole number\(n == 1 ? "" : "s") written in scientific or decimal notation (such as 4.7e+07) accepted at \(n == 1 ? "its" : "their") exact value"]
        return numbers + alterations.notes
    }

    /// `1:DECEASED` → true, `0:LIVING` → false; also bare words.
    static func isEvent(_ status: String) -> Bool? {
        let s = status.trimmingCharacters(in: .whitespaces)
        if let colon = s.firstIndex(of: ":"), let n = Int(s[..<colon]) { return n != 0 }
        switch s.uppercased() {
        case "DECEASED", "DEAD", "1", "PROGRESSED", "RECURRED", "RECURRED/PROGRESSED", "YES": return true
        case "LIVING", "ALIVE", "0", "CENSORFREE", "DISEASEFREE", "NO": return false
        default: return nil
        }
    }

    func clinicalBatch() throws -> WarehouseBatch {
        var b = WarehouseBatch()
        let p = importer.pseudonymizer
        let patientsTable: ClinicalTable?
        let samplesTable: ClinicalTable?
        if let webTable {
            patientsTable = webTable
            samplesTable = webTable
        } else {
            patientsTable = try study!.patientFile.map { try ClinicalTable(path: $0.path) }
            samplesTable = try study!.sampleFile.map { try ClinicalTable(path: $0.path) }
        }
        var patients: [String: Patient] = [:]
        var order: [String] = []
        var measurementID: Int64 = 0, episodeID: Int64 = 0, opID: Int64 = 0

        // Sample file first pass: tumour type of each patient's first sample.
        var firstType: [String: String] = [:]
        if let st = samplesTable, let pc = st.column("PATIENT_ID"), let oc = st.column("ONCOTREE_CODE") {
            for row in st.rows { if firstType[row[pc]] == nil, let v = Missing.value(row[oc]) { firstType[row[pc]] = v.uppercased() } }
        }

        if let t = patientsTable {
            guard let pc = t.column("PATIENT_ID") else {
                throw ImportError(file: t.fileName, line: 0, field: "PATIENT_ID", problem: "column is missing")
            }
            let yearC = t.column(anyOf: ["INITIAL_PATHOLOGIC_DX_YEAR", "YEAR_OF_DIAGNOSIS", "DX_YEAR"])
            let ageC = t.column(anyOf: ["AGE", "AGE_AT_DIAGNOSIS", "DIAGNOSIS_AGE"])
            let sexC = t.column(anyOf: ["SEX", "GENDER"])
            let raceC = t.column("RACE")
            let osS = t.column("OS_STATUS"), osM = t.column("OS_MONTHS")
            let pfsS = t.column("PFS_STATUS"), pfsM = t.column("PFS_MONTHS")
            let stageC = Self.stageColumns.compactMap { t.column($0) }
            let oncoC = t.column("ONCOTREE_CODE")
            let sampleLevel: Set<Int> = webTable == nil ? [] : Set(["SAMPLE_ID", "ONCOTREE_CODE", "CANCER_TYPE", "CANCER_TYPE_DETAILED",
                "TMB_NONSYNONYMOUS", "SAMPLE_TYPE", "MUTATION_COUNT", "FRACTION_GENOME_ALTERED"].compactMap { t.column($0) })
            for (r, row) in t.rows.enumerated() {
                let line = t.lineNumbers[r]
                guard let pid = Missing.value(row[pc]) else {
                    throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "is empty")
                }
                if patients[pid] != nil {
                    if webTable != nil { continue }   // one row per sample in the web table
                    throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "repeats an earlier patient")
                }
                let local = Int64(patients.count + 1)
                var year = 2000   // documented default when the diagnosis year is absent
                if let yearC, let v = Missing.value(row[yearC]) {
                    year = try integer(v, field: t.columns[yearC], in: NumberField.year, file: t.fileName, line: line)
                }
                let anchor = Day(year: year, month: 1, day: 1) + p.dateShift(study: studyID, patient: pid, range: 365)
                var age: Int?
                if let ageC, let v = Missing.value(row[ageC]) {
                    do {
                        age = Int(try NumberField.double(v, field: t.columns[ageC], in: NumberField.ageYears).rounded(.down))
                    } catch { throw ImportError(file: t.fileName, line: line, number: error) }
                }
                let sex = sexC.map { Sex(parsing: row[$0]) } ?? .unknown
                b.persons.append(PersonRow(id: local, key: p.patientKey(study: studyID, patient: pid), sex: sex,
                                           yearOfBirth: age.map { anchor.year - $0 } ?? 0,
                                           race: raceC.flatMap { Missing.value(row[$0]) }.map { String($0.prefix(50)) }, synthetic: false))
                let tumour = firstType[pid] ?? oncoC.flatMap { Missing.value(row[$0]) }?.uppercased()
                b.conditions.append(ConditionRow(id: local, person: local, start: anchor, tumourType: tumour))
                // Overall survival.
                if let osS, let osM, let status = Missing.value(row[osS]), let months = Missing.value(row[osM]) {
                    guard let dead = Self.isEvent(status) else {
                        throw ImportError(file: t.fileName, line: line, field: "OS_STATUS", problem: "is not a survival status such as 1:DECEASED or 0:LIVING")
                    }
                    let days: Int
                    do { days = try Self.days(months: months, field: t.columns[osM]) } catch {
                        throw ImportError(file: t.fileName, line: line, number: error)
                    }
                    opID += 1
                    b.observationPeriods.append(ObservationPeriodRow(id: opID, person: local, start: anchor, end: anchor + days))
                    if dead { b.deaths.append(DeathRow(person: local, date: anchor + days)) }
                }
                if let pfsS, let pfsM, let status = Missing.value(row[pfsS]), let months = Missing.value(row[pfsM]) {
                    guard let progressed = Self.isEvent(status) else {
                        throw ImportError(file: t.fileName, line: line, field: "PFS_STATUS", problem: "is not a status such as 1:Progressed or 0:CensorFree")
                    }
                    let days: Int
                    do { days = try Self.days(months: months, field: t.columns[pfsM]) } catch {
                        throw ImportError(file: t.fileName, line: line, number: error)
                    }
                    if progressed {
                        episodeID += 1
                        b.episodes.append(EpisodeRow(id: episodeID, person: local, start: anchor + days, end: nil, number: nil,
                                                     kind: WarehouseSchema.EpisodeKind.progression))
                    }
                }
                if let stage = stageC.lazy.compactMap({ Missing.value(row[$0]) }).first {
                    measurementID += 1
                    b.measurements.append(MeasurementRow(id: measurementID, person: local, date: anchor, kind: WarehouseSchema.MeasurementKind.stage,
                                                         number: OncoCore.Stage.ordinal(stage).map(Double.init), text: String(stage.prefix(50))))
                }
                for (i, name) in t.columns.enumerated() where !sampleLevel.contains(i) {
                    if Self.skipPatientAttributes.contains(name.uppercased()) || Self.isIdentifierColumn(name) { continue }
                    guard let v = Missing.value(row[i]), !v.contains(pid) else { continue }
                    b.attributes.append(AttributeRow(person: local, specimen: nil, attribute: name, value: v, number: ImportNumber.finite(v)))
                }
                patients[pid] = Patient(local: local, sourceID: pid, anchor: anchor, firstTumourType: tumour)
                order.append(pid)
            }
        }

        // Samples.
        if let t = samplesTable {
            guard let sc = t.column("SAMPLE_ID"), let pc = t.column("PATIENT_ID") else {
                throw ImportError(file: t.fileName, line: 0, field: "SAMPLE_ID", problem: "or PATIENT_ID column is missing")
            }
            let typeC = t.column("SAMPLE_TYPE"), oncoC = t.column("ONCOTREE_CODE")
            let tmbC = t.column(anyOf: ["TMB_NONSYNONYMOUS", "TMB"])
            let patientLevel: Set<Int> = webTable == nil ? [] : Set(t.columns.indices.filter { i in
                let c = t.columns[i]
                return !["SAMPLE_ID", "ONCOTREE_CODE", "CANCER_TYPE", "CANCER_TYPE_DETAILED", "TMB_NONSYNONYMOUS", "SAMPLE_TYPE",
                         "MUTATION_COUNT", "FRACTION_GENOME_ALTERED"].contains(c)
            })
            var specimenID: Int64 = 0
            let timelineFile = study?.specimenTimelineFile
            let timeline = try timelineFile.map { try readSpecimenTimeline($0, patients: patients) } ?? [:]
            for (r, row) in t.rows.enumerated() {
                let line = t.lineNumbers[r]
                guard let sid = Missing.value(row[sc]) else {
                    throw ImportError(file: t.fileName, line: line, field: "SAMPLE_ID", problem: "is empty")
                }
                guard let pid = Missing.value(row[pc]), let patient = patients[pid] else {
                    throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "names a patient that is not in the clinical patient file")
                }
                if sampleIndex[sid] != nil {
                    throw ImportError(file: t.fileName, line: line, field: "SAMPLE_ID", problem: "repeats an earlier sample")
                }
                specimenID += 1
                sampleIndex[sid] = (specimenID, patient.local)
                let timing = try specimenTiming(row: row, line: line, table: t, sampleID: sid, anchor: patient.anchor,
                                                timeline: timeline, timelineFile: timelineFile?.lastPathComponent)
                b.specimens.append(SpecimenRow(id: specimenID, person: patient.local, date: timing.collected ?? timing.sequenced ?? patient.anchor,
                                               key: importer.pseudonymizer.sampleKey(study: studyID, sample: sid),
                                               sampleType: typeC.flatMap { Missing.value(row[$0]) }.map { String($0.prefix(50)) },
                                               tumourType: oncoC.flatMap { Missing.value(row[$0]) }?.uppercased(), timing: timing))
                if let tmbC, let v = Missing.value(row[tmbC]) {
                    let x: Double
                    do { x = try NumberField.double(v, field: t.columns[tmbC], in: NumberField.nonNegative) } catch {
                        throw ImportError(file: t.fileName, line: line, number: error)
                    }
                    measurementID += 1
                    b.measurements.append(MeasurementRow(id: measurementID, person: patient.local, date: patient.anchor,
                                                         kind: WarehouseSchema.MeasurementKind.tmb, number: x, unit: "mutations/Mb",
                                                         specimen: specimenID))
                }
                for (i, name) in t.columns.enumerated() where !patientLevel.contains(i) {
                    let u = name.uppercased()
                    if u == "SAMPLE_ID" || u == "PATIENT_ID" || Self.isIdentifierColumn(name) { continue }
                    guard let v = Missing.value(row[i]), !v.contains(pid), !v.contains(sid) else { continue }
                    b.attributes.append(AttributeRow(person: patient.local, specimen: specimenID, attribute: name, value: v, number: ImportNumber.finite(v)))
                }
            }
            if let file = timelineFile,
               let stray = timeline.filter({ sampleIndex[$0.key] == nil }).min(by: { $0.value.line < $1.value.line }) {
                throw ImportError(file: file.lastPathComponent, line: stray.value.line, field: "SAMPLE_ID",
                                  problem: "names a sample that is not in the clinical sample file")
            }
        }

        // Treatment timeline.
        if let url = study?.treatmentTimelineFile {
            try addTimeline(url, patients: patients, batch: &b, episodeID: &episodeID)
        }
        return b
    }

    func addTimeline(_ url: URL, patients: [String: Patient], batch b: inout WarehouseBatch, episodeID: inout Int64) throws {
        let t = try ClinicalTable(path: url.path)
        guard let pc = t.column("PATIENT_ID"), let startC = t.column("START_DATE") else {
            throw ImportError(file: t.fileName, line: 0, field: "PATIENT_ID", problem: "or START_DATE column is missing")
        }
        let stopC = t.column("STOP_DATE"), eventC = t.column("EVENT_TYPE")
        guard let agentC = t.column(anyOf: ["AGENT", "TREATMENT"]) else {
            throw ImportError(file: t.fileName, line: 0, field: "AGENT", problem: "column is missing")
        }
        let subtypeC = t.column("SUBTYPE")
        struct Given { var drug: Int64; var start: Int; var stop: Int?; var ancillary: Bool }
        var given: [Int64: [Given]] = [:]
        var drugID: Int64 = 0
        for (r, row) in t.rows.enumerated() {
            let line = t.lineNumbers[r]
            if let eventC, row[eventC].uppercased() != "TREATMENT" { continue }
            guard let pid = Missing.value(row[pc]), let patient = patients[pid] else {
                throw ImportError(file: t.fileName, line: line, field: "PATIENT_ID", problem: "names a patient that is not in the clinical patient file")
            }
            guard let startText = Missing.value(row[startC]) else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[startC], problem: "is empty")
            }
            let start = try integer(startText, field: t.columns[startC], in: NumberField.relativeDays, file: t.fileName, line: line)
            var stop: Int?
            if let stopC, let v = Missing.value(row[stopC]) {
                let s = try integer(v, field: t.columns[stopC], in: NumberField.relativeDays, file: t.fileName, line: line)
                guard s >= start else {
                    throw ImportError(file: t.fileName, line: line, field: t.columns[stopC], problem: "value '\(s)' is before START_DATE")
                }
                stop = s
            }
            guard let agent = Missing.value(row[agentC]) else {
                throw ImportError(file: t.fileName, line: line, field: t.columns[agentC], problem: "is empty")
            }
            drugID += 1
            let startDay = patient.anchor + start
            b.drugExposures.append(DrugExposureRow(id: drugID, person: patient.local, start: startDay,
                                                   end: patient.anchor + (stop ?? start), verbatimEnd: stop.map { patient.anchor + $0 },
                                                   drug: String(DrugName.generic(agent).prefix(50))))
            let ancillary = subtypeC.map { row[$0].lowercased() == "ancillary" } ?? false
            given[patient.local, default: []].append(Given(drug: drugID, start: start, stop: stop, ancillary: ancillary))
        }
        // Lines: same-start non-ancillary agents, numbered by start day.
        let anchors = Dictionary(uniqueKeysWithValues: patients.values.map { ($0.local, $0.anchor) })
        for person in given.keys.sorted() {
            let rows = given[person]!.filter { !$0.ancillary }
            let starts = Set(rows.map(\.start)).sorted()
            for (n, s) in starts.enumerated() {
                let members = rows.filter { $0.start == s }
                let stops = members.compactMap(\.stop)
                episodeID += 1
                let anchor = anchors[person]!
                b.episodes.append(EpisodeRow(id: episodeID, person: person, start: anchor + s, end: stops.max().map { anchor + $0 },
                                             number: n + 1, kind: WarehouseSchema.EpisodeKind.lineOfTherapy))
                for m in members { b.episodeEvents.append(EpisodeEventRow(episode: episodeID, drugExposure: m.drug)) }
            }
        }
    }
}
