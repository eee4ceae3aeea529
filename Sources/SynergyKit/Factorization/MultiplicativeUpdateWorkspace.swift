import CSolverKernels

/// Multiplicative updates (Lee & Seung 2001) of a `ReplicateBatch`, per iteration
/// C ← max(ε, C ∘ (WᵀD) ⊘ max(WᵀW·C, smallest normal)), then
/// W ← W ∘ (DCᵀ) ⊘ max(W·CCᵀ, smallest normal), in single precision
/// (`FactorizationPrecision.single`, the default; `DoubleMultiplicativeUpdateWorkspace`
/// does the same in double).
///
/// The work over samples (WᵀD, WᵀW·C, the update of C, DCᵀ and CCᵀ) runs in
/// Float: twice the SIMD width and half the memory traffic of doubles. W, the
/// k × k products, the error and R² stay double, and DCᵀ and CCᵀ are summed over
/// the sample blocks in double. It solves D·σ with HALS's power of two σ (max D·σ
/// in [1, 2)) and floors C at HALS's ε = 10⁻¹⁶ · max D·σ, so that no value of C
/// becomes subnormal (slow, then 0 for good). Its running R² is within about
/// 1e-5 of the exact one, so the R² reported for a replicate is recomputed from
/// its explicit residual.
///
/// C is kept as HALS keeps it, Cᵀ (n × R·k), each row contiguous over the
/// samples, and D as the shared rows of Dᵀ·σ. The update of C is one C kernel
/// (`synergy_mu_update_activations`): both of its products and the ratio,
/// 32 samples at a time while they stay in L1; DCᵀ and CCᵀ of each block
/// are products of rows (`synergy_row_products`). No operand is packed and
/// no product but the k × k and m × k ones is written out.
final class MultiplicativeUpdateWorkspace: ReplicateSolver {
    let scale: Double
    static let tracksApproximateR2 = true
    static let activationsAreSingle = true

    private let input: FactorizationInput
    private let rank: Int
    private let capacity: Int
    private let shared: SharedWorkspace
    /// ε = 10⁻¹⁶ · max D·σ, the floor on every element of C.
    private let floor: Float
    /// Blocks of about 40 960 elements of the stacked C, so that a block's rows
    /// of C and D stay in L2 from the update of C to DCᵀ and CCᵀ.
    private let blocks: SampleBlocks

    private let singleData: SingleScaledData                        // Dᵀ·σ, n × m, shared
    // Column-major; slot s holds W columns s·k..<(s+1)·k and Cᵀ columns likewise.
    private let activations: UnsafeMutablePointer<Float>            // Cᵀ, n × Rk
    private let singleWeights: UnsafeMutablePointer<Float>          // W, m × Rk
    private let singleWeightGram: UnsafeMutablePointer<Float>       // WᵀW per slot, k × k each
    private let tileScratch: UnsafeMutablePointer<Float>            // the C kernel's (see SolverKernels.h)
    private let blockCross: UnsafeMutablePointer<Float>             // DCᵀ of a block, m × Rk
    private let blockGram: UnsafeMutablePointer<Float>              // CCᵀ of a block for one slot, k × k
    private let weightsTimesCross: UnsafeMutablePointer<Double>     // W·CCᵀ, m × Rk
    /// Factors C's rows are still to be multiplied by (`rescale`).
    private let pending: PendingRowFactors<Float>

    /// Whether the processor runs the AVX2/FMA versions of the C kernels.
    private static let kernelsUseAVX2FMA: Int32 = synergy_has_avx2_fma() != 0 ? 1 : 0

    /// MU runs each iteration on one thread (`workers` is not used): its batches run side by side.
    init(input: FactorizationInput, rank: Int, capacity: Int, workers: Int, shared: SharedWorkspace) {
        self.input = input
        self.rank = rank
        self.capacity = capacity
        self.shared = shared
        scale = input.unitScale
        floor = Float(1e-16 * input.maximum * scale)
        let (m, n, k, stacked) = (input.muscles, input.samples, rank, capacity * rank)
        blocks = SampleBlocks(samples: n, stackedRows: stacked, elements: 40_960)
        singleData = input.singleScaledData
        activations = .allocateZeroed(stacked * n)
        singleWeights = .allocateZeroed(m * stacked)
        singleWeightGram = .allocateZeroed(capacity * k * k)
        tileScratch = .allocateZeroed((k + stacked + m) * Int(SYNERGY_MU_TILE))
        blockCross = .allocateZeroed(m * stacked)
        blockGram = .allocateZeroed(k * k)
        weightsTimesCross = .allocateZeroed(m * stacked)
        pending = PendingRowFactors(capacity: capacity, rank: rank)
    }

    deinit {
        for pointer in [activations, singleWeights, singleWeightGram, tileScratch, blockCross, blockGram] {
            pointer.deallocate()
        }
        weightsTimesCross.deallocate()
    }

    func loadStart(slot s: Int, activations start: Matrix) {
        let (n, k) = (input.samples, rank)
        start.elements.withUnsafeBufferPointer { c in
            for t in 0..<n {
                for j in 0..<k { activations[t + (s * k + j) * n] = Float(c[j + t * k] * scale) }
            }
        }
    }

    /// One iteration, block by block: the pending factors of C's rows, the
    /// update of C for every slot (the C kernel), then the block's DCᵀ and CCᵀ
    /// (row products, CCᵀ per slot) summed into the shared products in block
    /// order; then W's update in double.
    func iterate(slots count: Int) {
        let (m, n, rows, k) = (input.muscles, input.samples, count * rank, rank)
        for index in 0..<(m * rows) { singleWeights[index] = Float(shared.weights[index]) }
        for index in 0..<(count * k * k) { singleWeightGram[index] = Float(shared.weightGram[index]) }
        blocks.forEach { start, width in
            for s in 0..<count where pending.isPending[s] {
                for r in (s * k)..<((s + 1) * k) {
                    let (row, factor) = (activations + r * n + start, pending.factors[r])
                    for t in 0..<width { row[t] *= factor }
                }
            }
            synergy_mu_update_activations(activations + start, n, singleData.transposed + start, n, m, singleWeights,
                                          singleWeightGram, k, count, width, floor, tileScratch, Self.kernelsUseAVX2FMA)
            let first = start == 0
            synergy_row_products(singleData.transposed + start, n, m, activations + start, n, rows, width,
                                 blockCross, m, Self.kernelsUseAVX2FMA)
            shared.dataTimesActivations.accumulate(blockCross, count: m * rows, first: first)
            for s in 0..<count {
                let slot = activations + start + s * k * n
                synergy_row_products(slot, n, k, slot, n, k, width, blockGram, k, Self.kernelsUseAVX2FMA)
                (shared.activationGram + s * k * k).accumulate(blockGram, count: k * k, first: first)
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
        let (row, factor) = (activations + r * input.samples, pending.factors[r])
        for t in 0..<input.samples { out[t] = Value(row[t] * factor) }
    }

    func moveSlot(_ last: Int, to s: Int) {
        let (n, k) = (input.samples, rank)
        (activations + s * k * n).update(from: activations + last * k * n, count: k * n)
        pending.moveSlot(last, to: s)
    }
}
