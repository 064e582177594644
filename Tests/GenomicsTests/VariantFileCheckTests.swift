import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// `VariantFiles.check` (the batch file-check pre-flight) and `VariantFiles.checkAlignment`: record and
/// sample counts agree with bcftools on every VCF/BCF fixture; malformed records fail or are counted
/// exactly as `VariantFileReader` reads them; damaged streams are truncations.
@Suite("Variant file check")
struct VariantFileCheckTests {
    init() { VariantFiles.setHTSlibMessages(enabled: false) }

    @Test(arguments: Fx.variantFiles)
    func countsAgreeWithBcftools(_ relative: String) throws {
        let path = Fx.path(relative)
        // Lenient: two fixtures have a line the strict checks refuse (vcf2maf/test_varscan.vcf line 110 ALT "A/T",
        // htslib/tabix__vcf_file.vcf line 38 INFO/AC against Number=A); bcftools counts them as records too.
        let c = try VariantFiles.check(path: path, malformed: .skip)
        let records = try run("sh", ["-c", "bcftools view -H '\(path)' | wc -l"])
        let samples = try run("bcftools", ["query", "-l", path])
        #expect(c.records == Int(records.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(relative)")
        #expect(c.samples == samples.stdout.split(separator: "\n").count, "\(relative)")
        #expect(c.format == (relative.hasSuffix(".bcf") ? .bcf : .vcf))
        #expect((c.skipped.count > 0) == ["vcf2maf/test_varscan.vcf", "htslib/tabix__vcf_file.vcf"].contains(relative), "\(relative)")
    }

    @Test func malformedRecordFailsOrIsCounted() throws {
        let path = Fx.path("bad/alt_empty.vcf")
        #expect(throws: VariantFileError(.recordMalformed, path: path, location: .line(18), problem: #"ALT "" is empty"#)) {
            try VariantFiles.check(path: path)
        }
        let lenient = try VariantFiles.check(path: path, malformed: .skip)
        #expect(lenient.records == 2 && lenient.samples == 2 && lenient.sampleIndex == nil)
        #expect(lenient.skipped == SkippedRecords(count: 1, reasons: [#"line 18: ALT "" is empty"#]))
        #expect(lenient.compression == .none && lenient.build == .grch37 && lenient.annotation == "CSQ" && lenient.index == nil)
        // The same defect in a BCF (decoded record, REF/ALT check) and in a BGZF file with its index.
        #expect(throws: VariantFileError.self) { try VariantFiles.check(path: Fx.path("bad/alt_invalid.bcf")) }
        let bgzf = try VariantFiles.check(path: Fx.path("bad/info_int_text.bgzf.vcf.gz"), malformed: .skip)
        #expect(bgzf.compression == .bgzf && bgzf.index == "tbi" && bgzf.skipped.count == 1)
    }

    @Test func sampleIsCheckedWithoutEchoingIt() throws {
        let path = Fx.path("bad/alt_empty.vcf")
        #expect(try VariantFiles.check(path: path, sample: "TUMOR", malformed: .skip).sampleIndex == 1)
        do {
            _ = try VariantFiles.check(path: path, sample: "PATIENT-0042")
            Issue.record("an unknown sample was accepted")
        } catch let e as VariantFileError {
            #expect(e.code == .sampleUnknown && !e.description.contains("PATIENT"))
            #expect(e.problem == "not a sample of the VCF (it has 2 sample columns)")
        }
    }

    @Test func damagedStreamsAreTruncations() throws {
        let dir = try makeTemporaryDirectory("onco-check")
        let gz = Fx.path("bad/info_int_text.bgzf.vcf.gz")
        let data = try Data(contentsOf: URL(fileURLWithPath: gz))
        let noEOF = dir.appendingPathComponent("noeof.vcf.gz")
        try data.dropLast(28).write(to: noEOF)
        do {
            _ = try VariantFiles.check(path: noEOF.path)
            Issue.record("a BGZF file without its end-of-file block was accepted")
        } catch let e as VariantFileError { #expect(e.code == .truncated, "\(e)") }
        // Plain gzip cut inside the header: a truncation, not a malformed header.
        let plain = dir.appendingPathComponent("h.vcf.gz")
        let zipped = try Data(contentsOf: URL(fileURLWithPath: Fx.path("bad/alt_empty.gzip.vcf.gz")))
        try zipped.prefix(300).write(to: plain)  // of 917 bytes: inside the header
        do {
            _ = try VariantFiles.check(path: plain.path)
            Issue.record("a gzip file cut in its header was accepted")
        } catch let e as VariantFileError { #expect(e.code == .truncated, "\(e)") }
    }

    @Test func alignmentHeaderIsRead() throws {
        let bam = RepoPaths.fixture("batch/example_from_SAM_Spec.bam").path
        let a = try VariantFiles.checkAlignment(path: bam)
        #expect(a.format == .bam && a.references == 1)
        #expect(throws: VariantFileError.self) { try VariantFiles.checkAlignment(path: Fx.path("bad/alt_empty.vcf")) }
        #expect(throws: VariantFileError.self) { try VariantFiles.checkAlignment(path: "/nonexistent/x.bam") }
    }
}
