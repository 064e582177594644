import Foundation
import Genomics
import OncoCore
import Testing

/// htslib and VCF 4.3's Float accept `nan` and `inf`; a QUAL or an allele fraction cannot be either. Strict
/// reads fail naming file, line, field and value; lenient reads skip and count the record.
@Suite("Non-finite QUAL and allele fractions")
struct NonFiniteValueTests {
    static func vcf(qual: String, af: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onco-nonfinite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = """
        ##fileformat=VCFv4.2
        ##contig=<ID=7>
        ##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
        #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR
        7\t100\t.\tA\tG\t50\tPASS\t.\tAF\t0.25
        7\t140453136\t.\tA\tT\t\(qual)\tPASS\t.\tAF\t\(af)

        """
        let path = dir.appendingPathComponent("case.vcf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [("nan", "0.3", #"QUAL "nan" is not a finite number"#),
                      ("inf", "0.3", #"QUAL "inf" is not a finite number"#),
                      ("60", "nan", #"the tumour sample's allele fraction (FORMAT AF/FA/FREQ or INFO TVAF) for ALT T is "nan", not a finite number"#),
                      ("60", "-inf", #"the tumour sample's allele fraction (FORMAT AF/FA/FREQ or INFO TVAF) for ALT T is "-inf", not a finite number"#)])
    func strictNamesLineAndValue(_ qual: String, _ af: String, _ problem: String) throws {
        let path = try Self.vcf(qual: qual, af: af)
        do {
            _ = try VariantFiles.read(VariantReadOptions(path: path))
            Issue.record("read a non-finite \(qual)/\(af) without an error")
        } catch let e as VariantFileError {
            #expect(e.code == .recordMalformed)
            #expect(e.description == "case.vcf: line 6: \(problem)")
        }
        let lenient = try VariantFiles.read(VariantReadOptions(path: path, malformed: .skip))
        #expect(lenient.variants.map(\.key.position) == [100])
        #expect(lenient.skipped == SkippedRecords(count: 1, reasons: ["line 6: \(problem)"]))
    }
}
