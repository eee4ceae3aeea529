import XCTest
import SynergyKit

final class SynergyComparisonTests: XCTestCase {
    /// Four synergies on 12 muscles, each on its own three muscles (weights 1, 0.8, 0.6) plus a small shared floor.
    private func distinctSynergies() -> Matrix {
        var w = Matrix(rows: 12, columns: 4, repeating: 0.02)
        for j in 0..<4 { for (offset, value) in [1.0, 0.8, 0.6].enumerated() { w[3 * j + offset, j] = value } }
        return w
    }

    private func columns(_ m: Matrix, _ build: [[Double]]) -> Matrix {
        Matrix(rows: m.rows, columns: build.count, elements: build.flatMap { $0 })
    }

    private func sum(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 + $1 } }

    func testIdenticalSetsMatchOneToOneWithNeitherMergingNorFractionation() throws {
        let a = distinctSynergies()
        // B is A with its columns in another order and scaled: matching must undo both.
        let b = columns(a, [a.column(2).map { $0 * 3 }, a.column(0), a.column(3), a.column(1).map { $0 / 2 }])
        let comparison = try SynergyComparison(a: a, b: b)
        XCTAssertEqual(comparison.matches.map(\.a), [0, 1, 2, 3])
        XCTAssertEqual(comparison.matches.map(\.b), [1, 3, 0, 2])
        for match in comparison.matches { XCTAssertEqual(match.similarity, 1, accuracy: 1e-12) }
        XCTAssertEqual(comparison.unmatchedA, [])
        XCTAssertEqual(comparison.unmatchedB, [])
        XCTAssertEqual(comparison.merging, [])
        XCTAssertEqual(comparison.fractionation, [])
        XCTAssertEqual(comparison.mergingIndexB, 0)
    }

    /// B merges A's synergies 0 and 1 (1 : 1.2 in amplitude, so neither matches it at 0.80) and keeps 2 and 3;
    /// seen the other way, A fractionates B's merged synergy.
    func testPlantedMergingAndItsConverseFractionation() throws {
        let a = distinctSynergies()
        let merged = sum(a.column(0), a.column(1).map { 1.2 * $0 })
        let b = columns(a, [a.column(3), merged, a.column(2)])
        let comparison = try SynergyComparison(a: a, b: b)
        XCTAssertEqual(comparison.merging.count, 1)
        let merging = try XCTUnwrap(comparison.merging.first)
        XCTAssertEqual(merging.target, 1)
        XCTAssertEqual(merging.sources, [0, 1])
        // Unit vectors: the merged vector is (|a0|·â0 + 1.2|a1|·â1)/|merged|, |a0| = |a1|.
        let norm = merged.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let unit = a.column(0).reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertEqual(merging.coefficients[0], unit / norm, accuracy: 1e-9)
        XCTAssertEqual(merging.coefficients[1], 1.2 * unit / norm, accuracy: 1e-9)
        XCTAssertEqual(merging.similarity, 1, accuracy: 1e-12)
        XCTAssertEqual(comparison.fractionation, [])
        XCTAssertEqual(comparison.mergingIndexB, 1.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(Set(comparison.matches.map { [$0.a, $0.b] }), [[3, 0], [2, 2]])
        XCTAssertEqual(comparison.unmatchedA, [0, 1])
        XCTAssertEqual(comparison.unmatchedB, [1])

        let reverse = try SynergyComparison(a: b, b: a)
        XCTAssertEqual(reverse.merging, [])
        XCTAssertEqual(reverse.fractionation.map(\.target), [1])
        XCTAssertEqual(reverse.fractionation.first?.sources, [0, 1])
        XCTAssertEqual(reverse.fractionationIndexA, 1.0 / 3, accuracy: 1e-15)
    }

    /// A minor contributor below 0.2 is dropped and the fit redone; a lone
    /// remaining contributor is no merging.
    func testSmallCoefficientsAreDroppedAndTheFitRedone() throws {
        let a = distinctSynergies()
        // Mostly synergy 0 with a touch (coefficient ≈ 0.1) of synergy 1.
        let b = columns(a, [sum(a.column(0), a.column(1).map { 0.1 * $0 }), a.column(2)])
        XCTAssertEqual(try SynergyComparison(a: a, b: b).merging, [])
        // Three contributors, one below 0.2: the two others still merge.
        let three = sum(sum(a.column(0), a.column(1)), a.column(2).map { 0.1 * $0 })
        let comparison = try SynergyComparison(a: a, b: columns(a, [three]))
        XCTAssertEqual(comparison.merging.first?.sources, [0, 1])
        XCTAssertEqual(comparison.merging.first?.coefficients.count, 2)
        XCTAssertGreaterThanOrEqual(comparison.merging.first?.similarity ?? 0, 0.99)
    }

    /// The rules are the comparison's: a threshold is met at equality, and looser or stricter rules
    /// change what matches and what counts as merging.
    func testTheComparisonKeepsAndAppliesItsRules() throws {
        let rules = ComparisonRules(similarityThreshold: 0.5, coefficientMinimum: 0.3)
        XCTAssertTrue(rules.matches(0.5))
        XCTAssertFalse(rules.matches(0.5.nextDown))
        XCTAssertTrue(rules.admits(coefficient: 0.3))
        XCTAssertFalse(rules.admits(coefficient: 0.3.nextDown))

        let a = distinctSynergies()
        let merged = sum(a.column(0), a.column(1).map { 1.2 * $0 })
        let b = columns(a, [a.column(3), merged, a.column(2)])
        XCTAssertEqual(try SynergyComparison(a: a, b: b).rules, .cheung2020)
        // B's merged synergy is 0.78 similar to A1 alone: a match only when the threshold is below that.
        let loose = try SynergyComparison(a: a, b: b, rules: .init(similarityThreshold: 0.7, coefficientMinimum: 0.2))
        XCTAssertEqual(loose.rules.similarityThreshold, 0.7)
        XCTAssertEqual(Set(loose.matches.map { [$0.a, $0.b] }), [[3, 0], [1, 1], [2, 2]])
        // A smallest coefficient above A0's coefficient (≈ 0.63) leaves a lone contributor: no merging.
        let strict = try SynergyComparison(a: a, b: b, rules: .init(similarityThreshold: 0.8, coefficientMinimum: 0.7))
        XCTAssertEqual(strict.merging, [])
    }

    func testHoyerSparseness() {
        XCTAssertEqual(Sparseness.hoyer([0, 0, 5, 0]), 1, accuracy: 1e-15)
        XCTAssertEqual(Sparseness.hoyer([2, 2, 2, 2]), 0, accuracy: 1e-15)
        // n = 4, w = (3, 4, 0, 0): ‖w‖₁ = 7, ‖w‖₂ = 5, φ = (2 − 1.4)/(2 − 1) = 0.6.
        XCTAssertEqual(Sparseness.hoyer([3, 4, 0, 0]), 0.6, accuracy: 1e-15)
    }
}
