import Batch
import Foundation
import Genomics
import Testing
import _TestSupport

/// The file-check scorer against generated cases (gen_cases.py) and hand-made damaged files, with
/// record and sample counts compared to bcftools.
@Suite(.serialized) struct FileCheckScorerTests {
    init() { VariantFiles.setHTSlibMessages(enabled: false) }

    static let header = """
        ##fileformat=VCFv4.2
        ##contig=<ID=chr7,length=159345973>
        ##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
        ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
        ##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
        #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\tNORMAL

        """
    static func records(_ n: Int) -> String {
        (0..<n).map { "chr7\t\(140_000_000 + $0 * 10)\t.\tA\tT\t50\tPASS\tDP=\(30 + $0 % 7)\tGT:AD\t0/1:20,10\t0/0:30,0\n" }.joined()
    }

    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: false, encoding: .utf8)
        return p
    }

    func bgzip(_ path: String) throws -> String {
        let r = try run("bgzip", ["-f", path])
        #expect(r.status == 0, "\(r.stderr)")
        return path + ".gz"
    }

    func score(_ vcf: String, sample: String? = "TUMOR", tumourType: String = "SKCM", bam: String? = nil,
               known: Set<String>? = nil, lenient: Bool = false) async -> Result<JSONObject, CaseError> {
        let c = BatchCase(id: "T", index: 0, line: 2, vcf: vcf, tumourType: tumourType, sample: sample, bam: bam, lenient: lenient)
        do { return .success(try await FileCheckScorer(knownTumourTypes: known).score(c).payload) } catch let e as CaseError {
            return .failure(e)
        } catch { return .failure(CaseError(.other, "\(error)")) }
    }

    func code(_ r: Result<JSONObject, CaseError>) -> String? {
        if case .failure(let e) = r { return e.code.rawValue } else { return nil }
    }

    @Test func validFilesInEveryContainer() async throws {
        let dir = try makeTemporaryDirectory("onco-filecheck")
        let plain = try write(Self.header + Self.records(1500), "p.vcf", in: dir)
        let gz = try bgzip(try write(Self.header + Self.records(1500), "b.vcf", in: dir))
        let bcfPath = dir.appendingPathComponent("c.bcf").path
        #expect(try run("bcftools", ["view", "-Ob", "-o", bcfPath, plain]).status == 0)
        let gzipPath = dir.appendingPathComponent("g.vcf.gz").path
        #expect(try run("sh", ["-c", "gzip -c '\(plain)' > '\(gzipPath)'"]).status == 0)
        for (path, format, compression) in [(plain, "VCF", "none"), (gz, "VCF", "bgzf"), (bcfPath, "BCF", "bgzf"), (gzipPath, "VCF", "gzip")] {
            guard case .success(let o) = await score(path) else { Issue.record("\(path) failed"); continue }
            let v = o["vcf"]!.objectValue!
            #expect(v["records"] == .int(1500))
            #expect(v["samples"] == .int(2))
            #expect(v["sample_index"] == .int(0))
            #expect(v["format"] == .string(format))
            #expect(v["compression"] == .string(compression))
            #expect(v["build"] == .string("GRCh38"))  // chr7 length 159,345,973 is GRCh38's
            #expect(o["tumor_type"] == .string("SKCM"))
        }
        // The NORMAL column is found too; the default is the only sample, else none.
        if case .success(let o) = await score(gz, sample: "NORMAL") { #expect(o["vcf"]?.objectValue?["sample_index"] == .int(1)) }
        if case .success(let o) = await score(gz, sample: nil) { #expect(o["vcf"]?.objectValue?["sample_index"] == .null) }
    }

    @Test func damagedFilesFailWithTheirReason() async throws {
        let dir = try makeTemporaryDirectory("onco-filecheck-bad")
        let gz = try bgzip(try write(Self.header + Self.records(3000), "ok.vcf", in: dir))
        let data = try Data(contentsOf: URL(fileURLWithPath: gz))
        #expect(data.suffix(28) == Data([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0x1b, 0, 3] + [UInt8](repeating: 0, count: 9)))

        let cut = dir.appendingPathComponent("cut.vcf.gz").path
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cut))
        #expect(code(await score(cut)) == "vcf_truncated")

        let noEOF = dir.appendingPathComponent("noeof.vcf.gz").path
        try data.dropLast(28).write(to: URL(fileURLWithPath: noEOF))
        let r = await score(noEOF)
        #expect(code(r) == "vcf_truncated")
        // Found when the file is opened (htslib's `bgzf_check_EOF`), before any record is read.
        if case .failure(let e) = r { #expect(e.message == "manifest line 2, field vcf: BGZF end-of-file block missing: the file is truncated") }

        var flipped = data
        flipped[data.count / 2] ^= 0xFF
        let flip = dir.appendingPathComponent("flip.vcf.gz").path
        try flipped.write(to: URL(fileURLWithPath: flip))
        #expect(code(await score(flip)) == "vcf_truncated")

        let short = try write(Self.header + Self.records(10) + "chr7\t1\t.\tA\tT\n" + Self.records(5), "short.vcf", in: dir)
        let rs = await score(short)
        #expect(code(rs) == "vcf_malformed")
        if case .failure(let e) = rs {
            #expect(e.message == "manifest line 2, field vcf: line 17: 5 tab-separated columns, at least 8 expected (CHROM POS ID REF ALT QUAL FILTER INFO)")
        }

        let badChar = try write(Self.header + Self.records(4) + "chr7\t5\t.\tA\tT\t50\tPASS\tDP=3\tGT:AD\t0/1:x,y\t0/0:1,0\n", "char.vcf", in: dir)
        let rc = await score(badChar)
        #expect(code(rc) == "vcf_malformed")
        if case .failure(let e) = rc {
            #expect(e.message == #"manifest line 2, field vcf: line 11: FORMAT/AD of sample column 1 "x" is not an Integer (header Type=Integer)"#)
        }
        // A lenient case counts the record instead (the same strict checks as `onco variants`).
        if case .success(let o) = await score(badChar, lenient: true) {
            let v = o["vcf"]!.objectValue!
            #expect(v["records"] == .int(5) && v["malformed_skipped"] == .int(1))
            #expect(v["malformed_skipped_reasons"] == .array([.string(#"line 11: FORMAT/AD of sample column 1 "x" is not an Integer (header Type=Integer)"#)]))
        } else { Issue.record("lenient case failed") }

        #expect(code(await score(dir.appendingPathComponent("absent.vcf.gz").path)) == "vcf_missing")
        #expect(code(await score(dir.path)) == "vcf_unreadable")
        let text = try write("hello, not a VCF\n", "t.txt", in: dir)
        #expect(code(await score(text)) == "vcf_unreadable")
        #expect(code(await score(gz, sample: "TUMOUR")) == "sample_not_found")
        #expect(code(await score(gz, tumourType: "melanoma of skin")) == "tumor_type_invalid")
        #expect(code(await score(gz, tumourType: "ZZZZ", known: ["SKCM", "LUAD"])) == "tumor_type_unknown")
        if case .failure = await score(gz, tumourType: "skcm", known: ["SKCM"]) { Issue.record("known lower-case type refused") }
    }

    /// The case files of a manifest row are read whole by the recommendation's readers: formats and record
    /// counts in the payload, and a bad row fails the case with `case_file_invalid` naming file, line and field.
    @Test func caseFilesArePreflighted() async throws {
        let dir = try makeTemporaryDirectory("onco-filecheck-casefiles")
        let vcf = try write(Self.header + Self.records(3), "p.vcf", in: dir)
        func fx(_ name: String) -> String { RepoPaths.fixture("caseinputs/" + name).path }
        func check(_ files: CaseFileOptions) async -> Result<JSONObject, CaseError> {
            let c = BatchCase(id: "T", index: 0, line: 2, vcf: vcf, tumourType: "BRCA", sample: "TUMOR", caseFiles: files)
            do { return .success(try await FileCheckScorer().score(c).payload) } catch let e as CaseError {
                return .failure(e)
            } catch { return .failure(CaseError(.other, "\(error)")) }
        }
        let good = CaseFileOptions(copyNumberPath: fx("brca_erbb2.cnvkit.vcf"), fusionPath: fx("luad_eml4_alk.bnd.vcf"),
                                   msiPath: fx("msisensor.txt"), tmbBedPath: fx("panel.bed"))
        guard case .success(let o) = await check(good) else { Issue.record("good case files failed"); return }
        let files = try #require(o["case_files"]?.objectValue)
        #expect(files["cna"] == .object(["format": .string("vcf"), "records": .int(3)]))
        #expect(files["fusions"] == .object(["format": .string("vcf"), "records": .int(3)]))
        #expect(files["msi"] == .object(["format": .string("msisensor"), "records": .int(1)]))
        #expect(files["tmb_bed"] == .object(["format": .string("bed"), "records": .int(3)]))
        let bad = await check(CaseFileOptions(copyNumberPath: fx("bad/segments-start-after-end.cns")))
        guard case .failure(let e) = bad else { Issue.record("a bad segment file passed the pre-flight"); return }
        #expect(e.code.rawValue == "case_file_invalid")
        #expect(e.message.contains("manifest line 2: segments-start-after-end.cns line 3, field 'start': start 37944346 is after end 37844346"))
        let unknown = await check(CaseFileOptions(fusionPath: fx("bad/fusions-unknown-columns.tsv")))
        #expect(code(unknown) == "case_file_invalid")
    }

    @Test func undefinedContigsAreWarningsNotFailures() async throws {
        let dir = try makeTemporaryDirectory("onco-filecheck-ctg")
        let p = try write(Self.header + Self.records(3) + "chr12\t25245350\t.\tC\tT\t50\tPASS\tDP=9\tGT:AD\t0/1:5,4\t0/0:9,0\n", "ctg.vcf", in: dir)
        guard case .success(let o) = await score(p) else { Issue.record("failed"); return }
        #expect(o["vcf"]?.objectValue?["records"] == .int(4))
        #expect(o["vcf"]?.objectValue?["warnings"]?.objectValue?["records_with_undefined_contig"] == .int(1))
    }

    @Test func bamHeaderIsChecked() async throws {
        let dir = try makeTemporaryDirectory("onco-filecheck-bam")
        let gz = try bgzip(try write(Self.header + Self.records(5), "v.vcf", in: dir))
        let bam = RepoPaths.fixture("batch/example_from_SAM_Spec.bam").path
        guard case .success(let o) = await score(gz, bam: bam) else { Issue.record("failed"); return }
        #expect(o["bam"] == .object(["format": .string("BAM"), "references": .int(1)]))
        #expect(code(await score(gz, bam: dir.appendingPathComponent("none.bam").path)) == "bam_unreadable")
        #expect(code(await score(gz, bam: gz)) == "bam_unreadable")
    }

    /// Generated cases: exactly the corrupt ones fail with the planned reason; counts match bcftools.
    @Test func generatedCasesAgainstBcftools() async throws {
        let dir = try generateCases(n: 40, seed: 11, corruptFraction: 0.25)
        let m = try BatchManifest.read(path: dir.appendingPathComponent("manifest.tsv").path)
        let expected = try readExpected(dir)
        let scorer = FileCheckScorer()
        for c in m.cases {
            let e = expected[c.id]!
            do {
                let o = try await scorer.score(c).payload
                #expect(e.status == "ok", "\(c.id) passed but was made \(e.corruption)")
                let v = o["vcf"]!.objectValue!
                let records = try run("sh", ["-c", "bcftools view -H '\(c.vcf)' | wc -l"])
                let samples = try run("bcftools", ["query", "-l", c.vcf])
                #expect(v["records"]?.intValue == Int(records.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
                #expect(v["records"]?.intValue == e.variants)
                #expect(v["samples"]?.intValue == samples.stdout.split(separator: "\n").count)
                #expect(v["build"] == .string(e.build))
                #expect(v["annotation"] == (e.annotation.isEmpty ? .null : .string(e.annotation)))
                #expect(v["index"] == .string("tbi"))
            } catch let err as CaseError {
                #expect(e.status == "failed", "\(c.id) failed: \(err)")
                #expect(err.code.rawValue == e.code, "\(c.id) \(e.corruption): \(err)")
            }
        }
        #expect(Set(expected.values.filter { $0.status == "failed" }.map(\.corruption)).count == 5)
    }
}
