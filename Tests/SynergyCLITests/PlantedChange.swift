import Foundation
import XCTest

/// Reading a `compare` run on a simulated training pair against what
/// `simulate --training-change` planted.
enum PlantedChange {
    /// The unit weights of a report's (or truth file's) `synergies`.
    static func weights(_ report: [String: Any]) throws -> [[Double]] {
        try XCTUnwrap(report["synergies"] as? [[String: Any]]).map { try XCTUnwrap($0["weights"] as? [Double]) }
    }

    static func cosine(_ x: [Double], _ y: [Double]) -> Double {
        let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / (nx * ny)
    }

    /// For each planted synergy, the index of the recovered one it corresponds to:
    /// the permutation maximising the total scalar product (brute force; ≤ 6 synergies).
    static func correspondence(planted: [[Double]], recovered: [[Double]]) -> [Int] {
        precondition(planted.count == recovered.count && planted.count <= 6)
        var best = (score: -Double.infinity, map: [Int]())
        func search(_ map: [Int], _ score: Double) {
            if map.count == planted.count {
                if score > best.score { best = (score, map) }
                return
            }
            for j in recovered.indices where !map.contains(j) {
                search(map + [j], score + cosine(planted[map.count], recovered[j]))
            }
        }
        search([], 0)
        return best.map
    }
}
