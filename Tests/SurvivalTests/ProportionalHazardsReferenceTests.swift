import Survival

/// cox.zph against `reference/<ds>/zph__<model>__<ties>.json` (km, identity and rank transforms).
enum ProportionalHazardsReference {
    static func check(_ ref: JSONValue, dataset name: String, id: String, into c: inout Comparison) throws {
        let parts = id.components(separatedBy: "__")
        let model = try SpecModel(dataset: name, id: parts[0])
        let fit = try model.fit(ties: CoxFit.Ties(rawValue: parts[1])!)
        for transform in [ProportionalHazardsTest.Transform.km, .identity, .rank] {
            let r = ref[transform.rawValue]!
            let z = try fit.proportionalHazardsTest(transform: transform)
            let rows = z.terms + [z.global]
            let f = transform.rawValue
            c.equal("\(f).rows", rows.map(\.name), r["rows"]!.strings!)
            c.close("zph", "\(f).chisq", rows.map(\.chiSquare), r.d("chisq"), rel: Tolerance.zph)
            c.equal("\(f).df", rows.map(\.degreesOfFreedom), r.d("df").map { Int($0) })
            c.close("p", "\(f).p", rows.map(\.pValue), r.d("p"), rel: Tolerance.zph)
        }
    }
}
