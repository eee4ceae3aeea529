import XCTest
@testable import SynergyKit

final class ResamplingUnitsTests: XCTestCase {
    /// 20 ms bins: a 1 s block is 50 columns; the remainder after the last whole block is never drawn.
    func testBlocksOfSeconds() throws {
        let time = (0..<1030).map { 0.01 + Double($0) * 0.02 }
        let units = try ResamplingUnits.blocks(time: time, seconds: 1)
        XCTAssertEqual(units.kind, .block)
        XCTAssertEqual(units.blockSeconds, 1)
        XCTAssertEqual(units.ranges.count, 20)
        XCTAssertEqual(units.ranges.first, 0..<50)
        XCTAssertEqual(units.ranges.last, 950..<1000)
        XCTAssertThrowsError(try ResamplingUnits.blocks(time: time, seconds: 11)) { error in
            XCTAssertTrue((error as! ResamplingUnits.Problem).description.contains("at least 2 blocks"), "\(error)")
        }
        XCTAssertNoThrow(try ResamplingUnits.blocks(time: time, seconds: 10))
    }

    /// Cycle i holds the columns with touchdownᵢ ≤ t < touchdownᵢ₊₁; columns outside every cycle are left out.
    func testCyclesFromTouchdowns() throws {
        let time = (0..<100).map { Double($0) * 0.1 }  // 0 … 9.9 s
        let units = try ResamplingUnits.cycles(time: time, touchdowns: [0.95, 2.0, 3.5, 7.05])
        XCTAssertEqual(units.kind, .gaitCycle)
        XCTAssertNil(units.blockSeconds)
        XCTAssertEqual(units.ranges, [10..<20, 20..<35, 35..<71])
        XCTAssertThrowsError(try ResamplingUnits.cycles(time: time, touchdowns: [1, 2])) { error in
            XCTAssertTrue((error as! ResamplingUnits.Problem).description.contains("at least 2 gait cycles"), "\(error)")
        }
    }

    func testCutCyclesAndTheChoiceOfUnit() throws {
        let time = (0..<1000).map { Double($0 + 1) }
        let cycles = CycleSettings(pointsPerPhase: [100, 100], dropFirstAndLast: true)
        let cut = try ResamplingUnits.of(time: time, cycles: cycles, touchdowns: [1, 2, 3], blockSeconds: 1)
        XCTAssertEqual(cut.ranges, [0..<200, 200..<400, 400..<600, 600..<800, 800..<1000])
        XCTAssertEqual(try ResamplingUnits.of(time: time, cycles: nil, touchdowns: [0, 300, 700], blockSeconds: 1).ranges,
                       [0..<299, 299..<699])
        XCTAssertEqual(try ResamplingUnits.of(time: time, cycles: nil, touchdowns: nil, blockSeconds: 250).ranges.count, 4)
        XCTAssertThrowsError(try ResamplingUnits.cutCycles(columns: 399, pointsPerCycle: 200))
    }

    /// Draws depend on the generator alone, take whole units, and are uniform over them.
    func testDrawsAreWholeUnitsAndUniform() throws {
        let units = try ResamplingUnits.blocks(time: (0..<40).map(Double.init), seconds: 4)
        var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7)
        let columns = units.draw(&first)
        XCTAssertEqual(columns, units.draw(&second))
        XCTAssertEqual(columns.count, 40)
        for start in stride(from: 0, to: 40, by: 4) {
            XCTAssertEqual(columns[start] % 4, 0)
            XCTAssertEqual(Array(columns[start..<(start + 4)]), Array(columns[start]..<(columns[start] + 4)))
        }
        var tally = [Int](repeating: 0, count: 10)
        var random = SeededGenerator(seed: 1)
        for _ in 0..<2000 { let drawn = units.draw(&random); for s in stride(from: 0, to: 40, by: 4) { tally[drawn[s] / 4] += 1 } }
        // 20 000 draws over 10 units: each about 2000 (binomial SD 42); 5 SD either side.
        for count in tally { XCTAssertEqual(Double(count), 2000, accuracy: 212) }
    }
}
