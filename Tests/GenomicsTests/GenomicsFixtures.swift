// GenomicsTests: see Tests/Fixtures/genomics/SOURCE.md for fixtures and their sources.
import Foundation
import OncoCore
import _TestSupport

/// Paths and reference-tool helpers shared by the Genomics suites.
enum Fx {
    static func path(_ relative: String) -> String { RepoPaths.fixture("genomics/" + relative).path }

    /// Every VCF/BCF fixture, for the bcftools agreement suites.
    static let variantFiles: [String] = [
        "pcgr/T001-COAD.grch37.vcf.gz", "pcgr/T001-COAD.grch38.vcf.gz",
        "pcgr/T001-BRCA.grch37.vcf.gz", "pcgr/T001-BRCA.grch38.vcf.gz",
        "vcf2maf/test.vcf", "vcf2maf/test_b37.vcf", "vcf2maf/test_b38.vcf", "vcf2maf/test_grch38.vcf",
        "vcf2maf/test_maf2vcf.vcf", "vcf2maf/test_delly.vcf", "vcf2maf/test_merged.vcf", "vcf2maf/test_muse.vcf",
        "vcf2maf/test_mutect.vcf", "vcf2maf/test_pindel.vcf", "vcf2maf/test_radia.vcf", "vcf2maf/test_sniper.vcf",
        "vcf2maf/test_strelka.vcf", "vcf2maf/test_varscan.vcf",
        "hts/synth-somatic.vcf.gz", "hts/synth-somatic.bcf", "hts/split-vep.vcf", "hts/split-vep.3.vcf",
        "hts/pcgr-tumor_sample.BRCA.pcgr.vcf.gz", "hts/htslib-index.vcf",
        "htslib/longrefs__index.vcf", "htslib/tabix__large_chr.vcf", "htslib/tabix__vcf_file.vcf", "htslib/formatcols.vcf",
        "debian/chr7-sub.vcf.gz", "debian/ex1.vcf.gz", "debian/ex2.vcf", "debian/structural.vcf",
        "snpeff/test.chr22.ann.head.vcf", "snpeff/cancer.ann.vcf",
    ]

    /// Fixtures with a record that htslib 1.16 accepts and onco refuses (strict read): its line and the
    /// error. Read with `malformed: .skip`, exactly that line is skipped.
    static let malformedLines: [String: (line: Int, error: String)] = [
        // VarScan writes a heterozygous call with two ALT bases as "A/T".
        "vcf2maf/test_varscan.vcf": (110, "test_varscan.vcf: line 110: ALT \"A/T\" is not a list of alleles (bases A, C, G, T, N; *; <ID>; a breakend; or . alone)"),
        // htslib's test file gives one INFO/AC value (Number=A) for 305 ALT alleles; htslib pads it with missing values.
        "htslib/tabix__vcf_file.vcf": (38, "tabix__vcf_file.vcf: line 38: INFO/AC \"2\" has 1 value, the header's Number=A means 305"),
    ]

    /// A copy of `file` (same name, in `dir`) without line `line`.
    static func copy(_ file: String, droppingLine line: Int, in dir: URL) throws -> String {
        let out = dir.appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent).path
        try shell("awk 'NR != \(line)' \(quote(file)) > \(quote(out))")
        return out
    }

    struct ToolError: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a tool and returns its standard output; throws on a non-zero exit.
    @discardableResult
    static func tool(_ name: String, _ args: [String]) throws -> String {
        let r = try run(name, args)
        guard r.status == 0 else { throw ToolError(description: "\(name) \(args.joined(separator: " ")) exited \(r.status): \(r.stderr.prefix(400))") }
        return r.stdout
    }

    /// A shell pipeline (bash -c); throws on failure of any stage.
    static func shell(_ command: String) throws -> String {
        let r = try run("bash", ["-c", "set -o pipefail; " + command])
        guard r.status == 0 else { throw ToolError(description: "`\(command)` exited \(r.status): \(r.stderr.prefix(400))") }
        return r.stdout
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// A copy of a VCF with only the site columns (INFO and samples dropped) and a `##contig` line per
    /// CHROM, for files bcftools cannot write back out (undeclared tags or contigs). The site columns
    /// are byte-for-byte those of the original.
    static func sitesOnlyCopy(_ file: String, in dir: URL) throws -> String {
        let text = try shell("gzip -cdf \(quote(file))")
        var header: [String] = [], rows: [String] = [], contigs: [String] = []
        var seen = Set<String>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("##") {
                if line.hasPrefix("##FILTER") || line.hasPrefix("##fileformat") || line.hasPrefix("##contig") { header.append(String(line)) }
                if line.hasPrefix("##contig=<ID=") {
                    let id = line.dropFirst("##contig=<ID=".count).prefix { $0 != "," && $0 != ">" }
                    seen.insert(String(id))
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            let chrom = String(cols[0])
            if seen.insert(chrom).inserted { contigs.append(chrom) }
            rows.append(cols[0..<7].joined(separator: "\t") + "\t.")
        }
        var out = header
        if !out.contains(where: { $0.hasPrefix("##fileformat") }) { out.insert("##fileformat=VCFv4.2", at: 0) }
        out += contigs.map { "##contig=<ID=\($0)>" }
        out.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
        out += rows
        let url = dir.appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent + ".sites.vcf")
        try (out.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// `bcftools norm -m-any FILE`, then CHROM, POS, REF, ALT, FILTER of each record, falling back to the
    /// sites-only copy when bcftools cannot write the file's records. The columns are taken with
    /// `bcftools view -H | cut -f1,2,4,5,7` rather than `bcftools query -f '%CHROM\t%POS…'`: query 1.16
    /// prints a POS above 2^31 modulo 2^32 (htslib's `longrefs__index.vcf`: 10010000110 → 1420065518),
    /// view prints it right; for every other fixture the two give the same rows.
    static func bcftoolsSplitSites(_ file: String, extra: [String] = []) throws -> [String] {
        let dir = try makeTemporaryDirectory("onco-genomics")
        defer { try? FileManager.default.removeItem(at: dir) }
        let columns = "bcftools view -H | cut -f1,2,4,5,7"
        let extraArgs = extra.map(quote).joined(separator: " ")
        let direct = try run("bash", ["-c", "set -o pipefail; bcftools norm -m-any \(extraArgs) \(quote(file)) 2>/dev/null | \(columns)"])
        if direct.status == 0 { return direct.stdout.split(separator: "\n").map(String.init) }
        let copy = try sitesOnlyCopy(file, in: dir)
        return try shell("bcftools norm -m-any \(extraArgs) \(quote(copy)) 2>/dev/null | \(columns)")
            .split(separator: "\n").map(String.init)
    }

    /// Trims shared suffix then prefix of plain-base alleles, keeping one base each — written here
    /// independently of `AlleleNormalisation` so that the comparison does not test the code with itself.
    static func trimmed(_ pos: Int, _ ref: String, _ alt: String) -> (Int, String, String) {
        let plain: (String) -> Bool = { s in !s.isEmpty && s.uppercased().allSatisfy { "ACGTN".contains($0) } }
        guard plain(ref), plain(alt), ref != alt else { return (pos, ref, alt) }
        var r = Array(ref), a = Array(alt), p = pos
        while r.count > 1, a.count > 1, r.last!.uppercased() == a.last!.uppercased() { r.removeLast(); a.removeLast() }
        while r.count > 1, a.count > 1, r.first!.uppercased() == a.first!.uppercased() { r.removeFirst(); a.removeFirst(); p += 1 }
        return (p, String(r), String(a))
    }

    /// ALTs that are placeholders, not variants (onco drops them; so does the reference side).
    static let placeholders: Set<String> = ["*", "<*>", "<NON_REF>", ".", "<X>", "X"]

    /// The (chrom, pos, ref, alt, filter) rows of a `bcftools query` output, trimmed, chromosomes
    /// spelled without `chr`, placeholders removed, sorted.
    static func referenceSites(_ lines: [String]) -> [String] {
        lines.compactMap { line -> String? in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count == 5, !placeholders.contains(c[3]) else { return nil }
            let (p, r, a) = trimmed(Int(c[1])!, c[2], c[3])
            return [Chromosome.normalise(c[0]), String(p), r, a, c[4]].joined(separator: "\t")
        }.sorted()
    }
}
