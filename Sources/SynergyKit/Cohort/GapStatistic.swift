import Foundation

/// The number of clusters by the gap statistic (Tibshirani, Walther & Hastie
/// 2001, J R Stat Soc B 63:411), as Cheung et al. (2020) chose the number of
/// synergy clusters of a group (the Methods article, "Study analysis").
///
/// For each k, W_k is the within-cluster sum of squared Euclidean distances to
/// the centroids, Σᵢ ‖xᵢ − c_{a(i)}‖² (which equals Tibshirani's
/// Σ_r D_r / (2 n_r)), of the best of `replicates` k-means runs on the data
/// (`KMeans`). B reference sets of the same size are drawn uniformly in the
/// per-coordinate bounding box [min, max] of the data ("uniformly within the
/// bounds of the synergy set"), each clustered with `referenceReplicates`
/// runs per k, giving W*_kb. Then, with natural logarithms,
///
///     Gap(k) = (1/B) Σ_b log W*_kb − log W_k
///     sd_k   = √((1/B) Σ_b (log W*_kb − (1/B) Σ_b' log W*_kb')²)   (1/B, not 1/(B − 1))
///     s_k    = sd_k · √(1 + 1/B)                                    (Tibshirani's s_k)
///
/// and the chosen k is the smallest k with Gap(k) ≥ Gap(k+1) − s_{k+1}, the
/// rule's "sd" being s, so it includes √(1 + 1/B). When no k qualifies, the
/// largest k evaluated is chosen.
///
/// Which k: `settings.ks` capped at n − 1 (at k = n every point is its own
/// cluster and log W_n = −∞). When one k remains it is chosen. When none
/// remains (n ≤ the lowest k asked for) the gap cannot be computed: the
/// evaluation holds k = n alone, with its clustering and log W, NaN for the
/// reference values and the gap, and chooses n.
///
/// Reproducibility: reference set b is drawn from
/// `SeededGenerator(seed:rank: referenceDrawTag, replicate: b)`, its k-means
/// runs use the seed `SeededGenerator(seed:rank: referenceSeedTag, replicate: b).next()`,
/// and the data's k-means uses `seed` itself; the reference sets are shared out
/// to the threads in fixed chunks and every sum runs in index order, so the
/// evaluation is bit-for-bit the same for any number of threads.
public enum GapStatistic {
    /// The `rank` tag of the generators that draw the reference sets.
    static let referenceDrawTag = -1
    /// The `rank` tag of the generators that give each reference set its k-means seed.
    static let referenceSeedTag = -2

    /// How many k and how hard to search: the reference sets, the k-means replicates, the k range.
    public struct Settings: Codable, Sendable, Equatable {
        /// B, reference sets drawn. Default 500.
        public var referenceSets: Int
        /// k-means replicates on the data, per k. Default 1000.
        public var replicates: Int
        /// k-means replicates on each reference set, per k. Default 100.
        public var referenceReplicates: Int
        /// Numbers of clusters to evaluate (capped at n − 1). Default 2…20.
        public var ks: ClosedRange<Int>
        /// Cap on k-means updates per replicate. Default 100.
        public var maximumIterations: Int

        /// Settings with Cheung et al.'s (2020) defaults unless given.
        public init(referenceSets: Int = 500, replicates: Int = 1000, referenceReplicates: Int = 100,
                    ks: ClosedRange<Int> = 2...20, maximumIterations: Int = 100) {
            self.referenceSets = referenceSets
            self.replicates = replicates
            self.referenceReplicates = referenceReplicates
            self.ks = ks
            self.maximumIterations = maximumIterations
        }
    }

    /// The gap curve over the k evaluated, the chosen k and the data's clusterings.
    public struct Evaluation: Sendable, Equatable {
        /// The numbers of clusters evaluated, increasing.
        public var ks: [Int]
        /// log W_k of the data, per k.
        public var logW: [Double]
        /// (1/B) Σ_b log W*_kb, per k.
        public var expectedLogW: [Double]
        /// Gap(k) = expectedLogW − logW, per k.
        public var gap: [Double]
        /// s_k = sd_k · √(1 + 1/B), sd with 1/B normalisation, per k.
        public var standardError: [Double]
        /// The smallest k with Gap(k) ≥ Gap(k+1) − s_{k+1}; the largest k when none.
        public var chosenK: Int
        /// The data's best clustering at each k of `ks`.
        public var clusterings: [KMeans.Clustering]

        /// The data's clustering at the chosen k.
        public var chosenClustering: KMeans.Clustering { clusterings[ks.firstIndex(of: chosenK)!] }
    }

    /// The gap statistic with `settings.referenceSets` reference sets drawn
    /// from `seed` (see the type's comment).
    ///
    /// - Parameters:
    ///   - points: n × d, rows of one length d ≥ 1, finite values, n ≥ 1.
    ///   - settings: reference sets, replicates and the range of k.
    ///   - seed: the data's k-means seed, and with each reference set's index the
    ///     seed of its draw and of its k-means runs.
    ///   - threads: worker threads (the result does not depend on it).
    public static func evaluate(_ points: [[Double]], settings: Settings = .init(), seed: UInt64,
                                threads: Int) -> Evaluation {
        precondition(settings.referenceSets >= 1, "GapStatistic: referenceSets must be at least 1")
        let data = KMeans.PointSet(points)
        let (lower, upper) = data.bounds
        let (n, d) = (data.count, data.dimension)
        return evaluate(data, referenceCount: settings.referenceSets, settings: settings, seed: seed,
                        threads: threads) { b, reference in
            var generator = SeededGenerator(seed: seed, rank: referenceDrawTag, replicate: b)
            for i in 0..<n {
                for t in 0..<d { reference[i * d + t] = lower[t] + (upper[t] - lower[t]) * generator.nextUnit() }
            }
        }
    }

    /// The gap statistic with the reference sets given (for tests against a
    /// reference implementation): B is `references.count` and
    /// `settings.referenceSets` is not used. Each reference set is n × d like
    /// `points`.
    public static func evaluate(_ points: [[Double]], references: [[[Double]]], settings: Settings, seed: UInt64,
                                threads: Int) -> Evaluation {
        precondition(!references.isEmpty, "GapStatistic: at least one reference set is needed")
        let data = KMeans.PointSet(points)
        let flat = references.map { reference in
            precondition(reference.count == data.count && reference.allSatisfy { $0.count == data.dimension },
                         "GapStatistic: every reference set must have the data's shape")
            return reference.flatMap { $0 }
        }
        return evaluate(data, referenceCount: flat.count, settings: settings, seed: seed, threads: threads) { b, reference in
            for index in reference.indices { reference[index] = flat[b][index] }
        }
    }

    /// The common core: `fill(b, buffer)` writes reference set b (row-major n × d).
    static func evaluate(_ data: KMeans.PointSet, referenceCount: Int, settings: Settings, seed: UInt64, threads: Int,
                         fill: @Sendable (Int, UnsafeMutableBufferPointer<Double>) -> Void) -> Evaluation {
        precondition(settings.ks.lowerBound >= 1, "GapStatistic: ks must start at 1 or more")
        precondition(settings.replicates >= 1 && settings.referenceReplicates >= 1 && settings.maximumIterations >= 1,
                     "GapStatistic: replicates, referenceReplicates and maximumIterations must be at least 1")
        let n = data.count
        let kMeansSettings = KMeans.Settings(replicates: settings.replicates, maximumIterations: settings.maximumIterations)
        let lastK = min(settings.ks.upperBound, n - 1)
        guard settings.ks.lowerBound <= lastK else {
            let clustering = KMeans.cluster(data, k: n, settings: kMeansSettings, seed: seed, threads: threads)
            return Evaluation(ks: [n], logW: [log(clustering.withinSumOfSquares)], expectedLogW: [.nan], gap: [.nan],
                              standardError: [.nan], chosenK: n, clusterings: [clustering])
        }
        let ks = Array(settings.ks.lowerBound...lastK)
        let clusterings = ks.map { KMeans.cluster(data, k: $0, settings: kMeansSettings, seed: seed, threads: threads) }
        let logW = clusterings.map { log($0.withinSumOfSquares) }
        let referenceLogW = referenceLogW(data, referenceCount: referenceCount, ks: ks, settings: settings, seed: seed,
                                          threads: threads, fill: fill)
        let count = Double(referenceCount)
        var expectedLogW = [Double](), standardError = [Double]()
        for column in ks.indices {
            var sum = 0.0
            for b in 0..<referenceCount { sum += referenceLogW[b][column] }
            let mean = sum / count
            var squares = 0.0
            for b in 0..<referenceCount {
                let deviation = referenceLogW[b][column] - mean
                squares += deviation * deviation
            }
            expectedLogW.append(mean)
            standardError.append((squares / count).squareRoot() * (1 + 1 / count).squareRoot())
        }
        let gap = zip(expectedLogW, logW).map { $0 - $1 }
        return Evaluation(ks: ks, logW: logW, expectedLogW: expectedLogW, gap: gap, standardError: standardError,
                          chosenK: chosenK(ks: ks, gap: gap, standardError: standardError), clusterings: clusterings)
    }

    /// Tibshirani's rule: the smallest k with Gap(k) ≥ Gap(k+1) − s_{k+1}
    /// (consecutive entries of `ks`); the last k when none qualifies.
    static func chosenK(ks: [Int], gap: [Double], standardError: [Double]) -> Int {
        precondition(!ks.isEmpty && gap.count == ks.count && standardError.count == ks.count)
        let index = ks.indices.dropLast().first { gap[$0] >= gap[$0 + 1] - standardError[$0 + 1] }
        return ks[index ?? ks.count - 1]
    }

    /// log W*_kb for every reference set b (rows) and k (columns). Reference
    /// sets go to the threads in fixed chunks; each thread keeps one workspace
    /// and one reference buffer for all its sets and every k.
    private static func referenceLogW(_ data: KMeans.PointSet, referenceCount: Int, ks: [Int], settings: Settings,
                                      seed: UInt64, threads: Int,
                                      fill: @Sendable (Int, UnsafeMutableBufferPointer<Double>) -> Void) -> [[Double]] {
        let (n, d) = (data.count, data.dimension)
        let chunks = KMeans.chunked(0..<referenceCount, into: max(1, min(threads, referenceCount)))
        return parallelMap(count: chunks.count, workers: chunks.count) { c in
            let workspace = KMeans.Workspace(count: n, dimension: d, capacity: ks.last!)
            var buffer = [Double](repeating: 0, count: n * d)
            return chunks[c].map { b in
                buffer.withUnsafeMutableBufferPointer { fill(b, $0) }
                let reference = KMeans.PointSet(count: n, dimension: d, values: buffer)
                let referenceSeed = SeededGenerator(seed: seed, rank: referenceSeedTag, replicate: b).nextValue()
                return ks.map { k in
                    workspace.resetBest()
                    workspace.runReplicates(reference, k: k, replicates: 0..<settings.referenceReplicates,
                                            maximumIterations: settings.maximumIterations, seed: referenceSeed,
                                            keepClustering: false)
                    return log(workspace.best.withinSumOfSquares)
                }
            }
        }.flatMap { $0 }
    }
}

private extension SeededGenerator {
    /// The generator's first output.
    func nextValue() -> UInt64 {
        var copy = self
        return copy.next()
    }
}
