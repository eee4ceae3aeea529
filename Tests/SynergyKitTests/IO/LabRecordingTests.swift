import Foundation
import XCTest
@testable import SynergyKit

/// From a lab's channels to one uniformly sampled EMG recording
/// (`LabRecording.emgRecording`), and format detection from content.
final class LabRecordingTests: XCTestCase {
    private static func trigno(_ k: Int) -> Double { Double(k) * 2000 / 27 }

    private func lab(_ channels: [LabChannel]) -> LabRecording {
        LabRecording(path: "lab.csv", format: .delsysDiscover, channels: channels)
    }

    private func ramp(_ count: Int, _ offset: Double = 0) -> [Double] { (0..<count).map { Double($0) + offset } }

    func testDefaultIsTheChannelsTheFormatMarksAsEMG() throws {
        let recording = try lab([
            LabChannel(name: "EMG 01: EMG 1", unit: "mV", sampleRate: Self.trigno(26), samples: ramp(50), isEMG: true),
            LabChannel(name: "EMG 01: ACC X", unit: "G", sampleRate: Self.trigno(1), samples: ramp(3), isEMG: false),
            LabChannel(name: "EMG 02: EMG 1", unit: "mV", sampleRate: Self.trigno(26), samples: ramp(50, 1), isEMG: true),
        ]).emgRecording()
        XCTAssertEqual(recording.channelNames, ["EMG 01: EMG 1", "EMG 02: EMG 1"])
        XCTAssertEqual(recording.sampleRate, Self.trigno(26))
        XCTAssertEqual(recording.units, ["mV", "mV"])
        XCTAssertEqual(recording.format, .delsysDiscover)
        XCTAssertEqual(recording.channels[1], ramp(50, 1))
    }

    func testMixedRatesAreAnErrorNamingTheRates() {
        let file = lab([
            LabChannel(name: "A", sampleRate: Self.trigno(17), samples: ramp(40), isEMG: true),
            LabChannel(name: "B", sampleRate: Self.trigno(26), samples: ramp(60), isEMG: true),
            LabChannel(name: "C", sampleRate: 1259, samples: ramp(40), isEMG: true),
        ])
        XCTAssertThrowsError(try file.emgRecording()) { error in
            XCTAssertEqual((error as? InputError)?.description, "lab.csv: the EMG channels have different sample rates: "
                           + "1259.259259 Hz (A); 1925.925926 Hz (B); 1259 Hz (C); resample them to one rate, "
                           + "or choose channels of one rate")
            XCTAssertEqual((error as? InputError)?.setting, .mixedSampleRates([
                .init(rate: Self.trigno(17), channels: ["A"]), .init(rate: Self.trigno(26), channels: ["B"]),
                .init(rate: 1259, channels: ["C"]),
            ]))
        }
    }

    func testResampleBringsEveryChannelToOneRate() throws {
        let slow = (0..<1700).map { sin(Double($0) / 30) }, fast = (0..<2600).map { cos(Double($0) / 45) }
        let recording = try lab([
            LabChannel(name: "A", sampleRate: Self.trigno(17), samples: slow, isEMG: true),
            LabChannel(name: "B", sampleRate: Self.trigno(26), samples: fast, isEMG: true),
        ]).emgRecording(resampleTo: 2000)
        XCTAssertEqual(recording.sampleRate, 2000)
        XCTAssertEqual(recording.channels[0], Array(PolyphaseResampler.resample(slow, up: 27, down: 17).prefix(2700)))
        XCTAssertEqual(recording.channels[1], PolyphaseResampler.resample(fast, up: 27, down: 26))
        XCTAssertEqual(recording.sampleCount, 2700)
        XCTAssertEqual(recording.warnings, ["resampled from 1259.259259 Hz, 1925.925926 Hz to 2000 Hz "
                                            + "(polyphase, Kaiser-windowed anti-aliasing filter)"])
    }

    func testNamedChannelsRenamesAndShortestLength() throws {
        let recording = try lab([
            LabChannel(name: "EMG 01: EMG 1", sampleRate: 1000, samples: ramp(100), isEMG: true),
            LabChannel(name: "FSR: Analog 1", sampleRate: 1000, samples: ramp(90), isEMG: false),
        ]).emgRecording(names: ["foot", "ta"], renames: [("emg 01: emg 1", "TA"), ("FSR: Analog 1", "foot")])
        XCTAssertEqual(recording.channelNames, ["foot", "TA"])
        XCTAssertEqual(recording.sampleCount, 90)
        XCTAssertEqual(recording.warnings, ["channels were cut to the 90 samples of the shortest ('foot'); the longest had 100"])
    }

    func testChannelsMustStartTogether() {
        let file = lab([
            LabChannel(name: "A", sampleRate: 1000, startTime: 0, samples: ramp(10), isEMG: true),
            LabChannel(name: "B", sampleRate: 1000, startTime: 0.002, samples: ramp(10), isEMG: true),
        ])
        XCTAssertThrowsError(try file.emgRecording()) { error in
            XCTAssertEqual((error as? InputError)?.problem, "channel 'B' starts at 0.002 s but 'A' at 0 s; the channels must start together")
        }
    }

    func testNoEMGChannelAndUnresampleableRate() {
        XCTAssertThrowsError(try lab([LabChannel(name: "ACC", sampleRate: 148, samples: ramp(5), isEMG: false)]).emgRecording()) {
            XCTAssertEqual(($0 as? InputError)?.setting, .noEMGChannels(channels: ["ACC"]))
            XCTAssertEqual(($0 as? InputError)?.problem, "has no EMG channels (channels: ACC); name the ones to use")
        }
        let odd = lab([LabChannel(name: "A", sampleRate: 1000 * Double.pi, samples: ramp(5), isEMG: true)])
        XCTAssertThrowsError(try odd.emgRecording(resampleTo: 1000)) {
            XCTAssertTrue(($0 as? InputError)?.problem.hasPrefix("cannot resample channel 'A' from 3141.592654 Hz to 1000 Hz") == true)
        }
    }

    func testFormatDetectedFromContent() {
        func detect(_ text: String, _ path: String = "x.txt") -> RecordingFormat { RecordingFormat.detect(Data(text.utf8), path: path) }
        XCTAssertEqual(detect("time,TA,SOL\n0,1,2\n"), .csv)
        XCTAssertEqual(detect("BTS ASCII format\r\n\r\nType: \tEmg tracks\r\n"), .btsEMT)
        XCTAssertEqual(detect("Application:, Trigno Discover (1.6.4)\n"), .delsysDiscover)
        XCTAssertEqual(detect("X[s],\"Avanti sensor 1: EMG 1\"\n"), .delsysEMGworks)
        XCTAssertEqual(detect("Devices\r\n2000\r\n,,Delsys\r\n"), .nexusCSV)
        XCTAssertEqual(detect("Devices,,,\n2000,,,\n"), .nexusCSV)
        XCTAssertEqual(detect("Record Date,1.1.2025\n\ntime,Activity,Marker,LT TIB.ANT. (uV)\n"), .noraxonCSV)
        XCTAssertEqual(RecordingFormat.detect(Data("0       header".utf8), path: "a.dat"), .edf)
        XCTAssertEqual(RecordingFormat.detect(Data([0xFF] + Array("BIOSEMI".utf8)), path: "a.dat"), .bdf)
        XCTAssertEqual(RecordingFormat.detect(Data([2, 0x50, 0, 0]), path: "a.dat"), .c3d)
        XCTAssertEqual(detect("", "walk.C3D"), .c3d)
    }
}
