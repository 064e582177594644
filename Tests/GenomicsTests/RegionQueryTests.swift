import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// Region queries through `.tbi` (VCF.gz) and `.csi` (BCF) return the records `bcftools view -H -r`
/// returns, whichever `chr` spelling the caller uses; plain-text VCF is filtered while streaming and
/// matches `bcftools view -t … --targets-overlap 1` (same overlap rule, no index).
@Suite("Region queries agree with bcftools view -r")
struct RegionQueryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let asked: String        // what the caller writes
        let bcftoolsRegion: String  // the file's own spelling, for bcftools
        var testDescription: String { "\(file) \(asked)" }
    }

    static let cases: [Case] = [
        Case(file: "pcgr/T001-COAD.grch37.vcf.gz", asked: "7:140453000-140454000", bcftoolsRegion: "7:140453000-140454000"),
        Case(file: "pcgr/T001-COAD.grch37.vcf.gz", asked: "chr7:140453000-140454000", bcftoolsRegion: "7:140453000-140454000"),
        Case(file: "pcgr/T001-COAD.grch38.vcf.gz", asked: "chr7:140,753,000-140,754,000", bcftoolsRegion: "7:140753000-140754000"),
        Case(file: "pcgr/T001-COAD.grch37.vcf.gz", asked: "chr17", bcftoolsRegion: "17"),
        Case(file: "hts/synth-somatic.vcf.gz", asked: "1:1000000-50000000", bcftoolsRegion: "chr1:1000000-50000000"),
        Case(file: "hts/synth-somatic.bcf", asked: "1:1000000-50000000", bcftoolsRegion: "chr1:1000000-50000000"),
        Case(file: "hts/synth-somatic.bcf", asked: "chrX", bcftoolsRegion: "chrX"),
        Case(file: "hts/synth-somatic.vcf.gz", asked: "22:20000000-", bcftoolsRegion: "chr22:20000000-"),
        Case(file: "debian/ex1.vcf.gz", asked: "seq2:100-300", bcftoolsRegion: "seq2:100-300"),
    ]

    @Test(arguments: cases)
    func regionEqualsBcftools(_ c: Case) throws {
        let file = Fx.path(c.file)
        let expected = try Fx.shell("bcftools view -H -r \(Fx.quote(c.bcftoolsRegion)) \(Fx.quote(file)) | cut -f1,2")
            .split(separator: "\n").map { Chromosome.normalise(String($0.split(separator: "\t")[0])) + ":" + $0.split(separator: "\t")[1] }
        let reader = try VariantFileReader(path: file, region: c.asked)
        var record = VariantRecord()
        var got: [String] = []
        while try reader.read(into: &record) { got.append(Chromosome.normalise(record.contig) + ":" + String(record.position)) }
        #expect(!expected.isEmpty)
        #expect(got == expected)
    }

    @Test func brafV600EInItsRegion() throws {
        let calls = try VariantFiles.read(VariantReadOptions(path: Fx.path("pcgr/T001-COAD.grch37.vcf.gz"), region: "chr7:140453136"))
        #expect(calls.variants.map(\.key.description) == ["GRCh37:7:140453136:A>T"])
        let b38 = try VariantFiles.read(VariantReadOptions(path: Fx.path("pcgr/T001-COAD.grch38.vcf.gz"), region: "7:140753336"))
        #expect(b38.variants.map(\.key.description) == ["GRCh38:7:140753336:A>T"])
    }

    @Test(arguments: ["vcf2maf/test_mutect.vcf", "vcf2maf/test_strelka.vcf"])
    func plainTextVCFIsFilteredWhileStreaming(_ relative: String) throws {
        let file = Fx.path(relative)
        let expected = try Fx.shell("bcftools view -H -t 1:1-30000000 --targets-overlap 1 \(Fx.quote(file)) 2>/dev/null | cut -f1,2")
            .split(separator: "\n").map { $0.replacingOccurrences(of: "\t", with: ":") }
        let reader = try VariantFileReader(path: file, region: "chr1:1-30000000")
        var record = VariantRecord()
        var got: [String] = []
        while try reader.read(into: &record) { got.append("\(record.contig):\(record.position)") }
        #expect(!expected.isEmpty)
        #expect(got == expected)
    }

    @Test func regionStringsParse() throws {
        #expect(try GenomicRegion(parsing: "7:140453000-140454000") == GenomicRegion(contig: "7", start: 140453000, end: 140454000))
        #expect(try GenomicRegion(parsing: "chr7:140,453,000-140,454,000") == GenomicRegion(contig: "chr7", start: 140453000, end: 140454000))
        #expect(try GenomicRegion(parsing: "X:5") == GenomicRegion(contig: "X", start: 5, end: 5))
        #expect(try GenomicRegion(parsing: "chrM") == GenomicRegion(contig: "chrM"))
        #expect(throws: RegionParseError.self) { try GenomicRegion(parsing: "7:200-100") }
        #expect(throws: RegionParseError.self) { try GenomicRegion(parsing: "7:0-100") }
        #expect(throws: RegionParseError.self) { try GenomicRegion(parsing: "") }
    }
}
