import Foundation
@testable import Genomics
import OncoCore
import Testing
import _TestSupport

/// Genome build detection, tumour/normal sample choice, and tumour mutational burden.
@Suite("Header: build, tumour sample; TMB")
struct HeaderTests {
    /// Each fixture's build and the header evidence that decides it.
    @Test(arguments: [
        ("pcgr/T001-COAD.grch37.vcf.gz", GenomeBuild.grch37),  // ##new_reference_genome=…/hg19/ucsc.hg19.fa
        ("pcgr/T001-COAD.grch38.vcf.gz", .grch38),             // ##liftOverChainFile=…hg19Tohg38.over.chain.gz
        ("pcgr/T001-BRCA.grch38.vcf.gz", .grch38),
        ("hts/synth-somatic.bcf", .grch38),                    // ##contig lengths (chr1 248956422)
        ("vcf2maf/test_b38.vcf", .grch38),                     // one ##contig: 21, length 46709983
        ("vcf2maf/test_mutect.vcf", .grch37),                  // ##contig lengths
        ("vcf2maf/test_muse.vcf", .grch37),
        ("vcf2maf/test_pindel.vcf", .grch37),                  // ##reference=HG19
        ("vcf2maf/test_merged.vcf", .grch37),                  // ##reference=…GRCh37-lite.fa.gz
        ("hts/pcgr-tumor_sample.BRCA.pcgr.vcf.gz", .grch37),   // ##reference=GRCh37
        ("debian/chr7-sub.vcf.gz", .grch37),                   // ##reference=…build37.fa.bz2
        ("vcf2maf/test_strelka.vcf", .unknown),                // nothing in the header
        ("debian/ex2.vcf", .unknown),
    ] as [(String, GenomeBuild)])
    func buildFromHeader(_ file: String, _ build: GenomeBuild) throws {
        let reader = try VariantFileReader(path: Fx.path(file))
        #expect(reader.header.build == build)
        let calls = try VariantFiles.read(VariantReadOptions(path: Fx.path(file)))
        #expect(calls.variants.allSatisfy { $0.key.build == build })
    }

    @Test func buildOverride() throws {
        let calls = try VariantFiles.read(VariantReadOptions(path: Fx.path("vcf2maf/test_strelka.vcf"), build: .grch37))
        #expect(calls.build == .grch37 && calls.variants.first?.key.build == .grch37)
    }

    @Test func liftoverChainTarget() {
        #expect(GenomeBuild(liftoverChain: "/chains/hg38ToHg19.over.chain.gz") == .grch37)
        #expect(GenomeBuild(liftoverChain: "hg19Tohg38.over.chain.gz") == .grch38)
        #expect(GenomeBuild(liftoverChain: "GRCh37_to_GRCh38.chain.gz") == .grch38)
    }

    // MARK: Tumour sample

    static func header(samples: [String], extra: [String] = []) throws -> VariantHeader {
        let dir = try makeTemporaryDirectory("onco-hdr")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("h.vcf")
        let columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"] + (samples.isEmpty ? [] : ["FORMAT"] + samples)
        let text = (["##fileformat=VCFv4.2"] + extra + [columns.joined(separator: "\t")])
            .joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
        return try VariantFileReader(path: url.path).header
    }

    static func choose(_ samples: [String], extra: [String] = [], requested: String? = nil) throws -> (String?, String?) {
        let h = try header(samples: samples, extra: extra)
        let c = try TumourSampleChoice(header: h, requested: requested, path: "h.vcf")
        return (c.tumour.map { samples[$0] }, c.normal.map { samples[$0] })
    }

    @Test func tumourSampleRules() throws {
        // Mutect2 names both in the header, whatever the column order.
        #expect(try Self.choose(["S2", "S1"], extra: ["##tumor_sample=S1", "##normal_sample=S2"]) == ("S1", "S2"))
        // Older callers: ##SAMPLE=<ID=TUMOR,SampleName=…>.
        #expect(try Self.choose(["pt7n", "pt7t"], extra: ["##SAMPLE=<ID=NORMAL,SampleName=pt7n>", "##SAMPLE=<ID=TUMOR,SampleName=pt7t>"]) == ("pt7t", "pt7n"))
        // Names: NORMAL/TUMOR (Strelka, VarScan), suffixes, TCGA sample types (01 tumour, 10 normal).
        #expect(try Self.choose(["NORMAL", "TUMOR"]) == ("TUMOR", "NORMAL"))
        #expect(try Self.choose(["P1_N", "P1_T"]) == ("P1_T", "P1_N"))
        #expect(try Self.choose(["TCGA-N5-A4R8-10A-01D-A28U-08", "TCGA-N5-A4R8-01A-11D-A28R-08"]) == ("TCGA-N5-A4R8-01A-11D-A28R-08", "TCGA-N5-A4R8-10A-01D-A28U-08"))
        #expect(try Self.choose(["DNA_NORMAL", "DNA_TUMOR", "RNA_TUMOR"]) == ("DNA_TUMOR", "DNA_NORMAL"))
        // Nothing tells: the first that is not a normal; a lone sample is the tumour.
        #expect(try Self.choose(["blood-N", "x17"]) == ("x17", "blood-N"))
        #expect(try Self.choose(["A", "B"]) == ("A", nil))
        #expect(try Self.choose(["only"]) == ("only", nil))
        #expect(try Self.choose([]) == (nil, nil))
        // Asked by name (case-insensitive fallback).
        #expect(try Self.choose(["NORMAL", "TUMOR"], requested: "normal") == ("NORMAL", nil))
        #expect(throws: VariantFileError.self) { try Self.choose(["NORMAL", "TUMOR"], requested: "X") }
    }

    @Test func tumourSampleOfFixtures() throws {
        let merged = try VariantFiles.read(VariantReadOptions(path: Fx.path("vcf2maf/test_merged.vcf")))
        #expect(merged.sample == "TUMOR" && merged.normalSample == "NORMAL")
        let muse = try VariantFiles.read(VariantReadOptions(path: Fx.path("vcf2maf/test_muse.vcf")))
        #expect(muse.sample == "TUMOR" && muse.normalSample == "NORMAL")
        let sites = try VariantFiles.read(VariantReadOptions(path: Fx.path("hts/split-vep.vcf")))
        #expect(sites.sample == nil && sites.variants.allSatisfy { $0.support == nil })
    }

    // MARK: TMB

    /// By hand: 6 variants, 3 count (missense, frameshift, splice acceptor); the synonymous, the filtered
    /// stop-gained and the intron variant do not; the duplicate missense counts once; one unannotated.
    @Test func tmbByHand() {
        func v(_ pos: Int, _ csq: String?, filters: [String] = ["PASS"], vaf: Double? = 0.3) -> SomaticVariant {
            SomaticVariant(key: VariantKey(build: .grch38, chrom: "7", position: pos, ref: "A", alt: "T"), filters: filters,
                           annotation: csq.map { VariantAnnotation(consequences: [$0]) },
                           support: ReadSupport(refReads: 70, altReads: 30, depth: 100, vaf: vaf, source: .format))
        }
        let variants = [v(1, "missense_variant"), v(1, "missense_variant"), v(2, "frameshift_variant"),
                        v(3, "splice_acceptor_variant"), v(4, "synonymous_variant"),
                        v(5, "stop_gained", filters: ["LowQual"]), v(6, "intron_variant"), v(7, nil)]
        let tmb = TumourMutationalBurden(variants: variants, targetMegabases: 1.5)
        #expect(tmb.mutations == 3)
        #expect(isClose(tmb.perMegabase, 3 / 1.5))
        #expect(tmb.unannotated == 1)
        let all = TumourMutationalBurden(variants: variants, targetMegabases: 1.5, rule: .init(passOnly: false))
        #expect(all.mutations == 4)
        let strict = TumourMutationalBurden(variants: variants + [v(8, "missense_variant", vaf: 0.02)], targetMegabases: 1.5,
                                            rule: .init(minVAF: 0.05))
        #expect(strict.mutations == 3)
    }

    /// On a real annotated file: the count equals a filter on bcftools +split-vep's output for the
    /// same picked consequence — here, VEP's own PICK=1 entries (PCGR BRCA, 199 sites, 38 Mb exome).
    @Test func tmbOnPCGRBRCA() throws {
        let file = Fx.path("hts/pcgr-tumor_sample.BRCA.pcgr.vcf.gz")
        let calls = try VariantFiles.read(VariantReadOptions(path: file))
        let tmb = calls.tumourMutationalBurden(targetMegabases: 38)
        // Reference: INFO/Consequence holds PCGR's picked consequence (VEP --flag_pick_allele) per record.
        let picked = try Fx.shell("bcftools query -f '%FILTER\\t%INFO/Consequence\\n' \(Fx.quote(file)) 2>/dev/null")
            .split(separator: "\n").filter { line in
                let c = line.split(separator: "\t")
                guard c[0] == "PASS" || c[0] == "." else { return false }
                let worst = c[1].split(separator: "&").map(String.init).min { Consequence.rank($0) < Consequence.rank($1) }!
                return Consequence.isNonSynonymousCoding(worst)
            }.count
        #expect(tmb.mutations == picked)
        #expect(isClose(tmb.perMegabase, Double(picked) / 38))
        #expect(tmb.mutations > 50)
    }
}
