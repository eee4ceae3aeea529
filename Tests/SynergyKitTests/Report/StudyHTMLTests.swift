import Foundation
@testable import SynergyKit
import XCTest

final class StudyHTMLTests: XCTestCase {
    /// Set SYNERGY_REPORT_OUT to a path to keep the example's HTML for a look (Scripts/check_report.sh renders it).
    func testExampleIsWellFormedSelfContainedAndDeterministic() throws {
        let report = StudyHTMLExample.report()
        let html = StudyHTML.render(report, sessionFigures: StudyHTMLExample.figures)
        if let path = ProcessInfo.processInfo.environment["SYNERGY_REPORT_OUT"] {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let document = try XMLTree(html)
        XCTAssertEqual(document.elements.first?.name, "html")
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.lowercased().contains("http"), "no URL of any kind")
        XCTAssertFalse(html.lowercased().contains("<link"))
        XCTAssertFalse(html.contains("src="))
        XCTAssertTrue(document.elements("style").count == 1)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))

        // Same bytes twice, and whatever order the figure dictionary was built in.
        XCTAssertEqual(html, StudyHTML.render(report, sessionFigures: StudyHTMLExample.figures))
        let reordered = Dictionary(uniqueKeysWithValues: StudyHTMLExample.figures.sorted { $0.key > $1.key })
        XCTAssertEqual(html, StudyHTML.render(report, sessionFigures: reordered))
        // And a different report gives different bytes.
        var changed = report
        changed.groups[0].count.mean = 6.5
        XCTAssertNotEqual(html, StudyHTML.render(changed, sessionFigures: StudyHTMLExample.figures))
    }

    func testHeaderNamesTheSettings() throws {
        let report = StudyHTMLExample.report()
        let document = try XMLTree(StudyHTML.render(report))
        let settings = Dictionary(document.elements("tr").filter { row in
            document.elements("table", classed: "kv").contains { row.ancestors.contains($0.id) }
        }.map { row in
            (document.descendants(of: row, "th").first?.text ?? "", document.descendants(of: row, "td").first?.text ?? "")
        }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(settings["Tool"], "synergy 0.9.0-test")
        XCTAssertEqual(settings["Manifest"], "cohort & friends.csv")
        XCTAssertEqual(settings["Manifest SHA-256"], String(repeating: "ab", count: 32))
        XCTAssertEqual(settings["Protocol"], "cheung2020")
        XCTAssertEqual(settings["Algorithm"], "multiplicative updates (Lee & Seung)")
        XCTAssertEqual(settings["Replicates"], "20 per rank, ≤ 20000 iterations")
        XCTAssertEqual(settings["Seed"], "42")
        XCTAssertEqual(settings["Criterion"], "smallest rank with R² ≥ 0.80")
        XCTAssertEqual(settings["k-means"], "1000 replicates, ≤ 100 iterations")
        XCTAssertEqual(settings["Gap statistic"], "B = 500 reference sets × 100 replicates")
        XCTAssertEqual(settings["k range"], "2 – 20")
        XCTAssertEqual(settings["Invariant cluster"], "synergies of ≥ 0.333 of the subjects")
        XCTAssertEqual(settings["Similarity threshold"], "0.80")
        XCTAssertEqual(settings["Reference group"], "Sedent0")
        XCTAssertEqual(settings["Sessions"], "6: 5 ok, 1 failed")
    }

    /// One row per group, in the paper's format (Fig. 2 of Cheung et al. 2020).
    func testGroupTableHasOneRowPerGroupWithThePapersFormatting() throws {
        let report = StudyHTMLExample.report()
        let document = try XMLTree(StudyHTML.render(report))
        let table = try XCTUnwrap(document.elements("table", classed: "group-table").first)
        let rows = document.descendants(of: table, "tr", classed: "group")
        XCTAssertEqual(rows.map { $0.attributes["data-group"] }, report.groups.map(\.name))
        func cells(_ group: String) throws -> [String] {
            let row = try XCTUnwrap(rows.first { $0.attributes["data-group"] == group })
            return document.descendants(of: row, "td").filter { $0.ancestors.last == row.id }.map(\.text)
        }
        XCTAssertEqual(try cells("Sedent0"), ["Sedent0 reference", "9", "6.78 ± 0.67", "6:3 7:5 8:1",
                                              "0.739 ± 0.038", "0.301 ± 0.104"])
        XCTAssertEqual(try cells("Novice0"), ["Novice0", "14", "6.36 ± 0.74", "5:2 6:5 7:7", "0.713 ± 0.049",
                                              "0.359 ± 0.112"])
        XCTAssertEqual(try cells("Novice3"), ["Novice3", "2", "5.50 ± 0.71", "5:1 6:1", "0.685 ± 0.058", "–"])
        let header = document.descendants(of: table, "th").map(\.text)
        XCTAssertEqual(header.last, "Merging Index vs Sedent0")
        // One count-distribution chart per group, with one bar per non-empty bin.
        let charts = document.elements("svg", classed: "count-chart")
        XCTAssertEqual(charts.count, 3)
        XCTAssertEqual(charts.map { document.descendants(of: $0, "rect", classed: "count-bar").count }, [3, 3, 2])
    }

    func testStatisticsShowValuesAndErrors() throws {
        let document = try XMLTree(StudyHTML.render(StudyHTMLExample.report()))
        let table = try XCTUnwrap(document.elements("table", classed: "statistics").first)
        let rows = document.descendants(of: table, "tr").dropFirst().map { row in
            document.descendants(of: row, "td").map(\.text)
        }
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[0], ["number of synergies", "Mann–Whitney U", "Presch, Sedent0", "18.500", "0.010", "exact"])
        XCTAssertEqual(rows[1], ["sparseness φ", "Welch t", "Presch, Sedent0", "-3.652", "0.0018", ""])
        XCTAssertEqual(rows[2], ["merging index", "Friedman", "Novice0, Novice3", "needs ≥ 2 subjects in every group"])
        XCTAssertEqual(document.elements("td", classed: "error").first?.attributes["colspan"], "3")
    }

    func testFailedSessionErrorIsEscapedAndShown() throws {
        let report = StudyHTMLExample.report()
        let html = StudyHTML.render(report)
        let error = try XCTUnwrap(report.sessions.first { $0.status == "failed" }?.error)
        XCTAssertTrue(error.contains("<") && error.contains("&") && error.contains("\"") && error.contains("'"))
        XCTAssertFalse(html.contains(error), "the raw error text must not appear unescaped")
        XCTAssertTrue(html.contains("&lt;bad&gt; file &amp; &quot;quotes&quot; &apos;n&apos; more"))
        let document = try XMLTree(html)
        let failed = try XCTUnwrap(document.elements("tr", classed: "failed").first)
        XCTAssertEqual(failed.attributes["data-session"], "N02_m6")
        XCTAssertTrue(document.descendants(of: failed, "td", classed: "error").first?.text.hasSuffix(error) ?? false)
    }

    /// One centroid chart per cluster, each with one bar per muscle; one gap chart per
    /// clustered group with its chosen k marked; the note of a group without clusters.
    func testClustersDrawEveryCentroidAndGapCurve() throws {
        let report = StudyHTMLExample.report()
        let document = try XMLTree(StudyHTML.render(report))
        let clusters = report.groups.compactMap(\.clusters)
        let charts = document.elements("svg", classed: "centroid-chart")
        XCTAssertEqual(charts.count, clusters.map(\.clusters.count).reduce(0, +))
        for chart in charts {
            XCTAssertEqual(document.descendants(of: chart, "rect", classed: "bar").count, report.muscles.count)
        }
        let labels = document.elements("figure", classed: "centroid").compactMap { figure in
            document.descendants(of: figure, "figcaption").first?.text
        }
        XCTAssertEqual(labels.first, "C1 invariant6 synergies · 5/9 subjects (56 %)")
        XCTAssertEqual(labels.filter { $0.contains("invariant") }.count,
                       clusters.flatMap(\.clusters).filter(\.invariant).count)
        let gaps = document.elements("svg", classed: "gap-chart")
        XCTAssertEqual(gaps.count, clusters.count)
        for (gap, clustering) in zip(gaps, clusters) {
            XCTAssertEqual(document.descendants(of: gap, "circle", classed: "chosen-k").count, 1)
            XCTAssertEqual(document.descendants(of: gap, "line", classed: "error-bar").count, clustering.gap.ks.count)
            XCTAssertTrue(document.descendants(of: gap, "text").contains { $0.text == "k = \(clustering.k)" })
        }
        XCTAssertTrue(document.elements("p").contains { $0.text == "fewer than 3 synergy vectors" })
    }

    func testComparisonTablesAndMatchedCentroids() throws {
        let document = try XMLTree(StudyHTML.render(StudyHTMLExample.report()))
        let block = try XCTUnwrap(document.elements("div", classed: "comparison")
            .first { $0.attributes["data-group"] == "Novice0" })
        let matchRows = document.descendants(of: block, "table", classed: "matches").flatMap {
            document.descendants(of: $0, "tr").dropFirst().map { row in document.descendants(of: row, "td").map(\.text) }
        }
        XCTAssertEqual(matchRows, [["Novice0 C1", "Sedent0 C1", "0.93"], ["Novice0 C2", "Sedent0 C3", "0.85"]])
        let pairs = document.descendants(of: block, "svg", classed: "match-chart")
        XCTAssertEqual(pairs.count, 2)
        XCTAssertEqual(pairs.map { document.descendants(of: $0, "text", classed: "similarity").map(\.text) },
                       [["0.93"], ["0.85"]])
        XCTAssertEqual(document.descendants(of: pairs[0], "rect", classed: "bar").count, 2 * 8)
        let combinations = document.descendants(of: block, "table", classed: "centroid-combinations").flatMap {
            document.descendants(of: $0, "tr").dropFirst().map { row in document.descendants(of: row, "td").map(\.text) }
        }
        XCTAssertEqual(combinations, [["merging", "Novice0 C3", "≈ 0.61 × Sedent0 C1 + 0.52 × Sedent0 C2", "0.88"],
                                      ["fractionation", "Sedent0 C2", "≈ 0.70 × Novice0 C2 + 0.45 × Novice0 C3", "0.91"]])
        let instances = document.descendants(of: block, "tr", classed: "instance").map { row in
            document.descendants(of: row, "td").map(\.text)
        }
        XCTAssertEqual(instances, [["merging", "Sedent0 C1 + Sedent0 C2 → Novice0 C3", "2", "67 %", "3"],
                                   ["merging", "Sedent0 C2 + Sedent0 C3 → Novice0 C1", "1", "33 %", "1"],
                                   ["fractionation", "Sedent0 C2 → Novice0 C2 + Novice0 C3", "2", "67 %", "4"]])
        let notes = document.descendants(of: block, "p").map(\.text)
        XCTAssertTrue(notes.contains("Unmatched invariant clusters of Novice0: none; of Sedent0: C2."))
        XCTAssertTrue(notes.contains("Merging index by subject: N01 0.333 · N02 0.500 · N03 0.250"))
    }

    func testTimelineHasAChartPerMetricAndAStepsTable() throws {
        let report = StudyHTMLExample.report()
        let document = try XMLTree(StudyHTML.render(report))
        let timeline = try XCTUnwrap(document.elements("div", classed: "timeline").first)
        XCTAssertEqual(timeline.attributes["data-subject"], "N02")
        let charts = document.descendants(of: timeline, "svg", classed: "timeline-chart")
        XCTAssertEqual(charts.map { $0.attributes["aria-label"] ?? "" },
                       ["Synergies", "Sparseness φ", "Merging index vs Sedent0", "Similarity to first"])
        // The count is missing at month 6: the line stops at month 3 and two points remain.
        XCTAssertEqual(document.descendants(of: charts[0], "circle").count, 2)
        XCTAssertEqual(document.descendants(of: charts[1], "circle").count, 3)
        let steps = document.descendants(of: timeline, "table", classed: "steps").flatMap {
            document.descendants(of: $0, "tr").dropFirst().map { row in document.descendants(of: row, "td").map(\.text) }
        }
        XCTAssertEqual(steps, [["month0 → month3", "1→1 0.952→2 0.90", "month0: 3", "2 ≈ 0.70×2 + 0.50×3 (0.92)", "–"],
                               ["month3 → month6", "1→1 0.97", "–", "–", "2 ≈ 0.60×2 + 0.60×3 (0.90)"]])
    }

    /// Exactly the given figure paths and every result JSON, and nothing else links out of the page.
    func testSessionLinksAreExactlyTheResultsAndFigures() throws {
        let report = StudyHTMLExample.report()
        let document = try XMLTree(StudyHTML.render(report, sessionFigures: StudyHTMLExample.figures))
        let json = document.elements("a", classed: "json").compactMap { $0.attributes["href"] }
        XCTAssertEqual(json, report.sessions.compactMap(\.result))
        let figures = document.elements("a", classed: "figure").compactMap { $0.attributes["href"] }
        XCTAssertEqual(figures, report.sessions.compactMap { StudyHTMLExample.figures[$0.id] })
        XCTAssertEqual(figures, ["sessions/P01_week0.svg", "sessions/S01_week0.svg", "sessions/N02_month0.svg"])
        let links = document.elements("a").compactMap { $0.attributes["href"] }.filter { !$0.hasPrefix("#") }
        XCTAssertEqual(Set(links), Set(json + figures))
        let rows = document.elements("tr", classed: "session")
        XCTAssertEqual(rows.map { $0.attributes["data-session"] }, report.sessions.map(\.id))
        let noFigure = try XCTUnwrap(rows.first { $0.attributes["data-session"] == "N03_m0" })
        XCTAssertEqual(document.descendants(of: noFigure, "a").map(\.text), ["JSON"])
        XCTAssertTrue(document.descendants(of: noFigure, "td").map(\.text).contains("none (rank 8)"))

        // Paths a browser would misread are encoded, never turned into anything but a relative link.
        var odd = report
        odd.sessions[0].result = "my results/S#1.json"
        let oddDocument = try XMLTree(StudyHTML.render(odd, sessionFigures: ["P01": "javascript:alert(1).svg"]))
        XCTAssertEqual(oddDocument.elements("a", classed: "json").first?.attributes["href"], "my%20results/S%231.json")
        XCTAssertEqual(oddDocument.elements("a", classed: "figure").first?.attributes["href"], "./javascript:alert(1).svg")
    }

    /// No groups, clusters, comparisons, statistics or timelines: every session failed.
    func testEverySessionFailedIsStillAPage() throws {
        var report = StudyHTMLExample.report()
        report.groups = []
        report.comparisons = []
        report.statistics = []
        report.timelines = []
        for index in report.sessions.indices {
            report.sessions[index].status = "failed"
            report.sessions[index].error = "no such file"
            report.sessions[index].result = nil
        }
        report.failed = report.sessions.count
        let html = StudyHTML.render(report)
        let document = try XMLTree(html)
        let notes = document.elements("p").map(\.text)
        for expected in ["No group has a session with a result.", "No tests were run.", "No groups.",
                         "No comparisons with the reference group.", "No subject was recorded more than once.",
                         "Every session failed; there is nothing to analyse."] {
            XCTAssertTrue(notes.contains(expected), expected)
        }
        XCTAssertEqual(document.elements("tr", classed: "failed").count, report.sessions.count)
        XCTAssertTrue(document.elements("a", classed: "json").isEmpty)
        XCTAssertTrue(document.elements("svg").isEmpty)

        report.sessions = []
        report.failed = 0
        XCTAssertTrue(try XMLTree(StudyHTML.render(report)).elements("p").contains { $0.text == "No sessions." })
    }
}

/// A small study built by hand: three analysis groups (Sedent0 the reference, Novice0
/// and Novice3), clusters in two of them, one comparison, three statistics (one
/// failed), one timeline and six sessions, one failed with an error full of markup.
enum StudyHTMLExample {
    static let muscles = ["TA", "SOL", "MG", "LG", "VM", "VL", "RF", "HAM"]

    static let figures = ["P01": "sessions/P01_week0.svg", "S01": "sessions/S01_week0.svg",
                          "N02_m0": "sessions/N02_month0.svg", "X99": "sessions/not_in_the_study.svg"]

    static func meanSD(_ mean: Double, _ sd: Double, _ n: Int) -> StudyReport.MeanSD {
        var value = StudyReport.MeanSD([])
        (value.mean, value.sd, value.n) = (mean, sd, n)
        return value
    }

    static func bins(_ pairs: [(Int, Int)]) -> [StudyReport.CountBin] {
        pairs.map { StudyReport.CountBin(count: $0.0, sessions: $0.1) }
    }

    static func cluster(_ index: Int, peak: Int, size: Int, subjects: [String], of total: Int,
                        invariant: Bool) -> StudyReport.Cluster {
        let centroid = muscles.indices.map { $0 == peak ? 0.9 : $0 == (peak + 1) % muscles.count ? 0.4 : 0.08 }
        return StudyReport.Cluster(index: index, centroid: centroid, size: size, subjects: subjects,
                                   subjectShare: Double(subjects.count) / Double(total), invariant: invariant,
                                   members: subjects.map { .init(session: "\($0)_w0", synergy: 0) })
    }

    static func gap(_ ks: ClosedRange<Int>, peakAt k: Int) -> StudyReport.GapCurve {
        let ks = Array(ks)
        let gap = ks.map { 0.42 + 0.08 * Double(min($0, k)) - 0.01 * Double(max(0, $0 - k)) }
        return StudyReport.GapCurve(ks: ks, logW: ks.map { 2 - 0.1 * Double($0) },
                                    expectedLogW: ks.map { 2.4 - 0.05 * Double($0) }, gap: gap,
                                    standardError: ks.map { 0.02 + 0.002 * Double($0) })
    }

    static func report() -> StudyReport {
        let protocolValue = SynergyProtocol.cheung2020
        let settings = StudySettings(protocol: protocolValue, seed: 42, maxRank: nil, input: "raw",
                                     groupAnalysis: GroupAnalysisSettings())
        let sedentary = (1...9).map { "S0\($0)" }
        let novices = (1...14).map { String(format: "N%02d", $0) }
        let reference = StudyReport.Group(
            name: "Sedent0", group: "Sedentary", session: "week0", subjects: sedentary, n: 9,
            count: meanSD(6.7778, 0.6667, 9), countDistribution: bins([(6, 3), (7, 5), (8, 1)]), uncounted: 0,
            sparseness: meanSD(0.739, 0.038, 9), mergingIndex: meanSD(0.301, 0.104, 9),
            clusters: StudyReport.Clusters(
                gap: gap(2...8, peakAt: 3), k: 3, withinSumOfSquares: 4.25,
                clusters: [cluster(0, peak: 0, size: 6, subjects: Array(sedentary.prefix(5)), of: 9, invariant: true),
                           cluster(1, peak: 2, size: 5, subjects: Array(sedentary.prefix(4)), of: 9, invariant: true),
                           cluster(2, peak: 5, size: 2, subjects: ["S01", "S02"], of: 9, invariant: false)]))
        let novice0 = StudyReport.Group(
            name: "Novice0", group: "Novice", session: "month0", subjects: novices, n: 14,
            count: meanSD(6.3571, 0.7449, 14), countDistribution: bins([(7, 7), (5, 2), (6, 5)]), uncounted: 0,
            sparseness: meanSD(0.7131, 0.0494, 14), mergingIndex: meanSD(0.3594, 0.1118, 14),
            clusters: StudyReport.Clusters(
                gap: gap(2...6, peakAt: 2), k: 3, withinSumOfSquares: 6.5,
                clusters: [cluster(0, peak: 0, size: 9, subjects: Array(novices.prefix(8)), of: 14, invariant: true),
                           cluster(1, peak: 5, size: 7, subjects: Array(novices.prefix(6)), of: 14, invariant: true),
                           cluster(2, peak: 1, size: 4, subjects: Array(novices.prefix(3)), of: 14, invariant: false)]))
        var novice3 = StudyReport.Group(
            name: "Novice3", group: "Novice", session: "month3", subjects: ["N01", "N02"], n: 2,
            count: meanSD(5.5, 0.7071, 2), countDistribution: bins([(5, 1), (6, 1), (8, 0)]), uncounted: 1,
            sparseness: meanSD(0.685, 0.058, 2), mergingIndex: meanSD(0, 0, 0))
        novice3.clustersNote = "fewer than 3 synergy vectors"

        let comparison = StudyReport.GroupComparison(
            group: "Novice0", reference: "Sedent0",
            matches: [.init(cluster: 0, referenceCluster: 0, similarity: 0.93),
                      .init(cluster: 1, referenceCluster: 2, similarity: 0.851)],
            unmatched: [], unmatchedReference: [1],
            merging: [.init(cluster: 2, referenceClusters: [0, 1], coefficients: [0.61, 0.52], similarity: 0.88)],
            fractionation: [.init(referenceCluster: 1, clusters: [1, 2], coefficients: [0.7, 0.45], similarity: 0.91)],
            subjectMerging: [.init(clusters: [2], referenceClusters: [0, 1], subjects: ["N01", "N02"], share: 2.0 / 3, pairs: 3),
                             .init(clusters: [0], referenceClusters: [1, 2], subjects: ["N03"], share: 1.0 / 3, pairs: 1)],
            subjectFractionation: [.init(clusters: [1, 2], referenceClusters: [1], subjects: ["N01", "N03"],
                                         share: 2.0 / 3, pairs: 4)],
            mergingIndex: [.init(subject: "N01", value: 1.0 / 3), .init(subject: "N02", value: 0.5),
                           .init(subject: "N03", value: 0.25)])

        let statistics = [
            StudyReport.Statistic(metric: "count", test: "Mann–Whitney U", groups: ["Presch", "Sedent0"],
                                  statistic: 18.5, pValue: 0.0101, method: "exact"),
            StudyReport.Statistic(metric: "sparseness", test: "Welch t", groups: ["Presch", "Sedent0"],
                                  statistic: -3.6518, pValue: 0.00181),
            StudyReport.Statistic(metric: "merging_index", test: "Friedman", groups: ["Novice0", "Novice3"],
                                  error: "needs ≥ 2 subjects in every group"),
        ]

        let timeline = StudyReport.Timeline(
            subject: "N02", group: "Novice",
            points: [.init(session: "month0", count: 7, meanSparseness: 0.71, mergingIndex: 0.29, similarityToFirst: 1),
                     .init(session: "month3", count: 6, meanSparseness: 0.69, mergingIndex: 0.4, similarityToFirst: 0.91),
                     .init(session: "month6", count: nil, meanSparseness: 0.66, mergingIndex: 0.5, similarityToFirst: 0.88)],
            steps: [.init(from: "month0", to: "month3",
                          matches: [.init(a: 0, b: 0, similarity: 0.95), .init(a: 1, b: 0 + 1, similarity: 0.9)],
                          unmatchedFrom: [2], unmatchedTo: [],
                          merging: [.init(b: 1, sourcesA: [1, 2], coefficients: [0.7, 0.5], similarity: 0.92)],
                          fractionation: []),
                    .init(from: "month3", to: "month6", matches: [.init(a: 0, b: 0, similarity: 0.97)],
                          unmatchedFrom: [], unmatchedTo: [], merging: [],
                          fractionation: [.init(a: 1, fractionsB: [1, 2], coefficients: [0.6, 0.6], similarity: 0.9)])])

        func session(_ id: String, _ subject: String, _ group: String, _ session: String, _ analysis: String,
                     count: Int?, rank: Int, r2: Double, sparseness: Double, merging: Double) -> StudyReport.Session {
            var value = StudyReport.Session(id: id, subject: subject, group: group, session: session,
                                            analysisGroup: analysis, path: "emg/\(id).csv")
            value.status = "ok"
            value.sha256 = String(repeating: "0", count: 64)
            value.result = "sessions/\(id).json"
            (value.count, value.rank, value.r2AtCount) = (count, rank, r2)
            (value.meanSparseness, value.mergingIndex) = (sparseness, merging)
            return value
        }
        var failed = StudyReport.Session(id: "N02_m6", subject: "N02", group: "Novice", session: "month6",
                                         analysisGroup: "Novice6", path: "emg/N02 m6.csv")
        failed.error = "cannot read column 3 of <bad> file & \"quotes\" 'n' more"
        let sessions = [
            session("P01", "P01", "Presch", "week0", "Presch", count: 5, rank: 5, r2: 0.812, sparseness: 0.66, merging: 0.4),
            session("S01", "S01", "Sedentary", "week0", "Sedent0", count: 7, rank: 7, r2: 0.803, sparseness: 0.74,
                    merging: 0.286),
            session("N02_m0", "N02", "Novice", "month0", "Novice0", count: 7, rank: 7, r2: 0.821, sparseness: 0.71,
                    merging: 0.29),
            session("N02_m3", "N02", "Novice", "month3", "Novice3", count: 6, rank: 6, r2: 0.8, sparseness: 0.69,
                    merging: 0.4),
            failed,
            session("N03_m0", "N03", "Novice", "month0", "Novice0", count: nil, rank: 8, r2: 0.79, sparseness: 0.7,
                    merging: 0.25),
        ]

        return StudyReport(toolVersion: "0.9.0-test", manifest: .init(name: "cohort & friends.csv",
                                                                      sha256: String(repeating: "ab", count: 32)),
                           settings: settings, muscles: muscles, sessions: sessions,
                           groups: [reference, novice0, novice3], referenceGroup: "Sedent0", comparisons: [comparison],
                           statistics: statistics, timelines: [timeline], failed: 1)
    }
}
