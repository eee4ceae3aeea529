import XCTest
@testable import SynergyKit

/// Percentiles against NumPy (fixture: Scripts/fixtures/make_bootstrap_fixtures.py).
final class BootstrapSummaryTests: XCTestCase {
    struct Fixture: Decodable {
        struct Continuous: Decodable { var values: [Double]; var percentiles: [String: Double] }
        struct Counts: Decodable { var counts: [Int?]; var interval: [Int?] }
        var continuous: [Continuous]
        var counts: [Counts]
    }

    static let fixture: Fixture = {
        let url = TestPaths.fixtures.appendingPathComponent("bootstrap/percentiles.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// Linear interpolation as numpy.percentile's default, to 1e-12.
    func testContinuousPercentilesMatchNumPy() {
        XCTAssertEqual(Self.fixture.continuous.count, 6)
        for testCase in Self.fixture.continuous {
            for (q, expected) in testCase.percentiles {
                let value = BootstrapSummary.percentile(testCase.values, Double(q)! / 100)
                XCTAssertEqual(value, expected, accuracy: 1e-12, "n = \(testCase.values.count), q = \(q)")
            }
        }
    }

    /// The count interval is numpy.percentile(method='inverted_cdf'), no count above every rank.
    func testCountIntervalMatchesNumPyInvertedCDF() {
        XCTAssertEqual(Self.fixture.counts.count, 7)
        for testCase in Self.fixture.counts {
            let interval = [BootstrapSummary.countPercentile(testCase.counts, 0.025),
                            BootstrapSummary.countPercentile(testCase.counts, 0.975)]
            XCTAssertEqual(interval, testCase.interval, "\(testCase.counts)")
        }
    }

    /// JSON as the reports write it.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The summary of hand-made resamples: distribution with null last, interval, R² ranks, stability.
    func testSummaryOfResamples() throws {
        func resample(_ count: Int?, _ r2: [Double], _ similarity: [Double]) -> SessionBootstrap.Resample {
            .init(count: count, r2: r2, firstRank: 1, weights: Matrix(rows: 2, columns: 2), matchedTo: [0, 1],
                  similarity: similarity)
        }
        let results = [resample(2, [0.5, 0.9, 0.95], [1, 0.9]), resample(nil, [0.4, 0.7], [0.98, 0.5]),
                       resample(2, [0.6, 0.85, 0.9], [0.99, 0.8]), resample(3, [0.3, 0.75, 0.82], [0.97, 0.7])]
        let units = try ResamplingUnits.blocks(time: (0..<100).map { Double($0) * 0.02 }, seconds: 0.5)
        let summary = BootstrapSummary(results, units: units, sweep: true)
        XCTAssertEqual(summary.countDistribution, [.init(count: 2, resamples: 2), .init(count: 3, resamples: 1),
                                                   .init(count: nil, resamples: 1)])
        XCTAssertEqual(summary.countInterval, [2, nil])
        XCTAssertEqual(summary.r2.map(\.rank), [1, 2], "only the ranks every resample fitted")
        XCTAssertEqual(summary.r2[1].median, 0.8, accuracy: 1e-15)
        XCTAssertEqual(summary.synergies[1].medianSimilarity, 0.75, accuracy: 1e-15)
        XCTAssertEqual(summary.units, 4)
        XCTAssertEqual(summary.unit, .block)
        let json = try Self.json(summary)
        XCTAssertTrue(json.contains("\"count\" : null"), json)
        XCTAssertTrue(json.contains("\"count_interval\" : [\n    2,\n    null\n  ]"), json)
        let extract = BootstrapSummary(results, units: units, sweep: false)
        XCTAssertNil(extract.countInterval)
        XCTAssertFalse(try Self.json(extract).contains("count_"))
    }
}
