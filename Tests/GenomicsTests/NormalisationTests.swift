import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// Allele trimming by hand, and left-alignment against a reference compared with `bcftools norm -f`.
@Suite("Normalisation: trimming and left-alignment")
struct NormalisationTests {
    /// Worked by hand: suffix first, then prefix, one base kept on each side.
    @Test func trimmingByHand() {
        func t(_ p: Int, _ r: String, _ a: String) -> String {
            let n = AlleleNormalisation.trim(position: p, ref: r, alt: a)
            return "\(n.position):\(n.ref)>\(n.alt)"
        }
        #expect(t(100, "CTT", "CT") == "100:CT>C")          // suffix T shared → CT>C
        #expect(t(100, "TAGC", "TAGCAGCAGC") == "100:T>TAGCAGC") // C, G, A trimmed from the right
        #expect(t(100, "GCAT", "GCAC") == "103:T>C")        // MNP-looking SNV: prefix GCA trimmed
        #expect(t(100, "TG", "CA") == "100:TG>CA")          // a true MNP is kept
        #expect(t(100, "A", "T") == "100:A>T")
        #expect(t(100, "ACGT", "ACGT") == "100:ACGT>ACGT")  // no change allele: untouched
        #expect(t(100, "G", "<DEL>") == "100:G><DEL>")       // symbolic: untouched
        #expect(t(100, "C", "]15:80623247]C") == "100:C>]15:80623247]C")
        #expect(t(100, "aCTT", "acT") == "101:CT>c")        // bases compared case-insensitively, case kept
    }

    /// Indels placed at the right end of repeats in real human sequence (samtools' `mpileup.ref.fa`,
    /// 17:1-4200 of GRCh37, and the two `ex1.fa` contigs of NCBI36) are left-aligned exactly as
    /// `bcftools norm -f REF -m-any` does. The indels are generated (seeded) from the reference itself:
    /// a deletion or duplication of 1-6 bases at every 7th position, written right-shifted where the
    /// sequence repeats.
    @Test(arguments: ["hts/mpileup.ref.fa", "debian/ex1.fa"])
    func leftAlignmentEqualsBcftoolsNorm(_ fasta: String) throws {
        let ref = Fx.path(fasta)
        let dir = try makeTemporaryDirectory("onco-norm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let contigs = try Self.readFasta(ref)
        var rng = SeededGenerator(seed: 20_261_129)
        var lines = ["##fileformat=VCFv4.2"]
        lines += contigs.map { "##contig=<ID=\($0.name),length=\($0.seq.count)>" }
        lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
        for (name, seq) in contigs {
            var p = 20
            while p < seq.count - 40 {
                let len = Int.random(in: 1...6, using: &rng)
                // Shift right while the repeat continues (the form a caller may emit, not the normal one).
                var q = p
                while q + len < seq.count - 20, seq[q + 1] == seq[q + 1 + len] { q += 1 }
                let anchor = q
                let unit = String(seq[(anchor + 1)...(anchor + len)])
                if Bool.random(using: &rng) {
                    lines.append("\(name)\t\(anchor + 1)\t.\t\(seq[anchor])\(unit)\t\(seq[anchor])\t.\tPASS\t.")  // deletion
                } else {
                    lines.append("\(name)\t\(anchor + 1)\t.\t\(seq[anchor])\t\(seq[anchor])\(unit)\t.\tPASS\t.")  // duplication
                }
                p += 7
            }
        }
        let vcf = dir.appendingPathComponent("indels.vcf")
        try (lines.joined(separator: "\n") + "\n").write(to: vcf, atomically: true, encoding: .utf8)
        // bcftools norm needs records sorted by the normalised position only for its own output order;
        // compare as sorted sets.
        let expected = Fx.referenceSites(try Fx.bcftoolsSplitSites(vcf.path, extra: ["-f", ref]))
        let calls = try VariantFiles.read(VariantReadOptions(path: vcf.path, referenceFasta: ref))
        let got = calls.variants.map { v in
            [v.key.chrom, String(v.key.position), v.key.ref, v.key.alt, v.filters.joined(separator: ";")].joined(separator: "\t")
        }.sorted()
        #expect(got.count > 300)
        #expect(got.count == expected.count)
        let diff = got.difference(from: expected)
        #expect(diff.isEmpty, "\(Array(diff.prefix(6)))")
        // And the test is not vacuous: many variants moved left.
        let moved = zip(calls.variants, lines.filter { !$0.hasPrefix("#") }).filter { v, l in
            v.key.position != Int(l.split(separator: "\t")[1])!
        }.count
        #expect(moved > 50, "only \(moved) indels moved")
    }

    /// A REF that disagrees with the reference is only trimmed (bcftools norm would stop with an error).
    @Test func refMismatchIsOnlyTrimmed() throws {
        let ref = try ReferenceGenome(path: Fx.path("hts/mpileup.ref.fa"))
        let genome = try #require(ref.bases(contig: "17", start: 1000, end: 1003))
        let wrong = genome[0] == UInt8(ascii: "A") ? "CC" : "AC"
        let n = AlleleNormalisation.normalise(contig: "17", position: 1000, ref: wrong, alt: String(wrong.prefix(1)), reference: ref)
        #expect(n.position == 1000 && n.ref == wrong && n.alt == String(wrong.prefix(1)))
    }

    @Test func referenceContigsMatchWithOrWithoutChr() throws {
        let ref = try ReferenceGenome(path: Fx.path("hts/mpileup.ref.fa"))
        #expect(ref.resolve("chr17") == "17")
        #expect(ref.bases(contig: "chr17", start: 1, end: 4) == ref.bases(contig: "17", start: 1, end: 4))
        #expect(ref.resolve("18") == nil)
    }

    static func readFasta(_ path: String) throws -> [(name: String, seq: [Character])] {
        var out: [(String, [Character])] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            if line.hasPrefix(">") {
                out.append((String(line.dropFirst().split(separator: " ")[0]), []))
            } else {
                out[out.count - 1].1 += Array(line.uppercased())
            }
        }
        return out
    }
}
