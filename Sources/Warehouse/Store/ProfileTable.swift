import Foundation
import OncoCore

/// What goes into profiles.
public struct ProfileOptions: Sendable, Hashable, Codable {
    /// Only variants whose FILTER is PASS or empty.
    public var passOnly: Bool
    /// Consequence classes kept (`Consequence.Class` raw values); gene-level alterations are always kept.
    public var consequenceClasses: [String]
    public init(passOnly: Bool = false,
                consequenceClasses: [String] = ["truncating", "missense", "inframeIndel", "splice"]) {
        self.passOnly = passOnly; self.consequenceClasses = consequenceClasses
    }
}

/// One altered gene in a profile.
public struct ProfileAlteration: Sendable, Hashable, Codable {
    public var gene: String
    /// `Consequence.Class` raw value, or the alteration kind (`amplification`, `deletion`, `fusion`).
    public var consequenceClass: String
    /// 1-letter HGVSp, or the fusion partners; nil when unknown.
    public var hgvsp: String?
    public init(gene: String, consequenceClass: String, hgvsp: String?) {
        self.gene = gene; self.consequenceClass = consequenceClass; self.hgvsp = hgvsp
    }
}

/// One patient's profile.
public struct PatientProfile: Sendable, Hashable, Codable {
    public var personID: Int64
    public var key: PatientKey
    public var tumourType: String?
    /// `0`, `I`, `II`, `III`, `IV`, or nil.
    public var stage: String?
    /// Age at diagnosis in years.
    public var age: Int?
    public var sex: Sex
    /// Mutations per Mb (the highest over the patient's specimens).
    public var tmb: Double?
    public var lineCount: Int
    /// Sorted by gene, then HGVSp; distinct.
    public var alterations: [ProfileAlteration]
}

/// Person ids and pseudonymous keys, in columns (entry `i` of both is one person), ordered by person id.
public struct PersonKeys: Sendable, Hashable {
    public var personIDs: [Int64]
    public var keys: [String]
    public init(personIDs: [Int64] = [], keys: [String] = []) { self.personIDs = personIDs; self.keys = keys }
    public var count: Int { personIDs.count }
}

/// Profiles in columns: entry `i` of every array is patient `i`; the alterations of patient `i` are
/// `alterationStart[i] ..< alterationStart[i + 1]` of the alteration arrays.
///
/// `similarityProfiles` also gives the alterations dictionary-coded: `alterationKinds` lists every distinct
/// (gene, class, HGVSp) of the table once, sorted like a patient's alterations, and `alterationCodes[j]`
/// is the kind of alteration `j` (so a consumer can classify each distinct alteration once); both are
/// empty when a read does not fill them.
public struct ProfileTable: Sendable, Hashable {
    public var personIDs: [Int64] = []
    public var keys: [String] = []
    public var tumourTypes: [String?] = []
    public var stages: [String?] = []
    public var ages: [Int?] = []
    public var sexes: [Sex] = []
    public var tmb: [Double?] = []
    public var lineCounts: [Int] = []
    public var alterationStart: [Int] = [0]
    public var genes: [String] = []
    public var classes: [String] = []
    public var hgvsp: [String?] = []
    /// Distinct alterations of the table, sorted by gene, HGVSp, class.
    public var alterationKinds: [ProfileAlteration] = []
    /// Per alteration, its index in `alterationKinds`.
    public var alterationCodes: [Int32] = []

    public init() {}
    public var count: Int { personIDs.count }

    public subscript(i: Int) -> PatientProfile {
        let r = alterationStart[i]..<alterationStart[i + 1]
        return PatientProfile(personID: personIDs[i], key: PatientKey(keys[i]), tumourType: tumourTypes[i],
                              stage: stages[i], age: ages[i], sex: sexes[i], tmb: tmb[i], lineCount: lineCounts[i],
                              alterations: r.map { ProfileAlteration(gene: genes[$0], consequenceClass: classes[$0], hgvsp: hgvsp[$0]) })
    }
}
