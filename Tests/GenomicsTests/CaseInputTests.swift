// Copy-number, fusion, MSI, panel-BED and MAF case inputs (issue #21 points 3-6). Fixtures: Tests/Fixtures/caseinputs,
// written by its make_fixtures.py (synthetic, in each tool's layout; see that folder's SOURCE.md).
import Foundation
import OncoCore
import Testing
import _TestSupport
@testable import Genomics

@Suite struct CaseInputTests {
    static func fx(_ name: String) -> String { RepoPaths.fixture("caseinputs/" + name).path }
    static let spansPath = RepoPaths.knowledgeBase("genes/gene_spans.tsv").path
    static func spans37() throws(CaseInputError) -> GeneSpans { try GeneSpans(path: spansPath, build: .grch37) }

    // MARK: gene spans

    /// The shipped table: ERBB2 on both builds as org.Hs.eg.db (GRCh38) and the hg38ToHg19 lift (GRCh37) give it.
    @Test func shippedSpans() throws {
        let g38 = try GeneSpans(path: Self.spansPath, build: .grch38), g37 = try Self.spans37()
        #expect(g38.containing("chr17", 39_700_000).map(\.gene).contains("ERBB2"))
        #expect(g37.containing("17", 37_860_000).map(\.gene).contains("ERBB2"))
        #expect(g37.containing("17", 39_700_000).map(\.gene).contains("ERBB2") == false)
        let alk = try #require(g37.containing("2", 29_446_394).first { $0.gene == "ALK" })
        #expect(!alk.plusStrand && alk.start == 29_415_639 && alk.end == 30_144_452)
        #expect(throws: CaseInputError.self) { try GeneSpans(path: Self.spansPath, build: .unknown) }
    }

    // MARK: copy number

    /// CNVkit log2 → copy number exactly as `cnvkit.py call -m threshold` with its defaults (ploidy 2):
    /// ≤ −1.1 → 0, ≤ −0.25 → 1, ≤ 0.2 → 2, ≤ 0.7 → 3, above ⌈2·2^log2⌉ (2.3 → ⌈9.85⌉ = 10; 0.71 → ⌈3.27⌉ = 4).
    @Test(arguments: [(-2.6, 0.0), (-1.1, 0), (-1.0, 1), (-0.25, 1), (0.0, 2), (0.2, 2), (0.45, 3), (0.7, 3), (0.71, 4), (2.3, 10), (1.0, 4)])
    func cnvkitThresholds(log2: Double, copies: Double) {
        #expect(CopyNumberRule().copyNumber(log2: log2) == copies)
    }

    /// The same tumour in five layouts gives the same gene calls: ERBB2 amplified (segment CN 10 ≥ 6), CDKN2A
    /// and CDKN2B (inside the CN 0 segment) deeply deleted, EGFR (CN 3) not called. Hand-checked against
    /// gene_spans.tsv: the ERBB2 segment is 17:37,744,346-37,984,911, the deletion 9:21,917,750-22,045,323.
    @Test(arguments: [("brca_erbb2.cnvkit.cns", CopyNumberFormat.cnvkit), ("brca_erbb2.cnvkit.call.cns", .cnvkit),
                      ("brca_erbb2.purple.cnv.somatic.tsv", .purple), ("brca_erbb2.ascat.segments.txt", .ascat),
                      ("brca_erbb2.cnvkit.vcf", .vcf)])
    func segmentFormats(file: String, format: CopyNumberFormat) throws {
        #expect(try CopyNumberFile.detect(path: Self.fx(file)) == format)
        let c = try CopyNumberFile.read(path: Self.fx(file), format: nil, genes: Self.spans37)
        #expect(c.format == format)
        #expect(c.alterations.map { "\($0.gene) \($0.kind.rawValue)" } == ["CDKN2A deletion", "CDKN2B deletion", "ERBB2 amplification"])
        let erbb2 = try #require(c.alterations.first { $0.gene == "ERBB2" })
        #expect(erbb2.copyNumber.map { $0 >= 10 && $0 < 10.1 } == true)
        #expect(c.method.contains("amplification CN >= 6") && c.method.contains("GRCh37 gene spans"))
    }

    /// On GRCh38 spans the GRCh37 segments miss ERBB2 (its GRCh38 span is 2 Mb away): the build matters.
    @Test func wrongBuildMissesTheGene() throws {
        let c = try CopyNumberFile.read(path: Self.fx("brca_erbb2.cnvkit.cns"), format: .cnvkit,
                                        genes: { () throws(CaseInputError) in try GeneSpans(path: Self.spansPath, build: .grch38) })
        #expect(!c.alterations.contains { $0.gene == "ERBB2" })
    }

    /// cBioPortal discrete: the chosen sample's 2 / −2 are calls, NA and −1/0/1 are not; two samples need a choice.
    @Test func cbioportalDiscrete() throws {
        let path = Self.fx("data_CNA.txt")
        let noSpans = { () throws(CaseInputError) -> GeneSpans in Issue.record("gene spans are not needed"); return try Self.spans37() }
        let one = try CopyNumberFile.read(path: path, format: nil, sample: "CASE-01", genes: noSpans)
        #expect(one.alterations == [CopyNumberAlteration(gene: "CDKN2A", kind: .deletion), CopyNumberAlteration(gene: "ERBB2", kind: .amplification)])
        let two = try CopyNumberFile.read(path: path, format: .cbioportal, sample: "CASE-02", genes: noSpans)
        #expect(two.alterations == [CopyNumberAlteration(gene: "EGFR", kind: .amplification), CopyNumberAlteration(gene: "PTEN", kind: .deletion)])
        let e = try #require(throws: CaseInputError.self) { try CopyNumberFile.read(path: path, format: nil, genes: noSpans) }
        #expect(e.code == .unknownSample && e.description == "data_CNA.txt line 1: 2 sample columns: name the case's sample column")
    }

    /// A segment whose start is after its end: the file, line and field are named; so is a bad log2.
    @Test func badSegments() throws {
        let e = try #require(throws: CaseInputError.self) {
            try CopyNumberFile.read(path: Self.fx("bad/segments-start-after-end.cns"), format: nil, genes: Self.spans37)
        }
        #expect(e.code == .badInterval && e.line == 3 && e.field == "start")
        #expect(e.description == "segments-start-after-end.cns line 3, field 'start': start 37944346 is after end 37844346")
        let dir = try makeTemporaryDirectory("caseinputs-bad")
        let nan = dir.appendingPathComponent("nan.cns").path
        try "chromosome\tstart\tend\tlog2\nchr1\t0\t100\tnan\n".write(toFile: nan, atomically: true, encoding: .utf8)
        let n = try #require(throws: CaseInputError.self) { try CopyNumberFile.read(path: nan, format: nil, genes: Self.spans37) }
        #expect(n.code == .badValue && n.line == 2 && n.field == "log2")
        let unknown = dir.appendingPathComponent("x.tsv").path
        try "chrom\tbegin\tstop\tvalue\n1\t1\t2\t3\n".write(toFile: unknown, atomically: true, encoding: .utf8)
        let u = try #require(throws: CaseInputError.self) { try CopyNumberFile.detect(path: unknown) }
        #expect(u.code == .unknownFormat && u.line == 1 && u.field == "chrom")
    }

    // MARK: fusions

    /// Arriba, STAR-Fusion and a BND pair all give EML4::ALK, 5'::3' known; Arriba's and STAR-Fusion's in-frame flag;
    /// Arriba's intergenic row and the non-PASS breakend are set aside and counted.
    @Test func fusionFormats() throws {
        let a = try FusionFile.read(path: Self.fx("luad_eml4_alk.arriba.tsv"), format: nil, genes: Self.spans37)
        #expect(a.format == .arriba && a.records == 2 && a.setAside == ["intergenic partner": 1])
        #expect(a.calls.map(\.fusion.description) == ["EML4::ALK"] && a.calls[0].orientationKnown && a.calls[0].inFrame == true)
        #expect(a.calls[0].confidence == "high" && a.calls[0].line == 2)
        let s = try FusionFile.read(path: Self.fx("luad_eml4_alk.star-fusion.tsv"), format: nil, genes: Self.spans37)
        #expect(s.format == .starFusion && s.calls.map(\.fusion.description) == ["EML4::ALK"] && s.calls[0].inFrame == true)
        let v = try FusionFile.read(path: Self.fx("luad_eml4_alk.bnd.vcf"), format: nil, genes: Self.spans37)
        #expect(v.format == .vcf && v.records == 3 && v.setAside == ["FILTER not PASS": 1])
        #expect(v.calls.map(\.fusion.description) == ["EML4::ALK"] && v.calls[0].orientationKnown && v.calls[0].line == 6)
    }

    /// CNV and breakend VCFs are read through htslib (`VariantFileReader`): the same files as BCF give the same
    /// calls, and a record's place is its record number there. bcftools writes the BCF (the test command installs it);
    /// BCF needs every contig and tag declared, so the declarations are added first.
    @Test func bcfCaseFiles() throws {
        let dir = try makeTemporaryDirectory("caseinputs-bcf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let declarations = ["2", "7", "9", "12", "17"].map { "##contig=<ID=\($0)>" } + [
            "##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description=\"Imprecise structural variation\">",
            "##FORMAT=<ID=PR,Number=.,Type=Integer,Description=\"Spanning paired-read support\">",
            "##FORMAT=<ID=SR,Number=.,Type=Integer,Description=\"Split-read support\">",
            "##FILTER=<ID=MinSomaticScore,Description=\"Somatic score below the threshold\">"]
        func bcf(_ name: String) throws -> String {
            var lines = try String(contentsOfFile: Self.fx(name), encoding: .utf8).split(separator: "\n").map(String.init)
            lines.insert(contentsOf: declarations, at: 1)
            let vcf = dir.appendingPathComponent(name).path, out = vcf + ".bcf"
            try (lines.joined(separator: "\n") + "\n").write(toFile: vcf, atomically: true, encoding: .utf8)
            _ = try Fx.shell("bcftools view -Ob -o \(Fx.quote(out)) \(Fx.quote(vcf))")
            return out
        }
        let cnv = try bcf("brca_erbb2.cnvkit.vcf")
        #expect(try CopyNumberFile.detect(path: cnv) == .vcf)
        let text = try CopyNumberFile.read(path: Self.fx("brca_erbb2.cnvkit.vcf"), format: nil, genes: Self.spans37)
        let binary = try CopyNumberFile.read(path: cnv, format: nil, genes: Self.spans37)
        #expect(binary.alterations == text.alterations && binary.records == text.records && !binary.alterations.isEmpty)
        let bnd = try bcf("luad_eml4_alk.bnd.vcf")
        #expect(try FusionFile.detect(path: bnd) == .vcf)
        let v = try FusionFile.read(path: bnd, format: nil, genes: Self.spans37)
        #expect(v.format == .vcf && v.records == 3 && v.setAside == ["FILTER not PASS": 1])
        #expect(v.calls.map(\.fusion.description) == ["EML4::ALK"] && v.calls[0].orientationKnown && v.calls[0].line == 1)
    }

    /// A CNV record whose INFO value does not match its header Type, or whose END is before POS: the file, the
    /// line and the field are named, as on the small-variant path.
    @Test func badStructuralRecords() throws {
        let dir = try makeTemporaryDirectory("caseinputs-badsv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = try String(contentsOfFile: Self.fx("brca_erbb2.cnvkit.vcf"), encoding: .utf8).split(separator: "\n").prefix(7)
            .joined(separator: "\n") + "\n"
        let typed = dir.appendingPathComponent("typed.vcf").path
        try (header + "17\t37744345\t.\tN\t<DUP>\t.\t.\tSVTYPE=DUP;END=3x7\tGT:CN\t0/1:10\n").write(toFile: typed, atomically: true, encoding: .utf8)
        let t = try #require(throws: CaseInputError.self) { try CopyNumberFile.read(path: typed, format: nil, genes: Self.spans37) }
        #expect(t.file == "typed.vcf" && t.line == 8 && t.description.contains("END"))
        let backwards = dir.appendingPathComponent("backwards.vcf").path
        try (header + "7\t100\t.\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=50\tGT\t1/1\n").write(toFile: backwards, atomically: true, encoding: .utf8)
        let b = try #require(throws: CaseInputError.self) { try CopyNumberFile.read(path: backwards, format: nil, genes: Self.spans37) }
        #expect(b.code == .badInterval && b.line == 8 && b.field == "INFO/END")
        #expect(b.description == "backwards.vcf line 8, field 'INFO/END': END 50 is before the event's first base 101")
    }

    /// Breakend orientation (VCF 4.3 §5.4): which side each record keeps, and so which partner is 5'.
    @Test func breakendJoins() {
        #expect(FusionFile.join("G]2:29446394]") == .init(mateChromosome: "2", matePosition: 29_446_394, keepsLeft: true, mateKeepsLeft: true))
        #expect(FusionFile.join("G[chr12:100[") == .init(mateChromosome: "chr12", matePosition: 100, keepsLeft: true, mateKeepsLeft: false))
        #expect(FusionFile.join("]13:123456]T") == .init(mateChromosome: "13", matePosition: 123_456, keepsLeft: false, mateKeepsLeft: true))
        #expect(FusionFile.join("[17:198983[A") == .init(mateChromosome: "17", matePosition: 198_983, keepsLeft: false, mateKeepsLeft: false))
        #expect(FusionFile.join("G.") == nil && FusionFile.join("<DEL>") == nil)
    }

    /// A fusion file with columns of no known caller: the file, the header line and its first field are named.
    @Test func unknownFusionColumns() throws {
        let e = try #require(throws: CaseInputError.self) {
            try FusionFile.read(path: Self.fx("bad/fusions-unknown-columns.tsv"), format: nil, genes: Self.spans37)
        }
        #expect(e.code == .unknownFormat && e.line == 1 && e.field == "fusion")
        #expect(e.description.hasPrefix("fusions-unknown-columns.tsv line 1, field 'fusion': unknown columns"))
        // Asked to read it as Arriba: the missing column is named.
        let m = try #require(throws: CaseInputError.self) {
            try FusionFile.read(path: Self.fx("bad/fusions-unknown-columns.tsv"), format: .arriba, genes: Self.spans37)
        }
        #expect(m.code == .empty)
    }

    // MARK: MSI, TMB

    /// MSIsensor 25.33 ≥ 10 → MSI-H; MSIsensor-pro 1.46 < 3 → MSS; 5 between the cut-offs → indeterminate.
    @Test func msisensor() throws {
        let h = try MicrosatelliteReading(path: Self.fx("msisensor.txt"))
        #expect(h.status == .high && h.score == 25.33 && h.sites == 1200 && h.unstableSites == 304)
        let s = try MicrosatelliteReading(path: Self.fx("msisensor-pro.txt"))
        #expect(s.status == .stable && s.unstableSites == 22)
        let mid = try MicrosatelliteReading(path: Self.fx("msisensor-pro.txt"), cutoffs: .init(highAtLeast: 1.5, stableBelow: 1.0))
        #expect(mid.status == nil && mid.method.contains("indeterminate"))
    }

    /// The panel BED: 200 + (200 ∪ 450 merged = 600) + 2,000 = 2,800 bases; positions are 1-based inside (start, end].
    @Test func panelTerritory() throws {
        let t = try TargetTerritory(bedPath: Self.fx("panel.bed"))
        #expect(t.bases == 2_800 && t.megabases == 0.0028)
        #expect(t.contains("chr7", 55_259_515) && t.contains("7", 55_241_601) && !t.contains("7", 55_241_600) && !t.contains("7", 55_241_801))
        #expect(t.contains("17", 7_579_000) && !t.contains("12", 25_398_284))
        // TMB over the panel: the EGFR L858R call (inside) counts, a KRAS call outside does not: 1 / 0.0028 Mb.
        func v(_ chrom: String, _ pos: Int, _ consequence: String) -> SomaticVariant {
            SomaticVariant(key: VariantKey(build: .grch37, chrom: chrom, position: pos, ref: "T", alt: "G"), filters: ["PASS"],
                           annotation: VariantAnnotation(symbol: "G", consequences: [consequence]),
                           support: ReadSupport(refReads: 70, altReads: 30, depth: 100, vaf: 0.3, source: .format))
        }
        let tmb = TumourMutationalBurden(variants: [v("7", 55_259_515, "missense_variant"), v("12", 25_398_284, "missense_variant"),
                                                    v("17", 7_578_000, "synonymous_variant")],
                                         territory: t, rule: CaseFileOptions.defaultTMBRule)
        #expect(tmb.mutations == 1 && isClose(tmb.perMegabase, 1 / 0.0028))
    }

    // MARK: MAF as a case

    /// A MAF is read as the case's variants: one sample's rows; two samples need a choice.
    @Test func mafCase() throws {
        let dir = try makeTemporaryDirectory("caseinputs-maf")
        let maf = dir.appendingPathComponent("case.maf").path
        try """
        #version 2.4
        Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tReference_Allele\tTumor_Seq_Allele2\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\tNCBI_Build\tt_ref_count\tt_alt_count
        EGFR\t7\t55259515\t55259515\tT\tG\tT-1\tMissense_Mutation\tp.L858R\tGRCh37\t70\t30
        KRAS\t12\t25398284\t25398284\tC\tA\tT-2\tMissense_Mutation\tp.G12V\tGRCh37\t80\t20

        """.write(toFile: maf, atomically: true, encoding: .utf8)
        #expect(MAFCase.isMAF(path: maf))
        let calls = try VariantFiles.read(VariantReadOptions(path: maf, sample: "T-1"))
        #expect(calls.build == .grch37 && calls.variants.count == 1 && calls.sample == "T-1" && calls.supportSource == .maf)
        #expect(calls.variants[0].annotation?.hgvspShort == "p.L858R")
        let e = try #require(throws: CaseInputError.self) { try VariantFiles.read(VariantReadOptions(path: maf)) }
        #expect(e.code == .unknownSample && e.field == "Tumor_Sample_Barcode" && !e.description.contains("T-1"))
        #expect(!MAFCase.isMAF(path: Self.fx("brca_erbb2.ascat.segments.txt")))
    }

    // MARK: everything at once

    /// `CaseFiles.read` + `apply`: the calls join the context with one method line each; a GRCh37 variant file
    /// places the segments; no build at all is an error naming what to give.
    @Test func caseFilesApply() throws {
        let options = CaseFileOptions(copyNumberPath: Self.fx("brca_erbb2.cnvkit.cns"), fusionPath: Self.fx("luad_eml4_alk.arriba.tsv"),
                                      msiPath: Self.fx("msisensor.txt"), tmbMegabases: 30, geneSpansPath: Self.spansPath)
        let f = try CaseFiles.read(options, variants: [], variantBuild: .grch37)
        var ctx = ClinicalContext(tumourType: OncoTreeCode("BRCA"), copyNumber: [CopyNumberAlteration(gene: "ERBB2", kind: .amplification)])
        f.apply(to: &ctx)
        #expect(ctx.copyNumber.map(\.gene) == ["ERBB2", "CDKN2A", "CDKN2B"])
        #expect(ctx.fusions == [GeneFusion(fivePrime: "EML4", threePrime: "ALK")] && ctx.msi == .high && ctx.tmb == 0)
        #expect(ctx.inputMethods?.count == 4)
        let e = try #require(throws: CaseInputError.self) { try CaseFiles.read(options, variants: [], variantBuild: .unknown) }
        #expect(e.code == .noBuild)
        var stated = options
        stated.build = .grch38
        let d = try #require(throws: CaseInputError.self) { try CaseFiles.read(stated, variants: [], variantBuild: .grch37) }
        #expect(d.code == .noBuild && d.description.contains("differs"))
    }
}
