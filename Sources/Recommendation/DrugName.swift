import Knowledge
import Warehouse

/// One spelling for a drug wherever onco compares therapies: the KB's (CIViC, title case, salt and
/// ester forms, a few code names) and the warehouse's (lower-case generic names as imported).
///
/// `canonical(_:)` lower-cases and collapses whitespace, maps brand and code names through the
/// warehouse's synonym table (`DrugNames.generic`, which also drops one trailing salt word) and the
/// KB's (`Therapy.normalise`), then folds salt, ester and solvate suffixes that CIViC keeps
/// (`trametinib dimethyl sulfoxide` → `trametinib`, `imatinib mesylate` → `imatinib`,
/// `pictilisib bismesylate` → `pictilisib`). Names that are drug classes (`mek inhibitor`) are kept
/// as they are.
public enum DrugName {
    /// Trailing words that name a salt, ester or solvate form, longest first.
    static let saltSuffixes: [String] = [
        " dimethyl sulfoxide", " dihydrochloride", " hydrochloride", " hydrobromide", " bismesylate",
        " dimesylate", " mesylate", " besylate", " ditosylate", " tosylate", " camsylate", " esylate", " dimaleate", " maleate",
        " malate", " fumarate", " succinate", " bitartrate", " tartrate", " citrate", " lactate", " acetate",
        " diphosphate", " phosphate", " sulfate", " sulphate", " disodium", " sodium", " dipotassium",
        " potassium", " calcium", " magnesium", " monohydrate", " hydrate", " hcl",
    ]

    /// The canonical lower-case generic name.
    public static func canonical(_ name: String) -> String {
        var s = Therapy.normalise(DrugNames.generic(name))
        var changed = true
        while changed {
            changed = false
            for suffix in saltSuffixes where s.hasSuffix(suffix) && s.count > suffix.count + 2 {
                s = String(s.dropLast(suffix.count))
                changed = true
                break
            }
        }
        return Therapy.normalise(DrugNames.generic(s))
    }

    /// The canonical names of a drug list, sorted and distinct.
    public static func canonicalSet<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        Array(Set(names.map(canonical))).sorted()
    }
}
