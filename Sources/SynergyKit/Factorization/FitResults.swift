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
public struct Factorization: Sendable, Equatable {
    /// W, muscles × rank, unit-norm columns.
    public var weights: Matrix
    /// C, rank × samples.
    public var activations: Matrix
    /// How the replicate ended.
    public var summary: ReplicateSummary
    /// R² after each iteration, when the run was asked to keep it.
    public var r2History: [Double]?
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
