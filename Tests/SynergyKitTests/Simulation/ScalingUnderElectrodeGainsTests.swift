import Foundation
import XCTest
import SynergyKit

/// Why `compare` offers per-session scaling: a simulated training pair whose
/// electrode gains differ between the sessions (each drawn log-uniform in
/// [0.5, 2]), compared by `ComparisonAnalysis` at the planted rank 5 on both
/// sides, with HALS.
final class ScalingUnderElectrodeGainsTests: XCTestCase {
    /// What one comparison found, against the planted truth.
    struct Finding {
        /// The lowest similarity of a planted synergy to its fitted one (optimal matching), per side.
        var recoveryA: Double
        var recoveryB: Double
        /// The lowest similarity of a kept synergy's fitted A and fitted B (the same planted synergy in both sessions).
        var kept: Double
        /// The planted fractionation and merging were found, and nothing else was.
        var fractionationFound: Bool
        var mergingFound: Bool
        var combinations: (merging: Int, fractionation: Int)
    }

    private static func cosine(_ x: [Double], _ y: [Double]) -> Double {
        let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / (nx * ny)
    }

    /// Planted synergy j → fitted synergy, by the optimal one-to-one matching, and the lowest similarity.
    private static func correspondence(planted: Matrix, fitted: [[Double]]) -> (map: [Int], lowest: Double) {
        var score = Matrix(rows: planted.columns, columns: fitted.count)
        for j in 0..<planted.columns { for f in fitted.indices { score[j, f] = cosine(planted.column(j), fitted[f]) } }
        let pairs = Assignment.maximisingTotal(score)
        return (pairs.map(\.column), pairs.map { score[$0.row, $0.column] }.min() ?? 0)
    }

    private func compare(_ pair: SyntheticTrainingPair, scaling: ComparisonAnalysis.Scaling,
                         folder: URL) throws -> Finding {
        var paths = [String]()
        for (name, session) in [("novice", pair.novice), ("trained", pair.trained)] {
            let path = folder.appendingPathComponent("\(name).c3d").path
            var recording = session.recording
            recording.path = path
            try C3DFile.encode(recording, samplesPerFrame: 20).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        var chosen = SynergyProtocol.named(.cheung2020)
        chosen.factorization.algorithm = .hals
        chosen.factorization.replicates = 5
        var analysis = ComparisonAnalysis(a: .session(SessionInput(path: paths[0], kind: .raw)),
                                          b: .session(SessionInput(path: paths[1], kind: .raw)),
                                          protocol: chosen, seed: 1, threads: 2)
        (analysis.scaling, analysis.rankA, analysis.rankB) = (scaling, 5, 5)
        let outcome = try analysis.run(activationFiles: ("a.csv", "b.csv"))
        XCTAssertEqual(outcome.report.muscles.count, 16)
        let toA = Self.correspondence(planted: pair.novice.weights, fitted: outcome.report.a.synergies.map(\.weights))
        let toB = Self.correspondence(planted: pair.trained.weights, fitted: outcome.report.b.synergies.map(\.weights))
        let comparison = outcome.comparison
        let fractionation = comparison.fractionation.map { ($0.target, $0.sources) }
        let merging = comparison.merging.map { ($0.target, $0.sources) }
        let plantedFractionation = (toA.map[pair.fractionated.novice], pair.fractionated.trained.map { toB.map[$0] }.sorted())
        let plantedMerging = (toB.map[pair.merged.trained], pair.merged.novice.map { toA.map[$0] }.sorted())
        let (fittedA, fittedB) = (outcome.report.a.synergies.map(\.weights), outcome.report.b.synergies.map(\.weights))
        let kept = pair.kept.map { Self.cosine(fittedA[toA.map[$0.novice]], fittedB[toB.map[$0.trained]]) }.min() ?? 0
        return Finding(recoveryA: toA.lowest, recoveryB: toB.lowest, kept: kept,
                       fractionationFound: fractionation.count == 1 && fractionation[0] == plantedFractionation,
                       mergingFound: merging.count == 1 && merging[0] == plantedMerging,
                       combinations: (merging.count, fractionation.count))
    }

    /// 16 muscles, 5 synergies, 2000 Hz, 60 s, gains drawn independently per session; seeds
    /// 1 and 2 (others by hand: GAINS_SEEDS=1,2,3 swift test …).
    ///
    /// Per-session scaling undoes the gains: every planted synergy is recovered (similarity
    /// ≥ 0.9 after optimal matching; seen 0.950–0.975 over seeds 1–5), each kept synergy's
    /// fitted A and B are alike (≥ 0.95; seen ≥ 0.985), and exactly the planted
    /// fractionation and merging are found, nothing else.
    ///
    /// One scale shared over both sessions leaves each muscle off by its gain ratio (0.25–4):
    /// the lowest recovery is lower than per-session (seen 0.908–0.934, at least 0.016 lower),
    /// and a kept synergy looks changed (seen 0.84–0.96, at least 0.033 below per-session;
    /// asserted: 0.02 below). Over seeds 1–5 shared scaling still found the planted
    /// fractionation and merging, so that is not asserted either way.
    func testPerSessionScalingUndoesElectrodeGains() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gains-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let seeds: [UInt64] = (ProcessInfo.processInfo.environment["GAINS_SEEDS"] ?? "1,2")
            .split(separator: ",").compactMap { UInt64($0) }
        for seed in seeds {
            var settings = SimulationSettings()
            (settings.muscles, settings.synergies, settings.sampleRate, settings.duration) = (16, 5, 2000, 60)
            settings.seed = seed
            let pair = SyntheticTrainingPair(settings)
            XCTAssertNotEqual(pair.novice.gains, pair.trained.gains)
            let perSession = try compare(pair, scaling: .perSession, folder: folder)
            let shared = try compare(pair, scaling: .shared, folder: folder)
            print("seed \(seed): per-session \(perSession); shared \(shared)")
            XCTAssertGreaterThanOrEqual(perSession.recoveryA, 0.9, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(perSession.recoveryB, 0.9, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(perSession.kept, 0.95, "seed \(seed)")
            XCTAssertTrue(perSession.fractionationFound, "seed \(seed): \(perSession)")
            XCTAssertTrue(perSession.mergingFound, "seed \(seed): \(perSession)")
            XCTAssertLessThan(min(shared.recoveryA, shared.recoveryB), min(perSession.recoveryA, perSession.recoveryB),
                              "seed \(seed)")
            XCTAssertLessThan(shared.kept, perSession.kept - 0.02, "seed \(seed)")
        }
    }
}
