import XCTest
@testable import SynergyKit

/// Activation profiles over the gait cycle against closed forms.
final class ActivationProfileTests: XCTestCase {
    /// A linear ramp within each cycle (value = phase of the cycle, 0…1) sampled at
    /// 100 Hz with cycles of unequal length: linear interpolation is exact for it, so
    /// every point of the mean equals its phase p/points to rounding (1e-12). (The
    /// touchdowns fall on samples and no resampled point lies in a cycle's last
    /// sample interval, where the ramp drops back to 0.)
    func testCycleMeanOfARampIsTheRamp() {
        let touchdowns = [0.5, 1.25, 1.95, 2.8, 3.5]
        let time = (0..<400).map { Double($0) / 100 }
        let ramp = time.map { t -> Double in
            guard let start = touchdowns.last(where: { $0 <= t }), let end = touchdowns.first(where: { $0 > t }) else { return 0 }
            return (t - start) / (end - start)
        }
        let points = 50
        let profile = ActivationProfile.cycleMean(ramp, time: time, touchdowns: touchdowns, points: points)!
        XCTAssertEqual(profile.count, points)
        for p in 0..<points {
            let expected = Double(p) / Double(points)
            XCTAssertEqual(profile[p], expected, accuracy: 1e-12, "point \(p)")
        }
        // Cycles outside the time axis are left out; none inside gives nil.
        XCTAssertNil(ActivationProfile.cycleMean(ramp, time: time, touchdowns: [3.5, 4.5], points: 10))
    }

    /// Per-cycle resampled activations: the mean of each point over the cycles.
    func testCycleMeanOfResampledCycles() {
        let activation: [Double] = [1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 7, 8]
        XCTAssertEqual(ActivationProfile.cycleMean(activation, pointsPerCycle: 4), [3, 4, 5, 6])
        XCTAssertNil(ActivationProfile.cycleMean(activation, pointsPerCycle: 5))
    }
}
