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

        public init(title: String, weights: [[Double]], profiles: [[Double]]? = nil, r2: Double? = nil,
                    sparseness: [Double]) {
            self.title = title
            self.weights = weights
            self.profiles = profiles
            self.r2 = r2
            self.sparseness = sparseness
        }
    }

    public var muscles: [String]
    public var a: Side
    public var b: Side
    public var comparison: SynergyComparison
    /// The similarity at or above which a pair counts as matched.
    public var threshold: Double

    public init(muscles: [String], a: Side, b: Side, comparison: SynergyComparison, threshold: Double) {
        self.muscles = muscles
        self.a = a
        self.b = b
        self.comparison = comparison
        self.threshold = threshold
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
        }
        var renderer = ComparisonFigureRenderer(figure: self)
        return renderer.document()
    }
}

/// Which set a synergy belongs to; gives its name prefix and colour.
private enum SetKey {
    case a, b

    var letter: String { self == .a ? "A" : "B" }
    var cssClass: String { self == .a ? "a" : "b" }
    var colour: String { self == .a ? "#1f6fb4" : "#d4600f" }
}

/// Draws a `ComparisonFigure` top to bottom, tracking the extent it uses.
private struct ComparisonFigureRenderer {
    let figure: ComparisonFigure
    private var body: [String] = []
    private var cursor = 0.0
    private var right = 0.0

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

    private static let fontFamily = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
    private static let ink = "#222222", muted = "#777777", grid = "#dddddd"

    init(figure: ComparisonFigure) {
        self.figure = figure
        slot = max(14, (150 / Double(figure.muscles.count)).rounded(.up))
        chartWidth = axisGutter + slot * Double(figure.muscles.count)
        let longestName = figure.muscles.map { Self.textWidth($0, size: 10) }.max() ?? 0
        nameDepth = max(longestName + 8, 34)
    }

    mutating func document() -> String {
        header()
        assignmentSection()
        leftOutSection()
        combinationSection(title: "Merging (B ≈ Σ m·A)", entries: figure.comparison.merging, target: .b)
        combinationSection(title: "Fractionation (A ≈ Σ m·B)", entries: figure.comparison.fractionation, target: .a)
        footnote()
        let width = Self.fixed((right + margin).rounded(.up), 0), height = Self.fixed((cursor + margin).rounded(.up), 0)
        let open = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"\(Self.fontFamily)\" font-size=\"11\" fill=\"\(Self.ink)\">"
        let background = "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>"
        return (["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", open, background] + body + ["</svg>", ""])
            .joined(separator: "\n")
    }

    // MARK: Sections

    private mutating func header() {
        cursor = margin
        text("Synergy comparison", x: margin, y: cursor + 16, size: 18, weight: "bold")
        cursor += 30
        for (key, side) in [(SetKey.a, figure.a), (SetKey.b, figure.b)] {
            rect(x: margin, y: cursor + 3, width: 12, height: 12, fill: key.colour)
            var details = "\(side.weights.count) synerg\(side.weights.count == 1 ? "y" : "ies")"
            if let r2 = side.r2 { details += "  ·  R² \(Self.fixed(r2, 3))" }
            richText([(side.title, "fill=\"\(key.colour)\" font-weight=\"bold\""), ("   " + details, nil)],
                     x: margin + 18, y: cursor + 13, size: 13, width: Self.textWidth(side.title + "   " + details, size: 13))
            cursor += 20
        }
        let matched = figure.comparison.matches.count, pairs = figure.comparison.assignment.count
        let summary = "Optimal assignment: \(matched) of \(pairs) pair\(pairs == 1 ? "" : "s") at similarity ≥ "
            + "\(Self.fixed(figure.threshold, 2))  ·  merging index of B \(Self.fixed(figure.comparison.mergingIndexB, 2))"
            + "  ·  fractionation index of A \(Self.fixed(figure.comparison.fractionationIndexA, 2))"
        text(summary, x: margin, y: cursor + 14, size: 12, fill: Self.muted)
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
        sectionTitle("Optimal assignment (pairs below \(Self.fixed(figure.threshold, 2)) are unmatched)")
        for pair in figure.comparison.assignment {
            let top = cursor
            synergyBlock(.a, pair.a, x: aColumn, y: top)
            synergyBlock(.b, pair.b, x: bColumn, y: top)
            similarityConnector(pair.similarity, y: top + titleHeight + ComparisonFigure.weightAxisHeight / 2)
            cursor = top + rowHeight(ComparisonFigure.weightAxisHeight) + rowGap
        }
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
    private mutating func combinationSection(title: String, entries: [SynergyComparison.Combination], target: SetKey) {
        sectionTitle(title)
        let source: SetKey = target == .a ? .b : .a
        guard !entries.isEmpty else {
            text("none found", x: margin, y: cursor + 12, size: 12, fill: Self.muted, style: "italic")
            cursor += 28
            return
        }
        let height = ComparisonFigure.combinationWeightAxisHeight
        let itemWidth = chartWidth + operatorGap
        let rowWidth = max(bColumn + blockWidth(figure.b), margin + operatorGap + 3 * itemWidth)
        let perLine = max(1, Int((rowWidth - margin - operatorGap) / itemWidth))
        for entry in entries {
            let terms = zip(entry.coefficients, entry.sources).map { "\(Self.fixed($0, 2)) × \(source.letter)\($1 + 1)" }
            let caption = terms.joined(separator: " + ")
                + " → \(target.letter)\(entry.target + 1), similarity \(Self.fixed(entry.similarity, 2))"
            text(caption, x: margin, y: cursor + 12, size: 12, weight: "bold")
            cursor += 20
            let items: [(key: SetKey, index: Int, coefficient: Double?)] =
                zip(entry.sources, entry.coefficients).map { (source, $0, $1) } + [(target, entry.target, nil)]
            for (position, item) in items.enumerated() {
                let column = position % perLine
                if position > 0 && column == 0 { cursor += rowHeight(height) + 8 }
                let x = margin + operatorGap + Double(column) * itemWidth
                if position > 0 {
                    let symbol = item.key == target ? "→" : "+"
                    text(symbol, x: x - operatorGap / 2, y: cursor + titleHeight + height / 2 + 6, size: 18,
                         anchor: "middle", fill: Self.muted)
                }
                let label = item.coefficient.map { "\(Self.fixed($0, 2)) × " } ?? ""
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
                + "\(Self.fixed(figure.threshold, 2)) is unmatched.",
            "Merging/fractionation: non-negative least-squares combination of the other set's synergies "
                + "(coefficient × synergy).",
            "Profiles: activation averaged over gait cycles, each scaled to its own maximum.",
        ]
        cursor += 4
        line(x1: margin, y1: cursor, x2: margin + 200, y2: cursor, stroke: Self.grid)
        cursor += 6
        for sentence in lines {
            text(sentence, x: margin, y: cursor + 12, size: 11, fill: Self.muted)
            cursor += 16
        }
    }

    // MARK: Charts

    private func rowHeight(_ barHeight: Double) -> Double { titleHeight + barHeight + 4 + nameDepth }

    /// A section's title under a rule across the assignment rows.
    private mutating func sectionTitle(_ title: String) {
        cursor += 8
        line(x1: margin, y1: cursor, x2: bColumn + blockWidth(figure.b), y2: cursor, stroke: "#bbbbbb")
        text(title, x: margin, y: cursor + 22, size: 15, weight: "bold")
        cursor += 38
    }

    /// A synergy's weight chart, followed by its activation profile when the side has profiles.
    private mutating func synergyBlock(_ key: SetKey, _ index: Int, x: Double, y: Double) {
        let side = key == .a ? figure.a : figure.b
        weightChart(key, index, x: x, y: y, height: ComparisonFigure.weightAxisHeight,
                    subtitle: "φ \(Self.fixed(side.sparseness[index], 2))")
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
        if let subtitle { title.append(("   " + subtitle, "fill=\"\(Self.muted)\" font-size=\"11\"")) }
        let left = x + axisGutter, top = y + titleHeight, bottom = top + height
        body.append("<g class=\"weights \(key.cssClass)\" data-synergy=\"\(name)\">")
        richText(title, x: left, y: y + 13, size: 13, width: Self.textWidth(title.map(\.0).joined(), size: 13))
        for tick in [0.0, 0.5, 1.0] {
            let tickY = bottom - tick * height
            if tick > 0 { line(x1: left, y1: tickY, x2: left + slot * Double(weights.count), y2: tickY, stroke: Self.grid) }
            line(x1: left - 4, y1: tickY, x2: left, y2: tickY, stroke: Self.muted)
            text(Self.fixed(tick, tick == 0.5 ? 1 : 0), x: left - 6, y: tickY + 3.5, size: 9, anchor: "end",
                 fill: Self.muted)
        }
        let barWidth = min(slot * 0.7, 28)
        for (i, weight) in weights.enumerated() {
            let barHeight = Self.unitInterval(weight) * height
            let barX = left + slot * (Double(i) + 0.5) - barWidth / 2
            rect(x: barX, y: bottom - barHeight, width: barWidth, height: barHeight, fill: key.colour,
                 cssClass: "bar \(key.cssClass)")
            let centre = left + slot * (Double(i) + 0.5)
            body.append("<text class=\"muscle\" x=\"\(Self.fixed(centre, 2))\" y=\"\(Self.fixed(bottom + 5, 2))\" "
                        + "transform=\"rotate(-90 \(Self.fixed(centre, 2)) \(Self.fixed(bottom + 5, 2)))\" dy=\"0.35em\" "
                        + "text-anchor=\"end\" font-size=\"10\">\(Self.escaped(figure.muscles[i]))</text>")
        }
        line(x1: left, y1: top, x2: left, y2: bottom, stroke: Self.muted)
        line(x1: left, y1: bottom, x2: left + slot * Double(weights.count), y2: bottom, stroke: Self.muted)
        body.append("</g>")
        right = max(right, left + slot * Double(weights.count), left + Self.textWidth(title.map(\.0).joined(), size: 13))
    }

    /// A profile over 0–100 % of the cycle, scaled to its own maximum.
    private mutating func profilePlot(_ key: SetKey, _ profile: [Double], x: Double, y: Double, height: Double) {
        let width = profilePlotWidth, bottom = y + height
        let peak = profile.filter(\.isFinite).max() ?? 0
        line(x1: x, y1: y, x2: x, y2: bottom, stroke: Self.muted)
        line(x1: x, y1: bottom, x2: x + width, y2: bottom, stroke: Self.muted)
        text("max", x: x - 4, y: y + 3.5, size: 9, anchor: "end", fill: Self.muted)
        text("0", x: x - 4, y: bottom + 3.5, size: 9, anchor: "end", fill: Self.muted)
        for tick in [0.0, 50.0, 100.0] {
            let tickX = x + tick / 100 * width
            line(x1: tickX, y1: bottom, x2: tickX, y2: bottom + 3, stroke: Self.muted)
            text(Self.fixed(tick, 0), x: tickX, y: bottom + 13, size: 9, anchor: "middle", fill: Self.muted)
        }
        text("% of gait cycle", x: x + width / 2, y: bottom + 25, size: 9, anchor: "middle", fill: Self.muted)
        guard !profile.isEmpty else { return }
        let points = profile.count == 1 ? [profile[0], profile[0]] : profile
        let commands = points.enumerated().map { i, value in
            let level = peak > 0 && value.isFinite ? max(0, value) / peak : 0
            let px = x + Double(i) / Double(points.count - 1) * width, py = bottom - level * height
            return "\(i == 0 ? "M" : "L")\(Self.fixed(px, 2)),\(Self.fixed(py, 2))"
        }
        body.append("<path class=\"profile \(key.cssClass)\" d=\"\(commands.joined(separator: " "))\" fill=\"none\" "
                    + "stroke=\"\(key.colour)\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>")
        right = max(right, x + width)
    }

    /// The similarity of an assignment pair, between its two charts.
    private mutating func similarityConnector(_ similarity: Double, y: Double) {
        let matched = similarity >= figure.threshold
        let left = centreColumn + 12, rightEnd = centreColumn + centreWidth - 12, middle = (left + rightEnd) / 2
        body.append("<line x1=\"\(Self.fixed(left, 2))\" y1=\"\(Self.fixed(y, 2))\" x2=\"\(Self.fixed(rightEnd, 2))\" "
                    + "y2=\"\(Self.fixed(y, 2))\" stroke=\"\(matched ? Self.ink : "#bbbbbb")\" stroke-width=\"1\""
                    + (matched ? "" : " stroke-dasharray=\"4 3\"") + "/>")
        body.append("<text class=\"similarity \(matched ? "matched" : "unmatched")\" x=\"\(Self.fixed(middle, 2))\" "
                    + "y=\"\(Self.fixed(y - 7, 2))\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\" "
                    + "fill=\"\(matched ? Self.ink : "#999999")\">\(Self.fixed(similarity, 2))</text>")
        text(matched ? "similarity" : "unmatched", x: middle, y: y + 16, size: 10, anchor: "middle",
             fill: matched ? Self.muted : "#b03030", style: matched ? nil : "italic")
    }

    // MARK: SVG primitives

    private mutating func text(_ content: String, x: Double, y: Double, size: Double, anchor: String = "start",
                               fill: String? = nil, weight: String? = nil, style: String? = nil) {
        var attributes = "x=\"\(Self.fixed(x, 2))\" y=\"\(Self.fixed(y, 2))\" font-size=\"\(Self.fixed(size, 0))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if let fill { attributes += " fill=\"\(fill)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let style { attributes += " font-style=\"\(style)\"" }
        body.append("<text \(attributes)>\(Self.escaped(content))</text>")
        let width = Self.textWidth(content, size: size)
        right = max(right, anchor == "start" ? x + width : anchor == "middle" ? x + width / 2 : x)
    }

    /// Text made of runs with their own attributes (already valid XML attribute text).
    private mutating func richText(_ runs: [(String, String?)], x: Double, y: Double, size: Double, width: Double) {
        let spans = runs.map { run in
            run.1.map { "<tspan \($0)>\(Self.escaped(run.0))</tspan>" } ?? Self.escaped(run.0)
        }
        body.append("<text x=\"\(Self.fixed(x, 2))\" y=\"\(Self.fixed(y, 2))\" font-size=\"\(Self.fixed(size, 0))\" "
                    + "xml:space=\"preserve\">\(spans.joined())</text>")
        right = max(right, x + width)
    }

    private mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, cssClass: String? = nil) {
        body.append("<rect " + (cssClass.map { "class=\"\($0)\" " } ?? "")
                    + "x=\"\(Self.fixed(x, 2))\" y=\"\(Self.fixed(y, 2))\" width=\"\(Self.fixed(width, 2))\" "
                    + "height=\"\(Self.fixed(height, 2))\" fill=\"\(fill)\"/>")
    }

    private mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1) {
        body.append("<line x1=\"\(Self.fixed(x1, 2))\" y1=\"\(Self.fixed(y1, 2))\" x2=\"\(Self.fixed(x2, 2))\" "
                    + "y2=\"\(Self.fixed(y2, 2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.fixed(width, 2))\"/>")
    }

    // MARK: Text and numbers

    /// `value` with `digits` decimals, never "-0".
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        let text = String(format: "%.\(digits)f", value)
        return text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(text.dropFirst()) : text
    }

    /// A weight clamped to the chart's 0–1 axis (non-finite as 0).
    private static func unitInterval(_ value: Double) -> Double { value.isFinite ? min(1, max(0, value)) : 0 }

    /// A generous estimate of a sans-serif text's width, for layout.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.55 }

    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case _ where character.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" }:
                result += "\u{FFFD}"  // not allowed in XML 1.0
            default: result.append(character)
            }
        }
        return result
    }
}
