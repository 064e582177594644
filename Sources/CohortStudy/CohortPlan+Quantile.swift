extension CohortPlan {
    /// True for a bottom X% grouping (members at or below the cut-off).
    var selectsBottom: Bool {
        if case .bottom? = definition.groups { return true }
        return false
    }

    /// The report note stating how top/bottom X% cut-offs are computed and how ties are treated.
    var cutoffRule: String {
        switch definition.groups {
        case .top(_, _, _, let q)?:
            return "cut-off: R's quantile(x, 1 - p, type = \(q.rawValue)) of the values within each level (p = the top fraction; type 7 is R's default); "
                + "every patient at or above it is in the top group (ties at the cut-off included)"
        case .bottom(_, _, _, let q)?:
            return "cut-off: R's quantile(x, p, type = \(q.rawValue)) of the values within each level (p = the bottom fraction; type 7 is R's default); "
                + "every patient at or below it is in the bottom group (ties at the cut-off included)"
        default:
            return ""
        }
    }
}
