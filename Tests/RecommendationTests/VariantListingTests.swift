import Foundation
import Genomics
import OncoCore
@testable import Reports
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

    /// The TSV listing reads only the summary of each chosen CSQ/ANN entry: its bytes equal those of a
    /// listing of fully materialised annotations, and the summary keeps exactly the printed fields.
    @Test(arguments: files)
    func tsvFromSummaryAnnotationsEqualsTSVFromFullOnes(_ file: String) throws {
        var full = VariantReadOptions(path: Self.fixture(file))
        full.annotationDetail = .full
        var summary = full
        summary.annotationDetail = VariantListing(format: .tsv).annotationDetail
        #expect(summary.annotationDetail == .summary)
        var a = VariantListing(format: .tsv), b = VariantListing(format: .tsv)
        var fullVariants: [SomaticVariant] = [], summaryVariants: [SomaticVariant] = []
        let ca = try VariantFiles.stream(full) { try a.append($0); fullVariants.append($0) }
        let cb = try VariantFiles.stream(summary) { try b.append($0); summaryVariants.append($0) }
        #expect(a.finish(ca) == b.finish(cb))
        #expect(fullVariants.count == summaryVariants.count)
        for (f, s) in zip(fullVariants, summaryVariants) {
            #expect(f.gene == s.gene && f.annotation?.consequences == s.annotation?.consequences
                    && f.annotation?.hgvspShort == s.annotation?.hgvspShort && f.key == s.key && f.support == s.support)
        }
        #expect(summaryVariants.allSatisfy { $0.annotation?.transcript == nil && $0.annotation?.hgvsc == nil && $0.annotation?.hgvsp == nil })
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

    /// The VAF column's `%.4f` without `vsnprintf`: equal to `String(format: "%.4f")` on every read-count
    /// fraction up to 400 reads (the ties at x.xxxx5 included), decimal ties and their neighbours, signed
    /// zeros, negatives and random doubles; values past 1e6 and non-finite ones are left to `vsnprintf`.
    @Test func fixedFourDecimalsEqualPrintf() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 0.00005, 0.00015, 0.00025, 0.99995, 0.12345, 2.5e-5, -2.5e-5, -0.00004,
                                999_999.99995, 123_456.78905, Double.leastNonzeroMagnitude, 1e-300]
        for total in 1...400 { for alt in 0...total { values.append(Double(alt) / Double(total)) } }
        for k in 0..<200_000 {
            let tie = (Double(k) + 0.5) / 10_000
            values += [tie, tie.nextUp, tie.nextDown, -tie]
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<100_000 { values.append(Double.random(in: -1_000...1_000, using: &rng)) }
        var mismatches: [String] = []
        for x in values {
            var out: [UInt8] = []
            #expect(VariantListing.appendFixed4(x, to: &out))
            let expected = String(format: "%.4f", x)
            if String(decoding: out, as: UTF8.self) != expected, mismatches.count < 5 {
                mismatches.append("\(x): \(String(decoding: out, as: UTF8.self)) vs \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        var out: [UInt8] = []
        for x in [1e6, -1e7, .nan, .infinity] { #expect(!VariantListing.appendFixed4(x, to: &out)) }
        #expect(out.isEmpty)
    }
}
