import Foundation
import SynergyKit
import XCTest

/// Gait events read for a recording: every problem with them names the events' own file.
final class GaitEventsInputTests: XCTestCase {
    /// 2 s at 100 Hz.
    let recording = EMGRecording(path: "trial.csv", sha256: "", channelNames: ["TA", "MG"], sampleRate: 100,
                                 startTime: 0, channels: [[Double]](repeating: (0..<201).map(Double.init), count: 2))

    private func problem(_ text: String, cycles: CycleSettings?) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try GaitEventsSource.csv(path: path).events(for: recording, cycles: cycles)
            return "no error"
        } catch let error as InputError {
            XCTAssertEqual(error.file, path)
            return error.problem
        }
    }

    func testProblemsNameTheEventsFile() throws {
        let santuz = SynergyProtocol.santuz.preprocessing.cycles
        XCTAssertEqual(try problem("touchdown_s,liftoff_s\n0.1,0.3\n0.6,0.8\n1.1,1.3\n1.6,1.8\n", cycles: santuz), "no error")
        XCTAssertEqual(try problem("touchdown_s,liftoff_s\n0.1,0.3\n0.6,0.8\n2.1,2.3\n", cycles: santuz),
                       "touchdown 3 at 2.1 s is outside the recording (0.0–2.0 s)")
        XCTAssertEqual(try problem("touchdown_s\n0.1\n0.6\n1.1\n1.6\n", cycles: santuz),
                       "the events have no lift-offs, which resampling stance and swing separately needs "
                       + "(or resample whole cycles to one number of points)")
        XCTAssertEqual(try problem("touchdown_s,liftoff_s\n0.1,0.3\n0.6,0.8\n1.1,1.3\n", cycles: santuz),
                       "2 gait cycle(s) leave none once the first and last are dropped")
        // Without cycles to cut, only the time span is checked.
        XCTAssertEqual(try problem("touchdown_s\n0.1\n0.6\n", cycles: nil), "no error")
        XCTAssertEqual(try problem("0.1,0.3\n0.6,0.8\n1.1,1.3\n", cycles: nil),
                       "the first line holds numbers, not column names; the file needs a header row")
    }
}
