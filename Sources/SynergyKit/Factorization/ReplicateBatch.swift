/// Replicates of one rank k fitted side by side. Their W are stacked as one
/// m × (R·k) matrix and their C as one (R·k) × n matrix (single-precision
/// solvers keep its transpose), so the two large products of an iteration,
/// WᵀD and DCᵀ, are each a single product for the whole batch (a GEMM, or
/// formed in the solver's C kernels: `synergy_mu_update_activations`,
/// `synergy_row_products`); the k × k products stay per replicate. A
/// replicate that stops leaves the batch (the last active one moves into its
/// slot), so the products shrink.
///
/// Per iteration t the update rule, `Solver`, updates C first, then W:
/// multiplicative updates (`MultiplicativeUpdateWorkspace` in single
/// precision, `DoubleMultiplicativeUpdateWorkspace` in double; Lee & Seung 2001)
/// or HALS (`HALSWorkspace`, Cichocki & Phan 2009), each with only its own
/// buffers; `FactorizationInput.fitReplicates` picks it once from the settings.
/// The batch keeps what the two share: the replicates' slots, the stopping
/// rules, the error and R², the normalisation, and the best replicate.
///
/// The error comes from the Gram matrices the updates already built,
/// SSE = ‖D‖² − 2⟨W, DCᵀ⟩ + ⟨WᵀW, CCᵀ⟩, never from a full residual, and
/// R²ₜ = 1 − SSE/SST (HALS and single-precision MU report their final R² from
/// the explicit residual, `ReplicateSolver.tracksApproximateR2`). The workspace
/// is allocated once; iterations allocate nothing. A batch keeps every replicate's summary but
/// only the best replicate's W and C, and draws each start just before it is
/// copied in, so beyond its workspace it holds at most two replicates' factors
/// at a time.
///
/// Degenerate components stay finite: a W column that ends all zero is
/// returned with a zero C row (W·C unchanged), never divided by its zero norm.
final class ReplicateBatch<Solver: ReplicateSolver> {
    private let input: FactorizationInput
    private let rank: Int
    private let settings: FactorizationSettings
    private let recordHistory: Bool
    /// σ, the power of two the solver scales the problem by (1 for MU).
    private let scale: Double
    /// W and the products the error is computed from, shared with the solver.
    private let shared: SharedWorkspace
    private let solver: Solver
    /// Threads sharing the batch's work over samples.
    private let workers: Int

    private var slots: [Slot]
    private var summaries: [ReplicateSummary] = []
    private var best: Factorization?

    private struct Slot {
        var replicate: Int
        var monitor: ConvergenceMonitor
        var r2: Double = .nan
        var sumOfSquaredErrors: Double = .nan
        var history: [Double] = []
    }

    /// A batch for `replicates`, each given its first W (m × k) and C (k × n) by
    /// `start`, its iterations' work over samples shared by `workers` threads
    /// where the update rule can (the results are the same for any number).
    init(input: FactorizationInput, rank: Int, settings: FactorizationSettings, replicates: [Int], workers: Int,
         recordHistory: Bool, start: (Int) -> (weights: Matrix, activations: Matrix)) {
        precondition(rank >= 1 && rank <= input.muscles && !replicates.isEmpty)
        self.input = input
        self.rank = rank
        self.settings = settings
        self.recordHistory = recordHistory
        self.workers = max(1, workers)
        let (m, n, k) = (input.muscles, input.samples, rank)
        shared = SharedWorkspace(muscles: m, rank: k, capacity: replicates.count)
        solver = Solver(input: input, rank: rank, capacity: replicates.count, workers: workers, shared: shared)
        scale = solver.scale
        slots = replicates.map { Slot(replicate: $0, monitor: ConvergenceMonitor(rule: settings.stopping)) }
        for (s, replicate) in replicates.enumerated() {
            let start = start(replicate)
            precondition(start.weights.rows == m && start.weights.columns == k)
            precondition(start.activations.rows == k && start.activations.columns == n)
            for index in 0..<(m * k) { shared.weights[s * k * m + index] = start.weights.elements[index] * scale }
            solver.loadStart(slot: s, activations: start.activations)
            shared.updateWeightGram(s)
        }
    }

    /// Iterates every replicate to its stopping rule or the iteration cap.
    func run() -> ReplicateBatchResult {
        var iteration = 0
        while !slots.isEmpty {
            iteration += 1
            solver.iterate(slots: slots.count)
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
            for s in slots.indices { solver.endIteration(slot: s, error: slots[s].sumOfSquaredErrors) }
        }
        return ReplicateBatchResult(replicates: summaries.sorted { $0.replicate < $1.replicate }, best: best!)
    }

    /// SSE = ‖D‖² − 2⟨W, DCᵀ⟩ + ⟨WᵀW, CCᵀ⟩ for slot s, from the products of this iteration.
    private func sumOfSquaredErrors(_ s: Int) -> Double {
        let (m, k) = (input.muscles, rank)
        let w = shared.weights + s * k * m
        let p = shared.dataTimesActivations + s * k * m
        var cross = 0.0
        for index in 0..<(m * k) { cross += w[index] * p[index] }
        let g = shared.weightGram + s * k * k
        let q = shared.activationGram + s * k * k
        var gramProduct = 0.0
        for index in 0..<(k * k) { gramProduct += g[index] * q[index] }
        return max(0, input.sumOfSquares * scale * scale - 2 * cross + gramProduct)
    }

    /// Scales slot s's W columns to unit norm and its C rows by the norms (W·C unchanged).
    private func normaliseWeights(_ s: Int) {
        let (m, k) = (input.muscles, rank)
        let g = shared.weightGram + s * k * k
        let norms = (0..<k).map { g[$0 + $0 * k].squareRoot() }
        for (j, norm) in norms.enumerated() where norm > 0 {
            let w = shared.weights + (s * k + j) * m
            for i in 0..<m { w[i] /= norm }
        }
        solver.rescale(slot: s, by: norms)
        shared.updateWeightGram(s)
    }

    /// Records slot s as a finished replicate (keeping its factors if it is the
    /// best so far), then moves the last slot into its place.
    private func finish(_ s: Int, iterations: Int, converged: Bool) {
        let slot = slots[s]
        var summary = ReplicateSummary(replicate: slot.replicate, r2: slot.r2, iterations: iterations, converged: converged)
        var factors: (weights: Matrix, activations: StoredActivations)?
        if Solver.tracksApproximateR2 {
            factors = self.factors(s)
            summary.r2 = explicitR2(weights: factors!.weights, activations: factors!.activations)
        }
        summaries.append(summary)
        if best.map({ summary.isBetter(than: $0.summary) }) ?? true {
            let (w, c) = factors ?? self.factors(s)
            best = Factorization(weights: w, storedActivations: c, summary: summary,
                                 r2History: recordHistory ? slot.history : nil)
        }

        let last = slots.count - 1
        if s != last {
            shared.moveSlot(last, to: s)
            solver.moveSlot(last, to: s)
            slots[s] = slots[last]
        }
        slots.removeLast()
    }

    /// Slot s's W with unit-norm columns and C scaled to keep W·C (and back by
    /// 1/σ), kept at the solver's precision; a zero W column gets a zero C row.
    private func factors(_ s: Int) -> (weights: Matrix, activations: StoredActivations) {
        let (m, n, k) = (input.muscles, input.samples, rank)
        let weights = shared.weights
        var w = Matrix(rows: m, columns: k)
        var norms = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var norm = 0.0
            for i in 0..<m { norm += weights[i + (s * k + j) * m] * weights[i + (s * k + j) * m] }
            norm = norm.squareRoot()
            guard norm > 0 else { continue }
            norms[j] = norm
            for i in 0..<m { w[i, j] = weights[i + (s * k + j) * m] / norm }
        }
        // The solver's values of C, row-major; in single precision they convert back exactly.
        func values<Value: BinaryFloatingPoint>(_ type: Value.Type) -> [Value] {
            [Value](unsafeUninitializedCapacity: k * n) { x, count in
                for j in 0..<k {
                    if norms[j] > 0 {
                        solver.copyActivations(row: s * k + j, into: x.baseAddress! + j * n)
                    } else {
                        (x.baseAddress! + j * n).initialize(repeating: 0, count: n)
                    }
                }
                count = k * n
            }
        }
        let c = Solver.activationsAreSingle
            ? StoredActivations(rows: k, columns: n, single: values(Float.self), rowFactors: norms, divisor: scale)
            : StoredActivations(rows: k, columns: n, double: values(Double.self), rowFactors: norms, divisor: scale)
        return (w, c)
    }

    /// R² = 1 − ‖D − W·C‖²/SST from the explicit residual, its blocks shared
    /// by the batch's workers (summed in block order, so the same for any number).
    private func explicitR2(weights: Matrix, activations: StoredActivations) -> Double {
        let (m, data) = (input.muscles, input.data)
        let sse = FitQuality.sumOverBlocks(weights: weights, activations: activations, workers: workers) {
            first, count, fitted in
            data.elements.withUnsafeBufferPointer { data in
                var sum = 0.0
                for index in 0..<(m * count) {
                    let value = data[first * m + index]
                    sum += (value - fitted[index]) * (value - fitted[index])
                }
                return sum
            }
        }
        return 1 - sse / input.centredSumOfSquares
    }
}

/// What a batch leaves: every replicate's summary, in replicate order, and
/// the best replicate (`ReplicateSummary.isBetter`) with its factors.
struct ReplicateBatchResult {
    var replicates: [ReplicateSummary]
    var best: Factorization
}

extension FactorizationInput {
    /// Fits `replicates` of rank `rank` as one `ReplicateBatch` on `workers`
    /// threads, by the update rule the settings name, each from its first W
    /// (m × k) and C (k × n) given by `start`.
    func fitReplicates(rank: Int, settings: FactorizationSettings, replicates: [Int], workers: Int = 1,
                       recordHistory: Bool = false,
                       start: (Int) -> (weights: Matrix, activations: Matrix)) -> ReplicateBatchResult {
        precondition(settings.precisionIsSupported, "HALS works in single precision only")
        return switch (settings.algorithm, settings.precision) {
        case (.multiplicative, .single):
            ReplicateBatch<MultiplicativeUpdateWorkspace>(input: self, rank: rank, settings: settings,
                                                          replicates: replicates, workers: workers,
                                                          recordHistory: recordHistory, start: start).run()
        case (.multiplicative, .double):
            ReplicateBatch<DoubleMultiplicativeUpdateWorkspace>(input: self, rank: rank, settings: settings,
                                                                replicates: replicates, workers: workers,
                                                                recordHistory: recordHistory, start: start).run()
        case (.hals, _):
            ReplicateBatch<HALSWorkspace>(input: self, rank: rank, settings: settings, replicates: replicates,
                                          workers: workers, recordHistory: recordHistory, start: start).run()
        }
    }

    /// Fits `replicates` of rank `rank` as one batch on `workers` threads, from
    /// starts drawn as the settings say, from (seed, rank, replicate).
    func fitReplicates(rank: Int, settings: FactorizationSettings, seed: UInt64,
                       replicates: Range<Int>, workers: Int = 1) -> ReplicateBatchResult {
        fitReplicates(rank: rank, settings: settings, replicates: Array(replicates), workers: workers) { replicate in
            var generator = SeededGenerator(seed: seed, rank: rank, replicate: replicate)
            let (low, high): (Double, Double)
            switch settings.initialisation {
            case .uniformZeroToMax: (low, high) = (0, maximum)
            case .uniformMinToMax: (low, high) = (minimum, maximum)
            }
            func draw() -> Double {
                settings.initialisation == .uniformZeroToMax
                    ? high * generator.nextOpenUnit()
                    : low + (high - low) * generator.nextUnit()
            }
            let w = Matrix(rows: muscles, columns: rank, elements: (0..<(muscles * rank)).map { _ in draw() })
            let c = Matrix(rows: rank, columns: samples, elements: (0..<(rank * samples)).map { _ in draw() })
            return (weights: w, activations: c)
        }
    }
}
