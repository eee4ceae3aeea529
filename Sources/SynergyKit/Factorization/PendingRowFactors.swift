/// Factors a solver's stacked rows of C are still to be multiplied by, after a
/// replicate's W columns were divided by their norms (`ReplicateSolver.rescale`):
/// the solver's next pass over C applies them block by block, while each block
/// is in cache, instead of in a pass of its own, and `copyActivations` reads C
/// with them applied. A row without one has the factor 1.
final class PendingRowFactors<Scalar: BinaryFloatingPoint> {
    let rank: Int
    /// Per stacked row, R·k.
    let factors: UnsafeMutablePointer<Scalar>
    /// Per slot: whether any of its rows has a factor pending.
    private(set) var isPending: [Bool]

    init(capacity: Int, rank: Int) {
        self.rank = rank
        factors = .allocate(capacity: capacity * rank)
        factors.initialize(repeating: 1, count: capacity * rank)
        isPending = Array(repeating: false, count: capacity)
    }

    deinit { factors.deallocate() }

    /// Multiplies slot s's row factors by `norms` (a zero norm leaves its row as it is).
    func record(slot s: Int, norms: [Double]) {
        for (j, norm) in norms.enumerated() where norm > 0 { factors[s * rank + j] *= Scalar(norm) }
        isPending[s] = true
    }

    /// Whether any slot among 0..<count has factors pending.
    func anyPending(among count: Int) -> Bool { isPending.prefix(count).contains(true) }

    /// Sets the pending factors of slots 0..<count back to 1, once they have been applied.
    func clear(slots count: Int) {
        for s in 0..<count where isPending[s] {
            (factors + s * rank).update(repeating: 1, count: rank)
            isPending[s] = false
        }
    }

    /// Moves slot `last`'s factors into slot s.
    func moveSlot(_ last: Int, to s: Int) {
        (factors + s * rank).update(from: factors + last * rank, count: rank)
        isPending[s] = isPending[last]
    }
}
