import CHTSlib
import Foundation
import OncoCore

/// Region queries: the index (`.tbi`/`.csi`) or a filter while streaming, and contig resolution.
extension VariantFileReader {
    // MARK: Regions

    func position(at requested: GenomicRegion) throws {
        var region = requested
        if isBCF || compression == 2 {
            if isBCF {
                guard let idx = hts_idx_load3(path, nil, HTS_FMT_CSI, HTS_IDX_SILENT_FAIL) else {
                    throw VariantFileError(.indexMissing, path: path,
                                           problem: "region \(requested) needs an index (.csi); none was found (make one with `bcftools index`)")
                }
                let known = Set(contigCache)
                guard let name = GenomicRegion.resolve(region.contig, in: known) else {
                    hts_idx_destroy(idx)
                    throw unknownContig(requested, known: known)
                }
                region.contig = name
                let tid = bcf_hdr_name2id(hdr, name)
                let limit = chts_index_limit(idx, path + ".csi")
                indexLimit = limit > 0 ? limit : nil
                switch Self.indexStart(region, limit: limit) {
                case .query:
                    source = .bcfIndex(idx, chts_bcf_itr_queryi(idx, tid, Int64(region.start - 1), Int64(region.end ?? Self.maxEnd)))
                case .pastIndex:
                    source = .bcfIndex(idx, nil)
                case .unknownLimit:
                    hts_idx_destroy(idx)
                    source = .streamFilter(region)
                }
            } else {
                guard let tbx = tbx_index_load3(path, nil, HTS_IDX_SILENT_FAIL) else {
                    throw VariantFileError(.indexMissing, path: path,
                                           problem: "region \(requested) needs an index (.tbi or .csi); none was found (make one with `tabix -p vcf`)")
                }
                var n: Int32 = 0
                var indexed = Set<String>()
                if let names = tbx_seqnames(tbx, &n) {
                    for i in 0..<Int(n) { indexed.insert(String(cString: names[i]!)) }
                    free(names)
                }
                let known = indexed.union(contigCache)
                guard let name = GenomicRegion.resolve(region.contig, in: known) else {
                    tbx_destroy(tbx)
                    throw unknownContig(requested, known: known)
                }
                region.contig = name
                let tid = tbx_name2id(tbx, name)
                // A contig declared in the header but absent from the index has no records.
                let limit = chts_index_limit(tbx.pointee.idx, path + ".csi")
                indexLimit = limit > 0 ? limit : nil
                switch Self.indexStart(region, limit: limit) {
                case .query:
                    let itr = tid < 0 ? nil : chts_tbx_itr_queryi(tbx, tid, Int64(region.start - 1), Int64(region.end ?? Self.maxEnd))
                    source = .tabix(OpaquePointer(tbx), itr)
                case .pastIndex:
                    source = .tabix(OpaquePointer(tbx), nil)
                case .unknownLimit:
                    tbx_destroy(tbx)
                    source = .streamFilter(region)
                }
            }
        } else if compression == 1 {
            throw VariantFileError(.indexMissing, path: path,
                                   problem: "region \(requested) needs a BGZF file with an index, but this is plain gzip (recompress with `bgzip`, then `tabix -p vcf`)")
        } else {
            // Uncompressed text cannot be indexed: filter while streaming. The contig must still be
            // declared when the header declares contigs at all.
            if !contigCache.isEmpty {
                let known = Set(contigCache)
                guard let name = GenomicRegion.resolve(region.contig, in: known) else {
                    throw unknownContig(requested, known: known)
                }
                region.contig = name
            }
            source = .streamFilter(region)
        }
        self.region = region
    }

    enum IndexStart: Equatable { case query, pastIndex, unknownLimit }

    /// How to read `region` from an index covering positions below `limit` (0-based; 0 = unknown, from
    /// `chts_index_limit`): a region that starts at or past the limit has no indexed records (`.pastIndex`;
    /// htslib 1.16 would ask for an ~8 GiB allocation for that query, fuzz target `vcf-bgzf`); with the limit
    /// unknown, the file is read from the start and filtered (`.unknownLimit`), never queried blind.
    static func indexStart(_ region: GenomicRegion, limit: Int64) -> IndexStart {
        if limit <= 0 { return .unknownLimit }
        return Int64(region.start - 1) >= limit ? .pastIndex : .query
    }

    static let maxEnd = (Int(Int32.max) << 32) | Int(Int32.max)

    func unknownContig(_ region: GenomicRegion, known: Set<String>) -> VariantFileError {
        let sample = known.sorted { Chromosome.rank($0) < Chromosome.rank($1) || (Chromosome.rank($0) == Chromosome.rank($1) && $0 < $1) }.prefix(5)
        let list = sample.isEmpty ? "none" : sample.joined(separator: ", ") + (known.count > 5 ? ", …" : "")
        return VariantFileError(.contigUnknown, path: path,
                                problem: "contig \"\(region.contig)\" of region \(region) is not in the header or index (contigs: \(list))")
    }
}
