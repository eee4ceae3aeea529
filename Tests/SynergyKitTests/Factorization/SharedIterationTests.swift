import XCTest
@testable import SynergyKit

/// A HALS batch whose iterations are shared among threads (a long envelope's
/// high ranks) gives bit for bit the results of the same batch on one thread.
final class SharedIterationTests: XCTestCase {
    /// 8 muscles × 70 000 samples: at rank 8 a batch of 10 has 80 stacked rows,
    /// so 69 blocks of 1 024 samples (the last one partial), more than one
    /// round of 32 blocks per worker for 2 workers.
    private let planted = PlantedSynergies(muscles: 8, synergies: 5, samples: 70_000, noise: 0.3, seed: 21)

    private func settings(_ synergyProtocol: SynergyProtocol = .cheung2020) -> FactorizationSettings {
        var settings = synergyProtocol.factorization
        settings.algorithm = .hals
        settings.maxIterations = 12
        return settings
    }

    /// Under both protocols: santuz's normalisation of W every iteration
    /// leaves C's rows to be rescaled block by block by the next iteration.
    func testBatchOnSeveralWorkersMatchesOneWorker() {
        for synergyProtocol in [SynergyProtocol.cheung2020, .santuz] {
            let settings = settings(synergyProtocol)
            let input = FactorizationInput(planted.data, settings: settings)
            let alone = input.fitReplicates(rank: 8, settings: settings, seed: 3, replicates: 0..<10, workers: 1)
            for workers in [2, 3] {
                let label = "\(synergyProtocol.name), \(workers) workers"
                let shared = input.fitReplicates(rank: 8, settings: settings, seed: 3, replicates: 0..<10,
                                                 workers: workers)
                XCTAssertEqual(shared.replicates, alone.replicates, label)
                XCTAssertTrue(shared.best == alone.best, "\(label): the best fits differ")
            }
            // The fit moved: twelve iterations from random starts, R² well above the start's.
            XCTAssertGreaterThan(alone.best.summary.r2, 0.5, "\(synergyProtocol.name)")
        }
    }

    /// On 2 threads the rank-8 batches run alone (2 × 8·10·8·70 000 bytes of C
    /// exceed `sideBySideMemory`), the rank-1 batches side by side.
    func testSweepIsTheSameForAnyThreadCount() {
        let settings = settings()
        XCTAssertGreaterThan(2 * 8 * 10 * 8 * planted.data.columns, RankSweep.sideBySideMemory)
        XCTAssertLessThan(2 * 8 * 10 * 1 * planted.data.columns, RankSweep.sideBySideMemory)
        let input = FactorizationInput(planted.data, settings: settings)
        let one = RankSweep.fit(input, ranks: [1, 8], settings: settings, seed: 5, threads: 1)
        let two = RankSweep.fit(input, ranks: [1, 8], settings: settings, seed: 5, threads: 2)
        XCTAssertEqual(one.map(\.replicates), two.map(\.replicates))
        XCTAssertTrue(one == two, "the kept fits differ")
    }
}
