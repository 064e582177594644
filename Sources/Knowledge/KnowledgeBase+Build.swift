import Foundation
import OncoCore

/// Where things are inside a KB directory (`KnowledgeBase/` in the repository).
public enum KnowledgeLayout {
    public static let civicDirectory = "civic"
    public static let crosswalk = "crosswalk/oncotree_to_doid_via_ncit.tsv"
    public static let overrides = "crosswalk_overrides.tsv"
    /// Reviewed KB disease → OncoTree mappings (`DiseaseResolution`).
    public static let diseaseOverrides = "disease_overrides.tsv"
    public static let moalmanacDirectory = "moalmanac"
    public static let exons = "genes/exons.tsv"
    public static let domains = "genes/domains.tsv"
    public static let exonAliases = "genes/exon_aliases.tsv"
    /// The GRCh37 → GRCh38 liftOver chain (`liftover/*.chain`, plain text; exactly one is used, the last by name).
    public static let liftoverDirectory = "liftover"
    public static let manifest = "MANIFEST.tsv"
    public static let index = "index/knowledgebase.idx"

    static func single(_ dir: URL, _ sub: String, suffix: String) throws -> String {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(sub).path)) ?? [])
            .filter { $0.hasSuffix(suffix) }.sorted()
        guard let f = files.last else {
            throw KnowledgeError(.missingFile, file: sub, "no *\(suffix) file in the KB directory's \(sub)/")
        }
        return sub + "/" + f
    }

    /// Every source file the index is built from, relative to the KB directory, sorted.
    public static func sourceFiles(in dir: URL) throws -> [String] {
        let civic = ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(civicDirectory).path)) ?? [])
            .filter { $0.hasSuffix(".tsv") }.map { civicDirectory + "/" + $0 }
        guard !civic.isEmpty else { throw KnowledgeError(.missingFile, file: civicDirectory, "no CIViC TSVs in the KB directory") }
        return (civic + moalmanacFiles(in: dir) + [try single(dir, "oncotree", suffix: ".tsv"), try single(dir, "disease_ontology", suffix: ".obo"),
                         try single(dir, liftoverDirectory, suffix: ".chain"),
                         crosswalk, overrides, diseaseOverrides, exons, domains, exonAliases]).sorted()
    }

    /// The MOAlmanac JSON, if the KB has one (`moalmanac/*.json`; at most one is used, the last by name).
    public static func moalmanacFiles(in dir: URL) -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(moalmanacDirectory).path)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        return files.last.map { [moalmanacDirectory + "/" + $0] } ?? []
    }
}

extension KnowledgeBase {
    /// Builds the KB from the source files in `directory` (parses every TSV/OBO, hashes the sources).
    /// This is what `onco kb update` runs; `load(directory:)` reads the index it writes.
    public static func build(directory: URL) throws -> KnowledgeBase {
        var release = try CIViCLoader.load(directory: directory.appendingPathComponent(KnowledgeLayout.civicDirectory))
        let otPath = try KnowledgeLayout.single(directory, "oncotree", suffix: ".tsv")
        let doPath = try KnowledgeLayout.single(directory, "disease_ontology", suffix: ".obo")
        let oncotree = try OncoTree.load(tsv: directory.appendingPathComponent(otPath))
        let ontology = try DiseaseOntology.load(obo: directory.appendingPathComponent(doPath))
        let crosswalk = try OncoTreeDOCrosswalk.load(crosswalk: directory.appendingPathComponent(KnowledgeLayout.crosswalk),
                                                     overrides: directory.appendingPathComponent(KnowledgeLayout.overrides))
        let exons = try loadExons(directory.appendingPathComponent(KnowledgeLayout.exons))
        let domains = try loadDomains(directory.appendingPathComponent(KnowledgeLayout.domains))
        let aliases = try loadExonAliases(directory.appendingPathComponent(KnowledgeLayout.exonAliases))
        let diseaseOverrides = try DiseaseOverrides.load(directory.appendingPathComponent(KnowledgeLayout.diseaseOverrides), oncotree: oncotree)
        var moalmanac: MOAlmanacRelease?
        if let m = KnowledgeLayout.moalmanacFiles(in: directory).first {
            let known = Set(diseaseOverrides.keys.filter { $0.source == .moalmanac }.map(\.key))
            let r = try MOAlmanacLoader.load(file: directory.appendingPathComponent(m), oncotree: oncotree, knownDiseaseKeys: known)
            release.evidence += r.evidence
            release.variants += r.variants
            release.profiles += r.profiles
            moalmanac = r
        }
        // Rules are derived here (not in init) so their GRCh37 alleles can be lifted before the index is built.
        let parser = BiomarkerRuleParser(domains: domains, exonAliases: aliases)
        let rules = release.variants.map(parser.rule(for:))
        let chainPath = try KnowledgeLayout.single(directory, KnowledgeLayout.liftoverDirectory, suffix: ".chain")
        let liftover = try AlleleLiftover.lift(rules: rules, chain: LiftoverChain.load(directory.appendingPathComponent(chainPath)),
                                               chainPath: chainPath)
        let diseaseMap = resolveDiseases(release.evidence, overrides: diseaseOverrides, oncotree: oncotree, ontology: ontology,
                                         crosswalk: crosswalk)
        var sources: [String: SourceFile] = [:]
        for f in try KnowledgeLayout.sourceFiles(in: directory) {
            let url = directory.appendingPathComponent(f)
            guard let d = FileManager.default.contents(atPath: url.path) else {
                throw KnowledgeError(.fileUnreadable, file: f, "cannot read file")
            }
            sources[f] = SourceFile(sha256: SHA256Hasher.hex(d), bytes: d.count)
        }
        let otVersion = (otPath as NSString).lastPathComponent.replacingOccurrences(of: "oncotree_", with: "")
            .replacingOccurrences(of: ".tsv", with: "")
        let doVersion = ontology.version.split(separator: "/").first(where: { $0.count == 10 && $0.first?.isNumber == true })
            .map(String.init) ?? ontology.version
        func digest(_ prefix: String) -> String? {
            let hs = sources.filter { $0.key.hasPrefix(prefix + "/") }.sorted { $0.key < $1.key }.map(\.value.sha256)
            if hs.isEmpty { return nil }
            if hs.count == 1 { return String(hs[0].prefix(12)) }
            return String(SHA256Hasher.hex(Data(hs.joined(separator: "\n").utf8)).prefix(12))
        }
        let provisional = KBVersion(civicRelease: release.releaseName, civicSchema: release.schema, oncotree: otVersion,
                                    diseaseOntology: doVersion, indexChecksum: "", civicChecksum: digest(KnowledgeLayout.civicDirectory),
                                    moalmanacRelease: moalmanac?.releaseDate, moalmanacChecksum: moalmanac == nil ? nil : digest(KnowledgeLayout.moalmanacDirectory))
        let kb = KnowledgeBase(version: provisional, release: release, oncotree: oncotree, ontology: ontology,
                               crosswalk: crosswalk, exons: exons, domains: domains, exonAliases: aliases, sources: sources,
                               diseaseMap: diseaseMap, moalmanacDeprecated: moalmanac?.deprecated ?? 0, liftover: liftover, rules: rules)
        let payload = kb.encodePayload()
        var out = kb
        out.version.indexChecksum = String(SHA256Hasher.hex(Data(payload)).prefix(16))
        return out
    }

    static func loadExons(_ url: URL) throws -> [ExonInterval] {
        let t = try TSVTable(contentsOf: url)
        let cg = try t.column("gene"), ct = try t.column("transcript"), ce = try t.column("exon"), cb = try t.column("build")
        let cc = try t.column("chrom"), cs = try t.column("start"), cn = try t.column("end")
        return try t.rows.enumerated().map { i, r in
            guard let e = Int(r[ce]), let s = Int(r[cs]), let n = Int(r[cn]), s <= n else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "exon/start/end", "not integers with start <= end")
            }
            let b = GenomeBuild(parsing: String(r[cb]))
            guard b != .unknown else { throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "build", "unknown build '\(r[cb])'") }
            return ExonInterval(gene: String(r[cg]), transcript: String(r[ct]), exon: e, build: b,
                                chrom: Chromosome.normalise(String(r[cc])), start: s, end: n)
        }
    }

    static func loadDomains(_ url: URL) throws -> [ProteinDomain] {
        let t = try TSVTable(contentsOf: url)
        let cg = try t.column("gene"), cn = try t.column("civic_name"), cs = try t.column("start"), ce = try t.column("end")
        let src = try t.column("source")
        return try t.rows.enumerated().map { i, r in
            guard let s = Int(r[cs]), let e = Int(r[ce]), s <= e else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "start/end", "not integers with start <= end")
            }
            return ProteinDomain(gene: String(r[cg]), civicName: String(r[cn]), start: s, end: e, source: String(r[src]))
        }
    }

    static func loadExonAliases(_ url: URL) throws -> [String: [Int: Int]] {
        let t = try TSVTable(contentsOf: url)
        let cg = try t.column("gene"), cc = try t.column("civic_exon"), cn = try t.column("canonical_exon")
        var out: [String: [Int: Int]] = [:]
        for (i, r) in t.rows.enumerated() {
            guard let a = Int(r[cc]), let b = Int(r[cn]) else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "civic_exon/canonical_exon", "not integers")
            }
            out[String(r[cg]), default: [:]][a] = b
        }
        return out
    }
}
