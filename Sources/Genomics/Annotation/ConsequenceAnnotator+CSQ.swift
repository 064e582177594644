import OncoCore

extension ConsequenceAnnotator {
    /// What a CSQ entry writes for its consequence bits: the SO terms (`&`-joined, most severe first),
    /// the IMPACT of the first, and bcftools' names (`&`-joined, for the BCSQ member).
    struct Terms {
        let so: [UInt8]
        let impact: [UInt8]
        let bcftools: [UInt8]
    }

    /// The terms of `bits` (`CsqEntry.printedBits`), computed once per distinct value.
    func terms(_ bits: Int) -> Terms {
        if let t = termsByBits[bits] { return t }
        let names = CsqEntry.names(of: bits)
        let so = names.map { CsqBit.soTerms[$0] ?? $0 }.sorted { Consequence.rank($0) < Consequence.rank($1) }
        let t = Terms(so: Array(so.joined(separator: "&").utf8), impact: Array(Self.impact(so.first).utf8),
                      bcftools: Array(names.joined(separator: "&").utf8))
        termsByBits[bits] = t
        return t
    }

    /// Appends the VEP-style `CSQ` value of a record to `out` (entries joined by `,`, fields by `|`, in
    /// the order of `csqFields`; `=` in HGVSp written `%3D`, the BCSQ member's `|` written `:`).
    /// One byte buffer, no per-field strings: this is the per-record path of `onco annotate`.
    /// - Returns: whether any ALT touched a transcript (else nothing was appended).
    func appendCSQ(to out: inout [UInt8], contig: String, position: Int, ref: String, alts: [String], site: Site) throws -> Bool {
        let start = out.count
        let bar = UInt8(ascii: "|")
        let vepAlleles = AlleleMatcher.vepAlleles(ref: ref, alts: alts)
        var refBytes: [UInt8]?
        for (k, alt) in alts.enumerated() {
            if alt.hasPrefix("<") || alt == "*" || alt == "." { continue }
            let r = refBytes ?? Array(ref.utf8)
            refBytes = r
            let altBytes = Array(alt.utf8)
            let entries = try consequences(contig: contig, position: position, ref: r, alts: [altBytes], site: site)
            guard !entries.isEmpty else { continue }
            let chosen = chosenIndex(entries)
            for (n, e) in entries.enumerated() {
                if out.count > start { out.append(UInt8(ascii: ",")) }
                let t = terms(e.printedBits)
                out += vepAlleles[k].utf8
                out.append(bar); out += t.so
                out.append(bar); out += t.impact
                out.append(bar); out += e.gene.utf8
                out.append(bar); out += e.geneID.utf8
                out.append(bar); out += "Transcript".utf8
                out.append(bar); out += e.transcript.utf8
                out.append(bar); out += e.biotype.utf8
                out.append(bar)
                let model = e.transcriptIndex >= 0 ? transcripts[e.transcriptIndex] : models[e.transcript]
                if let model { _ = HGVSFromCsq.appendCoding(model, pos1: position, ref: r, alt: altBytes, to: &out) }
                out.append(bar)
                _ = HGVSFromCsq.appendProtein(e, residue: { k in model?.residue(k) }, to: &out, equals: "%3D")
                out.append(bar)
                if let aa = e.fieldRange(0) { out += e.variant[aa] }
                out.append(bar); out += e.forward ? "1".utf8 : "-1".utf8
                out.append(bar); if e.canonical { out += "YES".utf8 }
                out.append(bar); if e.mane { out += "YES".utf8 }
                out.append(bar); if n == chosen { out.append(UInt8(ascii: "1")) }
                out.append(bar)
                e.appendBCSQ(to: &out, bar: UInt8(ascii: ":"), names: t.bcftools)
            }
        }
        return out.count > start
    }
}
