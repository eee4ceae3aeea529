/// Multiplicative updates (Lee & Seung 2001) of a `ReplicateBatch`, per iteration
/// C ← max(ε, C ∘ (WᵀD) ⊘ (WᵀW·C)), then W ← W ∘ (DCᵀ) ⊘ (W·CCᵀ), every
/// denominator floored at the smallest normal number of `Scalar`.
///
/// The work over samples (WᵀD, WᵀW·C, the update of C, DCᵀ and CCᵀ) runs in
/// `Scalar`; W, the k × k products, the error and R² stay double, and DCᵀ and
/// CCᵀ are summed over the sample blocks in double.
/// - `Double` solves the problem as it is (σ = 1, ε = 0): the R² tracked is
///   exact and the trajectory is that of a plain double-precision implementation.
/// - `Float` (`FactorizationPrecision.single`) has twice the SIMD width and half
///   the memory traffic. It solves D·σ with HALS's power of two σ (max D·σ in
///   [1, 2)) and floors C at HALS's ε = 10⁻¹⁶ · max D·σ, so that no value of C
///   becomes subnormal (slow, then 0 for good). Its running R² is within about
///   1e-5 of the exact one, so the R² reported for a replicate is recomputed
///   from its explicit residual.
///
/// C is kept as (R·k) × n, so that a sample's activations are contiguous for the
/// GEMMs: WᵀD is one GEMM for the whole batch, the k × k products stay per slot.
final class MultiplicativeUpdateWorkspace<Scalar: BLASScalar>: ReplicateSolver {
    let scale: Double
    static var tracksApproximateR2: Bool { Scalar.self != Double.self }
    static var activationsAreSingle: Bool { Scalar.self == Float.self }

    private let input: FactorizationInput
    private let rank: Int
    private let capacity: Int
    private let shared: SharedWorkspace
    /// ε, the floor on every element of C (0 in double precision).
    private let floor: Scalar
    /// MU blocks hold about 20 000 elements of each product in double and 40 000
    /// in single (160 KB either way), which measured fastest for k from 4 to 14.
    private let blocks: SampleBlocks

    // Column-major; slot s holds C rows s·k..<(s+1)·k and W columns likewise.
    private let data: UnsafeMutablePointer<Scalar>                  // D·σ, m × n
    private let activations: UnsafeMutablePointer<Scalar>           // C, Rk × n
    private let dataTimesWeights: UnsafeMutablePointer<Scalar>      // WᵀD of a block, Rk × block width
    private let gramTimesActivations: UnsafeMutablePointer<Scalar>  // WᵀW·C of a block, Rk × block width
    private let weightsTransposed: UnsafeMutablePointer<Scalar>     // Wᵀ, Rk × m
    private let weightGram: UnsafeMutablePointer<Scalar>            // WᵀW per slot, k × k each
    private let blockCross: UnsafeMutablePointer<Scalar>            // DCᵀ of a block, m × Rk (single precision only)
    private let blockGram: UnsafeMutablePointer<Scalar>             // CCᵀ of a block for one slot, k × k
    private let weightsTimesCross: UnsafeMutablePointer<Double>     // W·CCᵀ, m × Rk
    /// Factors C's rows are still to be multiplied by (`rescale`), 1 where none;
    /// the next iteration applies them block by block, while the block is in cache.
    private let pendingFactors: UnsafeMutablePointer<Scalar>        // Rk
    private var pendingSlots: [Bool]

    /// MU runs each iteration on one thread (`workers` is not used): its batches run side by side.
    init(input: FactorizationInput, rank: Int, capacity: Int, workers: Int, shared: SharedWorkspace) {
        self.input = input
        self.rank = rank
        self.capacity = capacity
        self.shared = shared
        let double = Scalar.self == Double.self
        scale = double ? 1 : input.unitScale
        floor = double ? 0 : Scalar(1e-16 * input.maximum * scale)
        let (m, n, k, stacked) = (input.muscles, input.samples, rank, capacity * rank)
        blocks = SampleBlocks(samples: n, stackedRows: stacked, elements: double ? 20_480 : 40_960)
        data = .allocateZeroed(m * n)
        activations = .allocateZeroed(stacked * n)
        dataTimesWeights = .allocateZeroed(stacked * blocks.width)
        gramTimesActivations = .allocateZeroed(stacked * blocks.width)
        weightsTransposed = .allocateZeroed(m * stacked)
        weightGram = .allocateZeroed(capacity * k * k)
        blockCross = .allocateZeroed(double ? 0 : m * stacked)
        blockGram = .allocateZeroed(k * k)
        weightsTimesCross = .allocateZeroed(m * stacked)
        pendingFactors = .allocate(capacity: stacked)
        pendingFactors.initialize(repeating: 1, count: stacked)
        pendingSlots = Array(repeating: false, count: capacity)
        for index in 0..<(m * n) { data[index] = Scalar(input.data.elements[index] * scale) }
    }

    deinit {
        for pointer in [data, activations, dataTimesWeights, gramTimesActivations, weightsTransposed, weightGram,
                        blockCross, blockGram, pendingFactors] {
            pointer.deallocate()
        }
        weightsTimesCross.deallocate()
    }

    func loadStart(slot s: Int, activations start: Matrix) {
        let (n, k) = (input.samples, rank)
        start.elements.withUnsafeBufferPointer { c in
            for t in 0..<n {
                for j in 0..<k { activations[(s * k + j) + t * capacity * k] = Scalar(c[j + t * k] * scale) }
            }
        }
    }

    func iterate(slots count: Int) {
        let (m, rows, ld, k) = (input.muscles, count * rank, capacity * rank, rank)
        let weights = shared.weights
        // Wᵀ copied out once, so that WᵀD is a plain product (no transposed operand for BLAS to repack).
        let wt = StridedMatrixView(start: weightsTransposed, rows: rows, columns: m, leadingDimension: ld)
        for i in 0..<m {
            for r in 0..<rows { wt[r, i] = Scalar(weights[i + r * m]) }
        }
        for index in 0..<(count * k * k) { weightGram[index] = Scalar(shared.weightGram[index]) }
        let d = StridedMatrixView(start: data, rows: m, columns: input.samples, leadingDimension: m)
        let single = Scalar.self != Double.self
        let rescaled = (0..<count).filter { pendingSlots[$0] }
        blocks.forEach { start, width in
            let block = d.block(row: 0, column: start, rows: m, columns: width)
            let c = StridedMatrixView(start: activations + start * ld, rows: rows, columns: width, leadingDimension: ld)
            if !rescaled.isEmpty {
                // Every active row at once (a factor of 1 leaves a row exactly as it is), contiguous per sample.
                for t in 0..<width {
                    let column = c.start + t * ld
                    for r in 0..<rows { column[r] *= pendingFactors[r] }
                }
            }
            BLAS.multiply(wt, block, into: StridedMatrixView(start: dataTimesWeights, rows: rows, columns: width,
                                                             leadingDimension: ld))
            // Zeroed here at once, so that each slot's product adds to it (β = 1, no zeroing per k-row column).
            gramTimesActivations.update(repeating: 0, count: ld * width)
            for s in 0..<count {
                BLAS.multiply(StridedMatrixView(start: weightGram + s * k * k, rows: k, columns: k, leadingDimension: k),
                              c.block(row: s * k, column: 0, rows: k, columns: width),
                              into: StridedMatrixView(start: gramTimesActivations + s * k, rows: k, columns: width,
                                                      leadingDimension: ld), beta: 1)
            }
            Self.multiplyByRatio(activations + start * ld, dataTimesWeights, gramTimesActivations,
                                 rows: rows, columns: width, leadingDimension: ld, floor: floor)
            let first = start == 0
            if single {
                BLAS.multiply(block, c, into: StridedMatrixView(start: blockCross, rows: m, columns: rows,
                                                                leadingDimension: m), transposeB: true)
                shared.dataTimesActivations.accumulate(blockCross, count: m * rows, first: first)
                for s in 0..<count {
                    BLAS.gram(c.block(row: s * k, column: 0, rows: k, columns: width),
                              into: StridedMatrixView(start: blockGram, rows: k, columns: k, leadingDimension: k))
                    (shared.activationGram + s * k * k).accumulate(blockGram, count: k * k, first: first)
                }
            } else {
                // Double: BLAS sums the blocks in place, DCᵀ and CCᵀ having the type of the shared workspace.
                BLAS.multiply(block, c, into: StridedMatrixView(start: shared.dataTimesActivations, rows: m, columns: rows,
                                                                leadingDimension: m).rebound(to: Scalar.self),
                              transposeB: true, beta: first ? 0 : 1)
                for s in 0..<count {
                    BLAS.gram(c.block(row: s * k, column: 0, rows: k, columns: width),
                              into: shared.activationGramView(s).rebound(to: Scalar.self), accumulate: !first)
                }
            }
        }
        for s in rescaled {
            (pendingFactors + s * k).update(repeating: 1, count: k)
            pendingSlots[s] = false
        }
        for s in 0..<count {
            BLAS.multiply(shared.weightsView(s), shared.activationGramView(s),
                          into: MatrixView(start: weightsTimesCross + s * k * m, rows: m, columns: k, leadingDimension: m))
        }
        Self.multiplyByRatio(weights, shared.dataTimesActivations, weightsTimesCross,
                             rows: m, columns: rows, leadingDimension: m, floor: 0)
        for s in 0..<count { shared.updateWeightGram(s) }
    }

    /// Nothing to end: the next iteration starts from the pair just scored.
    func endIteration(slot s: Int, error: Double) {}

    /// Records the factors; the next iteration (or `activation`) applies them.
    func rescale(slot s: Int, by norms: [Double]) {
        for (j, norm) in norms.enumerated() where norm > 0 { pendingFactors[s * rank + j] *= Scalar(norm) }
        pendingSlots[s] = true
    }

    /// C's row, with the factors still pending applied as the next iteration would.
    func copyActivations<Value: BinaryFloatingPoint>(row r: Int, into out: UnsafeMutablePointer<Value>) {
        let (ld, factor) = (capacity * rank, pendingFactors[r])
        for t in 0..<input.samples { out[t] = Value(activations[r + t * ld] * factor) }
    }

    func moveSlot(_ last: Int, to s: Int) {
        let (k, ld) = (rank, capacity * rank)
        for t in 0..<input.samples {
            (activations + s * k + t * ld).update(from: activations + last * k + t * ld, count: k)
        }
        (pendingFactors + s * k).update(from: pendingFactors + last * k, count: k)
        pendingSlots[s] = pendingSlots[last]
    }

    /// x ← max(ε, x ∘ a ⊘ max(b, smallest normal)), over a rows × columns block.
    /// Written as selects, not `max`, so that a NaN passes through (and is
    /// caught as a fit that did not stay finite); the compiler vectorises the loop.
    @inline(__always)
    private static func multiplyByRatio<Element: BLASScalar>(
        _ x: UnsafeMutablePointer<Element>, _ a: UnsafeMutablePointer<Element>, _ b: UnsafeMutablePointer<Element>,
        rows: Int, columns: Int, leadingDimension: Int, floor: Element) {
        let smallest = Element.leastNormalMagnitude
        for j in 0..<columns {
            let offset = j * leadingDimension
            let (x, a, b) = (x + offset, a + offset, b + offset)
            for i in 0..<rows {
                let denominator = b[i] < smallest ? smallest : b[i]
                let updated = x[i] * a[i] / denominator
                x[i] = updated < floor ? floor : updated
            }
        }
    }
}
