import Foundation

/// The study report (`StudyReport`) as one self-contained HTML page: settings,
/// the group table in the shape of Cheung et al. (2020, Fig. 2), the statistics,
/// count distributions, each group's clusters (gap curve and centroids), the
/// comparisons with the reference group, each athlete's timeline and every
/// session. Inline CSS and SVG only: no script, no external resource, no URL
/// but the relative links to the sessions' files. Written as well-formed
/// XHTML-compatible markup (every element closed, attributes quoted, text
/// escaped) and with no dates, so the same report gives the same bytes.
///
/// Clusters and synergies are numbered from 1 (C1, C2, …); the JSON counts from 0.
public enum StudyHTML {
    /// - Parameters:
    ///   - report: the study's JSON document.
    ///   - sessionFigures: session id → path of its SVG figure relative to the HTML
    ///     file (e.g. `sessions/S01_week0.svg`); sessions without one get no figure link.
    ///     Every session with a `result` gets a link to its JSON.
    public static func render(_ report: StudyReport, sessionFigures: [String: String] = [:]) -> String {
        var page = StudyPage(report: report, figures: sessionFigures)
        return page.document()
    }
}

/// Writes the page top to bottom.
private struct StudyPage {
    typealias Group = StudyReport.Group
    let report: StudyReport
    let figures: [String: String]
    private var lines: [String] = []
    private let groups: [String: Group]
    /// Muscle slots and the depth of the muscle names under a weight chart.
    private let slot: Double
    private let nameDepth: Double

    init(report: StudyReport, figures: [String: String]) {
        self.report = report
        self.figures = figures
        groups = Dictionary(report.groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        slot = max(12, (150 / Double(max(1, report.muscles.count))).rounded(.up))
        nameDepth = SVGCanvas.muscleNameDepth(report.muscles)
    }

    mutating func document() -> String {
        lines = ["<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\"/>",
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
                 "<title>\(esc("Synergy study: " + report.manifest.name))</title>",
                 "<style>", Self.css, "</style>", "</head>", "<body>"]
        header()
        groupSection()
        statisticsSection()
        clusterSection()
        comparisonSection()
        timelineSection()
        sessionSection()
        element("footer", "synergy \(report.toolVersion). Clusters and synergies are numbered from 1 here "
            + "(C1 is cluster 0 in the JSON). Mean ± SD: sample standard deviation (n − 1).")
        lines += ["</body>", "</html>", ""]
        return lines.joined(separator: "\n")
    }

    // MARK: Header

    private mutating func header() {
        let settings = report.settings, factorization = settings.protocol.factorization
        let analysis = settings.groupAnalysis
        let ok = report.sessions.filter { $0.status == "ok" }.count
        lines.append("<header>")
        lines.append("<h1>\(esc("Muscle-synergy study: " + report.manifest.name))</h1>")
        element("p", class: "lede", "\(report.sessions.count) session\(plural(report.sessions.count)), "
            + "\(report.failed) failed · \(report.groups.count) analysis group\(plural(report.groups.count)) · "
            + "reference group \(report.referenceGroup)")
        lines.append("<nav>" + [("groups", "Groups"), ("statistics", "Statistics"), ("clusters", "Clusters"),
                                ("comparisons", "Comparisons"), ("timelines", "Timelines"), ("sessions", "Sessions")]
            .map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " · ") + "</nav>")
        lines.append("</header>")

        lines.append("<section id=\"settings\" class=\"settings\">")
        settingsTable("Run", [
            ("Tool", "synergy \(report.toolVersion)"),
            ("Manifest", report.manifest.name),
            ("Manifest SHA-256", report.manifest.sha256),
            ("Input", settings.input),
            ("Protocol", settings.protocol.name.rawValue),
            ("Algorithm", algorithmName(factorization.algorithm)),
            ("Replicates", "\(factorization.replicates) per rank, ≤ \(factorization.maxIterations) iterations"),
            ("Ranks", settings.maxRank.map { "1 … \($0)" } ?? maxRankRule(settings.protocol.maxRank)),
            ("Criterion", criterionText(settings.protocol.criterion)),
            ("Seed", "\(settings.seed)"),
        ])
        settingsTable("Group analysis", [
            ("k-means", "\(analysis.kmeansReplicates) replicates, ≤ \(analysis.kmeansMaximumIterations) iterations"),
            ("Gap statistic", "B = \(analysis.gapReferenceSets) reference sets × \(analysis.gapReplicates) replicates"),
            ("k range", "\(analysis.minimumClusters) – \(analysis.maximumClusters)"),
            ("Invariant cluster", "synergies of ≥ \(fixed(analysis.invariantFraction, 3)) of the subjects"),
            ("Similarity threshold", fixed(analysis.threshold, 2)),
            ("Smallest coefficient", fixed(analysis.coefficientMinimum, 2)),
            ("Reference group", report.referenceGroup),
            ("Sessions", "\(report.sessions.count): \(ok) ok, \(report.failed) failed"),
        ])
        lines.append("</section>")
    }

    private mutating func settingsTable(_ title: String, _ rows: [(String, String)]) {
        lines.append("<table class=\"kv\"><caption>\(esc(title))</caption><tbody>")
        for (key, value) in rows {
            let cell = key.hasSuffix("SHA-256") ? "<code>\(esc(value))</code>" : esc(value)
            lines.append("<tr><th scope=\"row\">\(esc(key))</th><td>\(cell)</td></tr>")
        }
        lines.append("</tbody></table>")
    }

    // MARK: Groups

    private mutating func groupSection() {
        lines.append("<section id=\"groups\">")
        lines.append("<h2>Groups</h2>")
        guard !report.groups.isEmpty else {
            note(report.sessions.isEmpty ? "The manifest lists no sessions." : "No group has a session with a result.")
            lines.append("</section>")
            return
        }
        element("p", class: "caption", "In the shape of Cheung et al. (2020), Fig. 2: number of synergies, "
            + "its distribution over sessions (synergies:sessions), Hoyer sparseness φ and Merging Index against "
            + "\(report.referenceGroup), mean ± SD over the group's sessions.")
        lines.append("<table class=\"group-table\"><thead><tr><th>Group</th><th class=\"num\">n</th>"
            + "<th class=\"num\">Synergies</th><th>Count distribution</th><th class=\"num\">Sparseness φ</th>"
            + "<th class=\"num\">\(esc("Merging Index vs " + report.referenceGroup))</th></tr></thead><tbody>")
        for group in report.groups {
            let isReference = group.name == report.referenceGroup
            let name = esc(group.name) + (isReference ? " <span class=\"tag\">reference</span>" : "")
            lines.append("<tr class=\"group\(isReference ? " reference" : "")\" data-group=\"\(esc(group.name))\">"
                + "<td class=\"name\">\(name)</td><td class=\"num n\">\(group.n)</td>"
                + "<td class=\"num count\">\(esc(meanSD(group.count, 2)))</td>"
                + "<td class=\"distribution\">\(esc(distribution(group.countDistribution)))</td>"
                + "<td class=\"num sparseness\">\(esc(meanSD(group.sparseness, 3)))</td>"
                + "<td class=\"num merging\">\(esc(meanSD(group.mergingIndex, 3)))</td></tr>")
        }
        lines.append("</tbody></table>")
        let uncounted = report.groups.filter { $0.uncounted > 0 }
        if !uncounted.isEmpty {
            note("Sessions where no rank met the criterion, left out of the synergy count: "
                 + uncounted.map { "\($0.name) \($0.uncounted)" }.joined(separator: ", ") + ".")
        }
        countCharts()
        lines.append("</section>")
    }

    /// One bar chart of the count distribution per group, on shared axes.
    private mutating func countCharts() {
        let counts = report.groups.flatMap { $0.countDistribution.map(\.count) }
        guard let low = counts.min(), let high = counts.max() else { return }
        let peak = report.groups.flatMap { $0.countDistribution.map(\.sessions) }.max() ?? 1
        let (ticks, range) = SVGCanvas.niceTicks(0, Double(max(peak, 4)), count: 4)
        lines.append("<h3>Synergy counts</h3>")
        lines.append("<div class=\"charts\">")
        for group in report.groups {
            var canvas = SVGCanvas()
            let plot = SVGCanvas.Plot(left: 46, top: 26, width: max(110, 24 * Double(high - low + 1)), height: 80,
                                      xRange: Double(low) - 0.6...Double(high) + 0.6, yRange: range)
            canvas.text(group.name, x: plot.left, y: 14, size: 12, fill: colour(group.name), weight: "bold")
            canvas.axes(plot, xTicks: (low...high).map { (Double($0), "\($0)") },
                        yTicks: ticks.map { ($0, SVGCanvas.tickLabel($0, ticks: ticks)) },
                        xTitle: "synergies", yTitle: "sessions")
            for bin in group.countDistribution where bin.sessions > 0 {
                let x = plot.x(Double(bin.count)), top = plot.y(Double(bin.sessions))
                canvas.rect(x: x - 8, y: top, width: 16, height: plot.bottom - top, fill: colour(group.name),
                            cssClass: "count-bar")
                canvas.text("\(bin.sessions)", x: x, y: top - 3, size: 9, anchor: "middle")
            }
            lines.append(canvas.svg(width: plot.left + plot.width + 12, height: plot.bottom + 36, standalone: false,
                                    cssClass: "count-chart", label: "Count distribution of \(group.name)"))
        }
        lines.append("</div>")
    }

    // MARK: Statistics

    private mutating func statisticsSection() {
        lines.append("<section id=\"statistics\">")
        lines.append("<h2>Statistics</h2>")
        guard !report.statistics.isEmpty else {
            note("No tests were run.")
            lines.append("</section>")
            return
        }
        lines.append("<table class=\"statistics\"><thead><tr><th>Metric</th><th>Test</th><th>Groups</th>"
            + "<th class=\"num\">Statistic</th><th class=\"num\">p</th><th>Method</th></tr></thead><tbody>")
        for statistic in report.statistics {
            var row = "<tr><td>\(esc(metricName(statistic.metric)))</td><td>\(esc(statistic.test))</td>"
                + "<td>\(esc(statistic.groups.joined(separator: ", ")))</td>"
            if let error = statistic.error {
                row += "<td class=\"error\" colspan=\"3\">\(esc(error))</td>"
            } else {
                row += "<td class=\"num\">\(esc(statistic.statistic.map { fixed($0, 3) } ?? "–"))</td>"
                    + "<td class=\"num p\">\(esc(statistic.pValue.map(pValue) ?? "–"))</td>"
                    + "<td>\(esc(statistic.method ?? ""))</td>"
            }
            lines.append(row + "</tr>")
        }
        lines.append("</tbody></table>")
        lines.append("</section>")
    }

    // MARK: Clusters

    private mutating func clusterSection() {
        lines.append("<section id=\"clusters\">")
        lines.append("<h2>Clusters</h2>")
        element("p", class: "caption", "k-means on each group's synergy vectors, k by the gap statistic "
            + "(smallest k with Gap(k) ≥ Gap(k+1) − s(k+1)). Bars: centroid weights (mean of the members' unit "
            + "vectors). A cluster is invariant when it holds synergies of ≥ "
            + "\(fixed(report.settings.groupAnalysis.invariantFraction, 3)) of the group's subjects; pale bars: "
            + "not invariant.")
        if report.groups.isEmpty { note("No groups.") }
        for group in report.groups {
            lines.append("<div class=\"cluster-group\" data-group=\"\(esc(group.name))\">")
            lines.append("<h3>\(esc(group.name))</h3>")
            guard let clusters = group.clusters else {
                note(group.clustersNote ?? "No clusters.")
                lines.append("</div>")
                continue
            }
            let invariant = clusters.clusters.filter(\.invariant).count
            note("k = \(clusters.k) clusters, \(invariant) invariant; within-cluster sum of squares "
                 + "\(fixed(clusters.withinSumOfSquares, 3)); \(group.subjects.count) subject\(plural(group.subjects.count)).")
            lines.append("<div class=\"charts\">")
            lines.append("<figure class=\"gap\">" + gapChart(clusters, group: group.name) + "</figure>")
            for cluster in clusters.clusters {
                let caption = "<b style=\"color: \(colour(group.name))\">C\(cluster.index + 1)</b>"
                    + (cluster.invariant ? " <span class=\"tag\">invariant</span>" : "")
                    + "<br/>" + esc("\(cluster.size) synerg\(cluster.size == 1 ? "y" : "ies") · "
                        + "\(cluster.subjects.count)/\(group.subjects.count) subjects (\(percent(cluster.subjectShare)))")
                lines.append("<figure class=\"centroid\"><figcaption>\(caption)</figcaption>"
                    + centroidChart(cluster.centroid, colour: colour(group.name, invariant: cluster.invariant),
                                    cssClass: "centroid-chart", label: "\(group.name) C\(cluster.index + 1)")
                    + "</figure>")
            }
            lines.append("</div>")
            lines.append("</div>")
        }
        lines.append("</section>")
    }

    /// Gap(k) with ±s error bars, the chosen k marked.
    private func gapChart(_ clusters: StudyReport.Clusters, group: String) -> String {
        let curve = clusters.gap
        let points = zip(curve.ks, zip(curve.gap, curve.standardError)).map { (k: $0, gap: $1.0, s: $1.1) }
            .filter { $0.gap.isFinite }
        var canvas = SVGCanvas()
        canvas.text("Gap statistic", x: 58, y: 14, size: 12, weight: "bold")
        guard let kLow = points.map(\.k).min(), let kHigh = points.map(\.k).max() else {
            canvas.text("no gap curve", x: 58, y: 40, size: 11, fill: SVGCanvas.muted, style: "italic")
            return canvas.svg(width: 200, height: 50, standalone: false, cssClass: "gap-chart")
        }
        let spread = points.map { $0.s.isFinite ? abs($0.s) : 0 }
        let low = zip(points, spread).map { $0.gap - $1 }.min() ?? 0, high = zip(points, spread).map { $0.gap + $1 }.max() ?? 1
        let (ticks, range) = SVGCanvas.niceTicks(low, high, count: 4)
        let plot = SVGCanvas.Plot(left: 58, top: 26, width: max(200, 16 * Double(kHigh - kLow + 1)), height: 120,
                                  xRange: Double(kLow) - 0.5...Double(kHigh) + 0.5, yRange: range)
        let every = kHigh - kLow + 1 > 12 ? 2 : 1
        canvas.axes(plot, xTicks: (kLow...kHigh).filter { ($0 - kLow) % every == 0 }.map { (Double($0), "\($0)") },
                    yTicks: ticks.map { ($0, SVGCanvas.tickLabel($0, ticks: ticks)) }, xTitle: "k (clusters)",
                    yTitle: "Gap(k)")
        let chosenX = plot.x(Double(clusters.k))
        if clusters.k >= kLow && clusters.k <= kHigh {
            canvas.line(x1: chosenX, y1: plot.top, x2: chosenX, y2: plot.bottom, stroke: SVGCanvas.red, dash: "4 3")
        }
        for (point, s) in zip(points, spread) where s > 0 {
            let x = plot.x(Double(point.k)), top = plot.y(point.gap + s), bottom = plot.y(point.gap - s)
            canvas.line(x1: x, y1: top, x2: x, y2: bottom, stroke: SVGCanvas.muted, cssClass: "error-bar")
            canvas.line(x1: x - 3, y1: top, x2: x + 3, y2: top, stroke: SVGCanvas.muted)
            canvas.line(x1: x - 3, y1: bottom, x2: x + 3, y2: bottom, stroke: SVGCanvas.muted)
        }
        canvas.polyline(points.map { (plot.x(Double($0.k)), plot.y($0.gap)) }, stroke: SVGCanvas.ink, width: 1.2)
        for point in points {
            let chosen = point.k == clusters.k
            canvas.circle(x: plot.x(Double(point.k)), y: plot.y(point.gap), radius: chosen ? 5 : 2.5,
                          fill: chosen ? SVGCanvas.red : SVGCanvas.ink, cssClass: chosen ? "chosen-k" : nil)
        }
        canvas.text("k = \(clusters.k)", x: chosenX + 6, y: plot.top + 10, size: 11, fill: SVGCanvas.red, weight: "bold")
        return canvas.svg(width: max(canvas.right, plot.left + plot.width) + 12, height: plot.bottom + 36,
                          standalone: false, cssClass: "gap-chart", label: "Gap statistic of \(group)")
    }

    /// A centroid's (or any weight vector's) bars over the study's muscles.
    private func centroidChart(_ weights: [Double], colour: String, cssClass: String, label: String) -> String {
        var canvas = SVGCanvas()
        let left = 30.0, top = 6.0, height = 60.0
        canvas.weightBars(weights, muscles: report.muscles, left: left, top: top, height: height, slot: slot,
                          colour: colour, barClass: "bar")
        return canvas.svg(width: canvas.right + 6, height: top + height + 4 + nameDepth, standalone: false,
                          cssClass: cssClass, label: label)
    }

    // MARK: Comparisons

    private mutating func comparisonSection() {
        lines.append("<section id=\"comparisons\">")
        lines.append("<h2>\(esc("Comparisons with " + report.referenceGroup))</h2>")
        guard !report.comparisons.isEmpty else {
            note("No comparisons with the reference group.")
            lines.append("</section>")
            return
        }
        let threshold = fixed(report.settings.groupAnalysis.threshold, 2)
        element("p", class: "caption", "Invariant clusters matched one-to-one at similarity ≥ \(threshold); "
            + "merging: a group centroid ≈ Σ m × reference centroids; fractionation: a reference centroid ≈ Σ m × "
            + "group centroids; subject level: every (group subject, reference subject) pair, instances labelled by "
            + "cluster and ranked by the share of the group's subjects showing them.")
        for comparison in report.comparisons { comparisonBlock(comparison) }
        lines.append("</section>")
    }

    private mutating func comparisonBlock(_ comparison: StudyReport.GroupComparison) {
        let group = comparison.group, reference = comparison.reference
        let mine = { (index: Int) in "\(group) C\(index + 1)" }
        let theirs = { (index: Int) in "\(reference) C\(index + 1)" }
        lines.append("<div class=\"comparison\" data-group=\"\(esc(group))\">")
        lines.append("<h3>\(esc("\(group) vs \(reference)"))</h3>")
        if group == reference { note("The reference group against itself.") }

        // Matched invariant clusters.
        if comparison.matches.isEmpty {
            note("No invariant clusters matched.")
        } else {
            lines.append("<table class=\"matches\"><thead><tr><th>Cluster</th><th>Reference cluster</th>"
                + "<th class=\"num\">Similarity</th></tr></thead><tbody>")
            for match in comparison.matches {
                lines.append("<tr><td>\(esc(mine(match.cluster)))</td><td>\(esc(theirs(match.referenceCluster)))</td>"
                    + "<td class=\"num\">\(fixed(match.similarity, 2))</td></tr>")
            }
            lines.append("</tbody></table>")
        }
        let list = { (indices: [Int], name: (Int) -> String) in
            indices.isEmpty ? "none" : indices.map(name).joined(separator: ", ")
        }
        let plain = { (index: Int) in "C\(index + 1)" }
        note("Unmatched invariant clusters of \(group): \(list(comparison.unmatched, plain)); "
             + "of \(reference): \(list(comparison.unmatchedReference, plain)).")
        let groupCentroids = groups[group]?.clusters?.clusters ?? []
        let referenceCentroids = groups[reference]?.clusters?.clusters ?? []
        let pairs = comparison.matches.compactMap { match -> (StudyReport.ClusterMatch, [Double], [Double])? in
            guard let a = referenceCentroids.first(where: { $0.index == match.referenceCluster }),
                  let b = groupCentroids.first(where: { $0.index == match.cluster }) else { return nil }
            return (match, a.centroid, b.centroid)
        }
        if !pairs.isEmpty {
            lines.append("<div class=\"charts\">")
            for (match, a, b) in pairs {
                let names = (theirs(match.referenceCluster), mine(match.cluster))
                lines.append("<figure class=\"match\">" + matchChart(match, reference: a, group: b, names: names)
                    + "</figure>")
            }
            lines.append("</div>")
        }

        // Centroid level.
        let combination = { (coefficients: [Double], sources: [Int], name: (Int) -> String) in
            zip(coefficients, sources).map { "\(SVGCanvas.fixed($0, 2)) × \(name($1))" }.joined(separator: " + ")
        }
        if !comparison.merging.isEmpty || !comparison.fractionation.isEmpty {
            lines.append("<table class=\"centroid-combinations\"><thead><tr><th>Centroid level</th><th>Explained</th>"
                + "<th>Combination</th><th class=\"num\">Similarity</th></tr></thead><tbody>")
            for merging in comparison.merging {
                lines.append("<tr><td>merging</td><td>\(esc(mine(merging.cluster)))</td>"
                    + "<td>\(esc("≈ " + combination(merging.coefficients, merging.referenceClusters, theirs)))</td>"
                    + "<td class=\"num\">\(fixed(merging.similarity, 2))</td></tr>")
            }
            for fraction in comparison.fractionation {
                lines.append("<tr><td>fractionation</td><td>\(esc(theirs(fraction.referenceCluster)))</td>"
                    + "<td>\(esc("≈ " + combination(fraction.coefficients, fraction.clusters, mine)))</td>"
                    + "<td class=\"num\">\(fixed(fraction.similarity, 2))</td></tr>")
            }
            lines.append("</tbody></table>")
        } else {
            note("No centroid merging or fractionation.")
        }

        // Subject level.
        let shown = 10
        let instances = comparison.subjectMerging.prefix(shown).map { ("merging", $0) }
            + comparison.subjectFractionation.prefix(shown).map { ("fractionation", $0) }
        if instances.isEmpty {
            note("No subject-level merging or fractionation.")
        } else {
            lines.append("<table class=\"instances\"><thead><tr><th>Subject level</th><th>Instance</th>"
                + "<th class=\"num\">Subjects</th><th class=\"num\">Share</th><th class=\"num\">Pairs</th></tr></thead><tbody>")
            for (kind, instance) in instances {
                let sources = kind == "merging" ? instance.referenceClusters.map(theirs) : instance.clusters.map(mine)
                let targets = kind == "merging" ? instance.clusters.map(mine) : instance.referenceClusters.map(theirs)
                let text = kind == "merging"
                    ? sources.joined(separator: " + ") + " → " + targets.joined(separator: ", ")
                    : targets.joined(separator: ", ") + " → " + sources.joined(separator: " + ")
                lines.append("<tr class=\"instance \(kind)\"><td>\(kind)</td><td>\(esc(text))</td>"
                    + "<td class=\"num\">\(instance.subjects.count)</td><td class=\"num\">\(percent(instance.share))</td>"
                    + "<td class=\"num\">\(instance.pairs)</td></tr>")
            }
            lines.append("</tbody></table>")
            let hidden = max(0, comparison.subjectMerging.count - shown) + max(0, comparison.subjectFractionation.count - shown)
            if hidden > 0 { note("\(hidden) less frequent instance\(plural(hidden)) not shown (all are in the JSON).") }
        }
        if !comparison.mergingIndex.isEmpty {
            note("Merging index by subject: " + comparison.mergingIndex
                    .map { "\($0.subject) \(fixed($0.value, 3))" }.joined(separator: " · "))
        }
        lines.append("</div>")
    }

    /// A matched pair's centroids side by side: the reference's (blue), the similarity, the group's (orange).
    private func matchChart(_ match: StudyReport.ClusterMatch, reference: [Double], group: [Double],
                            names: (String, String)) -> String {
        var canvas = SVGCanvas()
        let left = 30.0, top = 24.0, height = 60.0, centre = 74.0
        let chartWidth = slot * Double(report.muscles.count)
        canvas.text(names.0, x: left, y: 14, size: 12, fill: SVGCanvas.blue, weight: "bold")
        canvas.weightBars(reference, muscles: report.muscles, left: left, top: top, height: height, slot: slot,
                          colour: SVGCanvas.blue, barClass: "bar reference")
        let middle = left + chartWidth + centre / 2
        canvas.text(fixed(match.similarity, 2), x: middle, y: top + height / 2, size: 15, anchor: "middle",
                    weight: "bold", cssClass: "similarity")
        canvas.text("similarity", x: middle, y: top + height / 2 + 14, size: 9, anchor: "middle", fill: SVGCanvas.muted)
        let secondLeft = left + chartWidth + centre + left
        canvas.text(names.1, x: secondLeft, y: 14, size: 12, fill: SVGCanvas.orange, weight: "bold")
        canvas.weightBars(group, muscles: report.muscles, left: secondLeft, top: top, height: height, slot: slot,
                          colour: SVGCanvas.orange, barClass: "bar group")
        return canvas.svg(width: canvas.right + 6, height: top + height + 4 + nameDepth, standalone: false,
                          cssClass: "match-chart", label: "\(names.1) matched with \(names.0)")
    }

    // MARK: Timelines

    private mutating func timelineSection() {
        lines.append("<section id=\"timelines\">")
        lines.append("<h2>Athlete timelines</h2>")
        guard !report.timelines.isEmpty else {
            note("No subject was recorded more than once.")
            lines.append("</section>")
            return
        }
        element("p", class: "caption", "Each subject recorded more than once, session by session. Steps: "
            + "each session against the one before; synergies are numbered from 1 within each session "
            + "(earlier → later)."
            + (report.settings.bootstrap.map {
                " Support: the share of the \($0.resamples) pairs of resamples (resample b of each session, drawn "
                    + "independently) showing the same match, merging or fractionation."
            } ?? ""))
        for timeline in report.timelines {
            lines.append("<div class=\"timeline\" data-subject=\"\(esc(timeline.subject))\">")
            lines.append("<h3>\(esc("\(timeline.subject) (\(timeline.group))"))</h3>")
            let points = timeline.points
            let series: [(String, [Double?], ClosedRange<Double>?, Int)] = [
                ("Synergies", points.map { $0.count.map(Double.init) }, nil, 0),
                ("Sparseness φ", points.map(\.meanSparseness), nil, 3),
                ("Merging index vs \(report.referenceGroup)", points.map(\.mergingIndex), 0...1, 2),
                ("Similarity to first", points.map(\.similarityToFirst), 0...1, 2),
            ]
            lines.append("<div class=\"charts\">")
            for (title, values, range, digits) in series {
                lines.append(timelineChart(title, sessions: points.map(\.session), values: values, range: range,
                                           digits: digits))
            }
            lines.append("</div>")
            stepsTable(timeline.steps)
            lines.append("</div>")
        }
        lines.append("</section>")
    }

    private func timelineChart(_ title: String, sessions: [String], values: [Double?], range: ClosedRange<Double>?,
                               digits: Int) -> String {
        var canvas = SVGCanvas()
        let finite = values.compactMap { $0 }.filter(\.isFinite)
        let ticks: [Double], yRange: ClosedRange<Double>
        if let range {
            (ticks, yRange) = ([range.lowerBound, (range.lowerBound + range.upperBound) / 2, range.upperBound], range)
        } else {
            let low = finite.min() ?? 0, high = finite.max() ?? 1
            let pad = digits == 0 ? 1 : max((high - low) * 0.25, 0.02)
            (ticks, yRange) = SVGCanvas.niceTicks(low - pad, high + pad, count: 3)
        }
        let longest = sessions.map { SVGCanvas.textWidth($0, size: 9) }.max() ?? 0
        let plot = SVGCanvas.Plot(left: 46, top: 36, width: max(140, Double(sessions.count) * max(44, longest + 8)),
                                  height: 80, xRange: -0.5...Double(max(1, sessions.count)) - 0.5, yRange: yRange)
        canvas.text(title, x: 10, y: 14, size: 12, weight: "bold")
        canvas.axes(plot, xTicks: sessions.enumerated().map { (Double($0.offset), $0.element) },
                    yTicks: ticks.map { ($0, SVGCanvas.tickLabel($0, ticks: ticks)) }, xTitle: nil, yTitle: nil)
        let points = values.enumerated().map { index, value -> (x: Double, y: Double)? in
            guard let value, value.isFinite else { return nil }
            return (plot.x(Double(index)), plot.y(value))
        }
        canvas.polyline(points, stroke: SVGCanvas.blue, cssClass: "series")
        for (index, (point, value)) in zip(points, values).enumerated() {
            guard let point, let value else {
                canvas.text("none", x: plot.x(Double(index)), y: plot.bottom - 5, size: 9, anchor: "middle",
                            fill: SVGCanvas.muted, style: "italic")
                continue
            }
            canvas.circle(x: point.x, y: point.y, radius: 3, fill: SVGCanvas.blue)
            canvas.text(fixed(value, digits), x: point.x, y: point.y - 6, size: 9, anchor: "middle")
        }
        return canvas.svg(width: max(canvas.right, plot.left + plot.width) + 12, height: plot.bottom + 22,
                          standalone: false, cssClass: "timeline-chart", label: title)
    }

    private mutating func stepsTable(_ steps: [StudyReport.TimelineStep]) {
        guard !steps.isEmpty else { return }
        lines.append("<table class=\"steps\"><thead><tr><th>From → to</th><th>Matched (similarity)</th>"
            + "<th>Unmatched</th><th>Merging (later ≈ earlier)</th><th>Fractionation (earlier ≈ later)</th>"
            + "</tr></thead><tbody>")
        let numbers = { (indices: [Int]) in indices.map { "\($0 + 1)" }.joined(separator: ", ") }
        let combination = { (coefficients: [Double], sources: [Int]) in
            zip(coefficients, sources).map { "\(SVGCanvas.fixed($0, 2))×\($1 + 1)" }.joined(separator: " + ")
        }
        // With a bootstrap: each instance's support (share of paired resamples showing it).
        let support = { (value: Double?) in value.map { ", support \(SVGCanvas.fixed($0, 2))" } ?? "" }
        for step in steps {
            let matches = step.matches.map {
                "\($0.a + 1)→\($0.b + 1) \(fixed($0.similarity, 2))" + ($0.support.map { " (support \(fixed($0, 2)))" } ?? "")
            }
            var unmatched: [String] = []
            if !step.unmatchedFrom.isEmpty { unmatched.append("\(step.from): \(numbers(step.unmatchedFrom))") }
            if !step.unmatchedTo.isEmpty { unmatched.append("\(step.to): \(numbers(step.unmatchedTo))") }
            let merging = step.merging.map {
                "\($0.b + 1) ≈ \(combination($0.coefficients, $0.sourcesA)) (\(fixed($0.similarity, 2))\(support($0.support)))"
            }
            let fractions = step.fractionation.map {
                "\($0.a + 1) ≈ \(combination($0.coefficients, $0.fractionsB)) (\(fixed($0.similarity, 2))\(support($0.support)))"
            }
            let cell = { (items: [String]) in items.isEmpty ? "–" : items.map(SVGCanvas.escaped).joined(separator: "<br/>") }
            lines.append("<tr><td>\(esc("\(step.from) → \(step.to)"))</td><td>\(cell(matches))</td>"
                + "<td>\(cell(unmatched))</td><td>\(cell(merging))</td><td>\(cell(fractions))</td></tr>")
        }
        lines.append("</tbody></table>")
    }

    // MARK: Sessions

    private mutating func sessionSection() {
        lines.append("<section id=\"sessions\">")
        lines.append("<h2>Sessions</h2>")
        guard !report.sessions.isEmpty else {
            note("No sessions.")
            lines.append("</section>")
            return
        }
        if report.failed > 0 && report.failed == report.sessions.count {
            element("p", class: "error", "Every session failed; there is nothing to analyse.")
        }
        lines.append("<table class=\"sessions\"><thead><tr><th>Session id</th><th>Subject</th><th>Group</th>"
            + "<th>Session</th><th>Status</th><th class=\"num\">Synergies</th><th class=\"num\">R² at count</th>"
            + "<th class=\"num\">Mean φ</th><th class=\"num\">Merging index</th><th>Files</th></tr></thead><tbody>")
        for session in report.sessions {
            let failed = session.status != "ok"
            var row = "<tr class=\"session\(failed ? " failed" : "")\" data-session=\"\(esc(session.id))\">"
                + "<td title=\"\(esc(session.path))\">\(esc(session.id))</td><td>\(esc(session.subject))</td>"
                + "<td>\(esc(session.analysisGroup))</td><td>\(esc(session.session))</td>"
                + "<td class=\"status\">\(esc(session.status))</td>"
            if failed {
                row += "<td class=\"error\" colspan=\"4\">\(esc(session.path + ": " + (session.error ?? "failed")))</td>"
            } else {
                let count = (session.count.map(String.init) ?? session.rank.map { "none (rank \($0))" } ?? "–")
                    + (session.countInterval.map { " (95 % \(ReportTables.countInterval($0)))" } ?? "")
                row += "<td class=\"num\">\(esc(count))</td>"
                    + "<td class=\"num\">\(esc(session.r2AtCount.map { fixed($0, 3) } ?? "–"))</td>"
                    + "<td class=\"num\">\(esc(session.meanSparseness.map { fixed($0, 3) } ?? "–"))</td>"
                    + "<td class=\"num\">\(esc(session.mergingIndex.map { fixed($0, 3) } ?? "–"))</td>"
            }
            var links: [String] = []
            if let result = session.result { links.append("<a class=\"json\" href=\"\(href(result))\">JSON</a>") }
            if let figure = figures[session.id] { links.append("<a class=\"figure\" href=\"\(href(figure))\">figure</a>") }
            lines.append(row + "<td class=\"files\">\(links.joined(separator: " "))</td></tr>")
        }
        lines.append("</tbody></table>")
        lines.append("</section>")
    }

    // MARK: Text

    private mutating func note(_ text: String) { element("p", class: "note", text) }

    /// `<name class="…">text</name>` on a line of its own, the text escaped.
    private mutating func element(_ name: String, class cssClass: String? = nil, _ text: String) {
        lines.append("<\(name)" + (cssClass.map { " class=\"\($0)\"" } ?? "") + ">\(esc(text))</\(name)>")
    }

    private func esc(_ text: String) -> String { SVGCanvas.escaped(text) }
    private func fixed(_ value: Double, _ digits: Int) -> String { SVGCanvas.fixed(value, digits) }
    private func plural(_ n: Int) -> String { n == 1 ? "" : "s" }
    private func percent(_ share: Double) -> String { "\(fixed(share * 100, 0)) %" }

    /// A relative link as an attribute value: characters a URL path cannot hold
    /// are percent-encoded, and a path that would read as a URL scheme ("x:…") is
    /// anchored at "./" so that it stays a relative file link.
    private func href(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "%;")
        var encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        if let colon = encoded.firstIndex(of: ":"), !encoded[..<colon].contains("/") { encoded = "./" + encoded }
        return esc(encoded)
    }

    /// "mean ± SD", or "–" with no values.
    private func meanSD(_ value: StudyReport.MeanSD, _ digits: Int) -> String {
        value.n == 0 ? "–" : "\(fixed(value.mean, digits)) ± \(fixed(value.sd, digits))"
    }

    /// "5:2 6:5 7:7": synergies:sessions, ascending.
    private func distribution(_ bins: [StudyReport.CountBin]) -> String {
        bins.filter { $0.sessions > 0 }.sorted { $0.count < $1.count }.map { "\($0.count):\($0.sessions)" }
            .joined(separator: " ")
    }

    /// Three decimals from 0.01, four from 0.001, then scientific.
    private func pValue(_ p: Double) -> String {
        guard p.isFinite else { return "–" }
        if p >= 0.01 { return fixed(p, 3) }
        if p >= 0.001 { return fixed(p, 4) }
        return String(format: "%.1e", p)
    }

    private func metricName(_ metric: String) -> String {
        switch metric {
        case "count": "number of synergies"
        case "sparseness": "sparseness φ"
        case "merging_index": "merging index"
        default: metric
        }
    }

    private func algorithmName(_ rule: UpdateRule) -> String {
        switch rule {
        case .multiplicative: "multiplicative updates (Lee & Seung)"
        case .hals: "HALS (Cichocki & Phan)"
        }
    }

    private func maxRankRule(_ rule: MaxRankRule) -> String {
        switch rule {
        case .allMuscles: "1 … number of muscles"
        case .musclesLessAQuarter: "1 … muscles − round(muscles / 4)"
        }
    }

    private func criterionText(_ criterion: RankCriterion) -> String {
        switch criterion.kind {
        case .r2: "smallest rank with R² ≥ \(fixed(criterion.threshold, 2))"
        case .vaf:
            "smallest rank with VAF ≥ \(fixed(criterion.threshold, 2))"
                + (criterion.perMuscleThreshold.map { ", every muscle ≥ \(fixed($0, 2))" } ?? "")
        case .linearity: "curve linearity (line-fit MSE ≤ \(String(format: "%g", criterion.threshold)))"
        }
    }

    /// The reference group's colour is blue, every other group's orange; pale when not invariant.
    private func colour(_ group: String, invariant: Bool = true) -> String {
        group == report.referenceGroup ? (invariant ? SVGCanvas.blue : SVGCanvas.paleBlue)
            : (invariant ? SVGCanvas.orange : SVGCanvas.paleOrange)
    }

    private static let css = """
    body { font-family: Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif; color: #222222; \
    font-size: 14px; line-height: 1.4; max-width: 1180px; margin: 24px auto; padding: 0 20px; background: #ffffff; }
    h1 { font-size: 24px; margin: 0 0 4px 0; }
    h2 { font-size: 19px; margin: 36px 0 8px 0; padding-bottom: 4px; border-bottom: 1px solid #bbbbbb; }
    h3 { font-size: 15px; margin: 22px 0 6px 0; }
    nav { margin: 6px 0 14px 0; font-size: 13px; }
    a { color: #1f6fb4; }
    .lede { margin: 0; color: #555555; }
    .settings { display: flex; flex-wrap: wrap; gap: 0 32px; align-items: flex-start; }
    table { border-collapse: collapse; margin: 8px 0 12px 0; font-size: 13px; }
    caption { text-align: left; font-weight: bold; padding: 0 0 4px 0; }
    th, td { padding: 3px 10px; border-bottom: 1px solid #dddddd; text-align: left; vertical-align: top; }
    thead th { background: #f2f2f2; border-bottom: 1px solid #bbbbbb; }
    table.kv th { font-weight: normal; color: #777777; padding-left: 0; }
    table.kv td { max-width: 520px; overflow-wrap: anywhere; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    tr.reference td { background: #f4f8fc; }
    .group-table td, .group-table th { padding: 4px 14px; }
    .caption, .note { color: #666666; font-size: 13px; margin: 4px 0 8px 0; }
    .error, tr.failed td.status { color: #b03030; }
    td.error { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 640px; }
    .tag { display: inline-block; padding: 0 6px; border-radius: 8px; background: #e8f0f8; color: #1f6fb4; \
    font-size: 11px; font-weight: normal; }
    .charts { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: flex-start; margin: 6px 0 10px 0; }
    figure { margin: 0; }
    figcaption { font-size: 12px; color: #555555; line-height: 1.3; }
    figure.centroid { width: min-content; }
    figure.centroid figcaption { white-space: nowrap; }
    .cluster-group, .comparison, .timeline { margin-bottom: 18px; }
    code { font-size: 12px; white-space: nowrap; }
    figure.match { border: 1px solid #dddddd; border-radius: 4px; padding: 4px 6px 0 0; }
    footer { margin: 36px 0 12px 0; padding-top: 8px; border-top: 1px solid #dddddd; color: #777777; font-size: 12px; }
    """
}
