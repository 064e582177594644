extension LineOutcomeTable {
    /// The lines of the patients in `persons` (rows keep their order), with `cohortSize` as given.
    /// One lookup per run of a patient's rows; the columns are copied run by run.
    public func subset(persons: Set<Int64>, cohortSize: Int) -> LineOutcomeTable {
        var runs: [Range<Int>] = []
        var i = 0
        while i < count {
            var j = i + 1
            while j < count && personIDs[j] == personIDs[i] { j += 1 }
            if persons.contains(personIDs[i]) {
                if let last = runs.last, last.upperBound == i { runs[runs.count - 1] = last.lowerBound..<j } else { runs.append(i..<j) }
            }
            i = j
        }
        let kept = runs.reduce(0) { $0 + $1.count }
        // a column left empty (a query-dependent one not filled yet) stays empty
        func take<T>(_ column: [T]) -> [T] {
            guard !column.isEmpty else { return [] }
            var out: [T] = []
            out.reserveCapacity(kept)
            for r in runs { out.append(contentsOf: column[r]) }
            return out
        }
        var t = LineOutcomeTable()
        t.cohortSize = cohortSize
        t.unreadablePerformanceStatus = unreadablePerformanceStatus.intersection(persons)
        t.personIDs = take(personIDs); t.lineNumbers = take(lineNumbers); t.startDays = take(startDays)
        t.osDays = take(osDays); t.osEvents = take(osEvents); t.ages = take(ages); t.stages = take(stages)
        t.sexes = take(sexes); t.tumourTypes = take(tumourTypes); t.startYears = take(startYears)
        t.performanceStatus = take(performanceStatus); t.tmb = take(tmb)
        t.biomarkerKnownDays = take(biomarkerKnownDays); t.biomarkerKnownBy = take(biomarkerKnownBy)
        t.drugStart.reserveCapacity(kept + 1)
        for r in runs {
            for row in r {
                t.drugs.append(contentsOf: drugs(ofLine: row))
                t.drugStart.append(t.drugs.count)
            }
        }
        return t
    }
}
