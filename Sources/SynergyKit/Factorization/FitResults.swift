/// How one replicate ended.
public struct ReplicateSummary: Codable, Sendable, Equatable {
    /// The replicate's number within its rank, 0-based.
    public var replicate: Int
    /// R² of the replicate's fit, centred as the settings say.
    public var r2: Double
    /// Iterations run.
    public var iterations: Int
    /// False when the iteration cap stopped it before its stopping rule did.
    public var converged: Bool

    /// Whether this replicate is kept over `other`: a higher R², or an equal R²
    /// and a lower replicate number; a NaN R² loses to any number. This is a
    /// total order, so the replicate kept does not depend on the order in which
    /// replicates finish.
    func isBetter(than other: ReplicateSummary) -> Bool {
        switch (r2.isNaN, other.r2.isNaN) {
        case (false, true): true
        case (true, false): false
        case (true, true): replicate < other.replicate
        case (false, false): r2 > other.r2 || (r2 == other.r2 && replicate < other.replicate)
        }
    }
}

/// One replicate's factorisation D ≈ W·C: W (muscles × rank) with unit-norm
/// columns, C (rank × samples) scaled to keep W·C unchanged.
///
/// A fit keeps C at its solver's precision (`StoredActivations`): a sweep
/// holds every rank's best C, and in single precision that is half the memory.
public struct Factorization: Sendable, Equatable {
    /// W, muscles × rank, unit-norm columns.
    public var weights: Matrix
    /// C, rank × samples (computed from the stored values on each read).
    public var activations: Matrix {
        get { storedActivations.matrix }
        set { storedActivations = StoredActivations(newValue) }
    }
    /// How the replicate ended.
    public var summary: ReplicateSummary
    /// R² after each iteration, when the run was asked to keep it.
    public var r2History: [Double]?
    /// C as kept.
    var storedActivations: StoredActivations

    public init(weights: Matrix, activations: Matrix, summary: ReplicateSummary, r2History: [Double]?) {
        self.init(weights: weights, storedActivations: StoredActivations(activations), summary: summary,
                  r2History: r2History)
    }

    init(weights: Matrix, storedActivations: StoredActivations, summary: ReplicateSummary, r2History: [Double]?) {
        self.weights = weights
        self.storedActivations = storedActivations
        self.summary = summary
        self.r2History = r2History
    }

    /// Whether every element of C is finite, without building C.
    public var activationsAreFinite: Bool { storedActivations.allFinite }

    public static func == (a: Factorization, b: Factorization) -> Bool {
        a.weights == b.weights && a.summary == b.summary && a.r2History == b.r2History && a.activations == b.activations
    }
}

/// C (rank × samples) as a solver leaves it: Cⱼₜ = (xⱼₜ · aⱼ) / σ, with x the
/// solver's value at its own precision, aⱼ the norm of W's column j before it
/// was scaled to one (0 for a zero column, whose row of C is zero) and σ the
/// power of two the solver scaled the problem by. Kept in single precision
/// when the solver works in it, `matrix` gives back exactly the doubles that
/// computing C directly would.
struct StoredActivations: Sendable {
    let rows: Int
    let columns: Int
    private enum Values: Sendable {
        case single([Float])        // x, row-major
        case double([Double])       // x, row-major
        case matrix(Matrix)         // C itself
    }
    private let values: Values
    private let rowFactors: [Double]
    private let divisor: Double

    /// C itself, kept in double.
    init(_ activations: Matrix) {
        (rows, columns) = (activations.rows, activations.columns)
        values = .matrix(activations)
        rowFactors = []
        divisor = 1
    }

    /// C from row-major single-precision solver values x (`rows × columns`), the row factors aⱼ and σ.
    init(rows: Int, columns: Int, single x: [Float], rowFactors: [Double], divisor: Double) {
        precondition(x.count == rows * columns)
        self.init(rows: rows, columns: columns, values: .single(x), rowFactors: rowFactors, divisor: divisor)
    }

    /// C from row-major double-precision solver values x, the row factors aⱼ and σ.
    init(rows: Int, columns: Int, double x: [Double], rowFactors: [Double], divisor: Double) {
        precondition(x.count == rows * columns)
        self.init(rows: rows, columns: columns, values: .double(x), rowFactors: rowFactors, divisor: divisor)
    }

    private init(rows: Int, columns: Int, values: Values, rowFactors: [Double], divisor: Double) {
        precondition(rowFactors.count == rows)
        (self.rows, self.columns, self.values, self.rowFactors, self.divisor) = (rows, columns, values, rowFactors, divisor)
    }

    /// C as a matrix of doubles.
    var matrix: Matrix {
        var c = Matrix(rows: rows, columns: columns)
        c.elements.withUnsafeMutableBufferPointer { copyColumns(0..<columns, into: $0.baseAddress!) }
        return c
    }

    /// Columns `range` of C into `out`, column-major, `rows` apart.
    func copyColumns(_ range: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        switch values {
        case .matrix(let c):
            c.elements.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + range.lowerBound * rows,
                                                            count: rows * range.count) }
        case .single(let x): x.withUnsafeBufferPointer { x in fill(range, out) { Double(x[$0]) } }
        case .double(let x): x.withUnsafeBufferPointer { x in fill(range, out) { x[$0] } }
        }
    }

    /// Whether every element of C is finite.
    var allFinite: Bool {
        switch values {
        case .matrix(let c): return c.elements.allSatisfy(\.isFinite)
        case .single(let x): return allFinite { Double(x[$0]) }
        case .double(let x): return allFinite { x[$0] }
        }
    }

    private func element(_ j: Int, _ t: Int, _ x: (Int) -> Double) -> Double {
        rowFactors[j] > 0 ? x(t + j * columns) * rowFactors[j] / divisor : 0
    }

    private func fill(_ range: Range<Int>, _ out: UnsafeMutablePointer<Double>, _ x: (Int) -> Double) {
        for j in 0..<rows {
            for t in range { out[j + (t - range.lowerBound) * rows] = element(j, t, x) }
        }
    }

    private func allFinite(_ x: (Int) -> Double) -> Bool {
        for j in 0..<rows {
            for t in 0..<columns where !element(j, t, x).isFinite { return false }
        }
        return true
    }
}

/// All replicates of one rank, and the one kept: the highest R²
/// (ties go to the lower replicate number).
public struct RankFit: Sendable, Equatable {
    /// The rank k, the number of synergies.
    public var rank: Int
    /// The kept replicate: the highest R².
    public var best: Factorization
    /// Every replicate of the rank, in replicate order.
    public var replicates: [ReplicateSummary]
    /// VAF and per-muscle VAF of the kept replicate.
    public var quality: FitQuality

    /// R² of the kept replicate.
    public var r2: Double { best.summary.r2 }
}
