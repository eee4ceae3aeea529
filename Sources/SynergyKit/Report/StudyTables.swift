import Foundation

/// A study's group table (the shape of Cheung et al. 2020, Fig. 2) and its
/// tests as text for a terminal.
public enum StudyTables {
    /// The group table (n, count, distribution, sparseness, Merging Index, clusters), the tests, and how many sessions were analysed.
    public static func summary(_ report: StudyReport) -> String {
        var rows = [["Group", "n", "synergies", "distribution", "sparseness", "MI vs \(report.referenceGroup)", "clusters"]]
        for group in report.groups {
            rows.append([
                group.name, "\(group.n)", meanSD(group.count, 2),
                group.countDistribution.map { "\($0.count):\($0.sessions)" }.joined(separator: " "),
                meanSD(group.sparseness, 3), meanSD(group.mergingIndex, 3),
                group.clusters.map { c in "\(c.k) (\(c.clusters.filter(\.invariant).count) invariant)" } ?? "–",
            ])
        }
        var text = table(rows)
        if !report.statistics.isEmpty {
            var tests = [["metric", "test", "groups", "statistic", "p"]]
            for s in report.statistics {
                tests.append([s.metric, s.test, s.groups.joined(separator: " | "),
                              s.statistic.map { String(format: "%.4g", $0) } ?? "–",
                              s.pValue.map { String(format: "%.4g", $0) } ?? (s.error ?? "–")])
            }
            text += "\n\n" + table(tests)
        }
        text += "\n\n\(report.sessions.count - report.failed) of \(report.sessions.count) sessions analysed"
            + (report.failed > 0 ? "; \(report.failed) failed" : "")
        return text
    }

    static func meanSD(_ value: StudyReport.MeanSD, _ digits: Int) -> String {
        value.n == 0 ? "–" : String(format: "%.\(digits)f ± %.\(digits)f", value.mean, value.sd)
    }

    static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
