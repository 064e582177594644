import OncoCore

extension ConsequencePicker {
    /// What `onco variants --format tsv` prints of one entry of `value`: the fields of
    /// `annotation(_:entry:)` at `.summary` detail, the symbol left as the field's bytes. `fields` are the
    /// entry's field ranges as `chooseEntries(_:ref:alts:fields:)` copied them (offsets into `value`).
    func summary(_ value: UnsafeRawBufferPointer, fields: UnsafeBufferPointer<Int>) -> EntrySummary {
        let f = EntryFields(ranges: fields, base: 0)
        var s = EntrySummary()
        if let i = layout.symbol, !f.isEmpty(i) { s.symbol = f.slice(value, i) }
        if let i = layout.consequence { s.consequence = Self.mostSevereTerm(f.slice(value, i)) }
        if let i = layout.hgvsp, !f.isEmpty(i), let p = HGVS.protein(f.slice(value, i)) { s.hgvspShort = HGVS.oneLetter(p) }
        return s
    }

    /// `terms(field).first` without the list: the first of the most severe terms.
    static func mostSevereTerm(_ field: UnsafeRawBufferPointer) -> String? {
        var best: (term: String, rank: Int)?
        var start = 0
        for i in 0...field.count where i == field.count || field[i] == UInt8(ascii: "&") {
            if i > start {
                let t = ConsequenceTerms.lookup(UnsafeRawBufferPointer(rebasing: field[start..<i]))
                if best == nil || t.rank < best!.rank { best = t }
            }
            start = i + 1
        }
        return best?.term
    }
}

/// The fields of a chosen entry that `onco variants --format tsv` prints (`ConsequencePicker.summary`).
/// `symbol` points into the annotation value and is valid only while it is.
public struct EntrySummary {
    /// The gene symbol's bytes (`nil`: empty or no SYMBOL field).
    public var symbol: UnsafeRawBufferPointer?
    /// The most severe consequence term (VEP spelling).
    public var consequence: String?
    /// The 1-letter protein change.
    public var hgvspShort: String?
}
