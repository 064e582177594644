import Genomics
import OncoCore

/// One case of a batch: a tumour's VCF plus what the manifest says about the patient.
///
/// Built by `BatchManifest`; scorers receive it. Paths are absolute (relative manifest paths are
/// resolved against the manifest's folder). The tumour type is kept as written: whether it names a
/// known tumour type is the scorer's question (the file-check scorer checks its syntax, the
/// recommendation resolves it in OncoTree), so that an unknown type fails that case, not the batch.
public struct BatchCase: Sendable, Hashable {
    /// The pseudonymous case identifier, unique within the manifest.
    public let id: String
    /// Position in the manifest, counting cases from 0 (comments and blank lines not counted).
    public let index: Int
    /// The manifest line the case came from (1-based), for error messages.
    public let line: Int
    /// Absolute path of the tumour VCF (`.vcf`, `.vcf.gz`, `.bcf`) or MAF (`MAFCase.isMAF`).
    public let vcf: String
    /// The tumour type as written in the manifest (an OncoTree code is expected).
    public let tumourType: String
    /// The tumour sample's column in the VCF; nil means "the only sample" or, for tumour/normal
    /// VCFs, the scorer's rule (`TUMOR`, or the second sample).
    public let sample: String?
    /// Absolute path of the tumour BAM/CRAM, if given.
    public let bam: String?
    /// Age at diagnosis in years.
    public let age: Int?
    public let sex: Sex?
    /// Stage normalised by `OncoCore.Stage.normalise` (`0`, `I` … `IV`).
    public let stage: String?
    /// Skip malformed VCF records and count them in the report (`--lenient`, or manifest column
    /// `lenient`) instead of failing the case with `vcf_malformed`.
    public var lenient: Bool
    /// The case's copy-number, fusion and MSI files and its TMB territory (manifest columns `cna_file`,
    /// `cna_format`, `cna_sample`, `fusion_file`, `fusion_format`, `msi_file`, `tmb_bed`, `tmb_megabases`,
    /// `genome_build`); the gene-span table is the scorer's. Empty when the manifest has none.
    public var caseFiles: CaseFileOptions
    /// The case's own GFF3 + reference FASTA for in-process consequence annotation (manifest columns `gff`
    /// and `reference`, given together); `nil`: the batch's (`onco batch --gff/--reference`), if any.
    public var consequenceSource: ConsequenceSource?

    public init(id: String, index: Int, line: Int, vcf: String, tumourType: String, sample: String? = nil,
                bam: String? = nil, age: Int? = nil, sex: Sex? = nil, stage: String? = nil, lenient: Bool = false,
                caseFiles: CaseFileOptions = CaseFileOptions(), consequenceSource: ConsequenceSource? = nil) {
        self.id = id
        self.index = index
        self.line = line
        self.vcf = vcf
        self.tumourType = tumourType
        self.sample = sample
        self.bam = bam
        self.age = age
        self.sex = sex
        self.stage = stage
        self.lenient = lenient
        self.caseFiles = caseFiles
        self.consequenceSource = consequenceSource
    }
}

extension BatchCase {
    /// The tumour type as an `OncoTreeCode`, if it is syntactically one.
    ///
    /// OncoTree codes (release 2025-10-03: 898 codes) are 2–16 characters of upper-case letters,
    /// digits, `_`, `-` and `/` (`LUAD`, `COADREAD`, `HCL-V`, `MDS/MPN`, `SOFT_TISSUE`), starting
    /// with a letter. Lower case is accepted and upper-cased, as OncoTree's own API does.
    /// - Throws: `CaseError.tumourTypeInvalid` naming the manifest line and field.
    public func oncoTreeCode() throws -> OncoTreeCode {
        guard Self.isOncoTreeSyntax(tumourType) else {
            throw CaseError(.tumourTypeInvalid,
                            "manifest line \(line), field tumor_type: not an OncoTree code (2-32 letters, digits, '_', '-', '/', starting with a letter)")
        }
        return OncoTreeCode(tumourType)
    }

    /// True if `text` is syntactically an OncoTree code (see `oncoTreeCode()`).
    public static func isOncoTreeSyntax(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard (2...32).contains(u.count) else { return false }
        func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        guard isLetter(u[0]) else { return false }
        return u.allSatisfy { b in
            isLetter(b) || (0x30...0x39).contains(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "/")
        }
    }

    /// The clinical context the recommendation needs: tumour type, age, sex, stage.
    /// - Throws: `CaseError.tumourTypeInvalid` if the tumour type is not an OncoTree code.
    public func clinicalContext() throws -> ClinicalContext {
        ClinicalContext(tumourType: try oncoTreeCode(), age: age, sex: sex, stage: stage)
    }
}
