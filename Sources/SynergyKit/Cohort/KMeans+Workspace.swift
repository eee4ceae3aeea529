extension KMeans {
    /// The buffers of k-means runs on n points of dimension d with up to
    /// `capacity` clusters, allocated once and reused by every iteration and
    /// every replicate (and, in the gap statistic, every reference set and k).
    /// One workspace belongs to one thread.
    ///
    /// The distances of every point to every centroid are kept (n × k, point
    /// by point) and after an update only the columns of clusters that gained
    /// or lost points are recomputed: the other centroids are the means of the
    /// same points as before, so their distances are the same numbers.
    final class Workspace {
        let count: Int
        let dimension: Int
        let capacity: Int
        /// The dimension rounded up to a multiple of 4: points and centroids are
        /// stored with zeros after their d coordinates, so a distance is a sum of
        /// SIMD4 lanes (the padding adds exact zeros).
        let padded: Int

        private let points: UnsafeMutablePointer<Double>       // n × padded, the data being clustered
        private let centroids: UnsafeMutablePointer<Double>    // capacity × padded
        private let distances: UnsafeMutablePointer<Double>    // n × k, row i = point i
        private let assignments: UnsafeMutablePointer<Int>     // n
        private let sizes: UnsafeMutablePointer<Int>           // capacity
        private let changed: UnsafeMutablePointer<Bool>        // capacity
        private let order: UnsafeMutablePointer<Int>           // n, for drawing distinct points

        /// The best run kept so far by `keep`.
        private(set) var best = Best()

        struct Best: Sendable {
            var withinSumOfSquares = Double.infinity
            var replicate = -1
            var iterations = 0
            var converged = false
            var k = 0
            var assignments: [Int] = []
            var centroids: [Double] = []   // k × d, row-major

            /// As a `Clustering`, optionally renumbered by smallest point index.
            func clustering(dimension d: Int, canonical: Bool) -> Clustering {
                // `centroids` holds k rows of d (the padding is dropped when a run is kept).
                var label = Array(0..<k)
                if canonical {
                    label = [Int](repeating: -1, count: k)
                    var next = 0
                    for a in assignments where label[a] < 0 { (label[a], next) = (next, next + 1) }
                    // Only a run whose clusters are all non-empty is kept, so every label is set.
                    precondition(next == k, "KMeans: a kept clustering has an empty cluster")
                }
                var rows = [[Double]](repeating: [], count: k)
                for j in 0..<k { rows[label[j]] = Array(centroids[(j * d)..<((j + 1) * d)]) }
                return Clustering(assignments: assignments.map { label[$0] }, centroids: rows,
                                  withinSumOfSquares: withinSumOfSquares, iterations: iterations,
                                  converged: converged, replicate: replicate)
            }
        }

        init(count: Int, dimension: Int, capacity: Int) {
            precondition(count >= 1 && dimension >= 1 && capacity >= 1 && capacity <= count)
            self.count = count
            self.dimension = dimension
            self.capacity = capacity
            padded = (dimension + 3) / 4 * 4
            points = .allocate(capacity: count * padded)
            points.initialize(repeating: 0, count: count * padded)
            centroids = .allocate(capacity: capacity * padded)
            centroids.initialize(repeating: 0, count: capacity * padded)
            distances = .allocate(capacity: count * capacity)
            distances.initialize(repeating: 0, count: count * capacity)
            assignments = .allocate(capacity: count)
            assignments.initialize(repeating: 0, count: count)
            sizes = .allocate(capacity: capacity)
            sizes.initialize(repeating: 0, count: capacity)
            changed = .allocate(capacity: capacity)
            changed.initialize(repeating: false, count: capacity)
            order = .allocate(capacity: count)
            order.initialize(repeating: 0, count: count)
        }

        deinit {
            points.deallocate()
            centroids.deallocate()
            distances.deallocate()
            assignments.deallocate()
            sizes.deallocate()
            changed.deallocate()
            order.deallocate()
        }

        /// Forgets the best run kept so far.
        func resetBest() { best = Best() }

        /// Runs `replicates` from sampled starts and keeps the best (lowest
        /// sum of squares, first of equals). With `keepClustering` false only
        /// its sum of squares, replicate and iteration count are kept, which
        /// is all the gap statistic's reference sets need.
        func runReplicates(_ data: PointSet, k: Int, replicates: Range<Int>, maximumIterations: Int,
                           seed: UInt64, keepClustering: Bool) {
            precondition(k >= 1 && k <= capacity)
            load(data)
            for replicate in replicates {
                var generator = SeededGenerator(seed: seed, rank: k, replicate: replicate)
                sampleStart(k: k, generator: &generator)
                let run = run(k: k, maximumIterations: maximumIterations)
                if run.withinSumOfSquares < best.withinSumOfSquares {
                    keep(run, k: k, replicate: replicate, keepClustering: keepClustering)
                }
            }
        }

        /// Copies `data` into the padded point buffer.
        func load(_ data: PointSet) {
            precondition(data.count == count && data.dimension == dimension)
            data.values.withUnsafeBufferPointer { values in
                for i in 0..<count {
                    (points + i * padded).update(from: values.baseAddress! + i * dimension, count: dimension)
                }
            }
        }

        /// Records the run just finished as the best.
        func keep(_ run: Run, k: Int, replicate: Int, keepClustering: Bool) {
            best.withinSumOfSquares = run.withinSumOfSquares
            best.replicate = replicate
            best.iterations = run.iterations
            best.converged = run.converged
            best.k = k
            if keepClustering {
                best.assignments = Array(UnsafeBufferPointer(start: assignments, count: count))
                best.centroids = (0..<k).flatMap { j in
                    Array(UnsafeBufferPointer(start: centroids + j * padded, count: dimension))
                }
            }
        }

        /// Sets the first centroids (k × d, row-major).
        func setCentroids(_ values: [Double]) {
            precondition(values.count % dimension == 0 && values.count / dimension <= capacity)
            for j in 0..<(values.count / dimension) {
                values.withUnsafeBufferPointer {
                    (centroids + j * padded).update(from: $0.baseAddress! + j * dimension, count: dimension)
                }
            }
        }

        /// MATLAB's 'sample' start: k distinct points, uniformly at random
        /// (the first k steps of a Fisher–Yates shuffle of the point indices),
        /// in the order drawn.
        private func sampleStart(k: Int, generator: inout SeededGenerator) {
            for i in 0..<count { order[i] = i }
            for j in 0..<k {
                let pick = j + Self.uniformIndex(below: count - j, &generator)
                (order[j], order[pick]) = (order[pick], order[j])
                (centroids + j * padded).update(from: points + order[j] * padded, count: padded)
            }
        }

        /// Uniform on 0..<bound by Lemire's multiply-and-reject (2019), written
        /// out so the draws do not depend on the standard library's version.
        static func uniformIndex(below bound: Int, _ generator: inout SeededGenerator) -> Int {
            let range = UInt64(bound)
            var product = generator.next().multipliedFullWidth(by: range)
            if product.low < range {
                let threshold = (0 &- range) % range
                while product.low < threshold { product = generator.next().multipliedFullWidth(by: range) }
            }
            return Int(product.high)
        }

        struct Run {
            var iterations: Int
            var converged: Bool
            var withinSumOfSquares: Double
        }

        /// Lloyd's batch iterations on the loaded points from the centroids in the buffer; see `KMeans`.
        func run(k: Int, maximumIterations: Int) -> Run {
            let n = count
            for j in 0..<k {
                changed[j] = true
                updateDistances(cluster: j, k: k)
            }
            for i in 0..<n { assignments[i] = nearest(i, k: k) }
            var iterations = 0
            var converged = false
            while true {
                updateCentroids(k: k)
                iterations += 1
                for j in 0..<k { changed[j] = false }
                var moved = false
                for i in 0..<n {
                    let (to, from) = (nearest(i, k: k), assignments[i])
                    if to != from {
                        assignments[i] = to
                        changed[to] = true
                        changed[from] = true
                        moved = true
                    }
                }
                if !moved {
                    converged = true
                    break
                }
                if iterations >= maximumIterations {
                    updateCentroids(k: k)
                    break
                }
            }
            var sum = 0.0
            for i in 0..<n { sum += distances[i * k + assignments[i]] }
            return Run(iterations: iterations, converged: converged, withinSumOfSquares: sum)
        }

        /// The lowest-index cluster among the nearest to point i.
        @inline(__always)
        private func nearest(_ i: Int, k: Int) -> Int {
            let row = distances + i * k
            var (best, value) = (0, row[0])
            for j in 1..<max(1, k) where row[j] < value { (best, value) = (j, row[j]) }
            return best
        }

        /// Squared distance of every point to centroid j: the sum of the
        /// squared differences in SIMD4 lanes, the lanes added at the end
        /// (written out for 9 to 16 coordinates, the usual muscle counts).
        private func updateDistances(cluster j: Int, k: Int) {
            let lanes = padded / 4
            let c = UnsafeRawPointer(centroids + j &* padded)
            let stride = padded &* 8
            let c0 = c.loadUnaligned(as: SIMD4<Double>.self)
            let c1 = lanes > 1 ? c.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self) : .zero
            let c2 = lanes > 2 ? c.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self) : .zero
            let c3 = lanes > 3 ? c.loadUnaligned(fromByteOffset: 96, as: SIMD4<Double>.self) : .zero
            var p = UnsafeRawPointer(points)
            var out = distances + j
            if lanes == 4 || lanes == 3 {
                for _ in 0..<count {
                    let d0 = p.loadUnaligned(as: SIMD4<Double>.self) - c0
                    let d1 = p.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self) - c1
                    let d2 = p.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self) - c2
                    let d3 = lanes == 4 ? p.loadUnaligned(fromByteOffset: 96, as: SIMD4<Double>.self) - c3 : .zero
                    out.pointee = ((d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3)).sum()
                    p += stride
                    out += k
                }
                return
            }
            for _ in 0..<count {
                var sum = SIMD4<Double>()
                for q in 0..<lanes {
                    let difference = p.loadUnaligned(fromByteOffset: q &* 32, as: SIMD4<Double>.self)
                        - c.loadUnaligned(fromByteOffset: q &* 32, as: SIMD4<Double>.self)
                    sum += difference * difference
                }
                out.pointee = sum.sum()
                p += stride
                out += k
            }
        }

        /// Moves each changed cluster's centroid to the mean of its points,
        /// refreshes its distances, then fills the empty ones by the singleton rule.
        private func updateCentroids(k: Int) {
            let d = padded
            for j in 0..<k where changed[j] {
                sizes[j] = 0
                (centroids + j * d).update(repeating: 0, count: d)
            }
            for i in 0..<count {
                let j = assignments[i]
                guard changed[j] else { continue }
                sizes[j] += 1
                let (c, p) = (centroids + j * d, points + i * d)
                for t in 0..<d { c[t] += p[t] }
            }
            for j in 0..<k where changed[j] && sizes[j] > 0 {
                let (c, size) = (centroids + j * d, Double(sizes[j]))
                for t in 0..<d { c[t] /= size }
                updateDistances(cluster: j, k: k)
            }
            for j in 0..<k where changed[j] && sizes[j] == 0 { fillEmpty(cluster: j, k: k) }
        }

        /// MATLAB's 'singleton' rule for the empty cluster j.
        private func fillEmpty(cluster j: Int, k: Int) {
            let d = padded
            var (lonely, farthest) = (0, -Double.infinity)
            for i in 0..<count {
                let distance = distances[i * k + assignments[i]]
                if distance > farthest { (lonely, farthest) = (i, distance) }
            }
            var from = assignments[lonely]
            if sizes[from] < 2 {
                // n ≥ k and cluster j is empty, so some cluster holds two or more points.
                from = (0..<k).first { sizes[$0] > 1 }!
                lonely = (0..<count).first { assignments[$0] == from }!
            }
            (centroids + j * d).update(from: points + lonely * d, count: d)
            sizes[j] = 1
            assignments[lonely] = j
            updateDistances(cluster: j, k: k)
            // The cluster that gave the point: its mean over the points it keeps.
            let c = centroids + from * d
            c.update(repeating: 0, count: d)
            sizes[from] = 0
            for i in 0..<count where assignments[i] == from {
                sizes[from] += 1
                for t in 0..<d { c[t] += points[i * d + t] }
            }
            let size = Double(sizes[from])
            for t in 0..<d { c[t] /= size }
            updateDistances(cluster: from, k: k)
            changed[from] = true
        }
    }
}
