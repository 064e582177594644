import OncoCore

/// The records of a copy-number or breakend VCF (CNVkit, PURPLE, Manta, GRIDSS, DELLY), read through htslib's
/// `VariantFileReader`: plain, gzip, BGZF or BCF, with the same strict record checks as the small-variant path
/// (a value that does not match its header Type is an error naming the line and field). Symbolic ALTs
/// (`<DEL>`, `<DUP>`, `<CNV>`) and breakend ALTs (`t[p[`) pass through as text.
///
/// Only what the CNV and breakend readers use is kept: CHROM, POS, ID, the first ALT, FILTER, the INFO values
/// asked for (as text) and one sample's `CN` and `GT`.
struct StructuralVCF {
    struct Record {
        /// Where the record is: its line in a text VCF, its record number and site in a BCF.
        var location: VariantFileError.Location
        var chromosome: String
        /// VCF POS (1-based).
        var position: Int
        /// "." when the record has no ID.
        var id: String
        /// The first ALT allele ("" when there is none).
        var alt: String
        var isPass: Bool
        /// The INFO keys asked for that the record carries, as text (a flag has the value "").
        var info: [String: String]
        /// The chosen sample's `FORMAT/CN` as text (nil: absent or ".").
        var copyNumber: String?
        /// The chosen sample's genotype (nil: no GT).
        var genotype: Genotype?

        /// The record's line in a text VCF, its record number in a BCF.
        var line: Int {
            switch location {
            case .line(let n), .record(let n, _): return n
            default: return 0
            }
        }
    }

    let path: String
    let records: [Record]

    /// - Parameters:
    ///   - infoKeys: the INFO keys to keep.
    ///   - sample: the sample to read FORMAT values from (nil: `##tumor_sample=`, else the only one).
    ///   - readsFormat: false when the caller needs no FORMAT value (breakends): samples are not decoded.
    /// - Throws: `CaseInputError` for a file htslib cannot read as VCF/BCF, a malformed record (line and field),
    ///   an unknown sample, or several samples and none chosen while records carry `CN`/`GT`.
    init(path: String, infoKeys: [String], sample: String?, readsFormat: Bool) throws(CaseInputError) {
        self.path = path
        let reader: VariantFileReader
        do { reader = try VariantFileReader(path: path, decode: readsFormat ? .all : .sites) } catch {
            throw Self.caseError(error, path: path)
        }
        let samples = reader.header.samples
        var sampleIndex: Int?
        if let wanted = sample ?? reader.header.declaredTumourSample {
            guard let k = samples.firstIndex(of: wanted) else {
                throw CaseInputError(.unknownSample, file: path, field: "#CHROM", "the sample asked for is not a column of the VCF")
            }
            sampleIndex = k
        } else if samples.count == 1 {
            sampleIndex = 0
        }
        // Keys are looked up again until found: htslib defines an undeclared INFO/FORMAT key (with a
        // warning) when it first meets it in a record.
        var keys: [String: FieldKey] = [:]
        var cnKey: FieldKey?
        var out: [Record] = []
        var record = VariantRecord()
        do {
            while try reader.read(into: &record) {
                let location = reader.location(site: record.site)
                var info: [String: String] = [:]
                for name in infoKeys {
                    if keys[name] == nil { keys[name] = reader.infoKey(name) }
                    if let key = keys[name], let v = reader.info(key) { info[name] = Self.text(v) }
                }
                if readsFormat && cnKey == nil { cnKey = reader.formatKey("CN") }
                var r = Record(location: location, chromosome: record.contig, position: record.position, id: record.id ?? ".",
                               alt: record.alts.first ?? "", isPass: record.filters.isEmpty || record.filters == ["PASS"],
                               info: info, copyNumber: nil, genotype: nil)
                if readsFormat, !samples.isEmpty {
                    if let k = sampleIndex {
                        r.copyNumber = cnKey.flatMap { reader.formatString($0, sample: k) }
                        r.genotype = reader.genotype(sample: k)
                    } else if (0..<samples.count).contains(where: { s in
                        (cnKey.map { reader.formatString($0, sample: s) != nil } ?? false) || reader.genotype(sample: s) != nil
                    }) {
                        throw Self.fail(path: path, at: location, field: nil, code: .unknownSample,
                                        "\(samples.count) sample columns and no ##tumor_sample=: name the tumour sample")
                    }
                }
                out.append(r)
            }
        } catch let error as CaseInputError {
            throw error
        } catch {
            throw Self.caseError(error, path: path)
        }
        records = out
    }

    /// An INFO value as the text a VCF line would hold.
    static func text(_ value: InfoValue) -> String {
        switch value {
        case .flag: return ""
        case .string(let s): return s
        case .integers(let v): return v.map { $0.map(String.init) ?? "." }.joined(separator: ",")
        case .floats(let v): return v.map { $0.map { "\($0)" } ?? "." }.joined(separator: ",")
        }
    }

    static func caseError(_ error: any Error, path: String) -> CaseInputError {
        guard let e = error as? VariantFileError else { return CaseInputError(.unreadable, file: path, "\(error)") }
        let code: CaseInputError.Code
        switch e.code {
        case .openFailed, .readFailed, .truncated: code = .unreadable
        case .headerUnreadable, .unsupported: code = .unknownFormat
        case .sampleUnknown: code = .unknownSample
        default: code = .badValue
        }
        return fail(path: path, at: e.location, field: nil, code: code, e.problem)
    }

    /// An error at `location`: a text VCF's line is the error's line; a BCF record is named in the message.
    static func fail(path: String, at location: VariantFileError.Location, field: String?, code: CaseInputError.Code = .badValue,
                     _ message: String) -> CaseInputError {
        switch location {
        case .line(let n): return CaseInputError(code, file: path, line: n, field: field, message)
        case .file: return CaseInputError(code, file: path, field: field, message)
        default: return CaseInputError(code, file: path, field: field, "\(location): \(message)")
        }
    }

    func fail(_ r: Record, field: String, _ message: String, code: CaseInputError.Code = .badValue) -> CaseInputError {
        Self.fail(path: path, at: r.location, field: field, code: code, message)
    }

    func integer(_ text: String, _ r: Record, field: String) throws(CaseInputError) -> Int {
        do throws(NumberParseError) { return try NumberField.integer(text, field: field, in: NumberField.position).value } catch {
            throw fail(r, field: field, error.problem)
        }
    }

    func double(_ text: String, _ r: Record, field: String) throws(CaseInputError) -> Double {
        do throws(NumberParseError) { return try NumberField.double(text, field: field, in: NumberField.nonNegative) } catch {
            throw fail(r, field: field, error.problem)
        }
    }
}
