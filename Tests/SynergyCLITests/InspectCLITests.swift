import Foundation
import XCTest

/// `synergy inspect FILE [--json]` on real recordings: what it reports of the
/// file's format, channels, events and warnings, and that bad files are one
/// error line.
final class InspectCLITests: XCTestCase {
    private func inspect(_ path: String, _ extra: [String] = []) throws -> [String: Any] {
        let run = try ToolRunner.synergy(["inspect", path, "--json"] + extra)
        XCTAssertEqual(run.status, 0, run.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    private func dataset(_ path: String) -> String { ToolRunner.repository.appendingPathComponent("Datasets/\(path)").path }

    /// The pyomeca C3D (Vicon/Delsys, 38 analog channels at 2 kHz, 5.8 s): every field
    /// the manual lists, the empty Trigno slots flat, EMG unknown (C3D does not say).
    func testC3DFromAViconLab() throws {
        let report = try inspect(dataset("pyomeca/markers_analogs.c3d"))
        XCTAssertEqual(Set(report.keys), ["path", "sha256", "format", "format_version", "duration_s", "channels", "events", "warnings"])
        XCTAssertEqual(report["format"] as? String, "c3d")
        XCTAssertEqual(try XCTUnwrap(report["duration_s"] as? Double), 5.8, accuracy: 1e-9)
        let channels = try XCTUnwrap(report["channels"] as? [[String: Any]])
        XCTAssertEqual(channels.count, 38)
        XCTAssertEqual(Set(channels[0].keys), ["name", "sensor", "signal", "unit", "sample_rate", "samples", "start_s", "emg",
                                               "flat", "clipped", "zeros_fraction"])
        XCTAssertEqual(channels[6]["name"] as? String, "Delt_ant.EMG1")
        XCTAssertEqual(channels[6]["unit"] as? String, "V")
        XCTAssertEqual(channels[6]["sample_rate"] as? Double, 2000)
        XCTAssertEqual(channels[6]["samples"] as? Int, 11600)
        XCTAssertTrue(channels[6]["emg"] is NSNull, "C3D does not say which channels are EMG")
        XCTAssertEqual(channels[6]["flat"] as? Bool, false)
        let flat = channels.filter { $0["flat"] as? Bool == true }.compactMap { $0["name"] as? String }
        XCTAssertEqual(flat.count, 38 - 6 - 13, "the 19 empty Trigno slots, all zeros: \(flat)")
        XCTAssertTrue(flat.allSatisfy { name in channels.first { $0["name"] as? String == name }?["zeros_fraction"] as? Double == 1 })
        XCTAssertEqual((report["events"] as? [Any])?.count, 0)

        let text = try ToolRunner.synergy(["inspect", dataset("pyomeca/markers_analogs.c3d")])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix(dataset("pyomeca/markers_analogs.c3d") + ": C3D; 5.800 s; 38 channels; 0 events\n"))
        XCTAssertTrue(text.stdout.contains(where: \.isNewline))
        let sensor12 = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.hasPrefix("Sensor 12.EMG12") })
        XCTAssertTrue(sensor12.hasSuffix("flat"), String(sensor12))
    }

    /// A CSV with a time column: the rate from it, start at the first time stamp.
    func testPlainCSV() throws {
        let report = try inspect(dataset("musclesyneRgies/RAW_EMG_ID0012_TW_01.csv"))
        XCTAssertEqual(report["format"] as? String, "csv")
        let channels = try XCTUnwrap(report["channels"] as? [[String: Any]])
        XCTAssertEqual(channels.map { $0["name"] as? String }, ["ME", "MA", "FL", "RF", "VM", "VL", "ST", "BF", "TA", "PL", "GM", "GL", "SO"])
        XCTAssertTrue(channels.allSatisfy { $0["sample_rate"] as? Double == 1000 && $0["samples"] as? Int == 7618 })
    }

    func testBadFilesAreOneLine() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let truncated = folder.appendingPathComponent("cut.edf")
        try Data("0       patient".utf8).write(to: truncated)
        for (arguments, message) in [
            (["inspect", folder.appendingPathComponent("missing.c3d").path], "missing.c3d: no such file"),
            (["inspect", truncated.path], "cut.edf: "),
            (["inspect", dataset("pyomeca/markers_analogs.c3d"), "--format", "edf"], "markers_analogs.c3d: "),
        ] {
            let run = try ToolRunner.synergy(arguments)
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertEqual(run.stderr.filter(\.isNewline).count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("synergy: error: ") && run.stderr.contains(message), run.stderr)
            XCTAssertEqual(run.stdout, "")
        }
    }
}
