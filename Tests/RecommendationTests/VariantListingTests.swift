import Foundation
import Genomics
import OncoCore
import Reports
import Testing
import _TestSupport

/// `VariantListing` (what `onco variants` prints): the JSON byte writer equals `PrettyJSON` of the
/// `Document` value on real files, and streaming gives what reading whole gives.
@Suite("VariantListing")
struct VariantListingTests {
    static func fixture(_ relative: String) -> String { RepoPaths.fixture("genomics/" + relative).path }

    /// VEP CSQ (BCF and VCF.gz, multi-allelic records, FORMAT support), a PCGR sites-only VCF, snpEff ANN
    /// and vcf2maf's files (IDs, QUAL, several FILTERs, slashes and quotes in HGVS-like fields).
    static let files = [
        "hts/synth-somatic.bcf", "hts/synth-somatic.vcf.gz", "hts/pcgr-tumor_sample.BRCA.pcgr.vcf.gz",
        "hts/split-vep.vcf", "vcf2maf/test_b38.vcf", "vcf2maf/test_b37.vcf",
    ]

    @Test(arguments: files)
    func jsonBytesEqualPrettyJSONOfTheDocument(_ file: String) throws {
        let options = VariantReadOptions(path: Self.fixture(file))
        let whole = try VariantFiles.read(options)
        var listing = VariantListing(format: .json)
        let streamed = try VariantFiles.stream(options) { try listing.append($0) }
        #expect(streamed.recordCount == whole.recordCount)
        #expect(streamed.sample == whole.sample && streamed.build == whole.build && streamed.annotator == whole.annotator)
        let expected = try PrettyJSON.encode(VariantListing.Document(whole), options: .init(escapesSlashes: true)) + Array("\n".utf8)
        let written = listing.finish(streamed)
        #expect(written.count == expected.count)
        #expect(written == expected, "first difference at byte \(zip(written, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
    }

    @Test(arguments: files)
    func streamingHandsOutWhatReadingWholeReturns(_ file: String) throws {
        let options = VariantReadOptions(path: Self.fixture(file))
        var streamed: [SomaticVariant] = []
        _ = try VariantFiles.stream(options) { streamed.append($0) }
        #expect(streamed == (try VariantFiles.read(options)).variants)
    }

    @Test func emptyListingsKeepFoundationsLayout() throws {
        let calls = TumourCallSet(build: .grch38, sample: nil, variants: [], recordCount: 0)
        let json = VariantListing(format: .json).finish(calls)
        let expected = try PrettyJSON.encode(VariantListing.Document(calls), options: .init(escapesSlashes: true)) + Array("\n".utf8)
        #expect(json == expected)
        #expect(String(decoding: json, as: UTF8.self).contains("\"variants\" : [\n\n  ]"))
        let tsv = VariantListing(format: .tsv).finish(calls)
        #expect(String(decoding: tsv, as: UTF8.self) == VariantListing.columns.joined(separator: "\t") + "\n")
    }

    @Test func tsvLineLayout() throws {
        let key = VariantKey(build: .grch37, chrom: "7", position: 140453136, ref: "A", alt: "T")
        let annotation = VariantAnnotation(symbol: "BRAF", transcript: "ENST00000288602", consequences: ["missense_variant"],
                                           hgvsp: "p.Val600Glu", hgvspShort: "p.V600E")
        let v = SomaticVariant(key: key, filters: ["PASS"], annotation: annotation,
                               support: ReadSupport(refReads: 37, altReads: 17, depth: 54, vaf: 17.0 / 54.0, source: .format))
        let unannotated = SomaticVariant(key: VariantKey(build: .grch37, chrom: "X", position: 5, ref: "G", alt: "GA"),
                                         filters: ["LowQual", "strand_bias"])
        var listing = VariantListing(format: .tsv)
        try listing.append(v)
        try listing.append(unannotated)
        let text = String(decoding: listing.finish(TumourCallSet(build: .grch37, sample: "T", variants: [])), as: UTF8.self)
        #expect(text.split(separator: "\n").dropFirst().map(String.init) == [
            "7\t140453136\tA\tT\tPASS\tBRAF\tmissense_variant\tp.V600E\t0.3148\t54",
            "X\t5\tG\tGA\tLowQual;strand_bias\t.\t.\t.\t.\t.",
        ])
    }
}
