import Foundation
@testable import Genomics
import Testing
import _TestSupport

/// Issue #21's bad input "a FASTA whose contigs miss the VCF's": at start-up, a GFF3 transcript past its
/// contig's end in the FASTA, or a VCF `##contig` length other than the FASTA's, is an error naming the
/// file, line and field, and `onco annotate` writes nothing.
@Suite("Annotation start-up: GFF3, VCF and FASTA contigs agree")
struct AnnotationContigCheckTests {
    static func fx(_ f: String) -> String { RepoPaths.fixture("annotate/" + f).path }

    @Test func gffTranscriptPastTheFastaContigIsNamed() throws {
        let dir = try makeTemporaryDirectory("onco-contig-gff")
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = try String(contentsOfFile: Self.fx("mini.gff3"), encoding: .utf8).components(separatedBy: "\n")
        let i = try #require(lines.firstIndex { $0.contains("ID=transcript:TX3;") })
        var cols = lines[i].components(separatedBy: "\t")
        cols[4] = "60050"  // mini.fa.gz's chr1 has 60,000 bases
        lines[i] = cols.joined(separator: "\t")
        let gff = dir.appendingPathComponent("long.gff3").path
        try lines.joined(separator: "\n").write(toFile: gff, atomically: true, encoding: .utf8)
        let e = try #require(throws: AnnotationInputError.self) { try ConsequenceAnnotator(gff: gff, reference: Self.fx("mini.fa.gz")) }
        #expect(e.file == "long.gff3")
        #expect(e.line == i + 1)
        #expect(e.field == "column 5 (end)")
        #expect(e.problem.contains("transcript TX3 ends at 60050, past the end of contig chr1 in mini.fa.gz (60000 bases)"), "\(e)")
    }

    @Test func vcfContigLengthOtherThanTheFastaWritesNothing() throws {
        let dir = try makeTemporaryDirectory("onco-contig-vcf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: Self.fx("variants.vcf"), encoding: .utf8)
            .replacingOccurrences(of: "##contig=<ID=chr1,length=60000>", with: "##contig=<ID=chr1,length=59000>")
        let vcf = dir.appendingPathComponent("other-build.vcf").path
        try text.write(toFile: vcf, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.vcf").path
        let annotator = try ConsequenceAnnotator(gff: Self.fx("mini.gff3"), reference: Self.fx("mini.fa.gz"))
        let e = try #require(throws: AnnotationInputError.self) { try VCFAnnotationWriter.annotate(input: vcf, output: out, annotator: annotator) }
        #expect(e.file == "other-build.vcf")
        #expect(e.line == 2)
        #expect(e.field == "##contig length")
        #expect(e.problem.contains("contig chr1 has length=59000, but chr1 of mini.fa.gz has 60000 bases"), "\(e)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["other-build.vcf"])
    }

    @Test func matchingLengthsAnnotate() throws {
        let dir = try makeTemporaryDirectory("onco-contig-ok")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.vcf").path
        let annotator = try ConsequenceAnnotator(gff: Self.fx("mini.gff3"), reference: Self.fx("mini.fa.gz"))
        let s = try VCFAnnotationWriter.annotate(input: Self.fx("variants.vcf"), output: out, annotator: annotator)
        #expect(s.records == 2830)
        #expect(FileManager.default.fileExists(atPath: out))
    }
}
