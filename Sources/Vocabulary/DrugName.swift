/// The one drug-name vocabulary of onco: how a drug name as recorded (TCGA upper case, brand names,
/// code names, salt and solvate forms) or as a knowledge base spells it (CIViC title case) becomes the
/// lower-case name onco stores, shows and compares.
///
/// Three levels, each a function of the one before:
/// - `spelling(_:)`: trimmed, single-spaced, lower-case, with the code names and alternative spellings the
///   curated sources use mapped (`STI-571` → `imatinib`, `Ado-Trastuzumab Emtansine` → `trastuzumab
///   emtansine`). Salt forms are kept: this is how the knowledge base's therapies are named in reports
///   (`trametinib dimethyl sulfoxide`, as CIViC has it). Used by `Knowledge.Therapy`.
/// - `generic(_:)`: the name the warehouse stores and cohort definitions match: brand and code names of
///   the records mapped to the generic name (INN/USAN as HemOnc spells them: `5-FLUOROURACIL` →
///   `fluorouracil`, `FOLINIC ACID` → `leucovorin`, `Taxol` → `paclitaxel`, `Kadcyla` →
///   `ado-trastuzumab emtansine`), and trailing salt, ester and solvate words dropped (`ERLOTINIB
///   HYDROCHLORIDE` → `erlotinib`). Used by the warehouse importers and `CohortStudy`.
/// - `canonical(_:)`: `spelling(generic(name))`, the one spelling wherever therapies from both sides are
///   compared (the recommender: KB therapies against the warehouse's lines and a case's prior
///   therapies).
///
/// Names found in no table are kept (lower-cased), so class names such as `braf inhibitor` stay visible
/// as what they are.
public enum DrugName {
    /// Trailing words that name a salt, ester or solvate form, longest first (a word is removed only
    /// when at least three characters of name remain before it).
    public static let saltSuffixes: [String] = [
        " dimethyl sulfoxide", " dihydrochloride", " hydrochloride", " hydrobromide", " bismesylate",
        " dimesylate", " mesylate", " besylate", " ditosylate", " tosylate", " camsylate", " esylate", " dimaleate", " maleate",
        " malate", " fumarate", " succinate", " bitartrate", " tartrate", " citrate", " lactate", " acetate",
        " diphosphate", " phosphate", " sulfate", " sulphate", " disodium", " sodium", " dipotassium",
        " potassium", " calcium", " magnesium", " monohydrate", " hydrate", " hcl",
    ]

    /// Brand names and code names in recorded treatment data → generic name (`generic(_:)`).
    static let recordedSynonyms: [String: String] = [
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

    /// Code names and alternative spellings the curated sources use → the name onco compares
    /// (`spelling(_:)`). CIViC and MOAlmanac use the INN `trastuzumab emtansine`, so the USAN name the
    /// warehouse stores maps to it here.
    static let curatedSpellings: [String: String] = [
        "ado-trastuzumab emtansine": "trastuzumab emtansine",
        "t-dm1": "trastuzumab emtansine",
        "sti-571": "imatinib", "sti571": "imatinib",
        "plx4032": "vemurafenib",
        "gsk2118436": "dabrafenib", "gsk1120212": "trametinib",
        "azd9291": "osimertinib",
        "crizotinib (pf-02341066)": "crizotinib",
        "5-fluorouracil": "fluorouracil", "5-fu": "fluorouracil",
    ]

    /// Trimmed, single-spaced (spaces and tabs), lower-case.
    static func collapsed(_ name: String) -> String {
        name.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ").lowercased()
    }

    /// `name` without its trailing salt, ester and solvate words (`nilotinib hydrochloride monohydrate` →
    /// `nilotinib`); `name` must already be collapsed and lower-case.
    public static func removingSaltSuffixes(_ name: String) -> String {
        var s = name
        var changed = true
        while changed {
            changed = false
            for suffix in saltSuffixes where s.hasSuffix(suffix) && s.count > suffix.count + 2 {
                s = String(s.dropLast(suffix.count))
                changed = true
                break
            }
        }
        return s
    }

    /// A drug as a curated source names it, in onco's spelling (salt forms kept).
    public static func spelling(_ name: String) -> String {
        let t = collapsed(name)
        return curatedSpellings[t] ?? t
    }

    /// The lower-case generic name of a recorded drug name, as the warehouse stores it.
    public static func generic(_ recorded: String) -> String {
        let s = collapsed(recorded)
        if let g = recordedSynonyms[s] { return g }
        let bare = removingSaltSuffixes(s)
        return recordedSynonyms[bare] ?? bare
    }

    /// The one spelling for comparing drugs named by a knowledge base, a warehouse or a user.
    public static func canonical(_ name: String) -> String {
        spelling(generic(name))
    }

    /// The canonical names of a drug list, sorted and distinct.
    public static func canonicalSet<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        Array(Set(names.map(canonical))).sorted()
    }
}
