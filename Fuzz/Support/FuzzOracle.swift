import Foundation
import SynergyKit

/// What every fuzz target checks of a reader: bad bytes are refused by an
/// `InputError` whose message is one line naming the file; any other error,
/// a trap, a hang or an oversized allocation is a finding.
public enum FuzzOracle {
    /// The name the fuzzed input is given in error messages.
    public static let path = "fuzz-input"

    /// Runs `read`, accepting success or a well-formed `InputError`.
    public static func expectInputErrorOrSuccess(_ read: () throws -> Void) {
        do {
            try read()
        } catch let error as InputError {
            let message = error.description
            precondition(message.hasPrefix(path + ": "), "error does not name the file: \(message)")
            precondition(!message.contains(where: \.isNewline), "error is not one line: \(message)")
        } catch {
            preconditionFailure("a reader threw \(type(of: error)) instead of an InputError: \(error)")
        }
    }

    /// The fuzzer's input as bytes.
    public static func bytes(_ start: UnsafePointer<UInt8>, _ count: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: start, count: count))
    }
}

extension FuzzOracle {
    /// The bytes as a recording in each of `formats` (and their detected format,
    /// which must not trap), then as EMG at the file's rate and resampled to
    /// 1 kHz, then the file's events as gait events of either side.
    public static func readLabRecording(_ bytes: [UInt8], formats: [RecordingFormat]) {
        let data = Data(bytes)
        _ = RecordingFormat.detect(data, path: path)
        for format in formats {
            expectInputErrorOrSuccess {
                let lab = try LabRecording.parse(data, path: path, format: format)
                for rate in [nil, 1000.0] as [Double?] {
                    expectInputErrorOrSuccess {
                        let recording = try lab.emgRecording(resampleTo: rate)
                        for context in [nil, "Right", "Left"] {
                            expectInputErrorOrSuccess {
                                _ = try GaitEventsSource.parse(context.map { "file:\($0)" } ?? "file").events(for: recording)
                            }
                        }
                    }
                }
            }
        }
    }
}
