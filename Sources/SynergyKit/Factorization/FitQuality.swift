/// Goodness of fit of a reconstruction W·C of D.
public struct FitQuality: Codable, Sendable, Equatable {
    /// Uncentred variance accounted for, 1 − SSE / Σᵢⱼ Dᵢⱼ².
    public var vaf: Double
    /// The same per muscle, 1 − SSEᵢ / Σⱼ Dᵢⱼ², in the order of D's rows.
    public var muscleVAF: [Double]

    /// Computed from the explicit residual D − W·C.
    public init(data: Matrix, weights: Matrix, activations: Matrix) {
        let reconstruction = weights * activations
        var residual = Array(repeating: 0.0, count: data.rows)
        var total = Array(repeating: 0.0, count: data.rows)
        for j in 0..<data.columns {
            for i in 0..<data.rows {
                let value = data[i, j]
                let error = value - reconstruction[i, j]
                residual[i] += error * error
                total[i] += value * value
            }
        }
        vaf = 1 - residual.reduce(0, +) / total.reduce(0, +)
        muscleVAF = zip(residual, total).map { $1 > 0 ? 1 - $0 / $1 : 1 }
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
