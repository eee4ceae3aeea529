/// Multiplicative updates (Lee & Seung 2001) of a `ReplicateBatch`, per iteration
/// C ← C ∘ (WᵀD) ⊘ (WᵀW·C), then W ← W ∘ (DCᵀ) ⊘ (W·CCᵀ), every denominator
/// floored at the smallest normal double. The problem is solved as it is
/// (σ = 1), in double precision, and the R² tracked is exact.
///
/// C is kept as (R·k) × n, so that a sample's activations are contiguous for the
/// GEMMs: WᵀD is one GEMM for the whole batch, the k × k products stay per slot.
final class MultiplicativeUpdateWorkspace: ReplicateSolver {
    let scale = 1.0
    static let tracksApproximateR2 = false

    private let input: FactorizationInput
    private let rank: Int
    private let capacity: Int
    private let shared: SharedWorkspace
    /// MU blocks hold about 20 000 elements (160 KB) of each product, which
    /// measured fastest for k from 4 to 14.
    private let blocks: SampleBlocks

    // Column-major; slot s holds C rows s·k..<(s+1)·k and W columns likewise.
    private let activations: UnsafeMutablePointer<Double>           // C, Rk × n
    private let dataTimesWeights: UnsafeMutablePointer<Double>      // WᵀD of a block, Rk × block width
    private let gramTimesActivations: UnsafeMutablePointer<Double>  // WᵀW·C of a block, Rk × block width
    private let weightsTimesCross: UnsafeMutablePointer<Double>     // W·CCᵀ, m × Rk
    private let weightsTransposed: UnsafeMutablePointer<Double>     // Wᵀ, Rk × m

    init(input: FactorizationInput, rank: Int, capacity: Int, shared: SharedWorkspace) {
        self.input = input
        self.rank = rank
        self.capacity = capacity
        self.shared = shared
        let (m, n, stacked) = (input.muscles, input.samples, capacity * rank)
        blocks = SampleBlocks(samples: n, stackedRows: stacked, elements: 20_480)
        activations = .allocateZeroed(stacked * n)
        dataTimesWeights = .allocateZeroed(stacked * blocks.width)
        gramTimesActivations = .allocateZeroed(stacked * blocks.width)
        weightsTimesCross = .allocateZeroed(m * stacked)
        weightsTransposed = .allocateZeroed(m * stacked)
    }

    deinit {
        for pointer in [activations, dataTimesWeights, gramTimesActivations, weightsTimesCross, weightsTransposed] {
            pointer.deallocate()
        }
    }

    func loadStart(slot s: Int, activations start: Matrix) {
        let (n, k) = (input.samples, rank)
        start.elements.withUnsafeBufferPointer { c in
            for t in 0..<n {
                for j in 0..<k { activations[(s * k + j) + t * capacity * k] = c[j + t * k] }
            }
        }
    }

    func iterate(slots count: Int) {
        let (m, rows, ld, k) = (input.muscles, count * rank, capacity * rank, rank)
        let weights = shared.weights
        let p = MatrixView(start: shared.dataTimesActivations, rows: m, columns: rows, leadingDimension: m)
        // Wᵀ copied out once, so that WᵀD is a plain product (no transposed operand for BLAS to repack).
        let wt = MatrixView(start: weightsTransposed, rows: rows, columns: m, leadingDimension: ld)
        for i in 0..<m {
            for r in 0..<rows { wt[r, i] = weights[i + r * m] }
        }
        input.data.withView { data in
            blocks.forEach { start, width in
                let d = data.block(row: 0, column: start, rows: m, columns: width)
                let c = MatrixView(start: activations + start * ld, rows: rows, columns: width, leadingDimension: ld)
                BLAS.multiply(wt, d, into: MatrixView(start: dataTimesWeights, rows: rows, columns: width,
                                                      leadingDimension: ld))
                for s in 0..<count {
                    BLAS.multiply(shared.weightGramView(s), c.block(row: s * k, column: 0, rows: k, columns: width),
                                  into: MatrixView(start: gramTimesActivations + s * k, rows: k, columns: width,
                                                   leadingDimension: ld))
                }
                Self.multiplyByRatio(activations + start * ld, dataTimesWeights, gramTimesActivations,
                                     rows: rows, columns: width, leadingDimension: ld)
                BLAS.multiply(d, c, into: p, transposeB: true, beta: start == 0 ? 0 : 1)
                for s in 0..<count {
                    BLAS.gram(c.block(row: s * k, column: 0, rows: k, columns: width), into: shared.activationGramView(s),
                              accumulate: start > 0)
                }
            }
        }
        for s in 0..<count {
            BLAS.multiply(shared.weightsView(s), shared.activationGramView(s),
                          into: MatrixView(start: weightsTimesCross + s * k * m, rows: m, columns: k, leadingDimension: m))
        }
        Self.multiplyByRatio(weights, shared.dataTimesActivations, weightsTimesCross,
                             rows: m, columns: rows, leadingDimension: m)
        for s in 0..<count { shared.updateWeightGram(s) }
    }

    /// Nothing to end: the next iteration starts from the pair just scored.
    func endIteration(slot s: Int, error: Double) {}

    func rescale(row r: Int, by norm: Double) {
        let ld = capacity * rank
        for t in 0..<input.samples { activations[r + t * ld] *= norm }
    }

    @inline(__always)
    func activation(row r: Int, sample t: Int) -> Double {
        activations[r + t * capacity * rank]
    }

    func moveSlot(_ last: Int, to s: Int) {
        let (k, ld) = (rank, capacity * rank)
        for j in 0..<k {
            for t in 0..<input.samples { activations[(s * k + j) + t * ld] = activations[(last * k + j) + t * ld] }
        }
    }

    /// x ← x ∘ a ⊘ max(b, smallest normal), over a rows × columns block, eight
    /// elements at a time.
    private static func multiplyByRatio(_ x: UnsafeMutablePointer<Double>, _ a: UnsafeMutablePointer<Double>,
                                        _ b: UnsafeMutablePointer<Double>, rows: Int, columns: Int, leadingDimension: Int) {
        typealias Vector = SIMD8<Double>
        let floor = Double.leastNormalMagnitude
        let floors = Vector(repeating: floor)
        for j in 0..<columns {
            var i = j * leadingDimension
            let end = i + rows
            while i + Vector.scalarCount <= end {
                let xs = UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
                let numerators = UnsafeRawPointer(a + i).loadUnaligned(as: Vector.self)
                var denominators = UnsafeRawPointer(b + i).loadUnaligned(as: Vector.self)
                denominators.replace(with: floors, where: denominators .< floors)
                UnsafeMutableRawPointer(x + i).storeBytes(of: xs * numerators / denominators, as: Vector.self)
                i += Vector.scalarCount
            }
            while i < end {
                x[i] = x[i] * a[i] / max(b[i], floor)
                i += 1
            }
        }
    }
}
