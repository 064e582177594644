import Foundation
import OncoCore
import Vocabulary
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exact top-k similar-patient index: every patient's profile packed into fixed-width 64-bit words
/// in one contiguous, 64-byte-aligned buffer.
///
/// **Layout.** Logically a row has `wordsPerRow` words: `3 × wordsPerClass` gene words (one bit per
/// vocabulary gene and class — hotspot first, then truncating, then other), `alleleWords` allele words (one
/// bit per exact alteration of the index's dictionary — alleles `GENE p.X`, gene-level events `GENE
/// amplification` —, which grows as patients are added; they form the fourth, *exact-alteration* tier), a
/// *meta* word (feature counts per tier in four 12-bit fields, bits 0–47: hotspot, truncating, other,
/// exact; pathway mask in bits 48–57, bit 63 set for a live row), a *clinical* word
/// (tumour-type node id in bits 0–15, stage 16–23, sex 24–31, age 32–39, prior lines 40–47, quantised TMB
/// 48–63; 0xFF / 0xFFFF = unknown) and the big-endian first 8 UTF-8 bytes of the key (tie-breaks without
/// touching strings). Physically, rows are grouped in blocks of 1,024, and inside a block the gene bits are
/// *feature-major*: for each (gene, class) feature one 1,024-bit mask (16 words, 128 bytes) of the rows
/// that have it, followed by the block's meta, clinical and key runs (8 KiB each). The same bits as
/// row-major bitsets, transposed: a search reads 128 bytes per block for each query feature, ORs the masks
/// into the set of rows sharing a gene (SIMD-width word operations) and counts intersections from their
/// set bits; it then reads meta and clinical words only for rows that can still enter the top k.
///
/// Updating is incremental (`upsert`, `remove`); a `PatientKey` appears at most once. The index is a value
/// (copy-on-write); it is `Sendable` and searches may run concurrently.
public struct SimilarityIndex: Sendable {
    /// Rows per block (a power of two): a word run of a block is 8 KiB, long enough for the hardware
    /// prefetcher to stream it (64-row blocks measured 2–3× slower: every 512-byte run began with a miss).
    public static let blockRows = 1024
    /// Features of one tier (a gene class, or the exact alterations) a patient may have: the meta word
    /// holds four 12-bit counts.
    public static let maxFeaturesPerTier = 4095
    static let blockShift = 10
    static let blockMask = 1023

    public let vocabulary: GeneVocabulary
    /// Hotspot alleles (`GENE p.X`) with a bit in the rows, in id order: every allele of an indexed
    /// patient, added on first sight (never removed; an allele nobody carries matches nothing).
    public var alleles: [String] { alleleLabels }
    var alleleLabels: [String] = []
    var alleleIDs: [String: Int32] = [:]
    /// The tumour-type tree rows refer to (node ids are stored in the clinical word).
    public internal(set) var tumourTypes: TumourTypeHierarchy
    /// Pathway membership used to derive pathways for column input.
    public let pathwayCatalog: PathwayCatalog
    var layout: Layout
    var storage: RowStorage
    /// Key of each row (tombstoned rows keep theirs until `compacted()`); mapped from an opened file.
    var keys: KeyColumn
    /// The row of each live key, built on first use (see `RowByKeyCache`).
    var rowByKeyCache = RowByKeyCache()
    var rowByKey: [PatientKey: Int32] {
        get { rowByKeyCache.table { builtRowByKey() } }
        _modify {
            // Take the table out and give this value a box of its own: when the old box was not shared,
            // the table is now uniquely referenced and changes in place; when it was (a copy of this index
            // holds it), the first change copies it, as any copy-on-write value does.
            var t = rowByKeyCache.builtTable() ?? builtRowByKey()
            rowByKeyCache = RowByKeyCache()
            defer { rowByKeyCache = RowByKeyCache(t) }
            yield &t
        }
    }

    /// `rowByKey` from the keys and the live bits.
    func builtRowByKey() -> [PatientKey: Int32] {
        var d: [PatientKey: Int32] = [:]
        d.reserveCapacity(count)
        for r in 0..<rowCount where isLive(row: r) { d[keys[r]] = Int32(r) }
        return d
    }
    /// Rows in use (live + removed).
    public internal(set) var rowCount: Int
    /// Live patients.
    public internal(set) var count: Int
    /// Free-form metadata persisted with the index (`write(to:)`), e.g. the warehouse version it was
    /// built from (`WarehouseSimilarity`). Not used by the search.
    public var attributes: [String: String] = [:]

    struct Layout: Hashable, Sendable {
        let wordsPerClass: Int
        /// Words of allele bits, after the three classes' gene words.
        let alleleWords: Int
        /// The first allele word.
        var alleleBase: Int { 3 * wordsPerClass }
        /// Logical feature words of a row (genes of the three classes, then alleles).
        var geneWords: Int { 3 * wordsPerClass + alleleWords }
        /// The tier a feature word counts in: 0–2 the gene classes, 3 the exact alterations (allele words).
        @inline(__always) func classOf(word w: Int) -> Int { w < alleleBase ? w / wordsPerClass : 3 }
        var metaWord: Int { geneWords }
        var clinicalWord: Int { geneWords + 1 }
        var keyWord: Int { geneWords + 2 }
        var stride: Int { geneWords + 3 }
        /// Physical layout of a block: `features` masks of 16 words, then the meta, clinical and key runs.
        var features: Int { geneWords * 64 }
        var bitmapWords: Int { features * 16 }
        var metaOffset: Int { bitmapWords }
        var clinicalOffset: Int { bitmapWords + SimilarityIndex.blockRows }
        var keyOffset: Int { bitmapWords + 2 * SimilarityIndex.blockRows }
        var blockWords: Int { bitmapWords + 3 * SimilarityIndex.blockRows }
        /// Physical offset, inside a block, of the run of a non-gene logical word.
        func plainOffset(_ w: Int) -> Int { bitmapWords + (w - geneWords) * SimilarityIndex.blockRows }
        init(vocabularySize: Int) { wordsPerClass = max(1, (vocabularySize + 63) / 64); alleleWords = 0 }
        init(wordsPerClass: Int, alleleWords: Int) { self.wordsPerClass = wordsPerClass; self.alleleWords = alleleWords }
    }

    /// An empty index.
    public init(vocabulary: GeneVocabulary = .default, tumourTypes: TumourTypeHierarchy = .embedded,
                pathways: PathwayCatalog = .sanchezVega2018, reservingCapacity capacity: Int = 0) {
        self.vocabulary = vocabulary
        self.tumourTypes = tumourTypes
        self.pathwayCatalog = pathways
        precondition(vocabulary.count <= Self.maxFeaturesPerTier, "a vocabulary of more than \(Self.maxFeaturesPerTier) genes")
        layout = Layout(vocabularySize: vocabulary.count)
        storage = RowStorage(blockWords: layout.blockWords, capacityBlocks: max(1, (capacity + Self.blockMask) >> Self.blockShift))
        keys = KeyColumn()
        keys.reserveCapacity(capacity)
        rowByKeyCache = RowByKeyCache([:])
        rowCount = 0
        count = 0
    }

    /// An index of these profiles (later duplicates of a key replace earlier ones).
    public init(profiles: [PatientProfile], vocabulary: GeneVocabulary = .default,
                tumourTypes: TumourTypeHierarchy = .embedded, pathways: PathwayCatalog = .sanchezVega2018) {
        self.init(vocabulary: vocabulary, tumourTypes: tumourTypes, pathways: pathways, reservingCapacity: profiles.count)
        upsert(profiles)
    }

    /// Bytes of the row buffer in use (whole blocks).
    public var rowBytes: Int { ((rowCount + Self.blockMask) >> Self.blockShift) * layout.blockWords * 8 }
    /// Words per row.
    public var wordsPerRow: Int { layout.stride }

    /// The keys of live rows, in row order.
    public var patientKeys: [PatientKey] { (0..<rowCount).compactMap { isLive(row: $0) ? keys[$0] : nil } }

    /// Whether `key` is indexed.
    public func contains(_ key: PatientKey) -> Bool { rowByKey[key] != nil }

    // MARK: - Encoding

    func isLive(row r: Int) -> Bool { plain(r, layout.metaWord) >> 63 == 1 }

    // MARK: - Physical access

    @inline(__always) func blockBase(_ r: Int) -> Int { (r >> Self.blockShift) * layout.blockWords }

    /// A meta, clinical or key word of row `r`.
    @inline(__always) func plain(_ r: Int, _ w: Int) -> UInt64 {
        storage.words[blockBase(r) + layout.plainOffset(w) + (r & Self.blockMask)]
    }
    @inline(__always) func setPlain(_ r: Int, _ w: Int, _ v: UInt64) {
        storage.words[blockBase(r) + layout.plainOffset(w) + (r & Self.blockMask)] = v
    }
    /// Whether row `r` has feature `f` (= class × 64·wordsPerClass + gene id).
    @inline(__always) func hasFeature(_ r: Int, _ f: Int) -> Bool {
        storage.words[blockBase(r) + f * 16 + (r & Self.blockMask) >> 6] >> UInt64(r & 63) & 1 == 1
    }
    /// Logical word `w` of row `r` (gene words are gathered from 64 feature masks).
    func rowWord(_ r: Int, _ w: Int) -> UInt64 {
        if w >= layout.geneWords { return plain(r, w) }
        var v: UInt64 = 0
        for b in 0..<64 where hasFeature(r, w * 64 + b) { v |= 1 << UInt64(b) }
        return v
    }
    /// Zeroes every bit and word of row `r` (a tombstone, or before a replacement).
    func clearRow(_ r: Int) {
        let base = blockBase(r) + (r & Self.blockMask) >> 6
        let keep = ~(UInt64(1) << UInt64(r & 63))
        for f in 0..<layout.features { storage.words[base + f * 16] &= keep }
        for w in layout.geneWords..<layout.stride { setPlain(r, w, 0) }
    }

    mutating func encode(_ p: PatientProfile, into row: inout [UInt64]) {
        for w in 0..<layout.stride { row[w] = 0 }
        for c in AlterationClass.allCases {
            for g in p.genes(c) {
                guard let id = vocabulary.id(of: g) else { continue }
                row[c.rawValue * layout.wordsPerClass + id >> 6] |= 1 << UInt64(id & 63)
            }
        }
        for a in p.hotspotAlleles {
            if let id = alleleIDs[a] { row[layout.alleleBase + Int(id) >> 6] |= 1 << UInt64(id & 63) }
        }
        let clinical = encodeClinical(tumourType: p.tumourType, stage: p.stage, age: p.age, sex: p.sex,
                                      priorLines: p.priorLines, tmb: p.tmb)
        finishRow(&row, pathways: p.pathways.mask, clinical: clinical, key: p.key)
    }

    func finishRow(_ row: inout [UInt64], pathways: UInt16, clinical: UInt64, key: PatientKey) {
        var meta: UInt64 = 1 << 63 | UInt64(pathways & 0x3FF) << 48
        for c in 0..<4 {
            var n = 0
            if c < 3 {
                for w in 0..<layout.wordsPerClass { n += row[c * layout.wordsPerClass + w].nonzeroBitCount }
            } else {
                for w in layout.alleleBase..<layout.geneWords { n += row[w].nonzeroBitCount }
            }
            precondition(n <= SimilarityIndex.maxFeaturesPerTier, "more than \(SimilarityIndex.maxFeaturesPerTier) features of one tier in a patient")
            meta |= UInt64(n) << UInt64(12 * c)
        }
        row[layout.metaWord] = meta
        row[layout.clinicalWord] = clinical
        row[layout.keyWord] = Self.keyPrefix(key)
    }

    mutating func encodeClinical(tumourType: OncoTreeCode, stage: Int?, age: Int?, sex: Sex?, priorLines: Int?, tmb: Double?) -> UInt64 {
        let t = UInt64(tumourTypes.idAdding(tumourType))
        precondition(t < 0xFFFF, "more than 65534 tumour types")
        func byte(_ v: Int?) -> UInt64 { v.map { UInt64(min(254, max(0, $0))) } ?? 0xFF }
        let s: UInt64 = sex == .female ? 1 : sex == .male ? 2 : 0
        let q: UInt64 = tmb.map { UInt64(SimilarityWeights.quantisedTMB($0)) } ?? 0xFFFF
        return t | byte(stage) << 16 | s << 24 | byte(age) << 32 | byte(priorLines) << 40 | q << 48
    }

    /// The first 8 UTF-8 bytes of the key, big-endian, zero-padded.
    static func keyPrefix(_ k: PatientKey) -> UInt64 {
        var v: UInt64 = 0, i = 0
        for b in k.rawValue.utf8 {
            if i == 8 { break }
            v |= UInt64(b) << UInt64(56 - 8 * i); i += 1
        }
        return v
    }

    mutating func write(_ row: [UInt64], key: PatientKey) {
        let r: Int
        if let existing = rowByKey[key] {
            r = Int(existing)
            clearRow(r)
        } else {
            r = rowCount
            if r >= storage.capacityBlocks * Self.blockRows { storage.grow(minBlocks: r / Self.blockRows + 1) }
            rowCount += 1
            count += 1
            keys.append(key)
            rowByKey[key] = Int32(r)
        }
        // Rows are zero here (fresh, or cleared above): set the row's feature bits and plain words.
        let base = blockBase(r) + (r & Self.blockMask) >> 6
        let bit = UInt64(1) << UInt64(r & 63)
        for w in 0..<layout.geneWords {
            var v = row[w]
            while v != 0 {
                let f = w * 64 + v.trailingZeroBitCount
                v &= v &- 1
                storage.words[base + f * 16] |= bit
            }
        }
        for w in layout.geneWords..<layout.stride { setPlain(r, w, row[w]) }
    }

    /// The gene of an allele label (`GENE p.X` → `GENE`).
    static func alleleGene(_ label: String) -> Substring {
        label.firstIndex(of: " ").map { label[..<$0] } ?? Substring(label)
    }

    /// Gives the alleles of vocabulary genes an id (first sight order), widening the allele words when
    /// they are full.
    mutating func registerAlleles<S: Sequence>(_ labels: S) where S.Element == String {
        for l in labels where alleleIDs[l] == nil && vocabulary.id(of: String(Self.alleleGene(l))) != nil {
            alleleIDs[l] = Int32(alleleLabels.count)
            alleleLabels.append(l)
        }
        if alleleLabels.count > layout.alleleWords * 64 {
            var words = max(1, layout.alleleWords)
            while words * 64 < alleleLabels.count { words *= 2 }
            relayout(alleleWords: words)
        }
    }

    /// Moves every block to a layout with `alleleWords` allele words. Gene and existing allele features
    /// keep their numbers (allele words follow the gene words), so masks are copied as a prefix.
    mutating func relayout(alleleWords: Int) {
        let old = layout
        let new = Layout(wordsPerClass: old.wordsPerClass, alleleWords: alleleWords)
        let ns = RowStorage(blockWords: new.blockWords, capacityBlocks: max(1, storage.capacityBlocks))
        let used = (rowCount + Self.blockMask) >> Self.blockShift
        for b in 0..<used {
            let src = storage.words + b * old.blockWords, dst = ns.words + b * new.blockWords
            memcpy(dst, src, old.bitmapWords * 8)
            memcpy(dst + new.metaOffset, src + old.metaOffset, 3 * Self.blockRows * 8)
        }
        storage = ns
        layout = new
    }

    mutating func makeUnique(extraRows: Int) {
        if !isKnownUniquelyReferenced(&storage) || storage.isMapped {
            storage = storage.copy(capacityBlocks: max(storage.capacityBlocks, (rowCount + extraRows + Self.blockMask) >> Self.blockShift))
        }
        let need = (rowCount + extraRows + Self.blockMask) >> Self.blockShift
        if need > storage.capacityBlocks { storage.grow(minBlocks: need) }
    }
}
