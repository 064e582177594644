import Foundation
import OncoCore
import Warehouse

/// A cohort definition written as command-line flags (`onco cohort run --tumour-type HNSC --group-by
/// mutation:TP53 ...`), alone or on top of a definition file (flags add population criteria and
/// replace groups, endpoint and analyses).
public struct CohortFlags: Sendable, Hashable {
    public var name: String?
    public var tumourTypes: [String] = []
    public var exactTumourTypes = false
    public var stages: [String] = []
    /// `40-70`, `40-`, `-70`.
    public var age: String?
    public var sex: [String] = []
    /// `TP53`, `TP53:truncating,missense`, `BRAF:p.V600E`, `cna:CDKN2A`; a set, altered in any member: `IDH1|IDH2[:classes]`,
    /// `set:NAME`, `pathway:NAME` (`CohortDefinition+PopulationSets.swift`). `wildType`: the same, altered in none.
    public var altered: [String] = []
    public var wildType: [String] = []
    /// `in_frame` or `frameshift`: the conditions these flags write that count fusions keep only fusions of that stated
    /// frame (`CohortDefinition+FusionFrame.swift`).
    public var fusionFrame: String?
    /// `10-`.
    public var tmb: String?
    /// `pembrolizumab`, `class:platinum`, with `@N` for a line (`osimertinib@1`).
    public var therapies: [String] = []
    /// `2010-01-01..2015-12-31`, `2010-01-01..`, `..2015-12-31`.
    public var diagnosed: String?
    /// `NAME=V1,V2` or `NAME=lo..hi` (`lo..`, `..hi`); a value holding a comma in double quotes
    /// (`NAME="Skin Cancer, Non-Melanoma"`); repeated for one NAME, any value matches (`CohortFlags+Where.swift`).
    public var whereAttribute: [String] = []
    public var datasets: [String] = []
    /// `mutation:TP53[:classes]`, `mutation:IDH1|IDH2[:classes]`, `set:NAME` (`pathway:NAME`), `VARIABLE`, `cuts:VARIABLE:10,20`.
    public var groupBy: String?
    /// `onco cohort screen`: the definition is a screen (its settings below override the file's).
    public var screen = false
    public var minCarriers: Int?
    public var screenClasses: [String] = []
    public var screenGenes: [String] = []
    public var screenSets: [String] = []
    /// A file of alteration sets (`CohortFlags.loadAlterationSets`), added to the definition's `alterationSets`.
    public var alterationSetsFile: String?
    /// Top `percent`% of `of` within `within`.
    public var top: Double?
    /// Bottom `percent`% of `of` within `within`.
    public var bottom: Double?
    /// R's quantile type (1–9) of the top/bottom cut-off; nil = 7.
    public var quantileType: Int?
    public var of: String?
    public var within: String?
    /// Therapy A vs B (comma lists of drugs or `class:NAME`), in `line`.
    public var therapyA: String?
    public var therapyB: String?
    public var line: Int?
    /// `os`, `pfs`, `ttnt`, `study`.
    public var endpoint: String?
    /// `diagnosis` or `line`.
    public var from: String?
    public var timeAttribute: String?
    public var statusAttribute: String?
    public var timeAttributeUnit: String?
    public var landmark: String?
    public var timeUnit: String?
    public var adjust: [String] = []
    public var strata: [String] = []
    public var logRankStrata: [String] = []
    public var ties: String?
    public var kmTimes: [Double] = []
    public var skip: [String] = []
    /// `DSS_STATUS`: competing risks of the endpoint's events by this attribute.
    public var competingCause: String?
    /// `--design target-trial` and its flags (`CohortDefinition+TargetTrial.swift`); `line` is then the setting.
    public var trial = TargetTrialFlags()

    public init() {}

    /// True when no flag defines anything (the definition must then come from a file).
    public var isEmpty: Bool { self == CohortFlags() }

    func fail(_ flag: String, _ message: String) -> CohortStudyError {
        CohortStudyError(.invalidDefinition, flag, message)
    }

    /// A finite decimal number (`OncoCore.ExactNumber`): no `inf`, `nan`, hexadecimal or decimal commas.
    static func number(_ s: String) -> Double? {
        if case .success(let v) = ExactNumber.double(s) { return v }
        return nil
    }

    static func range(_ s: String, flag: String, fail: (String, String) -> CohortStudyError) throws -> NumericRange {
        let t = s.replacingOccurrences(of: "..", with: "-")
        // a leading '-' is an open lower bound, not a sign (ages and TMB are never negative)
        guard let dash = t.dropFirst().firstIndex(of: "-") ?? (t.hasPrefix("-") ? t.startIndex : nil) else {
            guard let v = Self.number(t) else { throw fail(flag, "\"\(s)\" is not a number or range such as 40-70, 40- or -70") }
            return NumericRange(min: v, max: v)
        }
        let lo = String(t[..<dash]), hi = String(t[t.index(after: dash)...])
        let l = lo.isEmpty ? nil : Self.number(lo), h = hi.isEmpty ? nil : Self.number(hi)
        if (!lo.isEmpty && l == nil) || (!hi.isEmpty && h == nil) || (l == nil && h == nil) {
            throw fail(flag, "\"\(s)\" is not a range such as 40-70, 40- or -70")
        }
        return NumericRange(min: l, max: h)
    }

    static func therapy(_ s: String, flag: String, fail: (String, String) -> CohortStudyError) throws -> TherapySpec {
        var text = s
        var line: Int?
        if let at = s.lastIndex(of: "@") {
            guard let n = Int(s[s.index(after: at)...]), n >= 1 else { throw fail(flag, "\"\(s)\": the line after @ must be 1 or more") }
            line = n
            text = String(s[..<at])
        }
        var drugs: [String] = [], cls: String?
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            if part.lowercased().hasPrefix("class:") {
                guard cls == nil else { throw fail(flag, "\"\(s)\" names two classes; give one per flag") }
                cls = String(part.dropFirst(6))
            } else {
                drugs.append(part)
            }
        }
        guard !drugs.isEmpty || cls != nil else { throw fail(flag, "\"\(s)\" names no drug") }
        return TherapySpec(drugs: drugs.isEmpty ? nil : drugs, drugClass: cls, line: line)
    }

    static func alteration(_ s: String, status: String, flag: String, fail: (String, String) -> CohortStudyError) throws -> AlterationSpec {
        let parts = s.split(separator: ":", maxSplits: 1).map(String.init)
        guard let gene = parts.first, !gene.isEmpty else { throw fail(flag, "\"\(s)\" names no gene") }
        var spec = AlterationSpec(gene: gene.uppercased(), status: status)
        if parts.count == 2 {
            if parts[1].hasPrefix("p.") { spec.hgvsp = parts[1] } else { spec.classes = parts[1].split(separator: ",").map(String.init) }
        }
        return spec
    }

    /// The definition: `base` (from a file) with these flags applied, or a new one; the parts in order (population,
    /// alteration sets, groups, endpoint, analyses and screen, target trial), each throwing on its own flags.
    public func apply(to base: CohortDefinition?) throws -> CohortDefinition {
        var d = base ?? CohortDefinition(name: name ?? "cohort study")
        if let name { d.name = name }
        let populationBefore = d.population
        try applyPopulation(to: &d)
        if let alterationSetsFile {
            let sets = try Self.loadAlterationSets(path: alterationSetsFile)
            var all = d.alterationSets ?? [:]
            for (k, v) in sets { all[k] = v }
            d.alterationSets = all
        }
        try applyGroups(to: &d)
        // Under a target-trial design, --line is the trial's setting, not the endpoint's line.
        let trialLine = trial.requestsTargetTrial(base: d.design)
        try applyEndpoint(to: &d, base: base, line: trialLine ? nil : self.line)
        try applyAnalyses(to: &d)
        try applyFusionFrame(to: &d, population: populationBefore)
        try trial.apply(to: &d, line: trialLine ? self.line : nil, fail: fail)
        return d
    }

    /// The population flags (tumour types, stages, age, sex, `--altered`, `--wild-type`, TMB, therapies, diagnosis
    /// dates, `--where`, datasets): criteria added to the definition's population.
    func applyPopulation(to d: inout CohortDefinition) throws {
        let fail = self.fail
        var p = d.population
        p.tumourTypes += tumourTypes.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        if exactTumourTypes { p.includeDescendants = false }
        p.stages += stages.flatMap { $0.split(separator: ",").map(String.init) }
        if let age { p.age = try Self.range(age, flag: "--age", fail: fail) }
        p.sex += sex.flatMap { $0.split(separator: ",").map(String.init) }
        for a in altered { try Self.addAlteration(a, status: "mutated", flag: "--altered", to: &p, fail: fail) }
        for a in wildType { try Self.addAlteration(a, status: "wildtype", flag: "--wild-type", to: &p, fail: fail) }
        if let tmb { p.tmb = try Self.range(tmb, flag: "--tmb", fail: fail) }
        for t in therapies { p.therapies.append(try Self.therapy(t, flag: "--therapy", fail: fail)) }
        if let diagnosed {
            let parts = diagnosed.components(separatedBy: "..")
            guard parts.count == 2 else { throw fail("--diagnosed", "\"\(diagnosed)\" is not a range such as 2010-01-01..2015-12-31") }
            p.diagnosed = DateBounds(from: parts[0].isEmpty ? nil : parts[0], to: parts[1].isEmpty ? nil : parts[1])
        }
        p.attributes += try Self.whereConditions(whereAttribute, fail: fail)
        p.datasets += datasets
        d.population = p

    }

    /// `--group-by`, `--top`/`--bottom` (`--of`, `--within`, `--quantile-type`), `--therapy-a`/`--therapy-b`: one grouping.
    func applyGroups(to d: inout CohortDefinition) throws {
        let fail = self.fail
        let groupings = [groupBy != nil, top != nil, bottom != nil, therapyA != nil || therapyB != nil].filter { $0 }.count
        if groupings > 1 { throw fail("--group-by", "give one grouping: --group-by, --top, --bottom or --therapy-a/--therapy-b") }
        if let g = groupBy {
            if g.hasPrefix("set:") || g.hasPrefix("pathway:") {
                let name = String(g.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw fail("--group-by", "\"\(g)\" names no set") }
                d.groups = .alterationSet(AlterationSetSpec(set: name))
            } else if (g.hasPrefix("mutation:") || g.hasPrefix("altered:")) && g.contains("|") {
                d.groups = .alterationSet(try Self.alterationSet(String(g.drop { $0 != ":" }.dropFirst()), flag: "--group-by", fail: fail))
            } else if g.hasPrefix("mutation:") || g.hasPrefix("altered:") {
                let rest = String(g.drop { $0 != ":" }.dropFirst())
                let a = try Self.alteration(rest, status: "mutated", flag: "--group-by", fail: fail)
                d.groups = .mutation(AlterationSpec(gene: a.gene, hgvsp: a.hgvsp, classes: a.classes))
            } else if g.hasPrefix("cuts:") {
                let parts = g.split(separator: ":").map(String.init)
                guard parts.count == 3 else { throw fail("--group-by", "\"\(g)\" is not cuts:VARIABLE:c1,c2") }
                let at = parts[2].split(separator: ",").compactMap { Self.number(String($0)) }
                guard at.count == parts[2].split(separator: ",").count, !at.isEmpty else { throw fail("--group-by", "\"\(parts[2])\" are not numbers") }
                d.groups = .cuts(variable: parts[1], at: at)
            } else {
                d.groups = .variable(name: g, values: nil)
            }
        }
        var type = QuantileType.default
        if let quantileType {
            guard top != nil || bottom != nil else { throw fail("--quantile-type", "goes with --top or --bottom") }
            guard let t = QuantileType(quantileType) else { throw fail("--quantile-type", "\(quantileType) is not one of R's quantile types 1 to 9") }
            type = t
        }
        if let top {
            guard let of else { throw fail("--top", "needs --of VARIABLE") }
            d.groups = .top(variable: of, percent: top, within: within, quantileType: type)
        } else if let bottom {
            guard let of else { throw fail("--bottom", "needs --of VARIABLE") }
            d.groups = .bottom(variable: of, percent: bottom, within: within, quantileType: type)
        } else if of != nil || within != nil {
            throw fail("--of", "--of and --within go with --top or --bottom")
        }
        if therapyA != nil || therapyB != nil {
            guard let a = therapyA, let b = therapyB else { throw fail("--therapy-a", "give both --therapy-a and --therapy-b") }
            d.groups = .therapy(a: try Self.therapy(a, flag: "--therapy-a", fail: fail), b: try Self.therapy(b, flag: "--therapy-b", fail: fail),
                                line: line)
        }

    }

    /// `--endpoint`, `--from`, `--line` (not under a target trial), `--time-attribute`, `--status-attribute`,
    /// `--time-attribute-unit`, `--landmark`, `--time-unit`.
    func applyEndpoint(to d: inout CohortDefinition, base: CohortDefinition?, line: Int?) throws {
        if endpoint != nil || from != nil || timeAttribute != nil || statusAttribute != nil || landmark != nil || (line != nil && therapyA == nil) {
            var e = base == nil || endpoint != nil ? EndpointSpec() : d.endpoint
            if let k = endpoint {
                guard let kind = EndpointSpec.Kind(rawValue: k.lowercased()) else { throw fail("--endpoint", "\"\(k)\" is not os, pfs, ttnt or study") }
                e.kind = kind
            }
            if timeAttribute != nil || statusAttribute != nil {
                if endpoint == nil { e.kind = .study }
                e.time = timeAttribute; e.status = statusAttribute
            }
            if let u = timeAttributeUnit {
                guard let unit = TimeUnit(parsing: u) else { throw fail("--time-attribute-unit", "\"\(u)\" is not days, months or years") }
                e.unit = unit
            }
            if let f = from {
                guard let o = EndpointSpec.Origin(rawValue: f.lowercased()) else { throw fail("--from", "\"\(f)\" is not diagnosis or line") }
                e.from = o
            }
            if let line, therapyA == nil { e.line = line; if e.kind != .ttnt && e.from == nil { e.from = .line } }
            if let l = landmark {
                guard let span = TimeSpan(parsing: l) else { throw fail("--landmark", "\"\(l)\" is not a time such as 90d, 6m or 1y") }
                e.landmark = span
            }
            d.endpoint = e
        }
        if let u = timeUnit {
            guard let unit = TimeUnit(parsing: u) else { throw fail("--time-unit", "\"\(u)\" is not days, months or years") }
            d.timeUnit = unit
        }

    }

    /// Cox (`--adjust`, strata, ties), `--logrank-strata`, `--km-times`, `--skip`, `--competing-cause`, and the
    /// screen's settings (`--min-carriers`, `--screen-classes`, `--screen-genes`, `--screen-sets`).
    func applyAnalyses(to d: inout CohortDefinition) throws {
        if !adjust.isEmpty || !strata.isEmpty || ties != nil {
            var c = d.analysis.cox ?? AnalysisSpec.Cox()
            if !adjust.isEmpty { c.covariates = adjust.flatMap { $0.split(separator: ",").map { CovariateSpec(String($0)) } } }
            if !strata.isEmpty { c.strata = strata.flatMap { $0.split(separator: ",").map(String.init) } }
            if let ties { c.ties = ties }
            d.analysis.cox = c
        }
        if !logRankStrata.isEmpty {
            d.analysis.logRank = AnalysisSpec.LogRank(strata: logRankStrata.flatMap { $0.split(separator: ",").map(String.init) })
        }
        if !kmTimes.isEmpty { d.analysis.km = AnalysisSpec.KM(times: kmTimes, confidence: d.analysis.km?.confidence) }
        if !skip.isEmpty { d.analysis.skip = skip.flatMap { $0.split(separator: ",").map(String.init) } }
        if let competingCause {
            guard !competingCause.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("--competing-cause", "needs an attribute name, e.g. DSS_STATUS") }
            d.analysis.competingRisks = AnalysisSpec.CompetingRisks(cause: competingCause)
        }
        if screen || minCarriers != nil || !screenClasses.isEmpty || !screenGenes.isEmpty || !screenSets.isEmpty {
            var s = d.screen ?? ScreenSpec()
            // stated in the definition (its canonical JSON and SHA-256 then say which minimum was used)
            s.minimumCarriers = minCarriers ?? s.minimumCarriers ?? ScreenSpec.defaultMinimumCarriers
            func list(_ xs: [String]) -> [String] { xs.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty } }
            if !screenClasses.isEmpty { s.classes = list(screenClasses) }
            if !screenGenes.isEmpty { s.genes = list(screenGenes) }
            if !screenSets.isEmpty { s.sets = list(screenSets) }
            d.screen = s
        }
    }
}
