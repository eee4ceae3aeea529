import XCTest
@testable import SynergyKit

final class ComparisonSupportTests: XCTestCase {
    /// Unit vectors on 4 muscles.
    static func weights(_ columns: [[Double]]) -> Matrix {
        Matrix(rows: 4, columns: columns.count, elements: columns.flatMap { $0 }).unitColumns
    }

    static let a = weights([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])
    /// B: A1 kept, A2 and A3 merged.
    static let b = weights([[1, 0, 0, 0], [0, 1, 1, 0]])

    static func resample(_ w: Matrix, matchedTo: [Int]) -> SessionBootstrap.Resample {
        .init(count: w.columns, r2: [0.9], firstRank: 1, weights: w, matchedTo: matchedTo,
              similarity: Array(repeating: 1, count: w.columns))
    }

    /// Support counts a resample only when its instance maps onto the full data's through `matchedTo`.
    func testSupportIsTheShareOfPairedResamplesShowingTheInstance() throws {
        let full = try SynergyComparison(a: Self.a, b: Self.b)
        XCTAssertEqual(full.matches.map { [$0.a, $0.b] }, [[0, 0]])
        XCTAssertEqual(full.merging.map(\.target), [1])
        XCTAssertEqual(full.merging.first?.sources, [1, 2])
        // A's resamples: the same synergies, listed in another order in two of them.
        let permutedA = Self.weights([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
        let resamplesA = [Self.resample(Self.a, matchedTo: [0, 1, 2]), Self.resample(permutedA, matchedTo: [2, 0, 1]),
                          Self.resample(permutedA, matchedTo: [2, 0, 1]), Self.resample(Self.a, matchedTo: [0, 1, 2])]
        // B's: the merging lost in the last (its second synergy is A2 alone), B listed swapped in the second.
        let swappedB = Self.weights([[0, 1, 1, 0], [1, 0, 0, 0]])
        let unmerged = Self.weights([[1, 0, 0, 0], [0, 1, 0, 0.05]])
        let resamplesB = [Self.resample(Self.b, matchedTo: [0, 1]), Self.resample(swappedB, matchedTo: [1, 0]),
                          Self.resample(Self.b, matchedTo: [0, 1]), Self.resample(unmerged, matchedTo: [0, 1])]
        let support = try ComparisonSupport(full, a: resamplesA, b: resamplesB)
        XCTAssertEqual(support.matches, [1.0])
        XCTAssertEqual(support.merging, [0.75])
        XCTAssertEqual(support.fractionation, [])
        // A wrong mapping breaks it: the same resamples read as other synergies are not the instance.
        let misread = resamplesA.map { Self.resample($0.weights, matchedTo: [1, 2, 0]) }
        let none = try ComparisonSupport(full, a: misread, b: resamplesB)
        XCTAssertEqual(none.merging, [0.0])
        let report = ComparisonReport(
            sources: .init(a: .init(kind: "raw", path: "a", sha256: "", droppedMuscles: []),
                           b: .init(kind: "raw", path: "b", sha256: "", droppedMuscles: [])),
            muscles: ["M1", "M2", "M3", "M4"], sessionScale: "per_session",
            a: Self.report(Self.a), b: Self.report(Self.b), comparison: full, crossFit: [], support: support)
        XCTAssertEqual(report.matches.first?.support, 1.0)
        XCTAssertEqual(report.merging.first?.support, 0.75)
    }

    static func report(_ w: Matrix) -> SynergyReport {
        SynergyReport(toolVersion: "", command: "count", input: .init(path: "", sha256: "", format: "envelope", samples: 1),
                      protocol: .cheung2020, seed: 1, muscles: ["M1", "M2", "M3", "M4"], ranks: [], count: w.columns,
                      rank: w.columns, synergies: (0..<w.columns).map { .init(weights: w.column($0)) }, activationsCsv: "")
    }
}
