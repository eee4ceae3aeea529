import Foundation
import XCTest
import SynergyKit

/// The solver against a plain NumPy implementation of the same equations
/// (Scripts/reference/nmf_reference.py; fixtures written by
/// Scripts/fixtures/make_nmf_fixtures.py): started from the same W₀ and C₀,
/// R² must follow the NumPy trajectory iteration by iteration and the stopping
/// rule must fire on the same iteration.
final class TrajectoryFixtureTests: XCTestCase {
    private struct Fixture: Decodable {
        let `protocol`: String
        let rank: Int
        let max_iterations: Int
        let D: [[Double]]
        let W0: [[Double]]
        let C0: [[Double]]
        let r2: [Double]
        let iterations: Int
        let converged: Bool
        let W: [[Double]]
        let C: [[Double]]
    }

    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = TestPaths.fixtures.appendingPathComponent("\(name).json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        var settings = SynergyProtocol.named(SynergyProtocol.Name(rawValue: fixture.protocol)!).factorization
        settings.maxIterations = fixture.max_iterations
        let input = FactorizationInput(Matrix(rowMajor: fixture.D), settings: settings)
        let fit = input.factorize(from: Matrix(rowMajor: fixture.W0), Matrix(rowMajor: fixture.C0), settings: settings)

        XCTAssertEqual(fit.summary.iterations, fixture.iterations, "stopping iteration", file: file, line: line)
        XCTAssertEqual(fit.summary.converged, fixture.converged, file: file, line: line)
        let history = try XCTUnwrap(fit.r2History)
        XCTAssertEqual(history.count, fixture.r2.count, file: file, line: line)
        // The Gram-matrix SSE and BLAS summation order differ from NumPy's explicit
        // residual only by rounding: 1e-10 in R² over the whole trajectory.
        let worst = zip(history, fixture.r2).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 1e-10, "largest R² difference along the trajectory", file: file, line: line)
        XCTAssertEqual(fit.summary.r2, fixture.r2.last!, accuracy: 1e-10, file: file, line: line)
        let expectedW = Matrix(rowMajor: fixture.W), expectedC = Matrix(rowMajor: fixture.C)
        for (x, y) in zip(fit.weights.elements, expectedW.elements) { XCTAssertEqual(x, y, accuracy: 1e-7, file: file, line: line) }
        let scale = expectedC.elements.max()!
        for (x, y) in zip(fit.activations.elements, expectedC.elements) {
            XCTAssertEqual(x, y, accuracy: 1e-7 * scale, file: file, line: line)
        }
    }

    func testCheung2020MatchesNumPy() throws { try check("nmf_trajectory_cheung2020") }
    func testCheung2020IterationCapMatchesNumPy() throws { try check("nmf_trajectory_cheung2020_capped") }
    func testSantuzMatchesNumPy() throws { try check("nmf_trajectory_santuz") }
}
