/// How the number of synergies is read off a rank sweep.
public struct RankCriterion: Codable, Sendable, Equatable {
    /// Which criterion: an R² threshold, curve linearity, or VAF.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The smallest rank with R² ≥ `threshold` (Cheung et al. 2020: 0.80).
        case r2
        /// Curve linearity (musclesyneRgies): the first rank r from which a
        /// least-squares line through the R²-versus-rank curve (ranks r … last)
        /// has mean squared error ≤ `threshold` (1e-4), or r − 1 when none before
        /// it does (`linearityRank`).
        case linearity
        /// The smallest rank with uncentred VAF = 1 − SSE/ΣD² ≥ `threshold`
        /// (commonly 0.90) and, if set, every muscle's VAF ≥ `perMuscleThreshold`.
        case vaf
    }

    /// Which criterion.
    public var kind: Kind
    /// R² or VAF floor (0 … 1), or the line-fit MSE ceiling for `linearity`.
    public var threshold: Double
    /// Every muscle's VAF floor (`vaf` only; nil: none).
    public var perMuscleThreshold: Double?

    /// A criterion of this kind and threshold (see `defaultThreshold(for:)`).
    public init(kind: Kind, threshold: Double, perMuscleThreshold: Double? = nil) {
        self.kind = kind
        self.threshold = threshold
        self.perMuscleThreshold = perMuscleThreshold
    }

    /// The threshold each kind uses when none is given.
    public static func defaultThreshold(for kind: Kind) -> Double {
        switch kind {
        case .r2: 0.80
        case .linearity: 1e-4
        case .vaf: 0.90
        }
    }

    /// The number of synergies for a sweep over ranks 1, 2, … (in order), or nil
    /// when no rank meets an R² or VAF threshold (curve linearity always gives a rank).
    public func select(from fits: [RankFit]) -> Int? {
        precondition(fits.enumerated().allSatisfy { $0.offset + 1 == $0.element.rank },
                     "a rank sweep starts at rank 1 and has no gaps")
        switch kind {
        case .r2:
            return fits.first { $0.r2 >= threshold }?.rank
        case .vaf:
            return fits.first { fit in
                fit.quality.vaf >= threshold
                    && (perMuscleThreshold.map { floor in fit.quality.muscleVAF.allSatisfy { $0 >= floor } } ?? true)
            }?.rank
        case .linearity:
            return Self.linearityRank(r2: fits.map(\.r2), maxMSE: threshold)
        }
    }

    /// musclesyneRgies' rule on an R² curve for ranks 1…r: for start = 1, 2, …
    /// fit a line to R²[start…r] against 1…(r − start + 1); the answer is the
    /// first start whose mean squared residual is ≤ `maxMSE`, or r − 1 when the
    /// search reaches it (two points always fit a line).
    public static func linearityRank(r2: [Double], maxMSE: Double) -> Int {
        let last = r2.count
        precondition(last >= 3, "curve linearity needs at least 3 ranks")
        var start = 1
        while start < last - 1 {
            let y = Array(r2[(start - 1)...])
            let x = Matrix(rows: y.count, columns: 2,
                           elements: Array(repeating: 1, count: y.count) + (1...y.count).map(Double.init))
            // The design matrix [1, x] of distinct x has full rank.
            let line = try! BLAS.leastSquares(x, y)
            let mse = y.enumerated().reduce(0.0) { sum, point in
                let residual = point.element - (line[0] + line[1] * Double(point.offset + 1))
                return sum + residual * residual
            } / Double(y.count)
            if mse <= maxMSE { break }
            start += 1
        }
        return start
    }
}
