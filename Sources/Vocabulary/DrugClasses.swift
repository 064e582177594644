/// Drug classes for cohort definitions (`therapies: [{class: platinum}]`, therapy A vs B by class):
/// class name → lower-case generic drug names, as the warehouse stores drugs (`DrugName.generic`).
///
/// The built-in classes follow the WHO ATC classification's level-4 pharmacological groups (code in
/// brackets, WHO Collaborating Centre for Drug Statistics Methodology, ATC index 2024) for the drugs
/// onco's importers and synthetic cohorts record, plus a few widely used umbrella classes (marked
/// "umbrella") that unite ATC groups. A study may add its own classes (`drugClasses` in the definition).
/// Class names are matched case-insensitively.
public enum DrugClasses {
    public struct Class: Sendable, Hashable {
        public let name: String
        /// The ATC code of the group, or nil for an umbrella class.
        public let atc: String?
        public let drugs: [String]
    }

    public static let builtIn: [Class] = [
        Class(name: "platinum", atc: "L01XA", drugs: ["cisplatin", "carboplatin", "oxaliplatin", "nedaplatin"]),
        Class(name: "taxane", atc: "L01CD", drugs: ["paclitaxel", "docetaxel", "cabazitaxel"]),
        Class(name: "vinca alkaloid", atc: "L01CA", drugs: ["vinblastine", "vincristine", "vinorelbine", "vinflunine"]),
        Class(name: "anthracycline", atc: "L01DB", drugs: ["doxorubicin", "epirubicin", "daunorubicin", "idarubicin", "mitoxantrone"]),
        Class(name: "topoisomerase inhibitor", atc: nil, drugs: ["irinotecan", "topotecan", "etoposide", "teniposide"]),
        Class(name: "antimetabolite", atc: "L01B", drugs: ["methotrexate", "pemetrexed", "fluorouracil", "capecitabine", "gemcitabine",
                                                           "cytarabine", "azacitidine", "decitabine", "tegafur/gimeracil/oteracil",
                                                           "fludarabine", "cladribine"]),
        Class(name: "alkylating agent", atc: "L01A", drugs: ["cyclophosphamide", "ifosfamide", "melphalan", "chlorambucil", "bendamustine",
                                                             "temozolomide", "dacarbazine", "carmustine", "lomustine", "busulfan",
                                                             "trabectedin"]),
        Class(name: "EGFR tyrosine kinase inhibitor", atc: "L01EB", drugs: ["erlotinib", "gefitinib", "afatinib", "osimertinib", "dacomitinib"]),
        Class(name: "BRAF inhibitor", atc: "L01EC", drugs: ["vemurafenib", "dabrafenib", "encorafenib"]),
        Class(name: "ALK inhibitor", atc: "L01ED", drugs: ["crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib"]),
        Class(name: "MEK inhibitor", atc: "L01EE", drugs: ["trametinib", "cobimetinib", "binimetinib", "selumetinib"]),
        Class(name: "CDK4/6 inhibitor", atc: "L01EF", drugs: ["palbociclib", "ribociclib", "abemaciclib"]),
        Class(name: "mTOR inhibitor", atc: "L01EG", drugs: ["everolimus", "temsirolimus"]),
        Class(name: "VEGFR tyrosine kinase inhibitor", atc: "L01EK", drugs: ["sorafenib", "sunitinib", "pazopanib", "axitinib", "cabozantinib",
                                                                              "lenvatinib", "regorafenib"]),
        Class(name: "PI3K inhibitor", atc: "L01EM", drugs: ["alpelisib", "idelalisib", "copanlisib"]),
        Class(name: "FGFR inhibitor", atc: "L01EN", drugs: ["erdafitinib", "pemigatinib", "infigratinib", "futibatinib"]),
        Class(name: "FLT3 inhibitor", atc: nil, drugs: ["midostaurin", "gilteritinib", "quizartinib"]),
        Class(name: "IDH inhibitor", atc: nil, drugs: ["ivosidenib", "enasidenib", "olutasidenib", "vorasidenib"]),
        Class(name: "KRAS G12C inhibitor", atc: nil, drugs: ["sotorasib", "adagrasib"]),
        Class(name: "PARP inhibitor", atc: "L01XK", drugs: ["olaparib", "niraparib", "rucaparib", "talazoparib", "veliparib"]),
        Class(name: "HER2 antibody", atc: "L01FD", drugs: ["trastuzumab", "pertuzumab", "ado-trastuzumab emtansine", "trastuzumab deruxtecan"]),
        Class(name: "EGFR antibody", atc: "L01FE", drugs: ["cetuximab", "panitumumab", "necitumumab"]),
        Class(name: "PD-1/PD-L1 inhibitor", atc: "L01FF", drugs: ["nivolumab", "pembrolizumab", "cemiplimab", "dostarlimab", "atezolizumab",
                                                                  "avelumab", "durvalumab"]),
        Class(name: "CTLA-4 inhibitor", atc: nil, drugs: ["ipilimumab", "tremelimumab"]),
        Class(name: "VEGF antibody", atc: "L01FG", drugs: ["bevacizumab", "ramucirumab"]),
        Class(name: "anti-estrogen", atc: "L02BA", drugs: ["tamoxifen", "fulvestrant", "toremifene"]),
        Class(name: "aromatase inhibitor", atc: "L02BG", drugs: ["anastrozole", "letrozole", "exemestane"]),
        Class(name: "BCL-2 inhibitor", atc: nil, drugs: ["venetoclax"]),
        // umbrella classes
        Class(name: "immune checkpoint inhibitor", atc: nil, drugs: ["nivolumab", "pembrolizumab", "cemiplimab", "dostarlimab", "atezolizumab",
                                                                     "avelumab", "durvalumab", "ipilimumab", "tremelimumab"]),
        Class(name: "chemotherapy", atc: nil, drugs: ["cisplatin", "carboplatin", "oxaliplatin", "nedaplatin", "paclitaxel", "docetaxel",
                                                      "cabazitaxel", "vinblastine", "vincristine", "vinorelbine", "vinflunine", "doxorubicin",
                                                      "epirubicin", "daunorubicin", "idarubicin", "mitoxantrone", "irinotecan", "topotecan",
                                                      "etoposide", "teniposide", "methotrexate", "pemetrexed", "fluorouracil", "capecitabine",
                                                      "gemcitabine", "cytarabine", "azacitidine", "decitabine", "tegafur/gimeracil/oteracil",
                                                      "fludarabine", "cladribine", "cyclophosphamide", "ifosfamide", "melphalan", "chlorambucil",
                                                      "bendamustine", "temozolomide", "dacarbazine", "carmustine", "lomustine", "busulfan",
                                                      "trabectedin", "bleomycin", "mitomycin"]),
    ]

    /// The drugs of a class (built-in or `extra`), nil when unknown.
    public static func drugs(ofClass name: String, extra: [String: [String]] = [:]) -> [String]? {
        let key = name.lowercased()
        if let e = extra.first(where: { $0.key.lowercased() == key }) { return e.value.map { $0.lowercased() } }
        return builtIn.first { $0.name.lowercased() == key }?.drugs
    }

    /// Known class names (built-in and `extra`).
    public static func names(extra: [String: [String]] = [:]) -> [String] {
        builtIn.map(\.name) + extra.keys.sorted()
    }
}
