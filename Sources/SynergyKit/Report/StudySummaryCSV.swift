/// `summary.csv` of a study: one row per session, in manifest order, with its
/// status, count and, with a bootstrap, its 95 % interval (`none` for an end
/// where no rank met the criterion), R² at the count, mean sparseness, Merging Index against the
/// reference group, and the error of a failed session. Empty cells are values
/// that do not exist (no count, a failed session); numbers are written in
/// their shortest exact form.
public enum StudySummaryCSV {
    /// The column names, in order.
    public static let header = ["subject", "group", "session", "analysis_group", "status", "count", "count_low",
                                "count_high", "r2_at_count",
                                "mean_sparseness", "merging_index", "result", "error"]

    /// The CSV text: `header`, then one line per session of `report`, each line ending in a newline.
    public static func render(_ report: StudyReport) -> String {
        var lines = [header.joined(separator: ",")]
        for s in report.sessions {
            let cells: [String] = [
                s.subject, s.group, s.session, s.analysisGroup, s.status, s.count.map(String.init) ?? "",
                s.countInterval.map { $0[0].map(String.init) ?? "none" } ?? "",
                s.countInterval.map { $0[1].map(String.init) ?? "none" } ?? "",
                s.r2AtCount.map { "\($0)" } ?? "", s.meanSparseness.map { "\($0)" } ?? "",
                s.mergingIndex.map { "\($0)" } ?? "", s.result ?? "", s.error ?? "",
            ]
            lines.append(cells.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting when a cell holds a comma, quote or line break.
    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
