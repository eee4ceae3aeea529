/// The matrix D (muscles × samples) to factorise, with the sums every fit
/// needs and its transpose, all immutable, so the solvers read one input
/// concurrently.
public final class FactorizationInput: Sendable {
    /// m, the rows of D.
    public let muscles: Int
    /// n, the columns of D (envelope bins or cycle points).
    public let samples: Int
    /// D as the solvers see it (after `replaceNonPositive`, if the settings ask).
    public let data: Matrix
    /// Dᵀ (samples × muscles), kept so that products with Dᵀ need no transposition.
    let transposedData: Matrix
    /// ‖D‖² = Σᵢⱼ Dᵢⱼ².
    public let sumOfSquares: Double
    /// SST, the denominator of R², centred as the settings say.
    public let centredSumOfSquares: Double
    /// min D (after replacement), the lower end of the `uniformMinToMax` starts.
    public let minimum: Double
    /// max D, the upper end of the random starts.
    public let maximum: Double

    /// σ = 2^−⌊log₂ max D⌋, the power of two that brings max D·σ into [1, 2)
    /// (1 for an all-zero D): the single-precision solvers work on D·σ, so that
    /// their floors and range suit envelopes in any unit. The scaling is exact.
    public var unitScale: Double {
        maximum > 0 ? Double(sign: .plus, exponent: -maximum.exponent, significand: 1) : 1
    }

    /// Prepares `data` (muscles × samples, non-negative and finite) for `settings`.
    public init(_ data: Matrix, settings: FactorizationSettings) {
        var values = data
        if settings.replaceNonPositive, let smallestPositive = values.elements.filter({ $0 > 0 }).min() {
            for index in values.elements.indices where values.elements[index] <= 0 {
                values.elements[index] = smallestPositive
            }
        }
        self.data = values
        transposedData = values.transposed
        muscles = values.rows
        samples = values.columns
        minimum = values.elements.min() ?? 0
        maximum = values.elements.max() ?? 0
        sumOfSquares = values.elements.reduce(0) { $0 + $1 * $1 }
        centredSumOfSquares = FitQuality.totalSumOfSquares(values, centring: settings.r2Centring)
    }
}
