/// The update rule's half of a `ReplicateBatch`: the buffers only that rule
/// uses and its iteration: `MultiplicativeUpdateWorkspace` and
/// `DoubleMultiplicativeUpdateWorkspace` (Lee & Seung 2001) or `HALSWorkspace`
/// (Cichocki & Phan 2009). The batch keeps the rest (the
/// slots, the stopping rules, the error and the best replicate) and shares W
/// and the products the error comes from with it (`SharedWorkspace`).
///
/// Slots are numbered 0..<capacity; the active ones are always 0..<count, as
/// the batch moves its last active slot into the place of one that stops.
/// A workspace is allocated once, at its largest; iterations allocate nothing.
protocol ReplicateSolver: AnyObject {
    /// Allocates the buffers of `capacity` replicates of rank `rank`; `workers`
    /// threads share each iteration's work over samples where the rule can.
    init(input: FactorizationInput, rank: Int, capacity: Int, workers: Int, shared: SharedWorkspace)

    /// σ, the power of two the problem is solved at: D·σ, W·σ, C·σ (1 for none).
    var scale: Double { get }

    /// Whether the R² tracked from iteration to iteration is approximate, so that
    /// the R² reported for a replicate is recomputed from its explicit residual.
    static var tracksApproximateR2: Bool { get }

    /// Takes slot s's start C₀ (k × n, unscaled), W₀·σ being in place already.
    func loadStart(slot s: Int, activations: Matrix)

    /// One iteration of the first `count` slots: C, then W, then DCᵀ, WᵀW and
    /// CCᵀ of the pair the iteration reports.
    func iterate(slots count: Int)

    /// Ends the iteration of slot s, whose reported pair has error `error`.
    func endIteration(slot s: Int, error: Double)

    /// Multiplies slot s's C row j by `norms[j]`, whose W column has been
    /// divided by it (W·C unchanged); a zero norm leaves the row as it is. A
    /// solver may defer the multiplication to its next pass over C, provided
    /// `copyActivations(row:into:)` reads the multiplied values.
    func rescale(slot s: Int, by norms: [Double])

    /// C's stacked row r, scaled by σ, into out[0..<samples], each value
    /// converted to `Value` (exactly, when `Value` is at least the solver's precision).
    func copyActivations<Value: BinaryFloatingPoint>(row r: Int, into out: UnsafeMutablePointer<Value>)

    /// Whether C's elements are single-precision values (`copyActivations(row:into:)`
    /// converts them exactly to Float), so that a fit can keep them as such.
    static var activationsAreSingle: Bool { get }

    /// Moves slot `last`'s own state into slot s (the batch moves W and WᵀW).
    func moveSlot(_ last: Int, to s: Int)
}

/// The part of a batch's workspace both update rules use, in double precision
/// and column-major, slot s holding W columns s·k..<(s+1)·k: W and DCᵀ
/// (m × R·k each), and WᵀW and CCᵀ (k × k per slot), from which the error
/// SSE = ‖D‖² − 2⟨W, DCᵀ⟩ + ⟨WᵀW, CCᵀ⟩ of each slot is computed.
final class SharedWorkspace {
    let muscles: Int
    let rank: Int
    let weights: UnsafeMutablePointer<Double>               // W, m × Rk
    let dataTimesActivations: UnsafeMutablePointer<Double>  // DCᵀ, m × Rk
    let weightGram: UnsafeMutablePointer<Double>            // WᵀW per slot, k × k each
    let activationGram: UnsafeMutablePointer<Double>        // CCᵀ per slot, k × k each

    init(muscles: Int, rank: Int, capacity: Int) {
        self.muscles = muscles
        self.rank = rank
        weights = .allocateZeroed(muscles * capacity * rank)
        dataTimesActivations = .allocateZeroed(muscles * capacity * rank)
        weightGram = .allocateZeroed(capacity * rank * rank)
        activationGram = .allocateZeroed(capacity * rank * rank)
    }

    deinit {
        for pointer in [weights, dataTimesActivations, weightGram, activationGram] { pointer.deallocate() }
    }

    func weightsView(_ s: Int) -> MatrixView {
        MatrixView(start: weights + s * rank * muscles, rows: muscles, columns: rank, leadingDimension: muscles)
    }

    func weightGramView(_ s: Int) -> MatrixView {
        MatrixView(start: weightGram + s * rank * rank, rows: rank, columns: rank, leadingDimension: rank)
    }

    func activationGramView(_ s: Int) -> MatrixView {
        MatrixView(start: activationGram + s * rank * rank, rows: rank, columns: rank, leadingDimension: rank)
    }

    /// WᵀW of slot s from its current W.
    func updateWeightGram(_ s: Int) {
        BLAS.gram(weightsView(s), transposed: true, into: weightGramView(s))
    }

    /// Moves slot `last`'s W and WᵀW into slot s.
    func moveSlot(_ last: Int, to s: Int) {
        let (m, k) = (muscles, rank)
        (weights + s * k * m).update(from: weights + last * k * m, count: k * m)
        (weightGram + s * k * k).update(from: weightGram + last * k * k, count: k * k)
    }
}

/// The blocks of samples (columns of D and C) an iteration walks, so that a
/// block's products stay in cache between the steps that use them; DCᵀ and
/// CCᵀ are summed over the blocks. A block holds about `elements` elements of
/// an (R·k)-row product, in multiples of 16 columns and at least 32: the width
/// depends only on the batch, never on the thread count.
struct SampleBlocks {
    let samples: Int
    let width: Int

    init(samples: Int, stackedRows: Int, elements: Int) {
        self.samples = samples
        width = max(32, (elements / stackedRows) / 16 * 16)
    }

    /// The number of blocks.
    var count: Int { (samples + width - 1) / width }

    /// Block b's first sample and width.
    func block(_ b: Int) -> (start: Int, width: Int) { (b * width, min(width, samples - b * width)) }

    /// Calls `body(start, width)` for consecutive blocks covering 0..<samples.
    func forEach(_ body: (Int, Int) -> Void) {
        for b in 0..<count {
            let (start, width) = block(b)
            body(start, width)
        }
    }
}

extension UnsafeMutablePointer where Pointee: Numeric {
    /// `count` elements, allocated and set to zero.
    static func allocateZeroed(_ count: Int) -> UnsafeMutablePointer<Pointee> {
        let pointer = UnsafeMutablePointer<Pointee>.allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        return pointer
    }
}

extension UnsafeMutablePointer where Pointee == Double {
    /// self ← (first ? 0 : self) + part over `count` elements: a block's
    /// single-precision product summed in double, as both solvers sum DCᵀ and CCᵀ.
    @inline(__always)
    func accumulate<Part: BinaryFloatingPoint>(_ part: UnsafeMutablePointer<Part>, count: Int, first: Bool) {
        if first {
            for index in 0..<count { self[index] = Double(part[index]) }
        } else {
            for index in 0..<count { self[index] += Double(part[index]) }
        }
    }
}
