import ArgumentParser
import Foundation
import Genomics
import OncoCore

/// The case files of `onco recommend` and `onco kb match`: copy number, fusions, MSIsensor output and the
/// TMB territory (`Genomics.CaseFiles` reads them; README "Case inputs beside the VCF").
struct CaseFileArguments: ParsableArguments {
    @Option(name: .customLong("cna-file"), help: "Copy-number file: CNVkit .cns/.call.cns, PURPLE or ASCAT segments, cBioPortal data_CNA.txt, or a CNV VCF.")
    var cnaFile: String?
    @Option(name: .customLong("cna-format"), help: "cnvkit, purple, ascat, cbioportal or vcf (default: from the header; an error when it fits none or several).")
    var cnaFormat: String?
    @Option(name: .customLong("cna-sample"), help: "The case's sample column of a cBioPortal data_CNA.txt or a multi-sample CNV VCF.")
    var cnaSample: String?
    @Option(name: .customLong("fusion-file"), help: "Fusion calls: Arriba fusions.tsv, STAR-Fusion predictions, or a VCF of breakends (SVTYPE=BND).")
    var fusionFile: String?
    @Option(name: .customLong("fusion-format"), help: "arriba, star-fusion or vcf (default: from the header).")
    var fusionFormat: String?
    @Option(name: .customLong("msi-file"), help: "MSIsensor / MSIsensor-pro output: MSI-H at score >= 10, MSS below 3, indeterminate between.")
    var msiFile: String?
    @Option(name: .customLong("tmb-bed"), help: "Compute TMB from the variants over this panel BED (variants inside it, over its size).")
    var tmbBed: String?
    @Option(name: .customLong("tmb-megabases"), help: "Compute TMB from the variants over this territory, in Mb (e.g. the exome's).")
    var tmbMegabases: Double?
    @Option(name: .customLong("tmb-min-vaf"), help: "TMB: count PASS coding non-synonymous variants with at least this tumour VAF (PCGR's default).")
    var tmbMinVAF: Double = 0.05
    @Option(name: .customLong("genome-build"), help: "GRCh37 or GRCh38: places segments and breakends when the variant file does not say.")
    var genomeBuild: String?

    var givesTMB: Bool { tmbBed != nil || tmbMegabases != nil }

    func validate() throws {
        for (flag, path) in [("--cna-file", cnaFile), ("--fusion-file", fusionFile), ("--msi-file", msiFile), ("--tmb-bed", tmbBed)] {
            if let path, !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(flag) \(path): no such file") }
        }
        if let cnaFormat, CopyNumberFormat(rawValue: cnaFormat.lowercased()) == nil {
            throw ValidationError("--cna-format must be one of \(CopyNumberFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let fusionFormat, FusionFormat(rawValue: fusionFormat.lowercased()) == nil {
            throw ValidationError("--fusion-format must be one of \(FusionFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if cnaFormat != nil && cnaFile == nil { throw ValidationError("--cna-format needs --cna-file") }
        if cnaSample != nil && cnaFile == nil { throw ValidationError("--cna-sample needs --cna-file") }
        if fusionFormat != nil && fusionFile == nil { throw ValidationError("--fusion-format needs --fusion-file") }
        if tmbBed != nil && tmbMegabases != nil { throw ValidationError("give --tmb-bed or --tmb-megabases, not both") }
        if let tmbMegabases, !(tmbMegabases > 0 && tmbMegabases.isFinite) { throw ValidationError("--tmb-megabases must be a positive number") }
        if !(0...1).contains(tmbMinVAF) { throw ValidationError("--tmb-min-vaf must be between 0 and 1") }
        if let genomeBuild, GenomeBuild(parsing: genomeBuild) == .unknown { throw ValidationError("--genome-build must be GRCh37 or GRCh38") }
    }

    /// Checks the flags that give the same fact directly (`--tmb`, `--msi`).
    func validate(tmb: Double?, msi: String?) throws {
        if tmb != nil && givesTMB { throw ValidationError("give --tmb or compute it (--tmb-bed/--tmb-megabases), not both") }
        if msi != nil && msiFile != nil { throw ValidationError("give --msi or --msi-file, not both") }
    }

    /// The files in the order the audit hash reads them.
    var paths: [String] { [cnaFile, fusionFile, msiFile, tmbBed].compactMap { $0 } }

    func options(knowledgeBase: URL) -> CaseFileOptions {
        var rule = CaseFileOptions.defaultTMBRule
        rule.minVAF = tmbMinVAF
        return CaseFileOptions(copyNumberPath: cnaFile, copyNumberFormat: cnaFormat.flatMap { CopyNumberFormat(rawValue: $0.lowercased()) },
                               copyNumberSample: cnaSample, fusionPath: fusionFile,
                               fusionFormat: fusionFormat.flatMap { FusionFormat(rawValue: $0.lowercased()) }, msiPath: msiFile,
                               tmbBedPath: tmbBed, tmbMegabases: tmbMegabases, tmbRule: rule,
                               geneSpansPath: knowledgeBase.appendingPathComponent(GeneSpans.knowledgeBasePath).path,
                               build: genomeBuild.map(GenomeBuild.init(parsing:)))
    }
}
