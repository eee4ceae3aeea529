/// Two synergy sets side by side, as Cheung et al. (2020) compared them: A the
/// earlier (novice, baseline) set, B the later (trained) one, each a muscles × k
/// matrix of weights on the same muscles.
///
/// - Similarity of two synergies: the scalar product of their unit weight vectors.
/// - Matching: the one-to-one assignment maximising the total similarity
///   (`Assignment`); pairs that `rules` do not match count as unmatched.
/// - Merging: a synergy b of B is a merging of A's when the non-negative least
///   squares fit b ≈ Σₖ mₖ aₖ (unit vectors) has ≥ 2 contributing synergies, each
///   mₖ ≥ `rules.coefficientMinimum`, and the scalar product of Σₖ mₖ aₖ with b
///   is ≥ `rules.similarityThreshold`. Coefficients below the minimum are dropped
///   and the fit is redone on the rest, until every remaining coefficient reaches
///   it (the paper does not say whether it refits; we do).
/// - Fractionation: the converse, a synergy a of A explained by ≥ 2 of B's.
public struct SynergyComparison: Sendable, Equatable {
    /// One pair of the assignment: synergy `a` of A with synergy `b` of B.
    public struct Match: Codable, Sendable, Equatable {
        /// Index into A's synergies, 0-based.
        public var a: Int
        /// Index into B's synergies, 0-based.
        public var b: Int
        /// Scalar product of the two unit weight vectors.
        public var similarity: Double
        /// With a bootstrap: the share of paired resamples that match the same pair (`ComparisonSupport`).
        public var support: Double?
    }

    /// One synergy explained as a non-negative combination of the other set's.
    public struct Combination: Sendable, Equatable {
        /// The explained synergy (index into its own set).
        public var target: Int
        /// The contributing synergies of the other set, ascending.
        public var sources: [Int]
        /// The non-negative coefficients mₖ, one per entry of `sources` (of the unit vectors).
        public var coefficients: [Double]
        /// Scalar product of the combination (normalised) with the target.
        public var similarity: Double
    }

    /// The rules the sets were compared by.
    public var rules: ComparisonRules
    /// Every pair of the optimal assignment (similarity may be below the threshold).
    public var assignment: [Match]
    /// The pairs of the assignment at or above the threshold.
    public var matches: [Match]
    /// A's synergies in no match, ascending.
    public var unmatchedA: [Int]
    /// B's synergies in no match, ascending.
    public var unmatchedB: [Int]
    /// Synergies of B explained as merging of A's.
    public var merging: [Combination]
    /// Synergies of A explained as fractionation into B's.
    public var fractionation: [Combination]

    /// Share of B's synergies that are a merging of A's.
    public var mergingIndexB: Double
    /// Share of A's synergies that fractionate into B's.
    public var fractionationIndexA: Double

    /// Compares A (muscles × kA) with B (muscles × kB, same muscles) under `rules`; throws `ComparisonError` when a least-squares fit fails (non-finite weights, iteration cap).
    public init(a: Matrix, b: Matrix, rules: ComparisonRules = .cheung2020) throws {
        precondition(a.rows == b.rows && a.columns > 0 && b.columns > 0)
        let unitA = Self.unitColumns(a), unitB = Self.unitColumns(b)
        let similarity = unitA.transposed * unitB  // kA × kB scalar products
        let pairs = Assignment.maximisingTotal(similarity).map {
            Match(a: $0.row, b: $0.column, similarity: similarity[$0.row, $0.column])
        }
        let kept = pairs.filter { rules.matches($0.similarity) }
        self.rules = rules
        assignment = pairs
        matches = kept
        unmatchedA = (0..<a.columns).filter { i in !kept.contains { $0.a == i } }
        unmatchedB = (0..<b.columns).filter { j in !kept.contains { $0.b == j } }
        merging = try (0..<b.columns).compactMap {
            try Self.combination(explaining: unitB.column($0), target: $0, from: unitA, rules: rules)
        }
        fractionation = try (0..<a.columns).compactMap {
            try Self.combination(explaining: unitA.column($0), target: $0, from: unitB, rules: rules)
        }
        mergingIndexB = Double(merging.count) / Double(b.columns)
        fractionationIndexA = Double(fractionation.count) / Double(a.columns)
    }

    /// The combination of `sources`' columns explaining `vector` under the rules above, or nil.
    static func combination(explaining vector: [Double], target: Int, from sources: Matrix,
                            rules: ComparisonRules) throws -> Combination? {
        var used = Array(0..<sources.columns)
        while used.count >= 2 {
            let subset = Matrix(rows: sources.rows, columns: used.count,
                                elements: used.flatMap { sources.column($0) })
            let fit = try NonNegativeLeastSquares.solve(subset, vector)
            let kept = used.indices.filter { rules.admits(coefficient: fit.x[$0]) }
            guard kept.count == used.count else {
                used = kept.map { used[$0] }
                continue
            }
            var combined = [Double](repeating: 0, count: sources.rows)
            for (position, j) in used.enumerated() {
                for i in 0..<sources.rows { combined[i] += fit.x[position] * sources[i, j] }
            }
            let similarity = Self.cosine(combined, vector)
            guard rules.matches(similarity) else { return nil }
            return Combination(target: target, sources: used, coefficients: fit.x, similarity: similarity)
        }
        return nil
    }

    static func unitColumns(_ m: Matrix) -> Matrix {
        var result = m
        for j in 0..<m.columns {
            let norm = m.column(j).reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            for i in 0..<m.rows { result[i, j] = m[i, j] / norm }
        }
        return result
    }

    static func cosine(_ x: [Double], _ y: [Double]) -> Double {
        let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (x.reduce(0) { $0 + $1 * $1 } * y.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return norms > 0 ? dot / norms : 0
    }
}

/// Sparseness of a weight vector (Hoyer 2004, J Mach Learn Res 5:1457–1469):
/// φ = (√n − ‖w‖₁/‖w‖₂)/(√n − 1), n the number of muscles: 1 when a single
/// muscle is active, 0 when all weigh the same.
public enum Sparseness {
    /// φ of `w` (n ≥ 2), 0 … 1; 0 for an all-zero vector.
    public static func hoyer(_ w: [Double]) -> Double {
        precondition(w.count >= 2)
        let l1 = w.reduce(0) { $0 + abs($1) }, l2 = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard l2 > 0 else { return 0 }
        let root = Double(w.count).squareRoot()
        return (root - l1 / l2) / (root - 1)
    }
}
