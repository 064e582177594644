// bench-genomics: onco's VCF streaming against `bcftools query` and cyvcf2 (see Benchmarks/README.md and
// Benchmarks/scripts/bench_genomics.sh, which runs the peers on the same file and writes results/genomics.md).
//
//   bench-genomics generate RECORDS SAMPLES      synthetic somatic VCF on stdout (pipe through bgzip)
//   bench-genomics values FILE                   stream CHROM POS REF ALT QUAL FILTER INFO/DP INFO/AF and
//                                                GT AD DP of every sample into values (the library API)
//   bench-genomics query FILE                    the same fields printed exactly as
//                                                bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\t%QUAL\t%FILTER\t%INFO/DP\t%INFO/AF[\t%GT\t%AD\t%DP]\n'
//   bench-genomics calls FILE                    the whole onco path: SomaticVariantReader (split, trim, CSQ pick, VAF)
import Foundation
import Genomics
import OncoCore

// MARK: Output without Foundation overhead (write(2) in 1 MiB chunks)

struct Out {
    var buf: [UInt8] = []
    init() { buf.reserveCapacity(1 << 21) }
    mutating func flushIfFull() { if buf.count >= 1 << 20 { flush() } }
    mutating func flush() {
        buf.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(1, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        buf.removeAll(keepingCapacity: true)
    }
    @inline(__always) mutating func byte(_ b: UInt8) { buf.append(b) }
    @inline(__always) mutating func str(_ s: String) { buf.append(contentsOf: s.utf8) }
    @inline(__always) mutating func int(_ v: Int) {
        if v < 0 { buf.append(UInt8(ascii: "-")); int(-v); return }
        if v < 10 { buf.append(UInt8(48 + v)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0, x = v
        withUnsafeMutableBytes(of: &tmp) { t in
            while x > 0 { t[n] = UInt8(48 + x % 10); x /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { buf.append(t[i]) }
        }
    }
    /// `%g`-like, as htslib prints floats: integers without a decimal point, else the shortest spelling.
    mutating func float(_ v: Double) {
        let f = Float(v)
        if f == f.rounded(), abs(f) < 1e6 { int(Int(f)) } else { str(f.description) }
    }
}

// MARK: generate

struct SplitMix { var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

func generate(records: Int, samples: Int) {
    var o = Out()
    let lengths = [248_956_422, 242_193_529, 198_295_559, 190_214_555, 181_538_259, 170_805_979, 159_345_973, 145_138_636,
                   138_394_717, 133_797_422, 135_086_622, 133_275_309, 114_364_328, 107_043_718, 101_991_189, 90_338_345,
                   83_257_441, 80_373_285, 58_617_616, 64_444_167, 46_709_983, 50_818_468]
    o.str("##fileformat=VCFv4.2\n##FILTER=<ID=PASS,Description=\"All filters passed\">\n##FILTER=<ID=LowQual,Description=\"Low quality\">\n")
    for (i, l) in lengths.enumerated() { o.str("##contig=<ID=chr\(i + 1),length=\(l),assembly=GRCh38>\n") }
    o.str("""
    ##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">
    ##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
    ##INFO=<ID=MQ,Number=1,Type=Float,Description="RMS mapping quality">
    ##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|HGVSc|HGVSp|CANONICAL">
    ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
    ##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
    ##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
    ##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT
    """)
    for s in 0..<samples { o.str(s == 0 ? "\tTUMOR" : s == 1 ? "\tNORMAL" : "\tS\(s + 1)") }
    o.byte(10)
    var r = SplitMix(s: 42)
    let bases: [UInt8] = Array("ACGT".utf8)
    let consequences = ["missense_variant|MODERATE", "synonymous_variant|LOW", "intron_variant|MODIFIER",
                        "stop_gained|HIGH", "3_prime_UTR_variant|MODIFIER", "splice_region_variant&intron_variant|LOW"]
    let perChrom = (records + lengths.count - 1) / lengths.count
    var written = 0
    for c in 0..<lengths.count where written < records {
        var pos = 10_000
        for _ in 0..<perChrom where written < records {
            pos += 20 + r.int(1480)
            let kind = r.int(100)
            var ref = [bases[r.int(4)]]
            var alts: [[UInt8]] = []
            if kind < 90 {
                alts = [[bases[(bases.firstIndex(of: ref[0])! + 1 + r.int(3)) % 4]]]
            } else if kind < 95 {
                for _ in 0..<(1 + r.int(3)) { ref.append(bases[r.int(4)]) }
                alts = [[ref[0]]]
            } else if kind < 98 {
                var ins = [ref[0]]
                for _ in 0..<(1 + r.int(4)) { ins.append(bases[r.int(4)]) }
                alts = [ins]
            } else {
                let i = bases.firstIndex(of: ref[0])!
                alts = [[bases[(i + 1) % 4]], [bases[(i + 2) % 4]]]
            }
            o.str("chr\(c + 1)\t"); o.int(pos); o.str("\t.\t"); o.buf.append(contentsOf: ref); o.byte(9)
            for (k, a) in alts.enumerated() { if k > 0 { o.byte(44) }; o.buf.append(contentsOf: a) }
            o.byte(9); o.int(30 + r.int(3000)); o.str(r.int(100) < 85 ? "\tPASS\t" : "\tLowQual\t")
            o.str("DP="); o.int(10 + r.int(500)); o.str(";AF=")
            for k in alts.indices { if k > 0 { o.byte(44) }; o.str("0."); let v = 1 + r.int(999); o.str(v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)") }
            o.str(";MQ="); o.int(40 + r.int(20)); o.str("."); o.int(10 + r.int(90)); o.str(";CSQ=")
            let gene = r.int(20_000)
            for (k, a) in alts.enumerated() {
                for t in 0..<(1 + r.int(3)) {
                    if k > 0 || t > 0 { o.byte(44) }
                    let allele = alts[k].count == ref.count ? a : (a.count > 1 ? Array(a.dropFirst()) : Array("-".utf8))
                    o.buf.append(contentsOf: allele); o.byte(124)
                    o.str(consequences[r.int(consequences.count)]); o.str("|GENE\(gene)|ENSG\(100_000 + gene)|Transcript|ENST\(1_000_000 + gene * 4 + t)|")
                    o.str(t == 2 ? "nonsense_mediated_decay" : "protein_coding"); o.str("|"); o.int(1 + r.int(20)); o.str("/21|c.")
                    o.int(100 + r.int(3000)); o.str("A>T|p.Lys"); o.int(30 + r.int(1000)); o.str("Asn|"); o.str(t == 0 ? "YES" : "")
                }
            }
            o.str("\tGT:AD:DP:GQ")
            for s in 0..<samples {
                let depth = 5 + r.int(200)
                if r.int(100) < 3 { o.str("\t./.:.:.:."); continue }
                let altReads = s == 1 ? r.int(2) : r.int(depth / 2 + 1)
                o.str(s == 1 ? "\t0/0:" : (alts.count == 2 && r.int(2) == 0 ? "\t1/2:" : "\t0/1:"))
                o.int(depth - altReads); o.byte(44); o.int(altReads)
                if alts.count == 2 { o.str(",0") }
                o.byte(58); o.int(depth); o.byte(58); o.int(r.int(100))
            }
            o.byte(10)
            o.flushIfFull()
            written += 1
        }
    }
    o.flush()
}

// MARK: stream into values

struct Keys {
    let dp: FieldKey, af: FieldKey, gt: FieldKey, ad: FieldKey, fdp: FieldKey
    init(_ r: VariantFileReader) {
        dp = r.infoKey("DP")!; af = r.infoKey("AF")!
        gt = r.formatKey("GT")!; ad = r.formatKey("AD")!; fdp = r.formatKey("DP")!
    }
}

func values(_ path: String) throws {
    let reader = try VariantFileReader(path: path)
    let keys = Keys(reader)
    let samples = reader.header.samples.count
    var record = VariantRecord()
    var n = 0, checksum = 0, alleles = 0
    var qual = 0.0, af = 0.0
    let ints = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 16)
    defer { ints.deallocate() }
    var phased = false
    while try reader.read(into: &record) {
        n += 1
        checksum &+= record.position &+ record.contig.utf8.count &+ record.ref.utf8.count &+ record.filters.count
        alleles &+= record.alts.count
        qual += record.quality ?? 0
        checksum &+= reader.infoInt(keys.dp) ?? 0
        for a in 0..<reader.infoCount(keys.af) { af += reader.infoDouble(keys.af, at: a) ?? 0 }
        for s in 0..<samples {
            if let k = reader.genotypeAlleles(keys.gt, sample: s, into: ints, phased: &phased) { for i in 0..<k { checksum &+= Int(ints[i]) } }
            if let k = reader.formatInt32(keys.ad, sample: s, into: ints) { for i in 0..<k where ints[i] != Int32.min { checksum &+= Int(ints[i]) } }
            if let k = reader.formatInt32(keys.fdp, sample: s, into: ints), k > 0, ints[0] != Int32.min { checksum &+= Int(ints[0]) }
        }
    }
    print("records \(n) alleles \(alleles) checksum \(checksum) qual \(Int(qual)) af \(Int(af))")
}

// MARK: the same fields as bcftools query prints them

func query(_ path: String) throws {
    let reader = try VariantFileReader(path: path)
    let keys = Keys(reader)
    let samples = reader.header.samples.count
    var record = VariantRecord()
    var o = Out()
    let ints = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 16)
    defer { ints.deallocate() }
    var phased = false
    while try reader.read(into: &record) {
        o.str(record.contig); o.byte(9); o.int(record.position); o.byte(9); o.str(record.ref); o.byte(9)
        if record.alts.isEmpty { o.byte(46) }
        for (i, a) in record.alts.enumerated() { if i > 0 { o.byte(44) }; o.str(a) }
        o.byte(9)
        if let q = record.quality { o.float(q) } else { o.byte(46) }
        o.byte(9)
        if record.filters.isEmpty { o.byte(46) }
        for (i, f) in record.filters.enumerated() { if i > 0 { o.byte(59) }; o.str(f) }
        o.byte(9)
        if let dp = reader.infoInt(keys.dp) { o.int(dp) } else { o.byte(46) }
        o.byte(9)
        let naf = reader.infoCount(keys.af)
        if naf == 0 { o.byte(46) }
        for a in 0..<naf { if a > 0 { o.byte(44) }; if let v = reader.infoDouble(keys.af, at: a) { o.float(v) } else { o.byte(46) } }
        for s in 0..<samples {
            o.byte(9)
            if let k = reader.genotypeAlleles(keys.gt, sample: s, into: ints, phased: &phased) {
                for i in 0..<k {
                    if i > 0 { o.byte(phased ? 124 : 47) }
                    if ints[i] < 0 { o.byte(46) } else { o.int(Int(ints[i])) }
                }
            } else { o.byte(46) }
            o.byte(9)
            if let k = reader.formatInt32(keys.ad, sample: s, into: ints), k > 0 {
                for i in 0..<k { if i > 0 { o.byte(44) }; if ints[i] == Int32.min { o.byte(46) } else { o.int(Int(ints[i])) } }
            } else { o.byte(46) }
            o.byte(9)
            if let k = reader.formatInt32(keys.fdp, sample: s, into: ints), k > 0, ints[0] != Int32.min { o.int(Int(ints[0])) } else { o.byte(46) }
        }
        o.byte(10)
        o.flushIfFull()
    }
    o.flush()
}

// MARK: the whole onco path

func calls(_ path: String) throws {
    let reader = try SomaticVariantReader(VariantReadOptions(path: path))
    var variants: [SomaticVariant] = []
    var n = 0, annotated = 0, nonsyn = 0
    var vaf = 0.0
    while try reader.next(into: &variants) {
        for v in variants {
            n += 1
            if let c = v.annotation?.consequence { annotated += 1; if Consequence.isNonSynonymousCoding(c) { nonsyn += 1 } }
            vaf += v.support?.vaf ?? 0
        }
    }
    print("variants \(n) annotated \(annotated) nonsynonymous \(nonsyn) vafsum \(Int(vaf))")
}

let args = CommandLine.arguments
do {
    switch args.count > 1 ? args[1] : "" {
    case "generate": generate(records: Int(args[2])!, samples: Int(args[3])!)
    case "values": try values(args[2])
    case "query": try query(args[2])
    case "calls": try calls(args[2])
    default:
        FileHandle.standardError.write(Data("usage: bench-genomics generate N SAMPLES | values FILE | query FILE | calls FILE\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    exit(1)
}
