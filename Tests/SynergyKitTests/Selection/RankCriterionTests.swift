import XCTest
import SynergyKit

final class RankCriterionTests: XCTestCase {
    /// Mean squared residual of the least-squares line through (1…n, y), in closed form.
    private func lineMSE(_ y: [Double]) -> Double {
        let n = Double(y.count), x = (1...y.count).map(Double.init)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let slope = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        return zip(x, y).reduce(0) { $0 + pow($1.1 - (my + slope * ($1.0 - mx)), 2) } / n
    }

    /// musclesyneRgies' loop, written independently with the closed-form line fit.
    private func referenceLinearity(_ r2: [Double]) -> Int {
        var start = 0
        var mse = 100.0
        while mse > 1e-4 {
            start += 1
            if start == r2.count - 1 { break }
            mse = lineMSE(Array(r2[(start - 1)...]))
        }
        return start
    }

    func testLinearityMatchesReferenceLoopOnRealAndEdgeCurves() {
        let curves: [[Double]] = [
            [0.2831, 0.6594, 0.7770, 0.8435, 0.8989, 0.9353, 0.9512, 0.9665, 0.9798, 0.9882],
            [0.30, 0.55, 0.70, 0.80, 0.86, 0.90, 0.93, 0.95, 0.965, 0.975],
            [0.5, 0.6, 0.7, 0.8, 0.9],             // a line from rank 1
            [0.1, 0.9, 0.91, 0.99],               // never linear: ends at r − 1
        ]
        for curve in curves {
            XCTAssertEqual(RankCriterion.linearityRank(r2: curve, maxMSE: 1e-4), referenceLinearity(curve), "\(curve)")
        }
        XCTAssertEqual(RankCriterion.linearityRank(r2: curves[2], maxMSE: 1e-4), 1)
        XCTAssertEqual(RankCriterion.linearityRank(r2: curves[3], maxMSE: 1e-4), 3)
    }

    func testMaxRankRoundsHalvesToEvenLikeR() {
        XCTAssertEqual(MaxRankRule.musclesLessAQuarter.maxRank(muscles: 10), 8)   // round(2.5) = 2
        XCTAssertEqual(MaxRankRule.musclesLessAQuarter.maxRank(muscles: 13), 10)  // round(3.25) = 3
        XCTAssertEqual(MaxRankRule.musclesLessAQuarter.maxRank(muscles: 14), 10)  // round(3.5) = 4
        XCTAssertEqual(MaxRankRule.musclesLessAQuarter.maxRank(muscles: 15), 11)  // round(3.75) = 4
        XCTAssertEqual(MaxRankRule.allMuscles.maxRank(muscles: 15), 15)
    }

    func testThresholdCriteriaPickTheSmallestQualifyingRank() {
        let planted = PlantedSynergies(muscles: 8, synergies: 3, samples: 720, noise: 0.2, seed: 3)
        let settings = SynergyProtocol.cheung2020.factorization
        let fits = RankSweep.fit(FactorizationInput(planted.data, settings: settings),
                                 ranks: Array(1...8), settings: settings, seed: 1)
        let r2Rank = RankCriterion(kind: .r2, threshold: 0.8).select(from: fits)!
        XCTAssertTrue(fits[r2Rank - 1].r2 >= 0.8 && (r2Rank == 1 || fits[r2Rank - 2].r2 < 0.8))
        let vafRank = RankCriterion(kind: .vaf, threshold: 0.9).select(from: fits)!
        XCTAssertTrue(fits[vafRank - 1].quality.vaf >= 0.9 && (vafRank == 1 || fits[vafRank - 2].quality.vaf < 0.9))
        // A per-muscle floor can only push the count up, to the first rank where every muscle passes.
        let floor = RankCriterion(kind: .vaf, threshold: 0.9, perMuscleThreshold: 0.97).select(from: fits)
        let expected = fits.first { $0.quality.vaf >= 0.9 && $0.quality.muscleVAF.allSatisfy { $0 >= 0.97 } }?.rank
        XCTAssertEqual(floor, expected)
        XCTAssertGreaterThanOrEqual(floor ?? .max, vafRank)
        XCTAssertNil(RankCriterion(kind: .r2, threshold: 1.01).select(from: fits))
    }
}
