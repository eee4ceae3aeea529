import Foundation
import SynergyKit
import XCTest

/// The BTS ASCII tracks reader on the real and layout samples of Datasets/bts
/// (values against Python's csv module, Fixtures/labtext/expected.json) and the
/// bad inputs of Tests/BadInputs/bts.
final class BTSTracksTests: XCTestCase {
    static func path(_ name: String) -> String { TestPaths.datasets.appendingPathComponent("bts/\(name)").path }

    func testOneTrack() throws {
        let path = Self.path("one_track.emt")
        XCTAssertEqual(RecordingFormat.detect(try Data(contentsOf: URL(fileURLWithPath: path)), path: path), .btsEMT)
        let recording = try LabRecording.read(path: path)
        XCTAssertEqual(recording.format, .btsEMT)
        XCTAssertEqual(recording.channels.count, 1)
        let channel = recording.channels[0]
        XCTAssertEqual(channel.name, "LDA~2")
        XCTAssertEqual(channel.signal, "Voltage")
        XCTAssertEqual(channel.unit, "V")
        XCTAssertEqual(channel.sampleRate, 1000)
        XCTAssertEqual(channel.startTime, 0)
        XCTAssertEqual(channel.isEMG, true)
        XCTAssertEqual(channel.samples.count, 33780)
        XCTAssertEqual(Array(channel.samples.prefix(4)), [0, 0.006, 0.013, 0.001])
        XCTAssertEqual(Array(channel.samples.suffix(3)), [0.008, 0.002, 0.001])
        XCTAssertEqual(channel.samples.max(), 0.051)
        XCTAssertEqual(channel.samples.min(), 0)
        LabTextExpected.check(channel, try LabTextExpected.load().bts["one_track.emt"]!.channels[0])
        XCTAssertEqual(recording.events, [])
        let emg = try recording.emgRecording()
        XCTAssertEqual(emg.channelNames, ["LDA~2"])
        XCTAssertEqual(emg.units, ["V"])
        XCTAssertEqual(emg.endTime, 33.779, accuracy: 1e-9)
    }

    func testLayoutSamples() throws {
        let expected = try LabTextExpected.load().bts
        let counts = ["exp1.emt": 10, "exp2.emt": 10, "exp3.emt": 10, "exp4.emt": 10, "exp5.emt": 10, "exp2_more_frames.emt": 11]
        for (name, frames) in counts {
            let path = Self.path(name)
            XCTAssertEqual(RecordingFormat.detect(try Data(contentsOf: URL(fileURLWithPath: path)), path: path), .btsEMT, name)
            let recording = try LabRecording.read(path: path)
            let reference = try XCTUnwrap(expected[name])
            XCTAssertEqual(recording.channels.map(\.name), reference.tracks.map { String($0.dropFirst("Voltage:".count)) }, name)
            XCTAssertEqual(recording.channels.count, name == "exp4.emt" ? 1 : 2, name)
            for (channel, values) in zip(recording.channels, reference.channels) {
                XCTAssertEqual(channel.samples.count, frames, name)
                XCTAssertEqual(channel.sampleRate, 1000)
                XCTAssertEqual(channel.unit, "V")
                XCTAssertEqual(channel.isEMG, true)
                LabTextExpected.check(channel, values)
            }
        }
        let exp1 = try LabRecording.read(path: Self.path("exp1.emt"))
        XCTAssertEqual(exp1.channels.map(\.name), ["A", "B"])
        XCTAssertEqual(exp1.channels[1].samples.last, 100.10)
    }

    func testTypeStartTimeAndTrailingBlankLines() throws {
        let text = "BTS ASCII format\n\nType:         \tAnalog tracks\nMeasure unit: \tmV\n\nTracks:       \t1\n"
            + "Frequency:    \t2000 Hz\nFrames:       \t3\nStart time:   \t1.500\n\n Frame\t  Time\tVoltage:X\t\n"
            + "     0\t 1.500\t  1.0\t\n     1\t 1.500\t  2.0\t\n     2\t 1.501\t -3.5\t\n\n"
        let recording = try BTSTracks.parse(Data(text.utf8), path: "x.emt")
        XCTAssertEqual(recording.channels[0].samples, [1, 2, -3.5])
        XCTAssertEqual(recording.channels[0].startTime, 1.5)
        XCTAssertEqual(recording.channels[0].unit, "mV")
        XCTAssertEqual(recording.channels[0].isEMG, false)
    }

    func testBadInputs() throws {
        try LabTextExpected.replayBadInputs("bts") { data, path in
            _ = try LabRecording.parse(data, path: path, format: .btsEMT).emgRecording()
        }
    }
}
