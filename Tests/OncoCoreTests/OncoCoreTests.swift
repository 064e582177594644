import Testing
import OncoCore
import _TestSupport

@Suite struct AminoAcidTests {
    @Test(arguments: [
        ("p.Val600Glu", "p.V600E"), ("ENSP00000288602.6:p.Val600Glu", "p.V600E"),
        ("p.Glu746_Ala750del", "p.E746_A750del"), ("p.Arg213Ter", "p.R213*"), ("p.V600E", "p.V600E"),
        ("p.Gly12AspfsTer3", "p.G12Dfs*3"), ("p.Leu858Arg", "p.L858R"),
    ])
    func shortForm(long: String, short: String) {
        #expect(AminoAcid.shortHGVSp(long) == short)
    }

    @Test(arguments: [
        ("p.V600E", "p.Val600Glu"), ("p.E746_A750del", "p.Glu746_Ala750del"), ("p.R213*", "p.Arg213Ter"),
        ("p.Val600Glu", "p.Val600Glu"), ("V600E", "p.Val600Glu"),
    ])
    func longForm(short: String, long: String) {
        #expect(AminoAcid.longHGVSp(short) == long)
    }
}

@Suite struct CoreTypeTests {
    @Test func chromosomeNames() {
        #expect(Chromosome.normalise("chr7") == "7")
        #expect(Chromosome.normalise("7") == "7")
        #expect(Chromosome.normalise("chrM") == "MT")
        #expect(Chromosome.normalise("chrX") == "X")
        // The byte path and the Character path agree at their edges.
        #expect(Chromosome.normalise("CHR12") == "12" && Chromosome.normalise("Chr_Un") == "_Un")
        #expect(Chromosome.normalise("chr") == "chr" && Chromosome.normalise("M") == "MT" && Chromosome.normalise("chrMT") == "MT")
        #expect(Chromosome.normalise("chr\r\n") == "\r\n")
        #expect(Chromosome.normalise("chr\u{301}7") == "chr\u{301}7")      // ŕ is not r: nothing stripped
        #expect(Chromosome.normalise("chré") == "é" && Chromosome.normalise("Ω") == "Ω")
    }

    @Test func buildFromText() {
        #expect(GenomeBuild(parsing: "GRCh37") == .grch37)
        #expect(GenomeBuild(parsing: "hg19") == .grch37)
        #expect(GenomeBuild(parsing: "hg38") == .grch38)
        #expect(GenomeBuild.detect(chromosome1Length: 249_250_621) == .grch37)
        #expect(GenomeBuild.detect(contigLengths: ["chr1": 248_956_422, "chr7": 159_345_973]) == .grch38)
    }

    @Test func variantKeyOrder() {
        let a = VariantKey(build: .grch37, chrom: "chr2", position: 10, ref: "A", alt: "T")
        let b = VariantKey(build: .grch37, chrom: "10", position: 5, ref: "A", alt: "T")
        #expect(a < b)
        #expect(a.chrom == "2")
        #expect(a.description == "GRCh37:2:10:A>T")
    }

    @Test func smallCellsAreSuppressed() {
        let dc = DisclosureControl()
        #expect(dc.display(0) == "0")
        #expect(dc.display(3) == "<5")
        #expect(dc.display(5) == "5")
        #expect(DisclosureControl(minimumCount: 10).display(9) == "<10")
    }

    @Test func patientKeysAreRedactedInDescriptions() {
        let k = PatientKey("abc123")
        #expect("\(k)" == "PatientKey(<redacted>)")
        #expect(k.rawValue == "abc123")
    }

    @Test func stages() {
        #expect(Stage.normalise("Stage IIIA") == "III")
        #expect(Stage.normalise("IV") == "IV")
        #expect(Stage.ordinal("Stage IB") == 1)
        #expect(Stage.normalise("[Not Available]") == nil)
        #expect(Stage.normalise("Indeterminate") == nil)
        #expect(Stage.normalise("IIIC") == "III")
    }
}

/// The byte-level HGVSp spelling: every form onco meets, and text that is not ASCII.
@Suite struct AminoAcidSpellingTests {
    @Test func shortForms() {
        let cases: [(String, String)] = [
            ("p.Val600Glu", "p.V600E"), ("ENSP00000288602.6:p.Val600Glu", "p.V600E"), ("p.Glu746_Ala750del", "p.E746_A750del"),
            ("p.Arg213Ter", "p.R213*"), ("p.Gly12Cys", "p.G12C"), ("p.V600E", "p.V600E"), ("V600E", "p.V600E"),
            ("p.Leu858Arg", "p.L858R"), ("p.Ser249Cys", "p.S249C"), ("p.Thr790Met", "p.T790M"),
            ("ENSP1:p.Ser%3D", "p.S="), ("p.Pro%3D", "p.P="), ("p.Lys%3d", "p.K%3d"), ("", ""), ("p.", "p."),
            ("p.Glu746_Ala750delinsGlnPro", "p.E746_A750delinsQP"), ("p.Arg97ProfsTer23", "p.R97Pfs*23"),
            ("p.Met1?", "p.M1?"), ("p.Ter110GlnextTer17", "p.*110Qext*17"), ("p.(Val600Glu)", "p.(V600E)"),
            ("p.Xaa5Val", "p.X5V"), ("p.Sec3Pyl", "p.U3O"), ("p.Valé600", "p.Vé600"), ("p.É600Glu", "p.É600E"),
        ]
        for (input, expected) in cases { #expect(AminoAcid.shortHGVSp(input) == expected, "\(input)") }
    }

    @Test func longForms() {
        let cases: [(String, String)] = [
            ("p.V600E", "p.Val600Glu"), ("V600E", "p.Val600Glu"), ("p.R213*", "p.Arg213Ter"), ("p.R213X", "p.Arg213Ter"),
            ("p.E746_A750del", "p.Glu746_Ala750del"), ("p.Val600Glu", "p.Val600Glu"), ("ENSP1:p.G12C", "p.Gly12Cys"),
            ("p.R97Pfs*23", "p.Arg97ProfsTer23"), ("p.S%3D", "p.Ser="), ("", ""), ("p.", "p."), ("p.B12Z", "p.B12Z"),
            ("p.É600E", "p.É600Glu"), ("p.V600É", "p.Val600É"),
        ]
        for (input, expected) in cases { #expect(AminoAcid.longHGVSp(input) == expected, "\(input)") }
    }
}
