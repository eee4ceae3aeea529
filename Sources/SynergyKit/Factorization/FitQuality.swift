/// Goodness of fit of a reconstruction W·C of D.
public struct FitQuality: Codable, Sendable, Equatable {
    /// Uncentred variance accounted for, 1 − SSE / Σᵢⱼ Dᵢⱼ².
    public var vaf: Double
    /// The same per muscle, 1 − SSEᵢ / Σⱼ Dᵢⱼ², in the order of D's rows.
    public var muscleVAF: [Double]

    /// Computed from the explicit residual D − W·C.
    public init(data: Matrix, weights: Matrix, activations: Matrix) {
        self.init(data: data, weights: weights, activations: StoredActivations(activations))
    }

    /// Computed from the explicit residual D − W·C, C as a fit keeps it.
    init(data: Matrix, weights: Matrix, activations: StoredActivations) {
        var residual = Array(repeating: 0.0, count: data.rows)
        var total = Array(repeating: 0.0, count: data.rows)
        Self.reconstruct(weights: weights, activations: activations) { first, count, fitted in
            for c in 0..<count {
                for i in 0..<data.rows {
                    let value = data[i, first + c]
                    let error = value - fitted[i + c * data.rows]
                    residual[i] += error * error
                    total[i] += value * value
                }
            }
        }
        vaf = 1 - residual.reduce(0, +) / total.reduce(0, +)
        muscleVAF = zip(residual, total).map { $1 > 0 ? 1 - $0 / $1 : 1 }
    }

    /// W·C a block of 4 096 columns at a time, in column order:
    /// `body(first column, columns, W·C of the block, m × columns)`. The
    /// elements are those of the whole product; the blocks keep the memory
    /// small (two blocks, not C in double and W·C whole).
    static func reconstruct(weights: Matrix, activations: StoredActivations,
                            _ body: (Int, Int, UnsafePointer<Double>) -> Void) {
        let (m, k, n, width) = (weights.rows, weights.columns, activations.columns, 4096)
        precondition(activations.rows == k)
        let block = UnsafeMutablePointer<Double>.allocate(capacity: max(1, k * min(width, n)))
        let fitted = UnsafeMutablePointer<Double>.allocate(capacity: max(1, m * min(width, n)))
        defer { block.deallocate(); fitted.deallocate() }
        weights.withView { w in
            for first in stride(from: 0, to: n, by: width) {
                let count = min(width, n - first)
                activations.copyColumns(first..<(first + count), into: block)
                BLAS.multiply(w, MatrixView(start: block, rows: k, columns: count, leadingDimension: max(k, 1)),
                              into: MatrixView(start: fitted, rows: m, columns: count, leadingDimension: max(m, 1)))
                body(first, count, fitted)
            }
        }
    }

    /// SST = Σᵢⱼ (Dᵢⱼ − μ)², with μ each muscle's mean or the grand mean.
    public static func totalSumOfSquares(_ data: Matrix, centring: R2Centring) -> Double {
        guard data.rows > 0, data.columns > 0 else { return 0 }
        switch centring {
        case .grandMean:
            let mean = data.elements.reduce(0, +) / Double(data.elements.count)
            return data.elements.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        case .muscleMean:
            var total = 0.0
            for i in 0..<data.rows {
                let row = data.row(i)
                let mean = row.reduce(0, +) / Double(row.count)
                total += row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            }
            return total
        }
    }
}
