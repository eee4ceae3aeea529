/// Extrapolation with restarts for HALS (Ang AMS, Gillis N (2019) Accelerating
/// nonnegative matrix factorization algorithms using extrapolation. Neural
/// Comput 31:417–439). After each iteration's updates C and W are pushed
/// further along their last step, Ĉ = max(ε, Cₜ + β(Cₜ − Cₜ₋₁)) and likewise Ŵ,
/// and the next iteration starts from (Ŵ, Ĉ). β grows while the error falls
/// and shrinks on a restart (the error rose: the extrapolation is dropped).
public struct Extrapolation {
    /// β, the weight of the last step (the paper's β₀ = 0.5).
    public private(set) var step = 0.5
    /// β̄, the ceiling on β, raised slowly while extrapolation keeps paying.
    private var ceiling = 1.0
    private var previousError = Double.infinity

    /// A fresh extrapolation: β = 0.5, β̄ = 1, no previous error.
    public init() {}

    /// Growth of β after a success (γ), of β̄ (γ̄), and the cut of β on a restart (η).
    private static let growth = 1.05
    private static let ceilingGrowth = 1.01
    private static let cut = 1.5

    /// Records the error of this iteration's pair and returns whether to
    /// restart (drop the extrapolation) rather than extrapolate by `step`.
    public mutating func record(error: Double) -> Bool {
        defer { previousError = error }
        if error > previousError {
            ceiling = step
            step /= Self.cut
            return true
        }
        step = min(ceiling, Self.growth * step)
        ceiling = min(1, Self.ceilingGrowth * ceiling)
        return false
    }
}
