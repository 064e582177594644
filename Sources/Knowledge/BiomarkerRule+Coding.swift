import OncoCore

/// Binary coding of rules for the prebuilt index (so loading does not re-parse ~1,500 names).
extension BinaryWriter {
    mutating func rule(_ r: BiomarkerRule) {
        int(r.variantID); string(r.gene); string(r.name)
        if let c = r.condition { u8(1); condition(c) } else { u8(0) }
        if let g = r.genomic { u8(1); allele(g) } else { u8(0) }
        optString(r.unparsedReason)
    }
    mutating func allele(_ g: GenomicAllele) { string(g.build.rawValue); string(g.chrom); int(g.position); string(g.ref); string(g.alt) }
    mutating func optChar(_ c: Character?) { optString(c.map(String.init)) }
    mutating func protein(_ p: ProteinChange) {
        optChar(p.startAA); int(p.start); optChar(p.endAA); optInt(p.end)
        switch p.kind {
        case .substitution(let a): u8(0); string(String(a))
        case .deletion: u8(1)
        case .insertion(let s): u8(2); optString(s)
        case .duplication: u8(3)
        case .delins(let s): u8(4); optString(s)
        case .frameshift: u8(5)
        case .`extension`: u8(6)
        }
    }
    mutating func condition(_ c: RuleCondition) {
        switch c {
        case .protein(let g, let p): u8(0); string(g); protein(p)
        case .codon(let g, let pos, let ref): u8(1); string(g); int(pos); optChar(ref)
        case .aminoAcidRange(let g, let a, let b, let n): u8(2); string(g); int(a); int(b); string(n)
        case .exon(let g, let a, let b, let e): u8(3); string(g); int(a); int(b); string(e.rawValue)
        case .gene(let g, let e): u8(4); string(g); string(e.rawValue)
        case .anyFusion(let g): u8(5); string(g)
        case .fusion(let a, let b, let bp): u8(6); string(a); string(b); optString(bp)
        case .characteristic(let ch): u8(7); string(ch.rawValue)
        case .cdna(let g, let h): u8(8); string(g); string(h)
        case .genomic(let g, let a): u8(9); string(g); allele(a)
        case .molecularMarker(let g, let m): u8(10); string(g); string(m)
        case .wildType(let g): u8(11); string(g)
        case .allOf(let cs): u8(12); varint(UInt64(cs.count)); for x in cs { condition(x) }
        case .anyOf(let cs): u8(13); varint(UInt64(cs.count)); for x in cs { condition(x) }
        }
    }
}

extension BinaryReader {
    mutating func rule() throws -> BiomarkerRule {
        let id = try int(), gene = try string(), name = try string()
        let c = try u8() == 1 ? try condition() : nil
        let g = try u8() == 1 ? try allele() : nil
        return BiomarkerRule(variantID: id, gene: gene, name: name, condition: c, genomic: g, unparsedReason: try optString())
    }
    mutating func allele() throws -> GenomicAllele {
        GenomicAllele(build: GenomeBuild(parsing: try string()), chrom: try string(), position: try int(), ref: try string(), alt: try string())
    }
    mutating func optChar() throws -> Character? { try optString().flatMap(\.first) }
    mutating func protein() throws -> ProteinChange {
        let a1 = try optChar(), p1 = try int(), a2 = try optChar(), p2 = try optInt()
        let kind: ProteinChange.Kind
        switch try u8() {
        case 0: guard let c = try string().first else { throw fail("substitution") }; kind = .substitution(c)
        case 1: kind = .deletion
        case 2: kind = .insertion(try optString())
        case 3: kind = .duplication
        case 4: kind = .delins(try optString())
        case 5: kind = .frameshift
        case 6: kind = .`extension`
        default: throw fail("protein kind")
        }
        return ProteinChange(startAA: a1, start: p1, endAA: a2, end: p2, kind: kind)
    }
    mutating func condition() throws -> RuleCondition {
        let tag = try u8()
        switch tag {
        case 0: return .protein(gene: try string(), change: try protein())
        case 1: return .codon(gene: try string(), position: try int(), ref: try optChar())
        case 2: return .aminoAcidRange(gene: try string(), start: try int(), end: try int(), name: try string())
        case 3:
            let g = try string(), a = try int(), b = try int()
            guard let e = ExonEvent(rawValue: try string()) else { throw fail("exon event") }
            return .exon(gene: g, first: a, last: b, event: e)
        case 4:
            let g = try string()
            guard let e = GeneEvent(rawValue: try string()) else { throw fail("gene event") }
            return .gene(gene: g, event: e)
        case 5: return .anyFusion(gene: try string())
        case 6: return .fusion(fivePrime: try string(), threePrime: try string(), breakpoint: try optString())
        case 7:
            guard let ch = Characteristic(rawValue: try string()) else { throw fail("characteristic") }
            return .characteristic(ch)
        case 8: return .cdna(gene: try string(), hgvsc: try string())
        case 9: return .genomic(gene: try string(), allele: try allele())
        case 10: return .molecularMarker(gene: try string(), marker: try string())
        case 11: return .wildType(gene: try string())
        case 12, 13:
            let n = Int(try varint())
            guard n <= base.count - pos else { throw fail("condition list") }
            var cs: [RuleCondition] = []
            for _ in 0..<n { cs.append(try condition()) }
            return tag == 12 ? .allOf(cs) : .anyOf(cs)
        default: throw fail("condition tag")
        }
    }
}
