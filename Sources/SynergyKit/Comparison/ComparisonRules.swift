/// When two synergy sets are said to share a synergy, and when one set's
/// synergy is a merging or fractionation of the other's (Cheung et al. 2020,
/// "Plasticity of muscle synergies through fractionation and merging during
/// development and training of human runners", Nat Commun 11:4356):
///
/// - a pair of synergies matches when the scalar product of their unit weight
///   vectors is ≥ `similarityThreshold`;
/// - a combination (the non-negative least-squares fit b ≈ Σₖ mₖ aₖ of one
///   synergy from ≥ 2 of the other set's, see `SynergyComparison`) counts as a
///   merging or fractionation when every coefficient mₖ ≥ `coefficientMinimum`
///   and the combination's scalar product with b is ≥ `similarityThreshold`.
///
/// `cheung2020` holds the paper's values, the defaults of `compare`, `batch`
/// and every comparison in the library.
public struct ComparisonRules: Sendable, Hashable {
    /// Similarity (scalar product of unit weight vectors) at or above which
    /// synergies match, and a merging or fractionation counts.
    public var similarityThreshold: Double
    /// Smallest coefficient of each synergy contributing to a merging or fractionation.
    public var coefficientMinimum: Double

    /// Rules with these thresholds (see `cheung2020` for the paper's).
    public init(similarityThreshold: Double, coefficientMinimum: Double) {
        self.similarityThreshold = similarityThreshold
        self.coefficientMinimum = coefficientMinimum
    }

    /// Cheung et al. (2020): similarity ≥ 0.80, every coefficient ≥ 0.2.
    public static let cheung2020 = ComparisonRules(similarityThreshold: 0.80, coefficientMinimum: 0.2)

    /// Whether a pair (or a combination and its target) of this similarity matches.
    public func matches(_ similarity: Double) -> Bool { similarity >= similarityThreshold }

    /// Whether a synergy with this coefficient may contribute to a merging or fractionation.
    public func admits(coefficient: Double) -> Bool { coefficient >= coefficientMinimum }
}
