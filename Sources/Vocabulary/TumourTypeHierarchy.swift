import OncoCore

/// A tumour-type tree (OncoTree): each code, its parent and its depth, with ancestry and the
/// Wu–Palmer similarity used to compare two patients' tumour types.
///
/// Where a knowledge base is loaded, the tree is built from its OncoTree (`KnowledgeBase.tumourTypeHierarchy()`),
/// so a KB update reaches similarity search and cohort scoping. Without one, the embedded copy
/// `TumourTypeHierarchy.embedded` is the fallback (898 nodes, `TISSUE` at depth 0, the 32 tissues at
/// depth 1; generated from `KnowledgeBase/oncotree/` by `scripts/generate-embedded-data.py`). The tree
/// depends on nothing but OncoTree's code → parent table; any other tree can be given with `init(parents:)`.
/// Codes not in the tree are added on demand as children of the root, so two unknown codes are
/// unrelated to everything but themselves.
public struct TumourTypeHierarchy: Sendable, Hashable {
    /// Node codes; the index of a code is its node id. Node 0 is the root.
    public private(set) var codes: [String]
    /// Parent node id of each node (the root is its own parent).
    public private(set) var parent: [Int32]
    /// Depth of each node (root 0).
    public private(set) var depth: [Int32]
    private var idByCode: [String: Int32]

    /// The root code (`TISSUE` in OncoTree).
    public var rootCode: String { codes[0] }

    /// Builds the tree from code → parent code. Exactly one code must have no parent (empty or missing
    /// parent), and every parent must be a code of the table.
    public init(parents: [String: String], source: String = "tumour-type table") throws {
        try self.init(parents: parents, source: source, order: nil)
    }

    /// `order` fixes node ids (root first); by default the root, then the other codes sorted.
    private init(parents: [String: String], source: String, order: [String]?) throws {
        let roots = parents.filter { $0.value.isEmpty }.map(\.key).sorted()
        guard roots.count == 1 else {
            throw VocabularyError(.malformedTree, "\(source): expected exactly one root (a code without parent), found \(roots.count)")
        }
        let ordered = order ?? [roots[0]] + parents.keys.sorted().filter { $0 != roots[0] }
        guard ordered.first == roots[0], ordered.count == parents.count else {
            throw VocabularyError(.malformedTree, "\(source): node order does not start at the root")
        }
        var codes: [String] = []
        var idByCode: [String: Int32] = [:]
        for c in ordered {
            idByCode[c] = Int32(codes.count); codes.append(c)
        }
        var parent = [Int32](repeating: 0, count: codes.count)
        for (c, p) in parents where !p.isEmpty {
            guard let pid = idByCode[p] else {
                throw VocabularyError(.malformedTree, "\(source): code \(c): field parent: '\(p)' is not a code of the table")
            }
            parent[Int(idByCode[c]!)] = pid
        }
        // Depths, rejecting cycles.
        var depth = [Int32](repeating: -1, count: codes.count)
        depth[0] = 0
        for start in 0..<codes.count where depth[start] < 0 {
            var path: [Int] = []
            var n = start
            while depth[n] < 0 {
                path.append(n)
                if path.count > codes.count {
                    throw VocabularyError(.malformedTree, "\(source): code \(codes[start]): parent chain has a cycle")
                }
                n = Int(parent[n])
            }
            var d = depth[n]
            for m in path.reversed() { d += 1; depth[m] = d }
        }
        self.codes = codes; self.parent = parent; self.depth = depth; self.idByCode = idByCode
    }

    /// Parses `code<TAB>parent` lines (header first), the layout of OncoTree's flattened TSV's first and
    /// fifth columns.
    public init(tsv: String, source: String = "tumour-type table") throws {
        var map: [String: String] = [:]
        for (i, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i == 0 || line.isEmpty { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 2, !f[0].isEmpty else {
                throw VocabularyError(.malformedTree, "\(source): line \(i + 1): expected code<TAB>parent")
            }
            map[String(f[0]).uppercased()] = String(f[1]).uppercased()
        }
        try self.init(parents: map, source: source)
    }

    /// A tree from node codes and parent ids in node-id order (as a similarity index file stores it).
    public init(codes: [String], parentIds: [Int32], source: String) throws {
        guard !codes.isEmpty, codes.count == parentIds.count, parentIds[0] == 0 else {
            throw VocabularyError(.malformedTree, "\(source): empty or rootless")
        }
        var map: [String: String] = [:]
        for (i, c) in codes.enumerated() {
            let p = Int(parentIds[i])
            guard p >= 0, p < codes.count, map[c] == nil else {
                throw VocabularyError(.malformedTree, "\(source): node \(i): parent id \(p) out of range or code repeated")
            }
            map[c] = i == 0 ? "" : codes[p]
        }
        try self.init(parents: map, source: source, order: codes)
    }

    /// The OncoTree release of the shipped knowledge base (`EmbeddedOncoTree.release`, today 2025-10-03;
    /// cBioPortal/oncotree, CC BY 4.0), embedded in onco: the fallback where no knowledge base is loaded.
    /// Generated from `KnowledgeBase/oncotree/` by `scripts/generate-embedded-data.py`.
    public static let embedded: TumourTypeHierarchy = {
        // The embedded table is checked against KnowledgeBase/ by EmbeddedDataGenerationTests; failure here is a build defect.
        try! TumourTypeHierarchy(tsv: EmbeddedOncoTree.parentsTSV, source: "embedded \(EmbeddedOncoTree.release) code/parent table")
    }()

    public var count: Int { codes.count }

    /// True when this tree is `base` with zero or more codes added under the root (`idAdding`), as the
    /// tree of an index built over `base` is: same codes and parents in the same node order, then extras.
    public func extends(_ base: TumourTypeHierarchy) -> Bool {
        codes.count >= base.codes.count && codes.prefix(base.codes.count).elementsEqual(base.codes)
            && parent.prefix(base.parent.count).elementsEqual(base.parent)
    }

    /// The node id of `code`, if in the tree.
    public func id(of code: OncoTreeCode) -> Int32? { idByCode[code.rawValue] }

    /// The node id of `code`, adding it under the root when unknown.
    public mutating func idAdding(_ code: OncoTreeCode) -> Int32 {
        if let id = idByCode[code.rawValue] { return id }
        let id = Int32(codes.count)
        codes.append(code.rawValue); parent.append(0); depth.append(1); idByCode[code.rawValue] = id
        return id
    }

    /// `code` and its ancestors up to the root, nearest first (`LUAD, NSCLC, LUNG, TISSUE`).
    public func ancestry(of code: OncoTreeCode) -> [OncoTreeCode] {
        guard var n = idByCode[code.rawValue] else { return [code, OncoTreeCode(rootCode)] }
        var out = [OncoTreeCode(codes[Int(n)])]
        while n != 0 { n = parent[Int(n)]; out.append(OncoTreeCode(codes[Int(n)])) }
        return out
    }

    /// Lowest common ancestor of two node ids.
    public func lowestCommonAncestor(_ a: Int32, _ b: Int32) -> Int32 {
        var x = a, y = b
        while depth[Int(x)] > depth[Int(y)] { x = parent[Int(x)] }
        while depth[Int(y)] > depth[Int(x)] { y = parent[Int(y)] }
        while x != y { x = parent[Int(x)]; y = parent[Int(y)] }
        return x
    }

    /// True when `node` is `ancestor` or lies below it.
    public func isDescendant(_ node: Int32, of ancestor: Int32) -> Bool {
        var n = node
        while true {
            if n == ancestor { return true }
            if n == 0 { return false }
            n = parent[Int(n)]
        }
    }

    /// Wu–Palmer similarity (Wu & Palmer, ACL 1994) of two nodes: 2·depth(lca) / (depth(a) + depth(b)),
    /// 1 for the same node, 0 when they meet only at the root (different tissues).
    public func wuPalmer(_ a: Int32, _ b: Int32) -> Double {
        if a == b { return 1 }
        let l = lowestCommonAncestor(a, b)
        let den = Double(depth[Int(a)] + depth[Int(b)])
        return den > 0 ? 2 * Double(depth[Int(l)]) / den : 0
    }

    /// Number of edges between two nodes through their lowest common ancestor.
    public func pathLength(_ a: Int32, _ b: Int32) -> Int {
        let l = lowestCommonAncestor(a, b)
        return Int(depth[Int(a)] + depth[Int(b)] - 2 * depth[Int(l)])
    }

    public static func == (a: Self, b: Self) -> Bool { a.codes == b.codes && a.parent == b.parent }
    public func hash(into h: inout Hasher) { h.combine(codes); h.combine(parent) }
}
