import XCTest
@testable import SynergyKit

final class SessionBootstrapTests: XCTestCase {
    /// D = W·C + noise with 3 planted synergies on 8 muscles, 20 ms bins over 30 s.
    static func planted(seed: UInt64 = 3) -> (data: Matrix, weights: Matrix, time: [Double]) {
        var random = SeededGenerator(seed: seed)
        let (m, k, n) = (8, 3, 1500)
        var w = Matrix(rows: m, columns: k)
        for i in 0..<m { for j in 0..<k { w[i, j] = i % k == j ? 0.5 + 0.5 * random.nextUnit() : 0.05 * random.nextUnit() } }
        var c = Matrix(rows: k, columns: n)
        for t in 0..<n {
            let phase = Double(t % 37) / 37
            for j in 0..<k {
                let distance = (phase - (Double(j) + 0.5) / Double(k)) / 0.08
                c[j, t] = (0.8 + 0.4 * random.nextUnit()) * exp(-0.5 * distance * distance)
            }
        }
        var d = w * c
        for index in d.elements.indices { d.elements[index] += 0.02 * random.nextUnit() }
        return (d, w.unitColumns, (0..<n).map { 0.01 + Double($0) * 0.02 })
    }

    static func protocolHALS(replicates: Int = 4) -> SynergyProtocol {
        var chosen = SynergyProtocol.cheung2020
        chosen.factorization.algorithm = .hals
        chosen.factorization.replicates = replicates
        return chosen
    }

    func run(threads: Int, stream: Int = 0, resamples: Int = 12) throws -> (SessionBootstrap, [SessionBootstrap.Resample]) {
        let (data, _, time) = Self.planted()
        let chosen = Self.protocolHALS()
        let full = RankSweep.fit(FactorizationInput(data, settings: chosen.factorization), ranks: Array(1...8),
                                 settings: chosen.factorization, seed: 1)
        let count = chosen.criterion.select(from: full)
        XCTAssertEqual(count, 3)
        let bootstrap = SessionBootstrap(data: data, units: try .blocks(time: time, seconds: 1), protocol: chosen,
                                         highestRank: 8, reportedRank: 3, count: count, weights: full[2].best.weights,
                                         resamples: resamples, seed: 1, stream: stream, threads: threads)
        return (bootstrap, try bootstrap.run())
    }

    /// Planted synergies are found in every resample: count 3, each synergy at similarity ≥ 0.99;
    /// ranks 1 … count + 1 are fitted and no more, as the R² criterion needs no higher rank.
    func testPlantedSynergiesAreStable() throws {
        let (bootstrap, results) = try run(threads: 2)
        XCTAssertEqual(bootstrap.firstRanks, 4)
        XCTAssertEqual(results.count, 12)
        for result in results {
            XCTAssertEqual(result.count, 3)
            XCTAssertEqual(result.r2.count, 4)
            XCTAssertEqual(Set(result.matchedTo), [0, 1, 2])
            for similarity in result.similarity { XCTAssertGreaterThanOrEqual(similarity, 0.99) }
        }
        let summary = BootstrapSummary(results, units: bootstrap.units, sweep: true)
        XCTAssertEqual(summary.countInterval, [3, 3])
        XCTAssertGreaterThan(summary.r2[2].low, summary.r2[1].high, "R² rises with the rank in every resample")
        XCTAssertLessThan(summary.r2[2].low, summary.r2[2].high, "resamples differ")
    }

    /// The same resamples and fits for any number of threads; another stream draws other resamples.
    func testResultsDependOnSeedAndStreamNotThreads() throws {
        let one = try run(threads: 1, resamples: 4).1, two = try run(threads: 2, resamples: 4).1
        XCTAssertEqual(one, two)
        let other = try run(threads: 2, stream: 1, resamples: 4).1
        XCTAssertNotEqual(one.map(\.r2), other.map(\.r2))
    }

    /// The count a resample gives equals that of a whole sweep (the R² criterion stops early).
    func testEarlyStopGivesTheWholeSweepsCount() throws {
        let (bootstrap, results) = try run(threads: 2, resamples: 3)
        var whole = bootstrap
        whole.protocol.criterion = RankCriterion(kind: .linearity, threshold: 1e-4)
        XCTAssertEqual(whole.firstRanks, 8)
        var random = SeededGenerator(seed: 1, rank: -1, replicate: 2)
        let fitSeed = random.next()
        let columns = bootstrap.units.draw(&random)
        let data = bootstrap.data
        let resampled = Matrix(rows: data.rows, columns: columns.count,
                               elements: columns.flatMap { Array(data.elements[($0 * 8)..<(($0 + 1) * 8)]) })
        let settings = bootstrap.protocol.factorization
        let fits = RankSweep.fit(FactorizationInput(resampled, settings: settings), ranks: Array(1...8), settings: settings,
                                 seed: fitSeed, threads: 1)
        XCTAssertEqual(results[2].count, bootstrap.protocol.criterion.select(from: fits))
        XCTAssertEqual(results[2].r2, Array(fits.prefix(4).map(\.r2)))
    }
}
