/// How one replicate ended.
public struct ReplicateSummary: Codable, Sendable, Equatable {
    public var replicate: Int
    public var r2: Double
    public var iterations: Int
    /// False when the iteration cap stopped it before its stopping rule did.
    public var converged: Bool
}

/// One replicate's factorisation D ≈ W·C: W (muscles × rank) with unit-norm
/// columns, C (rank × samples) scaled to keep W·C unchanged.
public struct Factorization: Sendable, Equatable {
    public var weights: Matrix
    public var activations: Matrix
    public var summary: ReplicateSummary
    /// R² after each iteration, when the run was asked to keep it.
    public var r2History: [Double]?
}

/// All replicates of one rank, and the one kept: the highest R²
/// (ties go to the lower replicate number).
public struct RankFit: Sendable, Equatable {
    public var rank: Int
    public var best: Factorization
    public var replicates: [ReplicateSummary]
    public var quality: FitQuality

    public var r2: Double { best.summary.r2 }
}
