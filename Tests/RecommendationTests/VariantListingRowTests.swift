import Foundation
import Genomics
import OncoCore
@testable import Reports
import Testing
import _TestSupport

/// `onco variants` lists a VCF/BCF from the record bytes (`VariantRowReader`) instead of building a
/// `SomaticVariant` per ALT: on every VCF/BCF fixture, TSV and JSON, strict and lenient, all variants
/// and PASS only, the bytes, the call set (record count, samples, skipped records) and any error equal
/// those of the `SomaticVariant` path.
@Suite("VariantListing rows")
struct VariantListingRowTests {
    /// Every VCF/BCF under Tests/Fixtures (well-formed, malformed, truncated, sites-only, snpEff, PCGR…).
    static let files: [String] = {
        let root = RepoPaths.fixture("").path
        let walker = FileManager.default.enumerator(atPath: root)
        var out: [String] = []
        while let f = walker?.nextObject() as? String {
            if f.hasSuffix(".vcf") || f.hasSuffix(".vcf.gz") || f.hasSuffix(".bcf") { out.append(f) }
        }
        return out.sorted()
    }()

    /// The listing's bytes and call set, or the error's description.
    static func listing(_ options: VariantReadOptions, _ format: VariantListing.Format, passOnly: Bool, rows: Bool) -> String {
        var listing = VariantListing(format: format)
        var options = options
        options.annotationDetail = listing.annotationDetail
        do {
            let calls: TumourCallSet
            if rows {
                calls = try VariantRowReader(options).forEachRow { row in
                    if !passOnly || row.isPass { try listing.append(row) }
                }
            } else {
                calls = try VariantFiles.stream(options) { v in
                    if !passOnly || v.isPass { try listing.append(v) }
                }
            }
            return "\(calls)\n" + String(decoding: listing.finish(calls), as: UTF8.self)
        } catch {
            return "error: \(error)"
        }
    }

    @Test func fixturesAreFound() {
        #expect(Self.files.count >= 80)
        #expect(Self.files.contains("genomics/hts/synth-somatic.bcf"))
    }

    @Test(arguments: files)
    func rowsListWhatVariantsList(_ file: String) {
        let path = RepoPaths.fixture(file).path
        guard VariantRowReader.handles(VariantReadOptions(path: path)) else { return }
        for format in VariantListing.Format.allCases {
            for policy in [MalformedRecordPolicy.fail, .skip] {
                for passOnly in [false, true] {
                    let options = VariantReadOptions(path: path, malformed: policy)
                    let expected = Self.listing(options, format, passOnly: passOnly, rows: false)
                    let written = Self.listing(options, format, passOnly: passOnly, rows: true)
                    #expect(written == expected, "\(file) \(format) \(policy) passOnly=\(passOnly)")
                }
            }
        }
    }

    /// The listing function picks the row path for a plain read and the `SomaticVariant` path otherwise,
    /// with the same output.
    @Test func listChoosesTheRowReaderOnlyForPlainReads() throws {
        let path = RepoPaths.fixture("genomics/hts/synth-somatic.vcf.gz").path
        #expect(VariantRowReader.handles(VariantReadOptions(path: path)))
        #expect(!VariantRowReader.handles(VariantReadOptions(path: path, bamPath: "x.bam")))
        #expect(!VariantRowReader.handles(VariantReadOptions(path: path, referenceFasta: "x.fa")))
        for format in VariantListing.Format.allCases {
            let (listing, calls) = try VariantListing.list(VariantReadOptions(path: path), format: format)
            #expect("\(calls)\n" + String(decoding: listing.finish(calls), as: UTF8.self)
                    == Self.listing(VariantReadOptions(path: path), format, passOnly: false, rows: false))
            #expect(listing.parts(calls).flatMap { $0 } == listing.finish(calls))
        }
    }
}
