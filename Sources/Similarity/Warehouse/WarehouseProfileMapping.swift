import OncoCore
import Vocabulary
import Warehouse

/// Turns warehouse profiles (`Warehouse.ProfileTable`, one columnar read of the warehouse) into
/// similarity profiles with exactly the rules `ProfileBuilder` applies to a new case.
///
/// Per alteration row of the warehouse (gene, consequence class or alteration kind, 1-letter HGVSp):
/// - a small variant is classed by `ProfileBuilder.classify(gene:consequence:hgvsp:)` (truncating;
///   missense or in-frame indel overlapping a cancerhotspots.org residue → hotspot, else other; splice
///   region → other; synonymous and non-coding are not read); a hotspot one, or a truncating one at a
///   recurrent residue, also gives its allele (`ProfileBuilder.exactAllele`, `GENE p.X`);
/// - `amplification` → hotspot/activating, `deletion` → truncating (`ProfileBuilder.classify(copyNumber:)`);
/// - `fusion` with partners `FIVE::THREE` in the HGVSp column → the 3′ partner hotspot/activating and the
///   5′ partner other (as `ClinicalContext.fusions`); without partners the row's gene counts as activating;
/// - exact alterations (`allele(gene:kind:hgvsp:)`): `GENE p.X` of hotspot and recurrent truncating small variants,
///   `GENE amplification`, `GENE deletion`, `THREE fusion`.
///
/// Clinical values: tumour type = the diagnosis' OncoTree code (the tree's root, `TISSUE`, when the
/// warehouse has none, so it relates to no tissue); stage = `Stage.ordinal` of the recorded stage;
/// age at diagnosis; sex; TMB (highest over the patient's specimens); prior lines = the number of lines
/// of therapy recorded. Pathways follow from the hotspot/activating and truncating genes.
/// Only variants passing filters count when `builder.passOnly` (the default), as for a new case.
public struct WarehouseProfileMapping: Sendable {
    public var builder: ProfileBuilder
    public var vocabulary: GeneVocabulary
    public var tumourTypes: TumourTypeHierarchy

    /// Changes whenever the rules above change: an index built under other rules is rebuilt.
    public static let rulesVersion = "warehouse-profile-rules-2+exact-alterations+civic-truncating"

    public init(builder: ProfileBuilder = ProfileBuilder(), vocabulary: GeneVocabulary = .default,
                tumourTypes: TumourTypeHierarchy = .embedded) {
        self.builder = builder
        self.vocabulary = vocabulary
        self.tumourTypes = tumourTypes
    }

    /// What to read from the warehouse: every protein-altering class, PASS only when the builder says so.
    public var readOptions: ProfileOptions {
        ProfileOptions(passOnly: builder.passOnly, consequenceClasses: ["truncating", "missense", "inframeIndel", "splice"])
    }

    /// The (gene, class) pairs one warehouse alteration row contributes (none, one, or two for a fusion).
    public func classify(gene: String, kind: String, hgvsp: String?) -> [(gene: String, class: AlterationClass)] {
        switch kind {
        case "amplification": return [(gene, builder.classify(copyNumber: .amplification))]
        case "deletion": return [(gene, builder.classify(copyNumber: .deletion))]
        case "fusion":
            if let p = hgvsp, let r = p.range(of: "::") {
                let five = String(p[..<r.lowerBound]), three = String(p[r.upperBound...])
                if !five.isEmpty, !three.isEmpty { return [(three, .hotspot), (five, .other)] }
            }
            return [(gene, .hotspot)]
        default:
            guard let c = Consequence.Class(rawValue: kind), let cls = builder.classify(gene: gene, consequence: c, hgvsp: hgvsp) else {
                return []
            }
            return [(gene, cls)]
        }
    }

    /// The exact alteration one warehouse alteration row contributes, as `ProfileBuilder` gives a new
    /// case's: the allele `GENE p.X` of a hotspot small variant, or of a truncating one at a recurrent
    /// residue (`ProfileBuilder.exactAllele`);
    /// `GENE amplification`, `GENE deletion`; `THREE fusion` for a fusion (its 3′ partner; the row's gene
    /// when the partners are not recorded).
    public func allele(gene: String, kind: String, hgvsp: String?) -> String? {
        switch kind {
        case "amplification", "deletion":
            return ProfileBuilder.eventLabel(gene: gene, kind: kind)
        case "fusion":
            if let p = hgvsp, let r = p.range(of: "::") {
                let five = p[..<r.lowerBound], three = String(p[r.upperBound...])
                if !five.isEmpty, !three.isEmpty { return ProfileBuilder.eventLabel(gene: three, kind: "fusion") }
            }
            return ProfileBuilder.eventLabel(gene: gene, kind: "fusion")
        default:
            guard let p = hgvsp, let c = Consequence.Class(rawValue: kind),
                  let cls = builder.classify(gene: gene, consequence: c, hgvsp: p) else { return nil }
            return builder.exactAllele(gene: gene, class: cls, hgvsp: p)
        }
    }

    /// Rows of the table as index columns (gene ids of `vocabulary`; genes outside it are not compared).
    /// Classes are computed once per distinct (gene, kind, HGVSp).
    public func columns(_ t: ProfileTable) -> SimilarityIndex.ProfileColumns {
        var c = SimilarityIndex.ProfileColumns()
        let n = t.count
        c.keys.reserveCapacity(n); c.tumourTypes.reserveCapacity(n); c.stages.reserveCapacity(n); c.ages.reserveCapacity(n)
        c.sexes.reserveCapacity(n); c.priorLines.reserveCapacity(n); c.tmb.reserveCapacity(n)
        c.alterationOffsets.reserveCapacity(n + 1)
        c.alleleOffsets.reserveCapacity(n + 1)
        c.alleleOffsets.append(0)
        c.alterationGenes.reserveCapacity(t.genes.count); c.alterationClasses.reserveCapacity(t.genes.count)
        // Classes per distinct alteration: from the table's dictionary when it has one, else memoised.
        let coded = t.alterationCodes.count == t.genes.count
        var kindStart: [Int32] = [0], kindGenes: [Int32] = [], kindClasses: [AlterationClass] = []
        var kindAllele: [String?] = []
        if coded {
            for k in t.alterationKinds {
                kindAllele.append(allele(gene: k.gene, kind: k.consequenceClass, hgvsp: k.hgvsp))
                for (g, cls) in classify(gene: k.gene, kind: k.consequenceClass, hgvsp: k.hgvsp) {
                    guard let id = vocabulary.id(of: g) else { continue }
                    kindGenes.append(Int32(id)); kindClasses.append(cls)
                }
                kindStart.append(Int32(kindGenes.count))
            }
        }
        var memo = ClassMemo(mapping: self)
        let root = OncoTreeCode(tumourTypes.rootCode)
        var typeCache: [String: OncoTreeCode] = [:]
        for i in 0..<n {
            c.keys.append(PatientKey(t.keys[i]))
            if let tt = t.tumourTypes[i] {
                if let code = typeCache[tt] { c.tumourTypes.append(code) } else {
                    let code = OncoTreeCode(tt); typeCache[tt] = code; c.tumourTypes.append(code)
                }
            } else {
                c.tumourTypes.append(root)
            }
            c.stages.append(Int8(Stage.ordinal(t.stages[i]) ?? -1))
            c.ages.append(Int16(clamping: t.ages[i] ?? -1))
            c.sexes.append(t.sexes[i])
            c.priorLines.append(Int16(clamping: t.lineCounts[i]))
            c.tmb.append(t.tmb[i] ?? .nan)
            for a in t.alterationStart[i]..<t.alterationStart[i + 1] {
                if coded {
                    let k = Int(t.alterationCodes[a])
                    for x in Int(kindStart[k])..<Int(kindStart[k + 1]) {
                        c.alterationGenes.append(kindGenes[x]); c.alterationClasses.append(kindClasses[x])
                    }
                    if let al = kindAllele[k] { c.hotspotAlleles.append(al) }
                } else {
                    let m = memo.get(t.genes[a], t.classes[a], t.hgvsp[a])
                    for (g, cls) in m.classes {
                        c.alterationGenes.append(g); c.alterationClasses.append(cls)
                    }
                    if let al = m.allele { c.hotspotAlleles.append(al) }
                }
            }
            c.alterationOffsets.append(Int32(c.alterationGenes.count))
            c.alleleOffsets.append(Int32(c.hotspotAlleles.count))
        }
        return c
    }

    /// Row `i` of the table as a `PatientProfile` (the same content `columns` gives the index, with
    /// genes outside the vocabulary kept).
    public func profile(_ t: ProfileTable, _ i: Int) -> PatientProfile {
        var p = PatientProfile(key: PatientKey(t.keys[i]), tumourType: t.tumourTypes[i].map(OncoTreeCode.init) ?? OncoTreeCode(tumourTypes.rootCode))
        for a in t.alterationStart[i]..<t.alterationStart[i + 1] {
            for (g, cls) in classify(gene: t.genes[a], kind: t.classes[a], hgvsp: t.hgvsp[a]) {
                switch cls {
                case .hotspot: p.hotspotGenes.insert(g)
                case .truncating: p.truncatingGenes.insert(g)
                case .other: p.otherGenes.insert(g)
                }
            }
            if let al = allele(gene: t.genes[a], kind: t.classes[a], hgvsp: t.hgvsp[a]) { p.hotspotAlleles.insert(al) }
        }
        p.pathways = builder.pathwaySet(hotspot: p.hotspotGenes, truncating: p.truncatingGenes)
        p.tmb = t.tmb[i]
        p.stage = Stage.ordinal(t.stages[i])
        p.age = t.ages[i]
        p.sex = t.sexes[i]
        p.priorLines = t.lineCounts[i]
        return p
    }

    /// Classes per distinct (gene, kind, HGVSp), as vocabulary ids.
    struct ClassMemo {
        struct Key: Hashable { let gene: String; let kind: String; let hgvsp: String? }
        let mapping: WarehouseProfileMapping
        struct Value { var classes: [(Int32, AlterationClass)]; var allele: String? }
        var cache: [Key: Value] = [:]
        init(mapping: WarehouseProfileMapping) { self.mapping = mapping }
        mutating func get(_ gene: String, _ kind: String, _ hgvsp: String?) -> Value {
            let k = Key(gene: gene, kind: kind, hgvsp: hgvsp)
            if let v = cache[k] { return v }
            let v = Value(classes: mapping.classify(gene: gene, kind: kind, hgvsp: hgvsp).compactMap { g, c in
                mapping.vocabulary.id(of: g).map { (Int32($0), c) }
            }, allele: mapping.allele(gene: gene, kind: kind, hgvsp: hgvsp))
            cache[k] = v
            return v
        }
    }
}
