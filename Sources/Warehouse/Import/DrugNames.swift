/// Drug names as recorded (TCGA upper-case, brand names, salts) → lower-case generic names (INN/USAN,
/// as CIViC and HemOnc spell them): `5-FLUOROURACIL` → `fluorouracil`, `FOLINIC ACID` → `leucovorin`,
/// `Taxol` → `paclitaxel`, `ERLOTINIB HYDROCHLORIDE` → `erlotinib`.
///
/// Rule: trim and collapse whitespace, lower-case, drop a trailing salt word (hydrochloride, mesylate,
/// …), then apply the synonym table; names not in the table are kept (lower-cased), so class names such
/// as `braf inhibitor` stay visible as what they are.
public enum DrugNames {
    static let salts = [" hydrochloride", " hcl", " mesylate", " citrate", " sodium", " calcium", " sulfate",
                        " tosylate", " maleate", " dimaleate", " malate", " acetate", " phosphate", " disodium"]

    static let synonyms: [String: String] = [
        "5-fluorouracil": "fluorouracil", "5-fu": "fluorouracil", "5fu": "fluorouracil", "fluorouracil (5-fu)": "fluorouracil",
        "folinic acid": "leucovorin", "calcium folinate": "leucovorin", "levoleucovorin": "levoleucovorin",
        "taxol": "paclitaxel", "abraxane": "paclitaxel", "nab-paclitaxel": "paclitaxel", "taxotere": "docetaxel",
        "adriamycin": "doxorubicin", "cytoxan": "cyclophosphamide", "gemzar": "gemcitabine", "temodar": "temozolomide",
        "avastin": "bevacizumab", "herceptin": "trastuzumab", "xeloda": "capecitabine", "alimta": "pemetrexed",
        "arimidex": "anastrozole", "femara": "letrozole", "nolvadex": "tamoxifen", "aromasin": "exemestane",
        "tarceva": "erlotinib", "iressa": "gefitinib", "tagrisso": "osimertinib", "gilotrif": "afatinib",
        "erbitux": "cetuximab", "vectibix": "panitumumab", "eloxatin": "oxaliplatin", "camptosar": "irinotecan",
        "navelbine": "vinorelbine", "zometa": "zoledronic acid", "paraplatin": "carboplatin", "platinol": "cisplatin",
        "keytruda": "pembrolizumab", "opdivo": "nivolumab", "yervoy": "ipilimumab", "tecentriq": "atezolizumab",
        "tafinlar": "dabrafenib", "mekinist": "trametinib", "zelboraf": "vemurafenib", "xalkori": "crizotinib",
        "alecensa": "alectinib", "lorbrena": "lorlatinib", "lumakras": "sotorasib", "krazati": "adagrasib",
        "lynparza": "olaparib", "zejula": "niraparib", "piqray": "alpelisib", "tykerb": "lapatinib",
        "perjeta": "pertuzumab", "kadcyla": "ado-trastuzumab emtansine", "t-dm1": "ado-trastuzumab emtansine",
        "rydapt": "midostaurin", "xospata": "gilteritinib", "tibsovo": "ivosidenib", "idhifa": "enasidenib",
        "balversa": "erdafitinib", "gleevec": "imatinib", "sutent": "sunitinib", "nexavar": "sorafenib",
        "votrient": "pazopanib", "afinitor": "everolimus", "lupron": "leuprolide", "zoladex": "goserelin",
        "casodex": "bicalutamide", "faslodex": "fulvestrant", "synthroid": "levothyroxine",
        "abt-888": "veliparib", "ts-1": "tegafur/gimeracil/oteracil", "s-1": "tegafur/gimeracil/oteracil",
        "ciclosporin": "cyclosporine", "bcg vaccine": "bcg", "bacillus calmette-guerin": "bcg",
        "interferon alfa": "interferon", "interferon alpha": "interferon",
    ]

    /// The lower-case generic name of a recorded drug name.
    public static func generic(_ recorded: String) -> String {
        var s = recorded.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ").lowercased()
        if let g = synonyms[s] { return g }
        for salt in salts where s.hasSuffix(salt) && s.count > salt.count + 2 {
            s = String(s.dropLast(salt.count))
            break
        }
        return synonyms[s] ?? s
    }
}
