import Foundation
import OncoCore
import Vocabulary
import Warehouse

/// A group of several alterations (issue #20, point 1): patients with at least one member vs genotyped
/// patients with none (the reference). Written in YAML as
///
/// ```yaml
/// groups: {by: mutation, genes: [IDH1, IDH2]}                      # any qualifying change in either gene
/// groups: {by: mutation, genes: [IDH1, IDH2], classes: [missense]}
/// groups: {by: mutation, variants: ["IDH1 p.R132H", "IDH2 p.R172K"]}
/// groups: {by: mutation, set: RTK-RAS}                             # a Sanchez-Vega pathway, or a set of alterationSets
/// alterationSets: {my-set: [KRAS, NRAS, "BRAF p.V600E", "cna:CDKN2A", "fusion:ALK"]}
/// ```
///
/// or as flags: `--group-by mutation:IDH1|IDH2[:classes]`, `--group-by mutation:BRAF:p.V600E|NRAS:p.Q61R`,
/// `--group-by set:RTK-RAS` (alias `pathway:`), with `--alteration-sets FILE` for sets of one's own.
/// A member is `GENE` (any change of `classes`), `GENE p.X` / `GENE:p.X` (that protein change), or a
/// gene-level alteration `cna:GENE` (amplification or deletion), `amp:GENE`, `del:GENE`, `fusion:GENE` (the rows the
/// cBioPortal importer writes from `data_CNA.txt` and `data_sv.txt`; a fusion row's gene is its 3′ partner).
/// The same sets select a population (`CohortDefinition+PopulationSets.swift`).
public struct AlterationSetSpec: Sendable, Hashable, Codable {
    public var genes: [String]?
    public var variants: [String]?
    /// Classes that count for `genes` members (default `nonsynonymous`, as for one gene).
    public var classes: [String]?
    /// A named set: one of the definition's `alterationSets`, else a Sanchez-Vega pathway (`RTK-RAS`, `PI3K`, `TP53`, ...).
    public var set: String?
    public var passOnly: Bool?
    /// `mutated` (default) or `wildtype`: population conditions only (`CohortDefinition+PopulationSets.swift`).
    public var status: String?
    /// `in_frame` or `frameshift`: the members' fusions count only with this stated frame (`CohortDefinition+FusionFrame.swift`).
    public var fusionFrame: String?

    public init(genes: [String]? = nil, variants: [String]? = nil, classes: [String]? = nil, set: String? = nil, passOnly: Bool? = nil,
                status: String? = nil, fusionFrame: String? = nil) {
        self.genes = genes; self.variants = variants; self.classes = classes; self.set = set; self.passOnly = passOnly
        self.status = status; self.fusionFrame = fusionFrame
    }

    /// `IDH1|IDH2`, `BRAF p.V600E|NRAS p.Q61R`, or the set's name; with a frame `fusion:ALK|fusion:ROS1 (fusions in-frame)`.
    public var label: String { FusionFrame.words(fusionFrame).map { "\(name) (fusions \($0))" } ?? name }

    /// `IDH1|IDH2`, or the set's name, without the frame (for field names).
    public var name: String { self.set ?? ((genes ?? []) + (variants ?? [])).joined(separator: "|") }

    /// One resolved member: its label and the alteration filter of its column.
    public struct Member: Sendable, Hashable {
        public var label: String
        public var filter: AlterationFilter
    }

    /// A member written as text: `GENE`, `GENE p.X`, `GENE:p.X`, `cna:GENE`, `amp:GENE`, `del:GENE`, `fusion:GENE`.
    static func member(_ text: String, classes: [String], passOnly: Bool, fusionFrame: FusionFrame? = nil, field: String,
                       fail: (String, String) -> CohortStudyError) throws -> Member {
        let t = text.trimmingCharacters(in: .whitespaces)
        let kinds = CohortFlags.geneLevelKinds
        var gene = t, hgvsp: String?, cls = classes, label = t
        if let colon = t.firstIndex(of: ":"), let k = kinds[t[..<colon].lowercased()] {
            gene = String(t[t.index(after: colon)...]).uppercased()
            cls = k
            label = "\(t[..<colon].lowercased()):\(gene)"
        } else if let sep = t.firstIndex(where: { $0 == " " || $0 == ":" }) {
            let rest = t[t.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("p.") else { throw fail(field, "\"\(text)\" is not GENE, GENE p.X, cna:GENE, amp:GENE, del:GENE or fusion:GENE") }
            gene = String(t[..<sep]).uppercased()
            hgvsp = rest
            label = "\(gene) \(rest)"
        } else {
            gene = t.uppercased()
            label = gene
        }
        guard !gene.isEmpty, gene.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw fail(field, "\"\(text)\" does not name a gene symbol")
        }
        let frame = cls.contains("fusion") ? fusionFrame : nil
        return Member(label: label, filter: AlterationFilter(gene: gene, hgvsp: hgvsp, classes: cls, passOnly: passOnly, present: true,
                                                             fusionFrame: frame))
    }

    /// The members, in the order given (duplicates dropped).
    /// - Throws: `invalidDefinition` for an empty set, an unknown class or set name, a malformed member.
    func members(sets: [String: [String]], field: String, fail: (String, String) -> CohortStudyError) throws -> [Member] {
        for c in classes ?? [] where !AlterationSpec.knownClasses.contains(c) {
            throw fail("\(field).classes", "unknown class \"\(c)\" (\(AlterationSpec.knownClasses.sorted().joined(separator: ", ")))")
        }
        let resolved = AlterationSpec(gene: "-", classes: classes).resolvedClasses
        let pass = passOnly ?? false
        // the frame is checked against the set's classes or, for `fusion:GENE` members, theirs (below)
        let frame = try CohortPlan.fusionFrame(fusionFrame, classes: resolved + ["fusion"], field: field, fail: fail)
        var out: [Member] = []
        var texts: [(String, String)] = (genes ?? []).map { ($0, "\(field).genes") } + (variants ?? []).map { ($0, "\(field).variants") }
        for (v, f) in texts where f.hasSuffix("variants") && !(v.contains(" p.") || v.contains(":p.")) {
            throw fail(f, "\"\(v)\" is not a protein change such as \"BRAF p.V600E\"")
        }
        if let name = set {
            if let own = sets[name] {
                texts += own.map { ($0, "alterationSets.\(name)") }
            } else if let p = OncogenicPathway(named: name) {
                texts += PathwayCatalog.sanchezVega2018.genes(in: p).map { ($0, "\(field).set") }
            } else {
                let known = sets.keys.sorted() + OncogenicPathway.allCases.map(\.tableName)
                throw fail("\(field).set", "unknown set \"\(name)\" (the definition's alterationSets or a pathway: \(known.joined(separator: ", ")))")
            }
        }
        for (t, f) in texts {
            let m = try Self.member(t, classes: resolved, passOnly: pass, fusionFrame: frame, field: f, fail: fail)
            if !out.contains(where: { $0.filter == m.filter }) { out.append(m) }
        }
        guard !out.isEmpty else { throw fail(field, "the alteration set has no member (give genes, variants or set)") }
        if let v = fusionFrame, !out.contains(where: { $0.filter.fusionFrame != nil }) {
            throw fail("\(field).fusionFrame", "\"\(v)\" applies to fusions, but no member counts fusions (classes \(resolved.joined(separator: ", ")))")
        }
        return out
    }
}

extension CohortFlags {
    /// `A|B[:classes]`, members as `AlterationSetSpec.member` reads them; the classes after the last member
    /// apply to every gene member.
    static func alterationSet(_ text: String, flag: String, fail: (String, String) -> CohortStudyError) throws -> AlterationSetSpec {
        var pieces = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.count >= 2, !pieces.contains(where: \.isEmpty) else { throw fail(flag, "\"\(text)\" is not a set such as mutation:IDH1|IDH2") }
        var classes: [String]?
        let last = pieces[pieces.count - 1]
        if let colon = last.lastIndex(of: ":"), !["cna", "amp", "del", "fusion"].contains(last[..<colon].lowercased()),
           !last[last.index(after: colon)...].hasPrefix("p.") {
            classes = last[last.index(after: colon)...].split(separator: ",").map(String.init)
            pieces[pieces.count - 1] = String(last[..<colon])
        }
        var genes: [String] = [], variants: [String] = []
        for p in pieces {
            if p.contains(":p.") || p.contains(" p.") { variants.append(p.replacingOccurrences(of: ":p.", with: " p.")) } else { genes.append(p) }
        }
        return AlterationSetSpec(genes: genes.isEmpty ? nil : genes, variants: variants.isEmpty ? nil : variants, classes: classes)
    }

    /// A file of alteration sets: YAML/JSON (`NAME: [MEMBER, ...]`) or TSV (`NAME<TAB>MEMBER[<TAB or ,>MEMBER...]`, `#` comments).
    public static func loadAlterationSets(path: String) throws -> [String: [String]] {
        let text: String
        do { text = try InputFile.utf8(path: path) } catch {
            throw CohortStudyError(.invalidDefinition, path, "\(error)")
        }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ["yaml", "yml", "json"].contains(ext) {
            return try CohortDefinition.decodeAlterationSets(text, source: path)
        }
        var out: [String: [String]] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if l.isEmpty || l.hasPrefix("#") { continue }
            let fields = l.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, !fields[0].isEmpty else {
                throw CohortStudyError(.invalidDefinition, "\(path): line \(i + 1)", "expected NAME<TAB>MEMBER[,MEMBER...]")
            }
            let members = fields.dropFirst().flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
            guard out[fields[0]] == nil else { throw CohortStudyError(.invalidDefinition, "\(path): line \(i + 1)", "set \"\(fields[0])\" is defined twice") }
            guard !members.isEmpty else { throw CohortStudyError(.invalidDefinition, "\(path): line \(i + 1)", "set \"\(fields[0])\" has no member") }
            out[fields[0]] = members
        }
        guard !out.isEmpty else { throw CohortStudyError(.invalidDefinition, path, "defines no alteration set") }
        return out
    }
}
