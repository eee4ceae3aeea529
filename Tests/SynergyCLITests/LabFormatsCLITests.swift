import Foundation
import XCTest

/// Recordings in every lab format through the tool as a user runs it: the
/// same recording written as CSV, EDF, BDF and Nexus CSV gives the same
/// synergies; the file's own events cut the same cycles as an events CSV; EMG
/// channels at different rates are refused, naming the rates, until
/// `--resample` brings them to one.
final class LabFormatsCLITests: XCTestCase {
    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }
    private func json(_ path: String) throws -> [String: Any] { try ToolRunner.json(URL(fileURLWithPath: path)) }

    /// `simulate` of one recording (8 muscles, 3 synergies, 1 kHz, 24 s, seed 7) in `format`.
    private func simulate(_ folder: URL, _ format: String) throws -> String {
        let prefix = folder.appendingPathComponent(format).path
        let run = try synergy(["simulate", "-o", prefix, "--muscles", "8", "--synergies", "3", "--sample-rate", "1000",
                               "--duration", "24", "--seed", "7", "--format", format])
        XCTAssertEqual(run.status, 0, run.stderr)
        return prefix
    }

    /// Each of `a`'s synergies against `b`'s, matched one to one.
    private func matched(_ a: [[Double]], _ b: [[Double]]) -> [Double] {
        let map = PlantedChange.correspondence(planted: a, recovered: b)
        return a.indices.map { PlantedChange.cosine(a[$0], b[map[$0]]) }
    }

    /// Round trip: the count and synergies from EDF (16-bit), BDF (24-bit) and Nexus CSV
    /// equal the CSV's: the same count and every synergy at similarity ≥ 0.999.
    func testEveryWrittenFormatGivesTheSynergiesOfTheCSV() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        var reports = [String: [String: Any]]()
        for (format, file) in [("csv", ".csv"), ("edf", ".edf"), ("bdf", ".bdf"), ("nexus", ".csv")] {
            let prefix = try simulate(folder, format)
            let output = prefix + "_count.json"
            let count = try synergy(["count", prefix + file, "--replicates", "5", "-o", output])
            XCTAssertEqual(count.status, 0, "\(format): \(count.stderr)")
            reports[format] = try json(output)
        }
        let reference = try PlantedChange.weights(try XCTUnwrap(reports["csv"]))
        XCTAssertEqual(reports["csv"]?["count"] as? Int, 3)
        for (format, name) in [("edf", "edf"), ("bdf", "bdf"), ("nexus", "nexus_csv")] {
            let report = try XCTUnwrap(reports[format])
            XCTAssertEqual((report["input"] as? [String: Any])?["format"] as? String, name)
            XCTAssertEqual(report["count"] as? Int, 3, format)
            for similarity in matched(reference, try PlantedChange.weights(report)) {
                XCTAssertGreaterThanOrEqual(similarity, 0.999, format)
            }
        }
        XCTAssertEqual((reports["edf"]?["input"] as? [String: Any])?["units"] as? [String], Array(repeating: "uV", count: 8))
        XCTAssertNil((reports["csv"]?["input"] as? [String: Any])?["units"], "a plain CSV gives no units")
    }

    /// `--events nexus` and `--events edf:Right` (the file's own events) give the santuz
    /// protocol the same cycles as the events CSV `simulate` writes beside them.
    func testTheFilesOwnEventsCutTheSameCycles() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        for (format, file, events) in [("nexus", ".csv", "nexus"), ("edf", ".edf", "edf:Right")] {
            let prefix = try simulate(folder, format)
            var envelopes = [String]()
            for source in [events, prefix + "_events.csv"] {
                let output = folder.appendingPathComponent("\(format)-\(envelopes.count).csv").path
                let run = try synergy(["preprocess", prefix + file, "--protocol", "santuz", "--events", source, "-o", output])
                XCTAssertEqual(run.status, 0, "\(format) \(source): \(run.stderr)")
                envelopes.append(try String(contentsOfFile: output, encoding: .utf8))
            }
            XCTAssertGreaterThan(envelopes[0].count, 1000)
            XCTAssertEqual(envelopes[0], envelopes[1], "\(format): events from the file and from the CSV differ")
        }
    }

    /// A Trigno Discover export whose EMG sensors 5–8 run at 1000 Hz and 1–4 at 2000 Hz
    /// (sensors 5–8 carry every other sample of the simulated 2 kHz signals): refused,
    /// naming both rates, without --resample; with --resample 2000 the count finds the
    /// 3 planted synergies (each at similarity ≥ 0.9 to the truth; decimating without a
    /// filter first folds 500–1000 Hz into the slow channels, so not 0.99), and the
    /// report records the format, the units and the resampling.
    func testMixedRateDiscoverExportNeedsResample() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let prefix = folder.appendingPathComponent("sim").path
        let run = try synergy(["simulate", "-o", prefix, "--muscles", "8", "--synergies", "3", "--sample-rate", "2000",
                               "--duration", "24", "--seed", "11", "--format", "csv"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let rows = try String(contentsOfFile: prefix + ".csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").dropFirst().map(String.init) }
        let count = rows.count
        var text = "Application:, Trigno Discover (1.6.4)\nDate/Time:, 12/4/2026 6:00:00 PM\n"
            + "Collection Length (seconds):, \(Double(count) / 2000)\n"
            + (1...8).map { String(format: "EMG %02d 0%04d (%d)", $0, $0, 50000 + $0) }.joined(separator: ", ") + "\n"
            + Array(repeating: "sensor mode: 45", count: 8).joined(separator: ", ") + "\n"
            + Array(repeating: "EMG 1 (mV)", count: 8).joined(separator: ", ") + "\n"
            + (Array(repeating: "2000.0000 Hz", count: 4) + Array(repeating: "1000.0000 Hz", count: 4)).joined(separator: ", ") + "\n"
        for i in 0..<count {
            let slow = 2 * i < count ? (4..<8).map { rows[2 * i][$0] } : Array(repeating: "", count: 4)
            text += (Array(rows[i][0..<4]) + slow).joined(separator: ",") + "\n"
        }
        let file = folder.appendingPathComponent("discover.csv").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        let refused = try synergy(["count", file, "-o", folder.appendingPathComponent("no.json").path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.stderr, "synergy: error: \(file): the EMG channels have different sample rates: "
                       + "2000 Hz (EMG 01: EMG 1, EMG 02: EMG 1, EMG 03: EMG 1, EMG 04: EMG 1); "
                       + "1000 Hz (EMG 05: EMG 1, EMG 06: EMG 1, EMG 07: EMG 1, EMG 08: EMG 1); "
                       + "give --resample HZ to bring them to one, or choose channels with --muscles\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("no.json").path))

        let output = folder.appendingPathComponent("resampled.json").path
        let resampled = try synergy(["count", file, "--resample", "2000", "--replicates", "5", "-o", output])
        XCTAssertEqual(resampled.status, 0, resampled.stderr)
        let report = try json(output)
        let input = try XCTUnwrap(report["input"] as? [String: Any])
        XCTAssertEqual(input["format"] as? String, "delsys_discover")
        XCTAssertEqual(input["units"] as? [String], Array(repeating: "mV", count: 8))
        XCTAssertEqual(input["warnings"] as? [String],
                       ["resampled from 1000 Hz to 2000 Hz (polyphase, Kaiser-windowed anti-aliasing filter)"])
        XCTAssertEqual(report["count"] as? Int, 3)
        let planted = try PlantedChange.weights(try json(prefix + "_truth.json"))
        for similarity in matched(planted, try PlantedChange.weights(report)) { XCTAssertGreaterThanOrEqual(similarity, 0.9) }
    }
}
