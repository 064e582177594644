import Foundation
import Testing
@testable import Knowledge
import OncoCore
import _TestSupport

/// The UCSC chain reader and the GRCh37 → GRCh38 lifting of the KB's exact alleles.
@Suite struct LiftoverTests {
    /// A hand-written chain with real GRCh37/GRCh38 chromosome sizes (so the builds are recognised):
    /// chain 0, chr7 '+': t[1000,1100) → q[2000,2100), gap (t 50, q 70), t[1150,1300) → q[2170,2320);
    /// chain 1, chr12 '-': t[5000,5100) → q-strand [10000,10100);
    /// chain 2, chr7 '+': t[1050,1060) → q[90000,90010), overlapping chain 0 (an ambiguous region).
    static let tiny = """
        # comment
        chain 1000 chr7 159138663 + 1000 1300 chr7 159345973 + 2000 2320 1
        100\t50\t70
        150

        chain 500 chr12 133851895 + 5000 5100 chr12 133275309 - 10000 10100 2
        100

        chain 10 chr7 159138663 + 1050 1060 chr7 159345973 + 90000 90010 3
        10
        """

    func chain() throws -> LiftoverChain { try LiftoverChain(parsing: Array(Self.tiny.utf8), file: "tiny.chain") }
    func a37(_ chrom: String, _ pos: Int, _ ref: String, _ alt: String) -> GenomicAllele {
        GenomicAllele.minimal(build: .grch37, chrom: chrom, position: pos, ref: ref, alt: alt)
    }
    func a38(_ chrom: String, _ pos: Int, _ ref: String, _ alt: String) -> GenomicAllele {
        GenomicAllele(build: .grch38, chrom: chrom, position: pos, ref: ref, alt: alt)
    }

    @Test func parsesTinyChain() throws {
        let c = try chain()
        #expect(c.chains == 3)
        #expect(c.sourceBuild == .grch37 && c.targetBuild == .grch38)
        #expect(c.blocks["7"]?.count == 3 && c.blocks["12"]?.count == 1)
        #expect(c.blocks["12"]?.first?.reverse == true)
    }

    /// '+' strand: shifted by the block's offset, both edges of a block, and the gap between blocks.
    @Test func forwardStrandBlocksAndGap() throws {
        let c = try chain()
        #expect(c.lift(a37("7", 1001, "A", "G")) == .success(a38("7", 2001, "A", "G")))   // first base of block 1
        #expect(c.lift(a37("7", 1100, "A", "G")) == .success(a38("7", 2100, "A", "G")))   // last base of block 1
        #expect(c.lift(a37("7", 1101, "A", "G")) == .failure(.unaligned))                // first base of the gap
        #expect(c.lift(a37("7", 1150, "A", "G")) == .failure(.unaligned))                // last base of the gap
        #expect(c.lift(a37("7", 1151, "A", "G")) == .success(a38("7", 2171, "A", "G")))   // block 2: offset 1020
        #expect(c.lift(a37("7", 1300, "A", "G")) == .success(a38("7", 2320, "A", "G")))
        #expect(c.lift(a37("7", 1301, "A", "G")) == .failure(.unaligned))                // past the chain
        // An MNV over the end of block 1 is not lifted, though its first base is aligned.
        #expect(c.lift(a37("7", 1099, "ACG", "TTT")) == .failure(.crossesBlockEdge))
        #expect(c.lift(a37("7", 1098, "ACG", "TTT")) == .success(a38("7", 2098, "ACG", "TTT")))
    }

    /// Indels need their anchor base (the VCF REF) in the same block: a deletion of the first base of
    /// block 2 is not lifted (its anchor is in the gap); one base later it is. Insertions likewise.
    @Test func indelsNeedTheirAnchorInTheBlock() throws {
        let c = try chain()
        #expect(c.lift(a37("7", 1150, "AC", "A")) == .failure(.crossesBlockEdge))        // minimal: 1151 C>-
        #expect(c.lift(a37("7", 1151, "AC", "A")) == .success(a38("7", 2172, "C", "")))
        #expect(c.lift(a37("7", 1151, "A", "AT")) == .success(a38("7", 2172, "", "T")))   // anchor 1151 and 1152 in block 2
        #expect(c.lift(a37("7", 1150, "A", "AT")) == .failure(.crossesBlockEdge))        // inserted after the gap's last base
        #expect(c.lift(a37("7", 1199, "A", "AT")) == .success(a38("7", 2220, "", "T")))   // minimal 1200, between 1199 and 1200
    }

    /// '-' strand: SNVs and MNVs are reverse-complemented at the mirrored position; indels are not lifted.
    @Test func reverseStrand() throws {
        let c = try chain()
        let qSize = 133_275_309
        // t 0-based 5000 is q-strand 10000, forward 0-based qSize - 1 - 10000.
        #expect(c.lift(a37("12", 5001, "A", "G")) == .success(a38("12", qSize - 10000, "T", "C")))
        // t 1-based 5011-5012 (0-based 5010, 5011): forward starts at the mirror of the last base.
        #expect(c.lift(a37("12", 5011, "AC", "GT")) == .success(a38("12", qSize - 10011, "GT", "AC")))
        #expect(c.lift(a37("12", 5100, "A", "C")) == .success(a38("12", qSize - 10099, "T", "G")))
        #expect(c.lift(a37("12", 5101, "A", "C")) == .failure(.unaligned))
        #expect(c.lift(a37("12", 5020, "AT", "A")) == .failure(.reverseStrandIndel))
        #expect(c.lift(a37("12", 5020, "A", "AT")) == .failure(.reverseStrandIndel))
    }

    /// Where two chains cover the same bases the allele maps to two places: not lifted.
    @Test func overlappingChainsAreNotLifted() throws {
        let c = try chain()
        #expect(c.lift(a37("7", 1051, "A", "G")) == .failure(.multipleChains))
        #expect(c.lift(a37("7", 1060, "A", "G")) == .failure(.multipleChains))
        #expect(c.lift(a37("7", 1061, "A", "G")) == .success(a38("7", 2061, "A", "G")))
        #expect(c.lift(a37("7", 1050, "A", "G")) == .success(a38("7", 2050, "A", "G")))
    }

    @Test(arguments: [
        ("chain 1 chr7 159138663 + 0 10 chr7 159345973 + 0 10\n10\n", 1, "chain"),                 // 12 fields
        ("chain 1 chr7 159138663 + 0 10 chr7 159345973 + 0 10 1\n5\t1\t1\n5\n", 3, "size"),         // ends at t 11
        ("10\n", 1, "chain"),                                                                    // no header
        ("chain 1 chr7 159138663 + 0 10 chr7 159345973 + 0 10 1\n10\t0\n", 2, "size"),           // 2 fields
        ("chain 1 chr7 159138663 + 0 10 chr7 159345973 + 0 10 1\n5\t1\t1\n", 1, "size"),         // no last line
        ("chain 1 chr7 159138663 + 0 10 chr7 159345973 * 0 10 1\n10\n", 1, "qStrand"),
        ("chain 1 chr7 159138663 + 0 10 chr7 159345973 + 0 10 1\nx\n", 2, "size"),
        ("chain 1 chr7 159138663 + 20 10 chr7 159345973 + 0 10 1\n10\n", 1, "tStart/tEnd"),
    ])
    func malformedChainsNameLineAndField(text: String, line: Int, field: String) {
        let e = #expect(throws: KnowledgeError.self) { try LiftoverChain(parsing: Array(text.utf8), file: "bad.chain") }
        #expect(e?.line == line && e?.field == field, "\(String(describing: e))")
        #expect(e?.description.contains("bad.chain") == true)
    }

    /// A chain of the wrong direction is refused when the KB is built, not used.
    @Test func reverseDirectionChainIsRefused() throws {
        let text = "chain 1 chr7 159345973 + 0 10 chr7 159138663 + 0 10 1\n10\n"
        let c = try LiftoverChain(parsing: Array(text.utf8), file: "hg38ToHg19.over.chain")
        #expect(c.sourceBuild == .grch38 && c.targetBuild == .grch37)
        let e = #expect(throws: KnowledgeError.self) { try AlleleLiftover.lift(rules: [], chain: c, chainPath: "liftover/x.chain") }
        #expect(e?.description.contains("GRCh37 → GRCh38") == true)
    }

    /// The shipped UCSC chain on known hotspot pairs (positions checked with pyliftover on the same chain).
    @Test(arguments: [
        ("7", 140_453_136, "A", "T", 140_753_336),    // BRAF V600E
        ("7", 55_259_515, "T", "G", 55_191_822),      // EGFR L858R
        ("12", 25_398_284, "C", "T", 25_245_350),     // KRAS G12D
        ("2", 209_113_112, "C", "T", 208_248_388),    // IDH1 R132H
    ])
    func shippedChainLiftsHotspots(chrom: String, pos: Int, ref: String, alt: String, grch38: Int) throws {
        let c = try LiftoverChain.load(Shared.kbDirectory.appendingPathComponent("liftover/hg19ToHg38.over.chain"))
        #expect(c.chains == 1278 && c.sourceBuild == .grch37 && c.targetBuild == .grch38)
        #expect(c.lift(a37(chrom, pos, ref, alt)) == .success(a38(chrom, grch38, ref, alt)))
        // The shipped index holds the same lift for the KB's allele.
        #expect(Shared.kb.liftover.lifted[a37(chrom, pos, ref, alt)] == a38(chrom, grch38, ref, alt))
    }

    /// A '-' strand chain of the shipped file (chr1 t 206072707-206332221, UCSC chain id 254): SNV and MNV
    /// reverse-complemented at the mirrored position (pyliftover on the same chain: 0-based t 206072807 →
    /// q 206268543 '-', t 206072808 → q 206268542 '-'); an indel there is not lifted.
    @Test func shippedChainReverseStrand() throws {
        let c = try LiftoverChain.load(Shared.kbDirectory.appendingPathComponent("liftover/hg19ToHg38.over.chain"))
        #expect(c.lift(a37("1", 206_072_808, "A", "G")) == .success(a38("1", 206_268_544, "T", "C")))
        #expect(c.lift(a37("1", 206_072_808, "AC", "GT")) == .success(a38("1", 206_268_543, "GT", "AC")))
        #expect(c.lift(a37("1", 206_072_808, "AC", "A")) == .failure(.reverseStrandIndel))
    }

    /// The EGFR exon 19 deletion (15 bp, '+' strand) lifts with its anchor to the GRCh38 coordinates.
    @Test func shippedIndexLiftsTheExon19Deletion() throws {
        let g37 = a37("7", 55242464, "AGGAATTAAGAGAAGC", "A")
        #expect(Shared.kb.liftover.lifted[g37] == a38("7", 55174772, "GGAATTAAGAGAAGC", ""))
    }

    /// The chain is a checked source of the index (a changed chain makes the index stale), with the
    /// SHA-256 that liftover/SOURCE.md gives.
    @Test func chainIsAnIndexedSource() throws {
        #expect(try KnowledgeLayout.sourceFiles(in: Shared.kbDirectory).contains("liftover/hg19ToHg38.over.chain"))
        #expect(Shared.kb.sources["liftover/hg19ToHg38.over.chain"]?.sha256 == "a073d8914233b5542d29761ab8ec4b3815052b13964919c12a1efb2e311fbf39")
        #expect(Shared.kb.liftover.chainPath == "liftover/hg19ToHg38.over.chain")
    }

    /// Every GRCh37 allele of the rules is accounted for: lifted or not, with a reason.
    @Test func everyAlleleIsLiftedOrCounted() throws {
        let l = Shared.kb.liftover
        var alleles: Set<GenomicAllele> = []
        for r in Shared.kb.rules.values { if let g = r.genomic, g.build == .grch37 { alleles.insert(g) } }
        #expect(Set(l.lifted.keys).union(l.notLifted.keys) == alleles)
        #expect(l.lifted.count > alleles.count * 9 / 10, "\(l.summary)")
        #expect(l.lifted.values.allSatisfy { $0.build == .grch38 })
        #expect(l.summary.hasPrefix("lifted \(l.lifted.count) of \(alleles.count) distinct GRCh37 alleles to GRCh38 (UCSC liftOver chain hg19ToHg38.over.chain)"))
    }
}

/// Bare GRCh38 calls match the KB's exact alleles through the lifted coordinates, and say so.
@Suite struct LiftedMatchingTests {
    let kb = Shared.kb

    @Test func bareGRCh38BRAFV600EMatchesExactlyAndSaysLifted() throws {
        let ctx = ClinicalContext(tumourType: OncoTreeCode("SKCM"))
        let g38 = try kb.match(variants: [variant(.grch38, "chr7", 140_753_336, "A", "T")], context: ctx)
        let g37 = try kb.match(variants: [variant(.grch37, "7", 140_453_136, "A", "T")], context: ctx)
        let m = try #require(g38.match(named: "BRAF V600E"))
        #expect(m.resolution == .exact)
        let a = try #require(m.alterations.first)
        #expect(a.condition == "CIViC allele GRCh37:7:140453136:A>T, lifted to GRCh38:7:140753336:A>T (UCSC liftOver chain hg19ToHg38.over.chain)")
        // Same profiles, evidence and first therapy as the bare GRCh37 twin; nothing unmatchable.
        #expect(Set(g38.matches.map(\.profileID)) == Set(g37.matches.map(\.profileID)))
        #expect(g38.evidenceIDs == g37.evidenceIDs && !g38.evidenceIDs.isEmpty)
        #expect(g38.therapies.first?.therapy == g37.therapies.first?.therapy)
        #expect(g38.unannotated == 1 && g38.unmatchableUnannotated == 0)
        #expect(g38.annotationWarning?.contains("lifted with the UCSC hg19ToHg38 chain") == true)
        // A MOAlmanac allele says MOAlmanac.
        #expect(g38.matches.flatMap(\.alterations).contains { $0.condition.hasPrefix("MOAlmanac allele GRCh37:7:140453136:A>T, lifted to") })
    }

    /// A call on an unknown build still cannot match and is said to be unmatchable.
    @Test func unknownBuildIsUnmatchable() throws {
        let r = try kb.match(variants: [variant(.unknown, "7", 140_753_336, "A", "T")], context: ClinicalContext(tumourType: OncoTreeCode("SKCM")))
        #expect(r.matches.isEmpty && r.unmatchableUnannotated == 1)
        #expect(r.annotationWarning?.contains("neither GRCh37 nor GRCh38") == true)
    }

    /// The bare GRCh38 exon 19 deletion now matches its exact allele too, like its GRCh37 twin.
    @Test func bareGRCh38Exon19DeletionMatchesLiftedAllele() throws {
        let ctx = ClinicalContext(tumourType: OncoTreeCode("LUAD"))
        let r38 = try kb.match(variants: [Hotspots.egfrDel19(.grch38, annotated: false, exon: false)], context: ctx)
        let r37 = try kb.match(variants: [Hotspots.egfrDel19(.grch37, annotated: false, exon: false)], context: ctx)
        let m = try #require(r38.match(named: "EGFR E746_A750del"))
        #expect(m.resolution == .exact && m.alterations.contains { $0.condition.contains("lifted to GRCh38:7:55174772:GGAATTAAGAGAAGC>-") })
        #expect(Set(r38.matches.map(\.profileID)) == Set(r37.matches.map(\.profileID)))
    }
}
