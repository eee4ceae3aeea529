/// The tests of the group table, as Cheung et al. (2020) ran them, for the
/// synergy count, mean sparseness and Merging Index:
///
/// - each independent group (a manifest group's first time point) against the
///   reference group: Mann–Whitney U for all three, and Student's t for
///   sparseness and Merging Index (the paper's t-test on sparseness);
/// - all independent groups together, when there are three or more: Kruskal–Wallis;
/// - a group recorded at several time points, over the subjects present at
///   all of them: Friedman for three or more, Wilcoxon signed-rank for two.
///
/// A test that cannot be computed (too few values, all values equal) is
/// listed with its reason instead of a p-value.
enum StudyStatistics {
    static let metrics = ["count", "sparseness", "merging_index"]

    static func value(_ metric: String, _ session: StudyReport.Session) -> Double? {
        switch metric {
        case "count": session.count.map(Double.init)
        case "sparseness": session.meanSparseness
        default: session.mergingIndex
        }
    }

    static func tests(groups: [StudyReport.Group], sessions: [StudyReport.Session], reference: String)
        -> [StudyReport.Statistic] {
        let ok = sessions.filter { $0.status == "ok" }
        func values(_ metric: String, _ group: String) -> [Double] {
            ok.filter { $0.analysisGroup == group }.compactMap { value(metric, $0) }
        }
        func run(_ metric: String, _ test: String, _ names: [String], _ body: () throws -> GroupTests.Result)
            -> StudyReport.Statistic {
            do {
                let result = try body()
                return .init(metric: metric, test: result.test, groups: names, statistic: result.statistic,
                             pValue: result.pValue, method: result.method, error: nil)
            } catch {
                return .init(metric: metric, test: test, groups: names, statistic: nil, pValue: nil, method: nil,
                             error: "\(error)")
            }
        }
        // A manifest group's first time point stands for the group among independent groups.
        var independent = [String](), groupOrder = [String]()
        for group in groups where !groupOrder.contains(group.group) {
            groupOrder.append(group.group)
            independent.append(group.name)
        }
        var statistics = [StudyReport.Statistic]()
        for metric in metrics {
            for name in independent where name != reference {
                statistics.append(run(metric, "mann_whitney_u", [name, reference]) {
                    try GroupTests.mannWhitneyU(values(metric, name), values(metric, reference))
                })
                if metric != "count" {
                    statistics.append(run(metric, "student_t", [name, reference]) {
                        try GroupTests.studentT(values(metric, name), values(metric, reference))
                    })
                }
            }
            if independent.count >= 3 {
                statistics.append(run(metric, "kruskal_wallis", independent) {
                    try GroupTests.kruskalWallis(independent.map { values(metric, $0) })
                })
            }
            for group in groupOrder {
                let points = groups.filter { $0.group == group }.map(\.name)
                guard points.count >= 2 else { continue }
                // Subjects with a value at every time point, in manifest order.
                let table = points.map { name in
                    Dictionary(ok.filter { $0.analysisGroup == name }.compactMap { s in value(metric, s).map { (s.subject, $0) } },
                               uniquingKeysWith: { first, _ in first })
                }
                var subjects = [String]()
                for s in ok where s.group == group && !subjects.contains(s.subject) && table.allSatisfy({ $0[s.subject] != nil }) {
                    subjects.append(s.subject)
                }
                let columns = table.map { column in subjects.map { column[$0]! } }
                if points.count == 2 {
                    statistics.append(run(metric, "wilcoxon_signed_rank", points) {
                        try GroupTests.wilcoxonSignedRank(columns[0], columns[1])
                    })
                } else {
                    statistics.append(run(metric, "friedman", points) { try GroupTests.friedman(columns) })
                }
            }
        }
        return statistics
    }
}
