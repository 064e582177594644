import Foundation
import OncoCore
import Vocabulary

extension SimilarityIndex {
    /// The profile stored for `key`, decoded from its row: genes of the vocabulary by class, pathways,
    /// tumour type, stage, age, sex and prior lines as stored (ages and lines clamped to 0…254); TMB is
    /// the stored log-scale value turned back (`expm1(q / 1000)`), so it is exact only to the index's
    /// resolution. Two indexes hold the same patient identically when these profiles are equal.
    public func storedProfile(for key: PatientKey) -> PatientProfile? {
        guard let r32 = rowByKey[key] else { return nil }
        let r = Int(r32)
        var p = PatientProfile(key: key, tumourType: OncoTreeCode(tumourTypes.codes[Int(plain(r, layout.clinicalWord) & 0xFFFF)]))
        for w in 0..<layout.geneWords {
            var v = rowWord(r, w)
            if w >= layout.alleleBase {
                while v != 0 {
                    p.hotspotAlleles.insert(alleleLabels[(w - layout.alleleBase) * 64 + v.trailingZeroBitCount])
                    v &= v &- 1
                }
                continue
            }
            let cls = w / layout.wordsPerClass
            while v != 0 {
                let g = vocabulary.genes[(w - cls * layout.wordsPerClass) * 64 + v.trailingZeroBitCount]
                v &= v &- 1
                switch cls {
                case 0: p.hotspotGenes.insert(g)
                case 1: p.truncatingGenes.insert(g)
                default: p.otherGenes.insert(g)
                }
            }
        }
        let meta = plain(r, layout.metaWord), c = plain(r, layout.clinicalWord)
        p.pathways = PathwaySet(mask: UInt16(meta >> 48 & 0x3FF))
        func byte(_ shift: UInt64) -> Int? { let v = Int(c >> shift & 0xFF); return v == 0xFF ? nil : v }
        p.stage = byte(16)
        p.age = byte(32)
        p.priorLines = byte(40)
        switch c >> 24 & 0xFF {
        case 1: p.sex = .female
        case 2: p.sex = .male
        default: p.sex = nil
        }
        let q = Int(c >> 48)
        p.tmb = q == 0xFFFF ? nil : Foundation.expm1(Double(q) / 1000)
        return p
    }

    /// A digest of the index's content, independent of row order, tombstones and node-id assignment:
    /// FNV-1a 64 over the sorted live keys with their stored profiles (`storedProfile(for:)`), as 16 hex
    /// digits. Equal digests mean the same patients with the same stored profiles.
    public func contentDigest() -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ s: String) { for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        let live = (0..<rowCount).filter { isLive(row: $0) }.map { keys[$0] }
            .sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
        for k in live {
            let p = storedProfile(for: k)!
            let c = plain(Int(rowByKey[k]!), layout.clinicalWord)
            add(k.rawValue); add("\t"); add(p.tumourType.rawValue)
            add("\tH:" + p.hotspotGenes.sorted().joined(separator: ","))
            add("\tT:" + p.truncatingGenes.sorted().joined(separator: ","))
            add("\tO:" + p.otherGenes.sorted().joined(separator: ","))
            add("\tA:" + p.hotspotAlleles.sorted().joined(separator: ","))
            add("\tP:\(p.pathways.mask)\tC:\(c >> 16)\n")   // stage, sex, age, lines, quantised TMB as stored
        }
        return String(h, radix: 16).leftPadded(to: 16)
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
