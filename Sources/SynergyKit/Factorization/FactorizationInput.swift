/// The matrix D (muscles × samples) to factorise, with the sums every fit
/// needs: kept as a `Matrix` and as two raw copies the solvers read
/// concurrently, D and its transpose (both column-major).
public final class FactorizationInput: @unchecked Sendable {
    public let muscles: Int
    public let samples: Int
    /// D as the solvers see it (after `replaceNonPositive`, if the settings ask).
    public let data: Matrix
    /// ‖D‖² = Σᵢⱼ Dᵢⱼ².
    public let sumOfSquares: Double
    /// SST, the denominator of R², centred as the settings say.
    public let centredSumOfSquares: Double
    public let minimum: Double
    public let maximum: Double
    private let storage: UnsafeMutablePointer<Double>
    private let transposedStorage: UnsafeMutablePointer<Double>

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
        storage = .allocate(capacity: values.elements.count)
        storage.initialize(from: values.elements, count: values.elements.count)
        transposedStorage = .allocate(capacity: values.elements.count)
        transposedStorage.initialize(from: values.transposed.elements, count: values.elements.count)
    }

    deinit {
        storage.deallocate()
        transposedStorage.deallocate()
    }

    /// D as a read-only view for BLAS.
    var view: MatrixView {
        MatrixView(start: storage, rows: muscles, columns: samples, leadingDimension: muscles)
    }

    /// Dᵀ (samples × muscles), kept so that products with Dᵀ need no transposition.
    var transposedView: MatrixView {
        MatrixView(start: transposedStorage, rows: samples, columns: muscles, leadingDimension: samples)
    }
}
