import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// For every VCF/BCF fixture, onco's (chrom, pos, ref, alt, filter) rows equal those of
/// `bcftools norm -m-any FILE` (bcftools 1.16; columns read with `bcftools view -H`, see `Fx.bcftoolsSplitSites`),
/// after the same trimming (shared suffix, then prefix) on the bcftools side, chromosomes without
/// `chr`, and with placeholder ALTs (`*`, `<*>`, `<NON_REF>`, `<X>`, samtools 0.1's `X`, `.`) removed on
/// both sides. A fixture with a record onco refuses (`Fx.malformedLines`) must fail with that line's
/// error, and read with `--lenient` must equal bcftools on the file without that line.
@Suite("VCF/BCF rows agree with bcftools norm -m-any")
struct BcftoolsAgreementTests {
    static func ours(_ file: String, region: String? = nil, malformed: MalformedRecordPolicy = .fail) throws -> [String] {
        let calls = try VariantFiles.read(VariantReadOptions(path: file, region: region, malformed: malformed))
        return calls.variants.map { v in
            [v.key.chrom, String(v.key.position), v.key.ref, v.key.alt,
             v.filters.isEmpty ? "." : v.filters.joined(separator: ";")].joined(separator: "\t")
        }.sorted()
    }

    @Test(arguments: Fx.variantFiles)
    func sitesEqualBcftools(_ relative: String) throws {
        let file = Fx.path(relative)
        var referenceFile = file
        let dir = try makeTemporaryDirectory("onco-agreement")
        defer { try? FileManager.default.removeItem(at: dir) }
        if let bad = Fx.malformedLines[relative] {
            #expect(throws: VariantFileError.self) { _ = try Self.ours(file) }
            do { _ = try Self.ours(file) } catch let e as VariantFileError { #expect(e.description == bad.error) }
            referenceFile = try Fx.copy(file, droppingLine: bad.line, in: dir)
        }
        let reference = Fx.referenceSites(try Fx.bcftoolsSplitSites(referenceFile))
        let mine = try Self.ours(file, malformed: Fx.malformedLines[relative] == nil ? .fail : .skip)
        #expect(!reference.isEmpty, "bcftools gave no rows for \(relative)")
        #expect(mine.count == reference.count, "\(relative): onco \(mine.count) rows, bcftools \(reference.count)")
        let diff = mine.difference(from: reference)
        #expect(diff.isEmpty, "\(relative): first differences \(Array(diff.prefix(6)))")
    }

    /// The record count is the file's, whatever the splitting (bcftools view -H counts lines).
    @Test(arguments: ["pcgr/T001-COAD.grch37.vcf.gz", "hts/synth-somatic.bcf", "vcf2maf/test_sniper.vcf", "hts/split-vep.vcf"])
    func recordCountEqualsBcftools(_ relative: String) throws {
        let file = Fx.path(relative)
        let n = try Fx.shell("bcftools view -H \(Fx.quote(file)) 2>/dev/null | wc -l")
        let calls = try VariantFiles.read(VariantReadOptions(path: file))
        #expect(calls.recordCount == Int(n.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
