import Foundation

/// The SVG figure of `synergy compare`, laid out as Cheung et al. (2020, Figs. 3–5)
/// show two synergy sets: the pairs of the optimal assignment side by side with
/// their similarity, the synergies left out of it, then merging (B ≈ Σ m·A) and
/// fractionation (A ≈ Σ m·B). A pure renderer: values in, SVG text out.
///
/// Synergies are named 1-based (A1, B1, …) in the figure; a footnote says so,
/// since the JSON output counts from 0. Same input, same bytes.
public struct ComparisonFigure: Sendable {
    /// One synergy set as the figure shows it.
    public struct Side: Sendable {
        /// Shown in the header, e.g. "A (earlier): novice.csv".
        public var title: String
        /// Per synergy, one unit-norm weight per muscle (in `muscles` order).
        public var weights: [[Double]]
        /// Per synergy, its activation averaged over gait cycles (any number of
        /// points spanning 0–100 % of the cycle); nil when no events were given.
        public var profiles: [[Double]]?
        /// R² at the reported rank, if known.
        public var r2: Double?
        /// Hoyer sparseness per synergy.
        public var sparseness: [Double]
        /// The count by the protocol's criterion (nil: no rank met it); shown only beside a `countInterval`.
        public var count: Int?
        /// With a bootstrap of the count: its [2.5 %, 97.5 %] percentiles (a nil bound: no rank met the
        /// criterion), as `BootstrapSummary.countInterval`; shown in the header as "count 5 (95 % 5–6)".
        public var countInterval: [Int?]?

        /// A side from its title, weights and sparseness; the rest optional.
        public init(title: String, weights: [[Double]], profiles: [[Double]]? = nil, r2: Double? = nil,
                    sparseness: [Double], count: Int? = nil, countInterval: [Int?]? = nil) {
            self.title = title
            self.weights = weights
            self.profiles = profiles
            self.r2 = r2
            self.sparseness = sparseness
            self.count = count
            self.countInterval = countInterval
        }
    }

    /// With a bootstrap: the share of paired resamples showing each instance of `comparison`, in the
    /// order of its `matches`, `merging` and `fractionation` (nil: not known for that one). The report
    /// is the source of truth: `init?(_:)` reads them from it.
    public struct Support: Sendable, Equatable {
        /// Resamples per session (resample i of A is paired with resample i of B).
        public var resamples: Int
        /// Support of each of the comparison's matches, 0–1.
        public var matches: [Double?]
        /// Support of each of the comparison's mergings, 0–1.
        public var merging: [Double?]
        /// Support of each of the comparison's fractionations, 0–1.
        public var fractionation: [Double?]

        /// Supports from their parts, each list in the comparison's order.
        public init(resamples: Int, matches: [Double?], merging: [Double?], fractionation: [Double?]) {
            self.resamples = resamples
            self.matches = matches
            self.merging = merging
            self.fractionation = fractionation
        }

        /// The supports `report` carries; nil without a bootstrap. The report's `matches`, `merging` and
        /// `fractionation` are its comparison's, in the same order.
        public init?(_ report: ComparisonReport) {
            guard let resamples = report.a.bootstrap?.resamples ?? report.b.bootstrap?.resamples else { return nil }
            self.init(resamples: resamples, matches: report.matches.map(\.support), merging: report.merging.map(\.support),
                      fractionation: report.fractionation.map(\.support))
        }
    }

    /// The muscles compared, in the order of every weight vector.
    public var muscles: [String]
    /// Side A, the earlier session.
    public var a: Side
    /// Side B, the later session.
    public var b: Side
    /// The comparison drawn; its rules say which pairs are matched.
    public var comparison: SynergyComparison
    /// With a bootstrap: each match's, merging's and fractionation's support, drawn beside its similarity.
    public var support: Support?

    /// A figure of `comparison` between `a` and `b`, with `support` when there is a bootstrap.
    public init(muscles: [String], a: Side, b: Side, comparison: SynergyComparison, support: Support? = nil) {
        self.muscles = muscles
        self.a = a
        self.b = b
        self.comparison = comparison
        self.support = support
    }

    /// Pixels of a unit weight in the charts of the assignment and left-out rows.
    public static let weightAxisHeight = 80.0
    /// Pixels of a unit weight in the charts of the merging and fractionation sections.
    public static let combinationWeightAxisHeight = 48.0

    /// The figure as a standalone SVG document.
    public func svg() -> String {
        for side in [a, b] {
            precondition(!side.weights.isEmpty && side.weights.allSatisfy { $0.count == muscles.count },
                         "ComparisonFigure: every weight vector needs one weight per muscle")
            precondition(side.sparseness.count == side.weights.count,
                         "ComparisonFigure: one sparseness per synergy")
            precondition(side.profiles.map { $0.count == side.weights.count } ?? true,
                         "ComparisonFigure: one profile per synergy")
            precondition(side.countInterval.map { $0.count == 2 } ?? true, "ComparisonFigure: a count interval has two bounds")
        }
        if let support {
            precondition(support.matches.count == comparison.matches.count && support.merging.count == comparison.merging.count
                         && support.fractionation.count == comparison.fractionation.count,
                         "ComparisonFigure: one support per match, merging and fractionation")
        }
        var renderer = ComparisonFigureRenderer(figure: self)
        return renderer.document()
    }
}

private typealias SVG = SVGCanvas

/// Which set a synergy belongs to; gives its name prefix and colour.
private enum SetKey {
    case a, b

    var letter: String { self == .a ? "A" : "B" }
    var cssClass: String { self == .a ? "a" : "b" }
    var colour: String { self == .a ? SVG.blue : SVG.orange }
}

/// Draws a `ComparisonFigure` top to bottom, tracking the extent it uses.
private struct ComparisonFigureRenderer {
    let figure: ComparisonFigure
    private var canvas = SVGCanvas()
    private var cursor = 0.0

    // Geometry shared by every chart.
    private let margin = 24.0
    private let slot: Double
    private let axisGutter = 30.0
    private let chartWidth: Double
    private let nameDepth: Double
    private let profileGap = 20.0
    private let profileGutter = 28.0
    private let profilePlotWidth = 112.0
    private let centreWidth = 120.0
    private let operatorGap = 34.0
    private let titleHeight = 20.0
    private let rowGap = 12.0

    init(figure: ComparisonFigure) {
        self.figure = figure
        slot = max(14, (150 / Double(figure.muscles.count)).rounded(.up))
        chartWidth = axisGutter + slot * Double(figure.muscles.count)
        let longestName = figure.muscles.map { SVG.textWidth($0, size: 10) }.max() ?? 0
        nameDepth = max(longestName + 8, 34)
    }

    mutating func document() -> String {
        header()
        assignmentSection()
        leftOutSection()
        combinationSection(title: "Merging (B ≈ Σ m·A)", entries: figure.comparison.merging,
                           supports: figure.support?.merging, target: .b)
        combinationSection(title: "Fractionation (A ≈ Σ m·B)", entries: figure.comparison.fractionation,
                           supports: figure.support?.fractionation, target: .a)
        footnote()
        return canvas.svg(width: (canvas.right + margin).rounded(.up), height: (cursor + margin).rounded(.up),
                          standalone: true)
    }

    // MARK: Sections

    private mutating func header() {
        cursor = margin
        canvas.text("Synergy comparison", x: margin, y: cursor + 16, size: 18, weight: "bold")
        cursor += 30
        for (key, side) in [(SetKey.a, figure.a), (SetKey.b, figure.b)] {
            canvas.rect(x: margin, y: cursor + 3, width: 12, height: 12, fill: key.colour)
            var details = "\(side.weights.count) synerg\(side.weights.count == 1 ? "y" : "ies")"
            if let r2 = side.r2 { details += "  ·  R² \(SVG.fixed(r2, 3))" }
            if let interval = side.countInterval {
                details += "  ·  count \(side.count.map(String.init) ?? "none") (95 % \(ReportTables.countInterval(interval)))"
            }
            canvas.richText([(side.title, "fill=\"\(key.colour)\" font-weight=\"bold\""), ("   " + details, nil)],
                     x: margin + 18, y: cursor + 13, size: 13, width: SVG.textWidth(side.title + "   " + details, size: 13))
            cursor += 20
        }
        let matched = figure.comparison.matches.count, pairs = figure.comparison.assignment.count
        let summary = "Optimal assignment: \(matched) of \(pairs) pair\(pairs == 1 ? "" : "s") at similarity ≥ "
            + "\(SVG.fixed(figure.comparison.rules.similarityThreshold, 2))  ·  merging index of B \(SVG.fixed(figure.comparison.mergingIndexB, 2))"
            + "  ·  fractionation index of A \(SVG.fixed(figure.comparison.fractionationIndexA, 2))"
        canvas.text(summary, x: margin, y: cursor + 14, size: 12, fill: SVG.muted)
        cursor += 24
    }

    private var aColumn: Double { margin }
    private var centreColumn: Double { aColumn + blockWidth(figure.a) }
    private var bColumn: Double { centreColumn + centreWidth }

    private func blockWidth(_ side: ComparisonFigure.Side) -> Double {
        chartWidth + (side.profiles == nil ? 0 : profileGap + profileGutter + profilePlotWidth)
    }

    /// One row per pair of the optimal assignment: A's synergy, the similarity, B's.
    private mutating func assignmentSection() {
        sectionTitle("Optimal assignment (pairs below \(SVG.fixed(figure.comparison.rules.similarityThreshold, 2)) are unmatched)")
        for pair in figure.comparison.assignment {
            let top = cursor
            synergyBlock(.a, pair.a, x: aColumn, y: top)
            synergyBlock(.b, pair.b, x: bColumn, y: top)
            similarityConnector(pair.similarity, support: support(of: pair),
                                y: top + titleHeight + ComparisonFigure.weightAxisHeight / 2)
            cursor = top + rowHeight(ComparisonFigure.weightAxisHeight) + rowGap
        }
    }

    /// The support of an assignment pair that is a match, if known.
    private func support(of pair: SynergyComparison.Match) -> Double? {
        guard let supports = figure.support,
              let index = figure.comparison.matches.firstIndex(where: { $0.a == pair.a && $0.b == pair.b }) else { return nil }
        return supports.matches[index]
    }

    /// The synergies of the larger set that the one-to-one assignment could not pair.
    private mutating func leftOutSection() {
        let assignedA = Set(figure.comparison.assignment.map(\.a)), assignedB = Set(figure.comparison.assignment.map(\.b))
        let leftOutA = figure.a.weights.indices.filter { !assignedA.contains($0) }
        let leftOutB = figure.b.weights.indices.filter { !assignedB.contains($0) }
        guard !leftOutA.isEmpty || !leftOutB.isEmpty else { return }
        sectionTitle("Not in the assignment (\(figure.a.weights.count) synergies in A, \(figure.b.weights.count) in B)")
        for (key, index) in leftOutA.map({ (SetKey.a, $0) }) + leftOutB.map({ (SetKey.b, $0) }) {
            synergyBlock(key, index, x: key == .a ? aColumn : bColumn, y: cursor)
            cursor += rowHeight(ComparisonFigure.weightAxisHeight) + rowGap
        }
    }

    /// Each entry as its sources' charts with coefficients, summed into the target's chart.
    private mutating func combinationSection(title: String, entries: [SynergyComparison.Combination], supports: [Double?]?,
                                             target: SetKey) {
        sectionTitle(title)
        let source: SetKey = target == .a ? .b : .a
        guard !entries.isEmpty else {
            canvas.text("none found", x: margin, y: cursor + 12, size: 12, fill: SVG.muted, style: "italic")
            cursor += 28
            return
        }
        let height = ComparisonFigure.combinationWeightAxisHeight
        let itemWidth = chartWidth + operatorGap
        let rowWidth = max(bColumn + blockWidth(figure.b), margin + operatorGap + 3 * itemWidth)
        let perLine = max(1, Int((rowWidth - margin - operatorGap) / itemWidth))
        for (number, entry) in entries.enumerated() {
            let terms = zip(entry.coefficients, entry.sources).map { "\(SVG.fixed($0, 2)) × \(source.letter)\($1 + 1)" }
            let caption = terms.joined(separator: " + ")
                + " → \(target.letter)\(entry.target + 1), similarity \(SVG.fixed(entry.similarity, 2))"
                + (supports?[number].map { ", support \(SVG.fixed($0, 2))" } ?? "")
            canvas.text(caption, x: margin, y: cursor + 12, size: 12, weight: "bold")
            cursor += 20
            let items: [(key: SetKey, index: Int, coefficient: Double?)] =
                zip(entry.sources, entry.coefficients).map { (source, $0, $1) } + [(target, entry.target, nil)]
            for (position, item) in items.enumerated() {
                let column = position % perLine
                if position > 0 && column == 0 { cursor += rowHeight(height) + 8 }
                let x = margin + operatorGap + Double(column) * itemWidth
                if position > 0 {
                    let symbol = item.key == target ? "→" : "+"
                    canvas.text(symbol, x: x - operatorGap / 2, y: cursor + titleHeight + height / 2 + 6, size: 18,
                         anchor: "middle", fill: SVG.muted)
                }
                let label = item.coefficient.map { "\(SVG.fixed($0, 2)) × " } ?? ""
                weightChart(item.key, item.index, x: x, y: cursor, height: height, prefix: label)
            }
            cursor += rowHeight(height) + rowGap
        }
    }

    private mutating func footnote() {
        let lines = [
            "Synergies are numbered from 1 (A1 is synergy 0 of A in the JSON output). Bars: unit-norm muscle weights "
                + "(axis 0–1); φ: Hoyer sparseness.",
            "Similarity: scalar product of unit weight vectors; a pair of the optimal assignment below "
                + "\(SVG.fixed(figure.comparison.rules.similarityThreshold, 2)) is unmatched.",
            "Merging/fractionation: non-negative least-squares combination of the other set's synergies "
                + "(coefficient × synergy).",
            "Profiles: activation averaged over gait cycles, each scaled to its own maximum.",
        ] + (figure.support.map { support in
            ["Bootstrap, \(support.resamples) resamples a session: count by the criterion with its 95 % percentile interval.",
             "Support: share of paired resamples (A's i-th with B's i-th) showing the same match, merging or fractionation."]
        } ?? [])
        cursor += 4
        canvas.line(x1: margin, y1: cursor, x2: margin + 200, y2: cursor, stroke: SVG.grid)
        cursor += 6
        for sentence in lines {
            canvas.text(sentence, x: margin, y: cursor + 12, size: 11, fill: SVG.muted)
            cursor += 16
        }
    }

    // MARK: Charts

    private func rowHeight(_ barHeight: Double) -> Double { titleHeight + barHeight + 4 + nameDepth }

    /// A section's title under a rule across the assignment rows.
    private mutating func sectionTitle(_ title: String) {
        cursor += 8
        canvas.line(x1: margin, y1: cursor, x2: bColumn + blockWidth(figure.b), y2: cursor, stroke: "#bbbbbb")
        canvas.text(title, x: margin, y: cursor + 22, size: 15, weight: "bold")
        cursor += 38
    }

    /// A synergy's weight chart, followed by its activation profile when the side has profiles.
    private mutating func synergyBlock(_ key: SetKey, _ index: Int, x: Double, y: Double) {
        let side = key == .a ? figure.a : figure.b
        weightChart(key, index, x: x, y: y, height: ComparisonFigure.weightAxisHeight,
                    subtitle: "φ \(SVG.fixed(side.sparseness[index], 2))")
        if let profiles = side.profiles {
            profilePlot(key, profiles[index], x: x + chartWidth + profileGap + profileGutter, y: y + titleHeight,
                        height: ComparisonFigure.weightAxisHeight)
        }
    }

    /// Bars of one synergy's weights on a 0–1 axis, muscle names under the bars.
    private mutating func weightChart(_ key: SetKey, _ index: Int, x: Double, y: Double, height: Double,
                                      prefix: String = "", subtitle: String? = nil) {
        let weights = (key == .a ? figure.a : figure.b).weights[index]
        let name = "\(key.letter)\(index + 1)"
        var title: [(String, String?)] = [(prefix + name, "fill=\"\(key.colour)\" font-weight=\"bold\"")]
        if let subtitle { title.append(("   " + subtitle, "fill=\"\(SVG.muted)\" font-size=\"11\"")) }
        let left = x + axisGutter, top = y + titleHeight
        canvas.body.append("<g class=\"weights \(key.cssClass)\" data-synergy=\"\(name)\">")
        canvas.richText(title, x: left, y: y + 13, size: 13, width: SVG.textWidth(title.map(\.0).joined(), size: 13))
        canvas.weightBars(weights, muscles: figure.muscles, left: left, top: top, height: height, slot: slot,
                          colour: key.colour, barClass: "bar \(key.cssClass)")
        canvas.body.append("</g>")
        canvas.right = max(canvas.right, left + slot * Double(weights.count),
                           left + SVG.textWidth(title.map(\.0).joined(), size: 13))
    }

    /// A profile over 0–100 % of the cycle, scaled to its own maximum.
    private mutating func profilePlot(_ key: SetKey, _ profile: [Double], x: Double, y: Double, height: Double) {
        let width = profilePlotWidth, bottom = y + height
        let peak = profile.filter(\.isFinite).max() ?? 0
        canvas.line(x1: x, y1: y, x2: x, y2: bottom, stroke: SVG.muted)
        canvas.line(x1: x, y1: bottom, x2: x + width, y2: bottom, stroke: SVG.muted)
        canvas.text("max", x: x - 4, y: y + 3.5, size: 9, anchor: "end", fill: SVG.muted)
        canvas.text("0", x: x - 4, y: bottom + 3.5, size: 9, anchor: "end", fill: SVG.muted)
        for tick in [0.0, 50.0, 100.0] {
            let tickX = x + tick / 100 * width
            canvas.line(x1: tickX, y1: bottom, x2: tickX, y2: bottom + 3, stroke: SVG.muted)
            canvas.text(SVG.fixed(tick, 0), x: tickX, y: bottom + 13, size: 9, anchor: "middle", fill: SVG.muted)
        }
        canvas.text("% of gait cycle", x: x + width / 2, y: bottom + 25, size: 9, anchor: "middle", fill: SVG.muted)
        guard !profile.isEmpty else { return }
        let points = profile.count == 1 ? [profile[0], profile[0]] : profile
        let commands = points.enumerated().map { i, value in
            let level = peak > 0 && value.isFinite ? max(0, value) / peak : 0
            let px = x + Double(i) / Double(points.count - 1) * width, py = bottom - level * height
            return "\(i == 0 ? "M" : "L")\(SVG.fixed(px, 2)),\(SVG.fixed(py, 2))"
        }
        canvas.body.append("<path class=\"profile \(key.cssClass)\" d=\"\(commands.joined(separator: " "))\" fill=\"none\" "
                    + "stroke=\"\(key.colour)\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>")
        canvas.right = max(canvas.right, x + width)
    }

    /// The similarity of an assignment pair, between its two charts.
    private mutating func similarityConnector(_ similarity: Double, support: Double?, y: Double) {
        let matched = figure.comparison.rules.matches(similarity)
        let left = centreColumn + 12, rightEnd = centreColumn + centreWidth - 12, middle = (left + rightEnd) / 2
        canvas.body.append("<line x1=\"\(SVG.fixed(left, 2))\" y1=\"\(SVG.fixed(y, 2))\" x2=\"\(SVG.fixed(rightEnd, 2))\" "
                    + "y2=\"\(SVG.fixed(y, 2))\" stroke=\"\(matched ? SVG.ink : "#bbbbbb")\" stroke-width=\"1\""
                    + (matched ? "" : " stroke-dasharray=\"4 3\"") + "/>")
        canvas.body.append("<text class=\"similarity \(matched ? "matched" : "unmatched")\" x=\"\(SVG.fixed(middle, 2))\" "
                    + "y=\"\(SVG.fixed(y - 7, 2))\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\" "
                    + "fill=\"\(matched ? SVG.ink : "#999999")\">\(SVG.fixed(similarity, 2))</text>")
        canvas.text(matched ? "similarity" : "unmatched", x: middle, y: y + 16, size: 10, anchor: "middle",
             fill: matched ? SVG.muted : "#b03030", style: matched ? nil : "italic")
        if let support {
            canvas.text("support \(SVG.fixed(support, 2))", x: middle, y: y + 30, size: 10, anchor: "middle", fill: SVG.muted,
                        cssClass: "support")
        }
    }
}
