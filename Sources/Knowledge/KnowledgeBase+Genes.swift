extension KnowledgeBase {
    /// Every gene a rule names (its own gene and those of its condition), sorted: what a gene pack
    /// (`onco kb transcripts build`) holds.
    public var ruleGenes: [String] {
        var genes = Set<String>()
        for rule in rules.values {
            if !rule.gene.isEmpty { genes.insert(rule.gene) }
            if let c = rule.condition { genes.formUnion(c.genes) }
        }
        return genes.sorted()
    }
}
