import Foundation
import XCTest

/// Runs the built `synergy` tool as a user would.
final class CLITests: XCTestCase {
    private let subject = ToolRunner.repository.appendingPathComponent("Datasets/musclesyneRgies/reference_syns/ID0003_TW_01_V.csv").path

    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }
    private func temporaryFolder() throws -> URL { try ToolRunner.temporaryFolder(for: self) }
    private func json(_ url: URL) throws -> [String: Any] { try ToolRunner.json(url) }

    func testCountWritesReportAndActivations() throws {
        let folder = try temporaryFolder()
        let output = folder.appendingPathComponent("id3.json")
        let run = try synergy(["count", subject, "--input", "envelope", "--protocol", "santuz", "-o", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("Number of synergies: 5"), run.stdout)
        XCTAssertTrue(run.stdout.contains("← count"))

        let report = try json(output)
        XCTAssertEqual(report["command"] as? String, "count")
        XCTAssertEqual(report["count"] as? Int, 5)
        XCTAssertEqual(report["rank"] as? Int, 5)
        XCTAssertEqual(report["tool_version"] as? String, "0.1.0")
        let input = try XCTUnwrap(report["input"] as? [String: Any])
        XCTAssertEqual(input["path"] as? String, subject)
        XCTAssertEqual(input["sha256"] as? String, try sha256sum(subject))
        let muscles = try XCTUnwrap(report["muscles"] as? [String])
        XCTAssertEqual(muscles.first, "ME")
        XCTAssertEqual(muscles.count, 13)
        let ranks = try XCTUnwrap(report["ranks"] as? [[String: Any]])
        XCTAssertEqual(ranks.map { $0["rank"] as? Int }, (1...10).map { $0 })
        XCTAssertTrue(ranks.allSatisfy { $0["r2"] is Double && $0["iterations"] is Int && $0["converged"] is Bool })
        let settings = try XCTUnwrap((report["protocol"] as? [String: Any])?["factorization"] as? [String: Any])
        XCTAssertEqual(settings["replicates"] as? Int, 5)
        XCTAssertEqual(settings["max_iterations"] as? Int, 1000)
        let synergies = try XCTUnwrap(report["synergies"] as? [[String: Any]])
        XCTAssertEqual(synergies.count, 5)
        for synergy in synergies {
            let weights = try XCTUnwrap(synergy["weights"] as? [Double])
            XCTAssertEqual(weights.count, 13)
            XCTAssertEqual(weights.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-9)
        }

        XCTAssertEqual(report["activations_csv"] as? String, "id3_activations.csv")
        let csv = try String(contentsOf: folder.appendingPathComponent("id3_activations.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        XCTAssertEqual(rows.first, "point,S1,S2,S3,S4,S5")
        XCTAssertEqual(rows.count, 201)
        XCTAssertEqual(rows[1].split(separator: ",").count, 6)
    }

    func testSameSeedGivesIdenticalFilesForAnyThreadCount() throws {
        let folder = try temporaryFolder()
        var outputs = [Data]()
        for (index, threads) in ["1", "2", "1"].enumerated() {
            let output = folder.appendingPathComponent("run\(index).json")
            let run = try synergy(["count", subject, "--input", "envelope", "--threads", threads, "--replicates", "6", "-o", output.path])
            XCTAssertEqual(run.status, 0, run.stderr)
            var json = try String(contentsOf: output, encoding: .utf8)
            json = json.replacingOccurrences(of: "run\(index)_activations", with: "ACTIVATIONS")
            outputs.append(Data(json.utf8))
            outputs.append(try Data(contentsOf: folder.appendingPathComponent("run\(index)_activations.csv")))
        }
        XCTAssertEqual(outputs[0], outputs[2])
        XCTAssertEqual(outputs[1], outputs[3])
        XCTAssertEqual(outputs[0], outputs[4])
    }

    /// `--precision` is recorded in the report; both precisions count the
    /// package's 5 synergies, with R² per rank within 1e-4 of each other.
    func testPrecisionIsRecordedAndBothCountTheSame() throws {
        let folder = try temporaryFolder()
        var reports = [String: [String: Any]]()
        for precision in ["single", "double"] {
            let output = folder.appendingPathComponent("\(precision).json")
            var arguments = ["count", subject, "--input", "envelope", "--protocol", "santuz", "-o", output.path]
            if precision == "double" { arguments += ["--precision", "double"] }
            let run = try synergy(arguments)
            XCTAssertEqual(run.status, 0, run.stderr)
            reports[precision] = try json(output)
        }
        for (precision, report) in reports {
            let settings = try XCTUnwrap((report["protocol"] as? [String: Any])?["factorization"] as? [String: Any])
            XCTAssertEqual(settings["precision"] as? String, precision)
            XCTAssertEqual(report["count"] as? Int, 5)
        }
        let single = try XCTUnwrap(reports["single"]?["ranks"] as? [[String: Any]])
        let double = try XCTUnwrap(reports["double"]?["ranks"] as? [[String: Any]])
        XCTAssertEqual(single.count, double.count)
        for (s, d) in zip(single, double) {
            XCTAssertEqual(try XCTUnwrap(s["r2"] as? Double), try XCTUnwrap(d["r2"] as? Double), accuracy: 1e-4)
        }
    }

    func testExtractHALSAtOneRank() throws {
        let folder = try temporaryFolder()
        let output = folder.appendingPathComponent("x.json")
        let run = try synergy(["extract", subject, "--input", "envelope", "--rank", "4", "--algorithm", "hals", "-o", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try json(output)
        XCTAssertEqual(report["rank"] as? Int, 4)
        XCTAssertNil(report["count"])
        XCTAssertEqual(((report["protocol"] as? [String: Any])?["factorization"] as? [String: Any])?["algorithm"] as? String, "hals")
        XCTAssertEqual((report["ranks"] as? [[String: Any]])?.count, 1)
    }

    func testBadInputFailsWithOneLineExitTwoAndNoOutput() throws {
        let folder = try temporaryFolder()
        let nan = folder.appendingPathComponent("nan.csv")
        try "time,TA,SOL\n0,1,2\n1,nan,3\n2,1,1\n".write(to: nan, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.json")
        let cases: [([String], String)] = [
            (["count", folder.appendingPathComponent("missing.csv").path, "-o", output.path], "missing.csv: no such file"),
            (["count", nan.path, "--input", "envelope", "-o", output.path], "nan.csv: line 3, column 'TA': value 'nan' is not finite"),
            (["extract", subject, "--input", "envelope", "--rank", "14", "-o", output.path], "--rank 14 is more than its 13 muscles"),
            (["count", subject, "--input", "envelope", "--frobnicate"], "Unknown option '--frobnicate'"),
            (["count", subject, "--input", "envelope", "--protocol", "nope"], "nope"),
            (["count", subject, "--input", "envelope", "--per-muscle-threshold", "0.8"], "--per-muscle-threshold goes with --criterion vaf"),
            (["count", subject, "--input", "envelope", "--algorithm", "hals", "--precision", "double"],
             "--precision double is for --algorithm mu (HALS works in single precision)"),
            (["count", subject, "--input", "envelope", "-o", folder.appendingPathComponent("no/such/dir/x.json").path], "does not exist"),
        ]
        for (arguments, message) in cases {
            let run = try synergy(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertFalse(run.stderr.contains("Fatal"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["nan.csv"])
    }

    /// An output path naming an input (the activations CSV beside the JSON, a
    /// path through "./", or a symbolic link) is refused before anything is written.
    func testAnInputIsNeverOverwritten() throws {
        let folder = try temporaryFolder()
        let envelope = folder.appendingPathComponent("in_activations.csv")
        try FileManager.default.copyItem(atPath: subject, toPath: envelope.path)
        let raw = folder.appendingPathComponent("raw.csv")
        try FileManager.default.copyItem(at: ToolRunner.repository.appendingPathComponent("Datasets/musclesyneRgies/RAW_EMG_ID0012_TW_01.csv"),
                                         to: raw)
        let link = folder.appendingPathComponent("link.csv")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: raw)
        let before = try [envelope, raw].map { try sha256sum($0.path) }
        let cases: [([String], String)] = [
            (["extract", envelope.path, "--input", "envelope", "--rank", "2", "-o", folder.path + "/in.json"],
             "in_activations.csv"),
            (["preprocess", raw.path, "-o", folder.path + "/./raw.csv"], "raw.csv"),
            (["preprocess", link.path, "-o", raw.path], "raw.csv"),
        ]
        for (arguments, named) in cases {
            let run = try synergy(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("\(named): is an input of this run and will not be overwritten"), run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        }
        XCTAssertEqual(try [envelope, raw].map { try sha256sum($0.path) }, before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                       ["in_activations.csv", "link.csv", "raw.csv"])
    }

    private func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }
}
