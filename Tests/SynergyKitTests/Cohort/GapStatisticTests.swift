import Foundation
import XCTest
@testable import SynergyKit

/// The gap statistic against Fixtures/cohort/gap.json, written by
/// Scripts/fixtures/make_cohort_fixtures.py with its own NumPy k-means (which
/// replays the Swift start scheme, see the script) on 60 synergy-like unit
/// vectors in 12 dimensions with 4 planted clusters, ks 2…8, B = 20.
///
/// Tolerances: log W, E[log W*], Gap and s to 1e-9 relative (absolute below
/// 1: the gaps near k = 2 are close to 0); the chosen k exactly; thread counts
/// bit for bit.
final class GapStatisticTests: XCTestCase {
    private static let tolerance = 1e-9

    private struct Fixture: Decodable {
        struct Values: Decodable {
            let log_w: [Double]
            let expected_log_w: [Double]
            let gap: [Double]
            let standard_error: [Double]
            let chosen_k: Int
        }
        struct Injected: Decodable {
            let references: [[[Double]]]
            let log_w: [Double]
            let expected_log_w: [Double]
            let gap: [Double]
            let standard_error: [Double]
            let chosen_k: Int
            var values: Values {
                Values(log_w: log_w, expected_log_w: expected_log_w, gap: gap, standard_error: standard_error,
                       chosen_k: chosen_k)
            }
        }
        let points: [[Double]]
        let ks: [Int]
        let reference_sets: Int
        let replicates: Int
        let reference_replicates: Int
        let maximum_iterations: Int
        let seed: UInt64
        let injected: Injected
        let drawn: Values

        var settings: GapStatistic.Settings {
            GapStatistic.Settings(referenceSets: reference_sets, replicates: replicates,
                                  referenceReplicates: reference_replicates, ks: ks.first!...ks.last!,
                                  maximumIterations: maximum_iterations)
        }
    }

    private static let fixture: Fixture = {
        let url = TestPaths.fixtures.appendingPathComponent("cohort/gap.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    private func assertMatches(_ evaluation: GapStatistic.Evaluation, _ expected: Fixture.Values, _ label: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(evaluation.ks, Self.fixture.ks, label, file: file, line: line)
        for (name, mine, theirs) in [("log W", evaluation.logW, expected.log_w),
                                     ("E[log W*]", evaluation.expectedLogW, expected.expected_log_w),
                                     ("gap", evaluation.gap, expected.gap),
                                     ("s", evaluation.standardError, expected.standard_error)] {
            XCTAssertEqual(mine.count, theirs.count, "\(label): \(name)", file: file, line: line)
            for (k, (a, b)) in zip(Self.fixture.ks, zip(mine, theirs)) {
                XCTAssertEqual(a, b, accuracy: Self.tolerance * max(1, abs(b)), "\(label): \(name) at k = \(k)",
                               file: file, line: line)
            }
        }
        XCTAssertEqual(evaluation.chosenK, expected.chosen_k, label, file: file, line: line)
        XCTAssertEqual(evaluation.chosenK, 4, "\(label): the planted number of clusters", file: file, line: line)
        XCTAssertEqual(evaluation.clusterings.count, evaluation.ks.count, label, file: file, line: line)
        XCTAssertEqual(evaluation.chosenClustering.centroids.count, 4, label, file: file, line: line)
    }

    func testInjectedReferencesMatchReference() {
        let f = Self.fixture
        XCTAssertEqual(f.injected.references.count, 20)
        let evaluation = GapStatistic.evaluate(f.points, references: f.injected.references, settings: f.settings,
                                               seed: f.seed, threads: 2)
        assertMatches(evaluation, f.injected.values, "injected")
        // The data's clustering at each k is KMeans' own with the same seed.
        XCTAssertEqual(evaluation.clusterings[2],
                       KMeans.cluster(f.points, k: 4, settings: .init(replicates: f.replicates), seed: f.seed))
    }

    /// References drawn from the seed: the values the script gets by drawing
    /// them the same way, the planted k, and the same bits for 1 and 2 threads.
    func testDrawnReferencesMatchReferenceForAnyThreads() {
        let f = Self.fixture
        let one = GapStatistic.evaluate(f.points, settings: f.settings, seed: f.seed, threads: 1)
        assertMatches(one, f.drawn, "drawn")
        let two = GapStatistic.evaluate(f.points, settings: f.settings, seed: f.seed, threads: 2)
        XCTAssertEqual(two, one)
        XCTAssertEqual(two.gap.map(\.bitPattern), one.gap.map(\.bitPattern))
        XCTAssertNotEqual(GapStatistic.evaluate(f.points, settings: f.settings, seed: f.seed + 1, threads: 2).gap,
                          one.gap)
    }

    func testChoiceRule() {
        let ks = [2, 3, 4, 5]
        // Gap(2) = 1.0 ≥ Gap(3) − s(3) = 1.05 − 0.1: k = 2.
        XCTAssertEqual(GapStatistic.chosenK(ks: ks, gap: [1.0, 1.05, 2, 3], standardError: [0, 0.1, 0, 0]), 2)
        // It is s of k + 1 that counts, not s of k.
        XCTAssertEqual(GapStatistic.chosenK(ks: ks, gap: [1.0, 1.05, 1.0, 3], standardError: [0.1, 0, 0, 0]), 3)
        // Equality qualifies.
        XCTAssertEqual(GapStatistic.chosenK(ks: ks, gap: [0.5, 1.0, 1.25, 1.5], standardError: [0, 0, 0.25, 0]), 3)
        // Always increasing by more than s: the largest k.
        XCTAssertEqual(GapStatistic.chosenK(ks: ks, gap: [0.1, 0.5, 0.9, 1.3], standardError: [0.1, 0.1, 0.1, 0.1]), 5)
        XCTAssertEqual(GapStatistic.chosenK(ks: [6], gap: [0.3], standardError: [0.01]), 6)
    }

    /// s is √(1 + 1/B) times the standard deviation with 1/B, from a reference
    /// set count small enough to check by hand: B = 2.
    func testStandardErrorIncludesTibshiraniFactor() {
        let f = Self.fixture
        let references = Array(f.injected.references.prefix(2))
        let settings = GapStatistic.Settings(referenceSets: 2, replicates: 20, referenceReplicates: 20, ks: 2...3)
        let evaluation = GapStatistic.evaluate(f.points, references: references, settings: settings, seed: 7, threads: 1)
        for (index, k) in [2, 3].enumerated() {
            let logs = references.enumerated().map { b, reference in
                let seed = SeededGenerator(seed: 7, rank: GapStatistic.referenceSeedTag, replicate: b)
                var copy = seed
                return log(KMeans.cluster(reference, k: k, settings: .init(replicates: 20), seed: copy.next())
                    .withinSumOfSquares)
            }
            let mean = (logs[0] + logs[1]) / 2
            XCTAssertEqual(evaluation.expectedLogW[index], mean, accuracy: 1e-14)
            XCTAssertEqual(evaluation.standardError[index], abs(logs[0] - logs[1]) / 2 * (1.5).squareRoot(),
                           accuracy: 1e-14)
        }
    }

    /// ks are capped at n − 1; one k left is chosen; none left gives k = n.
    func testFewPoints() {
        let settings = GapStatistic.Settings(referenceSets: 5, replicates: 5, referenceReplicates: 5)
        let three = [[0.0, 1.0], [0.1, 0.9], [1.0, 0.0]]
        let capped = GapStatistic.evaluate(three, settings: settings, seed: 1, threads: 2)
        XCTAssertEqual(capped.ks, [2])
        XCTAssertEqual(capped.chosenK, 2)
        XCTAssertEqual(capped.chosenClustering.assignments, [0, 0, 1])
        XCTAssertTrue(capped.gap[0].isFinite)

        let two = GapStatistic.evaluate(Array(three.prefix(2)), settings: settings, seed: 1, threads: 2)
        XCTAssertEqual(two.ks, [2])
        XCTAssertEqual(two.chosenK, 2)
        XCTAssertEqual(two.chosenClustering.assignments, [0, 1])
        XCTAssertTrue(two.gap[0].isNaN)

        let one = GapStatistic.evaluate([[0.5, 0.5]], settings: settings, seed: 1, threads: 1)
        XCTAssertEqual(one.ks, [1])
        XCTAssertEqual(one.chosenK, 1)
    }

    func testSettingsDefaultsAndCoding() throws {
        let settings = GapStatistic.Settings()
        XCTAssertEqual(settings.referenceSets, 500)
        XCTAssertEqual(settings.replicates, 1000)
        XCTAssertEqual(settings.referenceReplicates, 100)
        XCTAssertEqual(settings.ks, 2...20)
        XCTAssertEqual(settings.maximumIterations, 100)
        let decoded = try JSONDecoder().decode(GapStatistic.Settings.self, from: JSONEncoder().encode(settings))
        XCTAssertEqual(decoded, settings)
    }
}
