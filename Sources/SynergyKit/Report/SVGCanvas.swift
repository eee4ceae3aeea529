import Foundation

/// The drawing primitives, palette and number formatting shared by the SVG
/// figures (`ComparisonFigure`, `SessionFigure`) and the study report's inline
/// charts (`StudyHTML`). Elements are collected in drawing order; `right` is the
/// rightmost x drawn at, so a caller can size its document. Coordinates are
/// written with two decimals, so the same drawing gives the same bytes.
struct SVGCanvas {
    static let fontFamily = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
    static let ink = "#222222", muted = "#777777", grid = "#dddddd"
    /// The earlier/reference set (A) and the later/compared set (B), and their pale tints.
    static let blue = "#1f6fb4", orange = "#d4600f"
    static let paleBlue = "#a9c8e6", paleOrange = "#f0bf9c"
    /// Highlights (a chosen k, a count) and errors.
    static let red = "#b03030"

    var body: [String] = []
    var right = 0.0

    /// The drawing as an `<svg>` element of `width` × `height` pixels on a white
    /// background. `standalone`: a whole XML document with the SVG namespace;
    /// otherwise an element to inline in an HTML page (where the namespace is implied).
    func svg(width: Double, height: Double, standalone: Bool, cssClass: String? = nil, label: String? = nil) -> String {
        let w = Self.fixed(width, 0), h = Self.fixed(height, 0)
        var open = "<svg " + (standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "")
        if let cssClass { open += "class=\"\(Self.escaped(cssClass))\" " }
        if let label { open += "role=\"img\" aria-label=\"\(Self.escaped(label))\" " }
        open += "width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"\(Self.fontFamily)\" "
            + "font-size=\"11\" fill=\"\(Self.ink)\">"
        let background = "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>"
        let lines = [open, background] + body + ["</svg>"]
        return standalone ? (["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"] + lines + [""]).joined(separator: "\n")
            : lines.joined(separator: "\n")
    }

    // MARK: Primitives

    mutating func text(_ content: String, x: Double, y: Double, size: Double, anchor: String = "start",
                       fill: String? = nil, weight: String? = nil, style: String? = nil, cssClass: String? = nil) {
        var attributes = (cssClass.map { "class=\"\(Self.escaped($0))\" " } ?? "")
            + "x=\"\(Self.fixed(x, 2))\" y=\"\(Self.fixed(y, 2))\" font-size=\"\(Self.fixed(size, 0))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if let fill { attributes += " fill=\"\(fill)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let style { attributes += " font-style=\"\(style)\"" }
        body.append("<text \(attributes)>\(Self.escaped(content))</text>")
        let width = Self.textWidth(content, size: size)
        right = max(right, anchor == "start" ? x + width : anchor == "middle" ? x + width / 2 : x)
    }

    /// Text made of runs with their own attributes (already valid XML attribute text).
    mutating func richText(_ runs: [(String, String?)], x: Double, y: Double, size: Double, width: Double) {
        let spans = runs.map { run in
            run.1.map { "<tspan \($0)>\(Self.escaped(run.0))</tspan>" } ?? Self.escaped(run.0)
        }
        body.append("<text x=\"\(Self.fixed(x, 2))\" y=\"\(Self.fixed(y, 2))\" font-size=\"\(Self.fixed(size, 0))\" "
                    + "xml:space=\"preserve\">\(spans.joined())</text>")
        right = max(right, x + width)
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, cssClass: String? = nil,
                       stroke: String? = nil) {
        body.append("<rect " + (cssClass.map { "class=\"\($0)\" " } ?? "")
                    + "x=\"\(Self.fixed(x, 2))\" y=\"\(Self.fixed(y, 2))\" width=\"\(Self.fixed(width, 2))\" "
                    + "height=\"\(Self.fixed(height, 2))\" fill=\"\(fill)\""
                    + (stroke.map { " stroke=\"\($0)\" stroke-width=\"1\"" } ?? "") + "/>")
        right = max(right, x + width)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                       dash: String? = nil, cssClass: String? = nil) {
        body.append("<line " + (cssClass.map { "class=\"\($0)\" " } ?? "")
                    + "x1=\"\(Self.fixed(x1, 2))\" y1=\"\(Self.fixed(y1, 2))\" x2=\"\(Self.fixed(x2, 2))\" "
                    + "y2=\"\(Self.fixed(y2, 2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.fixed(width, 2))\""
                    + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil,
                         cssClass: String? = nil) {
        body.append("<circle " + (cssClass.map { "class=\"\($0)\" " } ?? "")
                    + "cx=\"\(Self.fixed(x, 2))\" cy=\"\(Self.fixed(y, 2))\" r=\"\(Self.fixed(radius, 2))\" fill=\"\(fill)\""
                    + (stroke.map { " stroke=\"\($0)\" stroke-width=\"1.5\"" } ?? "") + "/>")
    }

    /// A polyline through `points`, broken where a point is missing.
    mutating func polyline(_ points: [(x: Double, y: Double)?], stroke: String, width: Double = 1.5,
                           dash: String? = nil, cssClass: String? = nil) {
        var commands: [String] = [], pending = "M"
        for point in points {
            guard let point else { pending = "M"; continue }
            commands.append("\(pending)\(Self.fixed(point.x, 2)),\(Self.fixed(point.y, 2))")
            pending = "L"
        }
        guard !commands.isEmpty else { return }
        body.append("<path " + (cssClass.map { "class=\"\($0)\" " } ?? "")
                    + "d=\"\(commands.joined(separator: " "))\" fill=\"none\" stroke=\"\(stroke)\" "
                    + "stroke-width=\"\(Self.fixed(width, 2))\" stroke-linejoin=\"round\""
                    + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    // MARK: Charts

    /// One synergy's weights as bars on a 0–1 axis (ticks 0, 0.5, 1 on the left),
    /// one `slot` per muscle, the muscle names written downwards under the bars.
    /// `left` is the axis, `top` the height of a unit weight.
    mutating func weightBars(_ weights: [Double], muscles: [String], left: Double, top: Double, height: Double,
                             slot: Double, colour: String, barClass: String) {
        let bottom = top + height, width = slot * Double(weights.count)
        for tick in [0.0, 0.5, 1.0] {
            let tickY = bottom - tick * height
            if tick > 0 { line(x1: left, y1: tickY, x2: left + width, y2: tickY, stroke: Self.grid) }
            line(x1: left - 4, y1: tickY, x2: left, y2: tickY, stroke: Self.muted)
            text(Self.fixed(tick, tick == 0.5 ? 1 : 0), x: left - 6, y: tickY + 3.5, size: 9, anchor: "end",
                 fill: Self.muted)
        }
        let barWidth = min(slot * 0.7, 28)
        for (i, weight) in weights.enumerated() {
            let barHeight = Self.unitInterval(weight) * height
            let centre = left + slot * (Double(i) + 0.5)
            rect(x: centre - barWidth / 2, y: bottom - barHeight, width: barWidth, height: barHeight, fill: colour,
                 cssClass: barClass)
            body.append("<text class=\"muscle\" x=\"\(Self.fixed(centre, 2))\" y=\"\(Self.fixed(bottom + 5, 2))\" "
                        + "transform=\"rotate(-90 \(Self.fixed(centre, 2)) \(Self.fixed(bottom + 5, 2)))\" dy=\"0.35em\" "
                        + "text-anchor=\"end\" font-size=\"10\">\(Self.escaped(i < muscles.count ? muscles[i] : ""))</text>")
        }
        line(x1: left, y1: top, x2: left, y2: bottom, stroke: Self.muted)
        line(x1: left, y1: bottom, x2: left + width, y2: bottom, stroke: Self.muted)
        right = max(right, left + width)
    }

    /// Depth below a weight chart's axis that its downward muscle names take.
    static func muscleNameDepth(_ muscles: [String]) -> Double {
        max((muscles.map { textWidth($0, size: 10) }.max() ?? 0) + 8, 34)
    }

    /// A plot area: data coordinates to pixels.
    struct Plot {
        var left: Double, top: Double, width: Double, height: Double
        var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>

        var bottom: Double { top + height }
        func x(_ value: Double) -> Double {
            let span = xRange.upperBound - xRange.lowerBound
            return left + (span > 0 ? (value - xRange.lowerBound) / span : 0.5) * width
        }
        func y(_ value: Double) -> Double {
            let span = yRange.upperBound - yRange.lowerBound
            let clamped = min(yRange.upperBound, max(yRange.lowerBound, value))
            return bottom - (span > 0 ? (clamped - yRange.lowerBound) / span : 0.5) * height
        }
    }

    /// A plot's frame: horizontal grid lines and labels at `yTicks`, labels under
    /// the axis at `xTicks`, and the axis titles.
    mutating func axes(_ plot: Plot, xTicks: [(value: Double, label: String)], yTicks: [(value: Double, label: String)],
                       xTitle: String?, yTitle: String?) {
        for tick in yTicks {
            let y = plot.y(tick.value)
            line(x1: plot.left, y1: y, x2: plot.left + plot.width, y2: y, stroke: Self.grid)
            line(x1: plot.left - 4, y1: y, x2: plot.left, y2: y, stroke: Self.muted)
            text(tick.label, x: plot.left - 6, y: y + 3.5, size: 9, anchor: "end", fill: Self.muted)
        }
        for tick in xTicks {
            let x = plot.x(tick.value)
            line(x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + 4, stroke: Self.muted)
            text(tick.label, x: x, y: plot.bottom + 14, size: 9, anchor: "middle", fill: Self.muted)
        }
        line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: Self.muted)
        line(x1: plot.left, y1: plot.bottom, x2: plot.left + plot.width, y2: plot.bottom, stroke: Self.muted)
        if let xTitle {
            text(xTitle, x: plot.left + plot.width / 2, y: plot.bottom + 28, size: 10, anchor: "middle", fill: Self.muted)
        }
        if let yTitle {
            let x = plot.left - 36, y = plot.top + plot.height / 2
            body.append("<text x=\"\(Self.fixed(x, 2))\" y=\"\(Self.fixed(y, 2))\" transform=\"rotate(-90 "
                        + "\(Self.fixed(x, 2)) \(Self.fixed(y, 2)))\" text-anchor=\"middle\" font-size=\"10\" "
                        + "fill=\"\(Self.muted)\">\(Self.escaped(yTitle))</text>")
        }
        right = max(right, plot.left + plot.width)
    }

    /// Up to about `count` evenly spaced round values covering `low…high` (steps of
    /// 1, 2, 2.5 or 5 × 10ⁿ), and the range they span.
    static func niceTicks(_ low: Double, _ high: Double, count: Int = 4) -> (ticks: [Double], range: ClosedRange<Double>) {
        guard low.isFinite, high.isFinite else { return ([0, 1], 0...1) }
        var (low, high) = (min(low, high), max(low, high))
        if high - low < 1e-12 { (low, high) = (low - max(abs(low) * 0.1, 0.5), high + max(abs(high) * 0.1, 0.5)) }
        let raw = (high - low) / Double(max(1, count))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * magnitude
        let first = (low / step).rounded(.down) * step, last = (high / step).rounded(.up) * step
        let ticks = stride(from: first, through: last + step / 2, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
        return (ticks, first...last)
    }

    /// A tick's label with as many decimals as the ticks' spacing needs.
    static func tickLabel(_ value: Double, ticks: [Double]) -> String {
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
        var digits = 0
        while digits < 6 {
            let scaled = step * pow(10, Double(digits))
            if abs(scaled - scaled.rounded()) < 1e-6 { break }
            digits += 1
        }
        return fixed(value, digits)
    }

    // MARK: Text and numbers

    /// `value` with `digits` decimals, never "-0"; "–" when not finite.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        let text = String(format: "%.\(digits)f", value)
        return text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(text.dropFirst()) : text
    }

    /// A weight clamped to a chart's 0–1 axis (non-finite as 0).
    static func unitInterval(_ value: Double) -> Double { value.isFinite ? min(1, max(0, value)) : 0 }

    /// A generous estimate of a sans-serif text's width, for layout.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.55 }

    /// Text safe in XML (and XHTML) content and quoted attributes.
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
