/// Multiplicative updates (Lee & Seung 2001) of a `ReplicateBatch` in double
/// precision (`FactorizationPrecision.double`): the problem as it is (σ = 1,
/// ε = 0), on the trajectory of a plain double-precision implementation, so
/// the R² tracked is exact. The math is `MultiplicativeUpdateWorkspace`'s.
///
/// C is kept as (R·k) × n, so that a sample's activations are contiguous for
/// the GEMMs: WᵀD and DCᵀ are one GEMM each for the whole batch and block, the
/// k × k products stay per slot; BLAS sums DCᵀ and CCᵀ over the blocks in place.
final class DoubleMultiplicativeUpdateWorkspace: ReplicateSolver {
    let scale = 1.0
    static let tracksApproximateR2 = false
    static let activationsAreSingle = false

    private let input: FactorizationInput
    private let rank: Int
    private let capacity: Int
    private let shared: SharedWorkspace
    /// Blocks of about 20 000 elements of each product (160 KB), which measured fastest for k from 4 to 14.
    private let blocks: SampleBlocks

    // Column-major; slot s holds C rows s·k..<(s+1)·k and W columns likewise.
    private let activations: UnsafeMutablePointer<Double>           // C, Rk × n
    private let dataTimesWeights: UnsafeMutablePointer<Double>      // WᵀD of a block, Rk × block width
    private let gramTimesActivations: UnsafeMutablePointer<Double>  // WᵀW·C of a block, Rk × block width
    private let weightsTransposed: UnsafeMutablePointer<Double>     // Wᵀ, Rk × m
    private let weightsTimesCross: UnsafeMutablePointer<Double>     // W·CCᵀ, m × Rk
    /// Factors C's rows are still to be multiplied by (`rescale`).
    private let pending: PendingRowFactors<Double>

    /// MU runs each iteration on one thread (`workers` is not used): its batches run side by side.
    init(input: FactorizationInput, rank: Int, capacity: Int, workers: Int, shared: SharedWorkspace) {
        self.input = input
        self.rank = rank
        self.capacity = capacity
        self.shared = shared
        let (m, n, stacked) = (input.muscles, input.samples, capacity * rank)
        blocks = SampleBlocks(samples: n, stackedRows: stacked, elements: 20_480)
        activations = .allocateZeroed(stacked * n)
        dataTimesWeights = .allocateZeroed(stacked * blocks.width)
        gramTimesActivations = .allocateZeroed(stacked * blocks.width)
        weightsTransposed = .allocateZeroed(m * stacked)
        weightsTimesCross = .allocateZeroed(m * stacked)
        pending = PendingRowFactors(capacity: capacity, rank: rank)
    }

    deinit {
        for pointer in [activations, dataTimesWeights, gramTimesActivations, weightsTransposed, weightsTimesCross] {
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
        // Wᵀ copied out once, so that WᵀD is a plain product (no transposed operand for BLAS to repack).
        let wt = MatrixView(start: weightsTransposed, rows: rows, columns: m, leadingDimension: ld)
        for i in 0..<m {
            for r in 0..<rows { wt[r, i] = weights[i + r * m] }
        }
        let rescaled = pending.anyPending(among: count)
        input.data.elements.withUnsafeBufferPointer { data in
            let d = MatrixView(start: UnsafeMutablePointer(mutating: data.baseAddress!), rows: m,
                               columns: input.samples, leadingDimension: m)
            blocks.forEach { start, width in
                let block = d.block(row: 0, column: start, rows: m, columns: width)
                let c = MatrixView(start: activations + start * ld, rows: rows, columns: width, leadingDimension: ld)
                if rescaled {
                    // Every active row at once (a factor of 1 leaves a row exactly as it is), contiguous per sample.
                    for t in 0..<width {
                        let column = c.start + t * ld
                        for r in 0..<rows { column[r] *= pending.factors[r] }
                    }
                }
                BLAS.multiply(wt, block, into: MatrixView(start: dataTimesWeights, rows: rows, columns: width,
                                                          leadingDimension: ld))
                // Zeroed here at once, so that each slot's product adds to it (β = 1, no zeroing per k-row column).
                gramTimesActivations.update(repeating: 0, count: ld * width)
                for s in 0..<count {
                    BLAS.multiply(shared.weightGramView(s), c.block(row: s * k, column: 0, rows: k, columns: width),
                                  into: MatrixView(start: gramTimesActivations + s * k, rows: k, columns: width,
                                                   leadingDimension: ld), beta: 1)
                }
                multiplyByRatio(activations + start * ld, dataTimesWeights, gramTimesActivations,
                                rows: rows, columns: width, leadingDimension: ld, floor: 0)
                let first = start == 0
                BLAS.multiply(block, c, into: MatrixView(start: shared.dataTimesActivations, rows: m, columns: rows,
                                                         leadingDimension: m),
                              transposeB: true, beta: first ? 0 : 1)
                for s in 0..<count {
                    BLAS.gram(c.block(row: s * k, column: 0, rows: k, columns: width),
                              into: shared.activationGramView(s), accumulate: !first)
                }
            }
        }
        pending.clear(slots: count)
        shared.updateWeightsMultiplicatively(slots: count, scratch: weightsTimesCross)
    }

    /// Nothing to end: the next iteration starts from the pair just scored.
    func endIteration(slot s: Int, error: Double) {}

    /// Records the factors; the next iteration (or `copyActivations`) applies them.
    func rescale(slot s: Int, by norms: [Double]) {
        pending.record(slot: s, norms: norms)
    }

    /// C's row, with the factors still pending applied as the next iteration would.
    func copyActivations<Value: BinaryFloatingPoint>(row r: Int, into out: UnsafeMutablePointer<Value>) {
        let (ld, factor) = (capacity * rank, pending.factors[r])
        for t in 0..<input.samples { out[t] = Value(activations[r + t * ld] * factor) }
    }

    func moveSlot(_ last: Int, to s: Int) {
        let (k, ld) = (rank, capacity * rank)
        for t in 0..<input.samples {
            (activations + s * k + t * ld).update(from: activations + last * k + t * ld, count: k)
        }
        pending.moveSlot(last, to: s)
    }
}

extension SharedWorkspace {
    /// MU's update of the first `count` slots' W, in double for either precision:
    /// W ← W ∘ (DCᵀ) ⊘ max(W·CCᵀ, smallest normal), then WᵀW of the new W.
    /// `scratch` holds W·CCᵀ (m × R·k).
    func updateWeightsMultiplicatively(slots count: Int, scratch: UnsafeMutablePointer<Double>) {
        let (m, k) = (muscles, rank)
        for s in 0..<count {
            BLAS.multiply(weightsView(s), activationGramView(s),
                          into: MatrixView(start: scratch + s * k * m, rows: m, columns: k, leadingDimension: m))
        }
        multiplyByRatio(weights, dataTimesActivations, scratch, rows: m, columns: count * k, leadingDimension: m,
                        floor: 0)
        for s in 0..<count { updateWeightGram(s) }
    }
}

/// x ← max(floor, x ∘ a ⊘ max(b, smallest normal)), over a rows × columns block.
/// Written as selects, not `max`, so that a NaN passes through (and is
/// caught as a fit that did not stay finite); the compiler vectorises the loop.
@inline(__always)
private func multiplyByRatio(_ x: UnsafeMutablePointer<Double>, _ a: UnsafeMutablePointer<Double>,
                             _ b: UnsafeMutablePointer<Double>, rows: Int, columns: Int, leadingDimension: Int,
                             floor: Double) {
    let smallest = Double.leastNormalMagnitude
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
