import Foundation

/// k-means clustering by Lloyd's algorithm: for n points x₁ … xₙ (rows of an
/// n × d matrix) and a number of clusters k, the partition and centroids c₁ … c_k
/// that
///
///     minimise Σᵢ ‖xᵢ − c_{a(i)}‖²   (squared Euclidean distance)
///
/// over assignments a and centroids, found as the best of several local minima.
/// The cohort stage clusters the synergy vectors of a group with it, 1000
/// replicates, keeping the lowest total point-to-centroid distance (Cheung et
/// al. 2020; the Methods article, "Study analysis"), as MATLAB's `kmeans` did for the paper.
///
/// MATLAB-compatible choices:
/// - start (`'Start','sample'`): each replicate's first centroids are k
///   distinct points drawn uniformly at random, from
///   `SeededGenerator(seed:rank: k, replicate: r)`, so replicate r of a given
///   k draws the same start whatever else runs and on whichever thread;
/// - batch update (Lloyd): assign every point to its nearest centroid (ties go
///   to the lowest cluster index), then move each centroid to the mean of its
///   points; stop when an assignment pass changes nothing (converged) or after
///   `maximumIterations` updates. MATLAB's second, online phase (moving single
///   points while that lowers the objective) is **not** run, so a result is a
///   Lloyd fixed point, not necessarily a one-point-move local minimum;
/// - empty cluster (`'EmptyAction','singleton'`): when a cluster loses all its
///   points, the point farthest from its own (just updated) centroid becomes a
///   one-point cluster in its place and the cluster it left is recomputed; if
///   that point was alone in its cluster, the first point of the first cluster
///   with two or more points is taken instead. Empty clusters are handled in
///   increasing index order.
/// - best replicate: the lowest within-cluster sum of squares; among equal ones
///   the lowest replicate index.
///
/// One iteration is one centroid update followed by one assignment pass. A
/// run that hits the cap gets one more centroid update (not counted), so the
/// reported centroids are always the means of the reported clusters and the
/// reported sum of squares is measured against them.
///
/// Numbering: the clusters of the kept result are numbered in a canonical
/// order, by their smallest point index: point 0 is in cluster 0, the first
/// point not in cluster 0 is in cluster 1, and so on. So the same partition is
/// reported the same way whichever replicate found it.
///
/// Replicates run in parallel over fixed contiguous chunks on `threads`
/// threads and the chunks' best results are compared in replicate order, so
/// the result is bit-for-bit the same for any number of threads.
public enum KMeans {
    /// Replicates and iteration cap of a clustering.
    public struct Settings: Codable, Sendable, Equatable {
        /// Random starts; the best run is kept. Default 1000 (Cheung et al. 2020).
        public var replicates: Int
        /// Cap on centroid updates per replicate. Default 100 (MATLAB's default).
        public var maximumIterations: Int

        /// Settings with the defaults unless given.
        public init(replicates: Int = 1000, maximumIterations: Int = 100) {
            self.replicates = replicates
            self.maximumIterations = maximumIterations
        }
    }

    /// The kept replicate's partition of the points.
    public struct Clustering: Sendable, Equatable {
        /// Cluster of each point, 0-based, clusters in the canonical order
        /// (by smallest point index).
        public var assignments: [Int]
        /// Centroid of each cluster, k × dimension: the mean of its points.
        public var centroids: [[Double]]
        /// Σ over points of the squared Euclidean distance to its centroid.
        public var withinSumOfSquares: Double
        /// Centroid updates the kept replicate ran.
        public var iterations: Int
        /// Whether the kept replicate stopped because no assignment changed
        /// (false: it hit `maximumIterations`).
        public var converged: Bool
        /// The replicate that was kept (0-based).
        public var replicate: Int
    }

    /// The best of `settings.replicates` Lloyd runs from sampled starts.
    ///
    /// - Parameters:
    ///   - points: n × d, every row of the same length d ≥ 1, every value finite.
    ///   - k: clusters, 1 ≤ k ≤ n.
    ///   - settings: replicates and the iteration cap of each.
    ///   - seed: with k and the replicate index, fixes every start.
    ///   - threads: worker threads (the result does not depend on it).
    public static func cluster(_ points: [[Double]], k: Int, settings: Settings = .init(), seed: UInt64,
                               threads: Int = 1) -> Clustering {
        cluster(PointSet(points), k: k, settings: settings, seed: seed, threads: threads)
    }

    /// `cluster` on flat storage.
    static func cluster(_ data: PointSet, k: Int, settings: Settings, seed: UInt64, threads: Int) -> Clustering {
        precondition(k >= 1 && k <= data.count, "KMeans: k must be between 1 and the number of points")
        precondition(settings.replicates >= 1 && settings.maximumIterations >= 1,
                     "KMeans: replicates and maximumIterations must be at least 1")
        let chunks = chunked(0..<settings.replicates, into: max(1, min(threads, settings.replicates)))
        @Sendable func bestOfChunk(_ replicates: Range<Int>) -> Workspace.Best {
            let workspace = Workspace(count: data.count, dimension: data.dimension, capacity: k)
            workspace.runReplicates(data, k: k, replicates: replicates, maximumIterations: settings.maximumIterations,
                                    seed: seed, keepClustering: true)
            return workspace.best
        }
        let chunkBests = parallelMap(count: chunks.count, workers: chunks.count) { bestOfChunk(chunks[$0]) }
        // Chunks are in replicate order and `<` is strict: the first of equals wins.
        let best = chunkBests.dropFirst().reduce(chunkBests[0]) { kept, next in
            next.withinSumOfSquares < kept.withinSumOfSquares ? next : kept
        }
        return best.clustering(dimension: data.dimension, canonical: true)
    }

    /// Lloyd's batch iterations from the given centroids (k × d), with the
    /// empty-cluster rule above; clusters keep the numbering of
    /// `initialCentroids` (no canonical renumbering) and `replicate` is 0.
    /// For tests against a reference implementation.
    static func lloyd(_ data: PointSet, initialCentroids: [[Double]], maximumIterations: Int) -> Clustering {
        let k = initialCentroids.count
        precondition(k >= 1 && k <= data.count && initialCentroids.allSatisfy { $0.count == data.dimension })
        precondition(maximumIterations >= 1)
        let workspace = Workspace(count: data.count, dimension: data.dimension, capacity: k)
        workspace.load(data)
        workspace.setCentroids(initialCentroids.flatMap { $0 })
        let run = workspace.run(k: k, maximumIterations: maximumIterations)
        workspace.keep(run, k: k, replicate: 0, keepClustering: true)
        return workspace.best.clustering(dimension: data.dimension, canonical: false)
    }

    /// `range` cut into `parts` contiguous chunks whose sizes differ by at most one.
    static func chunked(_ range: Range<Int>, into parts: Int) -> [Range<Int>] {
        let (size, extra) = range.count.quotientAndRemainder(dividingBy: parts)
        var start = range.lowerBound
        return (0..<parts).map { part in
            let end = start + size + (part < extra ? 1 : 0)
            defer { start = end }
            return start..<end
        }
    }
}

extension KMeans {
    /// n points of dimension d in one row-major buffer: point i is
    /// `values[i·d ..< (i + 1)·d]`.
    struct PointSet: Sendable {
        let count: Int
        let dimension: Int
        let values: [Double]

        init(count: Int, dimension: Int, values: [Double]) {
            precondition(count >= 1 && dimension >= 1 && values.count == count * dimension,
                         "KMeans: need at least one point of dimension at least 1")
            precondition(values.allSatisfy(\.isFinite), "KMeans: every coordinate must be finite")
            self.count = count
            self.dimension = dimension
            self.values = values
        }

        /// From rows; every row must have the same length.
        init(_ points: [[Double]]) {
            let dimension = points.first?.count ?? 0
            precondition(points.allSatisfy { $0.count == dimension }, "KMeans: every point must have the same dimension")
            self.init(count: points.count, dimension: dimension, values: points.flatMap { $0 })
        }

        /// Smallest and largest value of each coordinate.
        var bounds: (lower: [Double], upper: [Double]) {
            var lower = Array(values[0..<dimension]), upper = lower
            for i in 1..<count {
                for t in 0..<dimension {
                    lower[t] = min(lower[t], values[i * dimension + t])
                    upper[t] = max(upper[t], values[i * dimension + t])
                }
            }
            return (lower, upper)
        }
    }
}
