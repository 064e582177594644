import Foundation
@testable import Knowledge
import OncoCore
import Testing
import Vocabulary
import _TestSupport

/// The tumour-type tree comes from the knowledge base: the loaded KB's OncoTree and the KB directory's
/// OncoTree file give the same tree, and the embedded fallback is that tree (the shipped KB's release).
@Suite struct TumourTypeTreeTests {
    @Test func knowledgeBaseTreeIsTheEmbeddedFallback() throws {
        let loaded = try Shared.kb.tumourTypeHierarchy()
        #expect(loaded == .embedded && loaded.count == 898)
        #expect(try KnowledgeBase.tumourTypeHierarchy(directory: Shared.kbDirectory) == loaded)
        let luad = try #require(loaded.id(of: OncoTreeCode("LUAD"))), nsclc = try #require(loaded.id(of: OncoTreeCode("NSCLC")))
        #expect(loaded.isDescendant(luad, of: nsclc))
    }

    /// Another OncoTree (here a three-node one) gives another tree: a KB update reaches its users.
    @Test func anotherOncoTreeGivesAnotherTree() throws {
        let tree = OncoTree(nodes: [
            OncoTreeNode(code: "TISSUE", name: "Tissue", mainType: "", tissue: "", parent: "", level: 0),
            OncoTreeNode(code: "LUNG", name: "Lung", mainType: "", tissue: "Lung", parent: "TISSUE", level: 1),
            OncoTreeNode(code: "NEWCODE", name: "New", mainType: "", tissue: "Lung", parent: "LUNG", level: 2),
        ], aliases: [:])
        let h = try tree.tumourTypeHierarchy(source: "test")
        #expect(h.count == 3 && h.ancestry(of: OncoTreeCode("NEWCODE")).map(\.rawValue) == ["NEWCODE", "LUNG", "TISSUE"])
        #expect(h != .embedded)
        let broken = OncoTree(nodes: [OncoTreeNode(code: "A", name: "", mainType: "", tissue: "", parent: "B", level: 1)], aliases: [:])
        #expect(throws: VocabularyError.self) { try broken.tumourTypeHierarchy(source: "test") }
    }

    @Test func missingOncoTreeFileIsAnError() throws {
        let dir = try makeTemporaryDirectory("onco-kb-no-oncotree")
        #expect(throws: KnowledgeError.self) { try KnowledgeBase.tumourTypeHierarchy(directory: dir) }
    }
}
