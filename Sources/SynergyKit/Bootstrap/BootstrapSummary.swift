/// What the resamples of one session say, as the `bootstrap` block of a
/// `count`, `extract` or `compare` report carries it.
///
/// Intervals are percentile intervals (Efron & Tibshirani 1993, ch. 13) at
/// 2.5 % and 97.5 %. For R² and similarities the percentile interpolates
/// linearly between order statistics (NumPy's default); counts are whole
/// numbers, so their percentile p is the smallest count c with a share ≥ p of
/// the resamples at or below c, a resample where no rank met the criterion
/// counting as above every rank (null when the percentile falls among them).
public struct BootstrapSummary: Codable, Sendable, Equatable {
    /// How many resamples gave one count (null: no rank met the criterion).
    public struct CountBin: Codable, Sendable, Equatable {
        /// The count (nil: no rank met the criterion).
        public var count: Int?
        /// How many resamples gave it.
        public var resamples: Int

        /// One bin of the count distribution.
        public init(count: Int?, resamples: Int) {
            self.count = count
            self.resamples = resamples
        }

        private enum CodingKeys: String, CodingKey { case count, resamples }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encode(resamples, forKey: .resamples)
        }
    }

    /// The R² of one rank over the resamples: median and 95 % interval.
    public struct RankR2: Codable, Sendable, Equatable {
        /// The rank, 1-based.
        public var rank: Int
        /// Median R² over the resamples.
        public var median: Double
        /// 2.5th percentile of the R².
        public var low: Double
        /// 97.5th percentile of the R².
        public var high: Double
    }

    /// How stable one reported synergy is: the similarity of the resamples'
    /// synergy matched to it (optimal assignment at the reported rank),
    /// median and 2.5th percentile.
    public struct SynergyStability: Codable, Sendable, Equatable {
        /// 0-based, into the report's `synergies`.
        public var synergy: Int
        /// Median similarity (scalar product of unit weight vectors, 0 … 1).
        public var medianSimilarity: Double
        /// 2.5th percentile of the similarity.
        public var low: Double
    }

    /// N, the number of resamples.
    public var resamples: Int
    /// "gait_cycle" or "block".
    public var unit: ResamplingUnits.Kind
    /// The block duration in seconds (null when the unit is the gait cycle).
    public var blockSeconds: Double?
    /// How many units the session holds (each resample draws as many).
    public var units: Int
    /// Ascending counts, then null (a sweep only: nil for `extract`, which fits one rank).
    public var countDistribution: [CountBin]?
    /// [2.5 %, 97.5 %] percentiles of the count (a sweep only).
    public var countInterval: [Int?]?
    /// The ranks every resample fitted (see `SessionBootstrap`).
    public var r2: [RankR2]
    /// One entry per reported synergy, in the report's order.
    public var synergies: [SynergyStability]

    private enum CodingKeys: String, CodingKey {
        case resamples, unit, blockSeconds, units, countDistribution, countInterval, r2, synergies
    }

    /// A summary from its parts.
    public init(resamples: Int, unit: ResamplingUnits.Kind, blockSeconds: Double?, units: Int, countDistribution: [CountBin]?,
                countInterval: [Int?]?, r2: [RankR2], synergies: [SynergyStability]) {
        (self.resamples, self.unit, self.blockSeconds, self.units) = (resamples, unit, blockSeconds, units)
        (self.countDistribution, self.countInterval, self.r2, self.synergies) = (countDistribution, countInterval, r2, synergies)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(resamples, forKey: .resamples)
        try container.encode(unit, forKey: .unit)
        try container.encode(blockSeconds, forKey: .blockSeconds)
        try container.encode(units, forKey: .units)
        try container.encodeIfPresent(countDistribution, forKey: .countDistribution)
        try container.encodeIfPresent(countInterval, forKey: .countInterval)
        try container.encode(r2, forKey: .r2)
        try container.encode(synergies, forKey: .synergies)
    }

    /// The summary of `results`, drawn from `units`; `sweep` as `SessionBootstrap.sweep`.
    public init(_ results: [SessionBootstrap.Resample], units: ResamplingUnits, sweep: Bool) {
        precondition(!results.isEmpty)
        resamples = results.count
        unit = units.kind
        blockSeconds = units.blockSeconds
        self.units = units.ranges.count
        let counts = results.map(\.count)
        if sweep {
            countDistribution = Dictionary(grouping: counts, by: { $0 ?? Int.max })
                .sorted { $0.key < $1.key }
                .map { CountBin(count: $0.key == Int.max ? nil : $0.key, resamples: $0.value.count) }
            countInterval = [Self.countPercentile(counts, 0.025), Self.countPercentile(counts, 0.975)]
        }
        let fitted = results.map(\.r2.count).min()!
        r2 = (0..<fitted).map { index in
            let values = results.map { $0.r2[index] }
            return RankR2(rank: results[0].firstRank + index, median: Self.percentile(values, 0.5), low: Self.percentile(values, 0.025),
                          high: Self.percentile(values, 0.975))
        }
        let k = results[0].similarity.count
        synergies = (0..<k).map { j in
            let values = results.map { $0.similarity[j] }
            return SynergyStability(synergy: j, medianSimilarity: Self.percentile(values, 0.5),
                                    low: Self.percentile(values, 0.025))
        }
    }

    /// The p-th percentile by linear interpolation between order statistics:
    /// with x sorted and h = (N − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]).
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        precondition(!values.isEmpty && (0...1).contains(p))
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * p
        let below = Int(h.rounded(.down))
        guard below + 1 < sorted.count else { return sorted[below] }
        return sorted[below] + (h - Double(below)) * (sorted[below + 1] - sorted[below])
    }

    /// The smallest count c with at least a share p of `counts` at or below it
    /// (nil counts above every rank); nil when that is a nil count.
    public static func countPercentile(_ counts: [Int?], _ p: Double) -> Int? {
        precondition(!counts.isEmpty && p > 0 && p <= 1)
        let sorted = counts.map { $0 ?? Int.max }.sorted()
        let needed = Int((p * Double(sorted.count) - 1e-9).rounded(.up))
        let value = sorted[max(1, needed) - 1]
        return value == Int.max ? nil : value
    }
}
