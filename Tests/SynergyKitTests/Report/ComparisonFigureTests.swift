import Foundation
import SynergyKit
import XCTest

final class ComparisonFigureTests: XCTestCase {
    /// The gait example: 13 muscles, A with 4 synergies, B with 5, one merging and one fractionation.
    /// Set SYNERGY_FIGURE_OUT to a path to keep its SVG for a look (Scripts/check_figure.sh renders it).
    func testGaitExampleIsWellFormedWithEveryBarLabelAndSection() throws {
        let figure = try ComparisonFigureExample.gait()
        let svg = figure.svg()
        if let path = ProcessInfo.processInfo.environment["SYNERGY_FIGURE_OUT"] {
            try svg.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let comparison = figure.comparison
        XCTAssertEqual(comparison.merging.count, 1, "the example should show one merging")
        XCTAssertEqual(comparison.fractionation.count, 1, "the example should show one fractionation")
        XCTAssertTrue(comparison.assignment.contains { !comparison.rules.matches($0.similarity) }, "and one unmatched pair")

        let document = try XMLTree(svg)
        let n = figure.muscles.count
        let (chartsA, chartsB) = chartCounts(figure)
        XCTAssertEqual(document.elements(classed: "bar a").count, n * chartsA)
        XCTAssertEqual(document.elements(classed: "bar b").count, n * chartsB)
        XCTAssertEqual(document.elements(classed: "weights a").count, chartsA)

        let muscleLabels = document.elements(classed: "muscle").map(\.text)
        XCTAssertEqual(muscleLabels.count, n * (chartsA + chartsB))
        for muscle in figure.muscles { XCTAssertTrue(muscleLabels.contains(muscle), muscle) }

        let matchedLabels = document.elements(classed: "similarity matched").map(\.text)
        let unmatchedLabels = document.elements(classed: "similarity unmatched").map(\.text)
        XCTAssertEqual(matchedLabels.count + unmatchedLabels.count, comparison.assignment.count)
        for pair in comparison.assignment {
            let label = String(format: "%.2f", pair.similarity)
            XCTAssertTrue((comparison.rules.matches(pair.similarity) ? matchedLabels : unmatchedLabels).contains(label), label)
        }
        let texts = document.allText
        XCTAssertTrue(texts.contains { $0.hasPrefix("Merging") })
        XCTAssertTrue(texts.contains { $0.hasPrefix("Fractionation") })
        XCTAssertTrue(texts.contains { $0.contains("numbered from 1") })
        XCTAssertFalse(texts.contains("none found"))
        XCTAssertEqual(document.elements(classed: "profile a").count, 4)
        XCTAssertEqual(document.elements(classed: "profile b").count, 5)
    }

    func testBarHeightsAreWeightTimesAxisScale() throws {
        let figure = try ComparisonFigureExample.gait()
        let document = try XMLTree(figure.svg())
        for (name, weights) in [("A1", figure.a.weights[0]), ("B2", figure.b.weights[1])] {
            // The first chart of a synergy is its assignment (or left-out) row.
            let chart = try XCTUnwrap(document.elements.first { $0.attributes["data-synergy"] == name })
            let heights = document.elements(classed: name.hasPrefix("A") ? "bar a" : "bar b")
                .filter { document.enclosing($0, "g")?.id == chart.id }.compactMap { Double($0.attributes["height"] ?? "") }
            XCTAssertEqual(heights.count, weights.count)
            for (height, weight) in zip(heights, weights) {
                XCTAssertEqual(height, weight * ComparisonFigure.weightAxisHeight, accuracy: 0.006, name)
            }
        }
    }

    func testTextIsEscaped() throws {
        let muscles = ["A&B<1>", "quote\"d", "it's"]
        let figure = try ComparisonFigureExample.figure(muscles: muscles, a: [[1, 0.5, 0.2]], b: [[0.9, 0.6, 0.1]],
                                                        titleA: "A: <novice> & \"friends\".csv")
        let svg = figure.svg()
        XCTAssertTrue(svg.contains("A&amp;B&lt;1&gt;"))
        XCTAssertFalse(svg.contains("A&B<1>"))
        let document = try XMLTree(svg)
        XCTAssertEqual(Set(document.elements(classed: "muscle").map(\.text)), Set(muscles))
        XCTAssertTrue(document.allText.contains { $0.contains("A: <novice> & \"friends\".csv") })
    }

    func testProfilesAreDrawnOnlyForTheSideThatHasThem() throws {
        let a = [[1.0, 0.2, 0.1, 0], [0, 0.1, 1, 0.5]], b = [[0.9, 0.3, 0, 0], [0, 0, 1, 0.6], [0.2, 1, 0, 0]]
        let profile = (0..<200).map { sin(Double($0) / 199 * .pi) }
        let onlyB = try ComparisonFigureExample.figure(muscles: ["TA", "SOL", "VL", "BF"], a: a, b: b,
                                                       profilesB: Array(repeating: profile, count: 3))
        let document = try XMLTree(onlyB.svg())
        XCTAssertEqual(document.elements(classed: "profile a").count, 0)
        XCTAssertEqual(document.elements(classed: "profile b").count, 3)

        let neither = try ComparisonFigureExample.figure(muscles: ["TA", "SOL", "VL", "BF"], a: a, b: b)
        XCTAssertFalse(try XMLTree(neither.svg()).elements.contains { $0.classes.contains("profile") })
    }

    /// B's second synergy is A's first two summed: the merging section draws A1, A2 and B2, and the
    /// fractionation section says none was found.
    func testMergingEntryDrawsItsSourcesAndTarget() throws {
        let a: [[Double]] = [[1, 0.8, 0, 0, 0, 0], [0, 0, 1, 0.7, 0, 0], [0, 0, 0, 0, 1, 0.9]]
        let b = [a[2], zip(a[0], a[1]).map { $0 + 1.2 * $1 }]
        let figure = try ComparisonFigureExample.figure(muscles: ["m1", "m2", "m3", "m4", "m5", "m6"], a: a, b: b)
        let merging = try XCTUnwrap(figure.comparison.merging.first)
        XCTAssertEqual(merging.sources, [0, 1])
        let document = try XMLTree(figure.svg())
        let charts = document.elements.compactMap { $0.attributes["data-synergy"] }
        // Two assignment rows, A's left-out synergy, then the merging: sources and target.
        XCTAssertEqual(Array(charts.suffix(3)), ["A1", "A2", "B2"])
        XCTAssertEqual(charts.count, 2 * 2 + 1 + 3)
        let caption = String(format: "%.2f × A1 + %.2f × A2 → B2, similarity %.2f",
                             merging.coefficients[0], merging.coefficients[1], merging.similarity)
        XCTAssertTrue(document.allText.contains(caption), caption)
        XCTAssertEqual(document.allText.filter { $0 == "none found" }.count, 1)
    }

    /// The size limits: 2 muscles and one synergy a side; 30 long-named muscles and 15 synergies a
    /// side, one of them all zeros. Both well-formed, sized, and the same bytes when drawn twice.
    func testExtremeSizesAreWellFormedAndDeterministic() throws {
        let small = try ComparisonFigureExample.figure(muscles: ["TA", "SOL"], a: [[1, 0.3]], b: [[0.2, 1]])
        let muscles = (1...30).map { "muscle number \($0) with a rather long descriptive name" }
        let synergies = { (shift: Int) in
            (0..<15).map { j in (0..<30).map { i in j == 7 ? 0 : Double((i * 7 + j * 3 + shift) % 11) / 10 } }
        }
        let large = try ComparisonFigureExample.figure(muscles: muscles, a: synergies(0), b: synergies(2),
                                                       profilesA: Array(repeating: [0, 1, 0], count: 15))
        for figure in [small, large] {
            let svg = figure.svg()
            XCTAssertEqual(svg, figure.svg())
            let document = try XMLTree(svg)
            let root = try XCTUnwrap(document.elements.first)
            XCTAssertEqual(root.name, "svg")
            let width = try XCTUnwrap(root.attributes["width"]), height = try XCTUnwrap(root.attributes["height"])
            XCTAssertEqual(root.attributes["viewBox"], "0 0 \(width) \(height)")
            let (chartsA, chartsB) = chartCounts(figure)
            XCTAssertEqual(document.elements(classed: "bar a").count, figure.muscles.count * chartsA)
            XCTAssertEqual(document.elements(classed: "bar b").count, figure.muscles.count * chartsB)
        }
        let document = try XMLTree(large.svg())
        let zeroChart = try XCTUnwrap(document.elements.first { $0.attributes["data-synergy"] == "A8" })
        let zeroBars = document.elements(classed: "bar a").filter { document.enclosing($0, "g")?.id == zeroChart.id }
        XCTAssertEqual(zeroBars.map { $0.attributes["height"] }, Array(repeating: "0.00", count: 30))
    }

    /// With a bootstrap: each side's count and 95 % interval in its header line, each match's support under its
    /// similarity (none under an unmatched pair), and each merging's and fractionation's support in its caption.
    func testBootstrapSupportAndCountIntervalsAreDrawnAtTheirInstances() throws {
        var figure = try ComparisonFigureExample.gait()
        let comparison = figure.comparison
        (figure.a.count, figure.a.countInterval) = (4, [4, 5])
        (figure.b.count, figure.b.countInterval) = (nil, [5, nil])
        // Distinct values, so each can only be found where it belongs.
        let matchSupports = comparison.matches.indices.map { 0.91 - 0.1 * Double($0) }
        figure.support = .init(resamples: 40, matches: matchSupports, merging: [0.37], fractionation: [0.26])
        let svg = figure.svg()
        if let path = ProcessInfo.processInfo.environment["SYNERGY_FIGURE_OUT"] {
            try svg.write(toFile: String(path.dropLast(".svg".count)) + "_bootstrap.svg", atomically: true, encoding: .utf8)
        }
        let document = try XMLTree(svg)
        let texts = document.allText

        let headerA = try XCTUnwrap(texts.first { $0.hasPrefix(figure.a.title) })
        let headerB = try XCTUnwrap(texts.first { $0.hasPrefix(figure.b.title) })
        XCTAssertTrue(headerA.hasSuffix("count 4 (95 % 4–5)"), headerA)
        XCTAssertTrue(headerB.hasSuffix("count none (95 % 5–none)"), headerB)

        // Each support label follows its pair's similarity label; the labels come in assignment order.
        var supportOfPair = [Int: String]()
        var pairIndex = -1
        for element in document.elements {
            if element.classes.contains("similarity") { pairIndex += 1 }
            if element.classes.contains("support") {
                XCTAssertNil(supportOfPair[pairIndex], "one support label per pair")
                supportOfPair[pairIndex] = element.text
            }
        }
        XCTAssertEqual(pairIndex + 1, comparison.assignment.count)
        for (index, pair) in comparison.assignment.enumerated() {
            if let match = comparison.matches.firstIndex(where: { $0.a == pair.a && $0.b == pair.b }) {
                XCTAssertEqual(supportOfPair[index], String(format: "support %.2f", matchSupports[match]), "pair \(index)")
            } else {
                XCTAssertNil(supportOfPair[index], "unmatched pair \(index) has no support")
            }
        }
        XCTAssertEqual(supportOfPair.count, comparison.matches.count)
        // The similarity label and its support share the centre column, the support just under "similarity".
        let labels = document.elements.filter { $0.classes.contains("similarity") || $0.classes.contains("support") }
        for (similarity, support) in zip(labels, labels.dropFirst()) where support.classes.contains("support") {
            XCTAssertEqual(similarity.attributes["x"], support.attributes["x"])
            let gap = try XCTUnwrap(Double(support.attributes["y"] ?? "")) - XCTUnwrap(Double(similarity.attributes["y"] ?? ""))
            XCTAssertTrue(gap > 0 && gap < 50, "support \(gap) px below its similarity")
        }

        let merging = try XCTUnwrap(texts.first { $0.contains("→ B4, similarity") })
        XCTAssertTrue(merging.hasSuffix(String(format: "similarity %.2f, support 0.37", comparison.merging[0].similarity)),
                      merging)
        let fractionation = try XCTUnwrap(texts.first { $0.contains("→ A2, similarity") })
        XCTAssertTrue(fractionation.hasSuffix(
            String(format: "similarity %.2f, support 0.26", comparison.fractionation[0].similarity)), fractionation)
        XCTAssertEqual(texts.filter { $0.contains("support 0.37") }.count, 1)
        XCTAssertEqual(texts.filter { $0.contains("support 0.26") }.count, 1)
        XCTAssertTrue(texts.contains { $0.hasPrefix("Bootstrap, 40 resamples a session") })
    }

    /// A support not known for one instance (nil) is left out there only; a side without an interval shows no count.
    func testMissingSupportOrIntervalIsLeftOutWhereMissing() throws {
        var figure = try ComparisonFigureExample.gait()
        figure.a.count = 4
        figure.b.countInterval = [5, 6]
        figure.support = .init(resamples: 10, matches: figure.comparison.matches.map { _ in nil }, merging: [nil],
                               fractionation: [0.5])
        let document = try XMLTree(figure.svg())
        XCTAssertTrue(document.elements(classed: "support").isEmpty)
        let texts = document.allText
        XCTAssertFalse(try XCTUnwrap(texts.first { $0.hasPrefix(figure.a.title) }).contains("count"))
        XCTAssertTrue(try XCTUnwrap(texts.first { $0.hasPrefix(figure.b.title) }).hasSuffix("count none (95 % 5–6)"))
        XCTAssertFalse(try XCTUnwrap(texts.first { $0.contains("→ B4, similarity") }).contains("support"))
        XCTAssertTrue(try XCTUnwrap(texts.first { $0.contains("→ A2, similarity") }).hasSuffix("support 0.50"))
    }

    /// Without a bootstrap nothing of it is drawn, and a count given without its interval changes no byte.
    func testWithoutBootstrapNoSupportOrIntervalIsDrawn() throws {
        let plain = try ComparisonFigureExample.gait()
        let svg = plain.svg()
        XCTAssertFalse(svg.contains("support"))
        XCTAssertFalse(svg.contains("95 %"))
        XCTAssertFalse(svg.contains("Bootstrap"))
        XCTAssertFalse(try XMLTree(svg).allText.contains { $0.contains("count") })
        var counted = plain
        (counted.a.count, counted.b.count) = (4, 5)
        XCTAssertEqual(counted.svg(), svg)
    }

    /// Charts drawn per side: each synergy once (assignment or left-out row), plus the combinations'.
    private func chartCounts(_ figure: ComparisonFigure) -> (a: Int, b: Int) {
        let comparison = figure.comparison
        return (figure.a.weights.count + comparison.merging.map(\.sources.count).reduce(0, +) + comparison.fractionation.count,
                figure.b.weights.count + comparison.fractionation.map(\.sources.count).reduce(0, +) + comparison.merging.count)
    }
}

/// Figures built the way `synergy compare` would: unit weights, their comparison and sparseness.
enum ComparisonFigureExample {
    static func figure(muscles: [String], a: [[Double]], b: [[Double]], profilesA: [[Double]]? = nil,
                       profilesB: [[Double]]? = nil, titleA: String = "A (earlier): a.csv",
                       titleB: String = "B (later): b.csv", r2B: Double? = nil) throws -> ComparisonFigure {
        let unitA = a.map(unit), unitB = b.map(unit)
        let comparison = try SynergyComparison(
            a: Matrix(rows: muscles.count, columns: a.count, elements: unitA.flatMap { $0 }),
            b: Matrix(rows: muscles.count, columns: b.count, elements: unitB.flatMap { $0 }))
        return ComparisonFigure(
            muscles: muscles,
            a: .init(title: titleA, weights: unitA, profiles: profilesA, r2: 0.91, sparseness: unitA.map(Sparseness.hoyer)),
            b: .init(title: titleB, weights: unitB, profiles: profilesB, r2: r2B, sparseness: unitB.map(Sparseness.hoyer)),
            comparison: comparison)
    }

    /// Novice (A, 4 synergies) against trained (B, 5) walking: B splits A's push-off synergy in two,
    /// merges A's two swing synergies, and adds a hip synergy of its own.
    static func gait() throws -> ComparisonFigure {
        let muscles = ["tibialis anterior", "soleus", "gastrocnemius med.", "gastrocnemius lat.", "peroneus longus",
                       "vastus medialis", "vastus lateralis", "rectus femoris", "biceps femoris", "semitendinosus",
                       "tensor fasciae latae", "gluteus medius", "gluteus maximus"]
        func synergy(_ active: [Int: Double], floor: Int) -> [Double] {
            muscles.indices.map { active[$0] ?? 0.03 + 0.02 * Double((($0 + 1) * (floor + 3)) % 5) }
        }
        let weightAcceptance = synergy([5: 1, 6: 0.9, 7: 0.4, 11: 0.5, 12: 0.45], floor: 1)
        let pushOff = synergy([1: 1, 2: 0.9, 3: 0.85, 4: 0.7], floor: 2)
        let earlySwing = synergy([0: 1, 7: 0.6, 10: 0.3], floor: 3)
        let lateSwing = synergy([8: 1, 9: 0.9, 12: 0.25, 0: 0.25], floor: 4)
        let a = [weightAcceptance, pushOff, earlySwing, lateSwing]
        let b = [synergy([5: 0.95, 6: 1, 7: 0.35, 11: 0.55, 12: 0.4], floor: 5),
                 synergy([1: 1, 4: 0.8], floor: 6),
                 synergy([2: 1, 3: 0.9], floor: 7),
                 zip(earlySwing, lateSwing).map { 0.8 * $0 + $1 },
                 synergy([10: 1, 11: 0.8, 4: 0.3], floor: 8)]
        func profile(peaks: [Double]) -> [Double] {
            (0..<200).map { i in
                let phase = Double(i) / 199
                return peaks.reduce(0.05) { sum, peak in
                    let distance = min(abs(phase - peak), 1 - abs(phase - peak))
                    return sum + exp(-distance * distance / (2 * 0.06 * 0.06))
                }
            }
        }
        return try figure(muscles: muscles, a: a, b: b,
                          profilesA: [[0.08], [0.45], [0.68], [0.92]].map(profile),
                          profilesB: [[0.1], [0.42], [0.5], [0.7, 0.93], [0.25]].map(profile),
                          titleA: "A (earlier): novice_walk_01.csv", titleB: "B (later): trained_walk_01.csv", r2B: 0.934)
    }

    private static func unit(_ w: [Double]) -> [Double] {
        let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? w.map { $0 / norm } : w
    }
}

private extension XMLTree {
    /// The text of every `<text>`, its `<tspan>`s joined.
    var allText: [String] { elements("text").map(\.text) }
}
