import Foundation

/// The JSON document of one `compare` run: both sessions' results in the schema
/// of `count`, and what changed from A (earlier) to B (later). Synergy indices
/// are 0-based into each side's `synergies`.
public struct ComparisonReport: Codable, Sendable, Equatable {
    /// Where one side came from.
    public struct Source: Codable, Sendable, Equatable {
        /// "raw", "envelope" or "synergies_json" (the synergies of an extract/count JSON, reused).
        public var kind: String
        /// The file as given.
        public var path: String
        /// SHA-256 of the file's bytes (hex).
        public var sha256: String
        /// Muscles of this side left out because the other side lacks them.
        public var droppedMuscles: [String]
    }

    /// A value for each side.
    public struct Sides<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        /// Side A's value (the earlier session).
        public var a: Value
        /// Side B's value (the later session).
        public var b: Value

        /// Creates a pair from A's and B's values.
        public init(a: Value, b: Value) {
            self.a = a
            self.b = b
        }
    }

    /// A synergy of B explained as a non-negative combination of A's.
    public struct Merging: Codable, Sendable, Equatable {
        /// The merged synergy of B.
        public var b: Int
        /// A's synergies it combines, ascending.
        public var sourcesA: [Int]
        /// Each source's non-negative coefficient, in `sourcesA` order.
        public var coefficients: [Double]
        /// Scalar product of the normalised combination with B's synergy, 0–1.
        public var similarity: Double
        /// With a bootstrap: the share of paired resamples showing the same merging.
        public var support: Double?
    }

    /// A synergy of A explained as a non-negative combination of B's.
    public struct Fractionation: Codable, Sendable, Equatable {
        /// The fractionated synergy of A.
        public var a: Int
        /// B's synergies it splits into, ascending.
        public var fractionsB: [Int]
        /// Each fraction's non-negative coefficient, in `fractionsB` order.
        public var coefficients: [Double]
        /// Scalar product of the normalised combination with A's synergy, 0–1.
        public var similarity: Double
        /// With a bootstrap: the share of paired resamples showing the same fractionation.
        public var support: Double?
    }

    /// One session's EMG reconstructed with the other session's W held fixed.
    public struct CrossFitResult: Codable, Sendable, Equatable {
        /// The side whose weights are held fixed ("a" or "b").
        public var weights: String
        /// The side whose EMG is fitted.
        public var emg: String
        /// R² of the EMG side's envelope reconstructed with the fixed W and refitted activations.
        public var r2: Double
        /// R² of the EMG side's own synergies at its reported rank.
        public var ownR2: Double
        /// Iterations of the activations' fit.
        public var iterations: Int
        /// False when the iteration cap stopped the fit (also a warning on standard error).
        public var converged: Bool
    }

    /// Version of synergy that wrote the report.
    public var toolVersion: String
    /// Always "compare".
    public var command = "compare"
    /// Each side's kind, path, SHA-256 and dropped muscles.
    public var sources: Sides<Source>
    /// The muscles compared, in A's order (A's spelling).
    public var muscles: [String]
    /// How two raw recordings were put on one amplitude scale: "per_session"
    /// (each by its own), "shared" (one scale per muscle over both), or
    /// "as_given" (no side was a recording: each side's scaling is what it was).
    public var sessionScale: String
    /// The comparison's rules as the JSON records them (`rules`).
    public var threshold: Double
    /// Smallest coefficient for a synergy to count in a merging or fractionation.
    public var coefficientMinimum: Double
    /// Side A's result in the schema of `count`, on the compared muscles.
    public var a: SynergyReport
    /// Side B's result in the schema of `count`, on the compared muscles.
    public var b: SynergyReport
    /// Scalar products of the unit weight vectors, A's synergies down, B's across.
    public var similarity: [[Double]]
    /// Pairs of the optimal one-to-one assignment at or above the threshold.
    public var matches: [SynergyComparison.Match]
    /// A's synergies in no match.
    public var unmatchedA: [Int]
    /// B's synergies in no match.
    public var unmatchedB: [Int]
    /// B's synergies that are a merging of ≥ 2 of A's.
    public var merging: [Merging]
    /// A's synergies that fractionate into ≥ 2 of B's.
    public var fractionation: [Fractionation]
    /// Share of B's synergies that are mergings, 0–1.
    public var mergingIndexB: Double
    /// Share of A's synergies that fractionate, 0–1.
    public var fractionationIndexA: Double
    /// Each direction whose EMG side is a recording or envelope (empty when both sides are JSON).
    public var crossFit: [CrossFitResult]

    /// The report of `comparison` of `a` with `b`, which records its rules.
    public init(sources: Sides<Source>, muscles: [String], sessionScale: String, a: SynergyReport, b: SynergyReport,
                comparison: SynergyComparison, crossFit: [CrossFitResult], support: ComparisonSupport? = nil) {
        toolVersion = SynergyAnalysis.toolVersion
        self.sources = sources
        self.muscles = muscles
        self.sessionScale = sessionScale
        threshold = comparison.rules.similarityThreshold
        coefficientMinimum = comparison.rules.coefficientMinimum
        self.a = a
        self.b = b
        let unitB = b.synergies.map { Self.unit($0.weights) }
        similarity = a.synergies.map { synergy in
            let u = Self.unit(synergy.weights)
            return unitB.map { v in zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        (matches, merging, fractionation) = Self.instances(comparison, support: support)
        unmatchedA = comparison.unmatchedA
        unmatchedB = comparison.unmatchedB
        mergingIndexB = comparison.mergingIndexB
        fractionationIndexA = comparison.fractionationIndexA
        self.crossFit = crossFit
    }

    /// A comparison's matches, merging and fractionation as reports write them,
    /// each with its support when `support` is given (a bootstrap).
    public static func instances(_ comparison: SynergyComparison, support: ComparisonSupport?)
        -> (matches: [SynergyComparison.Match], merging: [Merging], fractionation: [Fractionation]) {
        let matches = comparison.matches.enumerated().map { index, match in
            var match = match
            match.support = support?.matches[index]
            return match
        }
        let merging = comparison.merging.enumerated().map { index, combination in
            Merging(b: combination.target, sourcesA: combination.sources, coefficients: combination.coefficients,
                    similarity: combination.similarity, support: support?.merging[index])
        }
        let fractionation = comparison.fractionation.enumerated().map { index, combination in
            Fractionation(a: combination.target, fractionsB: combination.sources, coefficients: combination.coefficients,
                          similarity: combination.similarity, support: support?.fractionation[index])
        }
        return (matches, merging, fractionation)
    }

    private static func unit(_ w: [Double]) -> [Double] {
        let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? w.map { $0 / norm } : w
    }

    /// Deterministic JSON: sorted keys, snake_case names, pretty-printed.
    public func jsonData() throws -> Data { try ReportJSON.encode(self) }

    /// Reads a report from `jsonData()`'s JSON; throws a `DecodingError` when it does not fit.
    public static func decode(_ data: Data) throws -> ComparisonReport { try ReportJSON.decode(data) }
}
