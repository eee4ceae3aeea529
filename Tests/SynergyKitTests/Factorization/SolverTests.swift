import Foundation
import XCTest
import SynergyKit

final class SolverTests: XCTestCase {
    /// 12 muscles, 4 planted synergies, 20 strides; noise sized so that R² at
    /// the planted rank is about 0.83 and one rank short of it about 0.68.
    private let planted = PlantedSynergies(muscles: 12, synergies: 4, samples: 720, noise: 0.4, seed: 7)

    private func sweep(_ algorithm: UpdateRule, precision: FactorizationPrecision = .single, threads: Int = 2,
                       seed: UInt64 = 1) -> [RankFit] {
        var settings = SynergyProtocol.cheung2020.factorization
        settings.algorithm = algorithm
        settings.precision = precision
        let input = FactorizationInput(planted.data, settings: settings)
        // Ranks 1…6 suffice to count 4 (the smallest rank with R² ≥ 0.80) and keep the test fast.
        return RankSweep.fit(input, ranks: Array(1...6), settings: settings, seed: seed, threads: threads)
    }

    func testCheung2020CountsAndRecoversPlantedSynergies() {
        let fits = sweep(.multiplicative)
        XCTAssertLessThan(fits[2].r2, 0.80)
        XCTAssertEqual(SynergyProtocol.cheung2020.criterion.select(from: fits), 4)
        for similarity in bestMatching(fits[3].best.weights, planted.weights) {
            XCTAssertGreaterThanOrEqual(similarity, 0.95)
        }
        // R² never falls as the rank grows by more than replicate noise.
        for (lower, higher) in zip(fits, fits.dropFirst()) { XCTAssertGreaterThan(higher.r2, lower.r2 - 1e-3) }
        XCTAssertTrue(fits.allSatisfy { $0.best.summary.converged })
    }

    func testHALSReachesMultiplicativeR2AndRecoversSynergies() {
        let mu = sweep(.multiplicative), hals = sweep(.hals)
        for (m, h) in zip(mu, hals) { XCTAssertGreaterThanOrEqual(h.r2, m.r2 - 0.002, "rank \(m.rank)") }
        XCTAssertEqual(SynergyProtocol.cheung2020.criterion.select(from: hals), 4)
        for similarity in bestMatching(hals[3].best.weights, planted.weights) {
            XCTAssertGreaterThanOrEqual(similarity, 0.95)
        }
    }

    func testSingleAndDoublePrecisionAgree() {
        let single = sweep(.multiplicative), double = sweep(.multiplicative, precision: .double)
        XCTAssertNotEqual(single.map(\.r2), double.map(\.r2))
        for (s, d) in zip(single, double) { XCTAssertEqual(s.r2, d.r2, accuracy: 1e-4, "rank \(s.rank)") }
        XCTAssertEqual(SynergyProtocol.cheung2020.criterion.select(from: double), 4)
    }

    /// Settings written before `precision` existed (a `run.json` of an earlier
    /// study) are read with the precision their solver then used; a setting
    /// written now reads back as it was.
    func testSettingsWithoutPrecisionReadAsTheirSolverThenWorked() throws {
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for (algorithm, then) in [(UpdateRule.multiplicative, FactorizationPrecision.double), (.hals, .single)] {
            var settings = SynergyProtocol.santuz.factorization
            settings.algorithm = algorithm
            var fields = try XCTUnwrap(JSONSerialization.jsonObject(with: encoder.encode(settings)) as? [String: Any])
            XCTAssertEqual(fields.removeValue(forKey: "precision") as? String, "single")
            let old = try decoder.decode(FactorizationSettings.self, from: JSONSerialization.data(withJSONObject: fields))
            XCTAssertEqual(old.precision, then, "\(algorithm)")
            XCTAssertEqual(old.replicates, 5)
            settings.precision = then
            XCTAssertEqual(try decoder.decode(FactorizationSettings.self, from: encoder.encode(settings)), settings)
        }
    }

    func testResultsAreBitIdenticalForAnyThreadCount() {
        XCTAssertEqual(sweep(.multiplicative, threads: 1), sweep(.multiplicative, threads: 2))
        XCTAssertEqual(sweep(.multiplicative, precision: .double, threads: 1),
                       sweep(.multiplicative, precision: .double, threads: 3))
        XCTAssertEqual(sweep(.hals, threads: 1), sweep(.hals, threads: 3))
        XCTAssertNotEqual(sweep(.hals, threads: 1, seed: 1).map(\.r2), sweep(.hals, threads: 1, seed: 2).map(\.r2))
    }

    func testOneRankAloneEqualsThatRankOfASweep() {
        let settings = SynergyProtocol.cheung2020.factorization
        let input = FactorizationInput(planted.data, settings: settings)
        let alone = RankSweep.fit(input, ranks: [4], settings: settings, seed: 1)[0]
        XCTAssertEqual(alone, sweep(.multiplicative)[3])
    }

    func testWeightsAreUnitVectorsAndFactorsReproduceR2() {
        // MU in both precisions, HALS (whose reported C is the extrapolated one),
        // each also with santuz's per-iteration normalisation (which MU applies
        // to C lazily) and grand-mean R².
        let runs: [(SynergyProtocol, UpdateRule, FactorizationPrecision)] = [
            (.cheung2020, .multiplicative, .single), (.santuz, .multiplicative, .single),
            (.cheung2020, .multiplicative, .double), (.santuz, .multiplicative, .double),
            (.cheung2020, .hals, .single), (.santuz, .hals, .single)]
        for (synergyProtocol, algorithm, precision) in runs {
            var settings = synergyProtocol.factorization
            settings.algorithm = algorithm
            settings.precision = precision
            let input = FactorizationInput(planted.data, settings: settings)
            let fit = RankSweep.fit(input, ranks: [4], settings: settings, seed: 1)[0]
            let label = "\(synergyProtocol.name) \(algorithm) \(precision)"
            for j in 0..<4 {
                XCTAssertEqual(fit.best.weights.column(j).reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-12, label)
            }
            XCTAssertTrue(fit.best.weights.elements.allSatisfy { $0 >= 0 }, label)
            XCTAssertTrue(fit.best.activations.elements.allSatisfy { $0 >= 0 }, label)
            // R² recomputed from the explicit residual of the reported W·C.
            let data = planted.data
            let reconstruction = fit.best.weights * fit.best.activations
            var sse = 0.0
            for index in data.elements.indices { sse += pow(data.elements[index] - reconstruction.elements[index], 2) }
            let sst = FitQuality.totalSumOfSquares(data, centring: settings.r2Centring)
            XCTAssertEqual(1 - sse / sst, fit.r2, accuracy: 1e-10, label)
            XCTAssertEqual(fit.replicates.count, settings.replicates, label)
            XCTAssertEqual(fit.replicates.map(\.r2).max(), fit.r2, label)
        }
    }

    /// Extrapolation (Ang & Gillis 2019): β grows by 1.05 up to its ceiling
    /// while the error falls; a rise restarts, caps the ceiling at β and cuts β by 1.5.
    func testExtrapolationStepGrowsUntilTheErrorRises() {
        var extrapolation = Extrapolation()
        XCTAssertFalse(extrapolation.record(error: 10))
        XCTAssertEqual(extrapolation.step, 0.525, accuracy: 1e-15)
        XCTAssertFalse(extrapolation.record(error: 9))
        XCTAssertEqual(extrapolation.step, 0.55125, accuracy: 1e-15)
        XCTAssertTrue(extrapolation.record(error: 9.5))
        XCTAssertEqual(extrapolation.step, 0.55125 / 1.5, accuracy: 1e-15)
        // The ceiling is now the step before the restart (×1.01 per success), so β stops there.
        for error in stride(from: 9.0, to: 8.0, by: -0.01) { XCTAssertFalse(extrapolation.record(error: error)) }
        XCTAssertLessThanOrEqual(extrapolation.step, 0.55125 * pow(1.01, 100) + 1e-12)
        XCTAssertGreaterThan(extrapolation.step, 0.55125)
    }

    func testIterationCapIsReportedAsNotConverged() {
        var settings = SynergyProtocol.cheung2020.factorization
        settings.maxIterations = 25
        let input = FactorizationInput(planted.data, settings: settings)
        let fit = RankSweep.fit(input, ranks: [4], settings: settings, seed: 1)[0]
        XCTAssertEqual(fit.best.summary.iterations, 25)
        XCTAssertFalse(fit.best.summary.converged)
        XCTAssertTrue(fit.replicates.allSatisfy { !$0.converged && $0.iterations == 25 })
    }

    func testSeededStartsDependOnlyOnSeedRankAndReplicate() {
        var a = SeededGenerator(seed: 5, rank: 3, replicate: 7), b = SeededGenerator(seed: 5, rank: 3, replicate: 7)
        XCTAssertEqual((0..<10).map { _ in a.next() }, (0..<10).map { _ in b.next() })
        var c = SeededGenerator(seed: 5, rank: 3, replicate: 8), d = SeededGenerator(seed: 5, rank: 4, replicate: 7)
        var e = SeededGenerator(seed: 5, rank: 3, replicate: 7)
        let first = e.next()
        XCTAssertNotEqual(first, c.next())
        XCTAssertNotEqual(first, d.next())
        var unit = SeededGenerator(seed: 1)
        let draws = (0..<100_000).map { _ in unit.nextOpenUnit() }
        XCTAssertTrue(draws.allSatisfy { $0 > 0 && $0 < 1 })
        XCTAssertEqual(draws.reduce(0, +) / 100_000, 0.5, accuracy: 0.005)
    }
}
