/// A failure to read a variant, alignment or reference file, saying which file, which record and what.
///
/// `description` names the file by its last path component, the record (line number for text VCF
/// read from the start, else the record index and `CHROM:POS` when known) and the problem. It never
/// holds sample names or genotypes; the full path is only in `debugDescription`.
///
/// ```
/// case.vcf.gz: line 57: POS "12x4" is not a number
/// case.vcf.gz: region 7:140453000-140454000 needs an index (.tbi or .csi); none was found
/// ```
public struct VariantFileError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a stable code for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case openFailed, headerUnreadable, recordMalformed, readFailed, truncated, indexMissing,
                 contigUnknown, regionInvalid, sampleUnknown, referenceUnreadable, alignmentUnreadable,
                 unsupported
        }
        fileprivate let base: Base
        public var description: String { base.rawValue }

        /// The file does not exist, is unreadable or is not a format htslib recognises.
        public static let openFailed = Code(base: .openFailed)
        /// The header is missing or invalid.
        public static let headerUnreadable = Code(base: .headerUnreadable)
        /// A record is malformed (column count, POS, a value that does not parse).
        public static let recordMalformed = Code(base: .recordMalformed)
        /// Decompression or I/O failed in the middle of the file.
        public static let readFailed = Code(base: .readFailed)
        /// The compressed stream ends early (no BGZF end-of-file block, or a cut block).
        public static let truncated = Code(base: .truncated)
        /// A region query or BAM lookup needs an index (.tbi/.csi/.bai/.crai) and there is none.
        public static let indexMissing = Code(base: .indexMissing)
        /// A contig named by a region or a variant is not in the file's header or index.
        public static let contigUnknown = Code(base: .contigUnknown)
        /// A region string does not parse (`7:140453000-140454000`).
        public static let regionInvalid = Code(base: .regionInvalid)
        /// The requested tumour sample is not in the file.
        public static let sampleUnknown = Code(base: .sampleUnknown)
        /// The reference FASTA or its .fai cannot be read.
        public static let referenceUnreadable = Code(base: .referenceUnreadable)
        /// A BAM/CRAM cannot be read.
        public static let alignmentUnreadable = Code(base: .alignmentUnreadable)
        /// A valid file of a kind onco does not read here (e.g. a BAM given as the variant file).
        public static let unsupported = Code(base: .unsupported)
    }

    /// Where in the file the problem is.
    public enum Location: Hashable, Sendable, CustomStringConvertible {
        /// The file as a whole (opening, header, index).
        case file
        /// A 1-based line of a text VCF.
        case line(Int)
        /// A 1-based record number (BCF, or a text VCF read through an index), with `CHROM:POS` if known.
        case record(Int, site: String?)
        /// A site (`CHROM:POS`) when no record number applies (BAM lookups).
        case site(String)

        public var description: String {
            switch self {
            case .file: return ""
            case .line(let n): return "line \(n)"
            case .record(let n, let site):
                if let site { return "record \(n) (\(site))" }
                return "record \(n)"
            case .site(let s): return "site \(s)"
            }
        }
    }

    public let code: Code
    /// The file's name (last path component).
    public let file: String
    public let location: Location
    /// What is wrong, in words (PHI-free: no sample names, no genotypes).
    public let problem: String
    /// The full path, kept out of `description`.
    let path: String

    public init(_ code: Code, path: String, location: Location = .file, problem: String) {
        self.code = code
        self.path = path
        self.file = path.split(separator: "/").last.map(String.init) ?? path
        self.location = location
        self.problem = problem
    }

    public var description: String {
        if case .file = location { return "\(file): \(problem)" }
        return "\(file): \(location): \(problem)"
    }

    public var debugDescription: String {
        "VariantFileError(\(code), path: \(path), \(location), \(problem))"
    }
}

/// What a reader does with a malformed record (empty or invalid REF/ALT, a NUL byte, a value that does
/// not match its header Type or Number, a line htslib refuses).
public enum MalformedRecordPolicy: String, Sendable, Hashable, Codable {
    /// Stop with a `VariantFileError` naming file, line, field and value (the default).
    case fail
    /// Skip the record and count it (`SkippedRecords`); the report must show the count (`--lenient`).
    case skip
}

/// The malformed records a lenient read skipped: how many, and the first few reasons.
public struct SkippedRecords: Sendable, Hashable, Codable {
    /// How many reasons are kept.
    public static let keptReasons = 3
    public var count: Int
    /// The first `keptReasons` reasons, `line 57: ALT "" is empty` (location and problem, no file
    /// name, no sample names: PHI-free).
    public var reasons: [String]

    public init(count: Int = 0, reasons: [String] = []) {
        self.count = count
        self.reasons = reasons
    }

    mutating func add(_ error: VariantFileError) {
        count += 1
        if reasons.count < Self.keptReasons {
            reasons.append(error.location == .file ? error.problem : "\(error.location): \(error.problem)")
        }
    }

    /// `2 malformed VCF record(s) skipped (--lenient): line 7: ALT "" is empty; …`, nil when none.
    public var note: String? {
        guard count > 0 else { return nil }
        let more = count > reasons.count ? "; …" : ""
        return "\(count) malformed VCF record\(count == 1 ? "" : "s") skipped (--lenient): \(reasons.joined(separator: "; "))\(more)"
    }
}
