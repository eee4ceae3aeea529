import Foundation

/// How a command resamples: `resamples` resamples (0: no bootstrap), in gait
/// cycles when they are known, else in blocks of `blockSeconds` (1 s).
public struct BootstrapPlan: Codable, Sendable, Equatable {
    /// N, the number of resamples (0: no bootstrap).
    public var resamples: Int
    /// Block duration, s, used when the gait cycles are not known.
    public var blockSeconds: Double

    /// A plan of `resamples` resamples, blocks of `blockSeconds` s.
    public init(resamples: Int, blockSeconds: Double = 1) {
        (self.resamples, self.blockSeconds) = (resamples, blockSeconds)
    }
}

/// The bootstrap of one session's synergies: `resamples` resamples of the
/// envelope D, each drawn from `units` (see `ResamplingUnits`) and fitted by the
/// protocol's own rules: the same solver, replicates, stopping rule and
/// criterion as the full data.
///
/// Resample b draws its units and its fits' seed from a generator seeded by
/// (seed, stream, b) alone, and each resample is fitted on one thread, so the
/// results are the same for any number of threads. `compare` gives its two
/// sessions different streams, so their resamples are independent.
///
/// Ranks fitted: with the curve-linearity criterion every rank of the sweep,
/// which the criterion reads whole. With the R² and VAF criteria, which take the
/// smallest rank meeting a threshold, ranks 1 … max(reported rank, full-data
/// count + 1) first, then the rest of the sweep only when none of those met
/// the criterion; the count is the one a whole sweep would give (each rank's
/// replicates depend on the seed and the rank alone), and R² intervals are given
/// for the ranks every resample fitted.
public struct SessionBootstrap: Sendable {
    /// What one resample gave.
    public struct Resample: Sendable, Equatable {
        /// The count by the protocol's criterion (nil: no rank of the sweep met it).
        public var count: Int?
        /// R² of ranks `firstRank`, `firstRank` + 1, … as far as this resample fitted.
        public var r2: [Double]
        /// The rank of `r2`'s first entry.
        public var firstRank: Int
        /// W at the reported rank, muscles × k, unit columns.
        public var weights: Matrix
        /// For each of this resample's synergies, the full-data synergy matched to it.
        public var matchedTo: [Int]
        /// For each full-data synergy, the similarity of the resample synergy matched to it.
        public var similarity: [Double]
    }

    /// A resample whose fit did not stay finite.
    public struct FitProblem: Error, Equatable {
        /// The resample, 0-based.
        public var resample: Int
        /// The rank whose fit was not finite.
        public var rank: Int
    }

    /// D, muscles × samples, as the full data was fitted.
    public var data: Matrix
    /// The units a resample draws from D.
    public var units: ResamplingUnits
    /// The protocol the full data was fitted with; each resample is fitted by the same.
    public var `protocol`: SynergyProtocol
    /// The sweep's highest rank, and the rank whose synergies are followed.
    public var highestRank: Int
    /// The rank whose synergies are followed (the count, the requested rank or the highest rank).
    public var reportedRank: Int
    /// The full data's count (nil: no rank met the criterion) and its W at the reported rank.
    public var count: Int?
    /// W at the reported rank, muscles × `reportedRank`, unit columns.
    public var weights: Matrix
    /// Sweep ranks 1 … `highestRank` and count (`count`), or fit the reported rank alone (`extract`).
    public var sweep: Bool
    /// N, the number of resamples (≥ 1).
    public var resamples: Int
    /// The seed every resample's draws and fits derive from.
    public var seed: UInt64
    /// Which independent series of resamples (0 for a session alone; 0 and 1 for A and B of `compare`;
    /// `StudyBatch.bootstrapStream(id:)`, at least 2, for each session of `batch`).
    public var stream: Int
    /// How many resamples are fitted at once, each on one thread.
    public var threads: Int

    /// A bootstrap of the full data's fit; call `run()` to fit the resamples.
    public init(data: Matrix, units: ResamplingUnits, protocol: SynergyProtocol, highestRank: Int, reportedRank: Int,
                count: Int?, weights: Matrix, sweep: Bool = true, resamples: Int, seed: UInt64, stream: Int = 0,
                threads: Int) {
        precondition(resamples >= 1 && (1...highestRank).contains(reportedRank) && weights.columns == reportedRank)
        self.data = data
        self.units = units
        self.protocol = `protocol`
        (self.highestRank, self.reportedRank, self.count, self.weights) = (highestRank, reportedRank, count, weights)
        (self.sweep, self.resamples, self.seed, self.stream, self.threads) = (sweep, resamples, seed, stream, threads)
    }

    /// The ranks every resample fits first (see above).
    public var firstRanks: Int {
        if `protocol`.criterion.kind == .linearity { return highestRank }
        return min(highestRank, max(reportedRank, (count ?? highestRank) + 1))
    }

    /// Fits every resample, `threads` at a time; when some fail, the lowest-numbered one's problem is thrown.
    public func run() throws -> [Resample] {
        BLAS.useSingleThread()
        return try parallelMap(count: resamples, workers: threads) { index throws(FitProblem) in try resample(index) }
    }

    /// Resample `index`: its units drawn, its ranks fitted, its synergies matched to the full data's.
    public func resample(_ index: Int) throws(FitProblem) -> Resample {
        var random = SeededGenerator(seed: seed, rank: -1 - stream, replicate: index)
        let fitSeed = random.next()
        let columns = units.draw(&random)
        let m = data.rows
        var elements = [Double]()
        elements.reserveCapacity(m * columns.count)
        for column in columns { elements.append(contentsOf: data.elements[(column * m)..<((column + 1) * m)]) }
        let input = FactorizationInput(Matrix(rows: m, columns: columns.count, elements: elements),
                                       settings: `protocol`.factorization)
        func fit(_ ranks: ClosedRange<Int>) throws(FitProblem) -> [RankFit] {
            let fits = RankSweep.fit(input, ranks: Array(ranks), settings: `protocol`.factorization, seed: fitSeed, threads: 1)
            for fit in fits where !(fit.r2.isFinite && fit.best.weights.elements.allSatisfy(\.isFinite)) {
                throw FitProblem(resample: index, rank: fit.rank)
            }
            return fits
        }
        var fits = try fit(sweep ? 1...firstRanks : reportedRank...reportedRank)
        var count = sweep ? `protocol`.criterion.select(from: fits) : nil
        if sweep, count == nil, firstRanks < highestRank {
            fits += try fit((firstRanks + 1)...highestRank)
            count = `protocol`.criterion.select(from: fits)
        }
        let resampled = fits[reportedRank - fits[0].rank].best.weights
        let similarity = SynergyComparison.unitColumns(weights).transposed * SynergyComparison.unitColumns(resampled)
        var matchedTo = [Int](repeating: 0, count: reportedRank)
        var matchedSimilarity = [Double](repeating: 0, count: reportedRank)
        for pair in Assignment.maximisingTotal(similarity) {
            matchedTo[pair.column] = pair.row
            matchedSimilarity[pair.row] = similarity[pair.row, pair.column]
        }
        return Resample(count: count, r2: fits.map(\.r2), firstRank: fits[0].rank, weights: resampled, matchedTo: matchedTo,
                        similarity: matchedSimilarity)
    }
}
