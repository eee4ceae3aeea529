/// Replicates of one rank k fitted side by side. Their W are stacked as one
/// m × (R·k) matrix and their C as one (R·k) × n matrix (for HALS its
/// transpose), so the two large products of an iteration, WᵀD and DCᵀ, are each
/// a single GEMM for the whole batch; the k × k products stay per replicate. A
/// replicate that stops leaves the batch (the last active one moves into its
/// slot), so the GEMMs shrink.
///
/// Per iteration t (both rules update C first, then W):
/// - multiplicative (Lee & Seung 2001): C ← C ∘ (WᵀD) ⊘ (WᵀW·C), W ← W ∘ (DCᵀ) ⊘ (W·CCᵀ),
///   denominators floored at the smallest normal double;
/// - HALS (Cichocki & Phan 2009): for j = 1…k, Cⱼ,: ← max(ε, Cⱼ,: + ((WᵀD)ⱼ,: − (WᵀW)ⱼ,: C)/(WᵀW)ⱼⱼ),
///   then likewise each column of W from DCᵀ and CCᵀ, with ε = 1e-16 · max D·σ (σ below);
///   the sweep over C is repeated `halsSweeps` times on the same products
///   (accelerated HALS, Gillis & Glineur 2012), the cheap one over W
///   `halsWeightSweeps` times; after each update the factor is extrapolated
///   along its last step (`Extrapolation`, Ang & Gillis 2019), and the pair
///   an iteration reports is (Wₜ, Ĉₜ): W after its update, C extrapolated.
///   HALS keeps C and does its work over samples in single precision
///   (`halsIteration`); W and the error stay double.
/// The error comes from the Gram matrices the updates already built,
/// SSE = ‖D‖² − 2⟨W, DCᵀ⟩ + ⟨WᵀW, CCᵀ⟩, never from a full residual, and
/// R²ₜ = 1 − SSE/SST (HALS reports its final R² from the explicit residual).
/// The workspace is allocated once; iterations allocate nothing. A batch keeps
/// every replicate's summary but only the best replicate's W and C, and draws
/// each start just before it is copied in, so beyond its workspace it holds at
/// most two replicates' factors at a time.
///
/// HALS solves the problem scaled by a power of two, D·σ, W₀·σ, C₀·σ with
/// σ = 2^−⌊log₂ max D⌋, so that max D·σ lies in [1, 2): its floor and its
/// single-precision work then suit envelopes in any unit (volts as well as
/// units of standard deviation); the scaling is exact and C is scaled back at
/// the end. MU needs no scaling (σ = 1).
///
/// Degenerate components stay finite: a HALS row or column whose Gram diagonal
/// is zero or has underflowed (below the smallest normal number of Float) is
/// left as it is for that sweep instead of being divided by it, and a W column
/// that ends all zero is returned with a zero C row (W·C unchanged), never
/// divided by its zero norm.
final class ReplicateBatch {
    private let input: FactorizationInput
    private let rank: Int
    private let settings: FactorizationSettings
    private let capacity: Int
    private let recordHistory: Bool
    /// σ, the power of two the problem is scaled by (1 for MU).
    private let scale: Double
    /// ε = 10⁻¹⁶ · max D·σ, HALS's floor on every element of W and C.
    private let floor: Double

    // Workspace (column-major). Slot s holds W columns s·k..<(s+1)·k and C rows likewise.
    private let weights: UnsafeMutablePointer<Double>        // W, m × Rk
    private let activations: UnsafeMutablePointer<Double>    // C, Rk × n (MU only)
    private let dataTimesWeights: UnsafeMutablePointer<Double>  // WᵀD of a block, Rk × blockColumns (MU only)
    private let gramTimesActivations: UnsafeMutablePointer<Double>  // WᵀW·C of a block, Rk × blockColumns (MU only)
    private let dataTimesActivations: UnsafeMutablePointer<Double>  // DCᵀ, m × Rk
    private let weightsTimesCross: UnsafeMutablePointer<Double>     // W·CCᵀ, m × Rk (MU only)
    private let weightsTransposed: UnsafeMutablePointer<Double>     // Wᵀ, Rk × m (MU only)
    private let previousWeights: UnsafeMutablePointer<Double>      // Wₜ₋₁, m × Rk (HALS only)
    private let weightGram: UnsafeMutablePointer<Double>     // WᵀW per slot, k × k each
    private let activationGram: UnsafeMutablePointer<Double> // CCᵀ per slot, k × k each
    // HALS only, in single precision (see `halsIteration`):
    private let singleActivations: UnsafeMutablePointer<Float>    // Cᵀ, n × Rk
    private let previousActivations: UnsafeMutablePointer<Float>  // Cₜ₋₁ (then Cₜ), n × Rk
    private let singleTargets: UnsafeMutablePointer<Float>   // (WᵀD)ᵀ of a block, blockColumns × Rk
    private let gramProducts: UnsafeMutablePointer<Float>    // a few columns of C·WᵀW for a block
    private let singleData: UnsafeMutablePointer<Float>      // D, m × n
    private let singleDataTransposed: UnsafeMutablePointer<Float>  // Dᵀ, n × m
    private let singleWeights: UnsafeMutablePointer<Float>   // W, m × Rk
    private let singleWeightGram: UnsafeMutablePointer<Float>  // WᵀW per slot, k × k each
    private let blockCross: UnsafeMutablePointer<Float>      // DCᵀ of a block, m × Rk
    private let blockGram: UnsafeMutablePointer<Float>       // CCᵀ of a block for one slot, k × k

    private var slots: [Slot]
    private var summaries: [ReplicateSummary] = []
    private var best: Factorization?

    private struct Slot {
        var replicate: Int
        var monitor: ConvergenceMonitor
        var r2: Double = .nan
        var sumOfSquaredErrors: Double = .nan
        var history: [Double] = []
        var extrapolation = Extrapolation()
    }

    /// A batch for `replicates`, each given its first W (m × k) and C (k × n) by `start`.
    init(input: FactorizationInput, rank: Int, settings: FactorizationSettings, replicates: [Int],
         recordHistory: Bool = false, start: (Int) -> (weights: Matrix, activations: Matrix)) {
        precondition(rank >= 1 && rank <= input.muscles && !replicates.isEmpty)
        self.input = input
        self.rank = rank
        self.settings = settings
        self.capacity = replicates.count
        self.recordHistory = recordHistory
        scale = settings.algorithm == .hals && input.maximum > 0
            ? Double(sign: .plus, exponent: -input.maximum.exponent, significand: 1) : 1
        floor = 1e-16 * input.maximum * scale
        let (m, n, k) = (input.muscles, input.samples, rank)
        let stacked = capacity * k
        blockColumns = Self.blockColumns(stackedRows: stacked, algorithm: settings.algorithm)
        func buffer<Scalar: Numeric>(_ count: Int, of _: Scalar.Type = Double.self) -> UnsafeMutablePointer<Scalar> {
            let pointer = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
        let (mu, hals) = (settings.algorithm == .multiplicative, settings.algorithm == .hals)
        weights = buffer(m * stacked)
        activations = buffer(mu ? stacked * n : 1)
        dataTimesWeights = buffer(mu ? stacked * blockColumns : 1)
        gramTimesActivations = buffer(mu ? stacked * blockColumns : 1)
        dataTimesActivations = buffer(m * stacked)
        weightsTimesCross = buffer(mu ? m * stacked : 1)
        weightsTransposed = buffer(mu ? m * stacked : 1)
        previousWeights = buffer(hals ? m * stacked : 1)
        weightGram = buffer(capacity * k * k)
        activationGram = buffer(capacity * k * k)
        singleActivations = buffer(hals ? stacked * n : 1, of: Float.self)
        previousActivations = buffer(hals ? stacked * n : 1, of: Float.self)
        singleTargets = buffer(hals ? blockColumns * stacked : 1, of: Float.self)
        gramProducts = buffer(hals ? blockColumns * Self.halsRowBlock : 1, of: Float.self)
        singleData = buffer(hals ? m * n : 1, of: Float.self)
        singleDataTransposed = buffer(hals ? m * n : 1, of: Float.self)
        singleWeights = buffer(hals ? m * stacked : 1, of: Float.self)
        singleWeightGram = buffer(hals ? capacity * k * k : 1, of: Float.self)
        blockCross = buffer(hals ? m * stacked : 1, of: Float.self)
        blockGram = buffer(hals ? k * k : 1, of: Float.self)
        slots = replicates.map { Slot(replicate: $0, monitor: ConvergenceMonitor(rule: settings.stopping)) }
        for (s, replicate) in replicates.enumerated() {
            let start = start(replicate)
            precondition(start.weights.rows == m && start.weights.columns == k)
            precondition(start.activations.rows == k && start.activations.columns == n)
            for index in 0..<(m * k) { weights[s * k * m + index] = start.weights.elements[index] * scale }
            start.activations.elements.withUnsafeBufferPointer { c in
                for t in 0..<n {
                    for j in 0..<k { setActivation(c[j + t * k] * scale, row: s * k + j, sample: t) }
                }
            }
            BLAS.gram(weightsView(s), transposed: true, into: weightGramView(s))
        }
        if hals {
            previousWeights.update(from: weights, count: m * stacked)
            previousActivations.update(from: singleActivations, count: stacked * n)
            for index in 0..<(m * n) {
                singleData[index] = Float(input.view.start[index] * scale)
                singleDataTransposed[index] = Float(input.transposedView.start[index] * scale)
            }
        }
    }

    /// A batch whose starts are drawn as the settings say, from (seed, rank, replicate).
    convenience init(input: FactorizationInput, rank: Int, settings: FactorizationSettings,
                     seed: UInt64, replicates: Range<Int>) {
        self.init(input: input, rank: rank, settings: settings, replicates: Array(replicates)) { replicate in
            var generator = SeededGenerator(seed: seed, rank: rank, replicate: replicate)
            let (low, high): (Double, Double)
            switch settings.initialisation {
            case .uniformZeroToMax: (low, high) = (0, input.maximum)
            case .uniformMinToMax: (low, high) = (input.minimum, input.maximum)
            }
            func draw() -> Double {
                settings.initialisation == .uniformZeroToMax
                    ? high * generator.nextOpenUnit()
                    : low + (high - low) * generator.nextUnit()
            }
            let w = Matrix(rows: input.muscles, columns: rank, elements: (0..<(input.muscles * rank)).map { _ in draw() })
            let c = Matrix(rows: rank, columns: input.samples, elements: (0..<(rank * input.samples)).map { _ in draw() })
            return (weights: w, activations: c)
        }
    }

    deinit {
        for pointer in [weights, activations, dataTimesWeights, gramTimesActivations, dataTimesActivations,
                        weightsTimesCross, weightsTransposed, previousWeights, weightGram, activationGram] {
            pointer.deallocate()
        }
        for pointer in [singleActivations, previousActivations, singleTargets, gramProducts, singleData,
                        singleDataTransposed, singleWeights, singleWeightGram, blockCross, blockGram] {
            pointer.deallocate()
        }
    }

    /// What a batch leaves: every replicate's summary, in replicate order, and
    /// the best replicate (`ReplicateSummary.isBetter`) with its factors.
    struct Result {
        var replicates: [ReplicateSummary]
        var best: Factorization
    }

    /// Iterates every replicate to its stopping rule or the iteration cap.
    func run() -> Result {
        var iteration = 0
        while !slots.isEmpty {
            iteration += 1
            switch settings.algorithm {
            case .multiplicative: multiplicativeIteration()
            case .hals: halsIteration()
            }
            for s in slots.indices.reversed() {
                let sse = sumOfSquaredErrors(s)
                let r2 = 1 - sse / (input.centredSumOfSquares * scale * scale)
                slots[s].r2 = r2
                slots[s].sumOfSquaredErrors = sse
                if recordHistory { slots[s].history.append(r2) }
                if settings.normaliseWeightsEachIteration && iteration >= 2 { normaliseWeights(s) }
                let stop = slots[s].monitor.record(r2)
                if stop || iteration == settings.maxIterations {
                    finish(s, iterations: iteration, converged: stop)
                }
            }
            if settings.algorithm == .hals {
                for s in slots.indices { extrapolateWeights(s) }
            }
        }
        return Result(replicates: summaries.sorted { $0.replicate < $1.replicate }, best: best!)
    }

    // MARK: - Iterations

    private var stackedRows: Int { slots.count * rank }

    /// Samples per block. An iteration walks D and C in blocks of columns, so a
    /// block's products stay in cache between the steps that use them; DCᵀ and
    /// CCᵀ are summed over the blocks. MU blocks hold about 20 000 elements
    /// (160 KB) of each product, which measured fastest for k from 4 to 14; HALS
    /// blocks are 4 times longer, since each row it updates costs one GEMV call
    /// per block. The width depends only on the batch, never on the thread count.
    private let blockColumns: Int

    static func blockColumns(stackedRows: Int, algorithm: UpdateRule) -> Int {
        let elements = algorithm == .hals ? 81_920 : 20_480
        return max(32, (elements / stackedRows) / 16 * 16)
    }

    /// HALS sweeps over C (and over W) per iteration, reusing WᵀD and WᵀW (DCᵀ
    /// and CCᵀ): 1 + ⌊m / 2k⌋, since one sweep costs about k/m of computing
    /// WᵀD (accelerated HALS, Gillis & Glineur 2012, with their α = 0.5).
    private var halsSweeps: Int { 1 + input.muscles / (2 * rank) }

    /// HALS sweeps over W per iteration: a sweep costs m·k², next to nothing, and
    /// a W solved more exactly for the C at hand saves outer iterations.
    private let halsWeightSweeps = 10

    /// Calls `body(start, width)` for consecutive blocks of columns covering 0..<samples.
    private func forEachBlock(_ body: (Int, Int) -> Void) {
        var start = 0
        while start < input.samples {
            let width = min(blockColumns, input.samples - start)
            body(start, width)
            start += width
        }
    }

    private func multiplicativeIteration() {
        let (m, rows, ld, k) = (input.muscles, stackedRows, capacity * rank, rank)
        let p = MatrixView(start: dataTimesActivations, rows: m, columns: rows, leadingDimension: m)
        // Wᵀ copied out once, so that WᵀD is a plain product (no transposed operand for BLAS to repack).
        let wt = MatrixView(start: weightsTransposed, rows: rows, columns: m, leadingDimension: ld)
        for i in 0..<m {
            for r in 0..<rows { wt[r, i] = weights[i + r * m] }
        }
        forEachBlock { start, width in
            let d = input.view.block(row: 0, column: start, rows: m, columns: width)
            let c = MatrixView(start: activations + start * ld, rows: rows, columns: width, leadingDimension: ld)
            BLAS.multiply(wt, d, into: MatrixView(start: dataTimesWeights, rows: rows, columns: width, leadingDimension: ld))
            for s in slots.indices {
                BLAS.multiply(weightGramView(s), c.block(row: s * k, column: 0, rows: k, columns: width),
                              into: MatrixView(start: gramTimesActivations + s * k, rows: k, columns: width, leadingDimension: ld))
            }
            Self.multiplyByRatio(activations + start * ld, dataTimesWeights, gramTimesActivations,
                                 rows: rows, columns: width, leadingDimension: ld)
            BLAS.multiply(d, c, into: p, transposeB: true, beta: start == 0 ? 0 : 1)
            for s in slots.indices {
                BLAS.gram(c.block(row: s * k, column: 0, rows: k, columns: width), into: activationGramView(s),
                          accumulate: start > 0)
            }
        }
        for s in slots.indices {
            BLAS.multiply(weightsView(s), activationGramView(s),
                          into: MatrixView(start: weightsTimesCross + s * k * m, rows: m, columns: k, leadingDimension: m))
        }
        Self.multiplyByRatio(weights, dataTimesActivations, weightsTimesCross, rows: m, columns: rows, leadingDimension: m)
        for s in slots.indices { BLAS.gram(weightsView(s), transposed: true, into: weightGramView(s)) }
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

    /// One HALS iteration. The work over samples (WᵀD, the C sweeps, the
    /// extrapolation of C, DCᵀ and CCᵀ) runs in single precision: twice the
    /// SIMD width and half the memory traffic of doubles. DCᵀ and CCᵀ are summed
    /// over the blocks in double and W, WᵀW and the error stay double, so the
    /// running R² is within about 1e-6 of the exact one (and its change from one
    /// iteration to the next far closer), below the stopping rule's 1e-5; the
    /// R² reported is recomputed exactly (`finish`).
    private func halsIteration() {
        let (m, n, rows, k) = (input.muscles, input.samples, stackedRows, rank)
        let floor = Float(self.floor)
        for index in 0..<(m * rows) { singleWeights[index] = Float(weights[index]) }
        for index in 0..<(rows * k) { singleWeightGram[index] = Float(weightGram[index]) }
        let weightsSingle = SingleMatrixView(start: singleWeights, rows: m, columns: rows, leadingDimension: m)
        let cross = SingleMatrixView(start: blockCross, rows: m, columns: rows, leadingDimension: m)
        let gram = SingleMatrixView(start: blockGram, rows: k, columns: k, leadingDimension: k)
        forEachBlock { start, width in
            // Time-major: (WᵀD)ᵀ = DᵀW and Cᵀ for this block, each row of C a contiguous column.
            let targets = SingleMatrixView(start: singleTargets, rows: width, columns: rows, leadingDimension: width)
            BLAS.multiply(SingleMatrixView(start: singleDataTransposed + start, rows: width, columns: m, leadingDimension: n),
                          weightsSingle, into: targets)
            let c = SingleMatrixView(start: singleActivations + start, rows: width, columns: rows, leadingDimension: n)
            for s in slots.indices {
                halsActivationUpdate(c.block(row: 0, column: s * k, rows: width, columns: k),
                                     targets: targets.block(row: 0, column: s * k, rows: width, columns: k),
                                     gram: SingleMatrixView(start: singleWeightGram + s * k * k, rows: k, columns: k,
                                                            leadingDimension: k),
                                     floor: floor)
                extrapolate(singleActivations + start + s * k * n, previous: previousActivations + start + s * k * n,
                            rows: width, columns: k, leadingDimension: n,
                            step: Float(slots[s].extrapolation.step), floor: floor)
            }
            let first = start == 0
            BLAS.multiply(SingleMatrixView(start: singleData + start * m, rows: m, columns: width, leadingDimension: m),
                          c, into: cross)
            Self.accumulate(blockCross, into: dataTimesActivations, count: m * rows, first: first)
            for s in slots.indices {
                let slot = c.block(row: 0, column: s * k, rows: width, columns: k)
                BLAS.multiply(slot, slot, into: gram, transposeA: true)
                Self.accumulate(blockGram, into: activationGram + s * k * k, count: k * k, first: first)
            }
        }
        for s in slots.indices {
            halsWeightUpdate(slot: s, floor: self.floor)
            BLAS.gram(weightsView(s), transposed: true, into: weightGramView(s))
        }
    }

    /// sum ← (first ? 0 : sum) + part, summing a block's single-precision product in double.
    private static func accumulate(_ part: UnsafeMutablePointer<Float>, into sum: UnsafeMutablePointer<Double>,
                                   count: Int, first: Bool) {
        if first {
            for index in 0..<count { sum[index] = Double(part[index]) }
        } else {
            for index in 0..<count { sum[index] += Double(part[index]) }
        }
    }

    /// The HALS update of slot s's W, column after column, `halsWeightSweeps` times:
    /// Wⱼ ← max(ε, Wⱼ + ((DCᵀ)ⱼ − W·(CCᵀ)ⱼ)/(CCᵀ)ⱼⱼ). W is m × k, so plain loops suffice.
    private func halsWeightUpdate(slot s: Int, floor: Double) {
        let (m, k) = (input.muscles, rank)
        let q = activationGram + s * k * k
        let w = weights + s * k * m
        let p = dataTimesActivations + s * k * m
        for _ in 0..<halsWeightSweeps {
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

    /// Rows of C that `halsActivationUpdate` takes together: one GEMM gives
    /// their (WᵀW·C) columns, several times faster than a GEMV per row.
    private static let halsRowBlock = 4

    /// The HALS update of one replicate's C over a block of samples, held
    /// time-major (`activations` is block × k, Cᵀ), row after row (Gauss–Seidel):
    /// Cⱼ ← max(ε, Cⱼ + ((WᵀD)ⱼ − (WᵀW)ⱼ·C)/(WᵀW)ⱼⱼ), `halsSweeps` times over.
    /// Rows go in groups of `halsRowBlock`: one GEMM gives (WᵀW)ⱼ·C for the
    /// group's rows from the current C, and after each row's step Δ the later
    /// rows of the group are brought up to date, (WᵀW)ₗ·C += (WᵀW)ₗⱼ Δ, in the
    /// same vector loop. The result is the plain row-by-row update.
    private func halsActivationUpdate(_ activations: SingleMatrixView, targets: SingleMatrixView,
                                      gram: SingleMatrixView, floor: Float) {
        let (k, width) = (activations.columns, activations.rows)
        typealias Vector = SIMD8<Float>
        let floors = Vector(repeating: floor)
        for _ in 0..<halsSweeps {
            for first in stride(from: 0, to: k, by: Self.halsRowBlock) {
                let count = min(Self.halsRowBlock, k - first)
                BLAS.multiply(activations, gram.block(row: 0, column: first, rows: k, columns: count),
                              into: SingleMatrixView(start: gramProducts, rows: width, columns: count,
                                                     leadingDimension: width))
                for q in 0..<count {
                    let j = first + q
                    let row = activations.start + j * activations.leadingDimension
                    let target = targets.start + j * targets.leadingDimension
                    let product = gramProducts + q * width
                    let later = (q + 1)..<count
                    // A zero or underflowed diagonal (an all-zero W column, as a start may have) leaves the row as it is.
                    let inverse = gram[j, j] >= .leastNormalMagnitude ? 1 / gram[j, j] : 0
                    let scale = Vector(repeating: inverse)
                    var t = 0
                    while t + Vector.scalarCount <= width {
                        let current = UnsafeRawPointer(row + t).loadUnaligned(as: Vector.self)
                        let residual = UnsafeRawPointer(target + t).loadUnaligned(as: Vector.self)
                            - UnsafeRawPointer(product + t).loadUnaligned(as: Vector.self)
                        var updated = current + residual * scale
                        updated.replace(with: floors, where: updated .< floors)
                        UnsafeMutableRawPointer(row + t).storeBytes(of: updated, as: Vector.self)
                        let step = updated - current
                        for l in later {
                            let other = UnsafeMutableRawPointer(gramProducts + l * width + t)
                            let value = other.loadUnaligned(as: Vector.self) + step * gram[j, first + l]
                            other.storeBytes(of: value, as: Vector.self)
                        }
                        t += Vector.scalarCount
                    }
                    while t < width {
                        let current = row[t]
                        let updated = max(floor, current + (target[t] - product[t]) * inverse)
                        row[t] = updated
                        for l in later { gramProducts[l * width + t] += (updated - current) * gram[j, first + l] }
                        t += 1
                    }
                }
            }
        }
    }

    /// x̂ = max(ε, x + β(x − x₀)) over a rows × columns block, with x₀ ← x:
    /// `values` holds x (then x̂), `previous` holds x₀ (then x).
    private func extrapolate<Scalar: BinaryFloatingPoint>(
        _ values: UnsafeMutablePointer<Scalar>, previous: UnsafeMutablePointer<Scalar>,
        rows: Int, columns: Int, leadingDimension: Int, step: Scalar, floor: Scalar) {
        for j in 0..<columns {
            let x = values + j * leadingDimension
            let x0 = previous + j * leadingDimension
            for i in 0..<rows {
                let current = x[i]
                let pushed = current + step * (current - x0[i])
                x[i] = pushed < floor ? floor : pushed
                x0[i] = current
            }
        }
    }

    /// Ends a HALS iteration for slot s, whose pair (Wₜ, Ĉₜ) has been scored:
    /// if its error rose, the extrapolation of C is dropped (restart: C ← Cₜ) and
    /// W stays Wₜ; otherwise W is extrapolated to Ŵₜ. Then WᵀW is taken of the W
    /// the next iteration starts from.
    private func extrapolateWeights(_ s: Int) {
        let (m, n, k) = (input.muscles, input.samples, rank)
        let restart = slots[s].extrapolation.record(error: slots[s].sumOfSquaredErrors)
        let w = weights + s * k * m
        let w0 = previousWeights + s * k * m
        if restart {
            w0.update(from: w, count: k * m)
            (singleActivations + s * k * n).update(from: previousActivations + s * k * n, count: k * n)
        } else {
            extrapolate(w, previous: w0, rows: m * k, columns: 1, leadingDimension: m * k,
                        step: slots[s].extrapolation.step, floor: floor)
        }
        BLAS.gram(weightsView(s), transposed: true, into: weightGramView(s))
    }

    /// SSE = ‖D‖² − 2⟨W, DCᵀ⟩ + ⟨WᵀW, CCᵀ⟩ for slot s, from the products of this iteration.
    private func sumOfSquaredErrors(_ s: Int) -> Double {
        let (m, k) = (input.muscles, rank)
        let w = weights + s * k * m
        let p = dataTimesActivations + s * k * m
        var cross = 0.0
        for index in 0..<(m * k) { cross += w[index] * p[index] }
        let g = weightGram + s * k * k
        let q = activationGram + s * k * k
        var gramProduct = 0.0
        for index in 0..<(k * k) { gramProduct += g[index] * q[index] }
        return max(0, input.sumOfSquares * scale * scale - 2 * cross + gramProduct)
    }

    /// Scales slot s's W columns to unit norm and its C rows by the norms (W·C unchanged).
    private func normaliseWeights(_ s: Int) {
        let (m, n, k) = (input.muscles, input.samples, rank)
        let g = weightGram + s * k * k
        for j in 0..<k {
            let norm = g[j + j * k].squareRoot()
            guard norm > 0 else { continue }
            let w = weights + (s * k + j) * m
            for i in 0..<m { w[i] /= norm }
            for t in 0..<n { setActivation(activation(row: s * k + j, sample: t) * norm, row: s * k + j, sample: t) }
            if settings.algorithm == .hals {
                // The previous iterate too, so that the extrapolated step is unchanged.
                for i in 0..<m { previousWeights[i + (s * k + j) * m] /= norm }
                for t in 0..<n { previousActivations[t + (s * k + j) * n] *= Float(norm) }
            }
        }
        BLAS.gram(weightsView(s), transposed: true, into: weightGramView(s))
    }

    /// Records slot s as a finished replicate (keeping its factors if it is the
    /// best so far), then moves the last slot into its place.
    private func finish(_ s: Int, iterations: Int, converged: Bool) {
        let (m, n, k) = (input.muscles, input.samples, rank)
        let slot = slots[s]
        var summary = ReplicateSummary(replicate: slot.replicate, r2: slot.r2, iterations: iterations, converged: converged)
        var factors: (weights: Matrix, activations: Matrix)?
        if settings.algorithm == .hals {
            // HALS tracks R² from single-precision products (to about 1e-6); the R²
            // it reports is that of the returned pair, from the explicit residual.
            factors = self.factors(s)
            summary.r2 = explicitR2(weights: factors!.weights, activations: factors!.activations)
        }
        summaries.append(summary)
        if best.map({ summary.isBetter(than: $0.summary) }) ?? true {
            let (w, c) = factors ?? self.factors(s)
            best = Factorization(weights: w, activations: c, summary: summary, r2History: recordHistory ? slot.history : nil)
        }

        let last = slots.count - 1
        if s != last {
            (weights + s * k * m).update(from: weights + last * k * m, count: k * m)
            (weightGram + s * k * k).update(from: weightGram + last * k * k, count: k * k)
            if settings.algorithm == .hals {
                (singleActivations + s * k * n).update(from: singleActivations + last * k * n, count: k * n)
                (previousWeights + s * k * m).update(from: previousWeights + last * k * m, count: k * m)
                (previousActivations + s * k * n).update(from: previousActivations + last * k * n, count: k * n)
            } else {
                for j in 0..<k {
                    for t in 0..<n {
                        setActivation(activation(row: last * k + j, sample: t), row: s * k + j, sample: t)
                    }
                }
            }
            slots[s] = slots[last]
        }
        slots.removeLast()
    }

    /// Slot s's W with unit-norm columns and C scaled to keep W·C (and back by
    /// 1/σ); a zero W column gets a zero C row.
    private func factors(_ s: Int) -> (weights: Matrix, activations: Matrix) {
        let (m, n, k) = (input.muscles, input.samples, rank)
        var w = Matrix(rows: m, columns: k)
        var c = Matrix(rows: k, columns: n)
        for j in 0..<k {
            var norm = 0.0
            for i in 0..<m { norm += weights[i + (s * k + j) * m] * weights[i + (s * k + j) * m] }
            norm = norm.squareRoot()
            guard norm > 0 else { continue }
            for i in 0..<m { w[i, j] = weights[i + (s * k + j) * m] / norm }
            for t in 0..<n { c[j, t] = activation(row: s * k + j, sample: t) * norm / scale }
        }
        return (w, c)
    }

    /// R² = 1 − ‖D − W·C‖²/SST from the explicit residual.
    private func explicitR2(weights: Matrix, activations: Matrix) -> Double {
        let reconstruction = weights * activations
        var sse = 0.0
        for (value, fitted) in zip(input.data.elements, reconstruction.elements) {
            sse += (value - fitted) * (value - fitted)
        }
        return 1 - sse / input.centredSumOfSquares
    }

    // MARK: - Views

    /// C's element (stacked row r, sample t). MU keeps C as (R·k) × n doubles,
    /// so that a sample's activations are contiguous for the GEMMs; HALS keeps
    /// Cᵀ, n × (R·k), in single precision, so that each row it updates is contiguous.
    @inline(__always)
    private func activation(row r: Int, sample t: Int) -> Double {
        settings.algorithm == .hals
            ? Double(singleActivations[t + r * input.samples]) : activations[r + t * capacity * rank]
    }

    @inline(__always)
    private func setActivation(_ value: Double, row r: Int, sample t: Int) {
        if settings.algorithm == .hals {
            singleActivations[t + r * input.samples] = Float(value)
        } else {
            activations[r + t * capacity * rank] = value
        }
    }

    private func weightsView(_ s: Int) -> MatrixView {
        MatrixView(start: weights + s * rank * input.muscles, rows: input.muscles, columns: rank,
                   leadingDimension: input.muscles)
    }

    private func weightGramView(_ s: Int) -> MatrixView {
        MatrixView(start: weightGram + s * rank * rank, rows: rank, columns: rank, leadingDimension: rank)
    }

    private func activationGramView(_ s: Int) -> MatrixView {
        MatrixView(start: activationGram + s * rank * rank, rows: rank, columns: rank, leadingDimension: rank)
    }
}
