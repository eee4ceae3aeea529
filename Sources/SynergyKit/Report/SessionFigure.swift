import Foundation

/// The SVG figure of one session's `extract` or `count` result: R² and uncentred
/// VAF over the ranks of the sweep with the protocol's threshold and the count
/// marked, then the reported synergies' unit weight vectors as bars over the
/// muscles (S1, S2, … numbered from 1; the JSON counts from 0). A pure renderer:
/// values in, SVG text out; the same report gives the same bytes.
public enum SessionFigure {
    /// The figure as a standalone SVG document.
    public static func render(_ report: SynergyReport) -> String {
        var renderer = SessionFigureRenderer(report: report)
        return renderer.document()
    }
}

private struct SessionFigureRenderer {
    let report: SynergyReport
    private var canvas = SVGCanvas()
    private var cursor = 0.0

    private let margin = 24.0
    private let barHeight = 70.0
    private let axisGutter = 30.0
    private let slot: Double
    private let nameDepth: Double

    init(report: SynergyReport) {
        self.report = report
        slot = max(12, (150 / Double(max(1, report.muscles.count))).rounded(.up))
        nameDepth = SVGCanvas.muscleNameDepth(report.muscles)
    }

    mutating func document() -> String {
        header()
        fitCurve()
        synergies()
        return canvas.svg(width: (canvas.right + margin).rounded(.up), height: (cursor + margin).rounded(.up),
                          standalone: true)
    }

    private var fixed: (Double, Int) -> String { SVGCanvas.fixed }

    private var criterionText: String {
        let criterion = report.protocol.criterion
        switch criterion.kind {
        case .r2: return "smallest rank with R² ≥ \(fixed(criterion.threshold, 2))"
        case .vaf:
            return "smallest rank with VAF ≥ \(fixed(criterion.threshold, 2))"
                + (criterion.perMuscleThreshold.map { " and every muscle ≥ \(fixed($0, 2))" } ?? "")
        case .linearity: return "curve linearity (line-fit MSE ≤ \(String(format: "%g", criterion.threshold)))"
        }
    }

    private mutating func header() {
        cursor = margin
        canvas.text(report.input.path, x: margin, y: cursor + 16, size: 17, weight: "bold", cssClass: "title")
        cursor += 24
        let count = report.count.map { "\($0) synerg\($0 == 1 ? "y" : "ies")" }
            ?? (report.command == "count" ? "no rank met the criterion" : "rank \(report.rank) (extract)")
        let line = "protocol \(report.protocol.name.rawValue)  ·  \(count)  ·  criterion: \(criterionText)"
            + "  ·  seed \(report.seed)"
        canvas.text(line, x: margin, y: cursor + 13, size: 12, fill: SVGCanvas.muted)
        cursor += 26
    }

    /// R² (solid) and VAF (dashed) over the ranks, the threshold and the count.
    private mutating func fitCurve() {
        let ranks = report.ranks.sorted { $0.rank < $1.rank }
        guard !ranks.isEmpty else { return }
        let lowest = ranks.flatMap { [$0.r2, $0.vaf] }.filter(\.isFinite).min() ?? 0
        let (ticks, yRange) = SVGCanvas.niceTicks(min(0, lowest), 1, count: 5)
        let yLow = yRange.lowerBound
        let maxRank = ranks.map(\.rank).max() ?? 1
        let plot = SVGCanvas.Plot(left: margin + 48, top: cursor + 8, width: max(240, 26 * Double(maxRank)), height: 150,
                                  xRange: 0.5...(Double(maxRank) + 0.5), yRange: yRange)
        let yTicks = ticks.map { ($0, SVGCanvas.tickLabel($0, ticks: ticks)) }
        let xTicks = ranks.map { (Double($0.rank), "\($0.rank)") }
        canvas.axes(plot, xTicks: xTicks, yTicks: yTicks, xTitle: "rank", yTitle: "R², VAF")
        let criterion = report.protocol.criterion
        if criterion.kind != .linearity && criterion.threshold >= yLow && criterion.threshold <= 1 {
            let y = plot.y(criterion.threshold)
            canvas.line(x1: plot.left, y1: y, x2: plot.left + plot.width, y2: y, stroke: SVGCanvas.red, dash: "2 3",
                        cssClass: "threshold")
            canvas.text("\(criterion.kind == .r2 ? "R²" : "VAF") \(fixed(criterion.threshold, 2))",
                        x: plot.left + plot.width + 4, y: y + 3.5, size: 9, fill: SVGCanvas.red)
        }
        if let count = report.count, let fit = ranks.first(where: { $0.rank == count }) {
            let x = plot.x(Double(count))
            canvas.line(x1: x, y1: plot.top, x2: x, y2: plot.bottom, stroke: SVGCanvas.ink, dash: "4 3",
                        cssClass: "count-marker")
            let value = criterion.kind == .vaf ? fit.vaf : fit.r2
            canvas.circle(x: x, y: plot.y(value), radius: 6, fill: "none", stroke: SVGCanvas.ink)
            canvas.text("count \(count)", x: x + 5, y: plot.bottom - 8, size: 11, weight: "bold", cssClass: "count-label")
        }
        for (values, colour, dash, name) in [(ranks.map(\.r2), SVGCanvas.blue, nil as String?, "r2"),
                                             (ranks.map(\.vaf), SVGCanvas.orange, "5 3", "vaf")] {
            let points = zip(ranks, values).map { fit, value -> (x: Double, y: Double)? in
                value.isFinite ? (plot.x(Double(fit.rank)), plot.y(value)) : nil
            }
            canvas.polyline(points, stroke: colour, dash: dash, cssClass: "curve \(name)")
            for point in points.compactMap({ $0 }) { canvas.circle(x: point.x, y: point.y, radius: 2.5, fill: colour) }
        }
        // Legend, right of the plot.
        let legendX = plot.left + plot.width + 48
        let centring = report.protocol.factorization.r2Centring == .muscleMean ? "each muscle's mean" : "the grand mean"
        for (row, (label, colour, dash)) in [("R² (centred on \(centring))", SVGCanvas.blue, nil as String?),
                                              ("VAF (uncentred)", SVGCanvas.orange, "5 3")].enumerated() {
            let y = plot.top + 14 + Double(row) * 18
            canvas.line(x1: legendX, y1: y - 4, x2: legendX + 22, y2: y - 4, stroke: colour, width: 1.5, dash: dash)
            canvas.text(label, x: legendX + 28, y: y, size: 11)
        }
        cursor = plot.bottom + 40
    }

    /// The reported synergies' weight bars, as many to a row as fit beside the curve.
    private mutating func synergies() {
        let synergies = report.synergies
        let rule = max(canvas.right, margin + 4 * (axisGutter + slot * Double(report.muscles.count) + 24))
        canvas.line(x1: margin, y1: cursor, x2: rule, y2: cursor, stroke: "#bbbbbb")
        let heading = report.count == nil && report.command == "count"
            ? "Synergies at rank \(report.rank), the highest of the sweep (unit weight vectors)"
            : "Synergies at rank \(report.rank) (unit weight vectors)"
        canvas.text(heading, x: margin, y: cursor + 22, size: 14, weight: "bold")
        cursor += 36
        guard !synergies.isEmpty else { return }
        let chartWidth = axisGutter + slot * Double(report.muscles.count) + 24
        let perRow = max(1, Int((rule - margin) / chartWidth))
        let rowHeight = 20 + barHeight + 4 + nameDepth + 10
        for (index, synergy) in synergies.enumerated() {
            let column = index % perRow
            if index > 0 && column == 0 { cursor += rowHeight }
            let x = margin + Double(column) * chartWidth
            let name = "S\(index + 1)"
            canvas.body.append("<g class=\"synergy\" data-synergy=\"\(name)\">")
            let phi = index < report.sparseness.perSynergy.count ? "   φ \(fixed(report.sparseness.perSynergy[index], 2))" : ""
            canvas.richText([(name, "fill=\"\(SVGCanvas.blue)\" font-weight=\"bold\""),
                             (phi, "fill=\"\(SVGCanvas.muted)\" font-size=\"11\"")],
                            x: x + axisGutter, y: cursor + 13, size: 13, width: SVGCanvas.textWidth(name + phi, size: 13))
            canvas.weightBars(synergy.weights, muscles: report.muscles, left: x + axisGutter, top: cursor + 20,
                              height: barHeight, slot: slot, colour: SVGCanvas.blue, barClass: "bar")
            canvas.body.append("</g>")
        }
        cursor += rowHeight
        canvas.text("Synergies numbered from 1 (S1 is synergy 0 in the JSON). Bars: unit-norm muscle weights (axis 0–1); "
                    + "φ: Hoyer sparseness.", x: margin, y: cursor + 4, size: 11, fill: SVGCanvas.muted)
        cursor += 10
    }
}
