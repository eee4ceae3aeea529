import Foundation
@testable import SynergyKit
import XCTest

final class SessionFigureTests: XCTestCase {
    /// Set SYNERGY_SESSION_FIGURE_OUT to a path to keep the example's SVG for a look (Scripts/check_figure.sh).
    func testCountFigureIsWellFormedWithABarGroupPerSynergyAndTheCountMarked() throws {
        let report = SessionFigureExample.report(count: 4)
        let svg = SessionFigure.render(report)
        if let path = ProcessInfo.processInfo.environment["SYNERGY_SESSION_FIGURE_OUT"] {
            try svg.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let document = try XMLTree(svg)
        let root = try XCTUnwrap(document.elements.first)
        XCTAssertEqual(root.name, "svg")
        XCTAssertEqual(root.attributes["xmlns"], "http://www.w3.org/2000/svg")
        let width = try XCTUnwrap(root.attributes["width"]), height = try XCTUnwrap(root.attributes["height"])
        XCTAssertEqual(root.attributes["viewBox"], "0 0 \(width) \(height)")

        let groups = document.elements("g", classed: "synergy")
        XCTAssertEqual(groups.map { $0.attributes["data-synergy"] ?? "" }, ["S1", "S2", "S3", "S4"])
        for (group, synergy) in zip(groups, report.synergies) {
            let heights = document.descendants(of: group, "rect", classed: "bar").compactMap { Double($0.attributes["height"] ?? "") }
            XCTAssertEqual(heights.count, report.muscles.count)
            for (height, weight) in zip(heights, synergy.weights) { XCTAssertEqual(height, weight * 70, accuracy: 0.006) }
            XCTAssertEqual(Set(document.descendants(of: group, "text", classed: "muscle").map(\.text)), Set(report.muscles))
        }
        XCTAssertEqual(document.elements("line", classed: "count-marker").count, 1)
        XCTAssertEqual(document.elements("text", classed: "count-label").map(\.text), ["count 4"])
        XCTAssertEqual(document.elements("line", classed: "threshold").count, 1)
        XCTAssertEqual(document.elements("path", classed: "curve r2").count, 1)
        XCTAssertEqual(document.elements("path", classed: "curve vaf").count, 1)
        let texts = document.elements("text").map(\.text)
        XCTAssertEqual(texts.first, report.input.path)
        XCTAssertTrue(texts.contains { $0.hasPrefix("protocol cheung2020  ·  4 synergies") })
        XCTAssertEqual(svg, SessionFigure.render(report))

        // The count marker sits over rank 4 on the x axis.
        let marker = try XCTUnwrap(document.elements("line", classed: "count-marker").first)
        let tick = try XCTUnwrap(document.elements("text").first { $0.text == "4" && $0.attributes["text-anchor"] == "middle" })
        XCTAssertEqual(marker.attributes["x1"], tick.attributes["x"])
    }

    /// No rank met the criterion: nothing marked, the heading says the rank is the sweep's highest.
    func testNoCountMarksNothingAndEscapesThePath() throws {
        var report = SessionFigureExample.report(count: nil)
        report.input.path = "data/<odd> & \"name\".csv"
        let svg = SessionFigure.render(report)
        XCTAssertTrue(svg.contains("data/&lt;odd&gt; &amp; &quot;name&quot;.csv"))
        let document = try XMLTree(svg)
        XCTAssertTrue(document.elements("line", classed: "count-marker").isEmpty)
        XCTAssertEqual(document.elements("g", classed: "synergy").count, report.synergies.count)
        let texts = document.elements("text").map(\.text)
        XCTAssertEqual(texts.first, report.input.path)
        XCTAssertTrue(texts.contains { $0.contains("no rank met the criterion") })
        XCTAssertTrue(texts.contains { $0.hasPrefix("Synergies at rank 8, the highest of the sweep") })
    }
}

/// A `count` result on 8 muscles: R² rising over ranks 1…8, the count given.
enum SessionFigureExample {
    static func report(count: Int?) -> SynergyReport {
        let muscles = ["TA", "SOL", "MG", "LG", "VM", "VL", "RF", "HAM"]
        let ranks = (1...8).map { rank in
            SynergyReport.Rank(rank: rank, r2: 1 - 0.6 * pow(0.7, Double(rank - 1)),
                               vaf: 1 - 0.3 * pow(0.65, Double(rank - 1)), muscleVaf: muscles.map { _ in 0.9 },
                               iterations: 500, converged: true, bestReplicate: 0, replicatesConverged: 20, replicates: [])
        }
        let rank = count ?? 8
        let synergies = (0..<rank).map { j -> SynergyReport.Synergy in
            let raw = muscles.indices.map { i in i == j % muscles.count ? 1.0 : i == (j + 3) % muscles.count ? 0.5 : 0.1 }
            let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return .init(weights: raw.map { $0 / norm })
        }
        return SynergyReport(toolVersion: "0.9.0-test", command: "count",
                             input: .init(path: "emg/N02 month0.csv", sha256: String(repeating: "0", count: 64),
                                          format: "csv", samples: 120_000),
                             protocol: .cheung2020, seed: 42, muscles: muscles, ranks: ranks, count: count, rank: rank,
                             synergies: synergies, activationsCsv: "N02_month0.activations.csv")
    }
}
