import FuzzSupport
import Genomics
import OncoCore

/// Case files beside a VCF (`Genomics/CaseInputs`): the input is written to `input.tsv` and read by every
/// reader in turn, each with its format detected from the header (`CopyNumberFile` over a fixed three-gene
/// span table, `FusionFile` including breakends, `MicrosatelliteReading`, `TargetTerritory`) and with each
/// format named, so that every reader sees every input. Errors are the contract; a trap is a finding.
@_silgen_name("onco_fuzz_harness")
public func harness(_ bytes: UnsafeRawBufferPointer) throws {
    let path = FuzzInput.write(bytes, to: "input.tsv")
    let spans = GeneSpans(build: .grch37, spans: [
        .init(gene: "ERBB2", chromosome: "17", start: 37_844_346, end: 37_884_911, plusStrand: true),
        .init(gene: "EML4", chromosome: "2", start: 42_396_492, end: 42_559_688, plusStrand: true),
        .init(gene: "ALK", chromosome: "2", start: 29_415_639, end: 30_144_452, plusStrand: false),
    ])
    let genes = { () throws(CaseInputError) -> GeneSpans in spans }
    let copyNumberFormats: [CopyNumberFormat?] = [nil] + CopyNumberFormat.allCases.map { $0 }
    for format in copyNumberFormats {
        if let c = try? CopyNumberFile.read(path: path, format: format, sample: nil, genes: genes) { FuzzInput.keep(c.alterations.count) }
    }
    let fusionFormats: [FusionFormat?] = [nil] + FusionFormat.allCases.map { $0 }
    for format in fusionFormats {
        if let f = try? FusionFile.read(path: path, format: format, genes: genes) { FuzzInput.keep(f.calls.count) }
    }
    if let m = try? MicrosatelliteReading(path: path) { FuzzInput.keep(m.score) }
    if let t = try? TargetTerritory(bedPath: path) { FuzzInput.keep(t.contains("17", 37_850_000)) }
}
