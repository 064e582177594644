import Foundation

/// One OncoTree node.
public struct OncoTreeNode: Hashable, Sendable {
    public var code: String
    public var name: String
    public var mainType: String
    public var tissue: String
    /// Parent code; empty for the root.
    public var parent: String
    public var level: Int
}

/// The OncoTree hierarchy (cBioPortal/oncotree, CC BY 4.0), read from the flattened TSV shipped in
/// `KnowledgeBase/oncotree/`.
public struct OncoTree: Sendable {
    public let nodes: [String: OncoTreeNode]
    /// Revoked or historical code → current code (`GBM` → `GB`).
    public let aliases: [String: String]
    public let children: [String: [String]]

    public init(nodes: [OncoTreeNode], aliases: [String: String]) {
        var d: [String: OncoTreeNode] = [:]
        var ch: [String: [String]] = [:]
        for n in nodes {
            d[n.code] = n
            if !n.parent.isEmpty { ch[n.parent, default: []].append(n.code) }
        }
        self.nodes = d
        self.aliases = aliases
        self.children = ch.mapValues { $0.sorted() }
    }

    /// Reads `oncotree_*.tsv` (code, name, main_type, tissue, parent, level, ..., history, precursors, revocations).
    public static func load(tsv url: URL) throws -> OncoTree {
        let t = try TSVTable(contentsOf: url)
        let cCode = try t.column("code"), cName = try t.column("name"), cMain = try t.column("main_type")
        let cTissue = try t.column("tissue"), cParent = try t.column("parent"), cLevel = try t.column("level")
        let cHist = t.optionalColumn("history"), cPrec = t.optionalColumn("precursors"), cRev = t.optionalColumn("revocations")
        var nodes: [OncoTreeNode] = []
        var aliases: [String: String] = [:]
        for (i, r) in t.rows.enumerated() {
            let code = String(r[cCode])
            guard let level = Int(r[cLevel]) else {
                throw KnowledgeError(.badField, file: t.file, line: t.lines[i], field: "level", "'\(r[cLevel])' is not an integer")
            }
            nodes.append(OncoTreeNode(code: code, name: String(r[cName]), mainType: String(r[cMain]),
                                      tissue: String(r[cTissue]), parent: String(r[cParent]), level: level))
            for c in [cHist, cPrec, cRev].compactMap({ $0 }) {
                for old in r[c].split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }) where !old.isEmpty {
                    aliases[String(old)] = code
                }
            }
        }
        // A current code is never an alias.
        for n in nodes { aliases[n.code] = nil }
        return OncoTree(nodes: nodes, aliases: aliases)
    }

    /// The current node for a code, following revocations/history (`GBM` → `GB`).
    public func node(_ code: String) -> OncoTreeNode? {
        let c = code.uppercased()
        return nodes[c] ?? aliases[c].flatMap { nodes[$0] }
    }

    /// Ancestors from the parent up to (not including) the `TISSUE` root.
    public func ancestors(of code: String) -> [OncoTreeNode] {
        var out: [OncoTreeNode] = []
        var cur = node(code)
        while let c = cur, !c.parent.isEmpty, let p = nodes[c.parent], p.code != "TISSUE" {
            out.append(p)
            cur = p
        }
        return out
    }

    /// All descendants (depth-first).
    public func descendants(of code: String) -> [String] {
        guard let n = node(code) else { return [] }
        var out: [String] = []
        var stack = children[n.code] ?? []
        while let c = stack.popLast() {
            out.append(c)
            stack += children[c] ?? []
        }
        return out
    }
}

/// One Disease Ontology term.
public struct DOTerm: Hashable, Sendable {
    public var id: String
    public var name: String
    public var parents: [String]
}

/// The Disease Ontology cancer slim (CC0), read from OBO.
public struct DiseaseOntology: Sendable {
    public let terms: [String: DOTerm]
    /// `alt_id` → primary id.
    public let alternates: [String: String]
    public let children: [String: [String]]
    /// The `data-version` line (`doid/releases/2026-07-31/...`).
    public let version: String

    public init(terms: [DOTerm], alternates: [String: String], version: String) {
        var d: [String: DOTerm] = [:]
        var ch: [String: [String]] = [:]
        for t in terms {
            d[t.id] = t
            for p in t.parents { ch[p, default: []].append(t.id) }
        }
        self.terms = d
        self.alternates = alternates
        self.children = ch.mapValues { $0.sorted() }
        self.version = version
    }

    /// Parses the `[Term]` stanzas of an OBO 1.2 file (`id`, `name`, `alt_id`, `is_a`, `is_obsolete`).
    public static func load(obo url: URL) throws -> DiseaseOntology {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KnowledgeError(.fileUnreadable, file: url.path, "cannot read file")
        }
        let text = String(decoding: data, as: UTF8.self)
        var terms: [DOTerm] = []
        var alternates: [String: String] = [:]
        var version = ""
        var cur: DOTerm?
        var curAlts: [String] = []
        var obsolete = false
        var inTerm = false
        var lineNo = 0
        func flush() {
            if let c = cur, !obsolete {
                terms.append(c)
                for a in curAlts { alternates[a] = c.id }
            }
            cur = nil; curAlts = []; obsolete = false
        }
        var failure: KnowledgeError?
        text.enumerateLinesFast { line in
            lineNo += 1
            if failure != nil { return }
            if line.hasPrefix("[") {
                flush()
                inTerm = line == "[Term]"
                return
            }
            if line.hasPrefix("data-version: ") { version = String(line.dropFirst(14)) }
            guard inTerm else { return }
            if line.hasPrefix("id: ") {
                cur = DOTerm(id: String(line.dropFirst(4)), name: "", parents: [])
            } else if line.hasPrefix("name: ") {
                cur?.name = String(line.dropFirst(6))
            } else if line.hasPrefix("alt_id: ") {
                curAlts.append(String(line.dropFirst(8)))
            } else if line.hasPrefix("is_a: ") {
                guard let id = line.dropFirst(6).split(separator: " ").first else {
                    failure = KnowledgeError(.badField, file: url.path, line: lineNo, field: "is_a", "empty is_a")
                    return
                }
                cur?.parents.append(String(id))
            } else if line.hasPrefix("is_obsolete: true") {
                obsolete = true
            }
        }
        if let failure { throw failure }
        flush()
        return DiseaseOntology(terms: terms, alternates: alternates, version: version)
    }

    public func term(_ id: String) -> DOTerm? { terms[id] ?? alternates[id].flatMap { terms[$0] } }
    public func canonical(_ id: String) -> String { terms[id] != nil ? id : (alternates[id] ?? id) }

    /// All ancestors (breadth-first, nearest first).
    public func ancestors(of id: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        var queue = term(id)?.parents ?? []
        while !queue.isEmpty {
            let x = queue.removeFirst()
            if seen.insert(x).inserted {
                out.append(x)
                queue += terms[x]?.parents ?? []
            }
        }
        return out
    }

    /// One is_a path from `id` up to `ancestor`, both included, or nil.
    public func path(from id: String, to ancestor: String) -> [String]? {
        let start = canonical(id)
        if start == ancestor { return [start] }
        var prev: [String: String] = [:]
        var queue = [start]
        var seen: Set<String> = [start]
        while !queue.isEmpty {
            let x = queue.removeFirst()
            for p in terms[x]?.parents ?? [] where seen.insert(p).inserted {
                prev[p] = x
                if p == ancestor {
                    var path = [p]
                    var c = p
                    while let q = prev[c] { path.append(q); c = q }
                    return path.reversed()
                }
                queue.append(p)
            }
        }
        return nil
    }

    public func descendants(of id: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        var stack = children[canonical(id)] ?? []
        while let c = stack.popLast() {
            if seen.insert(c).inserted {
                out.append(c)
                stack += children[c] ?? []
            }
        }
        return out
    }
}

/// OncoTree code → Disease Ontology mapping: the shared NCIt-based crosswalk completed by reviewed
/// overrides (`KnowledgeBase/crosswalk_overrides.tsv`).
public struct OncoTreeDOCrosswalk: Sendable {
    public enum Match: String, Sendable, Hashable, Codable {
        /// The DO term is this OncoTree type.
        case exact
        /// No exact DO term; the DO term is broader (an ancestor's).
        case broader
    }
    public struct Entry: Hashable, Sendable {
        public var doid: String
        public var match: Match
        /// `override`, `crosswalk:self`, `crosswalk:ancestor:SOC`.
        public var source: String
    }
    public let entries: [String: Entry]

    public init(entries: [String: Entry]) { self.entries = entries }

    /// Loads the crosswalk, then applies the overrides (which win).
    public static func load(crosswalk: URL, overrides: URL) throws -> OncoTreeDOCrosswalk {
        var e: [String: Entry] = [:]
        let t = try TSVTable(contentsOf: crosswalk)
        let cCode = try t.column("oncotree_code"), cDOID = try t.column("doid"), cRoute = try t.column("route")
        for r in t.rows where !r[cDOID].isEmpty {
            let route = String(r[cRoute])
            e[String(r[cCode])] = Entry(doid: String(r[cDOID]), match: route == "self" ? .exact : .broader,
                                        source: "crosswalk:" + route)
        }
        let o = try TSVTable(contentsOf: overrides)
        let oCode = try o.column("oncotree_code"), oDOID = try o.column("doid"), oMatch = try o.column("match")
        _ = try o.column("reason")
        for (i, r) in o.rows.enumerated() {
            guard let m = Match(rawValue: String(r[oMatch])) else {
                throw KnowledgeError(.badField, file: o.file, line: o.lines[i], field: "match", "must be 'exact' or 'broader'")
            }
            guard r[oDOID].hasPrefix("DOID:") else {
                throw KnowledgeError(.badField, file: o.file, line: o.lines[i], field: "doid", "'\(r[oDOID])' is not a DOID")
            }
            e[String(r[oCode])] = Entry(doid: String(r[oDOID]), match: m, source: "override")
        }
        return OncoTreeDOCrosswalk(entries: e)
    }
}
