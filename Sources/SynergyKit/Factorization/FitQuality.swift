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

    /// Columns of W·C per block of `reconstruct` and `sumOverBlocks`.
    private static let blockWidth = 4096

    /// W·C a block of 4 096 columns at a time, in column order:
    /// `body(first column, columns, W·C of the block, m × columns)`. The
    /// elements are those of the whole product; the blocks keep the memory
    /// small (two blocks, not C in double and W·C whole).
    static func reconstruct(weights: Matrix, activations: StoredActivations,
                            _ body: (Int, Int, UnsafePointer<Double>) -> Void) {
        let buffers = ReconstructionBuffers(weights: weights, activations: activations)
        for first in stride(from: 0, to: activations.columns, by: blockWidth) {
            let count = min(blockWidth, activations.columns - first)
            body(first, count, buffers.reconstruct(first..<(first + count), weights: weights, activations: activations))
        }
    }

    /// Σ over the blocks of `reconstruct` of `value(first column, columns, W·C
    /// of the block)`, the blocks shared out among `workers` threads and their
    /// values summed in block order: the same sum for any number of workers.
    static func sumOverBlocks(weights: Matrix, activations: StoredActivations, workers: Int,
                              _ value: @Sendable (Int, Int, UnsafePointer<Double>) -> Double) -> Double {
        let blocks = (activations.columns + blockWidth - 1) / blockWidth
        let workers = max(1, min(workers, blocks))
        // Worker w takes blocks w, w + workers, … with its own buffers.
        let values = parallelMap(count: workers, workers: workers) { worker in
            let buffers = ReconstructionBuffers(weights: weights, activations: activations)
            return stride(from: worker, to: blocks, by: workers).map { b in
                let (first, count) = (b * blockWidth, min(blockWidth, activations.columns - b * blockWidth))
                return (b, value(first, count, buffers.reconstruct(first..<(first + count), weights: weights,
                                                                   activations: activations)))
            }
        }
        return values.joined().sorted { $0.0 < $1.0 }.reduce(0) { $0 + $1.1 }
    }

    /// One thread's C and W·C of a block, in double.
    private final class ReconstructionBuffers {
        private let block: UnsafeMutablePointer<Double>
        private let fitted: UnsafeMutablePointer<Double>

        init(weights: Matrix, activations: StoredActivations) {
            let (m, k, width) = (weights.rows, weights.columns, min(FitQuality.blockWidth, activations.columns))
            precondition(activations.rows == k)
            block = .allocate(capacity: max(1, k * width))
            fitted = .allocate(capacity: max(1, m * width))
        }

        deinit {
            block.deallocate()
            fitted.deallocate()
        }

        /// W·C over `columns`, m × columns.
        func reconstruct(_ columns: Range<Int>, weights: Matrix, activations: StoredActivations) -> UnsafePointer<Double> {
            let (m, k) = (weights.rows, weights.columns)
            activations.copyColumns(columns, into: block)
            weights.withView { w in
                BLAS.multiply(w, MatrixView(start: block, rows: k, columns: columns.count, leadingDimension: max(k, 1)),
                              into: MatrixView(start: fitted, rows: m, columns: columns.count, leadingDimension: max(m, 1)))
            }
            return UnsafePointer(fitted)
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
