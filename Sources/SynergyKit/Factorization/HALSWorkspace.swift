import CSolverKernels

/// Hierarchical alternating least squares (Cichocki & Phan 2009) of a
/// `ReplicateBatch`. Per iteration, for j = 1…k,
/// Cⱼ,: ← max(ε, Cⱼ,: + ((WᵀD)ⱼ,: − (WᵀW)ⱼ,: C)/(WᵀW)ⱼⱼ), then likewise each
/// column of W from DCᵀ and CCᵀ, with ε = 1e-16 · max D·σ. The sweep over C is
/// repeated `sweeps` times on the same products (accelerated HALS, Gillis &
/// Glineur 2012), the cheap one over W `weightSweeps` times; after each update
/// the factor is extrapolated along its last step (`Extrapolation`, Ang &
/// Gillis 2019), and the pair an iteration reports is (Wₜ, Ĉₜ): W after its
/// update, C extrapolated.
///
/// HALS solves the problem scaled by a power of two, D·σ, W₀·σ, C₀·σ with
/// σ = 2^−⌊log₂ max D⌋, so that max D·σ lies in [1, 2): its floor and its
/// single-precision work then suit envelopes in any unit (volts as well as
/// units of standard deviation); the scaling is exact and C is scaled back at
/// the end. C and the work over samples are in single precision (`iterate`),
/// C kept as Cᵀ, n × (R·k), so that each row it updates is contiguous; W, the
/// error and the reported R² stay double.
///
/// A row or column whose Gram diagonal is zero or has underflowed (below the
/// smallest normal number of Float) is left as it is for that sweep instead of
/// being divided by it.
final class HALSWorkspace: ReplicateSolver {
    let scale: Double
    /// HALS tracks R² from single-precision products (to about 1e-6); the R²
    /// it reports is that of the returned pair, from the explicit residual.
    static let tracksApproximateR2 = true
    static let activationsAreSingle = true

    private let input: FactorizationInput
    private let rank: Int
    private let shared: SharedWorkspace
    /// ε = 10⁻¹⁶ · max D·σ, the floor on every element of W and C.
    private let floor: Double
    /// Blocks of 81 920 elements of the stacked C (MU's: 20 480 or 40 960).
    private let blocks: SampleBlocks
    /// The extrapolation of each slot.
    private var extrapolations: [Extrapolation]
    /// Slots whose extrapolation of C was dropped (`endIteration`), and the
    /// factors C's rows are to be multiplied by (`rescale`): the next iteration
    /// does both block by block, just before updating the block, the factors first.
    private var pendingRestarts: [Bool]
    private let pending: PendingRowFactors<Double>

    // Column-major; slot s holds W columns s·k..<(s+1)·k and Cᵀ columns likewise.
    private let previousWeights: UnsafeMutablePointer<Double>          // Wₜ₋₁, m × Rk
    // In single precision (see `iterate`):
    private let singleActivations: UnsafeMutablePointer<Float>         // Cᵀ, n × Rk
    private let previousActivations: UnsafeMutablePointer<Float>       // Cₜ₋₁ (then Cₜ), n × Rk
    // Per worker:
    private let singleTargets: UnsafeMutablePointer<Float>             // (WᵀD)ᵀ of a block, block width × Rk
    private let tileScratch: UnsafeMutablePointer<Float>               // a block's last partial tile (C, C₀, targets)
    // Per block of a round (see `iterate`):
    private let blockCross: UnsafeMutablePointer<Float>                // DCᵀ of a block, m × Rk
    private let blockGram: UnsafeMutablePointer<Float>                 // CCᵀ of a block, k × k per slot
    private let inverseDiagonals: UnsafeMutablePointer<Float>          // 1/(WᵀW)ⱼⱼ per slot, k each
    private let singleData: SingleScaledData                           // Dᵀ·σ, n × m, shared
    private let singleWeights: UnsafeMutablePointer<Float>             // W, m × Rk
    private let singleWeightGram: UnsafeMutablePointer<Float>          // WᵀW per slot, k × k each
    private let capacity: Int
    /// Threads sharing an iteration's blocks.
    private let workers: Int
    /// Blocks per round: each worker takes 32 consecutive ones (one block with one worker).
    private let blocksPerRound: Int

    init(input: FactorizationInput, rank: Int, capacity: Int, workers: Int, shared: SharedWorkspace) {
        self.input = input
        self.rank = rank
        self.shared = shared
        self.capacity = capacity
        self.workers = max(1, workers)
        blocksPerRound = self.workers == 1 ? 1 : 32 * self.workers
        scale = input.unitScale
        floor = 1e-16 * input.maximum * scale
        let (m, n, k, stacked) = (input.muscles, input.samples, rank, capacity * rank)
        blocks = SampleBlocks(samples: n, stackedRows: stacked, elements: 81_920)
        extrapolations = Array(repeating: Extrapolation(), count: capacity)
        pendingRestarts = Array(repeating: false, count: capacity)
        pending = PendingRowFactors(capacity: capacity, rank: rank)
        previousWeights = .allocateZeroed(m * stacked)
        singleActivations = .allocateZeroed(stacked * n)
        previousActivations = .allocateZeroed(stacked * n)
        singleTargets = .allocateZeroed(self.workers * blocks.width * stacked)
        tileScratch = .allocateZeroed(self.workers * 3 * k * Int(SYNERGY_HALS_TILE))
        blockCross = .allocateZeroed(blocksPerRound * m * stacked)
        blockGram = .allocateZeroed(blocksPerRound * capacity * k * k)
        inverseDiagonals = .allocateZeroed(stacked)
        singleData = input.singleScaledData
        singleWeights = .allocateZeroed(m * stacked)
        singleWeightGram = .allocateZeroed(capacity * k * k)
    }

    deinit {
        previousWeights.deallocate()
        for pointer in [singleActivations, previousActivations, singleTargets, inverseDiagonals, tileScratch,
                        singleWeights, singleWeightGram, blockCross, blockGram] {
            pointer.deallocate()
        }
    }

    /// Sweeps over C (and over W) per iteration, reusing WᵀD and WᵀW (DCᵀ
    /// and CCᵀ): 1 + ⌊m / 2k⌋, since one sweep costs about k/m of computing
    /// WᵀD (accelerated HALS, Gillis & Glineur 2012, with their α = 0.5).
    private var sweeps: Int { 1 + input.muscles / (2 * rank) }

    /// Sweeps over W per iteration: a sweep costs m·k², next to nothing, and
    /// a W solved more exactly for the C at hand saves outer iterations.
    private let weightSweeps = 10

    /// Whether the processor runs the AVX2/FMA version of the C kernel.
    private static let kernelUsesAVX2FMA = synergy_has_avx2_fma() != 0

    func loadStart(slot s: Int, activations start: Matrix) {
        let (m, n, k) = (input.muscles, input.samples, rank)
        start.elements.withUnsafeBufferPointer { c in
            for t in 0..<n {
                for j in 0..<k { singleActivations[t + (s * k + j) * n] = Float(c[j + t * k] * scale) }
            }
        }
        (previousWeights + s * k * m).update(from: shared.weights + s * k * m, count: k * m)
        (previousActivations + s * k * n).update(from: singleActivations + s * k * n, count: k * n)
    }

    /// One HALS iteration. The work over samples (WᵀD, the C sweeps, the
    /// extrapolation of C, DCᵀ and CCᵀ) runs in single precision: twice the
    /// SIMD width and half the memory traffic of doubles. DCᵀ and CCᵀ are summed
    /// over the blocks in double and W, WᵀW and the error stay double, so the
    /// running R² is within about 1e-6 of the exact one (and its change from one
    /// iteration to the next far closer), below the stopping rule's 1e-5; the
    /// R² reported is recomputed exactly (`tracksApproximateR2`).
    ///
    /// The blocks go in rounds of `blocksPerRound`, the workers taking 32
    /// consecutive blocks each; every block leaves its DCᵀ and CCᵀ in its own
    /// place, summed in block order after the round. A sample's C depends only
    /// on its own column of WᵀD, so the blocks are independent, and the sums
    /// are the same for any number of workers.
    func iterate(slots count: Int) {
        let (m, rows, k) = (input.muscles, count * rank, rank)
        for index in 0..<(m * rows) { singleWeights[index] = Float(shared.weights[index]) }
        for index in 0..<(rows * k) { singleWeightGram[index] = Float(shared.weightGram[index]) }
        // A zero or underflowed diagonal (an all-zero W column, as a start may have) leaves its row of C as it is.
        for r in 0..<rows {
            let diagonal = singleWeightGram[(r / k) * k * k + (r % k) * (k + 1)]
            inverseDiagonals[r] = diagonal >= .leastNormalMagnitude ? 1 / diagonal : 0
        }
        let blockCount = blocks.count
        for round in stride(from: 0, to: blockCount, by: blocksPerRound) {
            let inRound = min(blocksPerRound, blockCount - round)
            if workers == 1 {
                for p in 0..<inRound { updateBlock(round + p, part: p, worker: 0, slots: count) }
            } else {
                // Each worker writes only its own blocks' samples and places.
                let workspace = UncheckedSendable(self)
                let share = (inRound + workers - 1) / workers
                _ = parallelMap(count: workers, workers: workers) { worker in
                    for p in (worker * share)..<min(inRound, (worker + 1) * share) {
                        workspace.value.updateBlock(round + p, part: p, worker: worker, slots: count)
                    }
                }
            }
            sumPlaces(inRound, first: round == 0, slots: count)
        }
        pending.clear(slots: count)
        for s in 0..<count { pendingRestarts[s] = false }
        eachSlot(count) { s in
            updateWeights(slot: s, floor: self.floor)
            shared.updateWeightGram(s)
        }
    }

    /// Adds the round's places 0..<places, in order, to DCᵀ and CCᵀ (or sets
    /// them, on an iteration's `first` round). The active slots' places are
    /// contiguous, so the workers take a slice of the elements each.
    private func sumPlaces(_ places: Int, first: Bool, slots count: Int) {
        let (m, k, workers) = (input.muscles, rank, self.workers)
        let workspace = UncheckedSendable(self)
        @Sendable func sum(worker: Int) {
            let (shared, capacity) = (workspace.value.shared, workspace.value.capacity)
            func add(_ place: UnsafeMutablePointer<Float>, into total: UnsafeMutablePointer<Double>, each size: Int) {
                let (length, slice) = (count * size, (count * size + workers - 1) / workers)
                let (low, high) = (min(length, worker * slice), min(length, (worker + 1) * slice))
                for p in 0..<places {
                    (total + low).accumulate(place + p * capacity * size + low, count: high - low, first: first && p == 0)
                }
            }
            add(workspace.value.blockCross, into: shared.dataTimesActivations, each: k * m)
            add(workspace.value.blockGram, into: shared.activationGram, each: k * k)
        }
        if workers == 1 {
            sum(worker: 0)
        } else {
            _ = parallelMap(count: workers, workers: workers) { sum(worker: $0) }
        }
    }

    /// `body(s)` for slots 0..<count, on the workers when there are several
    /// (each slot's work touches only its own W, DCᵀ and Gram matrices).
    private func eachSlot(_ count: Int, _ body: (Int) -> Void) {
        if workers == 1 || count == 1 {
            for s in 0..<count { body(s) }
        } else {
            withoutActuallyEscaping(body) { body in
                let work = UncheckedSendable(body)
                _ = parallelMap(count: count, workers: workers) { work.value($0) }
            }
        }
    }

    /// Block b's work on `worker`'s scratch: WᵀD (a GEMM), the update of C,
    /// and its DCᵀ and CCᵀ left in the round's place `part`, as products of
    /// rows contiguous over the block's samples (`synergy_row_products`: no
    /// packing of the operands, CCᵀ on and above the diagonal only).
    private func updateBlock(_ b: Int, part: Int, worker: Int, slots count: Int) {
        let (m, n, rows, k) = (input.muscles, input.samples, count * rank, rank)
        let (start, width) = blocks.block(b)
        // Time-major: (WᵀD)ᵀ = DᵀW and Cᵀ for this block, each row of C a contiguous column.
        let targets = SingleMatrixView(start: singleTargets + worker * blocks.width * capacity * k, rows: width,
                                       columns: rows, leadingDimension: width)
        BLAS.multiply(SingleMatrixView(start: singleData.transposed + start, rows: width, columns: m, leadingDimension: n),
                      SingleMatrixView(start: singleWeights, rows: m, columns: rows, leadingDimension: m), into: targets)
        let scratch = tileScratch + worker * 3 * k * Int(SYNERGY_HALS_TILE)
        for s in 0..<count {
            if pending.isPending[s] {
                for r in (s * k)..<((s + 1) * k) {
                    let (row, previousRow) = (singleActivations + r * n + start, previousActivations + r * n + start)
                    let (factor, single) = (pending.factors[r], Float(pending.factors[r]))
                    for t in 0..<width { row[t] = Float(Double(row[t]) * factor) }
                    for t in 0..<width { previousRow[t] *= single }
                }
            }
            if pendingRestarts[s] {
                for r in (s * k)..<((s + 1) * k) {
                    (singleActivations + r * n + start).update(from: previousActivations + r * n + start, count: width)
                }
            }
            updateActivations(slot: s, start: start, width: width, targets: targets, scratch: scratch)
        }
        synergy_row_products(singleData.transposed + start, n, m, singleActivations + start, n, rows, width,
                             blockCross + part * m * capacity * k, m, Self.kernelUsesAVX2FMA ? 1 : 0)
        for s in 0..<count {
            let slot = singleActivations + start + s * k * n
            synergy_row_products(slot, n, k, slot, n, k, width, blockGram + (part * capacity + s) * k * k, k,
                                 Self.kernelUsesAVX2FMA ? 1 : 0)
        }
    }

    /// The HALS update of slot s's W, column after column, `weightSweeps` times:
    /// Wⱼ ← max(ε, Wⱼ + ((DCᵀ)ⱼ − W·(CCᵀ)ⱼ)/(CCᵀ)ⱼⱼ). W is m × k, so plain loops suffice.
    private func updateWeights(slot s: Int, floor: Double) {
        let (m, k) = (input.muscles, rank)
        let q = shared.activationGram + s * k * k
        let w = shared.weights + s * k * m
        let p = shared.dataTimesActivations + s * k * m
        for _ in 0..<weightSweeps {
            for j in 0..<k {
                let diagonal = q[j + j * k]
                // CCᵀ is summed from single-precision blocks: below Float's smallest normal it is zero or underflowed.
                guard diagonal >= Double(Float.leastNormalMagnitude) else { continue }
                for i in 0..<m {
                    var projected = 0.0
                    for l in 0..<k { projected += w[i + l * m] * q[l + j * k] }
                    w[i + j * m] = max(floor, w[i + j * m] + (p[i + j * m] - projected) / diagonal)
                }
            }
        }
    }

    /// The HALS update of slot s's C over a block of samples, held time-major
    /// (Cᵀ), row after row (Gauss–Seidel):
    /// Cⱼ ← max(ε, Cⱼ + ((WᵀD)ⱼ − (WᵀW)ⱼ·C)/(WᵀW)ⱼⱼ), `sweeps` times over, then
    /// extrapolated, Ĉ = max(ε, C + β(C − C₀)) with C₀ ← C. A sample's column of
    /// C depends only on its own column of WᵀD, so the C kernel
    /// (`synergy_hals_update_activations`) takes 32 samples at a time and does
    /// all of it while they stay in L1, in AVX2 with fused multiply–adds where
    /// the processor has them; `iterate` has taken 1/(WᵀW)ⱼⱼ for every slot.
    private func updateActivations(slot s: Int, start: Int, width: Int, targets: SingleMatrixView,
                                   scratch: UnsafeMutablePointer<Float>) {
        let (n, k) = (input.samples, rank)
        synergy_hals_update_activations(
            singleActivations + start + s * k * n, n, previousActivations + start + s * k * n, n,
            targets.start + s * k * targets.leadingDimension, targets.leadingDimension, singleWeightGram + s * k * k,
            inverseDiagonals + s * k,
            k, width, Int32(sweeps), Float(floor), Float(extrapolations[s].step), scratch, Self.kernelUsesAVX2FMA ? 1 : 0)
    }

    /// x̂ = max(ε, x + β(x − x₀)) over `count` elements of W, with x₀ ← x:
    /// `values` holds x (then x̂), `previous` holds x₀ (then x). (C's
    /// extrapolation is part of the C kernel.)
    private func extrapolate(_ values: UnsafeMutablePointer<Double>, previous: UnsafeMutablePointer<Double>,
                             count: Int, step: Double, floor: Double) {
        for i in 0..<count {
            let current = values[i]
            let pushed = current + step * (current - previous[i])
            values[i] = pushed < floor ? floor : pushed
            previous[i] = current
        }
    }

    /// Ends slot s's iteration, whose pair (Wₜ, Ĉₜ) has been scored: if its
    /// error rose, the extrapolation of C is dropped (restart: C ← Cₜ, taken
    /// by the next iteration block by block) and W stays Wₜ; otherwise W is
    /// extrapolated to Ŵₜ. Then WᵀW is taken of the W the next iteration starts from.
    func endIteration(slot s: Int, error: Double) {
        let (m, k) = (input.muscles, rank)
        let restart = extrapolations[s].record(error: error)
        let w = shared.weights + s * k * m
        let w0 = previousWeights + s * k * m
        if restart {
            w0.update(from: w, count: k * m)
            pendingRestarts[s] = true
        } else {
            extrapolate(w, previous: w0, count: m * k, step: extrapolations[s].step, floor: floor)
        }
        shared.updateWeightGram(s)
    }

    /// Slot s's C rows, and the previous iterate (W's columns and C's rows) too,
    /// so that the extrapolated step is unchanged: W's columns now, the rows of
    /// C and Cₜ₋₁ by the next iteration (`pending`), block by block.
    func rescale(slot s: Int, by norms: [Double]) {
        let m = input.muscles
        precondition(!pending.isPending[s] && !pendingRestarts[s])
        for (j, norm) in norms.enumerated() where norm > 0 {
            for i in 0..<m { previousWeights[i + (s * rank + j) * m] /= norm }
        }
        pending.record(slot: s, norms: norms)
    }

    /// C's row as the next iteration will take it: multiplied by a pending
    /// factor, and Cₜ's where a restart is pending.
    func copyActivations<Value: BinaryFloatingPoint>(row r: Int, into out: UnsafeMutablePointer<Value>) {
        let n = input.samples
        let (factor, single) = (pending.factors[r], Float(pending.factors[r]))
        if pendingRestarts[r / rank] {
            let row = previousActivations + r * n
            for t in 0..<n { out[t] = Value(row[t] * single) }
        } else {
            let row = singleActivations + r * n
            for t in 0..<n { out[t] = Value(Float(Double(row[t]) * factor)) }
        }
    }

    func moveSlot(_ last: Int, to s: Int) {
        let (m, n, k) = (input.muscles, input.samples, rank)
        (singleActivations + s * k * n).update(from: singleActivations + last * k * n, count: k * n)
        (previousWeights + s * k * m).update(from: previousWeights + last * k * m, count: k * m)
        (previousActivations + s * k * n).update(from: previousActivations + last * k * n, count: k * n)
        extrapolations[s] = extrapolations[last]
        pendingRestarts[s] = pendingRestarts[last]
        pending.moveSlot(last, to: s)
    }
}
