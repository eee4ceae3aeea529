import SynergyKit
import XCTest

/// The one check of a sweep's ranks, made for `count`, `extract`, `compare` and
/// `batch` alike; its problems are `SettingProblem` facts naming the session.
final class HighestRankTests: XCTestCase {
    private func analysis(muscles: Int, criterion: RankCriterion.Kind = .r2) throws -> SynergyAnalysis {
        let header = "time," + (1...muscles).map { "M\($0)" }.joined(separator: ",")
        let rows = (0..<20).map { t in
            "\(Double(t) / 100)," + (1...muscles).map { "\(Double((t * $0) % 7) + 1)" }.joined(separator: ",")
        }
        let envelope = try EnvelopeCSV.parse(([header] + rows).joined(separator: "\n") + "\n", path: "env.csv")
        var chosen = SynergyProtocol.cheung2020
        chosen.criterion.kind = criterion
        return SynergyAnalysis(envelope: envelope, protocol: chosen, seed: 1, threads: 1)
    }

    /// The setting problem `body` throws, checking that it names the envelope's file.
    private func problem(_ body: () throws -> Int) -> SettingProblem? {
        do {
            _ = try body()
            return nil
        } catch {
            XCTAssertEqual((error as? InputError)?.file, "env.csv")
            return (error as? InputError)?.setting
        }
    }

    func testRanksAreCheckedAgainstTheMusclesAndTheHighestRank() throws {
        let four = try analysis(muscles: 4)
        XCTAssertEqual(try four.highestRank(requested: nil), 4)
        XCTAssertEqual(try four.highestRank(requested: 3, reporting: 2, side: .a), 3)
        XCTAssertEqual(problem { try four.highestRank(requested: 5) },
                       .maxRankAboveMuscles(maxRank: 5, muscles: 4, side: nil))
        XCTAssertEqual(problem { try four.highestRank(requested: 5, side: .b) },
                       .maxRankAboveMuscles(maxRank: 5, muscles: 4, side: .b))
        XCTAssertEqual(problem { try four.highestRank(requested: nil, reporting: 5, side: .b) },
                       .rankAboveMuscles(rank: 5, muscles: 4, side: .b))
        XCTAssertEqual(problem { try four.highestRank(requested: 2, reporting: 3, side: .a) },
                       .rankAboveMaxRank(rank: 3, maxRank: 2, side: .a))
        XCTAssertThrowsError(try four.extract(rank: 5, activationsFile: "")) {
            XCTAssertEqual(($0 as? InputError)?.setting, .rankAboveMuscles(rank: 5, muscles: 4, side: nil))
        }
    }

    func testCurveLinearityNeedsThreeRanks() throws {
        let linear = try analysis(muscles: 4, criterion: .linearity)
        XCTAssertEqual(try linear.highestRank(requested: nil), 4)
        XCTAssertEqual(problem { try linear.highestRank(requested: 2) },
                       .sweepTooShortForLinearity(highest: 2, muscles: 4, maxRankGiven: true, side: nil))
        let two = try analysis(muscles: 2, criterion: .linearity)
        XCTAssertEqual(problem { try two.highestRank(requested: nil, side: .a) },
                       .sweepTooShortForLinearity(highest: 2, muscles: 2, maxRankGiven: false, side: .a))
    }
}
