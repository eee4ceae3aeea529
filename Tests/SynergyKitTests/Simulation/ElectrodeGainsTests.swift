import Foundation
import XCTest
@testable import SynergyKit

/// Electrode gains of the simulators: every muscle's whole signal is scaled by
/// its own gain, drawn log-uniform in [1/s, s], per session unless `sameGains`.
final class ElectrodeGainsTests: XCTestCase {
    private func smallSettings() -> SimulationSettings {
        var settings = SimulationSettings()
        (settings.muscles, settings.synergies, settings.sampleRate, settings.duration) = (16, 4, 500, 8)
        return settings
    }

    private func assertWithin(_ gains: [Double], spread: Double, _ label: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(gains.count, 16, label, file: file, line: line)
        for g in gains {
            XCTAssert(g >= 1 / spread && g <= spread, "\(label): gain \(g) outside [1/\(spread), \(spread)]",
                      file: file, line: line)
        }
        // 16 log-uniform draws are not all alike: they spread over most of the range.
        XCTAssertGreaterThan(gains.max()! / gains.min()!, spread, "\(label): \(gains)", file: file, line: line)
    }

    /// Gains are within [1/s, s]; the two sessions of a pair draw their own, equal with `sameGains`.
    func testTrainingPairGains() {
        var settings = smallSettings()
        for spread in [2.0, 3.0] {
            settings.gainSpread = spread
            settings.sameGains = false
            let pair = SyntheticTrainingPair(settings)
            assertWithin(pair.novice.gains, spread: spread, "novice, s = \(spread)")
            assertWithin(pair.trained.gains, spread: spread, "trained, s = \(spread)")
            XCTAssertNotEqual(pair.novice.gains, pair.trained.gains)
            XCTAssertTrue(zip(pair.novice.gains, pair.trained.gains).allSatisfy { $0 != $1 })

            settings.sameGains = true
            let same = SyntheticTrainingPair(settings)
            XCTAssertEqual(same.novice.gains, same.trained.gains)
            // The novice session is the same recording either way.
            XCTAssertEqual(same.novice.gains, pair.novice.gains)
            XCTAssertEqual(same.novice.recording.channels, pair.novice.recording.channels)
        }
        settings.gainSpread = 1
        settings.sameGains = false
        let unscaled = SyntheticTrainingPair(settings)
        XCTAssertEqual(unscaled.novice.gains, [Double](repeating: 1, count: 16))
        XCTAssertEqual(unscaled.trained.gains, [Double](repeating: 1, count: 16))
    }

    /// Muscle i's recording is gᵢ × the recording of the same seed without gains (s = 1), to
    /// 1e-12 relative: the gains scale everything (EMG, noise, hum, drift) and draw from a
    /// stream of their own, so strides and noise are unchanged.
    func testGainsScaleTheWholeSignal() {
        var settings = smallSettings()
        settings.seed = 11
        let scaled = SyntheticRecording(settings)
        settings.gainSpread = 1
        let plain = SyntheticRecording(settings)
        XCTAssertEqual(plain.gains, [Double](repeating: 1, count: 16))
        XCTAssertEqual(scaled.events.touchdowns, plain.events.touchdowns)
        XCTAssertEqual(scaled.weights.elements, plain.weights.elements)
        var worst = 0.0
        for i in 0..<16 {
            let g = scaled.gains[i]
            for (x, y) in zip(scaled.recording.channels[i], plain.recording.channels[i]) {
                worst = max(worst, abs(x - g * y) / max(abs(g * y), .leastNormalMagnitude))
            }
        }
        XCTAssertLessThanOrEqual(worst, 1e-12)
        // Deterministic: the same settings draw the same gains and signal.
        settings.gainSpread = 2
        let again = SyntheticRecording(settings)
        XCTAssertEqual(again.gains, scaled.gains)
        XCTAssertEqual(again.recording.channels, scaled.recording.channels)
    }

    /// A study's sessions draw their own gains; with `sameGains` a subject's sessions share one set.
    func testStudyGains() {
        var settings = SyntheticStudy.Settings()
        settings.recording = smallSettings()
        (settings.groups, settings.subjectsPerGroup, settings.timePoints) = (2, 2, 2)
        let study = SyntheticStudy(settings)
        for session in study.sessions { assertWithin(session.gains, spread: 2, "\(session.subject) \(session.session)") }
        for subject in Set(study.sessions.map(\.subject)) {
            let own = study.sessions.filter { $0.subject == subject }.map(\.gains)
            XCTAssertEqual(own.count, 2)
            XCTAssertNotEqual(own[0], own[1], subject)
        }
        XCTAssertEqual(study.sessions[0].recording.gains, study.sessions[0].gains)
        settings.recording.sameGains = true
        let same = SyntheticStudy(settings)
        for subject in Set(same.sessions.map(\.subject)) {
            let own = same.sessions.filter { $0.subject == subject }.map(\.gains)
            XCTAssertEqual(own[0], own[1], subject)
        }
        XCTAssertNotEqual(same.sessions[0].gains, same.sessions[2].gains, "subjects draw their own gains")
        // Only the gains change: the sessions' strides and noise seeds are the same.
        XCTAssertEqual(same.sessions.map(\.settings.seed), study.sessions.map(\.settings.seed))
    }

    func testGainSpreadMustBeFiniteAndAtLeastOne() {
        var settings = SimulationSettings()
        for bad in [0.5, 0.999, 0, -2, .nan, .infinity] {
            settings.gainSpread = bad
            XCTAssertNotNil(settings.problem, "\(bad)")
        }
        for good in [1.0, 2, 10] {
            settings.gainSpread = good
            XCTAssertNil(settings.problem, "\(good)")
        }
    }
}
