import Foundation
import SynergyKit
import XCTest

/// The EDF/BDF reader against what pyedflib reads (and MNE confirms) of files
/// written by pyedflib and by the Swift writer (Fixtures/edf/, made by
/// Scripts/fixtures/make_edf_fixtures.py), the writer through the reader, and
/// the reader's errors on the bad-input corpus (Tests/BadInputs/edf/).
///
/// Physical values must agree to 1e-9 of the channel's physical range: both
/// sides apply the same linear scaling to the same integers, only in a
/// different order of floating-point operations.
final class EDFFileTests: XCTestCase {
    static let fixtures = TestPaths.fixtures.appendingPathComponent("edf")
    static let badInputs = TestPaths.repository.appendingPathComponent("Tests/BadInputs")

    struct Expected: Decodable {
        struct Channel: Decodable {
            var label: String, transducer: String, unit: String, rate: Double
            var count: Int, first: Double, last: Double, sum: Double, minimum: Double, maximum: Double
            var indices: [Int], values: [Double]
        }
        struct Annotation: Decodable { var onset: Double, text: String }
        struct File: Decodable {
            var file: String, formatVersion: String
            var channels: [Channel], annotations: [Annotation]
        }
        var files: [File]
    }

    static func expected() throws -> Expected {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Expected.self, from: Data(contentsOf: fixtures.appendingPathComponent("expected.json")))
    }

    static func format(of name: String) -> RecordingFormat { name.hasSuffix(".bdf") ? .bdf : .edf }

    static func read(_ name: String) throws -> LabRecording {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try EDFFile.parse(data, path: name, format: format(of: name))
    }

    // MARK: Against pyedflib and MNE

    func testEveryFixtureMatchesPyedflib() throws {
        let expected = try Self.expected()
        XCTAssertEqual(expected.files.count, 5)
        for file in expected.files {
            let recording = try Self.read(file.file)
            XCTAssertEqual(recording.format, Self.format(of: file.file))
            XCTAssertEqual(recording.formatVersion, file.formatVersion, file.file)
            XCTAssertEqual(recording.channels.map(\.name), file.channels.map(\.label), file.file)
            for (channel, reference) in zip(recording.channels, file.channels) {
                let place = "\(file.file) \(channel.name)"
                XCTAssertEqual(channel.signal, reference.transducer, place)
                XCTAssertEqual(channel.unit, reference.unit, place)
                XCTAssertEqual(channel.sampleRate, reference.rate, place)
                XCTAssertEqual(channel.startTime, 0)
                XCTAssertEqual(channel.samples.count, reference.count, place)
                let span = reference.maximum - reference.minimum
                for (index, value) in zip(reference.indices, reference.values) {
                    XCTAssertEqual(channel.samples[index], value, accuracy: 1e-9 * span, "\(place) sample \(index)")
                }
                XCTAssertEqual(channel.samples.first!, reference.first, accuracy: 1e-9 * span, place)
                XCTAssertEqual(channel.samples.last!, reference.last, accuracy: 1e-9 * span, place)
                XCTAssertEqual(channel.samples.min()!, reference.minimum, accuracy: 1e-9 * span, place)
                XCTAssertEqual(channel.samples.max()!, reference.maximum, accuracy: 1e-9 * span, place)
                XCTAssertEqual(channel.samples.reduce(0, +), reference.sum, accuracy: 1e-9 * span * Double(reference.count), place)
            }
            XCTAssertEqual(recording.events.map { $0.context.isEmpty ? $0.label : "\($0.context) \($0.label)" },
                           file.annotations.map(\.text), file.file)
            for (event, annotation) in zip(recording.events, file.annotations) {
                XCTAssertEqual(event.time, annotation.onset, accuracy: 1e-9, file.file)
            }
        }
    }

    func testMixedRatesKindsAndEvents() throws {
        for name in ["mixed_rates.edf", "mixed_rates.bdf"] {
            let recording = try Self.read(name)
            XCTAssertEqual(recording.channels.map(\.sampleRate), [2000, 2000, 1000, 148], name)
            // 'EMG' in the label (EMG TA, EMG GM) or the transducer (SOL); the accelerometer is not EMG.
            XCTAssertEqual(recording.channels.map(\.isEMG), [true, true, true, false], name)
            XCTAssertEqual(recording.warnings, [])
            let events = recording.events.map { "\($0.context)|\($0.label)|\($0.time)" }
            XCTAssertEqual(events, ["Right|Foot Strike|0.25", "Left|Foot Strike|0.55", "Right|Foot Off|0.65",
                                    "Left|Foot Off|1.05", "Right|Foot Strike|1.25", "|Foot Strike|1.5",
                                    "|Marker lost|1.75"], name)
            XCTAssertThrowsError(try recording.emgRecording()) { error in
                XCTAssertTrue("\(error)".contains("different sample rates: 2000 Hz (EMG TA, EMG GM); 1000 Hz (SOL)"), "\(error)")
            }
            let emg = try recording.emgRecording(resampleTo: 2000)
            XCTAssertEqual(emg.channelNames, ["EMG TA", "EMG GM", "SOL"])
            XCTAssertEqual(emg.sampleCount, 4000)
            XCTAssertEqual(emg.format, Self.format(of: name))
            let gait = try GaitEventsSource.parse("\(Self.format(of: name).rawValue):Right").events(for: emg)
            XCTAssertEqual(gait.touchdowns, [0.25, 1.25])
            XCTAssertEqual(gait.liftoffs, [0.65])
            XCTAssertThrowsError(try GaitEventsSource.parse("file").events(for: emg)) { error in
                XCTAssertTrue("\(error)".contains("events in several contexts (, Left, Right)"), "\(error)")
            }
        }
    }

    func testPlainEDFWithoutEMGLeavesTheKindOpen() throws {
        let recording = try Self.read("plain.edf")
        XCTAssertEqual(recording.formatVersion, "EDF")
        XCTAssertEqual(recording.channels.map(\.name), ["Force", "Trigger"])
        XCTAssertEqual(recording.channels.map(\.isEMG), [nil, nil])
        XCTAssertEqual(recording.channels.map(\.sampleRate), [500, 100])
        XCTAssertEqual(recording.events, [])
        XCTAssertEqual(try recording.emgRecording(names: ["Force"]).sampleCount, 1000)
    }

    func testDetectionAndTheExampleDataset() throws {
        let path = TestPaths.datasets.appendingPathComponent("edf/example_emg.edf").path
        let recording = try LabRecording.read(path: path)
        XCTAssertEqual(recording.format, .edf)
        XCTAssertEqual(recording.channels, try Self.read("mixed_rates.edf").channels)
        let bdf = try Data(contentsOf: Self.fixtures.appendingPathComponent("mixed_rates.bdf"))
        XCTAssertEqual(RecordingFormat.detect(bdf, path: "x"), .bdf)
    }

    /// The Swift-written fixtures (from `synergy simulate --format edf|bdf`) read back as EMG with their gait events.
    func testSwiftWrittenFixturesReadAsEMGWithEvents() throws {
        for name in ["swift_written.edf", "swift_written.bdf"] {
            let recording = try Self.read(name)
            XCTAssertEqual(recording.formatVersion, name.hasSuffix(".edf") ? "EDF+C" : "BDF+C")
            XCTAssertEqual(recording.channels.count, 4)
            XCTAssertTrue(recording.channels.allSatisfy { $0.isEMG == true && $0.sampleRate == 1000 && $0.signal == "EMG" })
            let emg = try recording.emgRecording()
            XCTAssertEqual(emg.sampleCount, 3000)
            let gait = try GaitEventsSource.parse("file").events(for: emg)
            XCTAssertGreaterThanOrEqual(gait.touchdowns.count, 2)
            XCTAssertEqual(Set(recording.events.map(\.context)), ["Right"])
        }
    }

    // MARK: Writer through reader

    /// Three channels of very different scales and a flat one, 2.5 s at 1000 Hz
    /// (so the last 1-s record is padded), events of both sides and none.
    static func sample(rate: Double = 1000, seconds: Double = 2.5) -> EMGRecording {
        let count = Int(rate * seconds)
        let time = (0..<count).map(Double.init)
        let ta = time.map { (x: Double) -> Double in sin(x * 0.37) * 812.3 + cos(x * 0.011) * 40 }
        let gm = time.map { (x: Double) -> Double in 0.0013 * sin(x * 0.05) + 0.0002 }
        let flat = [Double](repeating: 3.25, count: count)
        let huge = time.map { (x: Double) -> Double in x.truncatingRemainder(dividingBy: 97) * 1.5e5 - 7e6 }
        let channels = [ta, gm, flat, huge]
        var recording = EMGRecording(path: "round_trip.edf", sha256: "", channelNames: ["TA", "GM", "Flat", "Huge"],
                                     sampleRate: rate, startTime: 0, channels: channels, events: [
                                         RecordingEvent(label: "Foot Strike", context: "Right", time: 0.1),
                                         RecordingEvent(label: "Foot Off", context: "left", time: 0.7),
                                         RecordingEvent(label: "Foot Strike", context: "Right", time: 1.2345678),
                                         RecordingEvent(label: "Marker lost", context: "", time: 2.4999),
                                     ])
        recording.units = ["uV", "mV", "V", "uV"]
        return recording
    }

    func testRoundTripWithinHalfAQuantisationStep() throws {
        let recording = Self.sample()
        for format in [RecordingFormat.edf, .bdf] {
            let data = try EDFFile.encode(recording, format: format)
            let read = try EDFFile.parse(data, path: "round_trip", format: format)
            XCTAssertEqual(read.formatVersion, format == .edf ? "EDF+C" : "BDF+C")
            XCTAssertEqual(read.channels.map(\.name), recording.channelNames)
            XCTAssertEqual(read.channels.map(\.unit), recording.units)
            XCTAssertTrue(read.channels.allSatisfy { $0.isEMG == true && $0.sampleRate == 1000 })
            let steps = format == .edf ? 65535.0 : 16_777_215.0
            let header = [UInt8](data)
            func number(_ field: Int, _ signal: Int) -> Double {
                let start = 256 + field * 5 + signal * 8  // 5 signals; fields of 8 bytes after label, transducer, unit
                return Double(String(decoding: header[start..<(start + 8)], as: UTF8.self)
                    .trimmingCharacters(in: .whitespaces))!
            }
            for (i, (channel, original)) in zip(read.channels, recording.channels).enumerated() {
                // Whole records: 3000 samples, the last 500 repeating the last value.
                XCTAssertEqual(channel.samples.count, 3000)
                let (physicalMinimum, physicalMaximum) = (number(16 + 80 + 8, i), number(16 + 80 + 16, i))
                XCTAssertLessThanOrEqual(physicalMinimum, original.min()!)
                XCTAssertGreaterThanOrEqual(physicalMaximum, original.max()!)
                let step = (physicalMaximum - physicalMinimum) / steps
                let padded = original + Array(repeating: original.last!, count: 500)
                let worst = zip(channel.samples, padded).map { abs($0 - $1) }.max()!
                // Half a step, plus the rounding of doubles near the limits.
                let rounding = 1e-12 * max(abs(physicalMinimum), abs(physicalMaximum))
                XCTAssertLessThanOrEqual(worst, step / 2 + rounding, "\(format) \(channel.name)")
            }
            let events = read.events.map { "\($0.context)|\($0.label)" }
            XCTAssertEqual(events, ["Right|Foot Strike", "Left|Foot Off", "Right|Foot Strike", "|Marker lost"])
            for (event, original) in zip(read.events, recording.events) {
                XCTAssertEqual(event.time, original.time, accuracy: 1e-9)
            }
        }
    }

    func testNonIntegerRateGetsALongerRecord() throws {
        let rate = 58000.0 / 27  // 2148.148… Hz (Delsys Trigno): 58000 samples in 27 s
        var recording = Self.sample(rate: rate, seconds: 0.5)
        recording.events = []
        let read = try EDFFile.parse(try EDFFile.encode(recording, format: .edf), path: "x", format: .edf)
        XCTAssertEqual(read.channels[0].sampleRate, rate, accuracy: 1e-9 * rate)
        XCTAssertEqual(read.channels[0].samples.count, 58000)
    }

    func testAnnotationContextRule() throws {
        var recording = Self.sample(seconds: 1)
        recording.events = ["right foot off", "Rightmost step", "Left", "LEFT  Foot Strike"].enumerated().map {
            RecordingEvent(label: $0.element, context: "", time: 0.1 * Double($0.offset))
        }
        let read = try EDFFile.parse(try EDFFile.encode(recording, format: .edf), path: "x", format: .edf)
        XCTAssertEqual(read.events.map { "\($0.context)|\($0.label)" },
                       ["Right|foot off", "|Rightmost step", "|Left", "Left|Foot Strike"])
    }

    func testWriterRefusesWhatItCannotWriteFaithfully() throws {
        func refusal(_ change: (inout EMGRecording) -> Void, format: RecordingFormat = .edf) -> String {
            var recording = Self.sample(seconds: 1)
            change(&recording)
            do {
                _ = try EDFFile.encode(recording, format: format)
                return "written"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(refusal { $0.events[0].context = "General" }.contains("has context 'General'"))
        XCTAssertTrue(refusal { $0.channelNames[0] = "Tibialis anterior L" }.contains("'Tibialis anterior L' is not 1 to 16"))
        XCTAssertTrue(refusal { $0.channelNames[1] = "ta" }.contains("channel name 'ta'"))
        XCTAssertTrue(refusal { $0.channels[2][5] = .nan }.contains("sample 6 (nan) of channel 'Flat' is not finite"))
        XCTAssertTrue(refusal { $0.channels[3][5] = 1e9 }.contains("do not fit the 8-character physical minimum and maximum"))
        XCTAssertTrue(refusal { $0.sampleRate = 1000 * Double.pi }.contains("no record of 1 to 100 s holds a whole number"))
        XCTAssertTrue(refusal({ _ in }, format: .c3d).hasPrefix("round_trip.edf: cannot be written as C3D by the EDF writer"))
    }

    // MARK: Bad input

    /// Every file of Tests/BadInputs/edf/ is refused by the parser (in the
    /// format of its extension) with one line that starts with its name and
    /// holds the fragment of its row in cases.tsv.
    func testBadInputCorpusIsRefusedWithOneLine() throws {
        let folder = Self.badInputs.appendingPathComponent("edf")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10)
        let table = try String(contentsOf: Self.badInputs.appendingPathComponent("cases.tsv"), encoding: .utf8)
        var fragments = [String: String]()
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t").map(String.init)
            if fields.count == 3, fields[0].hasPrefix("edf/") { fragments[String(fields[0].dropFirst(4))] = fields[2] }
        }
        XCTAssertEqual(Set(fragments.keys), Set(names))
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            do {
                let recording = try EDFFile.parse(data, path: name, format: Self.format(of: name))
                XCTFail("\(name) was read: \(recording.channels.count) channels")
            } catch let error as InputError {
                let message = error.description
                XCTAssertTrue(message.hasPrefix(name + ": "), message)
                XCTAssertFalse(message.contains(where: \.isNewline), message)
                let fragment = fragments[name] ?? "?"
                if case .otherEDFVariant(_, _, let actual)? = error.setting {
                    // The row's fragment is the command line's wording, which adds the flag to the format found.
                    XCTAssertTrue(fragment.hasSuffix("file: give --format \(actual.rawValue))"), "\(message) / \(fragment)")
                } else {
                    XCTAssertTrue(message.contains(fragment), "\(message) lacks '\(fragment)'")
                }
            }
        }
    }

    // MARK: Speed

    /// A 10-minute, 16-channel, 2 kHz recording reads from EDF within twice the time it reads from C3D.
    func testReadsAsFastAsC3D() throws {
        let count = 600 * 2000
        let channels = (0..<16).map { (c: Int) -> [Double] in
            (0..<count).map { (n: Int) -> Double in sin(Double(n * (c + 1)) * 0.001) * 500 }
        }
        let recording = EMGRecording(path: "speed", sha256: "", channelNames: (1...16).map { "EMG\($0)" },
                                     sampleRate: 2000, startTime: 0, channels: channels)
        let edf = try EDFFile.encode(recording, format: .edf)
        let c3d = try C3DFile.encode(recording, samplesPerFrame: 20)
        func fastest(_ read: () throws -> Void) rethrows -> Double {
            var best = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                try read()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return best
        }
        let edfTime = try fastest { XCTAssertEqual(try EDFFile.parse(edf, path: "speed.edf", format: .edf).channels.count, 16) }
        let c3dTime = try fastest { XCTAssertEqual(try LabRecording.parse(c3d, path: "speed.c3d", format: .c3d).channels.count, 16) }
        print("EDF read \(edfTime) s, C3D read \(c3dTime) s (10 min × 16 channels × 2 kHz)")
        XCTAssertLessThanOrEqual(edfTime, 2 * c3dTime)
    }
}
