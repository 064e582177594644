import Foundation
import OncoCore
import Testing
import Vocabulary
import _TestSupport

@Suite struct TumourTypeHierarchyTests {
    /// OncoTree levels: TISSUE 0, LUNG 1, NSCLC 2, LUAD/LUSC 3 (from the flattened TSV's `level` column).
    @Test func oncoTreeAncestryAndWuPalmer() throws {
        let t = TumourTypeHierarchy.embedded
        #expect(t.count == 898)
        #expect(t.ancestry(of: OncoTreeCode("LUAD")).map(\.rawValue) == ["LUAD", "NSCLC", "LUNG", "TISSUE"])
        let luad = try #require(t.id(of: OncoTreeCode("LUAD"))), lusc = try #require(t.id(of: OncoTreeCode("LUSC")))
        let nsclc = try #require(t.id(of: OncoTreeCode("NSCLC"))), skcm = try #require(t.id(of: OncoTreeCode("SKCM")))
        #expect(t.wuPalmer(luad, luad) == 1)
        #expect(isClose(t.wuPalmer(luad, lusc), 2.0 * 2 / 6))   // lca NSCLC at depth 2
        #expect(isClose(t.wuPalmer(luad, nsclc), 2.0 * 2 / 5))
        #expect(t.wuPalmer(luad, skcm) == 0)                     // lung vs skin: only the root
        #expect(t.pathLength(luad, lusc) == 2)
        #expect(t.isDescendant(luad, of: nsclc) && !t.isDescendant(nsclc, of: luad))
        var u = t
        let x = u.idAdding(OncoTreeCode("NOTACODE"))
        #expect(u.wuPalmer(x, luad) == 0 && u.wuPalmer(x, x) == 1)
        // a tree with codes added on demand extends the one it started from, not the other way round
        #expect(u.extends(t) && t.extends(t) && !t.extends(u))
        #expect(!t.extends(try TumourTypeHierarchy(parents: ["TISSUE": "", "LUNG": "TISSUE"])))
    }

    @Test func malformedTreesNameTheProblem() throws {
        #expect(throws: VocabularyError.self) { try TumourTypeHierarchy(parents: ["A": "", "B": "C"]) }
        #expect(throws: VocabularyError.self) { try TumourTypeHierarchy(parents: ["A": "", "B": "C", "C": "B"]) }
        do {
            _ = try TumourTypeHierarchy(tsv: "code\tparent\nA\t\nB\tZ\n", source: "tree.tsv")
            Issue.record("expected an error")
        } catch let e as VocabularyError {
            #expect(e.code == .malformedTree && e.description.contains("tree.tsv: code B: field parent: 'Z'"), "\(e)")
        }
        #expect(throws: VocabularyError.self) { try TumourTypeHierarchy(tsv: "code\tparent\nA\n", source: "tree.tsv") }
    }

    /// The node-id form an index file stores round-trips; bad ids and repeated codes are errors.
    @Test func codesAndParentIds() throws {
        let t = TumourTypeHierarchy.embedded
        #expect(try TumourTypeHierarchy(codes: t.codes, parentIds: t.parent, source: "copy") == t)
        #expect(throws: VocabularyError.self) { try TumourTypeHierarchy(codes: ["A", "B"], parentIds: [0, 7], source: "x") }
        #expect(throws: VocabularyError.self) { try TumourTypeHierarchy(codes: ["A", "A"], parentIds: [0, 0], source: "x") }
        #expect(throws: VocabularyError.self) { try TumourTypeHierarchy(codes: [], parentIds: [], source: "x") }
    }
}

/// The embedded tables are exactly what `scripts/generate-embedded-data.py` writes from `KnowledgeBase/`
/// (and the similarity tables beside the generated file): the committed files are regenerated in memory
/// and compared byte for byte.
@Suite struct EmbeddedDataGenerationTests {
    @Test func scriptReproducesTheCommittedFiles() throws {
        let script = RepoPaths.root.appendingPathComponent("scripts/generate-embedded-data.py").path
        let r = try run("python3", [script, "--check"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// The embedded tree equals the one built from the KB's OncoTree file with the same parser the tree uses.
    @Test func embeddedTreeIsTheKnowledgeBaseOncoTree() throws {
        let dir = RepoPaths.knowledgeBase("oncotree")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tsv") }.sorted()
        let tsv = try String(contentsOf: dir.appendingPathComponent(try #require(files.last)), encoding: .utf8)
        // columns code (1st) and parent (5th) of the flattened OncoTree TSV
        let pairs = tsv.split(separator: "\n").map { line -> String in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            return "\(f[0])\t\(f[4])"
        }
        #expect(try TumourTypeHierarchy(tsv: pairs.joined(separator: "\n") + "\n") == .embedded)
    }
}
