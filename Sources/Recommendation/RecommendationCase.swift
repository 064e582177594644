import Foundation
import Genomics
import OncoCore

/// One patient's case as the recommender sees it: the tumour's variant calls and the clinical context
/// (tumour type, age, sex, stage, prior therapies, TMB, MSI, copy-number changes, fusions).
public struct RecommendationCase: Sendable {
    /// The variant calls, filtered or not (the recommender ignores non-PASS calls unless told otherwise).
    public var variants: [SomaticVariant]
    public var clinical: ClinicalContext
    /// What the case came from, for the report header: the file name (never the full path).
    public var source: Source

    public struct Source: Sendable, Hashable, Codable {
        /// The variant file's name, without its directory.
        public var fileName: String?
        /// The tumour sample's column name.
        public var sample: String?
        public var build: GenomeBuild?
        /// `vep` or `snpEff` when the calls carried CSQ/ANN annotation.
        public var annotator: String?
        /// Where VAF and depth came from (`format`, `bam`, `maf`).
        public var readSupport: String?
        public var records: Int?
        /// Malformed records a lenient read skipped (`nil`: none, or a strict read).
        public var skipped: SkippedRecords?
        public init(fileName: String? = nil, sample: String? = nil, build: GenomeBuild? = nil, annotator: String? = nil,
                    readSupport: String? = nil, records: Int? = nil, skipped: SkippedRecords? = nil) {
            self.fileName = fileName; self.sample = sample; self.build = build; self.annotator = annotator
            self.readSupport = readSupport; self.records = records; self.skipped = skipped
        }
    }

    public init(variants: [SomaticVariant], clinical: ClinicalContext, source: Source = Source()) {
        self.variants = variants
        self.clinical = clinical
        self.source = source
    }

    /// Reads the case's VCF/BCF through Genomics (`VariantFiles.read`): the tumour sample as
    /// `TumourSampleChoice` picks it (or `sample`), read support from FORMAT or, with `bamPath`, from
    /// the BAM pileup. Malformed records are an error, or with `malformed: .skip` skipped and counted in
    /// `source.skipped` (the report says so).
    /// - Throws: `VariantFileError` naming the file, the record and the problem.
    public static func read(vcf path: String, sample: String? = nil, bamPath: String? = nil,
                            referenceFasta: String? = nil, malformed: MalformedRecordPolicy = .fail,
                            consequenceSource: ConsequenceSource? = nil, clinical: ClinicalContext) throws -> RecommendationCase {
        let calls = try VariantFiles.read(VariantReadOptions(path: path, sample: sample, bamPath: bamPath, referenceFasta: referenceFasta,
                                                             malformed: malformed, consequenceSource: consequenceSource))
        return RecommendationCase(
            variants: calls.variants, clinical: clinical,
            source: Source(fileName: URL(fileURLWithPath: path).lastPathComponent, sample: calls.sample, build: calls.build,
                           annotator: calls.annotator?.rawValue, readSupport: calls.supportSource?.rawValue,
                           records: calls.recordCount, skipped: calls.skipped.count > 0 ? calls.skipped : nil))
    }
}
