import Foundation
import Genomics
import OncoCore
import Testing
import _TestSupport

/// Tumour VAF and depth from FORMAT: against vcf2maf's golden MAF columns (t_depth, t_ref_count,
/// t_alt_count), PCGR's INFO TVAF/TDP, and hand-read records of each caller's layout.
@Suite("Read support from FORMAT fields")
struct ReadSupportTests {
    static func text(_ v: Int?) -> String { v.map(String.init) ?? "." }

    /// test_b38.vcf → test_b38_output.maf: every record's counts equal vcf2maf's (matched by `vcf_pos`).
    @Test func matchesVcf2mafGoldenB38() throws {
        let maf = try MAFColumns(path: Fx.path("vcf2maf/test_b38_output.maf"))
        var byPos: [Int: [String: String]] = [:]
        for r in maf.rows { byPos[Int(r["vcf_pos"]!)!] = r }
        let calls = try VariantFiles.read(VariantReadOptions(path: Fx.path("vcf2maf/test_b38.vcf")))
        #expect(calls.sample == "TUMOR")
        #expect(calls.variants.count == maf.rows.count)
        // Positions in our keys are after trimming; the records are biallelic and VCF-anchored, so the
        // VCF POS is the key's position for all of them.
        for v in calls.variants {
            let r = try #require(byPos[v.key.position], "\(v.key)")
            let s = try #require(v.support)
            #expect(Self.text(s.depth) == r["t_depth"], "\(v.key)")
            #expect(Self.text(s.refReads) == r["t_ref_count"], "\(v.key)")
            #expect(Self.text(s.altReads) == r["t_alt_count"], "\(v.key)")
        }
    }

    /// test.vcf → test_output.vep_isoforms.maf: rows are in record order; a multi-allelic record gives
    /// one MAF row, for the ALT vcf2maf chose, recognised by its MAF spelling (the VCF ALT without the
    /// anchor base shared with REF, `-` when empty).
    @Test func matchesVcf2mafGoldenB37() throws {
        let maf = try MAFColumns(path: Fx.path("vcf2maf/test_output.vep_isoforms.maf"))
        func mafSpelling(_ ref: String, _ alt: String) -> String {
            guard ref.count != alt.count, ref.first == alt.first else { return alt }
            let rest = String(alt.dropFirst())
            return rest.isEmpty ? "-" : rest
        }
        let path = Fx.path("vcf2maf/test.vcf")
        let raw = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let reader = try SomaticVariantReader(VariantReadOptions(path: path))
        var variants: [SomaticVariant] = []
        var i = 0
        while try reader.next(into: &variants) {
            let r = maf.rows[i]
            let cols = raw[i].split(separator: "\t").map(String.init)
            let alts = cols[4].split(separator: ",").map(String.init)
            let chosen = try #require(alts.firstIndex { mafSpelling(cols[3], $0) == r["Tumor_Seq_Allele2"] }, "row \(i)")
            let s = try #require(variants[chosen].support)
            #expect(Self.text(s.depth) == r["t_depth"], "row \(i) \(variants[chosen].key)")
            #expect(Self.text(s.refReads) == r["t_ref_count"], "row \(i) \(variants[chosen].key)")
            #expect(Self.text(s.altReads) == r["t_alt_count"], "row \(i) \(variants[chosen].key)")
            i += 1
        }
        #expect(i == maf.rows.count)
    }

    /// PCGR writes the tumour VAF/depth twice: FORMAT ADT/DPT and INFO TVAF/TDP. Reading ADT/DPT gives
    /// TVAF/TDP on every record of the four files but one, where the file contradicts itself
    /// (10:89720716 in COAD GRCh37: ADT 130,0 but TVAF 1).
    @Test(arguments: ["pcgr/T001-COAD.grch37.vcf.gz", "pcgr/T001-COAD.grch38.vcf.gz",
                      "pcgr/T001-BRCA.grch37.vcf.gz", "pcgr/T001-BRCA.grch38.vcf.gz"])
    func pcgrFormatMatchesInfo(_ relative: String) throws {
        let reader = try VariantFileReader(path: Fx.path(relative))
        let tvaf = try #require(reader.infoKey("TVAF")), tdp = try #require(reader.infoKey("TDP"))
        var record = VariantRecord()
        var mismatches: [String] = []
        var n = 0
        while try reader.read(into: &record) {
            n += 1
            let s = try #require(reader.formatSupport(sample: 0, altIndex: 0, ref: record.ref, alt: record.alts[0]))
            let vafOK = isClose(s.vaf ?? -1, reader.infoDouble(tvaf)!, rel: 1e-6)
            if !vafOK || s.depth != reader.infoInt(tdp) { mismatches.append(record.site) }
        }
        #expect(n > 100)
        #expect(mismatches == (relative == "pcgr/T001-COAD.grch37.vcf.gz" ? ["10:89720716"] : []))
    }

    /// One hand-read record per caller layout (tumour column; the FORMAT text is quoted).
    @Test func callerLayoutsByHand() throws {
        func first(_ file: String, _ site: String) throws -> ReadSupport {
            let lenient: MalformedRecordPolicy = Fx.malformedLines[file] == nil ? .fail : .skip // test_varscan.vcf line 110
            let calls = try VariantFiles.read(VariantReadOptions(path: Fx.path(file), malformed: lenient))
            return try #require(calls.variants.first { "\($0.key.chrom):\($0.key.position)" == site }?.support)
        }
        // Strelka SNV, TUMOR DP:…:AU:CU:GU:TU = 58:0:0:0:56,57:0,0:2,2:0,0, G>A → REF GU 2, ALT AU 56.
        var s = try first("vcf2maf/test_strelka.vcf", "1:35944648")
        #expect(s.refReads == 2 && s.altReads == 56 && s.depth == 58 && isClose(s.vaf!, 56.0 / 58))
        // Strelka indel CG>C, TUMOR DP:DP2:TAR:TIR = 89:89:19,19:57,58 → REF TAR 19, ALT TIR 57, DP 89.
        s = try first("vcf2maf/test_strelka.vcf", "2:102626146")
        #expect(s.refReads == 19 && s.altReads == 57 && s.depth == 89 && isClose(s.vaf!, 57.0 / 76))
        // VarScan, TUMOR GT:GQ:DP:RD:AD:FREQ = 0/1:.:91:56:35:38.46% → REF RD 56, ALT AD 35.
        s = try first("vcf2maf/test_varscan.vcf", "1:1991014")
        #expect(s.refReads == 56 && s.altReads == 35 && s.depth == 91 && isClose(s.vaf!, 35.0 / 91))
        // SomaticSniper C>G, TUMOR DP 7, BCOUNT(A,C,G,T) = 0,3,4,0 → REF C 3, ALT G 4.
        s = try first("vcf2maf/test_sniper.vcf", "1:1233886")
        #expect(s.refReads == 3 && s.altReads == 4 && s.depth == 7 && isClose(s.vaf!, 4.0 / 7))
        // Radia, DNA_TUMOR AD 95,11, DP 106 (the RNA_TUMOR column is not the tumour DNA).
        s = try first("vcf2maf/test_radia.vcf", "1:29651735")
        #expect(s.refReads == 95 && s.altReads == 11 && s.depth == 106)
        // MuTect 1, TUMOR (2nd column) AD 175,30, DP 206 → VAF from counts 30/205, not FA 0.146.
        s = try first("vcf2maf/test_mutect.vcf", "1:2453125")
        #expect(s.refReads == 175 && s.altReads == 30 && s.depth == 206 && isClose(s.vaf!, 30.0 / 205))
        // MuSE, TUMOR is the 1st column: AD 9,2, DP 11.
        s = try first("vcf2maf/test_muse.vcf", "1:1289197")
        #expect(s.refReads == 9 && s.altReads == 2 && s.depth == 11)
        // Pindel ACT>A (trimmed key 1:16890971 ACT>A), TUMOR AD 43,4, DP 47.
        s = try first("vcf2maf/test_pindel.vcf", "1:16890971")
        #expect(s.refReads == 43 && s.altReads == 4 && s.depth == 47)
    }

    /// AD per allele on a multi-allelic record: each ALT gets its own count (test.vcf, GAAGA>G,GCA 1/2: AD 0,12,8).
    @Test func multiAllelicDepthsPerAllele() throws {
        let reader = try SomaticVariantReader(VariantReadOptions(path: Fx.path("vcf2maf/test.vcf")))
        var variants: [SomaticVariant] = []
        var found = false
        while try reader.next(into: &variants) {
            guard variants.count == 2, variants[1].key.alt == "C" else { continue } // GAAGA>GCA trims to AAG>C… at 112174758
            #expect(variants[0].support?.refReads == 0 && variants[0].support?.altReads == 12)
            #expect(variants[1].support?.refReads == 0 && variants[1].support?.altReads == 8)
            found = true
        }
        #expect(found)
    }
}
