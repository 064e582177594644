@testable import Genomics
import Testing

/// HGVSp spelled from bcftools' amino-acid change field, by hand (HGVS nomenclature, VEP's spelling).
struct HGVSFromCsqTests {
    static func entry(_ bits: Int, _ aa: String) -> CsqEntry {
        CsqEntry(bits: bits, altNumber: 1, gene: "G", geneID: "G", transcript: "T", biotype: "protein_coding", forward: true,
                 variantString: "|\(aa)|1A>C", canonical: true, mane: false, codingTranscript: true)
    }

    @Test(arguments: [
        (CsqBit.missense, "132R>132H", "p.Arg132His"),
        (CsqBit.synonymous, "50L", "p.Leu50="),
        (CsqBit.stopGained, "236Q>236*", "p.Gln236Ter"),
        (CsqBit.inframeDeletion, "2PK>2P", "p.Lys3del"),
        (CsqBit.inframeDeletion, "745KELREA>745T", "p.Lys745_Ala750delinsThr"),
        (CsqBit.inframeDeletion, "746ELREA>746E", "p.Leu747_Ala750del"),
        (CsqBit.inframeInsertion, "2P>2PE", "p.Pro2_Lys3insGlu"),
        (CsqBit.inframeInsertion, "2PK>2PEK", "p.Pro2_Lys3insGlu"),
        (CsqBit.frameshift, "2PKPF*>2P*", "p.Lys3Ter"),
        (CsqBit.frameshift, "3KPFAH*>3RAFRT*", "p.Lys3ArgfsTer6"),
        (CsqBit.missense, "12GG>12CV", "p.Gly12_Gly13delinsCysVal"),
    ])
    func spelling(_ bits: Int, _ aa: String, _ expected: String) {
        let spelled = HGVSFromCsq.protein(Self.entry(bits, aa), residue: { k in k == 3 ? UInt8(ascii: "K") : nil })
        #expect(spelled == expected)
    }
}
