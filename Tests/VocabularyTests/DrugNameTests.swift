import Testing
import Vocabulary

/// The one drug-name vocabulary against the three normalisers it replaces: the warehouse importers'
/// `Warehouse.DrugNames.generic`, the KB's `Knowledge.Therapy.normalise` and the recommender's
/// `Recommendation.DrugName.canonical` (removed in the same change). Expected values were computed by those
/// functions, transcribed line for line (git show <base>:Sources/Warehouse/Import/DrugNames.swift etc.),
/// over these names, every synonym of both tables and every drug name of the shipped KB (CIViC 01-Aug-2021
/// and MOAlmanac, 633 names, each also with ` mesylate` appended): `spelling` and `canonical` agree on all of
/// them; `generic` differs only on names ending in a salt word the warehouse's list did not have (below).
@Suite("Drug names")
struct DrugNameTests {
    /// (recorded name, former `DrugNames.generic` = `generic`, former `Therapy.normalise` = `spelling`,
    /// former `DrugName.canonical` = `canonical`).
    static let unchanged: [(String, String, String, String)] = [
        ("Imatinib Mesylate", "imatinib", "imatinib mesylate", "imatinib"),
        ("ERLOTINIB HYDROCHLORIDE", "erlotinib", "erlotinib hydrochloride", "erlotinib"),
        ("Kadcyla", "ado-trastuzumab emtansine", "kadcyla", "trastuzumab emtansine"),
        ("Ado-Trastuzumab Emtansine", "ado-trastuzumab emtansine", "trastuzumab emtansine", "trastuzumab emtansine"),
        ("T-DM1", "ado-trastuzumab emtansine", "trastuzumab emtansine", "trastuzumab emtansine"),
        ("Tafinlar", "dabrafenib", "tafinlar", "dabrafenib"),
        ("5-FU", "fluorouracil", "fluorouracil", "fluorouracil"),
        ("5-FLUOROURACIL", "fluorouracil", "fluorouracil", "fluorouracil"),
        ("Fluorouracil (5-FU)", "fluorouracil", "fluorouracil (5-fu)", "fluorouracil"),
        ("FOLINIC ACID", "leucovorin", "folinic acid", "leucovorin"),
        ("Calcium Folinate", "leucovorin", "calcium folinate", "leucovorin"),
        ("Levoleucovorin Calcium", "levoleucovorin", "levoleucovorin calcium", "levoleucovorin"),
        ("Taxol", "paclitaxel", "taxol", "paclitaxel"),
        ("Abraxane", "paclitaxel", "abraxane", "paclitaxel"),
        ("MEK Inhibitor RO4987655", "mek inhibitor ro4987655", "mek inhibitor ro4987655", "mek inhibitor ro4987655"),
        ("BRAF Inhibitor", "braf inhibitor", "braf inhibitor", "braf inhibitor"),
        ("  Vemurafenib ", "vemurafenib", "vemurafenib", "vemurafenib"),
        ("Vemurafenib\tHCl", "vemurafenib", "vemurafenib hcl", "vemurafenib"),
        ("Sotrastaurin Acetate", "sotrastaurin", "sotrastaurin acetate", "sotrastaurin"),
        ("Abiraterone acetate", "abiraterone", "abiraterone acetate", "abiraterone"),
        ("Sunitinib Malate", "sunitinib", "sunitinib malate", "sunitinib"),
        ("Sorafenib Tosylate", "sorafenib", "sorafenib tosylate", "sorafenib"),
        ("Irinotecan Hydrochloride Trihydrate", "irinotecan hydrochloride trihydrate", "irinotecan hydrochloride trihydrate", "irinotecan hydrochloride trihydrate"),
        ("Pemetrexed Disodium", "pemetrexed", "pemetrexed disodium", "pemetrexed"),
        ("Fludarabine Phosphate", "fludarabine", "fludarabine phosphate", "fludarabine"),
        ("Afatinib Dimaleate", "afatinib", "afatinib dimaleate", "afatinib"),
        ("Neratinib Maleate", "neratinib", "neratinib maleate", "neratinib"),
        ("Retaspimycin Hydrochloride", "retaspimycin", "retaspimycin hydrochloride", "retaspimycin"),
        ("Cyproterone Acetate", "cyproterone", "cyproterone acetate", "cyproterone"),
        ("STI-571", "sti-571", "imatinib", "imatinib"),
        ("STI571", "sti571", "imatinib", "imatinib"),
        ("PLX4032", "plx4032", "vemurafenib", "vemurafenib"),
        ("GSK2118436", "gsk2118436", "dabrafenib", "dabrafenib"),
        ("GSK1120212", "gsk1120212", "trametinib", "trametinib"),
        ("AZD9291", "azd9291", "osimertinib", "osimertinib"),
        ("Crizotinib (PF-02341066)", "crizotinib (pf-02341066)", "crizotinib", "crizotinib"),
        ("Interferon Alpha", "interferon", "interferon alpha", "interferon"),
        ("Interferon Alfa", "interferon", "interferon alfa", "interferon"),
        ("BCG Vaccine", "bcg", "bcg vaccine", "bcg"),
        ("Bacillus Calmette-Guerin", "bcg", "bacillus calmette-guerin", "bcg"),
        ("ABT-888", "veliparib", "abt-888", "veliparib"),
        ("S-1", "tegafur/gimeracil/oteracil", "s-1", "tegafur/gimeracil/oteracil"),
        ("Ciclosporin", "cyclosporine", "ciclosporin", "cyclosporine"),
        ("Zometa", "zoledronic acid", "zometa", "zoledronic acid"),
        ("Zoledronic Acid", "zoledronic acid", "zoledronic acid", "zoledronic acid"),
        ("Herceptin", "trastuzumab", "herceptin", "trastuzumab"),
        ("Trastuzumab Deruxtecan", "trastuzumab deruxtecan", "trastuzumab deruxtecan", "trastuzumab deruxtecan"),
        ("Sodium", "sodium", "sodium", "sodium"),
        ("HCl", "hcl", "hcl", "hcl"),
        ("Estradiol Valerate", "estradiol valerate", "estradiol valerate", "estradiol valerate"),
        ("Osimertinib Mesylate", "osimertinib", "osimertinib mesylate", "osimertinib"),
        ("Ruxolitinib Phosphate", "ruxolitinib", "ruxolitinib phosphate", "ruxolitinib"),
        ("Tamoxifen Citrate", "tamoxifen", "tamoxifen citrate", "tamoxifen"),
        ("Erlotinib HCl", "erlotinib", "erlotinib hcl", "erlotinib"),
        ("Dabrafenib Mesylate", "dabrafenib", "dabrafenib mesylate", "dabrafenib"),
        ("Selumetinib Sulfate", "selumetinib", "selumetinib sulfate", "selumetinib"),
        ("Larotrectinib Sulfate", "larotrectinib", "larotrectinib sulfate", "larotrectinib"),
        ("Pazopanib Hydrochloride", "pazopanib", "pazopanib hydrochloride", "pazopanib"),
        ("Cabozantinib S-malate", "cabozantinib s-malate", "cabozantinib s-malate", "cabozantinib s-malate"),
        ("Alectinib Hydrochloride", "alectinib", "alectinib hydrochloride", "alectinib"),
        ("Docetaxel Anhydrous", "docetaxel anhydrous", "docetaxel anhydrous", "docetaxel anhydrous"),
    ]

    @Test(arguments: unchanged.indices)
    func formerNormalisersGiveTheSameAnswer(_ i: Int) {
        let (name, generic, spelling, canonical) = Self.unchanged[i]
        #expect(DrugName.generic(name) == generic, "generic(\(name))")
        #expect(DrugName.spelling(name) == spelling, "spelling(\(name))")
        #expect(DrugName.canonical(name) == canonical, "canonical(\(name))")
    }

    /// Deliberate difference: the warehouse's generic name now drops every salt, ester and solvate word of the
    /// one list (the recommender's), not only the 14 of the importers' own list, so the name stored at import is
    /// the name compared (before, `canonical` folded these on top). Spelling and canonical are unchanged.
    /// (recorded name, former generic, generic now, spelling, canonical).
    static let genericFoldsEverySalt: [(String, String, String, String, String)] = [
        ("Trametinib Dimethyl Sulfoxide", "trametinib dimethyl sulfoxide", "trametinib", "trametinib dimethyl sulfoxide", "trametinib"),
        ("Pictilisib Bismesylate", "pictilisib bismesylate", "pictilisib", "pictilisib bismesylate", "pictilisib"),
        ("Lapatinib Ditosylate", "lapatinib ditosylate", "lapatinib", "lapatinib ditosylate", "lapatinib"),
        ("Dasatinib Monohydrate", "dasatinib monohydrate", "dasatinib", "dasatinib monohydrate", "dasatinib"),
        ("Vinorelbine Tartrate", "vinorelbine tartrate", "vinorelbine", "vinorelbine tartrate", "vinorelbine"),
        ("Tozasertib Lactate", "tozasertib lactate", "tozasertib", "tozasertib lactate", "tozasertib"),
        ("Nilotinib Hydrochloride Monohydrate", "nilotinib hydrochloride monohydrate", "nilotinib", "nilotinib hydrochloride monohydrate", "nilotinib"),
        ("Capmatinib Dihydrochloride", "capmatinib dihydrochloride", "capmatinib", "capmatinib dihydrochloride", "capmatinib"),
    ]

    @Test(arguments: genericFoldsEverySalt.indices)
    func genericFoldsEverySaltWord(_ i: Int) {
        let (name, former, generic, spelling, canonical) = Self.genericFoldsEverySalt[i]
        #expect(DrugName.generic(name) == generic && generic != former, "generic(\(name))")
        #expect(DrugName.spelling(name) == spelling, "spelling(\(name))")
        #expect(DrugName.canonical(name) == canonical, "canonical(\(name))")
    }

    @Test func saltWordsNeedANameBeforeThem() {
        #expect(DrugName.removingSaltSuffixes("nilotinib hydrochloride monohydrate") == "nilotinib")
        #expect(DrugName.removingSaltSuffixes("ab sodium") == "ab sodium")       // fewer than three characters would remain
        #expect(DrugName.removingSaltSuffixes("abc sodium") == "abc")
        #expect(DrugName.canonicalSet(["Tafinlar", "dabrafenib mesylate", "Mekinist"]) == ["dabrafenib", "trametinib"])
    }

    /// Every salt word the three former lists knew is in the one list (the importers' 14 were a subset of the
    /// recommender's 35; the KB's normaliser had none).
    @Test func oneSaltListIsTheUnion() {
        let importers = [" hydrochloride", " hcl", " mesylate", " citrate", " sodium", " calcium", " sulfate",
                         " tosylate", " maleate", " dimaleate", " malate", " acetate", " phosphate", " disodium"]
        #expect(Set(importers).isSubset(of: Set(DrugName.saltSuffixes)))
        #expect(DrugName.saltSuffixes.count == 35 && Set(DrugName.saltSuffixes).count == 35)
    }
}

@Suite struct DrugClassTests {
    @Test func drugClassesExpand() throws {
        #expect(DrugClasses.drugs(ofClass: "platinum") == ["cisplatin", "carboplatin", "oxaliplatin", "nedaplatin"])
        #expect(DrugClasses.drugs(ofClass: "Platinum") != nil)
        #expect(DrugClasses.drugs(ofClass: "my class", extra: ["My Class": ["Osimertinib"]]) == ["osimertinib"])
        #expect(DrugClasses.drugs(ofClass: "no such class") == nil)
        // every drug a class names is spelled as the warehouse stores it
        for c in DrugClasses.builtIn { #expect(c.drugs.allSatisfy { $0 == DrugName.generic($0) }, "\(c.name)") }
    }
}
