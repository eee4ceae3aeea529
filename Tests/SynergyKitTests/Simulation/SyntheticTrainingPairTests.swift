import XCTest
@testable import SynergyKit

/// The planted novice → trained change is what `SyntheticTrainingPair` says it is.
final class SyntheticTrainingPairTests: XCTestCase {
    func testPlantedChange() throws {
        var settings = SimulationSettings()
        (settings.muscles, settings.synergies, settings.sampleRate, settings.duration) = (16, 4, 500, 8)
        let pair = SyntheticTrainingPair(settings)
        let (novice, trained) = (pair.novice.weights, pair.trained.weights)
        XCTAssertEqual(trained.columns, 4)
        func column(_ m: Matrix, _ j: Int) -> [Double] { m.column(j) }
        func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        // Every trained synergy has unit norm.
        for j in 0..<4 { XCTAssertEqual(dot(column(trained, j), column(trained, j)), 1, accuracy: 1e-12) }
        // Kept: novice 1 unchanged, same phase.
        XCTAssertEqual(pair.kept.map(\.novice), [1])
        for (x, y) in zip(column(trained, pair.kept[0].trained), column(novice, 1)) { XCTAssertEqual(x, y, accuracy: 1e-15) }
        XCTAssertEqual(pair.trained.phases[pair.kept[0].trained], pair.novice.phases[1])
        // Merged: the normalised sum of novice 2 and 3.
        let sum = (0..<16).map { novice[$0, 2] + novice[$0, 3] }
        let norm = dot(sum, sum).squareRoot()
        for i in 0..<16 { XCTAssertEqual(trained[i, pair.merged.trained], sum[i] / norm, accuracy: 1e-12) }
        // Fractions: each strong (≥ 0.3) on half of novice 0's 4 strong muscles, disjoint, and
        // together they rebuild novice 0 on those muscles.
        let strongNovice = Set((0..<16).filter { novice[$0, 0] > 0.3 })
        XCTAssertEqual(strongNovice.count, 4)
        let halves = pair.fractionated.trained.map { j in Set((0..<16).filter { trained[$0, j] > 0.3 }) }
        XCTAssertEqual(halves.map(\.count), [2, 2])
        XCTAssertTrue(halves[0].isDisjoint(with: halves[1]))
        XCTAssertEqual(halves[0].union(halves[1]), strongNovice)
        XCTAssertNotEqual(pair.trained.phases[pair.fractionated.trained[0]], pair.trained.phases[pair.fractionated.trained[1]])
        // The trained session is its own recording (other strides and noise).
        XCTAssertNotEqual(pair.novice.events.touchdowns, pair.trained.events.touchdowns)
    }

    func testSettingsThatCannotPlantTheChange() {
        var settings = SimulationSettings()
        (settings.muscles, settings.synergies) = (12, 2)
        XCTAssertNotNil(SyntheticTrainingPair.problem(settings))
        (settings.muscles, settings.synergies) = (7, 4)
        XCTAssertNotNil(SyntheticTrainingPair.problem(settings))
        (settings.muscles, settings.synergies) = (8, 4)
        XCTAssertNil(SyntheticTrainingPair.problem(settings))
    }
}
