import Foundation
import Vocabulary

extension KnowledgeBase {
    /// The knowledge base's OncoTree as the tumour-type tree similarity search and cohort scoping use, so
    /// that a KB update reaches them (`TumourTypeHierarchy.embedded` is only the fallback where no KB is
    /// found). Revoked and historical codes are not nodes.
    /// - Throws: `VocabularyError` when the OncoTree is not a tree (no single root, an unknown parent, a cycle).
    public func tumourTypeHierarchy() throws -> TumourTypeHierarchy {
        try oncotree.tumourTypeHierarchy(source: "knowledge base OncoTree \(version.oncotree)")
    }

    /// The tree of the OncoTree file a KB directory holds (`oncotree/*.tsv`, the file its index is built
    /// from), without loading the index: for commands that need the tree but not the evidence.
    /// - Throws: `KnowledgeError` when the file is missing or malformed, `VocabularyError` when it is not a tree.
    public static func tumourTypeHierarchy(directory: URL) throws -> TumourTypeHierarchy {
        let path = try KnowledgeLayout.single(directory, "oncotree", suffix: ".tsv")
        return try OncoTree.load(tsv: directory.appendingPathComponent(path)).tumourTypeHierarchy(source: path)
    }
}

extension OncoTree {
    /// Code → parent of every node as a `TumourTypeHierarchy` (codes upper-cased, as `TumourTypeHierarchy(tsv:)` does).
    public func tumourTypeHierarchy(source: String) throws -> TumourTypeHierarchy {
        var parents: [String: String] = [:]
        parents.reserveCapacity(nodes.count)
        for n in nodes.values { parents[n.code.uppercased()] = n.parent.uppercased() }
        return try TumourTypeHierarchy(parents: parents, source: source)
    }
}
