import Foundation
import OncoCore
@testable import Genomics
import Testing
import _TestSupport

/// Inputs for the fuzz targets (Fuzz/, scripts/fuzz.sh) that once trapped, replayed as ordinary tests.
@Suite struct GenomicsFuzzRegressionTests {
    /// `csq`: a 23-digit `ALLELE_NUM` and a 23-digit cDNA length overflowed `Int` (`n * 10 + d`, a
    /// trap). Now an `ALLELE_NUM` past the last ALT falls through to the allele spelling, and a length
    /// too large for `Int` is ignored like a missing one.
    @Test func csqOverflowingAlleleNumberAndLength() throws {
        let input = try FuzzReproducer(target: "csq", name: "overflow-allele-num-and-cdna-length")
        let lines = String(decoding: try #require(input.files[""]), as: UTF8.self).split(separator: "\n", maxSplits: 2)
        #expect(lines.count == 3)
        let layout = try #require(AnnotationLayout(tag: "CSQ", description: String(lines[0])))
        let alleles = lines[1].split(separator: "\t")
        let ref = String(alleles[0]), alts = alleles[1].split(separator: ",").map(String.init)
        let value = String(lines[2]).trimmingCharacters(in: .newlines)
        let all = ConsequencePicker(layout: layout).parseAll(value, ref: ref, alts: alts)
        // Entry 1: ALLELE_NUM 99…9 is no ALT → matched by its allele G (ALT 2); entry 2: ALLELE_NUM 2.
        #expect(all.map(\.altIndex) == [1, 1])
        #expect(all.map(\.annotation.transcript) == ["ENST1", "ENST2"])
        // Same severity, no other criterion: the longer transcript wins, and ENST2's overflowing
        // length counts as none, so ENST1 (1200) is picked.
        let picked = ConsequencePicker(layout: layout).pick(value, ref: ref, alts: alts)
        #expect(picked.count == 2)
        #expect(picked[0] == nil)
        #expect(picked[1]?.transcript == "ENST1")
    }

    /// `vcf`, `vcf-bgzf`: a VCF cut before its `#CHROM` line. `VariantFileReader.init` threw before
    /// every property was set, so `deinit` did not run and the INFO/FORMAT key cache allocated first
    /// leaked (2,568 bytes per file, LeakSanitizer); it is now allocated after the last such throw.
    @Test func vcfWithoutSampleLineThrowsCleanly() throws {
        let path = RepoPaths.root.appendingPathComponent("Fuzz/regressions/vcf/leak-73249a2dd66fdd850dbda3e267e3da99b98cc00f").path
        let error = #expect(throws: VariantFileError.self) { try VariantFileReader(path: path) }
        #expect(error?.code == .headerUnreadable)
        let somatic = #expect(throws: VariantFileError.self) { try SomaticVariantReader(VariantReadOptions(path: path)) }
        #expect(somatic?.code == .headerUnreadable)
    }

    /// `vcf`: a record on contig `2,1` (an invalid name htslib cannot add to the header). The error
    /// path read the contig name through a `rid` that points at no header entry: a trap. Now the
    /// record is a `recordMalformed` error without a site.
    @Test func invalidContigNameIsAnError() throws {
        let path = RepoPaths.root.appendingPathComponent("Fuzz/regressions/vcf/crash-9127f595e120276f838d63f967fb1b1609abf0b3").path
        let error = #expect(throws: VariantFileError.self) {
            let reader = try SomaticVariantReader(VariantReadOptions(path: path))
            var batch: [SomaticVariant] = []
            while try reader.next(into: &batch) {}
        }
        #expect(error?.code == .recordMalformed)
    }

    /// `vcf-bgzf`: a region that starts past what the index covers (`##onco_fuzz_region=21:34214748364792292`;
    /// a TBI index covers positions below 2^29). htslib 1.16's `hts_itr_query` clamps the region's end to that
    /// limit but not its start, gets a negative bin count and asks for ~8 GiB (libFuzzer: out-of-memory,
    /// `malloc(8589934588)`). Now such a region reads no record without querying; one inside still reads.
    @Test func regionPastTheIndexReadsNothing() throws {
        let dir = try makeTemporaryDirectory("onco-index-limit")
        defer { try? FileManager.default.removeItem(at: dir) }
        func records(_ path: String, _ region: String) throws -> (count: Int, limit: Int64?) {
            let reader = try VariantFileReader(path: path, region: region)
            var record = VariantRecord(), n = 0
            while try reader.read(into: &record) { n += 1 }
            return (n, reader.indexLimit)
        }
        // The reproducer, compressed and indexed as the harness does.
        let repro = try FuzzReproducer(target: "vcf", name: "oom-804c58d42df888f5ef00e1669709e9491c129546")
        let vcf = dir.appendingPathComponent("repro.vcf")
        try #require(repro.files[""]).write(to: vcf)
        _ = try Fx.shell("bgzip -f \(Fx.quote(vcf.path)) && tabix -p vcf \(Fx.quote(vcf.path)).gz")
        let past = try records(vcf.path + ".gz", "21:34214748364792292")
        #expect(past.count == 0 && past.limit == 1 << 29)

        // TBI (limit 2^29), CSI from tabix (min_shift 14, 6 levels: 2^32) and from bcftools (levels from the
        // longest contig, 100,000 + 256: 2^17): the first position past the limit reads nothing, a region
        // inside reads the record.
        let (vcfDir, gz) = try BadInputTests.file([BadInputTests.good], bgzip: true)
        defer { try? FileManager.default.removeItem(at: vcfDir) }
        let bcf = vcfDir.appendingPathComponent("case.bcf").path
        _ = try Fx.shell("tabix -p vcf \(Fx.quote(gz)) && bcftools view -Ob -o \(Fx.quote(bcf)) \(Fx.quote(gz)) && bcftools index \(Fx.quote(bcf))")
        let csiDir = try makeTemporaryDirectory("onco-index-limit-csi")
        defer { try? FileManager.default.removeItem(at: csiDir) }
        let csiGz = csiDir.appendingPathComponent("case.vcf.gz").path
        _ = try Fx.shell("cp \(Fx.quote(gz)) \(Fx.quote(csiGz)) && tabix -C -p vcf \(Fx.quote(csiGz))")
        for (path, limit) in [(gz, Int64(1) << 29), (csiGz, Int64(1) << 32), (bcf, Int64(1) << 17)] {
            let inside = try records(path, "1:1-1000"), last = try records(path, "1:\(limit)"), beyond = try records(path, "1:\(limit + 1)-")
            #expect(inside.count == 1 && inside.limit == limit, "\(path)")
            #expect(last.count == 0 && last.limit == limit, "\(path)")     // 0-based limit - 1: still queried
            #expect(beyond.count == 0 && beyond.limit == limit, "\(path)")
        }
        #expect(VariantFileReader.indexStart(GenomicRegion(contig: "1", start: 1 << 29), limit: 1 << 29) == .query)
        #expect(VariantFileReader.indexStart(GenomicRegion(contig: "1", start: (1 << 29) + 1), limit: 1 << 29) == .pastIndex)
        #expect(VariantFileReader.indexStart(GenomicRegion(contig: "1", start: 5), limit: 0) == .unknownLimit)
    }

    @Test func totalLengthIsCheckedArithmetic() {
        func length(_ s: String) -> Int {
            var s = s
            return s.withUTF8 { ConsequencePicker.totalLength(UnsafeRawBufferPointer($0)) }
        }
        #expect(length("662/9146") == 9146)
        #expect(length("662") == 0)
        #expect(length("662/\(Int.max)") == Int.max)
        #expect(length("662/9223372036854775808") == 0)  // Int.max + 1
        #expect(length("1/99999999999999999999999") == 0)
    }

    @Test func alleleNumberPastTheLastAltFallsBackToTheAllele() {
        let layout = AnnotationLayout(tag: "CSQ", fields: ["Allele", "Consequence", "Feature", "ALLELE_NUM"])
        let picker = ConsequencePicker(layout: layout)
        for num in ["3", "00003", "18446744073709551616", "99999999999999999999999999999999"] {
            #expect(picker.parseAll("T|missense_variant|ENST1|\(num)", ref: "C", alts: ["T", "G"]).map(\.altIndex) == [0])
            #expect(picker.parseAll("A|missense_variant|ENST1|\(num)", ref: "C", alts: ["T", "G"]).isEmpty)
        }
        #expect(picker.parseAll("T|missense_variant|ENST1|0002", ref: "C", alts: ["T", "G"]).map(\.altIndex) == [1])
    }
}
