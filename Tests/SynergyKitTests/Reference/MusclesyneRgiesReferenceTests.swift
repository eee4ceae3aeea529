import XCTest
import SynergyKit

/// The `santuz` protocol against musclesyneRgies' own results for its 15
/// example subjects (Datasets/musclesyneRgies/reference_syns, MIT licence):
/// V is the envelope the package factorised, M its synergies (its chosen rank
/// is M's column count) and Vr its reconstruction, whose grand-mean R² is the
/// package's.
final class MusclesyneRgiesReferenceTests: XCTestCase {
    private struct Subject {
        let name: String
        let envelope: EnvelopeTable
        let weights: Matrix
        let storedR2: Double
    }

    private func subjects() throws -> [Subject] {
        let folder = TestPaths.datasets.appendingPathComponent("musclesyneRgies/reference_syns")
        return try (1...15).map { number in
            let name = String(format: "ID%04d_TW_01", number)
            let envelope = try EnvelopeCSV.read(path: folder.appendingPathComponent("\(name)_V.csv").path)
            let stored = Matrix(rowMajor: try numericRows(folder.appendingPathComponent("\(name)_M.csv")))
            let reconstruction = try EnvelopeCSV.read(path: folder.appendingPathComponent("\(name)_Vr.csv").path)
            let v = envelope.data, vr = reconstruction.data
            let mean = v.elements.reduce(0, +) / Double(v.elements.count)
            let sse = zip(v.elements, vr.elements).reduce(0) { $0 + pow($1.0 - $1.1, 2) }
            let sst = v.elements.reduce(0) { $0 + pow($1 - mean, 2) }
            return Subject(name: name, envelope: envelope, weights: stored, storedR2: 1 - sse / sst)
        }
    }

    func testExtractAtThePackagesRankMatchesItsR2AndSynergies() throws {
        for subject in try subjects() {
            let rank = subject.weights.columns
            let analysis = SynergyAnalysis(envelope: subject.envelope, protocol: .santuz, seed: 1, threads: 2)
            let outcome = try analysis.extract(rank: rank, activationsFile: "")
            XCTAssertGreaterThanOrEqual(outcome.report.ranks[0].r2, subject.storedR2 - 0.002, subject.name)
            let ours = Matrix(rows: 13, columns: rank, elements: outcome.report.synergies.flatMap(\.weights))
            let similarities = bestMatching(ours, subject.weights)
            XCTAssertGreaterThanOrEqual(similarities.reduce(0, +) / Double(rank), 0.95, subject.name)
        }
    }

    func testCountGivesThePackagesRank() throws {
        for subject in try subjects() {
            let analysis = SynergyAnalysis(envelope: subject.envelope, protocol: .santuz, seed: 1, threads: 2)
            let outcome = try analysis.count(maxRank: SynergyProtocol.santuz.maxRank.maxRank(muscles: 13), activationsFile: "")
            XCTAssertEqual(outcome.report.count, subject.weights.columns, subject.name)
        }
    }
}
