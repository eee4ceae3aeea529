import Foundation
import XCTest
@testable import SynergyKit

/// k-means against Fixtures/cohort/kmeans.json, written by
/// Scripts/fixtures/make_cohort_fixtures.py: Lloyd from given centroids
/// against a NumPy implementation (itself checked against scikit-learn where
/// no cluster empties), MATLAB's 'singleton' rule on cases that trigger it,
/// and the multi-replicate search against scikit-learn's best of 100 starts
/// on planted clusters. Plus determinism, numbering and the k = 1 and k = n
/// extremes.
///
/// Tolerances: assignments, iteration counts and convergence exactly;
/// centroids to 1e-12 (absolute, values of order 1, relative above 1), sums of
/// squares to 1e-12 relative against the NumPy Lloyd, 1e-9 relative against
/// scikit-learn's best (its distances differ by rounding).
final class KMeansTests: XCTestCase {
    private static let centroidTolerance = 1e-12
    private static let lloydTolerance = 1e-12
    private static let sklearnTolerance = 1e-9

    private struct Fixture: Decodable {
        struct Lloyd: Decodable {
            let name: String
            let points: [[Double]]
            let initial_centroids: [[Double]]
            let maximum_iterations: Int
            let assignments: [Int]
            let centroids: [[Double]]
            let within_sum_of_squares: Double
            let iterations: Int
            let converged: Bool
            let empty_events: Int
            let checked_against_sklearn: Bool
        }
        struct Planted: Decodable {
            let name: String
            let points: [[Double]]
            let k: Int
            let seed: UInt64
            let replicates: Int
            let sklearn_within_sum_of_squares: Double
            let sklearn_assignments: [Int]
            let replay_replicate: Int
            let replay_iterations: Int
            let replay_within_sum_of_squares: Double
        }
        let lloyd: [Lloyd]
        let planted: [Planted]
    }

    private static let fixture: Fixture = {
        let url = TestPaths.fixtures.appendingPathComponent("cohort/kmeans.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    private func assertClose(_ a: [[Double]], _ b: [[Double]], _ tolerance: Double, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, file: file, line: line)
        for (i, (rowA, rowB)) in zip(a, b).enumerated() {
            XCTAssertEqual(rowA.count, rowB.count, label, file: file, line: line)
            for (t, (x, y)) in zip(rowA, rowB).enumerated() {
                XCTAssertEqual(x, y, accuracy: tolerance * max(1, abs(y)), "\(label) [\(i)][\(t)]", file: file, line: line)
            }
        }
    }

    private func lloyd(_ c: Fixture.Lloyd) -> KMeans.Clustering {
        KMeans.lloyd(KMeans.PointSet(c.points), initialCentroids: c.initial_centroids,
                     maximumIterations: c.maximum_iterations)
    }

    /// Every case, including the capped and the empty-cluster ones.
    func testLloydFromGivenCentroidsMatchesReference() {
        let cases = Self.fixture.lloyd
        XCTAssertEqual(cases.count, 11)
        XCTAssertEqual(cases.filter(\.checked_against_sklearn).count, 7)
        for c in cases {
            let result = lloyd(c)
            XCTAssertEqual(result.assignments, c.assignments, c.name)
            assertClose(result.centroids, c.centroids, Self.centroidTolerance, c.name)
            XCTAssertEqual(result.withinSumOfSquares, c.within_sum_of_squares,
                           accuracy: Self.lloydTolerance * max(1, c.within_sum_of_squares), c.name)
            XCTAssertEqual(result.iterations, c.iterations, c.name)
            XCTAssertEqual(result.converged, c.converged, c.name)
            XCTAssertEqual(result.replicate, 0, c.name)
        }
    }

    /// The cases built to meet empty clusters do meet them, and the singleton
    /// rule's outcome is the reference's: every cluster ends non-empty, and the
    /// far centroids end on data.
    func testEmptyClusterSingletonRule() {
        let cases = Self.fixture.lloyd.filter { $0.empty_events > 0 }
        XCTAssertEqual(cases.map(\.name), ["one far centroid", "two far centroids", "lone farthest point (duplicates)"])
        for c in cases {
            let result = lloyd(c)
            XCTAssertEqual(Set(result.assignments), Set(0..<c.initial_centroids.count), "\(c.name): a cluster is empty")
            XCTAssertEqual(result.assignments, c.assignments, c.name)
            assertClose(result.centroids, c.centroids, Self.centroidTolerance, c.name)
            // Every centroid is the mean of its points.
            for (j, centroid) in result.centroids.enumerated() {
                let members = zip(c.points, result.assignments).filter { $0.1 == j }.map(\.0)
                let mean = (0..<centroid.count).map { t in members.reduce(0) { $0 + $1[t] } / Double(members.count) }
                assertClose([centroid], [mean], Self.centroidTolerance, "\(c.name): centroid \(j)")
            }
        }
        // The donor rule, by hand: [5], [0], [0] from centroids [5], [0], [100]; the farthest point is alone,
        // so point 1 (first point of cluster 1) moves to cluster 2; the reassignment moves it back; at the
        // cap the last update leaves it in cluster 2.
        let donor = cases[2]
        XCTAssertEqual(lloyd(donor).assignments, [0, 2, 1])
        XCTAssertFalse(lloyd(donor).converged)
    }

    /// The best of 100 seeded starts finds scikit-learn's best of 100
    /// k-means++ starts on well-separated planted clusters; the kept
    /// replicate is the one the replayed start scheme keeps.
    func testPlantedClustersFindSklearnMinimum() {
        XCTAssertEqual(Self.fixture.planted.count, 2)
        for c in Self.fixture.planted {
            let result = KMeans.cluster(c.points, k: c.k, settings: .init(replicates: c.replicates), seed: c.seed,
                                        threads: 2)
            XCTAssertEqual(result.withinSumOfSquares, c.sklearn_within_sum_of_squares,
                           accuracy: Self.sklearnTolerance * c.sklearn_within_sum_of_squares, c.name)
            XCTAssertEqual(result.assignments, c.sklearn_assignments, c.name)
            XCTAssertEqual(result.withinSumOfSquares, c.replay_within_sum_of_squares,
                           accuracy: Self.lloydTolerance * c.replay_within_sum_of_squares, c.name)
            XCTAssertEqual(result.replicate, c.replay_replicate, c.name)
            XCTAssertEqual(result.iterations, c.replay_iterations, c.name)
            XCTAssertTrue(result.converged, c.name)
        }
    }

    /// Uniform points, where replicates end in many different local minima,
    /// so the choice among them is exercised.
    private static func uniformPoints(_ n: Int, _ d: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<n).map { _ in (0..<d).map { _ in generator.nextUnit() } }
    }

    func testResultDoesNotDependOnThreads() {
        let points = Self.uniformPoints(70, 12, seed: 5)
        let settings = KMeans.Settings(replicates: 37)
        let one = KMeans.cluster(points, k: 7, settings: settings, seed: 99, threads: 1)
        XCTAssertEqual(KMeans.cluster(points, k: 7, settings: settings, seed: 99, threads: 3), one)
        XCTAssertEqual(KMeans.cluster(points, k: 7, settings: settings, seed: 99, threads: 2), one)
        // The kept replicate is the best of all: no single replicate does better.
        for r in 0..<settings.replicates {
            var generator = SeededGenerator(seed: 99, rank: 7, replicate: r)
            var order = Array(0..<points.count)
            for j in 0..<7 {
                let pick = j + KMeans.Workspace.uniformIndex(below: points.count - j, &generator)
                order.swapAt(j, pick)
            }
            let run = KMeans.lloyd(KMeans.PointSet(points), initialCentroids: order.prefix(7).map { points[$0] },
                                   maximumIterations: 100)
            if r == one.replicate {
                XCTAssertEqual(run.withinSumOfSquares, one.withinSumOfSquares)
            } else {
                XCTAssertGreaterThanOrEqual(run.withinSumOfSquares, one.withinSumOfSquares, "replicate \(r)")
            }
        }
        // A different seed draws different starts.
        XCTAssertNotEqual(KMeans.cluster(points, k: 7, settings: settings, seed: 100, threads: 1).assignments,
                          one.assignments)
    }

    /// Clusters are numbered by their smallest point index, and the reported
    /// centroids and sum of squares belong to the reported assignment.
    func testCanonicalNumbering() {
        let points = Self.uniformPoints(50, 5, seed: 8)
        for k in [2, 5, 9] {
            let result = KMeans.cluster(points, k: k, settings: .init(replicates: 20), seed: 3)
            XCTAssertEqual(result.assignments[0], 0)
            var firstSeen: [Int] = []
            for a in result.assignments where !firstSeen.contains(a) { firstSeen.append(a) }
            XCTAssertEqual(firstSeen, Array(0..<k), "k = \(k)")
            var sum = 0.0
            for (j, centroid) in result.centroids.enumerated() {
                let members = zip(points, result.assignments).filter { $0.1 == j }.map(\.0)
                let mean = (0..<5).map { t in members.reduce(0) { $0 + $1[t] } / Double(members.count) }
                assertClose([centroid], [mean], 1e-12, "k = \(k), centroid \(j)")
                for p in members { sum += zip(p, centroid).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            }
            XCTAssertEqual(result.withinSumOfSquares, sum, accuracy: 1e-12 * sum, "k = \(k)")
        }
    }

    /// k = n: every point its own cluster, numbered in point order, sum of
    /// squares 0. With duplicated points one cluster keeps emptying and
    /// refilling: still no trap, every cluster non-empty, sum of squares 0.
    func testEveryPointItsOwnCluster() {
        let points = Self.uniformPoints(9, 3, seed: 2)
        let result = KMeans.cluster(points, k: 9, settings: .init(replicates: 5), seed: 1)
        XCTAssertEqual(result.assignments, Array(0..<9))
        XCTAssertEqual(result.centroids, points)
        XCTAssertEqual(result.withinSumOfSquares, 0)
        XCTAssertTrue(result.converged)

        let duplicated = [[1.0, 2.0], [1.0, 2.0], [3.0, 0.5], [3.0, 0.5], [7.0, 7.0]]
        let crowded = KMeans.cluster(duplicated, k: 5, settings: .init(replicates: 4, maximumIterations: 10), seed: 4)
        XCTAssertEqual(Set(crowded.assignments), Set(0..<5))
        XCTAssertEqual(crowded.withinSumOfSquares, 0)
        XCTAssertEqual(KMeans.cluster([[4.0, -1.0]], k: 1, seed: 0).centroids, [[4.0, -1.0]])
    }

    /// k = 1: one cluster at the mean, after one update.
    func testOneCluster() {
        let points = Self.uniformPoints(30, 4, seed: 6)
        let result = KMeans.cluster(points, k: 1, settings: .init(replicates: 3), seed: 1)
        XCTAssertEqual(result.assignments, [Int](repeating: 0, count: 30))
        let mean = (0..<4).map { t in points.reduce(0) { $0 + $1[t] } / 30 }
        assertClose(result.centroids, [mean], 1e-12, "k = 1")
        let total = points.reduce(0) { s, p in s + zip(p, mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        XCTAssertEqual(result.withinSumOfSquares, total, accuracy: 1e-12 * total)
        XCTAssertEqual(result.iterations, 1)
        XCTAssertTrue(result.converged)
        XCTAssertEqual(result.replicate, 0)
    }

    func testSettingsDefaultsAndCoding() throws {
        let settings = KMeans.Settings()
        XCTAssertEqual(settings.replicates, 1000)
        XCTAssertEqual(settings.maximumIterations, 100)
        let decoded = try JSONDecoder().decode(KMeans.Settings.self, from: JSONEncoder().encode(settings))
        XCTAssertEqual(decoded, settings)
    }
}
