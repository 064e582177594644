import Foundation
import Genomics
import Testing
import _TestSupport

/// RefSeq GFF3 (issue #21): `mini.refseq.gff3`, the NCBI-form twin of the mini-genome's Ensembl GFF3
/// (`scripts/make-mini-genome.py`: seqid NC_000001.11, ID=gene-/rna-, gene_biotype, transcript_id, no UTR
/// lines, tag=MANE Select / RefSeq Select). bcftools csq 1.16 does not read RefSeq GFF3 ("Parent=transcript:
/// not present"), so onco's RefSeq run is compared with onco's Ensembl run (whole CSQ values) and with
/// bcftools on the Ensembl twin (BCSQ), the ids mapped.
@Suite("RefSeq GFF3 reads as its Ensembl twin")
struct RefSeqGFF3Tests {
    static func dir(_ f: String) -> String { RepoPaths.fixture("annotate/" + f).path }
    static let ensembl = dir("mini.gff3"), refseq = dir("mini.refseq.gff3"), fasta = dir("mini.fa.gz"), vcf = dir("variants.vcf")

    /// RefSeq ids → the Ensembl twin's (transcripts first: the GeneIDs are inside the accessions).
    static let ids: [(String, String)] = (1...4).map { ("NM_90000\($0).1", "TX\($0)") } + [("NR_900005.1", "TX5")]
        + (1...5).map { ("90000\($0)", "GENE\($0)") }
    static func mapped(_ s: String) -> String {
        var s = s
        for (r, e) in ids { s = s.replacingOccurrences(of: r, with: e) }
        return s
    }

    static func records() throws -> [(line: Int, pos: Int, ref: String, alts: [String], bcsq: [String])] {
        let text = try String(contentsOfFile: dir("variants.bcsq.vcf"), encoding: .utf8)
        var out: [(Int, Int, String, [String], [String])] = []
        for (i, l) in text.split(separator: "\n").enumerated() where !l.hasPrefix("#") {
            let c = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let bcsq = c[7].split(separator: ";").first { $0.hasPrefix("BCSQ=") }.map { $0.dropFirst(5).split(separator: ",").map(String.init) } ?? []
            out.append((i + 1, Int(c[1])!, c[3], c[4].split(separator: ",").map(String.init), bcsq))
        }
        return out
    }

    @Test func csqEqualsTheEnsemblTwinAndBcsqEqualsBcftools() throws {
        let e = try ConsequenceAnnotator(gff: Self.ensembl, reference: Self.fasta)
        let r = try ConsequenceAnnotator(gff: Self.refseq, reference: Self.fasta)
        let recs = try Self.records()
        #expect(recs.count == 2830)
        var csqEqual = 0, bcsqEqual = 0, mane = 0, annotated = 0
        var diffs: [String] = []
        for rec in recs {
            let site = ConsequenceAnnotator.Site(file: "variants.vcf", line: rec.line)
            let ev = try e.csqValue(contig: "chr1", position: rec.pos, ref: rec.ref, alts: rec.alts, site: site)
            let rv = try r.csqValue(contig: "chr1", position: rec.pos, ref: rec.ref, alts: rec.alts, site: site)
            if rv != nil { annotated += 1 }
            // Fields: ...|STRAND|CANONICAL|MANE_SELECT|PICK|BCSQ. The twin tags ALPHA, BETA, GAMMA MANE Select,
            // DELTA RefSeq Select; the Ensembl file tags all four Ensembl_canonical and none MANE.
            let entries = (rv ?? "").split(separator: ",").map { entry -> String in
                var f = entry.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                let expectMane = ["NM_900001.1", "NM_900002.1", "NM_900003.1"].contains(f[6])
                if f[13] == (expectMane ? "YES" : "") { mane += 1 }
                f[13] = ""
                return Self.mapped(f.joined(separator: "|"))
            }
            if entries.joined(separator: ",") == (ev ?? "") { csqEqual += 1 } else if diffs.count < 5 { diffs.append("\(rec.pos): \(entries) vs \(ev ?? "-")") }
            let mine = try r.consequences(contig: "chr1", position: rec.pos, ref: rec.ref, alts: rec.alts, site: site).map { Self.mapped($0.bcsq) }
            if mine.sorted() == rec.bcsq.sorted() { bcsqEqual += 1 }
        }
        #expect(annotated > 2500)
        #expect(csqEqual == recs.count, "\(csqEqual)/\(recs.count) CSQ values equal: \(diffs)")
        #expect(bcsqEqual == recs.count, "\(bcsqEqual)/\(recs.count) BCSQ equal to bcftools on the Ensembl twin")
        #expect(mane > 2500)
    }

    static func variant(_ edit: (inout [String]) -> Void) throws -> String {
        var lines = try String(contentsOfFile: refseq, encoding: .utf8).split(separator: "\n").map(String.init)
        edit(&lines)
        let d = try makeTemporaryDirectory("onco-refseq")
        let p = d.appendingPathComponent("edited.gff3").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    /// Without the region line the accession table maps NC_000001.11 (GRCh38) and NC_000001.10 (GRCh37) to 1 → chr1.
    @Test func accessionTableMapsBothBuilds() throws {
        for accession in ["NC_000001.11", "NC_000001.10"] {
            let p = try Self.variant { lines in
                lines.removeAll { $0.contains("\tregion\t") }
                lines = lines.map { $0.replacingOccurrences(of: "NC_000001.11", with: accession) }
            }
            let a = try ConsequenceAnnotator(gff: p, reference: Self.fasta)
            let c = try a.consequences(contig: "chr1", position: 2062, ref: "T", alts: ["C"], site: .init(file: "v.vcf", line: 1))
            #expect(c.map(\.bcsq) == ["start_lost|ALPHA|NM_900001.1|protein_coding|+"], "\(accession)")
        }
    }

    @Test func unknownAccessionIsNamed() throws {
        let p = try Self.variant { lines in
            lines.removeAll { $0.contains("\tregion\t") }
            lines = lines.map { $0.replacingOccurrences(of: "NC_000001.11", with: "NC_000001.9") }
        }
        do { _ = try ConsequenceAnnotator(gff: p, reference: Self.fasta); Issue.record("accepted") } catch let e as AnnotationInputError {
            #expect(e.description.hasPrefix("edited.gff3: line 6: column 1 (seqid): \"NC_000001.9\" is a RefSeq accession of no GRCh37 or GRCh38 chromosome"), "\(e)")
        }
    }

    @Test func cdsWithoutParentIsNamed() throws {
        var at = 0
        let p = try Self.variant { lines in
            at = lines.firstIndex { $0.contains("\tCDS\t") }!
            lines[at] = lines[at].replacingOccurrences(of: "Parent=rna-NM_900001.1;", with: "")
        }
        do { _ = try ConsequenceAnnotator(gff: p, reference: Self.fasta); Issue.record("accepted") } catch let e as AnnotationInputError {
            #expect(e.description == "edited.gff3: line \(at + 1): column 9 (Parent): a CDS line needs Parent=transcript:ID (Ensembl GFF3) or Parent=rna-ID (RefSeq GFF3)")
        }
    }
}
