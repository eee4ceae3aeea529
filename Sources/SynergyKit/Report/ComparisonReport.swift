import Foundation

/// The JSON document of one `compare` run: both sessions' results in the schema
/// of `count`, and what changed from A (earlier) to B (later). Synergy indices
/// are 0-based into each side's `synergies`.
public struct ComparisonReport: Codable, Sendable, Equatable {
    /// Where one side came from.
    public struct Source: Codable, Sendable, Equatable {
        /// "raw", "envelope" or "synergies_json" (the synergies of an extract/count JSON, reused).
        public var kind: String
        public var path: String
        public var sha256: String
        /// Muscles of this side left out because the other side lacks them.
        public var droppedMuscles: [String]
    }

    /// A value for each side.
    public struct Sides<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        public var a: Value
        public var b: Value

        public init(a: Value, b: Value) {
            self.a = a
            self.b = b
        }
    }

    /// A synergy of B explained as a non-negative combination of A's.
    public struct Merging: Codable, Sendable, Equatable {
        public var b: Int
        public var sourcesA: [Int]
        public var coefficients: [Double]
        public var similarity: Double
        /// With a bootstrap: the share of paired resamples showing the same merging.
        public var support: Double?
    }

    /// A synergy of A explained as a non-negative combination of B's.
    public struct Fractionation: Codable, Sendable, Equatable {
        public var a: Int
        public var fractionsB: [Int]
        public var coefficients: [Double]
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
        public var r2: Double
        /// R² of the EMG side's own synergies at its reported rank.
        public var ownR2: Double
        public var iterations: Int
        public var converged: Bool
    }

    public var toolVersion: String
    public var command = "compare"
    public var sources: Sides<Source>
    /// The muscles compared, in A's order (A's spelling).
    public var muscles: [String]
    /// How two raw recordings were put on one amplitude scale: "per_session"
    /// (each by its own), "shared" (one scale per muscle over both), or
    /// "as_given" (no side was a recording: each side's scaling is what it was).
    public var sessionScale: String
    /// The comparison's rules as the JSON records them (`rules`).
    public var threshold: Double
    public var coefficientMinimum: Double
    public var a: SynergyReport
    public var b: SynergyReport
    /// Scalar products of the unit weight vectors, A's synergies down, B's across.
    public var similarity: [[Double]]
    public var matches: [SynergyComparison.Match]
    public var unmatchedA: [Int]
    public var unmatchedB: [Int]
    public var merging: [Merging]
    public var fractionation: [Fractionation]
    public var mergingIndexB: Double
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

    public static func decode(_ data: Data) throws -> ComparisonReport { try ReportJSON.decode(data) }
}
