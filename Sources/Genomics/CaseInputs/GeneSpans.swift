import OncoCore

/// Where genes lie on one genome build: the table that turns copy-number segments and structural-variant
/// breakends into genes.
///
/// onco ships `KnowledgeBase/genes/gene_spans.tsv` (columns `gene`, `build`, `chrom`, `start`, `end`,
/// `strand`; 1-based inclusive) for the genes its KB rules name, on GRCh38 and GRCh37; its source
/// (org.Hs.eg.db / UCSC knownGene, the GRCh37 rows lifted with UCSC's chain) is in
/// `KnowledgeBase/genes/SOURCES.md` and `scripts/make-gene-spans.py`. Only genes in the table can be
/// called from segments or breakends; a lab's own table in the same layout can be given instead.
public struct GeneSpans: Sendable {
    public struct Span: Sendable, Hashable {
        public var gene: String
        /// Normalised: no `chr` prefix.
        public var chromosome: String
        public var start: Int
        public var end: Int
        /// `+` or `-`.
        public var plusStrand: Bool
        public init(gene: String, chromosome: String, start: Int, end: Int, plusStrand: Bool) {
            self.gene = gene
            self.chromosome = Chromosome.normalise(chromosome)
            self.start = start
            self.end = end
            self.plusStrand = plusStrand
        }
    }

    /// Where the shipped table lives inside the KnowledgeBase directory.
    public static let knowledgeBasePath = "genes/gene_spans.tsv"

    public let build: GenomeBuild
    /// By chromosome, sorted by start.
    private let byChromosome: [String: [Span]]

    public var count: Int { byChromosome.values.reduce(0) { $0 + $1.count } }

    public init(build: GenomeBuild, spans: [Span]) {
        self.build = build
        byChromosome = Dictionary(grouping: spans, by: \.chromosome).mapValues { $0.sorted { ($0.start, $0.gene) < ($1.start, $1.gene) } }
    }

    /// Reads the rows of `build` from a gene-span table.
    /// - Throws: `CaseInputError` naming the line and field of a bad row, or `.noBuild` when `build` is unknown
    ///   or the table has no row for it.
    public init(path: String, build: GenomeBuild) throws(CaseInputError) {
        guard build != .unknown else {
            throw CaseInputError(.noBuild, file: path, "the genome build is unknown: give it so that segments can be placed on genes")
        }
        let t = try TabTable(NumberedLines(path: path), isHeader: { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) })
        let g = try t.require("gene"), b = try t.require("build"), c = try t.require("chrom")
        let s = try t.require("start"), e = try t.require("end"), st = try t.require("strand")
        var spans: [Span] = []
        for row in t.rows where GenomeBuild(parsing: row.cells[b]) == build {
            let start = try t.integer(row, s, in: NumberField.position), end = try t.integer(row, e, in: NumberField.position)
            guard start <= end else {
                throw t.fail(.badInterval, line: row.line, field: "start", "start \(start) is after end \(end)")
            }
            guard row.cells[st] == "+" || row.cells[st] == "-" else {
                throw t.fail(.badValue, line: row.line, field: "strand", "expected + or -")
            }
            guard !row.cells[g].isEmpty, !row.cells[c].isEmpty else {
                throw t.fail(.badValue, line: row.line, field: row.cells[g].isEmpty ? "gene" : "chrom", "empty")
            }
            spans.append(Span(gene: row.cells[g], chromosome: row.cells[c], start: start, end: end, plusStrand: row.cells[st] == "+"))
        }
        guard !spans.isEmpty else {
            throw CaseInputError(.noBuild, file: path, "no gene span for \(build)")
        }
        self.init(build: build, spans: spans)
    }

    /// The genes whose span overlaps `start...end` (1-based inclusive) on `chromosome`.
    /// - Complexity: O(*g*) for the *g* genes of that chromosome (a few dozen).
    public func overlapping(_ chromosome: String, _ start: Int, _ end: Int) -> [Span] {
        (byChromosome[Chromosome.normalise(chromosome)] ?? []).filter { $0.start <= end && $0.end >= start }
    }

    /// The genes whose span contains `position`.
    public func containing(_ chromosome: String, _ position: Int) -> [Span] { overlapping(chromosome, position, position) }
}
