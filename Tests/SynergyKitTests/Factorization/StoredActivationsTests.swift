import XCTest
@testable import SynergyKit

/// C kept at the solver's precision gives back exactly the doubles computed
/// directly, Cⱼₜ = (xⱼₜ · aⱼ) / σ, with zero rows where W's column was zero.
final class StoredActivationsTests: XCTestCase {
    private let (rows, columns) = (4, 37)
    private let factors = [0.75, 0, 3.1e-3, .nan]
    private let divisor = 0.125

    private func values() -> [Float] {
        var generator = SplitMix(state: 7)
        return (0..<(rows * columns)).map { _ in generator.unit() * 9 }
    }

    /// Cⱼₜ written out plainly, column-major.
    private func expected(_ x: [Float]) -> [Double] {
        var c = [Double](repeating: 0, count: rows * columns)
        for j in 0..<rows where factors[j] > 0 {
            for t in 0..<columns { c[j + t * rows] = Double(x[t + j * columns]) * factors[j] / divisor }
        }
        return c
    }

    func testSingleAndDoubleValuesGiveTheDirectDoubles() {
        let x = values()
        let single = StoredActivations(rows: rows, columns: columns, single: x, rowFactors: factors, divisor: divisor)
        let double = StoredActivations(rows: rows, columns: columns, double: x.map(Double.init), rowFactors: factors,
                                       divisor: divisor)
        for stored in [single, double] {
            XCTAssertEqual(stored.matrix.rows, rows)
            XCTAssertEqual(stored.matrix.columns, columns)
            XCTAssertEqual(stored.matrix.elements, expected(x))
            XCTAssertTrue(stored.allFinite)
        }
        XCTAssertEqual(StoredActivations(Matrix(rows: rows, columns: columns, elements: expected(x))).matrix.elements,
                       expected(x))
    }

    func testFinitenessIsThatOfTheMatrix() {
        var x = values()
        x[5 + 1 * columns] = .nan            // row 1: its factor is zero, so the row is zero
        XCTAssertTrue(StoredActivations(rows: rows, columns: columns, single: x, rowFactors: factors,
                                        divisor: divisor).allFinite)
        x[5 + 2 * columns] = .infinity       // row 2 is kept
        var stored = StoredActivations(rows: rows, columns: columns, single: x, rowFactors: factors, divisor: divisor)
        XCTAssertFalse(stored.allFinite)
        XCTAssertFalse(stored.matrix.elements.allSatisfy(\.isFinite))
        x[5 + 2 * columns] = .greatestFiniteMagnitude    // finite, but × 1e300 overflows
        stored = StoredActivations(rows: rows, columns: columns, single: x, rowFactors: [1, 1, 1e300, 1],
                                   divisor: divisor)
        XCTAssertFalse(stored.allFinite)
    }

    /// Two fits are equal when their C are, however each keeps it.
    func testFactorizationsCompareByValue() {
        let x = values()
        let summary = ReplicateSummary(replicate: 0, r2: 0.9, iterations: 12, converged: true)
        let weights = Matrix(rows: 2, columns: rows, repeating: 0.5)
        let stored = Factorization(weights: weights, storedActivations: StoredActivations(
            rows: rows, columns: columns, single: x, rowFactors: factors, divisor: divisor), summary: summary, r2History: nil)
        let direct = Factorization(weights: weights, activations: Matrix(rows: rows, columns: columns, elements: expected(x)),
                                   summary: summary, r2History: nil)
        XCTAssertEqual(stored, direct)
        XCTAssertTrue(stored.activationsAreFinite)
        var changed = direct
        changed.activations[3, 2] += 1e-12
        XCTAssertNotEqual(stored, changed)
    }

    /// A sweep's HALS fits keep C in single precision: W·C still reproduces the
    /// R² reported, to rounding, under both protocols (santuz's last rescaling
    /// of C is still pending in the workspace when the fit is kept).
    func testSweepKeepsSinglePrecisionActivations() {
        let planted = PlantedSynergies(muscles: 8, synergies: 3, samples: 300, noise: 0.2, seed: 3)
        for synergyProtocol in [SynergyProtocol.cheung2020, .santuz] {
            var settings = synergyProtocol.factorization
            settings.algorithm = .hals
            settings.replicates = 3
            let input = FactorizationInput(planted.data, settings: settings)
            for fit in RankSweep.fit(input, ranks: [2, 3], settings: settings, seed: 5, threads: 2) {
                let c = fit.best.activations
                XCTAssertTrue(c.elements.allSatisfy { $0 >= 0 })
                let reconstruction = fit.best.weights * c
                let sse = zip(input.data.elements, reconstruction.elements).reduce(0.0) {
                    $0 + ($1.0 - $1.1) * ($1.0 - $1.1)
                }
                let r2 = 1 - sse / FitQuality.totalSumOfSquares(input.data, centring: settings.r2Centring)
                XCTAssertEqual(r2, fit.r2, accuracy: 1e-12, "\(synergyProtocol.name), rank \(fit.rank)")
            }
        }
    }

    /// The explicit residual's sum over blocks of W·C: each block's value is
    /// that of `reconstruct`'s block, and the values are summed in block order
    /// for any number of workers (10 000 samples: 3 blocks, the last partial).
    func testSumOverBlocksIsTheSameForAnyNumberOfWorkers() {
        let planted = PlantedSynergies(muscles: 6, synergies: 3, samples: 10_000, noise: 0.2, seed: 4)
        let (m, data) = (planted.data.rows, planted.data)
        let activations = StoredActivations(planted.activations)
        @Sendable func squaredError(_ first: Int, _ count: Int, _ fitted: UnsafePointer<Double>) -> Double {
            var sum = 0.0
            for index in 0..<(m * count) {
                let error = data.elements[first * m + index] - fitted[index]
                sum += error * error
            }
            return sum
        }
        var blocks: [Double] = []
        FitQuality.reconstruct(weights: planted.weights, activations: activations) { first, count, fitted in
            blocks.append(squaredError(first, count, fitted))
        }
        XCTAssertEqual(blocks.count, 3)
        let inOrder = blocks.reduce(0, +)
        XCTAssertGreaterThan(inOrder, 0)
        for workers in [1, 2, 3, 5] {
            let sum = FitQuality.sumOverBlocks(weights: planted.weights, activations: activations, workers: workers,
                                               squaredError)
            XCTAssertEqual(sum.bitPattern, inOrder.bitPattern, "\(workers) workers")
        }
    }

    /// santuz normalises W every iteration and leaves C's rows to be rescaled
    /// by the next iteration; a fit kept after its last iteration must take
    /// that rescaling. Three iterations, while W's norms still move: the R² of
    /// the kept W·C (explicit) is the R² the last iteration tracked from its
    /// products (single precision, so within 1e-5).
    func testFitKeptAfterTheLastIterationTakesThePendingRescaling() throws {
        let planted = PlantedSynergies(muscles: 8, synergies: 3, samples: 500, noise: 0.2, seed: 6)
        var settings = SynergyProtocol.santuz.factorization
        settings.algorithm = .hals
        settings.maxIterations = 3
        let input = FactorizationInput(planted.data, settings: settings)
        var generator = SplitMix(state: 8)
        let w = Matrix(rows: 8, columns: 3, elements: (0..<24).map { _ in Double(generator.unit()) + 0.1 })
        let c = Matrix(rows: 3, columns: 500, elements: (0..<1500).map { _ in Double(generator.unit()) + 0.1 })
        let fit = input.factorize(from: w, c, settings: settings)
        let tracked = try XCTUnwrap(fit.r2History?.last)
        XCTAssertEqual(fit.r2History?.count, 3)
        XCTAssertEqual(fit.summary.r2, tracked, accuracy: 1e-5)
    }
}
