import Foundation
import XCTest
import SynergyKit

final class PreprocessingTests: XCTestCase {
    private let rawPath = TestPaths.datasets.appendingPathComponent("musclesyneRgies/RAW_EMG_ID0012_TW_01.csv").path
    private let cyclesPath = TestPaths.datasets.appendingPathComponent("musclesyneRgies/CYCLES_ID0012_TW_01.csv").path

    private func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    /// The santuz chain on the package's raw trial reproduces the package's own
    /// filtered, time-normalised output (3 cycles × 200 points): correlation
    /// ≥ 0.9999 per muscle and largest absolute difference ≤ 1e-6 (of a 0…1 signal).
    func testSantuzChainReproducesMusclesyneRgiesFilteredTrial() throws {
        var session = SessionInput(path: rawPath, kind: .raw)
        session.events = .csv(path: cyclesPath)
        let envelope = try session.envelope(settings: SynergyProtocol.santuz.preprocessing)
        // Its first column counts 1…200 within each cycle, so read it as plain rows.
        let lines = try String(contentsOf: TestPaths.datasets.appendingPathComponent(
            "musclesyneRgies/FILT_EMG_ID0012_TW_01.csv"), encoding: .utf8).split(separator: "\n")
        let rows = lines.dropFirst().map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
        XCTAssertEqual(envelope.muscles, lines[0].split(separator: ",").dropFirst().map(String.init))
        XCTAssertEqual(rows.count, 600)
        XCTAssertEqual(envelope.data.columns, 600)
        XCTAssertEqual(envelope.time, (1...600).map(Double.init))
        for (i, muscle) in envelope.muscles.enumerated() {
            let ours = (0..<600).map { envelope.data[i, $0] }, theirs = rows.map { $0[i] }
            XCTAssertGreaterThanOrEqual(correlation(ours, theirs), 0.9999, muscle)
            XCTAssertLessThanOrEqual(zip(ours, theirs).map { abs($0 - $1) }.max()!, 1e-6, muscle)
        }
    }

    /// The cheung2020 chain against SciPy (firwin + filtfilt, 20 ms bins, unit
    /// variance; Scripts/fixtures/make_preprocessing_fixtures.py): every bin within
    /// 1e-9 of a unit-variance signal.
    func testCheung2020ChainMatchesSciPy() throws {
        struct Fixture: Decodable { let muscles: [String]; let time: [Double]; let envelope: [[Double]] }
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf:
            TestPaths.fixtures.appendingPathComponent("preprocessing/cheung2020_ID0012.json")))
        let envelope = try SessionInput(path: rawPath, kind: .raw).envelope(settings: SynergyProtocol.cheung2020.preprocessing)
        XCTAssertEqual(envelope.muscles, fixture.muscles)
        XCTAssertEqual(envelope.timeHeader, "time_s")
        XCTAssertEqual(envelope.time.count, fixture.time.count)
        for (t, expected) in fixture.time.enumerated() { XCTAssertEqual(envelope.time[t], expected, accuracy: 1e-12) }
        for (i, row) in fixture.envelope.enumerated() {
            let worst = row.indices.map { abs(envelope.data[i, $0] - row[$0]) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-9, fixture.muscles[i])
        }
    }

    func testSharedScaleAcrossSessionsKeepsRelativeAmplitude() throws {
        // The same trial at half the amplitude: per session both normalise to the
        // same envelope; on a shared scale the second is half the first.
        var recording = try SessionInput(path: rawPath, kind: .raw).recording(at: rawPath)
        var half = recording
        half.channels = half.channels.map { $0.map { $0 / 2 } }
        let settings = SynergyProtocol.cheung2020.preprocessing
        let full = try Preprocessor.envelope(recording, events: nil, settings: settings, pooledWith: [half])
        let halved = try Preprocessor.envelope(half, events: nil, settings: settings, pooledWith: [recording])
        for index in full.data.elements.indices {
            XCTAssertEqual(halved.data.elements[index], full.data.elements[index] / 2, accuracy: 1e-9)
        }
        recording.channels[3] = [Double](repeating: 1.5, count: recording.sampleCount)
        XCTAssertThrowsError(try Preprocessor.envelope(recording, events: nil, settings: settings)) { error in
            XCTAssertEqual("\(error)", "channel 'RF' is flat (every sample is 1.5)")
        }
        // A dead channel with one rounding-level blip: not constant, but nothing survives filtering.
        recording.channels[3][1000] = 1.5 + 1e-12
        XCTAssertThrowsError(try Preprocessor.envelope(recording, events: nil, settings: settings)) { error in
            XCTAssertTrue("\(error)".hasPrefix("channel 'RF' is flat after filtering"), "\(error)")
        }
        // Samples whose squares overflow, or vanish, are refused before filtering.
        recording.channels[3] = recording.channels[0].map { $0 * 1e300 }
        XCTAssertThrowsError(try Preprocessor.envelope(recording, events: nil, settings: settings)) { error in
            XCTAssertTrue("\(error)".hasPrefix("channel 'RF' overflows: its samples reach "), "\(error)")
        }
        recording.channels[3] = recording.channels[0].map { $0 * 1e-300 }
        XCTAssertThrowsError(try Preprocessor.envelope(recording, events: nil, settings: settings)) { error in
            XCTAssertTrue("\(error)".hasPrefix("channel 'RF' underflows: its samples reach only "), "\(error)")
        }
    }

    func testCycleResamplingFollowsMusclesyneRgiesIndexing() {
        // 10 Hz samples 0, 1, 2, … at t = 0, 0.1, …: the phase 0.25 s … 0.6 s takes
        // samples 3…5 (first at or after 0.25; the one before the first at or after 0.6).
        let x = (0..<20).map(Double.init)
        let events = GaitEvents(touchdowns: [0.25, 1.05], liftoffs: [0.6])
        let y = CycleNormalisation.resample(x, sampleRate: 10, startTime: 0, events: events, cycles: 0..<1,
                                            pointsPerPhase: [5, 3])
        XCTAssertEqual(Array(y[0..<5]), [3, 3.5, 4, 4.5, 5])
        XCTAssertEqual(Array(y[5..<8]), [6, 8, 10])
        XCTAssertNil(events.problem(start: 0, end: 1.9))
        XCTAssertEqual(events.problem(start: 0, end: 1.0), "touchdown 2 at 1.05 s is outside the recording (0.0–1.0 s)")
        XCTAssertNotNil(GaitEvents(touchdowns: [0.5, 0.4]).problem(start: 0, end: 1))
        XCTAssertNotNil(GaitEvents(touchdowns: [0.1, 0.5], liftoffs: [0.7]).problem(start: 0, end: 1))
        let stanceAndSwing = CycleSettings(pointsPerPhase: [5, 3], dropFirstAndLast: false)
        XCTAssertNil(events.problem(cutting: stanceAndSwing))
        XCTAssertEqual(GaitEvents(touchdowns: [0.25, 1.05]).problem(cutting: stanceAndSwing), .liftoffsNeeded)
        XCTAssertEqual(events.problem(cutting: CycleSettings(pointsPerPhase: [8], dropFirstAndLast: true)),
                       .noCyclesLeft(cycles: 1))
        XCTAssertEqual(SettingProblem.noCyclesLeft(cycles: 1).description,
                       "1 gait cycle(s) leave none once the first and last are dropped")
    }

    func testBinsStayOnTheTimeGrid() {
        XCTAssertEqual(EnvelopeSteps.binStarts(count: 65, sampleRate: 1000, width: 0.020), [0, 20, 40, 60])
        // 1500 Hz × 20 ms = 30 samples; 1111 Hz × 20 ms = 22.22: bins of 22 or 23 samples.
        XCTAssertEqual(EnvelopeSteps.binStarts(count: 90, sampleRate: 1500, width: 0.020), [0, 30, 60, 90])
        XCTAssertEqual(EnvelopeSteps.binStarts(count: 70, sampleRate: 1111, width: 0.020), [0, 22, 44, 67])
        XCTAssertEqual(EnvelopeSteps.binMeans([1, 2, 3, 4, 5, 6], starts: [0, 2, 5]), [1.5, 4])
    }
}
