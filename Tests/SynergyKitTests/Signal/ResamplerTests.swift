import Foundation
import XCTest
@testable import SynergyKit

/// Polyphase resampling against `scipy.signal.resample_poly` and its Kaiser
/// filter (`scipy.signal.firwin`), from Fixtures/resample/ written by
/// Scripts/fixtures/make_resample_fixtures.py.
///
/// Tolerances: filter taps to 1e-13 of the largest tap; resampled signals to
/// 1e-11 of the input's largest magnitude, max |y − y_SciPy| ≤ 1e-11 · max |x|
/// (sums of at most ~500 products of doubles in another order).
final class ResamplerTests: XCTestCase {
    private struct Cases: Decodable {
        struct Case: Decodable { var name: String; var up: Int; var down: Int; var input: [Double]; var output: [Double] }
        var cases: [Case]
    }

    private struct Filters: Decodable {
        struct Filter: Decodable { var up: Int; var down: Int; var taps: [Double] }
        var filters: [Filter]
    }

    private static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: TestPaths.fixtures.appendingPathComponent("resample/\(name).json")))
    }

    func testKaiserFilterMatchesSciPyFirwin() throws {
        for filter in try Self.fixture("firwin_kaiser", as: Filters.self).filters {
            let top = max(filter.up, filter.down)
            let taps = PolyphaseResampler.lowPass(taps: 20 * top + 1, cutoff: 1 / Double(top))
            XCTAssertEqual(taps.count, filter.taps.count)
            let scale = filter.taps.map(abs).max()!
            for (ours, theirs) in zip(taps, filter.taps) {
                XCTAssertEqual(ours, theirs, accuracy: 1e-13 * scale, "up \(filter.up) down \(filter.down)")
            }
        }
    }

    func testResampleMatchesSciPyResamplePoly() throws {
        let cases = try Self.fixture("resample_poly", as: Cases.self).cases
        XCTAssertEqual(cases.count, 10)
        for item in cases {
            let output = PolyphaseResampler.resample(item.input, up: item.up, down: item.down)
            XCTAssertEqual(output.count, item.output.count, item.name)
            let scale = item.input.map(abs).max()!
            let worst = zip(output, item.output).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-11 * scale, item.name)
        }
    }

    /// The Delsys rates are k·2000/27 Hz: their ratios to round rates are small fractions.
    func testFactorsOfDelsysAndRoundRates() {
        let trigno = { (k: Int) in Double(k) * 2000 / 27 }
        XCTAssertTrue(PolyphaseResampler.factors(from: trigno(26), to: 2000)! == (27, 26))
        XCTAssertTrue(PolyphaseResampler.factors(from: trigno(17), to: 2000)! == (27, 17))
        XCTAssertTrue(PolyphaseResampler.factors(from: 2000, to: 1000)! == (1, 2))
        XCTAssertTrue(PolyphaseResampler.factors(from: 1000, to: 1000)! == (1, 1))
        // A rate printed to 4 decimals is not k·2000/27: no small fraction within 1e-9.
        XCTAssertNil(PolyphaseResampler.factors(from: 1925.9259, to: 2000))
        XCTAssertNil(PolyphaseResampler.factors(from: 1000, to: 1000 * Double.pi))
        XCTAssertNil(PolyphaseResampler.factors(from: 0, to: 1000))
    }

    /// A tone below both Nyquist frequencies keeps its amplitude; one above the
    /// new Nyquist is removed instead of folding back.
    func testAntiAliasing() {
        let rate = Double(26) * 2000 / 27, target = 1000.0
        let (up, down) = PolyphaseResampler.factors(from: rate, to: target)!
        func tone(_ hertz: Double) -> [Double] { (0..<20_000).map { sin(2 * Double.pi * hertz * Double($0) / rate) } }
        func rms(_ x: [Double]) -> Double {
            let middle = x[x.count / 4..<3 * x.count / 4]
            return (middle.reduce(0) { $0 + $1 * $1 } / Double(middle.count)).squareRoot()
        }
        XCTAssertEqual(rms(PolyphaseResampler.resample(tone(100), up: up, down: down)), 1 / 2.0.squareRoot(), accuracy: 1e-3)
        XCTAssertLessThan(rms(PolyphaseResampler.resample(tone(800), up: up, down: down)), 1e-3)
    }
}
