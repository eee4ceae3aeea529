import XCTest
@testable import SynergyKit

/// Fits that leave a component empty, ranks above the data's rank, and data in
/// any amplitude unit give finite, well-defined results.
final class DegenerateFitTests: XCTestCase {
    private let planted = PlantedSynergies(muscles: 8, synergies: 3, samples: 300, noise: 0.2, seed: 3)

    /// 6 muscles × 400 samples, zero except 30 spikes of 0.5–1.5: most samples
    /// carry nothing, so components and entries are driven to the floor.
    private let spikes: Matrix = {
        var generator = SeededGenerator(seed: 11)
        var d = Matrix(rows: 6, columns: 400)
        for _ in 0..<30 { d[Int(generator.next() % 6), Int(generator.next() % 400)] = 0.5 + generator.nextUnit() }
        return d
    }()

    private func settings(_ synergyProtocol: SynergyProtocol, _ algorithm: UpdateRule, replicates: Int = 3,
                          maxIterations: Int = 1000) -> FactorizationSettings {
        var settings = synergyProtocol.factorization
        (settings.algorithm, settings.replicates, settings.maxIterations) = (algorithm, replicates, maxIterations)
        return settings
    }

    private static let cases: [(SynergyProtocol, UpdateRule)] = [
        (.cheung2020, .multiplicative), (.santuz, .multiplicative), (.cheung2020, .hals), (.santuz, .hals),
    ]

    private func assertFinite(_ fit: Factorization, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(fit.summary.r2.isFinite, label, file: file, line: line)
        XCTAssertTrue(fit.weights.elements.allSatisfy { $0.isFinite && $0 >= 0 }, label, file: file, line: line)
        XCTAssertTrue(fit.activations.elements.allSatisfy { $0.isFinite && $0 >= 0 }, label, file: file, line: line)
    }

    /// A start whose W column is zero: MU keeps the component empty and returns
    /// it as a zero weight vector with a zero activation (never 0/0); HALS,
    /// whose floor refills it, returns unit vectors. The rest of the fit is
    /// normal, and an empty synergy has sparseness 0, matches nothing, encodes
    /// as JSON and is accepted when read back.
    func testAnEmptyComponentIsAZeroSynergyWithAZeroActivation() throws {
        for (synergyProtocol, algorithm) in Self.cases {
            let label = "\(synergyProtocol.name) \(algorithm)"
            let settings = settings(synergyProtocol, algorithm, maxIterations: 300)
            let input = FactorizationInput(planted.data, settings: settings)
            var generator = SeededGenerator(seed: 2)
            var w0 = Matrix(rows: 8, columns: 3, elements: (0..<24).map { _ in generator.nextOpenUnit() })
            for i in 0..<8 { w0[i, 1] = 0 }
            let c0 = Matrix(rows: 3, columns: 300, elements: (0..<900).map { _ in generator.nextOpenUnit() })
            let fit = input.factorize(from: w0, c0, settings: settings)
            assertFinite(fit, label)
            XCTAssertGreaterThan(fit.summary.r2, 0.5, label)
            for j in [0, 2] {
                XCTAssertEqual(fit.weights.column(j).reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-12, label)
            }
            if algorithm == .multiplicative {
                XCTAssertEqual(fit.weights.column(1), Array(repeating: 0, count: 8), label)
                XCTAssertEqual(fit.activations.row(1), Array(repeating: 0, count: 300), label)
            } else {
                XCTAssertEqual(fit.weights.column(1).reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-12, label)
            }
        }
        var empty = planted.weights
        for i in 0..<8 { empty[i, 1] = 0 }
        XCTAssertEqual(Sparseness.hoyer(empty.column(1)), 0)
        let comparison = try SynergyComparison(a: empty, b: planted.weights)
        XCTAssertFalse(comparison.matches.contains { $0.a == 1 })
        XCTAssertTrue(comparison.assignment.allSatisfy { $0.similarity.isFinite })
        XCTAssertTrue(comparison.merging.allSatisfy { !$0.sources.contains(1) })
        let synergies = (0..<3).map { SynergyReport.Synergy(weights: empty.column($0)) }
        let rank = SynergyReport.Rank(rank: 3, r2: 0.9, vaf: 0.95, muscleVaf: Array(repeating: 0.9, count: 8), iterations: 10,
                                      converged: true, bestReplicate: 0, replicatesConverged: 1,
                                      replicates: [ReplicateSummary(replicate: 0, r2: 0.9, iterations: 10, converged: true)])
        let report = SynergyReport(
            toolVersion: SynergyAnalysis.toolVersion, command: "extract",
            input: .init(path: "x.csv", sha256: "", format: "envelope", samples: 300), protocol: .cheung2020, seed: 1,
            muscles: (1...8).map { "M\($0)" }, ranks: [rank], count: nil, rank: 3, synergies: synergies,
            activationsCsv: "x_activations.csv")
        XCTAssertEqual(report.sparseness.perSynergy[1], 0)
        let decoded = try SynergyReport.decode(try report.jsonData())
        XCTAssertEqual(decoded, report)
        XCTAssertNil(decoded.weightsProblem)
    }

    /// Data of rank exactly 2 fitted at ranks 1…6: every rank gives finite
    /// factors with unit (or zero) weight columns, and ranks ≥ 2 fit it (R² ≥ 0.999).
    func testRanksAboveTheDataRankStayFinite() {
        var generator = SeededGenerator(seed: 5)
        let w = Matrix(rows: 6, columns: 2, elements: (0..<12).map { _ in generator.nextOpenUnit() })
        let c = Matrix(rows: 2, columns: 300, elements: (0..<600).map { _ in generator.nextOpenUnit() })
        let data = w * c
        for (synergyProtocol, algorithm) in Self.cases {
            let settings = settings(synergyProtocol, algorithm)
            let fits = RankSweep.fit(FactorizationInput(data, settings: settings), ranks: Array(1...6), settings: settings,
                                     seed: 1, threads: 2)
            for fit in fits {
                let label = "\(synergyProtocol.name) \(algorithm) rank \(fit.rank)"
                assertFinite(fit.best, label)
                XCTAssertTrue(fit.quality.vaf.isFinite && fit.quality.muscleVAF.allSatisfy(\.isFinite), label)
                for j in 0..<fit.rank {
                    let norm = fit.best.weights.column(j).reduce(0) { $0 + $1 * $1 }
                    XCTAssertTrue(abs(norm - 1) < 1e-12 || norm == 0, label)
                }
                if fit.rank >= 2 { XCTAssertGreaterThanOrEqual(fit.r2, 0.999, label) }
            }
        }
    }

    /// The same data in another unit: HALS solves a problem scaled to max D in
    /// [1, 2), so data scaled by a power of two (here 2⁻⁴⁰ ≈ 1e-12, as volts,
    /// to 2³⁰) give bit for bit the same R² and weights and exactly scaled
    /// activations, and MU's R² agrees to 1e-12. Spiky data scaled by 1e-4 and
    /// 1e9 (not powers of two) stay finite. (HALS used to give NaN on small
    /// data: its floor, 1e-16 · max D, squared, underflowed in single precision.)
    func testEveryAmplitudeUnitGivesTheSameFit() {
        for (synergyProtocol, algorithm) in Self.cases {
            let settings = settings(synergyProtocol, algorithm, replicates: 2, maxIterations: 300)
            for base in [planted.data, spikes] {
                func sweep(_ scale: Double) -> [RankFit] {
                    var data = base
                    for index in data.elements.indices { data.elements[index] *= scale }
                    return RankSweep.fit(FactorizationInput(data, settings: settings), ranks: Array(1...4),
                                         settings: settings, seed: 1, threads: 2)
                }
                let reference = sweep(1)
                for exponent in [-40, -10, 30] {
                    let scale = Double(sign: .plus, exponent: exponent, significand: 1)
                    for (fit, expected) in zip(sweep(scale), reference) {
                        let label = "\(synergyProtocol.name) \(algorithm) 2^\(exponent) rank \(fit.rank)"
                        assertFinite(fit.best, label)
                        if algorithm == .hals {
                            XCTAssertEqual(fit.r2, expected.r2, label)
                            XCTAssertEqual(fit.best.weights, expected.best.weights, label)
                            XCTAssertEqual(fit.best.activations.elements, expected.best.activations.elements.map { $0 * scale },
                                           label)
                        } else {
                            XCTAssertEqual(fit.r2, expected.r2, accuracy: 1e-12, label)
                        }
                    }
                }
                for scale in [1e-4, 1e9] {
                    for fit in sweep(scale) {
                        let label = "\(synergyProtocol.name) \(algorithm) ×\(scale) rank \(fit.rank)"
                        assertFinite(fit.best, label)
                        XCTAssertTrue(fit.r2 <= 1 && fit.r2 > -1, label)
                    }
                }
            }
        }
    }

    /// Only each rank's best replicate keeps its factors, chosen as batches
    /// finish: with 23 replicates (three batches) it is the replicate of highest
    /// R² (the lowest number among equals), whatever the thread count.
    func testTheKeptReplicateIsTheBestWhateverTheOrderBatchesFinish() {
        let settings = settings(.cheung2020, .multiplicative, replicates: 23, maxIterations: 200)
        let input = FactorizationInput(planted.data, settings: settings)
        let fits = [1, 2, 3].map { RankSweep.fit(input, ranks: [2, 3], settings: settings, seed: 4, threads: $0) }
        XCTAssertEqual(fits[0], fits[1])
        XCTAssertEqual(fits[0], fits[2])
        for fit in fits[0] {
            XCTAssertEqual(fit.replicates.map(\.replicate), Array(0..<23))
            let best = fit.replicates.max { ($0.r2, $1.replicate) < ($1.r2, $0.replicate) }!
            XCTAssertEqual(fit.best.summary, best)
        }
    }

    /// The order replicates are kept in is total: a NaN R² loses to any number, ties go to the lower replicate.
    func testReplicateOrderIsTotal() {
        func summary(_ replicate: Int, _ r2: Double) -> ReplicateSummary {
            ReplicateSummary(replicate: replicate, r2: r2, iterations: 1, converged: true)
        }
        XCTAssertTrue(summary(3, 0.5).isBetter(than: summary(1, .nan)))
        XCTAssertFalse(summary(1, .nan).isBetter(than: summary(3, 0.5)))
        XCTAssertTrue(summary(1, 0.5).isBetter(than: summary(3, 0.5)))
        XCTAssertFalse(summary(3, 0.5).isBetter(than: summary(1, 0.5)))
        XCTAssertTrue(summary(3, 0.6).isBetter(than: summary(1, 0.5)))
        XCTAssertTrue(summary(1, .nan).isBetter(than: summary(2, .nan)))
    }
}
