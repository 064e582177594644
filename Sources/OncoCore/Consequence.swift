/// Sequence Ontology consequence terms as VEP ranks them (most severe first), and the coarse classes
/// onco reasons with (truncating, missense, in-frame, splice, synonymous, non-coding).
public enum Consequence {
    /// VEP's severity order (Ensembl "Calculated variant consequences" table), most severe first.
    public static let severityOrder: [String] = [
        "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
        "frameshift_variant", "stop_lost", "start_lost", "transcript_amplification",
        "feature_elongation", "feature_truncation",
        "inframe_insertion", "inframe_deletion", "missense_variant", "protein_altering_variant",
        "splice_donor_5th_base_variant", "splice_region_variant", "splice_donor_region_variant",
        "splice_polypyrimidine_tract_variant", "incomplete_terminal_codon_variant",
        "start_retained_variant", "stop_retained_variant", "synonymous_variant",
        "coding_sequence_variant", "mature_miRNA_variant", "5_prime_UTR_variant", "3_prime_UTR_variant",
        "non_coding_transcript_exon_variant", "intron_variant", "NMD_transcript_variant",
        "non_coding_transcript_variant", "coding_transcript_variant", "upstream_gene_variant",
        "downstream_gene_variant", "TFBS_ablation", "TFBS_amplification", "TF_binding_site_variant",
        "regulatory_region_ablation", "regulatory_region_amplification", "regulatory_region_variant",
        "intergenic_variant", "sequence_variant",
    ]

    private static let rankTable: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, t) in severityOrder.enumerated() { d[t] = i }
        return d
    }()

    /// Severity rank (0 = most severe); unknown terms rank last.
    public static func rank(_ term: String) -> Int { rankTable[term] ?? severityOrder.count }

    /// The coarse class of a consequence term.
    public enum Class: String, Sendable, Codable, Hashable, CaseIterable {
        case truncating      // stop_gained, frameshift, splice donor/acceptor, start_lost, ablation
        case missense        // missense, protein_altering, stop_lost
        case inframeIndel    // inframe_insertion, inframe_deletion
        case splice          // splice region (not donor/acceptor)
        case synonymous
        case noncoding       // UTR, intron, intergenic, ...
    }

    public static func classify(_ term: String) -> Class {
        switch term {
        case "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
             "frameshift_variant", "start_lost":
            return .truncating
        case "missense_variant", "protein_altering_variant", "stop_lost", "coding_sequence_variant":
            return .missense
        case "inframe_insertion", "inframe_deletion", "feature_elongation", "feature_truncation":
            return .inframeIndel
        case "splice_region_variant", "splice_donor_5th_base_variant", "splice_donor_region_variant",
             "splice_polypyrimidine_tract_variant":
            return .splice
        case "synonymous_variant", "stop_retained_variant", "start_retained_variant",
             "incomplete_terminal_codon_variant":
            return .synonymous
        default:
            return .noncoding
        }
    }

    /// Non-synonymous coding change, as counted for tumour mutational burden
    /// (missense, nonsense, frameshift, in-frame indel, splice donor/acceptor, start/stop lost).
    public static func isNonSynonymousCoding(_ term: String) -> Bool {
        switch classify(term) {
        case .truncating, .missense, .inframeIndel: return term != "transcript_ablation"
        default: return false
        }
    }

    /// MAF `Variant_Classification` → SO term (GDC MAF specification).
    public static func fromMAFClassification(_ c: String) -> String? {
        switch c {
        case "Missense_Mutation": return "missense_variant"
        case "Nonsense_Mutation": return "stop_gained"
        case "Frame_Shift_Del", "Frame_Shift_Ins": return "frameshift_variant"
        case "In_Frame_Del": return "inframe_deletion"
        case "In_Frame_Ins": return "inframe_insertion"
        case "Splice_Site": return "splice_donor_variant"
        case "Splice_Region": return "splice_region_variant"
        case "Nonstop_Mutation": return "stop_lost"
        case "Translation_Start_Site": return "start_lost"
        case "Silent": return "synonymous_variant"
        case "3'UTR": return "3_prime_UTR_variant"
        case "5'UTR": return "5_prime_UTR_variant"
        case "3'Flank": return "downstream_gene_variant"
        case "5'Flank": return "upstream_gene_variant"
        case "Intron": return "intron_variant"
        case "IGR": return "intergenic_variant"
        case "RNA", "lincRNA": return "non_coding_transcript_exon_variant"
        default: return nil
        }
    }
}
