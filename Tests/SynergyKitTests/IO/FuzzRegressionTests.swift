import Foundation
import XCTest
import SynergyKit

/// Replays the inputs fuzzing found (Fixtures/fuzz/TARGET, see Scripts/fuzz.sh)
/// and the bad-input corpus of the same reader kind (Tests/BadInputs/KIND, see
/// its cases.tsv) through the readers as the fuzz targets (Fuzz/) do: each must
/// be read or refused with a one-line `InputError` naming the file; any other
/// error fails the test. Each test also checks that it replayed bad inputs and
/// that at least one was refused, so a moved folder or a reader that accepts
/// everything cannot pass unnoticed.
final class FuzzRegressionTests: XCTestCase {
    private static func files(_ folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    /// Runs `read` on one input; true when it refused it with a well-formed `InputError`.
    /// A malformed `InputError` or any other error fails the test.
    private func refuses(_ data: Data, _ name: String, _ read: (Data, String) throws -> Void) -> Bool {
        do {
            try read(data, name)
            return false
        } catch let error as InputError {
            XCTAssertTrue(error.description.hasPrefix(name + ": "), "\(name): error does not name the file: \(error)")
            XCTAssertFalse(error.description.contains(where: \.isNewline), "\(name): error is not one line: \(error)")
            return true
        } catch {
            XCTFail("\(name): a reader threw \(type(of: error)) instead of an InputError: \(error)")
            return false
        }
    }

    /// Replays the findings of fuzz target `target` and the bad inputs of `kinds` through
    /// `read` (which says whether it refused the input), and checks the corpus was there and
    /// at least one bad input was refused.
    private func replay(_ target: String, badInputs kinds: [String], _ read: (Data, String) -> Bool,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let findings = try Self.files(TestPaths.fixtures.appendingPathComponent("fuzz/\(target)"))
        let corpus = TestPaths.repository.appendingPathComponent("Tests/BadInputs")
        let bad = try kinds.flatMap { try Self.files(corpus.appendingPathComponent($0)) }
        XCTAssertFalse(bad.isEmpty, "no bad inputs in Tests/BadInputs/\(kinds)", file: file, line: line)
        for url in findings { _ = read(try Data(contentsOf: url), url.lastPathComponent) }
        var refused = 0
        for url in bad where read(try Data(contentsOf: url), url.lastPathComponent) { refused += 1 }
        XCTAssertGreaterThan(refused, 0, "no bad input of \(kinds) was refused", file: file, line: line)
    }

    func testCSVFindings() throws {
        try replay("csv", badInputs: ["csv", "envelope"]) { data, name in
            var refused = refuses(data, name) { data, path in _ = try RawEMGCSV.parse(data, path: path) }
            refused = refuses(data, name) { data, path in
                _ = try RawEMGCSV.parse(data, path: path, options: .init(sampleRate: 1000))
            } || refused
            refused = refuses(data, name) { data, path in _ = try EnvelopeCSV.parse(data, path: path) } || refused
            return refused
        }
    }

    /// As Fuzz/C3D: the file, then its events as gait events of either side.
    func testC3DFindings() throws {
        try replay("c3d", badInputs: ["c3d"]) { data, name in
            var recording: EMGRecording?
            let refused = refuses(data, name) { data, path in recording = try C3DFile.parse([UInt8](data), path: path).recording }
            if let recording {
                for context in [nil, "Right", "Left"] {
                    _ = refuses(data, name) { _, _ in
                        _ = try GaitEventsSource.parse(context.map { "c3d:\($0)" } ?? "c3d").events(for: recording)
                    }
                }
            }
            return refused
        }
    }

    /// As Fuzz/Events: the cycles checked against a fixed 8 s, 1 kHz recording, then cut by
    /// the santuz protocol (stance and swing) and by 200 points per whole cycle.
    func testEventsFindings() throws {
        let samples = 8000
        let channels = [1.0, 2.0].map { channel -> [Double] in
            (0..<samples).map { sample -> Double in
                let t = Double(sample)
                return sin(t * channel * 0.37) + 0.5 * sin(t * channel * 0.011)
            }
        }
        let recording = EMGRecording(path: "recording", sha256: "", channelNames: ["TA", "SO"], sampleRate: 1000,
                                     startTime: 0, channels: channels, events: [])
        try replay("events", badInputs: ["events"]) { data, name in
            refuses(data, name) { data, path in
                let events = try GaitEventsCSV.parse(data, path: path)
                if let problem = events.problem(start: recording.startTime, end: recording.endTime) {
                    throw InputError(file: path, problem)
                }
                var settings = SynergyProtocol.santuz.preprocessing.resolved(sampleRate: recording.sampleRate)
                for points in [[100, 100], [200]] {
                    settings.cycles?.pointsPerPhase = points
                    do {
                        _ = try Preprocessor.envelope(recording, events: events, settings: settings)
                    } catch let error as SignalError {
                        throw InputError(file: path, error.problem)
                    }
                }
            }
        }
    }

    /// As Fuzz/Manifest: the manifest parsed and its paths resolved (files not checked).
    func testManifestFindings() throws {
        try replay("manifest", badInputs: ["manifest"]) { data, name in
            guard let text = String(data: data, encoding: .utf8) else { return false }
            return refuses(data, name) { _, path in
                let manifest = try StudyManifest.parse(text, path: path)
                for entry in manifest.entries { _ = manifest.resolve(entry.path) }
            }
        }
    }

    /// As `FuzzOracle.readLabRecording`: the bytes in `format`, then as EMG at the file's
    /// rate and resampled to 1 kHz, then the file's events as gait events of either side.
    private func refusesLabRecording(_ data: Data, _ name: String, formats: [RecordingFormat]) -> Bool {
        _ = RecordingFormat.detect(data, path: name)
        var refused = false
        for format in formats {
            var lab: LabRecording?
            refused = refuses(data, name) { data, path in lab = try LabRecording.parse(data, path: path, format: format) } || refused
            guard let lab else { continue }
            for rate in [nil, 1000.0] as [Double?] {
                var recording: EMGRecording?
                _ = refuses(data, name) { _, _ in recording = try lab.emgRecording(resampleTo: rate) }
                guard let recording else { continue }
                for context in [nil, "Right", "Left"] {
                    _ = refuses(data, name) { _, _ in
                        _ = try GaitEventsSource.parse(context.map { "file:\($0)" } ?? "file").events(for: recording)
                    }
                }
            }
        }
        return refused
    }

    func testDelsysFindings() throws {
        try replay("delsys", badInputs: ["delsys"]) { refusesLabRecording($0, $1, formats: [.delsysEMGworks, .delsysDiscover]) }
    }

    func testNexusFindings() throws {
        try replay("nexus", badInputs: ["nexus"]) { refusesLabRecording($0, $1, formats: [.nexusCSV]) }
    }

    func testNoraxonFindings() throws {
        try replay("noraxon", badInputs: ["noraxon"]) { refusesLabRecording($0, $1, formats: [.noraxonCSV]) }
    }

    func testEDFFindings() throws {
        try replay("edf", badInputs: ["edf"]) { refusesLabRecording($0, $1, formats: [.edf, .bdf]) }
    }

    func testBTSFindings() throws {
        try replay("bts", badInputs: ["bts"]) { refusesLabRecording($0, $1, formats: [.btsEMT]) }
    }
}
