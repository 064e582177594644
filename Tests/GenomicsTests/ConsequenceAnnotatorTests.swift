import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// `ConsequenceAnnotator` against `bcftools csq -l` (1.16) on the synthetic mini-genome of
/// `Tests/Fixtures/annotate` (`scripts/make-mini-genome.py`): for every record, the multiset of BCSQ
/// entries (consequence|gene|transcript|biotype|strand|amino-acid change|DNA change) is the same.
/// Checked against bcftools run now (bcftools is required, as in `BcftoolsAgreementTests`) and
/// against the output the script stored.
@Suite("Consequences agree with bcftools csq")
struct ConsequenceAnnotatorTests {
    static func dir(_ f: String) -> String { RepoPaths.fixture("annotate/" + f).path }
    static let gff = dir("mini.gff3"), fasta = dir("mini.fa.gz"), vcf = dir("variants.vcf")

    /// (line, CHROM, POS, REF, ALTs, BCSQ entries) of a VCF's data lines.
    static func records(_ text: String) -> [(line: Int, chrom: String, pos: Int, ref: String, alts: [String], bcsq: [String])] {
        var out: [(Int, String, Int, String, [String], [String])] = []
        for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !l.hasPrefix("#") && !l.isEmpty {
            let c = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var bcsq: [String] = []
            for kv in c[7].split(separator: ";") where kv.hasPrefix("BCSQ=") {
                bcsq = kv.dropFirst(5).split(separator: ",").map(String.init)
            }
            out.append((i + 1, c[0], Int(c[1])!, c[3], c[4].split(separator: ",").map(String.init), bcsq))
        }
        return out
    }

    static func compare(reference: String) throws -> (records: Int, equal: Int, consequenceEqual: Int, aaEqual: Int, diffs: [String]) {
        let annotator = try ConsequenceAnnotator(gff: gff, reference: fasta)
        var equal = 0, csqEqual = 0, aaEqual = 0
        var diffs: [String] = []
        let recs = records(reference)
        for r in recs {
            let mine = try annotator.consequences(contig: r.chrom, position: r.pos, ref: r.ref, alts: r.alts,
                                                  site: .init(file: "variants.vcf", line: r.line)).map(\.bcsq)
            if mine.sorted() == r.bcsq.sorted() { equal += 1 } else if diffs.count < 8 {
                diffs.append("\(r.pos) \(r.ref)>\(r.alts.joined(separator: ",")): onco \(mine) bcftools \(r.bcsq)")
            }
            func field(_ s: [String], _ i: Int) -> [String] {
                s.map { $0.split(separator: "|", omittingEmptySubsequences: false) }.map { i < $0.count ? String($0[i]) : "" }.sorted()
            }
            if field(mine, 0) == field(r.bcsq, 0) { csqEqual += 1 }
            if field(mine, 5) == field(r.bcsq, 5) { aaEqual += 1 }
        }
        return (recs.count, equal, csqEqual, aaEqual, diffs)
    }

    @Test func equalsStoredBcftoolsOutput() throws {
        let text = try String(contentsOfFile: Self.dir("variants.bcsq.vcf"), encoding: .utf8)
        let r = try Self.compare(reference: text)
        #expect(r.records > 2000)
        #expect(r.equal == r.records, "\(r.equal)/\(r.records) records equal; consequence \(r.consequenceEqual), amino-acid change \(r.aaEqual); \(r.diffs)")
    }

    @Test func equalsBcftoolsRunNow() throws {
        let text = try Fx.shell("bcftools csq -l --no-version -f \(Fx.quote(Self.fasta)) -g \(Fx.quote(Self.gff)) \(Fx.quote(Self.vcf)) 2>/dev/null")
        let r = try Self.compare(reference: text)
        #expect(r.records > 2000)
        #expect(r.equal == r.records, "\(r.equal)/\(r.records) records equal; \(r.diffs)")
    }

    // MARK: Bad input

    static func temp(_ name: String, _ text: String) throws -> String {
        let d = try makeTemporaryDirectory("onco-annotate")
        let p = d.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func gffWithoutCDSIsRefused() throws {
        let gff = try String(contentsOfFile: Self.gff, encoding: .utf8).split(separator: "\n").filter { !$0.contains("\tCDS\t") }.joined(separator: "\n")
        let p = try Self.temp("nocds.gff3", gff)
        do { _ = try ConsequenceAnnotator(gff: p, reference: Self.fasta); Issue.record("accepted") } catch let e as AnnotationInputError {
            #expect(e.description.hasPrefix("nocds.gff3: column 3 (type): no CDS line"))
        }
    }

    @Test func gffBadNumberNamesLineAndColumn() throws {
        var lines = try String(contentsOfFile: Self.gff, encoding: .utf8).split(separator: "\n").map(String.init)
        let i = lines.firstIndex { $0.contains("\tCDS\t") }!
        var c = lines[i].split(separator: "\t").map(String.init)
        c[3] = "12x"
        lines[i] = c.joined(separator: "\t")
        let p = try Self.temp("bad.gff3", lines.joined(separator: "\n"))
        do { _ = try ConsequenceAnnotator(gff: p, reference: Self.fasta); Issue.record("accepted") } catch let e as AnnotationInputError {
            #expect(e.description == "bad.gff3: line \(i + 1): column 4 (start): \"12x\" is not a positive number")
        }
    }

    @Test func contigMissingFromFastaIsNamed() throws {
        let a = try ConsequenceAnnotator(gff: Self.gff, reference: Self.fasta)
        do { _ = try a.consequences(contig: "chr9", position: 100, ref: "A", alts: ["C"], site: .init(file: "case.vcf", line: 31)); Issue.record("accepted") }
        catch let e as AnnotationInputError {
            #expect(e.description == "mini.fa.gz: contig \"chr9\" of case.vcf line 31 (CHROM) is not in the reference FASTA; is it the same genome build?")
        }
    }

    @Test func refMismatchNamesLineAndField() throws {
        let a = try ConsequenceAnnotator(gff: Self.gff, reference: Self.fasta)
        let r = Self.records(try String(contentsOfFile: Self.vcf, encoding: .utf8)).first { $0.pos > 3010 && $0.pos < 3140 && $0.ref.count == 1 }!
        let wrong = ["A", "C", "G", "T"].first { $0 != r.ref }!
        do { _ = try a.consequences(contig: "chr1", position: r.pos, ref: wrong, alts: [r.ref], site: .init(file: "case.vcf", line: 12)); Issue.record("accepted") }
        catch let e as AnnotationInputError { #expect(e.description.hasPrefix("case.vcf: line 12: REF: base \(wrong) at chr1:\(r.pos) differs")) }
    }
}
