import Foundation
import OncoCore

/// The files of one case besides its variant file: copy number, fusions, MSIsensor output, and how TMB is
/// computed from the variants. What `onco recommend`, `kb match` and `batch` pass to `CaseFiles.read`.
public struct CaseFileOptions: Sendable, Hashable {
    public var copyNumberPath: String?
    /// nil: detected from the header (`CopyNumberFile.detect`).
    public var copyNumberFormat: CopyNumberFormat?
    /// The sample column of a cBioPortal `data_CNA.txt` or a multi-sample CNV VCF.
    public var copyNumberSample: String?
    public var copyNumberRule: CopyNumberRule
    public var fusionPath: String?
    /// nil: detected from the header (`FusionFile.detect`).
    public var fusionFormat: FusionFormat?
    public var msiPath: String?
    public var msiCutoffs: MicrosatelliteReading.Cutoffs
    /// TMB over a panel's target BED (variants inside it, over its size)…
    public var tmbBedPath: String?
    /// …or over a stated territory in megabases (e.g. an exome's).
    public var tmbMegabases: Double?
    public var tmbRule: TumourMutationalBurden.Rule
    /// The gene-span table (`KnowledgeBase/genes/gene_spans.tsv`), for segments and breakends.
    public var geneSpansPath: String?
    /// The build the user states; nil: the variant file's.
    public var build: GenomeBuild?

    public init(copyNumberPath: String? = nil, copyNumberFormat: CopyNumberFormat? = nil, copyNumberSample: String? = nil,
                copyNumberRule: CopyNumberRule = CopyNumberRule(), fusionPath: String? = nil, fusionFormat: FusionFormat? = nil,
                msiPath: String? = nil, msiCutoffs: MicrosatelliteReading.Cutoffs = .init(), tmbBedPath: String? = nil,
                tmbMegabases: Double? = nil, tmbRule: TumourMutationalBurden.Rule = CaseFileOptions.defaultTMBRule,
                geneSpansPath: String? = nil, build: GenomeBuild? = nil) {
        self.copyNumberPath = copyNumberPath; self.copyNumberFormat = copyNumberFormat; self.copyNumberSample = copyNumberSample
        self.copyNumberRule = copyNumberRule; self.fusionPath = fusionPath; self.fusionFormat = fusionFormat
        self.msiPath = msiPath; self.msiCutoffs = msiCutoffs; self.tmbBedPath = tmbBedPath; self.tmbMegabases = tmbMegabases
        self.tmbRule = tmbRule; self.geneSpansPath = geneSpansPath; self.build = build
    }

    /// PCGR's TMB filters: PASS calls with tumour VAF ≥ 0.05 (PCGR `--tmb_af_min` default).
    public static let defaultTMBRule = TumourMutationalBurden.Rule(passOnly: true, minVAF: 0.05)

    /// Whether any case file or TMB computation is asked for.
    public var isEmpty: Bool {
        copyNumberPath == nil && fusionPath == nil && msiPath == nil && tmbBedPath == nil && tmbMegabases == nil
    }
}

/// What the case files say, with the method of each, ready to add to the case's `ClinicalContext`.
public struct CaseFileFindings: Sendable, Hashable {
    public var copyNumber: CopyNumberCalls?
    public var fusions: FusionCalls?
    public var msi: MicrosatelliteReading?
    public var tmb: TumourMutationalBurden?
    /// One line per input: what was read and how it was called (for the report).
    public var methods: [String]

    /// Adds the calls to `context`: copy-number and fusion calls after those already there (a gene or fusion
    /// already given keeps its entry), TMB and MSI where computed.
    public func apply(to context: inout ClinicalContext) {
        for a in copyNumber?.alterations ?? [] where !context.copyNumber.contains(where: { $0.gene == a.gene && $0.kind == a.kind }) {
            context.copyNumber.append(a)
        }
        for f in fusions?.calls ?? [] where !context.fusions.contains(f.fusion) { context.fusions.append(f.fusion) }
        if let tmb { context.tmb = tmb.perMegabase }
        if let msi, let status = msi.status { context.msi = status }
        if !methods.isEmpty { context.inputMethods = (context.inputMethods ?? []) + methods }
    }
}

public enum CaseFiles {
    /// Reads every case file `options` names.
    /// - Parameters:
    ///   - variants: the case's variants (for TMB).
    ///   - variantBuild: the variant file's build (nil when there is none).
    /// - Throws: `CaseInputError` naming file, line and field; `.noBuild` when segments or breakends must be
    ///   placed on genes and neither the user nor the variant file gives the build, or the two disagree.
    public static func read(_ options: CaseFileOptions, variants: [SomaticVariant], variantBuild: GenomeBuild?) throws(CaseInputError) -> CaseFileFindings {
        var findings = CaseFileFindings(methods: [])
        var spans: GeneSpans?
        let genes = { () throws(CaseInputError) -> GeneSpans in
            if let spans { return spans }
            let s = try loadSpans(options, variantBuild: variantBuild)
            spans = s
            return s
        }
        if let path = options.copyNumberPath {
            let c = try CopyNumberFile.read(path: path, format: options.copyNumberFormat, sample: options.copyNumberSample,
                                            rule: options.copyNumberRule, genes: genes)
            var line = "copy number (\(c.alterations.count) gene calls from \(c.records) records): \(c.method)"
            if c.withoutCopyNumber > 0 { line += "; \(c.withoutCopyNumber) CNV records without a copy number not called" }
            if c.filtered > 0 { line += "; \(c.filtered) non-PASS CNV records not used" }
            findings.copyNumber = c
            findings.methods.append(line)
        }
        if let path = options.fusionPath {
            let f = try FusionFile.read(path: path, format: options.fusionFormat, genes: genes)
            var line = "fusions (\(f.calls.count) from \(f.records) records): \(f.method)"
            let unknown = f.calls.filter { !$0.orientationKnown }.map(\.fusion.description)
            if !unknown.isEmpty { line += "; orientation not determined, file order kept: \(unknown.joined(separator: ", "))" }
            let frames = f.calls.compactMap { c in c.inFrame.map { "\(c.fusion) \($0 ? "in-frame" : "out-of-frame")" } }
            if !frames.isEmpty { line += "; \(frames.joined(separator: ", "))" }
            if !f.setAside.isEmpty { line += "; set aside: " + f.setAside.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") }
            findings.fusions = f
            findings.methods.append(line)
        }
        if let path = options.msiPath {
            let m = try MicrosatelliteReading(path: path, cutoffs: options.msiCutoffs)
            findings.msi = m
            findings.methods.append("MSI \(m.status?.rawValue ?? "indeterminate"): \(m.method)")
        }
        if let bed = options.tmbBedPath {
            let territory = try TargetTerritory(bedPath: bed)
            let t = TumourMutationalBurden(variants: variants, territory: territory, rule: options.tmbRule)
            findings.tmb = t
            findings.methods.append("TMB \(String(format: "%.2f", t.perMegabase))/Mb: " + t.method(territory: "panel BED"))
        } else if let mb = options.tmbMegabases {
            guard mb > 0, mb.isFinite else {
                throw CaseInputError(.badValue, file: "TMB", field: "megabases", "the territory must be a positive number of megabases")
            }
            let t = TumourMutationalBurden(variants: variants, targetMegabases: mb, rule: options.tmbRule)
            findings.tmb = t
            findings.methods.append("TMB \(String(format: "%.2f", t.perMegabase))/Mb: " + t.method(territory: "stated territory"))
        }
        return findings
    }

    static func loadSpans(_ options: CaseFileOptions, variantBuild: GenomeBuild?) throws(CaseInputError) -> GeneSpans {
        guard let path = options.geneSpansPath else {
            throw CaseInputError(.noBuild, file: "gene_spans.tsv", "no gene-span table: segments and breakends cannot be placed on genes")
        }
        let known = variantBuild.flatMap { $0 == .unknown ? nil : $0 }
        if let stated = options.build, let known, stated != known {
            throw CaseInputError(.noBuild, file: path, field: "build", "the stated build \(stated) differs from the variant file's \(known)")
        }
        guard let build = options.build ?? known else {
            throw CaseInputError(.noBuild, file: path, field: "build",
                                 "the genome build is unknown (no variant file, or its header does not say): state it so that segments and breakends can be placed on genes")
        }
        return try GeneSpans(path: path, build: build)
    }
}
