import Foundation
import XCTest
@testable import SynergyKit

/// DelsysCSV against the real exports of Datasets/delsys/ (expected values from
/// Python's csv module, checked against the `delsys` package, in
/// Fixtures/delsys/delsys_files.json by Scripts/fixtures/make_delsys_fixtures.py),
/// synthetic exports, and the bad inputs of Tests/BadInputs/delsys/.
/// Values and time stamps must match exactly (both sides round the printed
/// decimal correctly); rates must equal `Double(k) * 2000 / 27` exactly.
final class DelsysCSVTests: XCTestCase {
    private struct Fixture: Decodable {
        struct File: Decodable {
            var file: String
            var format: String
            var formatVersion: String
            var channels: [Channel]
            var skipped: [String]
        }
        struct Channel: Decodable {
            var name, sensor, signal, unit: String
            var k, samples: Int
            var first, last, start: Double
            var emg: Bool
            var zero_run_samples: Int?
        }
        var files: [File]
    }

    private static func fixture() throws -> Fixture {
        let url = TestPaths.fixtures.appendingPathComponent("delsys/delsys_files.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    private static func path(_ file: String) -> String {
        TestPaths.datasets.appendingPathComponent("delsys/\(file)").path
    }

    private static func trigno(_ k: Int) -> Double { Double(k) * 2000 / 27 }

    func testRealExportsMatchTheReference() throws {
        for file in try Self.fixture().files {
            let path = Self.path(file.file)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertEqual(RecordingFormat.detect(bytes, path: path).rawValue, file.format, file.file)
            let recording = try LabRecording.read(path: path)
            XCTAssertEqual(recording.format.rawValue, file.format)
            XCTAssertEqual(recording.formatVersion, file.formatVersion)
            XCTAssertEqual(recording.channels.map(\.name), file.channels.map(\.name), file.file)
            for (channel, expected) in zip(recording.channels, file.channels) {
                let label = "\(file.file): \(expected.name)"
                XCTAssertEqual(channel.sensor, expected.sensor, label)
                XCTAssertEqual(channel.signal, expected.signal, label)
                XCTAssertEqual(channel.unit, expected.unit, label)
                XCTAssertEqual(channel.sampleRate, Self.trigno(expected.k), label)
                XCTAssertEqual(channel.samples.count, expected.samples, label)
                XCTAssertEqual(channel.samples.first, expected.first, label)
                XCTAssertEqual(channel.samples.last, expected.last, label)
                XCTAssertEqual(channel.startTime, expected.start, label)
                XCTAssertEqual(channel.isEMG, expected.emg, label)
            }
            var warnings = file.channels.compactMap { channel -> String? in
                switch channel.zero_run_samples {
                case -1: "\(channel.name): every sample is exactly 0 (an empty slot?)"
                case let count? where count > 0: "\(channel.name): \(count) samples are exactly 0 (dropped samples?)"
                default: nil
                }
            }
            if !file.skipped.isEmpty {
                warnings.append("skipped \(file.skipped.count) irregularly sampled channel(s) at -1 Hz (linked devices): "
                                + file.skipped.joined(separator: ", "))
            }
            XCTAssertEqual(recording.warnings, warnings, file.file)
        }
    }

    func testSpotValuesOfTheRealExports() throws {
        let link = try LabRecording.read(path: Self.path("discover164_link.csv"))
        XCTAssertEqual(link.channels.count, 37)
        XCTAssertEqual(link.warnings.last?.hasPrefix("skipped 11 irregularly sampled channel(s)"), true)
        let old = try LabRecording.read(path: Self.path("discover142.csv"))
        let trigger = try XCTUnwrap(old.channels.last)
        XCTAssertEqual(trigger.name, "Analog 12: Analog I")
        XCTAssertEqual(trigger.sensor, "Analog 12 00125 trigger (62202)")
        XCTAssertEqual(trigger.sampleRate, 60.0 * 2000 / 27)
        XCTAssertEqual(old.channels[0].samples[0], -0.03910887312123293)  // 16 digits: through strtod
        let emgworks = try LabRecording.read(path: Self.path("emgworks.csv"))
        let emg2 = try XCTUnwrap(emgworks.channels.first { $0.name == "Avanti sensor 2: EMG 2" })
        XCTAssertEqual(emg2.samples[198], -8.224612e-06)
        XCTAssertEqual(emgworks.channels.filter { $0.isEMG == true }.count, 8)
    }

    func testEMGRecordingsOfTheRealExports() throws {
        for file in try Self.fixture().files {
            let recording = try LabRecording.read(path: Self.path(file.file))
            let emg = file.channels.filter(\.emg)
            let rates = Set(emg.map(\.k))
            if rates.count == 1 {
                let uniform = try recording.emgRecording()
                XCTAssertEqual(uniform.channelNames, emg.map(\.name), file.file)
                XCTAssertEqual(uniform.sampleRate, Self.trigno(rates.first!), file.file)
                XCTAssertEqual(uniform.channels.first?.count, emg.map(\.samples).min())
            } else {
                XCTAssertThrowsError(try recording.emgRecording(), file.file) { error in
                    let message = "\(error)"
                    XCTAssertTrue(message.contains("different sample rates: 1925.925926 Hz (Avanti sensor 1: EMG 1); "
                                                   + "1259.259259 Hz (Avanti sensor 2: EMG 2"), message)
                }
            }
            let resampled = try recording.emgRecording(resampleTo: 2000)
            XCTAssertEqual(resampled.sampleRate, 2000)
            XCTAssertEqual(resampled.channelNames, emg.map(\.name), file.file)
            // 250 samples at 1259.259 Hz are 397 at 2000 Hz (cut to the shortest channel).
            let shortest = emg.map { (Double($0.samples) * 2000 / Self.trigno($0.k)).rounded(.up) }.min()!
            XCTAssertEqual(Double(resampled.channels[0].count), shortest, accuracy: 1, file.file)
        }
    }

    /// A Discover export of `seconds` of four EMG channels at 1925.9259 Hz and
    /// an accelerometer at 148.1481 Hz (its column ending early), values
    /// printed as Swift prints doubles (shortest round trip), optionally with
    /// time columns.
    private static func discoverExport(seconds: Double, timeColumns: Bool) -> (text: String, emg: [[Double]], acc: [Double]) {
        let emgRate = 26.0 * 2000 / 27
        let accRate = 2.0 * 2000 / 27
        let count = Int(seconds * emgRate)
        let accCount = Int(seconds * accRate)
        let emg = (0..<4).map { c in
            (0..<count).map { i -> Double in
                let t = Double(i) / emgRate
                let burst = max(0, sin(2 * Double.pi * t / 1.1 + Double(c)))
                return burst * sin(Double(i) * (0.9 + 0.13 * Double(c))) * 0.05 + 1e-4 * cos(Double(i * (c + 1)))
            }
        }
        let acc = (0..<accCount).map { i in sin(Double(i) * 0.01) - 1 }
        var lines = ["Application:, Trigno Discover (1.7.0)", "Date/Time:, 1/2/2025 10:00:00 AM",
                     "Collection Length (seconds):, \(seconds)"]
        let sensors = ["EMG 01 04498 (54717)", "EMG 02 04284 (55240)", "Quattro 03 00191 (71459)", "EMG 04 00407 (71273)"]
        var sensorRow = [String]()
        var modeRow = [String]()
        var nameRow = [String]()
        var rateRow = [String]()
        for (c, sensor) in sensors.enumerated() {
            let columns = c == 0 ? 2 : 1
            sensorRow += [sensor] + Array(repeating: "", count: (timeColumns ? 2 : 1) * columns - 1)
            modeRow += ["sensor mode: 45"] + Array(repeating: "", count: (timeColumns ? 2 : 1) * columns - 1)
            nameRow += (timeColumns ? ["EMG 1 Time Series (s)"] : []) + ["EMG 1 (mV)"]
            rateRow += (timeColumns ? [""] : []) + ["1925.9259 Hz"]
            if c == 0 {
                nameRow += (timeColumns ? ["ACC X Time Series (s)"] : []) + ["ACC X (G)"]
                rateRow += (timeColumns ? [""] : []) + ["148.1481 Hz"]
            }
        }
        lines += [sensorRow, modeRow, nameRow, rateRow].map { $0.joined(separator: ", ") }
        for i in 0..<count {
            var cells = [String]()
            for c in 0..<4 {
                if timeColumns { cells.append(String(format: "%.7f", Double(i) / emgRate)) }
                cells.append("\(emg[c][i])")
                if c == 0 {
                    if timeColumns { cells.append(i < accCount ? String(format: "%.7f", Double(i) / accRate) : "") }
                    cells.append(i < accCount ? "\(acc[i])" : "")
                }
            }
            lines.append(cells.joined(separator: timeColumns ? ", " : ","))
        }
        return (lines.joined(separator: "\r\n") + "\r\n", emg, acc)
    }

    func testSyntheticDiscoverExportRoundTripsAndGivesASynergyInput() throws {
        for timeColumns in [false, true] {
            let export = Self.discoverExport(seconds: 12, timeColumns: timeColumns)
            let bytes = Data(export.text.utf8)
            XCTAssertEqual(RecordingFormat.detect(bytes, path: "synthetic.csv"), .delsysDiscover)
            let recording = try LabRecording.parse(bytes, path: "synthetic.csv", format: .delsysDiscover)
            XCTAssertEqual(recording.formatVersion, "Trigno Discover 1.7.0")
            XCTAssertEqual(recording.channels.map(\.name),
                           ["EMG 01: EMG 1", "EMG 01: ACC X", "EMG 02: EMG 1", "Quattro 03: EMG 1", "EMG 04: EMG 1"])
            XCTAssertEqual(recording.channels[1].samples, export.acc)
            XCTAssertEqual(recording.channels[1].sampleRate, 2.0 * 2000 / 27)
            XCTAssertEqual(recording.warnings, [])
            let emg = try recording.emgRecording()
            XCTAssertEqual(emg.channelNames, ["EMG 01: EMG 1", "EMG 02: EMG 1", "Quattro 03: EMG 1", "EMG 04: EMG 1"])
            XCTAssertEqual(emg.sampleRate, 26.0 * 2000 / 27)
            XCTAssertEqual(emg.channels, export.emg)
            XCTAssertEqual(emg.units, ["mV", "mV", "mV", "mV"])
            let envelope = try Preprocessor.envelope(emg, events: nil, settings: SynergyProtocol.cheung2020.preprocessing)
            XCTAssertEqual(envelope.muscles, emg.channelNames)
            XCTAssertGreaterThan(envelope.time.count, 500)
            XCTAssertTrue(envelope.data.elements.allSatisfy { $0.isFinite && $0 >= 0 })
        }
    }

    func testZeroRunsAndEmptySlotsAreReported() throws {
        let values = (0..<40).map { i -> String in (10..<22).contains(i) || i == 30 ? "0" : "\(0.01 * Double(i + 1))" }
        var lines = ["Application:, Trigno Discover (1.6.4)", "EMG 01 1 (1), EMG 02 2 (2), Analog 03 3 (3)",
                     "sensor mode: 45, sensor mode: 45, sensor mode: 41", "EMG 1 (mV), EMG 1 (mV), Analog 1 (V)",
                     "1925.9259 Hz, 1925.9259 Hz, 2222.2222 Hz"]
        lines += values.map { "\($0),0,0" }
        let recording = try DelsysCSV.parseDiscover(Data(lines.joined(separator: "\n").utf8), path: "zeros.csv")
        XCTAssertEqual(recording.warnings, ["EMG 01: EMG 1: 12 samples are exactly 0 (dropped samples?)",
                                            "EMG 02: EMG 1: every sample is exactly 0 (an empty slot?)"])
    }

    func testPrintedRatesBecomeTrignoRatesToTheirPrecision() throws {
        XCTAssertEqual(DelsysCSV.trignoRate(1259, tolerance: DelsysCSV.halfUnit("1259")), 17.0 * 2000 / 27)
        XCTAssertEqual(DelsysCSV.trignoRate(1259.2593, tolerance: DelsysCSV.halfUnit("1259.2593")), 17.0 * 2000 / 27)
        XCTAssertEqual(DelsysCSV.trignoRate(1925.926, tolerance: DelsysCSV.halfUnit("1.925926e+003")), 26.0 * 2000 / 27)
        XCTAssertEqual(DelsysCSV.trignoRate(148.1481, tolerance: DelsysCSV.halfUnit("148.1481")), 2.0 * 2000 / 27)
        XCTAssertEqual(DelsysCSV.trignoRate(1259.2, tolerance: DelsysCSV.halfUnit("1259.2")), 1259.2)  // 0.059 off: not
        XCTAssertEqual(DelsysCSV.trignoRate(1259.259, tolerance: DelsysCSV.halfUnit("1259.259")), 17.0 * 2000 / 27)
        XCTAssertEqual(DelsysCSV.trignoRate(1259.25, tolerance: DelsysCSV.halfUnit("1259.25")), 1259.25)
        XCTAssertEqual(DelsysCSV.trignoRate(2000, tolerance: DelsysCSV.halfUnit("2000")), 2000)  // 27 · 2000/27
        XCTAssertEqual(DelsysCSV.trignoRate(1000, tolerance: DelsysCSV.halfUnit("1000")), 1000)
        XCTAssertEqual(DelsysCSV.halfUnit("1.925926e+003"), 0.0005, accuracy: 1e-18)
    }

    func testEMGworksLabelBlockGivesUnitsRatesAndStart() throws {
        let names = ["Avanti sensor 1: EMG 1", "Avanti sensor 1: GYRO.X 1"]
        let emgRate = 26.0 * 2000 / 27
        let gyroRate = 2.0 * 2000 / 27
        var lines = ["Label: \(names[0]) Sampling frequency: 1.925926e+003 Number of points: 60 start: 1.500000e+000 Unit: V Domain Unit: s",
                     "Label: \(names[1]) Sampling frequency: 1.481481e+002 Number of points: 5 start: 1.500000e+000 Unit: °/s Domain Unit: s",
                     "", "X[s],\"\(names[0])\",X[s],\"\(names[1])\""]
        for i in 0..<60 {
            let emg = "\(String(format: "%.7g", 1.5 + Double(i) / emgRate)),\(Double(i) * 1e-5 - 3e-4)"
            let gyro = i < 5 ? "\(String(format: "%.7g", 1.5 + Double(i) / gyroRate)),\(Double(i) * 2.5)" : ","
            lines.append("\(emg),\(gyro)")
        }
        for encoding in [String.Encoding.utf8, .isoLatin1] {
            let bytes = try XCTUnwrap(lines.joined(separator: "\n").data(using: encoding))
            XCTAssertEqual(RecordingFormat.detect(bytes, path: "emgworks.csv"), .delsysEMGworks)
            let recording = try DelsysCSV.parseEMGworks(bytes, path: "emgworks.csv")
            XCTAssertEqual(recording.channels.map(\.name), names)
            XCTAssertEqual(recording.channels.map(\.unit), ["V", "°/s"])
            XCTAssertEqual(recording.channels.map(\.sampleRate), [emgRate, gyroRate])
            XCTAssertEqual(recording.channels.map(\.startTime), [1.5, 1.5])
            XCTAssertEqual(recording.channels.map(\.samples.count), [60, 5])
            XCTAssertEqual(recording.channels[0].samples[59], 59 * 1e-5 - 3e-4)
            XCTAssertEqual(recording.channels.map(\.isEMG), [true, false])
        }
    }

    func testClashingDiscoverNamesAreMadeUnique() throws {
        let text = """
            Application:, Trigno Discover (1.6.4)
            EMG 01 111 (1), , EMG 01 222 (2), Quattro 05 (5), , 
            sensor mode: 45, , sensor mode: 45, sensor mode: 1, , 
            EMG 1 (mV), ACC X (G), EMG 1 (mV), Analog ? (V), Analog ? (V), 
            1925.9259 Hz, 74.0741 Hz, 1925.9259 Hz, 2222.2222 Hz, 2222.2222 Hz, 
            1,2,3,4,5
            6,7,8,9,10

            """
        let recording = try DelsysCSV.parseDiscover(Data(text.utf8), path: "clash.csv")
        XCTAssertEqual(recording.channels.map(\.name), ["EMG 01 111 (1): EMG 1", "EMG 01: ACC X", "EMG 01 222 (2): EMG 1",
                                                        "Quattro 05: Analog ?", "Quattro 05: Analog ? (2)"])
        XCTAssertEqual(recording.channels.map(\.isEMG), [true, false, true, false, false])
        XCTAssertEqual(recording.channels[4].samples, [5, 10])
    }

    /// Every file of Tests/BadInputs/delsys/ is refused by both parsers with
    /// one line that starts with the file's name.
    func testBadInputsAreRefusedWithOneLineNamingTheFile() throws {
        let folder = TestPaths.repository.appendingPathComponent("Tests/BadInputs/delsys")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "csv" }
        XCTAssertGreaterThanOrEqual(files.count, 10)
        for url in files {
            let name = url.lastPathComponent
            let bytes = try Data(contentsOf: url)
            for parse in [DelsysCSV.parseEMGworks, DelsysCSV.parseDiscover] {
                XCTAssertThrowsError(try parse(bytes, name), name) { error in
                    guard let error = error as? InputError else { return XCTFail("\(name): \(error)") }
                    XCTAssertTrue(error.description.hasPrefix(name + ": "), error.description)
                    XCTAssertFalse(error.description.contains(where: \.isNewline), error.description)
                }
            }
        }
    }
}
