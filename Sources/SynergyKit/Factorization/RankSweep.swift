import Foundation
import Synchronization

/// Fits every requested rank with all its replicates, on `threads` worker
/// threads, and keeps the best replicate of each rank.
///
/// The work is cut into batches of at most `replicatesPerBatch` replicates of
/// one rank. The cut depends only on the settings, each replicate's start only
/// on (seed, rank, replicate), every BLAS call runs on one thread, and a batch
/// whose iterations are shared among threads sums its blocks in block order,
/// so the results are bit-for-bit the same for any number of threads.
public enum RankSweep {
    /// Replicates fitted together in one batch (their GEMMs are shared).
    public static let replicatesPerBatch = 10

    /// The most memory, in bytes, that HALS batches running side by side (one
    /// per thread) may hold in C; larger batches run one at a time, their
    /// threads sharing each iteration (a long envelope's high ranks: 32 × 60 000
    /// at rank 32 holds 154 MB per batch of 10).
    public static let sideBySideMemory = 64_000_000

    /// One `RankFit` per entry of `ranks` (each 1 … muscles, distinct), in the order given, on `threads` threads.
    public static func fit(_ input: FactorizationInput, ranks: [Int], settings: FactorizationSettings,
                           seed: UInt64, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [RankFit] {
        precondition(ranks.allSatisfy { $0 >= 1 && $0 <= input.muscles } && Set(ranks).count == ranks.count
                     && settings.replicates >= 1)
        BLAS.useSingleThread()
        struct Batch { let rank: Int; let replicates: Range<Int> }
        let batches = ranks.flatMap { rank in
            stride(from: 0, to: settings.replicates, by: replicatesPerBatch).map {
                Batch(rank: rank, replicates: $0..<min($0 + replicatesPerBatch, settings.replicates))
            }
        }
        // Largest first (work per iteration ∝ k(m + k) per replicate), so the
        // last batches to start are short ones.
        let cost = batches.map { $0.rank * (input.muscles + $0.rank) * $0.replicates.count }
        let order = batches.indices.sorted { (cost[$0], $1) > (cost[$1], $0) }
        // A HALS batch whose C and previous C (8·R·k·n bytes) would take more than
        // `sideBySideMemory` with one such batch per thread runs alone, its
        // threads sharing each iteration's blocks of samples instead.
        let runsAlone = batches.map { batch in
            settings.algorithm == .hals && threads > 1
                && threads * 8 * batch.replicates.count * batch.rank * input.samples > sideBySideMemory
        }
        // Each rank's best replicate is kept as its batches finish (only its W and
        // C), under a total order, so the result does not depend on which finishes first.
        let bestSoFar = Mutex([Factorization?](repeating: nil, count: ranks.count))
        @Sendable func fit(_ index: Int, workers: Int) -> [ReplicateSummary] {
            let batch = batches[index]
            let result = input.fitReplicates(rank: batch.rank, settings: settings, seed: seed,
                                             replicates: batch.replicates, workers: workers)
            let slot = ranks.firstIndex(of: batch.rank)!
            bestSoFar.withLock { best in
                if best[slot].map({ result.best.summary.isBetter(than: $0.summary) }) ?? true {
                    best[slot] = result.best
                }
            }
            return result.replicates
        }
        var summaries = [[ReplicateSummary]](repeating: [], count: batches.count)
        for index in order where runsAlone[index] { summaries[index] = fit(index, workers: threads) }
        let sideBySide = order.filter { !runsAlone[$0] }
        let finished = parallelMap(count: sideBySide.count, workers: threads) { fit(sideBySide[$0], workers: 1) }
        for (position, index) in sideBySide.enumerated() { summaries[index] = finished[position] }
        let best = bestSoFar.withLock { $0 }
        let quality = parallelMap(count: ranks.count, workers: threads) { slot in
            FitQuality(data: input.data, weights: best[slot]!.weights, activations: best[slot]!.storedActivations)
        }
        return ranks.enumerated().map { slot, rank in
            RankFit(rank: rank, best: best[slot]!,
                    replicates: zip(batches, summaries).filter { $0.0.rank == rank }.flatMap { $0.1 },
                    quality: quality[slot])
        }
    }
}

extension FactorizationInput {
    /// One replicate from a given start, W₀ (muscles × rank) and C₀ (rank × samples),
    /// keeping its R² after every iteration.
    public func factorize(from weights: Matrix, _ activations: Matrix, settings: FactorizationSettings) -> Factorization {
        precondition(weights.rows == muscles && activations.columns == samples && weights.columns == activations.rows)
        BLAS.useSingleThread()
        return fitReplicates(rank: weights.columns, settings: settings, replicates: [0],
                             recordHistory: true) { _ in (weights, activations) }.best
    }
}
