import Foundation
import OncoCore

/// Rows to write, in OMOP terms, with **dataset-local ids**: every id below is 1-based and unique
/// within one dataset (one import) per table; references (`person`, `specimen`, `drugExposure`,
/// `episode`) use the same local ids. The store adds the table's current maximum id when it writes,
/// so a batch never needs to know what the warehouse already holds, and ids come out the same on
/// SQLite and PostgreSQL.
///
/// A dataset may arrive in many batches (the MAF of a large study, chunks of a synthetic cohort); a
/// batch may refer to rows of earlier batches of the same import.
public struct WarehouseBatch: Sendable {
    public var persons: [PersonRow] = []
    public var observationPeriods: [ObservationPeriodRow] = []
    public var conditions: [ConditionRow] = []
    public var drugExposures: [DrugExposureRow] = []
    public var deaths: [DeathRow] = []
    public var measurements: [MeasurementRow] = []
    public var specimens: [SpecimenRow] = []
    public var episodes: [EpisodeRow] = []
    public var episodeEvents: [EpisodeEventRow] = []
    public var variants: [VariantRow] = []
    public var attributes: [AttributeRow] = []
    /// `onco_specimen_panel`: the gene panel each specimen was sequenced with, when the source says.
    public var specimenPanels: [SpecimenPanelRow] = []

    public init() {}

    /// Total number of rows.
    public var rowCount: Int {
        persons.count + observationPeriods.count + conditions.count + drugExposures.count + deaths.count
            + measurements.count + specimens.count + episodes.count + episodeEvents.count + variants.count
            + attributes.count + specimenPanels.count
    }

    /// Appends another batch's rows (ids unchanged).
    public mutating func append(contentsOf b: WarehouseBatch) {
        persons += b.persons; observationPeriods += b.observationPeriods; conditions += b.conditions
        drugExposures += b.drugExposures; deaths += b.deaths; measurements += b.measurements
        specimens += b.specimens; episodes += b.episodes; episodeEvents += b.episodeEvents
        variants += b.variants; attributes += b.attributes; specimenPanels += b.specimenPanels
    }
}

/// `person`: one patient. `key` goes to `person_source_value` (a pseudonym, never a source id).
public struct PersonRow: Sendable, Hashable {
    public var id: Int64
    public var key: PatientKey
    public var sex: Sex
    public var yearOfBirth: Int
    /// `race_source_value` as recorded, if any.
    public var race: String?
    public var synthetic: Bool
    public init(id: Int64, key: PatientKey, sex: Sex, yearOfBirth: Int, race: String? = nil, synthetic: Bool) {
        self.id = id; self.key = key; self.sex = sex; self.yearOfBirth = yearOfBirth; self.race = race
        self.synthetic = synthetic
    }
}

/// `observation_period`: the span in which events of the person are recorded; its end is the
/// censoring date of every outcome.
public struct ObservationPeriodRow: Sendable, Hashable {
    public var id: Int64, person: Int64
    public var start: Day, end: Day
    public init(id: Int64, person: Int64, start: Day, end: Day) {
        self.id = id; self.person = person; self.start = start; self.end = end
    }
}

/// `condition_occurrence`: the cancer diagnosis. `tumourType` (an OncoTree code) goes to
/// `condition_source_value`; its start date is the diagnosis date (index of OS from diagnosis).
public struct ConditionRow: Sendable, Hashable {
    public var id: Int64, person: Int64
    public var start: Day
    public var tumourType: String?
    public init(id: Int64, person: Int64, start: Day, tumourType: String?) {
        self.id = id; self.person = person; self.start = start; self.tumourType = tumourType
    }
}

/// `drug_exposure`: one agent given over a period. `drug` is the lower-case generic name
/// (`drug_source_value`). `end` is the recorded end, or the start when none was recorded
/// (`verbatimEnd` is then nil).
public struct DrugExposureRow: Sendable, Hashable {
    public var id: Int64, person: Int64
    public var start: Day, end: Day
    public var verbatimEnd: Day?
    public var drug: String
    public init(id: Int64, person: Int64, start: Day, end: Day, verbatimEnd: Day?, drug: String) {
        self.id = id; self.person = person; self.start = start; self.end = end; self.verbatimEnd = verbatimEnd
        self.drug = drug
    }
}

/// `death`.
public struct DeathRow: Sendable, Hashable {
    public var person: Int64
    public var date: Day
    public init(person: Int64, date: Day) { self.person = person; self.date = date }
}

/// `measurement`: TMB, stage, MSI (see `WarehouseSchema.MeasurementKind`). `specimen` links a
/// per-specimen value through `measurement_event_id`.
public struct MeasurementRow: Sendable, Hashable {
    public var id: Int64, person: Int64
    public var date: Day
    public var kind: String
    public var number: Double?
    public var text: String?
    public var unit: String?
    public var specimen: Int64?
    public init(id: Int64, person: Int64, date: Day, kind: String, number: Double? = nil, text: String? = nil,
                unit: String? = nil, specimen: Int64? = nil) {
        self.id = id; self.person = person; self.date = date; self.kind = kind; self.number = number
        self.text = text; self.unit = unit; self.specimen = specimen
    }
}

/// `specimen`: a tumour sample. `key` (a pseudonym) goes to `specimen_source_id`, `sampleType` to
/// `specimen_source_value`, `tumourType` (OncoTree code) to `disease_status_source_value` (the
/// disease the specimen shows).
public struct SpecimenRow: Sendable, Hashable {
    public var id: Int64, person: Int64
    public var date: Day
    public var key: SampleKey
    public var sampleType: String?
    public var tumourType: String?
    /// When it was collected and sequenced, as the source recorded it (`onco_specimen_timing`).
    public var timing: SpecimenTiming
    public init(id: Int64, person: Int64, date: Day, key: SampleKey, sampleType: String?, tumourType: String?,
                timing: SpecimenTiming) {
        self.id = id; self.person = person; self.date = date; self.key = key; self.sampleType = sampleType
        self.tumourType = tumourType; self.timing = timing
    }
}

/// When a specimen's biomarkers became known, as its source recorded it. An importer that finds no
/// date says `.unknown`: never "at diagnosis" by default (an emulated target trial must not count a
/// biomarker as known at time zero when it may have been sequenced later: immortal time).
public struct SpecimenTiming: Sendable, Hashable, Codable {
    public var collected: Day?
    public var sequenced: Day?
    /// Where the dates came from: `DAYS_TO_SEQUENCING`, `DAYS_TO_COLLECTION`, `data_timeline_specimen.txt`,
    /// `OMOP specimen_date`, `synthetic`, or `unknown`.
    public var source: String
    public init(collected: Day?, sequenced: Day?, source: String) {
        self.collected = collected; self.sequenced = sequenced; self.source = source
    }
    public static let unknown = SpecimenTiming(collected: nil, sequenced: nil, source: "unknown")
    /// The day the biomarker was known: the sequencing day, else the collection day; nil when unknown.
    public var knownOn: Day? { sequenced ?? collected }
}

/// `episode`: a line of therapy (`kind` = `WarehouseSchema.EpisodeKind.lineOfTherapy`, `number` =
/// line) or a disease progression (`kind` = `.progression`, `number` nil).
public struct EpisodeRow: Sendable, Hashable {
    public var id: Int64, person: Int64
    public var start: Day, end: Day?
    public var number: Int?
    public var kind: String
    public init(id: Int64, person: Int64, start: Day, end: Day?, number: Int?, kind: String) {
        self.id = id; self.person = person; self.start = start; self.end = end; self.number = number; self.kind = kind
    }
}

/// `episode_event`: links a line of therapy to one of its `drug_exposure` rows.
public struct EpisodeEventRow: Sendable, Hashable {
    public var episode: Int64, drugExposure: Int64
    public init(episode: Int64, drugExposure: Int64) { self.episode = episode; self.drugExposure = drugExposure }
}

/// `onco_somatic_variant`.
public struct VariantRow: Sendable, Hashable {
    public var person: Int64, specimen: Int64
    public var key: VariantKey
    public var gene: String?
    /// 1-letter HGVSp (`p.V600E`), or the fusion (`EML4::ALK`) for a fusion.
    public var hgvsp: String?
    public var consequence: String?
    public var consequenceClass: String?
    /// nil for small variants; `amplification`, `deletion`, `fusion`.
    public var alteration: String?
    public var vaf: Double?
    public var depth: Int?
    public var filter: String?
    /// A fusion's reading frame as the source said (`FusionFrame`); nil when unknown or not a fusion.
    public var fusionFrame: FusionFrame?
    public init(person: Int64, specimen: Int64, key: VariantKey, gene: String?, hgvsp: String?, consequence: String?,
                consequenceClass: String?, alteration: String? = nil, vaf: Double?, depth: Int?, filter: String?,
                fusionFrame: FusionFrame? = nil) {
        self.person = person; self.specimen = specimen; self.key = key; self.gene = gene; self.hgvsp = hgvsp
        self.consequence = consequence; self.consequenceClass = consequenceClass; self.alteration = alteration
        self.vaf = vaf; self.depth = depth; self.filter = filter; self.fusionFrame = fusionFrame
    }
}

/// The reading frame of a fusion (`onco_somatic_variant.fusion_frame`): whether the 3′ partner's coding
/// sequence continues in the 5′ partner's frame. Stored only when the source says; no default.
public enum FusionFrame: String, Sendable, Hashable, Codable, CaseIterable {
    case inFrame = "in_frame"
    case frameshift = "frameshift"

    /// Reads cBioPortal's `Site2_Effect_On_Frame` / `Event_Info` wording, letters only and case ignored:
    /// containing `frameshift` or `outofframe` (`Frameshift`, `Out-of-frame`, `Protein fusion: out of
    /// frame`) → frameshift; else containing `inframe` (`In_frame`, `in-frame`) → in frame; anything
    /// else (`Fusion`, `NA`) → nil, unknown.
    public init?(describing text: String) {
        let k = text.lowercased().filter(\.isLetter)
        if k.contains("frameshift") || k.contains("outofframe") {
            self = .frameshift
        } else if k.contains("inframe") {
            self = .inFrame
        } else {
            return nil
        }
    }

    /// `in-frame` / `frameshift`, as reports print it.
    public var label: String { self == .inFrame ? "in-frame" : "frameshift" }
}

/// `onco_specimen_panel`: the gene panel a specimen was sequenced with (cBioPortal
/// `data_gene_panel_matrix.txt`), its coding size in megabases when stated, and its gene count.
public struct SpecimenPanelRow: Sendable, Hashable {
    public var specimen: Int64, person: Int64
    public var panelID: String
    public var codingMegabases: Double?
    public var genes: Int?
    public init(specimen: Int64, person: Int64, panelID: String, codingMegabases: Double?, genes: Int?) {
        self.specimen = specimen; self.person = person; self.panelID = panelID; self.codingMegabases = codingMegabases
        self.genes = genes
    }
}

/// `onco_clinical_attribute`: a study-specific attribute of a patient (`specimen` nil) or sample.
public struct AttributeRow: Sendable, Hashable {
    public var person: Int64
    public var specimen: Int64?
    public var attribute: String
    public var value: String
    public var number: Double?
    public init(person: Int64, specimen: Int64?, attribute: String, value: String, number: Double?) {
        self.person = person; self.specimen = specimen; self.attribute = attribute; self.value = value; self.number = number
    }
}

/// Where the rows of one import come from: called repeatedly until it returns nil. A thrown error
/// aborts the import and rolls it back.
public protocol WarehouseBatchSource: AnyObject {
    func nextBatch() throws -> WarehouseBatch?
    /// Notes for the import summary, read after the last batch (e.g. how many whole numbers were
    /// accepted from scientific notation). Empty by default.
    var importNotes: [String] { get }
}

extension WarehouseBatchSource {
    public var importNotes: [String] { [] }
}

/// A batch source over batches already in memory.
public final class InMemoryBatchSource: WarehouseBatchSource {
    private var batches: [WarehouseBatch]
    public init(_ batches: [WarehouseBatch]) { self.batches = batches.reversed() }
    public func nextBatch() throws -> WarehouseBatch? { batches.popLast() }
}

/// What an import is: its name (the study id), kind, content hash and governance flags.
public struct DatasetDescriptor: Sendable, Hashable {
    /// Unique name in the warehouse (cBioPortal `cancer_study_identifier`, OMOP export name, `synthetic:<file>:<seed>:<n>`).
    public var name: String
    /// `cbioportal`, `omop-csv`, `synthetic`.
    public var sourceKind: String
    /// SHA-256 (hex) of everything the import read, plus the importer's version and the pseudonym key fingerprint.
    public var contentSHA256: String
    public var synthetic: Bool
    /// Fingerprint of the pseudonymisation key (see `Pseudonymizer.fingerprint`), nil for synthetic data.
    public var pseudonymKeyFingerprint: String?
    /// For a synthetic dataset with planted traps: the planted truth as JSON (`onco_dataset.planted_truth`).
    public var plantedTruth: String?
    public init(name: String, sourceKind: String, contentSHA256: String, synthetic: Bool, pseudonymKeyFingerprint: String?,
                plantedTruth: String? = nil) {
        self.name = name; self.sourceKind = sourceKind; self.contentSHA256 = contentSHA256; self.synthetic = synthetic
        self.pseudonymKeyFingerprint = pseudonymKeyFingerprint; self.plantedTruth = plantedTruth
    }
}
