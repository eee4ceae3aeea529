import Foundation
import SynergyKit
import XCTest

/// The C3D reader against values read by the Python packages `c3d` and
/// `ezc3d` (Fixtures/c3d/, made by Scripts/fixtures/make_c3d_fixtures.py), its
/// errors on damaged files, and the writer through the reader.
final class C3DFileTests: XCTestCase {
    static let fixtures = TestPaths.fixtures.appendingPathComponent("c3d")
    static let realFile = TestPaths.datasets.appendingPathComponent("pyomeca/markers_analogs.c3d").path

    struct Reference: Decodable {
        struct Sample: Decodable { var channel: Int, index: Int, value: Double }
        var sha256: String
        var firstFrame: Int, frameCount: Int, sampleCount: Int
        var analogRate: Double, pointRate: Double
        var labels: [String], units: [String]
        var samples: [Sample]
        var sums: [Double], absoluteSums: [Double], means: [Double]
    }

    struct Expected: Decodable {
        struct Event: Decodable { var label: String, context: String, time: Double }
        var processor: String
        var labels: [String], descriptions: [String], units: [String]
        var analogRate: Double, pointRate: Double
        var firstFrame: Int, frameCount: Int
        var analog: [[Double]]
        var events: [Event]
    }

    static func json<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    func assertClose(_ actual: Double, _ expected: Double, relative: Double = 1e-9, _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(actual - expected), relative * max(abs(actual), abs(expected)),
                                 "\(message): \(actual) vs \(expected)", file: file, line: line)
    }

    // MARK: The real file

    func testRealFileMatchesIndependentReaders() throws {
        let reference = try Self.json("markers_analogs.json", as: Reference.self)
        let file = try C3DFile.read(path: Self.realFile)
        XCTAssertEqual(file.sha256, reference.sha256)
        XCTAssertEqual(file.processor, .intel)
        XCTAssertEqual(file.analogLabels, reference.labels)
        XCTAssertTrue(file.analogLabels.contains("Delt_ant.EMG1"))
        XCTAssertEqual(file.analogUnits, reference.units)
        XCTAssertEqual(file.analogRate, reference.analogRate)
        XCTAssertEqual(file.pointRate, reference.pointRate)
        XCTAssertEqual(file.firstFrame, reference.firstFrame)
        XCTAssertEqual(file.frameCount, reference.frameCount)
        XCTAssertEqual(file.samplesPerFrame, 20)
        XCTAssertEqual(file.analog.count, 38)
        XCTAssertEqual(file.analog.map(\.count), Array(repeating: reference.sampleCount, count: 38))
        XCTAssertEqual(file.events, [])
        for sample in reference.samples {
            assertClose(file.analog[sample.channel][sample.index], sample.value,
                        "channel \(sample.channel) sample \(sample.index)")
        }
        for (channel, values) in file.analog.enumerated() {
            // Sums can cancel to near zero: bound the error by the sum of magnitudes.
            let sum = values.reduce(0, +)
            XCTAssertLessThanOrEqual(abs(sum - reference.sums[channel]), 1e-9 * reference.absoluteSums[channel],
                                     "sum of channel \(channel)")
            XCTAssertLessThanOrEqual(abs(sum / Double(values.count) - reference.means[channel]),
                                     1e-9 * reference.absoluteSums[channel] / Double(values.count),
                                     "mean of channel \(channel)")
            assertClose(values.reduce(0) { $0 + abs($1) }, reference.absoluteSums[channel], "|sum| of channel \(channel)")
        }

        let recording = file.recording
        XCTAssertEqual(recording.path, Self.realFile)
        XCTAssertEqual(recording.sha256, reference.sha256)
        XCTAssertEqual(recording.channelNames, reference.labels)
        XCTAssertEqual(recording.sampleRate, 2000)
        XCTAssertEqual(recording.startTime, 0)
        XCTAssertEqual(recording.sampleCount, 11600)
        XCTAssertEqual(recording.channels, file.analog)
    }

    // MARK: Generated files: every processor and storage

    func testGeneratedFilesMatchExpectedValues() throws {
        let all = try Self.json("generated.json", as: [String: Expected].self)
        let names = ["intel_float", "intel_int", "dec_float", "dec_int", "mips_float", "mips_int", "intel_unsigned"]
        XCTAssertEqual(Set(all.keys), Set(names))
        for name in names {
            let expected = try XCTUnwrap(all[name])
            let path = Self.fixtures.appendingPathComponent("\(name).c3d").path
            let file = try C3DFile.read(path: path)
            XCTAssertEqual(file.processor, C3DFile.Processor(expected.processor), name)
            XCTAssertEqual(file.analogLabels, expected.labels, name)
            XCTAssertEqual(file.analogDescriptions, expected.descriptions, name)
            XCTAssertEqual(file.analogUnits, expected.units, name)
            XCTAssertEqual(file.analogRate, expected.analogRate, name)
            XCTAssertEqual(file.pointRate, expected.pointRate, name)
            XCTAssertEqual(file.firstFrame, expected.firstFrame, name)
            XCTAssertEqual(file.frameCount, expected.frameCount, name)
            XCTAssertEqual(file.analog.count, expected.analog.count, name)
            for (channel, (values, reference)) in zip(file.analog, expected.analog).enumerated() {
                XCTAssertEqual(values.count, reference.count, name)
                for (index, (value, target)) in zip(values, reference).enumerated() {
                    assertClose(value, target, "\(name) channel \(channel) sample \(index)")
                }
            }
            XCTAssertEqual(file.events.map(\.label), expected.events.map(\.label), name)
            XCTAssertEqual(file.events.map(\.context), expected.events.map(\.context), name)
            for (event, target) in zip(file.events, expected.events) {
                assertClose(event.time, target.time, "\(name) event \(target.label)")
            }
        }
    }

    func testRecordingStartsAtFirstFrameAndKeepsEventsInTimeOrder() throws {
        let recording = try C3DFile.read(path: Self.fixtures.appendingPathComponent("dec_float.c3d").path).recording
        XCTAssertEqual(recording.startTime, 0.1, accuracy: 1e-15)  // first frame 11 at 100 Hz
        XCTAssertEqual(recording.sampleRate, 200)
        XCTAssertEqual(recording.channelNames, ["TA.EMG1", "SOL.EMG2", "VL.EMG3"])
        XCTAssertEqual(recording.sampleCount, 300)
        XCTAssertEqual(recording.events.map { "\($0.context) \($0.label)" },
                       ["Right Foot Off", "Left Foot Strike", "Left Foot Off", "Right Foot Strike"])
        XCTAssertEqual(recording.events.map(\.time), recording.events.map(\.time).sorted())
        // A stored zero (all-zero bytes in DEC too) on channel 2: (0 − offset 2) × scale 0.25 × GEN_SCALE 0.8.
        XCTAssertEqual(recording.channels[1][7], -2 * (0.25 * Double(Float(0.8))))
    }

    // MARK: Bad input

    /// Parses `bytes` and returns the problem of the InputError it must throw.
    func problem(_ bytes: [UInt8], path: String = "damaged.c3d", file: StaticString = #filePath,
                 line: UInt = #line) -> String {
        do {
            let parsed = try C3DFile.parse(bytes, path: path)
            XCTFail("parsed \(parsed.frameCount) frames instead of throwing", file: file, line: line)
        } catch let error as InputError {
            XCTAssertEqual(error.file, path, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("\(path): "), error.description, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            return error.problem
        } catch {
            XCTFail("threw \(error), not an InputError", file: file, line: line)
        }
        return ""
    }

    /// Offset of the data of the parameter `name` of group `group` in a file
    /// written by the fixture script (no description before the data).
    func dataOffset(_ name: String, group: Int8, in bytes: [UInt8]) throws -> Int {
        // The name's length is negative for a locked parameter.
        let lengths = [UInt8(name.utf8.count), UInt8(bitPattern: -Int8(name.utf8.count))]
        let pattern = [UInt8(bitPattern: group)] + Array(name.utf8)
        let start = try XCTUnwrap((513..<(bytes.count - pattern.count)).first {
            lengths.contains(bytes[$0 - 1]) && Array(bytes[$0..<($0 + pattern.count)]) == pattern
        }, "no parameter \(name) in group \(group)")
        let dimensionCount = Int(bytes[start + pattern.count + 3])
        return start + pattern.count + 4 + dimensionCount
    }

    func setInt16(_ bytes: inout [UInt8], at offset: Int, _ value: UInt16) {
        bytes[offset] = UInt8(value & 0xFF)
        bytes[offset + 1] = UInt8(value >> 8)
    }

    func testTruncatedFilesThrow() throws {
        let bytes = try Self.bytes("intel_int.c3d")
        for length in [0, 100, 511, 600, 1535, 1536, 2000, bytes.count - 1] {
            let message = problem(Array(bytes.prefix(length)))
            XCTAssertTrue(message.contains("truncated"), "\(length) bytes: \(message)")
        }
        XCTAssertTrue(problem(Array(bytes.prefix(2000))).contains("150 frames"))
    }

    func testParameterSectionPointerPastTheEndThrows() throws {
        var bytes = try Self.bytes("intel_float.c3d")
        bytes[0] = 200
        XCTAssertTrue(problem(bytes).contains("parameter section at block 200"), problem(bytes))
        bytes[0] = 1
        XCTAssertTrue(problem(bytes).contains("at block 1"), problem(bytes))
    }

    func testAbsurdFrameCountsThrowBeforeAllocating() throws {
        // 10^9 frames through TRIAL:ACTUAL_END_FIELD (two 16-bit words, low first).
        var real = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.realFile)))
        let name = Array("ACTUAL_END_FIELD".utf8)
        let start = try XCTUnwrap((512..<20_000).first { Array(real[$0..<($0 + name.count)]) == name })
        let data = start + name.count + 2 + 2 + 1  // offset word, type, 1 dimension count, 1 dimension
        XCTAssertEqual(Array(real[data..<(data + 4)]), [0x44, 0x02, 0, 0])  // 580
        setInt16(&real, at: data, UInt16(1_000_000_000 & 0xFFFF))
        setInt16(&real, at: data + 2, UInt16(1_000_000_000 >> 16))
        let message = problem(real)
        XCTAssertTrue(message.contains("1000000000 frames"), message)
        XCTAssertTrue(message.contains("truncated"), message)

        // The header's last frame (word 5) at its 16-bit maximum.
        var bytes = try Self.bytes("mips_int.c3d")
        bytes[8] = 0xFF
        bytes[9] = 0xFF
        XCTAssertTrue(problem(bytes).contains("65535 frames"), problem(bytes))
    }

    func testZeroAnalogChannelsThrow() throws {
        var bytes = try Self.bytes("intel_int.c3d")
        setInt16(&bytes, at: try dataOffset("USED", group: 2, in: bytes), 0)
        XCTAssertTrue(problem(bytes).contains("no analog channels"), problem(bytes))
    }

    func testNegativeAnalogCountThrows() throws {
        var bytes = try Self.bytes("intel_int.c3d")
        setInt16(&bytes, at: try dataOffset("USED", group: 2, in: bytes), 0xFFFD)
        XCTAssertTrue(problem(bytes).contains("ANALOG:USED is -3;"), problem(bytes))
    }

    func testUnknownProcessorAndSignatureThrow() throws {
        var bytes = try Self.bytes("intel_float.c3d")
        bytes[512 + 3] = 90
        XCTAssertTrue(problem(bytes).contains("unknown processor type 90"), problem(bytes))
        bytes = try Self.bytes("intel_float.c3d")
        bytes[1] = 0
        XCTAssertTrue(problem(bytes).contains("not a C3D file"), problem(bytes))
    }

    func testParameterRecordsRunningPastTheirBoundsThrow() throws {
        let original = try Self.bytes("intel_int.c3d")
        let labels = try dataOffset("LABELS", group: 2, in: original)
        // The record's offset word sits 6 bytes before its data (offset, type, 2 dimensions, 2 dimension bytes).
        var bytes = original
        setInt16(&bytes, at: labels - 6, 30_000)
        XCTAssertTrue(problem(bytes).contains("outside the parameter section"), problem(bytes))
        bytes = original
        bytes[labels - 1] = 250  // 250 labels of 8 characters
        XCTAssertTrue(problem(bytes).contains("more than its record holds"), problem(bytes))
        bytes = original
        bytes[labels - 3] = 0xFF  // -1 dimensions
        XCTAssertTrue(problem(bytes).contains("-1 dimensions"), problem(bytes))
    }

    func testDuplicateLabelsThrow() throws {
        var bytes = try Self.bytes("intel_int.c3d")
        let labels = try dataOffset("LABELS", group: 2, in: bytes)  // three labels of 8 characters
        bytes.replaceSubrange((labels + 8)..<(labels + 16), with: Array("ta.emg1 ".utf8))
        XCTAssertEqual(problem(bytes), "duplicate channel name in ANALOG:LABELS")
    }

    func testNonFiniteScaleAndSamplesThrow() throws {
        var bytes = try Self.bytes("intel_float.c3d")
        let scale = try dataOffset("SCALE", group: 2, in: bytes)
        bytes.replaceSubrange(scale..<(scale + 4), with: [0, 0, 0xC0, 0x7F])  // NaN
        XCTAssertTrue(problem(bytes).contains("ANALOG:SCALE or ANALOG:OFFSET is not finite"), problem(bytes))

        bytes = try Self.bytes("intel_float.c3d")
        let gen = try dataOffset("GEN_SCALE", group: 2, in: bytes)
        bytes.replaceSubrange(gen..<(gen + 4), with: [0, 0, 0x80, 0x7F])  // +Inf
        XCTAssertTrue(problem(bytes).contains("GEN_SCALE is not finite"), problem(bytes))

        // The data start at block 4; a frame opens with 2 points × 4 reals.
        bytes = try Self.bytes("intel_float.c3d")
        let sample = 3 * 512 + 32 + 3 * 4 + 4  // frame 1, sample 2, channel 2
        bytes.replaceSubrange(sample..<(sample + 4), with: [0, 0, 0x80, 0x7F])
        do {
            _ = try C3DFile.parse(bytes, path: "inf.c3d")
            XCTFail("an infinite sample was accepted")
        } catch let error as InputError {
            XCTAssertEqual(error.description, "inf.c3d: column 'SOL.EMG2': sample 2 is not finite (inf in the file)")
        }
    }

    func testMissingFileThrows() {
        XCTAssertThrowsError(try C3DFile.read(path: "/nonexistent/trial.c3d")) { error in
            XCTAssertEqual((error as? InputError)?.description, "/nonexistent/trial.c3d: no such file")
        }
    }

    // MARK: Writer

    func testWriterRoundTripsThroughTheReader() throws {
        let rate = 1000.0
        let channels = (0..<3).map { c in (0..<1000).map { i in sin(Double(i) * 0.01 * Double(c + 1)) * 1e-3 } }
        let events = [RecordingEvent(label: "Foot Off", context: "Left", time: 61.25),
                      RecordingEvent(label: "Foot Strike", context: "Right", time: 60.5)]
        let recording = EMGRecording(path: "synthetic.c3d", sha256: "", channelNames: ["TA", "SOL", "Vastus lateralis"],
                                     sampleRate: rate, startTime: 60, channels: channels, events: events)
        let bytes = try C3DFile.encode(recording, samplesPerFrame: 10)
        let dataBlock = Int(bytes[16]) | Int(bytes[17]) << 8  // header word 9
        XCTAssertEqual(bytes.count, (dataBlock - 1) * 512 + 3 * 1000 * 4)  // 3 channels × 1000 reals, no padding
        let file = try C3DFile.parse([UInt8](bytes), path: "synthetic.c3d")
        XCTAssertEqual(file.processor, .intel)
        XCTAssertEqual(file.analogLabels, recording.channelNames)
        XCTAssertEqual(file.analogUnits, ["V", "V", "V"])
        XCTAssertEqual(file.analogDescriptions, ["", "", ""])
        XCTAssertEqual(file.analogRate, rate)
        XCTAssertEqual(file.pointRate, 100)
        XCTAssertEqual(file.samplesPerFrame, 10)
        XCTAssertEqual(file.firstFrame, 6001)
        XCTAssertEqual(file.frameCount, 100)
        XCTAssertEqual(file.analog, channels.map { $0.map { Double(Float($0)) } })
        let read = file.recording
        XCTAssertEqual(read.startTime, 60)
        XCTAssertEqual(read.events.map(\.label), ["Foot Strike", "Foot Off"])
        XCTAssertEqual(read.events.map(\.context), ["Right", "Left"])
        XCTAssertEqual(read.events[0].time, 60.5, accuracy: 1e-6)
        XCTAssertEqual(read.events[1].time, 61.25, accuracy: 1e-6)
    }

    func testWriterHandlesMoreThan65535Frames() throws {
        let samples = (0..<70_000).map { Double($0 % 1000) / 1000 }
        let recording = EMGRecording(path: "long.c3d", sha256: "", channelNames: ["EMG"], sampleRate: 2000,
                                     startTime: 0, channels: [samples], events: [])
        let file = try C3DFile.parse([UInt8](try C3DFile.encode(recording)), path: "long.c3d")
        XCTAssertEqual(file.firstFrame, 1)
        XCTAssertEqual(file.frameCount, 70_000)
        XCTAssertEqual(file.pointRate, 2000)
        XCTAssertEqual(file.analog, [samples.map { Double(Float($0)) }])
        XCTAssertEqual(file.events, [])
    }

    func testWriterWritesAFileTheReaderReads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("c3d-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.c3d").path
        let recording = EMGRecording(path: "memory", sha256: "", channelNames: ["A", "B"], sampleRate: 500,
                                     startTime: 0.5, channels: [[1, 2, 3, 4], [-1, 0.5, 0.25, 0]],
                                     events: [RecordingEvent(label: "Foot Strike", context: "Right", time: 0.504)])
        try C3DFile.write(recording, to: path, samplesPerFrame: 2)
        let read = try C3DFile.read(path: path).recording
        XCTAssertEqual(read.path, path)
        XCTAssertEqual(read.sha256.count, 64)
        XCTAssertEqual(read.channels, recording.channels)
        XCTAssertEqual(read.startTime, 0.5)
        XCTAssertEqual(read.sampleRate, 500)
        XCTAssertEqual(read.events.count, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["out.c3d"])
    }

    func testWriterRejectsWhatC3DCannotHold() {
        func problem(_ recording: EMGRecording, samplesPerFrame: Int = 1) -> String {
            do {
                _ = try C3DFile.encode(recording, samplesPerFrame: samplesPerFrame)
                XCTFail("encoded")
            } catch let error as InputError {
                XCTAssertEqual(error.file, "out.c3d")
                return error.problem
            } catch {
                XCTFail("\(error)")
            }
            return ""
        }
        func recording(_ channels: [[Double]], names: [String] = ["A"], rate: Double = 100,
                       start: Double = 0) -> EMGRecording {
            EMGRecording(path: "out.c3d", sha256: "", channelNames: names, sampleRate: rate, startTime: start,
                         channels: channels)
        }
        XCTAssertTrue(problem(recording([[1, .nan]])).contains("sample 2"))
        XCTAssertTrue(problem(recording([[1, 1e39]])).contains("not finite as a 32-bit real"))
        XCTAssertTrue(problem(recording([[1, 2, 3]]), samplesPerFrame: 2).contains("whole frames"))
        XCTAssertTrue(problem(recording([[1], [2, 3]], names: ["A", "B"])).contains("do not match"))
        XCTAssertTrue(problem(recording([[1, 2]], rate: 0)).contains("sample rate"))
        XCTAssertTrue(problem(recording([[1, 2]], start: -1)).contains("start time"))
        XCTAssertTrue(problem(recording([])).contains("0 channels"))
    }
}

private extension C3DFile.Processor {
    init?(_ name: String) {
        switch name {
        case "intel": self = .intel
        case "dec": self = .dec
        case "mips": self = .mips
        default: return nil
        }
    }
}
