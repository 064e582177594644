import Foundation
import OncoCore
import Vocabulary
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index file format, version 3 (all integers little-endian).
///
/// ```
/// 0     magic "ONCOSIM\0"            8 bytes
/// 8     format version (3)           UInt32
/// 12    header size (4096)           UInt32
/// 16    row count                    UInt64   rows in use, tombstones included
/// 24    live count                   UInt64
/// 32    words per class              UInt32
/// 36    rows per block (1024)        UInt32
/// 40    words per row                UInt32   3 × words per class + allele words + 3
/// 44    section count (8)            UInt32
/// 48    8 × (offset, length, checksum) UInt64 each:
///         0 vocabulary: gene symbols, "\n"-separated, in id order
///         1 tumour types: "code\tparent id\n" per node, in node-id order
///         2 pathway catalog: "gene\tmask\n"
///         3 key offsets: (row count + 1) × UInt64 into section 4
///         4 key bytes: UTF-8 keys, concatenated
///         5 rows: ceil(row count / 1024) blocks, exactly the in-memory layout (feature masks, then the
///           meta, clinical and key runs; see `SimilarityIndex`); 4096-aligned
///         6 attributes: `SimilarityIndex.attributes` as a JSON object (sorted keys)
///         7 exact alterations: labels (`GENE p.X`, `GENE amplification`, ...), "\n"-separated, in id order
/// 240   header checksum              UInt64   FNV-1a 64 of bytes 0..<240
/// ```
/// Version 3 (exact-alteration tier) differs from version 2 only in the meta word: four 12-bit feature
/// counts (hotspot, truncating, other, exact alterations) where version 2 had three 16-bit ones with the
/// alleles counted as hotspot features. Version 2 files are read and their meta words rewritten in memory
/// (the mapping is private: the file is not changed; `write(to:)` saves version 3). Version 1 files (six
/// sections, no attributes or alleles, words per row 3 × words per class + 3, header checksum at 192 over
/// bytes 0..<192) are read the same way, with empty attributes and no alleles.
/// Checksums are FNV-1a 64 over bytes (sections 0–4) and a word-wise multiply–xor over UInt64s
/// (section 5). The rows and the keys are mapped, not read: opening a 1M-patient index checks the key
/// offsets (no strings are made; `KeyColumn`) plus, when `verify` is true, one pass over the file for the
/// checksums (`IndexVerificationRecord` lets a one-shot command skip it for a file it verified before).
enum IndexFileFormat {
    static let magic: [UInt8] = Array("ONCOSIM\0".utf8)
    static let version: UInt32 = 3
    static let headerSize = 4096
    static let sectionCount = 8
    /// Sections of each readable version.
    static func sectionCount(version: UInt32) -> Int { version == 1 ? 6 : 8 }
    /// Versions this onco reads (1 and 2 with their meta words converted).
    static let readable: ClosedRange<UInt32> = 1...3
    /// Offset of the header checksum (it covers the bytes before it).
    static func checksumOffset(sections: Int) -> Int { 48 + 24 * sections }

    static func fnv1a(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in p { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    static func wordHash(_ p: UnsafePointer<UInt64>, count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<count { h = (h ^ UInt64(littleEndian: p[i])) &* 0x100_0000_01b3 ^ (h >> 29) }
        return h
    }
}

extension SimilarityIndex {
    /// Writes the index to `url` atomically (a temporary file in the same folder, then a rename).
    public func write(to url: URL) throws {
        let compact = self
        var sections: [Data] = []
        sections.append(Data(compact.vocabulary.genes.joined(separator: "\n").utf8))
        var types = ""
        for (i, c) in compact.tumourTypes.codes.enumerated() { types += "\(c)\t\(compact.tumourTypes.parent[i])\n" }
        sections.append(Data(types.utf8))
        var pc = ""
        for g in compact.pathwayCatalog.genes { pc += "\(g)\t\(compact.pathwayCatalog.pathways(of: g).mask)\n" }
        sections.append(Data(pc.utf8))
        var offsets = [UInt64](repeating: 0, count: rowCount + 1)
        var keyBytes = Data()
        for r in 0..<rowCount {
            keys.appendUTF8(r, to: &keyBytes)
            offsets[r + 1] = UInt64(keyBytes.count).littleEndian
        }
        sections.append(offsets.withUnsafeBytes { Data($0) })
        sections.append(keyBytes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let attributeBytes = try encoder.encode(attributes)

        let blocks = (rowCount + Self.blockMask) >> Self.blockShift
        let rowBytes = blocks * layout.blockWords * 8
        var header = [UInt8](repeating: 0, count: IndexFileFormat.headerSize)
        func put<T: FixedWidthInteger>(_ v: T, at o: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { header[o + i] = b } }
        }
        for (i, b) in IndexFileFormat.magic.enumerated() { header[i] = b }
        put(IndexFileFormat.version, at: 8)
        put(UInt32(IndexFileFormat.headerSize), at: 12)
        put(UInt64(rowCount), at: 16)
        put(UInt64(count), at: 24)
        put(UInt32(layout.wordsPerClass), at: 32)
        put(UInt32(Self.blockRows), at: 36)
        put(UInt32(layout.stride), at: 40)
        put(UInt32(IndexFileFormat.sectionCount), at: 44)
        var offset = IndexFileFormat.headerSize
        // Sections 0–4, then 6 (attributes) and 7 (alleles), then padding and the rows (5).
        sections.append(attributeBytes)
        sections.append(Data(compact.alleleLabels.joined(separator: "\n").utf8))
        for (i, s) in sections.enumerated() {
            let slot = i < 5 ? i : i + 1
            put(UInt64(offset), at: 48 + 24 * slot)
            put(UInt64(s.count), at: 56 + 24 * slot)
            put(s.withUnsafeBytes { IndexFileFormat.fnv1a($0) }, at: 64 + 24 * slot)
            offset += s.count
        }
        let rowsOffset = (offset + 4095) / 4096 * 4096
        put(UInt64(rowsOffset), at: 48 + 24 * 5)
        put(UInt64(rowBytes), at: 56 + 24 * 5)
        put(IndexFileFormat.wordHash(storage.words, count: rowBytes / 8), at: 64 + 24 * 5)
        let checksumAt = IndexFileFormat.checksumOffset(sections: IndexFileFormat.sectionCount)
        let hc = header.withUnsafeBytes { IndexFileFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<checksumAt])) }
        put(hc, at: checksumAt)

        if let problem = OutputFile.problem(writing: url.path) {
            throw SimilarityError(.writeFailed, "cannot write \(url.path): \(problem)")
        }
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw SimilarityError(.writeFailed, "cannot write \(url.path): \(OutputFile.reason(url.path, errno: errno))")
        }
        do {
            let h = try FileHandle(forWritingTo: tmp)
            defer { try? h.close() }
            try h.write(contentsOf: Data(header))
            for s in sections { try h.write(contentsOf: s) }
            let pad = rowsOffset - offset
            if pad > 0 { try h.write(contentsOf: Data(count: pad)) }
            if rowBytes > 0 {
                try h.write(contentsOf: Data(bytesNoCopy: storage.words, count: rowBytes, deallocator: .none))
            }
            try h.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw SimilarityError(.writeFailed, "cannot write \(url.path): \(error)")
        }
        if rename(tmp.path, url.path) != 0 {
            let e = errno
            try? FileManager.default.removeItem(at: tmp)
            throw SimilarityError(.writeFailed, "cannot write \(url.path): \(OutputFile.reason(url.path, errno: e))")
        }
    }

    /// Opens an index file, mapping its rows (private, copy-on-write: updates never touch the file).
    /// - Parameter verify: check every section's checksum (one pass over the rows).
    public init(contentsOf url: URL, verify: Bool = true) throws {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SimilarityError(.unreadableFile, "\(path): cannot open (errno \(errno))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SimilarityError(.unreadableFile, "\(path): cannot stat") }
        let length = Int(st.st_size)
        guard length >= IndexFileFormat.headerSize else {
            throw SimilarityError(.badIndexFile, "\(path): \(length) bytes, shorter than the 4096-byte header")
        }
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw SimilarityError(.unreadableFile, "\(path): mmap failed (errno \(errno))")
        }
        let file = FileMapping(base: base, length: length)   // unmapped on any error below, else kept by the rows and keys
        // the header and section table, the checksums, attributes and alleles, the rows, the genes,
        // tumour types and pathways, then the keys (in this order, so a damaged file names its first fault)
        let f = try _IndexFile(raw: UnsafeRawBufferPointer(start: base, count: length), path: path)
        let h = f.header
        if verify {
            for i in 0..<h.sectionCount where i != 5 && IndexFileFormat.fnv1a(f.bytes(i)) != f.sections[i].checksum {
                throw f.bad("section \(i) checksum mismatch")
            }
        }
        let (attributes, alleleLabels) = try f.attributesAndAlleles()
        let layout = Layout(wordsPerClass: h.wordsPerClass, alleleWords: h.alleleWords)
        let rows = f.sections[5]
        let blocks = (h.rows + Self.blockMask) >> Self.blockShift
        guard rows.length == blocks * layout.blockWords * 8, rows.offset % 64 == 0 else {
            throw f.bad("rows section has \(rows.length) bytes, expected \(blocks * layout.blockWords * 8)")
        }
        if verify, blocks > 0 {
            let p = (base + rows.offset).assumingMemoryBound(to: UInt64.self)
            guard IndexFileFormat.wordHash(p, count: rows.length / 8) == rows.checksum else { throw f.bad("rows checksum mismatch") }
        }
        let tables = try f.vocabularyTables()
        let rowWords = (base + rows.offset).assumingMemoryBound(to: UInt64.self)
        if h.version < 3 { Self.convertMetaFromVersion2(rowWords, rows: h.rows, layout: layout) }
        let keys = try f.keys(rowWords: rowWords, layout: layout, file: file)
        // The key → row table is built on first use (`RowByKeyCache`); the writer never stores a live key
        // twice, and the key section's checksum guards the file.

        self.vocabulary = tables.vocabulary
        self.attributes = attributes
        self.alleleLabels = alleleLabels
        self.alleleIDs = Dictionary(uniqueKeysWithValues: alleleLabels.enumerated().map { ($1, Int32($0)) })
        self.tumourTypes = tables.tumourTypes
        self.pathwayCatalog = PathwayCatalog(pathwaysByGene: tables.pathways)
        self.layout = layout
        self.keys = keys
        self.rowCount = h.rows
        self.count = h.live
        if blocks > 0 {
            storage = RowStorage(blockWords: layout.blockWords, capacityBlocks: blocks, file: file, offset: rows.offset)
        } else {
            storage = RowStorage(blockWords: layout.blockWords, capacityBlocks: 1)
        }
    }
}

/// An index file's mapped bytes while it is opened: the header and section table read and checked on
/// creation, little-endian reads, and errors naming the file. Not API.
struct _IndexFile {
    struct Header {
        var version: UInt32, sectionCount: Int, rows: Int, live: Int, wordsPerClass: Int, alleleWords: Int
    }
    /// The gene vocabulary, the tumour-type tree and the pathways by gene.
    struct Tables {
        var vocabulary: GeneVocabulary, tumourTypes: TumourTypeHierarchy, pathways: [String: PathwaySet]
    }

    let raw: UnsafeRawBufferPointer
    let path: String
    private(set) var header = Header(version: 0, sectionCount: 0, rows: 0, live: 0, wordsPerClass: 0, alleleWords: 0)
    private(set) var sections: [(offset: Int, length: Int, checksum: UInt64)] = []

    func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
    func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
    func bad(_ what: String) -> SimilarityError { SimilarityError(.badIndexFile, "\(path): \(what)") }
    func bytes(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: raw[sections[i].offset..<sections[i].offset + sections[i].length]) }

    /// Reads the magic, version, header checksum, header fields and the section table.
    init(raw: UnsafeRawBufferPointer, path: String) throws {
        self.raw = raw
        self.path = path
        let length = raw.count
        guard Array(raw[0..<8]) == IndexFileFormat.magic else { throw bad("not an onco similarity index (bad magic)") }
        let version = u32(8)
        guard IndexFileFormat.readable.contains(version) else {
            throw SimilarityError(.unsupportedVersion, "\(path): format version \(version), this onco reads versions 1 to \(IndexFileFormat.version); rebuild the index (`onco warehouse index --rebuild`)")
        }
        let sectionCount = IndexFileFormat.sectionCount(version: version)
        let checksumAt = IndexFileFormat.checksumOffset(sections: sectionCount)
        guard IndexFileFormat.fnv1a(UnsafeRawBufferPointer(rebasing: raw[0..<checksumAt])) == u64(checksumAt) else {
            throw bad("header checksum mismatch")
        }
        let rows = Int(u64(16)), live = Int(u64(24)), wpc = Int(u32(32)), wpr = Int(u32(40))
        let alleleWords = wpr - 3 * wpc - 3
        guard u32(12) == UInt32(IndexFileFormat.headerSize), u32(36) == UInt32(SimilarityIndex.blockRows),
              Int(u32(44)) == sectionCount, wpc >= 1, alleleWords >= 0, version > 1 || alleleWords == 0,
              rows >= 0, live >= 0, live <= rows else { throw bad("inconsistent header fields") }
        for i in 0..<sectionCount {
            let o = Int(u64(48 + 24 * i)), l = Int(u64(56 + 24 * i))
            guard o >= IndexFileFormat.headerSize, l >= 0, o <= length, l <= length - o else {
                throw bad("section \(i) lies outside the file (offset \(o), length \(l), file \(length) bytes)")
            }
            sections.append((o, l, u64(64 + 24 * i)))
        }
        header = Header(version: version, sectionCount: sectionCount, rows: rows, live: live, wordsPerClass: wpc, alleleWords: alleleWords)
    }

    /// Sections 6 (attributes) and 7 (allele labels), checked against the header.
    func attributesAndAlleles() throws -> (attributes: [String: String], alleleLabels: [String]) {
        let sectionCount = header.sectionCount, alleleWords = header.alleleWords
        var attributes: [String: String] = [:]
        if sectionCount > 6, sections[6].length > 0 {
            do {
                attributes = try JSONDecoder().decode([String: String].self, from: Data(bytes(6)))
            } catch {
                throw bad("attributes section is not a JSON object of strings")
            }
        }
        var alleleLabels: [String] = []
        if sectionCount > 7, sections[7].length > 0 {
            alleleLabels = String(decoding: bytes(7), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        guard alleleLabels.count <= alleleWords * 64, Set(alleleLabels).count == alleleLabels.count else {
            throw bad("allele table has \(alleleLabels.count) entries for \(alleleWords * 64) allele bits, or repeats one")
        }
        return (attributes, alleleLabels)
    }

    /// Sections 0 (genes), 1 (tumour-type tree) and 2 (pathways), checked.
    func vocabularyTables() throws -> Tables {
        let genes = String(decoding: bytes(0), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let vocabulary = GeneVocabulary(genes)
        guard vocabulary.genes == genes, (genes.count + 63) / 64 == header.wordsPerClass else { throw bad("vocabulary is not sorted and unique, or does not fit the row width") }
        var codes: [String] = [], parents: [Int32] = []
        for (n, line) in String(decoding: bytes(1), as: UTF8.self).split(separator: "\n").enumerated() {
            let f = line.split(separator: "\t")
            guard f.count == 2, let p = Int32(f[1]) else { throw bad("tumour-type table line \(n + 1) malformed") }
            codes.append(String(f[0])); parents.append(p)
        }
        let hierarchy: TumourTypeHierarchy
        do {
            hierarchy = try TumourTypeHierarchy(codes: codes, parentIds: parents, source: "\(path): tumour-type table")
        } catch let e as VocabularyError {
            throw SimilarityError(.badIndexFile, e.detail)
        }
        var pmap: [String: PathwaySet] = [:]
        for (n, line) in String(decoding: bytes(2), as: UTF8.self).split(separator: "\n").enumerated() {
            let f = line.split(separator: "\t")
            guard f.count == 2, let m = UInt16(f[1]) else { throw bad("pathway table line \(n + 1) malformed") }
            pmap[String(f[0])] = PathwaySet(mask: m)
        }
        return Tables(vocabulary: vocabulary, tumourTypes: hierarchy, pathways: pmap)
    }

    /// Sections 3 (key offsets) and 4 (keys), checked (offsets from 0, increasing, inside the key bytes)
    /// and left in the mapping; the live rows counted against the header.
    func keys(rowWords: UnsafeMutablePointer<UInt64>, layout: SimilarityIndex.Layout, file: FileMapping) throws -> KeyColumn {
        let rows = header.rows
        guard sections[3].length == (rows + 1) * 8 else { throw bad("key offsets section has the wrong length") }
        guard u64(sections[3].offset) == 0 else { throw bad("key offsets do not start at 0") }
        let kb = bytes(4)
        var liveRows = 0
        var prev = 0
        for r in 0..<rows {
            let end = Int(u64(sections[3].offset + 8 * (r + 1)))
            guard end >= prev, end <= kb.count else { throw bad("key offsets are not increasing (row \(r))") }
            prev = end
            let meta = rowWords[(r >> SimilarityIndex.blockShift) * layout.blockWords + layout.metaOffset + (r & SimilarityIndex.blockMask)]
            liveRows += Int(meta >> 63)
        }
        guard liveRows == header.live else { throw bad("live count \(header.live) disagrees with the rows (\(liveRows) live)") }
        guard let base = raw.baseAddress else { return KeyColumn() }
        return KeyColumn(offsets: base + sections[3].offset, bytes: base + sections[4].offset, count: rows, file: file)
    }
}

extension SimilarityIndex {
    /// Rewrites version-1/2 meta words (three 16-bit counts, alleles counted as hotspot features) as
    /// version 3's four 12-bit counts, the exact-alteration count taken from the allele masks. The rows
    /// are a private mapping: only memory changes.
    static func convertMetaFromVersion2(_ words: UnsafeMutablePointer<UInt64>, rows: Int, layout: Layout) {
        let blocks = (rows + blockMask) >> blockShift
        var exact = [Int](repeating: 0, count: blockRows)
        for b in 0..<blocks {
            let base = words + b * layout.blockWords
            for i in 0..<blockRows { exact[i] = 0 }
            for f in layout.alleleBase * 64..<layout.geneWords * 64 {
                for w in 0..<16 {
                    var x = base[f * 16 + w]
                    while x != 0 { exact[w << 6 | x.trailingZeroBitCount] += 1; x &= x &- 1 }
                }
            }
            for i in 0..<min(blockRows, rows - b * blockRows) {
                let m = base[layout.metaOffset + i]
                let nh = Int(m & 0xFFFF) - exact[i], nt = Int(m >> 16 & 0xFFFF), no = Int(m >> 32 & 0xFFFF)
                let counts = UInt64(max(0, nh)) | UInt64(nt) << 12 | UInt64(no) << 24 | UInt64(exact[i]) << 36
                base[layout.metaOffset + i] = m & ~((1 << 48) - 1) | counts
            }
        }
    }
}
