import Synchronization

/// The matrix D (muscles × samples) to factorise, with the sums every fit
/// needs, all immutable, so the solvers read one input concurrently.
public final class FactorizationInput: Sendable {
    /// m, the rows of D.
    public let muscles: Int
    /// n, the columns of D (envelope bins or cycle points).
    public let samples: Int
    /// D as the solvers see it (after `replaceNonPositive`, if the settings ask).
    public let data: Matrix
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

    /// Dᵀ·σ in single precision, made on first use and shared by every
    /// single-precision batch of a sweep (HALS and MU read it).
    private let singleScaled = Mutex<SingleScaledData?>(nil)

    /// Dᵀ·σ (n × m) in single precision, σ = `unitScale`.
    var singleScaledData: SingleScaledData {
        singleScaled.withLock { stored in
            if let stored { return stored }
            let made = SingleScaledData(data, scale: unitScale)
            stored = made
            return made
        }
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
        muscles = values.rows
        samples = values.columns
        minimum = values.elements.min() ?? 0
        maximum = values.elements.max() ?? 0
        sumOfSquares = values.elements.reduce(0) { $0 + $1 * $1 }
        centredSumOfSquares = FitQuality.totalSumOfSquares(values, centring: settings.r2Centring)
    }
}

/// Dᵀ·σ in single precision, column-major (row i of D contiguous over the
/// samples), written once and then only read.
final class SingleScaledData: @unchecked Sendable {
    /// Dᵀ·σ, n × m.
    let transposed: UnsafeMutablePointer<Float>

    init(_ d: Matrix, scale: Double) {
        let (m, n) = (d.rows, d.columns)
        transposed = .allocate(capacity: m * n)
        for t in 0..<n {
            for i in 0..<m { transposed[t + i * n] = Float(d.elements[i + t * m] * scale) }
        }
    }

    deinit {
        transposed.deallocate()
    }
}
