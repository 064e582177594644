import OncoCore

extension VariantFileReader {
    /// Tumour read support of ALT `altIndex` (0-based) of the current record, from the sample's FORMAT
    /// fields, with the caller-specific fallbacks vcf2maf uses (vcf2maf.pl, "tum_depths").
    ///
    /// REF/ALT read counts, first rule that applies:
    /// 1. `AD` with one value per allele (GATK, Mutect2, MuSE, Radia): `AD[0]`, `AD[altIndex+1]`;
    ///    PCGR's `ADT` (`"21,8"`) likewise;
    /// 2. VarScan (`AD` holds only the ALT count, `RD` the REF count);
    /// 3. SomaticSniper `BCOUNT` (A,C,G,T) for single-base alleles;
    /// 4. Strelka SNVs `AU`/`CU`/`GU`/`TU` (tier 1);
    /// 5. Strelka indels `TIR` (ALT) and `TAR` (REF), tier 1;
    /// 6. `AO`/`RO` (FreeBayes, Ion Torrent);
    /// 7. `DP4` (ref-fwd, ref-rev, alt-fwd, alt-rev) for biallelic records;
    /// 8. `AD` with a single value: the ALT count only; `DV` likewise (bcftools).
    ///
    /// Depth: `DP` (PCGR `DPT`), raised to REF+ALT when those exceed it (as vcf2maf does), else REF+ALT.
    /// VAF: ALT/(REF+ALT) when both counts are known, else `AF`/`FA`/`FREQ` for that ALT, else ALT/depth.
    /// When the sample has none of these, PCGR's INFO `TVAF`/`TDP` are used.
    /// - Returns: `nil` when nothing is known.
    public func formatSupport(sample: Int?, altIndex: Int, ref: String, alt: String) -> ReadSupport? {
        let k = supportKeys()
        var refReads: Int?, altReads: Int?, depth: Int?, fraction: Double?
        let nAlleles = Int(rec.pointee.n_allele)
        if let s = sample {
            // Each tag's values in its own slot of the reader's scratch buffers (no array per tag and call).
            func ints(_ key: FieldKey?, _ slot: Int) -> FormatInts? { formatInts(key, sample: s, slot: slot) }
            func floats(_ key: FieldKey?) -> FormatFloats? { formatFloatValues(key, sample: s) }
            let ad = ints(k.ad, 0) ?? ints(k.adt, 0)
            let refBase = Self.baseIndex(ref), altBase = Self.baseIndex(alt)
            if let ad, ad.count == nAlleles, ad.count > altIndex + 1 {
                refReads = ad[0]
                altReads = ad[altIndex + 1]
            } else if let ad, ad.count == 1, let rd = ints(k.rd, 1)?.first ?? nil {
                refReads = rd
                altReads = ad[0]
            } else if let ri = refBase, let ai = altBase, let b = ints(k.bcount, 2), b.count == 4 {
                refReads = b[ri]
                altReads = b[ai]
            } else if let ri = refBase, let ai = altBase, let r = ints(k.tiers[ri], 3), let a = ints(k.tiers[ai], 4), !r.isEmpty, !a.isEmpty {
                refReads = r[0]
                altReads = a[0]
            } else if let tir = ints(k.tir, 5), !tir.isEmpty {
                altReads = tir[0]
                refReads = ints(k.tar, 6)?.first ?? nil
            } else if let ao = ints(k.ao, 7), ao.count > altIndex, let ro = ints(k.ro, 8)?.first ?? nil {
                refReads = ro
                altReads = ao[altIndex]
            } else if nAlleles == 2, let dp4 = ints(k.dp4, 9), dp4.count == 4, (0..<4).allSatisfy({ dp4[$0] != nil }) {
                refReads = dp4[0]! + dp4[1]!
                altReads = dp4[2]! + dp4[3]!
            } else if let ad, ad.count == 1 {
                altReads = ad[0]
            } else if let dv = ints(k.dv, 10), dv.count == 1 {
                altReads = dv[0]
            }
            depth = ints(k.dp, 11)?.first ?? ints(k.dpt, 12)?.first ?? nil
            // AF, then FA, then FREQ: the first that gives this ALT's fraction (no array of keys built per call).
            func fractionOf(_ key: FieldKey?) -> Double? {
                guard let v = floats(key) else { return nil }
                if v.count > altIndex, let f = v[altIndex] { return f }
                if v.count == 1, nAlleles == 2, let f = v[0] { return f }
                return nil
            }
            fraction = fractionOf(k.af) ?? fractionOf(k.fa) ?? fractionOf(k.freq)
        }
        if refReads == nil && altReads == nil && depth == nil && fraction == nil {
            // PCGR's tumour INFO tags (`--tumor_af_tag TVAF --tumor_dp_tag TDP`).
            if let t = k.tvaf { fraction = infoDouble(t, at: altIndex) ?? infoDouble(t) }
            depth = k.tdp.flatMap { infoInt($0) }
            if fraction == nil && depth == nil { return nil }
        }
        if let r = refReads, let a = altReads {
            let sum = r + a
            if depth == nil || depth! < sum { depth = sum }
        }
        var vaf: Double?
        if let r = refReads, let a = altReads, r + a > 0 {
            vaf = Double(a) / Double(r + a)
        } else if let fraction {
            vaf = fraction
        } else if let a = altReads, let d = depth, d > 0 {
            vaf = Double(a) / Double(d)
        }
        return ReadSupport(refReads: refReads, altReads: altReads, depth: depth, vaf: vaf, source: .format)
    }

    /// The keys `formatSupport` reads, resolved once per header state.
    func supportKeys() -> SupportKeys {
        let ids = hdr.pointee.n.0
        if let k = supportKeysCache, k.idCount == ids { return k }
        let k = SupportKeys(
            idCount: ids, ad: formatKey("AD"), adt: formatKey("ADT"), rd: formatKey("RD"), bcount: formatKey("BCOUNT"),
            tiers: ["AU", "CU", "GU", "TU"].map { formatKey($0) }, tir: formatKey("TIR"), tar: formatKey("TAR"),
            ao: formatKey("AO"), ro: formatKey("RO"), dp4: formatKey("DP4"), dv: formatKey("DV"), dp: formatKey("DP"),
            dpt: formatKey("DPT"), af: formatKey("AF"), fa: formatKey("FA"), freq: formatKey("FREQ"),
            tvaf: infoKey("TVAF"), tdp: infoKey("TDP"))
        supportKeysCache = k
        return k
    }

    /// A, C, G, T (any case) → 0…3; anything else (several bases, N) → nil.
    static func baseIndex(_ s: String) -> Int? {
        guard s.utf8.count == 1, let b = s.utf8.first else { return nil }
        switch b | 0x20 {
        case UInt8(ascii: "a"): return 0
        case UInt8(ascii: "c"): return 1
        case UInt8(ascii: "g"): return 2
        case UInt8(ascii: "t"): return 3
        default: return nil
        }
    }

}

/// FORMAT/INFO keys read by `formatSupport` (nil where the header lacks the tag). A class: handed out
/// per call without copying (and retaining) each key.
final class SupportKeys {
    let idCount: Int32
    let ad, adt, rd, bcount: FieldKey?
    /// AU, CU, GU, TU (Strelka), indexed like `baseIndex`.
    let tiers: [FieldKey?]
    let tir, tar, ao, ro, dp4, dv, dp, dpt, af, fa, freq: FieldKey?
    let tvaf, tdp: FieldKey?

    init(idCount: Int32, ad: FieldKey?, adt: FieldKey?, rd: FieldKey?, bcount: FieldKey?, tiers: [FieldKey?], tir: FieldKey?,
         tar: FieldKey?, ao: FieldKey?, ro: FieldKey?, dp4: FieldKey?, dv: FieldKey?, dp: FieldKey?, dpt: FieldKey?,
         af: FieldKey?, fa: FieldKey?, freq: FieldKey?, tvaf: FieldKey?, tdp: FieldKey?) {
        self.idCount = idCount
        self.ad = ad; self.adt = adt; self.rd = rd; self.bcount = bcount; self.tiers = tiers; self.tir = tir; self.tar = tar
        self.ao = ao; self.ro = ro; self.dp4 = dp4; self.dv = dv; self.dp = dp; self.dpt = dpt
        self.af = af; self.fa = fa; self.freq = freq; self.tvaf = tvaf; self.tdp = tdp
    }
}
