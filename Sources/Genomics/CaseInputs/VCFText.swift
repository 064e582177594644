import OncoCore

/// The records of a small structural-variant or CNV VCF as text: CHROM, POS, ID, ALT, FILTER, INFO and the
/// FORMAT values of one sample. htslib's reader (`VariantFileReader`) is built for small variants; CNV and
/// breakend VCFs from CNVkit, Manta, GRIDSS or DELLY are a few thousand lines and need only these fields.
struct VCFText {
    struct Record {
        var line: Int
        var chromosome: String
        /// VCF POS (1-based).
        var position: Int
        var id: String
        var alt: String
        var filter: String
        /// INFO keys with their values (a flag has the value "").
        var info: [String: String]
        var formatKeys: [String]
        /// The chosen sample's values, nil when there is none.
        var sampleValues: [String]?

        var isPass: Bool { filter == "PASS" || filter == "." }

        func format(_ key: String) -> String? {
            guard let values = sampleValues, let k = formatKeys.firstIndex(of: key), k < values.count else { return nil }
            return values[k]
        }
    }

    let source: NumberedLines
    let records: [Record]

    /// - Parameters:
    ///   - sample: the sample column to read FORMAT values from (nil: `##tumor_sample=`, else the only one).
    ///   - readsFormat: false when the caller needs no FORMAT value (breakends): no sample is then chosen.
    /// - Throws: `CaseInputError` for a missing `#CHROM` line, a record with fewer than 8 fields, a bad POS,
    ///   or an unknown sample, or several samples and none chosen while records carry FORMAT values.
    init(_ source: NumberedLines, sample: String?, readsFormat: Bool) throws(CaseInputError) {
        self.source = source
        var samples: [String]?
        var tumour: String?
        var sampleIndex: Int?
        var records: [Record] = []
        for (n, text) in source.lines {
            if text.hasPrefix("##") {
                if text.hasPrefix("##tumor_sample=") { tumour = String(text.dropFirst("##tumor_sample=".count)) }
                continue
            }
            if text.hasPrefix("#CHROM") {
                let names = text.split(separator: "\t", omittingEmptySubsequences: false).dropFirst(9).map(String.init)
                samples = names
                if let wanted = sample ?? tumour {
                    guard let k = names.firstIndex(of: wanted) else {
                        throw source.fail(.unknownSample, line: n, field: nil, "the sample asked for is not a column of the VCF")
                    }
                    sampleIndex = k
                } else if names.count == 1 {
                    sampleIndex = 0
                }
                continue
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            guard let samples else { throw source.fail(.empty, line: n, field: nil, "a record before the #CHROM header line") }
            let f = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 8 else { throw source.fail(.columnCount, line: n, field: nil, "\(f.count) fields; a VCF record has at least 8") }
            let pos: Int
            do throws(NumberParseError) { pos = try NumberField.integer(f[1], field: "POS", in: NumberField.position).value } catch {
                throw source.fail(.badValue, line: n, field: "POS", error.problem)
            }
            var info: [String: String] = [:]
            if f[7] != "." {
                for item in f[7].split(separator: ";") {
                    if let eq = item.firstIndex(of: "=") {
                        info[String(item[..<eq])] = String(item[item.index(after: eq)...])
                    } else { info[String(item)] = "" }
                }
            }
            let keys = f.count > 8 ? f[8].split(separator: ":").map(String.init) : []
            var values: [String]?
            if readsFormat && !keys.isEmpty && !samples.isEmpty {
                guard let k = sampleIndex else {
                    throw source.fail(.unknownSample, line: n, field: nil, "\(samples.count) sample columns and no ##tumor_sample=: name the tumour sample")
                }
                guard 9 + k < f.count else { throw source.fail(.columnCount, line: n, field: nil, "\(f.count) fields, the header names \(9 + samples.count)") }
                values = f[9 + k].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            }
            records.append(Record(line: n, chromosome: f[0], position: pos, id: f[2], alt: f[4], filter: f[6], info: info,
                                  formatKeys: keys, sampleValues: values))
        }
        guard samples != nil else { throw source.fail(.empty, line: nil, field: nil, "no #CHROM header line") }
        self.records = records
    }

    func fail(line: Int, field: String, _ message: String, code: CaseInputError.Code = .badValue) -> CaseInputError {
        source.fail(code, line: line, field: field, message)
    }

    func integer(_ text: String, line: Int, field: String) throws(CaseInputError) -> Int {
        do throws(NumberParseError) { return try NumberField.integer(text, field: field, in: NumberField.position).value } catch {
            throw fail(line: line, field: field, error.problem)
        }
    }

    func double(_ text: String, line: Int, field: String) throws(CaseInputError) -> Double {
        do throws(NumberParseError) { return try NumberField.double(text, field: field, in: NumberField.nonNegative) } catch {
            throw fail(line: line, field: field, error.problem)
        }
    }
}
