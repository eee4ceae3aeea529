import Foundation

/// The JSON document of one `extract` or `count` run: the inputs, the whole
/// protocol, the seed, every rank's fit, and the synergies of the reported rank.
public struct SynergyReport: Codable, Sendable, Equatable {
    /// The input file: its path, SHA-256, format and the envelope samples factorised.
    public struct Input: Codable, Sendable, Equatable {
        /// The input file's path as given.
        public var path: String
        /// SHA-256 of the input file's bytes (hex).
        public var sha256: String
        /// What the file held: "envelope", or the raw format (`raw_csv`, `c3d`, `edf`, …).
        public var format: String
        /// The number of envelope samples factorised (bins or cycle points).
        public var samples: Int
        /// Each muscle's unit as the raw file gives it (absent when it gives none).
        public var units: [String]? = nil
        /// What reading the raw file noticed: dropped samples, resampling (absent when nothing).
        public var warnings: [String]? = nil
    }

    /// One rank of the sweep (for `extract`, the one rank asked for).
    public struct Rank: Codable, Sendable, Equatable {
        /// The number of synergies k.
        public var rank: Int
        /// R² of the kept replicate, centred as the protocol says.
        public var r2: Double
        /// Uncentred VAF of the kept replicate, overall and per muscle (in `muscles` order).
        public var vaf: Double
        /// Uncentred VAF of each muscle, in `muscles` order.
        public var muscleVaf: [Double]
        /// Iterations of the kept replicate, and whether it met the stopping rule
        /// (false: the iteration cap stopped it).
        public var iterations: Int
        /// False when the iteration cap stopped the kept replicate.
        public var converged: Bool
        /// The kept replicate's number, and how many of all replicates converged.
        public var bestReplicate: Int
        /// How many of `replicates` met the stopping rule before the cap.
        public var replicatesConverged: Int
        /// Every replicate's R², iterations and convergence.
        public var replicates: [ReplicateSummary]
    }

    /// One reported synergy.
    public struct Synergy: Codable, Sendable, Equatable {
        /// Unit-norm muscle weights, one per muscle in `muscles` order.
        public var weights: [Double]
    }

    /// Hoyer sparseness of each reported synergy's weights, and their mean.
    public struct SparsenessSummary: Codable, Sendable, Equatable {
        /// Hoyer sparseness of each synergy's weights, 0–1 (1: one muscle, 0: all equal).
        public var perSynergy: [Double]
        /// Mean of `perSynergy` (0 for no synergies).
        public var mean: Double

        /// Computes the sparseness of each of `synergies` and their mean.
        public init(_ synergies: [Synergy]) {
            perSynergy = synergies.map { Sparseness.hoyer($0.weights) }
            mean = perSynergy.reduce(0, +) / Double(max(1, perSynergy.count))
        }
    }

    /// Version of synergy that wrote the report.
    public var toolVersion: String
    /// "extract" or "count" (a `compare` side is a `count` report).
    public var command: String
    /// The input file.
    public var input: Input
    /// The whole protocol as run, options applied.
    public var `protocol`: SynergyProtocol
    /// Seed of the random starts.
    public var seed: UInt64
    /// Muscle names, in the order of every per-muscle list.
    public var muscles: [String]
    /// One entry per fitted rank, ascending.
    public var ranks: [Rank]
    /// `count` only: the number of synergies by the protocol's criterion;
    /// null when no rank of the sweep satisfies it.
    public var count: Int?
    /// The rank whose synergies are reported.
    public var rank: Int
    /// The synergies of `rank`.
    public var synergies: [Synergy]
    /// Hoyer sparseness of `synergies`, computed from their weights.
    public var sparseness: SparsenessSummary
    /// The activations C of the reported rank: a CSV file beside the JSON,
    /// named relative to the JSON's folder.
    public var activationsCsv: String
    /// With `--bootstrap N`: what N resamples of the envelope say (absent otherwise).
    public var bootstrap: BootstrapSummary?

    private enum CodingKeys: String, CodingKey {
        case toolVersion, command, input, `protocol`, seed, muscles, ranks, count, rank, synergies, sparseness, activationsCsv,
             bootstrap
    }

    /// Creates a report from its parts; `sparseness` is computed from `synergies`, `bootstrap` is nil.
    public init(toolVersion: String, command: String, input: Input, protocol: SynergyProtocol, seed: UInt64,
                muscles: [String], ranks: [Rank], count: Int?, rank: Int, synergies: [Synergy], activationsCsv: String) {
        self.toolVersion = toolVersion
        self.command = command
        self.input = input
        self.protocol = `protocol`
        self.seed = seed
        self.muscles = muscles
        self.ranks = ranks
        self.count = count
        self.rank = rank
        self.synergies = synergies
        self.sparseness = SparsenessSummary(synergies)
        self.activationsCsv = activationsCsv
    }

    /// Encodes every field, writing `count` as null for a `count` run that found none.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(toolVersion, forKey: .toolVersion)
        try container.encode(command, forKey: .command)
        try container.encode(input, forKey: .input)
        try container.encode(`protocol`, forKey: .protocol)
        try container.encode(seed, forKey: .seed)
        try container.encode(muscles, forKey: .muscles)
        try container.encode(ranks, forKey: .ranks)
        if command == "count" { try container.encode(count, forKey: .count) }
        try container.encode(rank, forKey: .rank)
        try container.encode(synergies, forKey: .synergies)
        try container.encode(sparseness, forKey: .sparseness)
        try container.encode(activationsCsv, forKey: .activationsCsv)
        try container.encodeIfPresent(bootstrap, forKey: .bootstrap)
    }

    /// W of the reported rank: muscles × synergies, unit columns.
    public var weightMatrix: Matrix {
        Matrix(rows: muscles.count, columns: synergies.count, elements: synergies.flatMap(\.weights))
    }

    /// Deterministic JSON: sorted keys, snake_case names, pretty-printed.
    public func jsonData() throws -> Data { try ReportJSON.encode(self) }

    /// Reads a report from `jsonData()`'s JSON; throws a `DecodingError` when it does not fit.
    public static func decode(_ data: Data) throws -> SynergyReport { try ReportJSON.decode(data) }
}
