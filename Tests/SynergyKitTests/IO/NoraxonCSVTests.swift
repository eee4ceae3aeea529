import Foundation
import SynergyKit
import XCTest

/// The Noraxon MR3/MR4 CSV reader on the fixtures of Datasets/noraxon (built
/// from the documented layout by Scripts/fixtures/make_lab_text_fixtures.py;
/// values against Python's csv module) and the bad inputs of Tests/BadInputs/noraxon.
final class NoraxonCSVTests: XCTestCase {
    static func path(_ name: String) -> String { TestPaths.datasets.appendingPathComponent("noraxon/\(name)").path }

    func read(_ name: String) throws -> (LabRecording, LabTextExpected.Noraxon) {
        let path = Self.path(name)
        XCTAssertEqual(RecordingFormat.detect(try Data(contentsOf: URL(fileURLWithPath: path)), path: path), .noraxonCSV, name)
        let recording = try LabRecording.read(path: path)
        XCTAssertEqual(recording.format, .noraxonCSV)
        let expected = try XCTUnwrap(try LabTextExpected.load().noraxon[name])
        XCTAssertEqual(recording.channels.count, expected.channels.count)
        for (channel, values) in zip(recording.channels, expected.channels) { LabTextExpected.check(channel, values) }
        return (recording, expected)
    }

    func testMR3KeyValueHeaderUnitsAndTextCells() throws {
        let (recording, expected) = try read("mr3_emg.csv")
        XCTAssertEqual(recording.formatVersion, "MR3 3.16.52")
        XCTAssertEqual(recording.channels.map(\.name), ["LT TIB.ANT.", "LT MED. GASTRO", "RT RECT.FEM.", "RT VASTUS LAT.",
                                                        "Accel Sensor X", "Footswitch RT"])
        XCTAssertEqual(recording.channels.map(\.unit), ["uV", "uV", "uV", "uV", "mG", "%"])
        XCTAssertEqual(recording.channels.map(\.isEMG), [true, true, true, true, false, false])
        XCTAssertEqual(recording.channels[0].sampleRate, 1500)
        XCTAssertEqual(recording.channels[0].startTime, expected.timeFirst)
        XCTAssertEqual(recording.channels[1].samples[0], 33.659)
        XCTAssertEqual(recording.channels[4].samples[1], 521.4)
        let emg = try recording.emgRecording()
        XCTAssertEqual(emg.channelNames.count, 4)
        XCTAssertEqual(emg.endTime, expected.timeLast, accuracy: 1e-6)
        XCTAssertEqual(emg.units, ["uV", "uV", "uV", "uV"])
    }

    func testMR4KeysOverValues() throws {
        let (recording, _) = try read("mr4_record.csv")
        XCTAssertEqual(recording.formatVersion, "4.0.22")
        XCTAssertEqual(recording.channels.map(\.name), ["LT BICEPS FEM.", "RT BICEPS FEM.", "LT SEMITEND.", "RT SEMITEND.", "LT Force"])
        XCTAssertEqual(recording.channels.map(\.unit), ["", "", "", "", ""])
        XCTAssertEqual(recording.channels.map(\.isEMG), [true, true, true, true, false])
        XCTAssertEqual(recording.channels[0].sampleRate, 2000)
        XCTAssertEqual(recording.channels[0].samples.count, 1000)
    }

    func testMillisecondsSemicolonsAndQuotes() throws {
        let (recording, expected) = try read("mr3_ms_semicolon.csv")
        XCTAssertEqual(recording.channels.map(\.name), ["LT GLUT.MAX.", "RT GLUT.MAX.", "LT TIB.ANT."])
        XCTAssertEqual(recording.channels.map(\.unit), ["mV", "mV", "mV"])
        XCTAssertEqual(recording.channels.map(\.isEMG), [true, true, true])
        XCTAssertEqual(recording.channels[0].sampleRate, 1000)
        XCTAssertEqual(recording.channels[0].startTime, 0)
        XCTAssertEqual(recording.channels[2].endTime, expected.timeLast, accuracy: 1e-9)
    }

    /// EMG unless the unit is not a voltage or a name word starts with a non-EMG sensor word.
    func testEMGRule() throws {
        let text = "time,Activity,Marker,LT TIB.ANT. (uV),RT GLUT.MAX.,LT TEMPORALIS (µV),ACC X (G),Accel Sensor Y (mV),"
            + "Knee (deg),RT Footswitch,GYRO Z [deg/s]\n0,,,1,2,3,4,5,6,7,8\n0.001,,,1,2,3,4,5,6,7,8\n"
        let recording = try NoraxonCSV.parse(Data(text.utf8), path: "rule.csv")
        XCTAssertEqual(recording.channels.map(\.name), ["LT TIB.ANT.", "RT GLUT.MAX.", "LT TEMPORALIS", "ACC X", "Accel Sensor Y",
                                                        "Knee", "RT Footswitch", "GYRO Z"])
        XCTAssertEqual(recording.channels.map(\.unit), ["uV", "", "µV", "G", "mV", "deg", "", "deg/s"])
        XCTAssertEqual(recording.channels.map(\.isEMG), [true, true, true, false, false, false, false, false])
        XCTAssertEqual(recording.channels[0].sampleRate, 1000)
    }

    func testBadInputs() throws {
        try LabTextExpected.replayBadInputs("noraxon") { data, path in
            _ = try LabRecording.parse(data, path: path, format: .noraxonCSV).emgRecording()
        }
    }
}
