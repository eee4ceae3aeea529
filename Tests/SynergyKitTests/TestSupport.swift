import Foundation
import SynergyKit

/// Paths of the repository's test data, found from this file's location.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appendingPathComponent("Tests/SynergyKitTests/Fixtures")
    static let datasets = repository.appendingPathComponent("Datasets")
}

extension Matrix {
    /// Columns scaled to unit Euclidean norm.
    var unitColumns: Matrix {
        var result = self
        for j in 0..<columns {
            let norm = column(j).reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in 0..<rows { result[i, j] = self[i, j] / norm }
        }
        return result
    }
}

/// Deterministic pseudo-random numbers (SplitMix64) for test data, so a
/// failure repeats and the data do not depend on the library's generator.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A Float in [0, 1) from the top 24 bits.
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}

/// The numbers of a CSV file with a header row, leaving out its first (label) column.
func numericRows(_ url: URL) throws -> [[Double]] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
        line.split(separator: ",").dropFirst().map { Double($0)! }
    }
}

/// The one-to-one matching of the columns of `a` to columns of `b` (same
/// count) that maximises the summed scalar product of unit columns, by
/// enumerating permutations (fine for the ≤ 7 synergies tests use).
func bestMatching(_ a: Matrix, _ b: Matrix) -> [Double] {
    precondition(a.columns == b.columns && a.rows == b.rows && a.columns <= 8)
    let (ua, ub) = (a.unitColumns, b.unitColumns)
    var similarity = [[Double]](repeating: [], count: a.columns)
    for i in 0..<a.columns {
        similarity[i] = (0..<b.columns).map { j in zip(ua.column(i), ub.column(j)).reduce(0) { $0 + $1.0 * $1.1 } }
    }
    var best: [Double] = []
    var bestTotal = -Double.infinity
    func search(_ i: Int, _ used: Set<Int>, _ chosen: [Double]) {
        if i == a.columns {
            let total = chosen.reduce(0, +)
            if total > bestTotal { (bestTotal, best) = (total, chosen) }
            return
        }
        for j in 0..<b.columns where !used.contains(j) { search(i + 1, used.union([j]), chosen + [similarity[i][j]]) }
    }
    search(0, [], [])
    return best
}

/// Synthetic envelopes with planted synergies: W has a few dominant muscles per
/// synergy, C is a train of gait-locked bursts with stride-to-stride jitter,
/// and D = W·C + uniform noise. Drawn from a seeded generator, so fixed.
struct PlantedSynergies {
    let weights: Matrix       // muscles × k, unit columns
    let activations: Matrix   // k × samples
    let data: Matrix          // muscles × samples

    init(muscles: Int, synergies: Int, samples: Int, noise: Double, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var w = Matrix(rows: muscles, columns: synergies)
        for j in 0..<synergies {
            for i in 0..<muscles { w[i, j] = 0.05 * generator.nextUnit() }
            // Three principal muscles per synergy, each synergy its own block.
            for offset in 0..<3 { w[(j * 3 + offset) % muscles, j] = 0.6 + 0.4 * generator.nextUnit() }
        }
        weights = w.unitColumns
        var c = Matrix(rows: synergies, columns: samples)
        let samplesPerStride = 36.0  // 0.72 s strides at 20 ms bins
        for j in 0..<synergies {
            let phase = Double(j) / Double(synergies)
            var start = 0.0
            while start < Double(samples) {
                let stride = samplesPerStride * (0.9 + 0.2 * generator.nextUnit())
                let centre = start + stride * phase
                let amplitude = 0.7 + 0.6 * generator.nextUnit()
                let first = max(0, Int(centre - stride * 0.3)), last = min(samples, Int(centre + stride * 0.3) + 1)
                for t in first..<max(first, last) {
                    let x = (Double(t) - centre) / (stride * 0.1)
                    c[j, t] += amplitude * Foundation.exp(-0.5 * x * x)
                }
                start += stride
            }
        }
        activations = c
        var d = weights * activations
        for index in d.elements.indices { d.elements[index] += noise * generator.nextUnit() }
        data = d
    }
}
