import Foundation
import XCTest

/// The same inputs, seed and protocol give byte-identical files: run after run,
/// for any `--threads`, any `batch --jobs`, and any shard split. Small simulated
/// data and few ranks and replicates keep each test to seconds.
final class DeterminismCLITests: XCTestCase {
    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }

    /// Runs `arguments` + `-o FOLDER/NAME.json` and returns every file it wrote
    /// (name → bytes), with NAME replaced by "RUN" in the file names and contents.
    private func files(_ arguments: [String], in folder: URL, name: String) throws -> [String: Data] {
        let run = try synergy(arguments + ["-o", folder.appendingPathComponent(name + ".json").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        var files = [String: Data]()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasPrefix(name) {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            files[file.replacingOccurrences(of: name, with: "RUN")] = Data(text.replacingOccurrences(of: name, with: "RUN").utf8)
        }
        return files
    }

    /// `count` (ranks 1–5, MU) and `extract` (rank 3, MU and HALS) on a simulated raw recording
    /// (8 muscles, 3 planted synergies, 20 s at 1 kHz): the JSON and the activations CSV are the
    /// same bytes with --threads 1, 2, and 2 again.
    func testCountAndExtractGiveTheSameBytesOnEveryRunAndThreadCount() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let prefix = folder.appendingPathComponent("sim").path
        let simulate = try synergy(["simulate", "-o", prefix, "--muscles", "8", "--synergies", "3", "--sample-rate", "1000",
                                    "--duration", "20", "--format", "csv", "--seed", "4"])
        XCTAssertEqual(simulate.status, 0, simulate.stderr)
        let commands: [(label: String, arguments: [String])] = [
            ("count", ["count", prefix + ".csv", "--max-rank", "5", "--replicates", "4"]),
            ("extract-mu", ["extract", prefix + ".csv", "--rank", "3", "--replicates", "4"]),
            ("extract-hals", ["extract", prefix + ".csv", "--rank", "3", "--replicates", "4", "--algorithm", "hals"]),
        ]
        for (label, arguments) in commands {
            let runs = try ["1", "2", "2"].enumerated().map { index, threads in
                try files(arguments + ["--threads", threads], in: folder, name: "\(label)\(index)")
            }
            XCTAssertEqual(runs[0].keys.sorted(), ["RUN.json", "RUN_activations.csv"], label)
            XCTAssertEqual(runs[0], runs[1], label)
            XCTAssertEqual(runs[1], runs[2], label)
        }
    }

    /// `compare` of a simulated novice and trained session (8 muscles, 3 synergies, 20 s): the
    /// JSON, both activation CSVs and the figure are the same bytes with --threads 1, 2, and 2 again.
    func testCompareGivesTheSameBytesOnEveryRunAndThreadCount() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let prefix = try ToolRunner.novicePair(in: folder)
        let arguments = ["compare", prefix + "_novice.csv", prefix + "_trained.csv", "--events-a", prefix + "_novice_events.csv",
                         "--events-b", prefix + "_trained_events.csv", "--replicates", "3", "--rank-a", "3", "--rank-b", "3"]
        let runs = try ["1", "2", "2"].enumerated().map { index, threads in
            try files(arguments + ["--threads", threads, "--figure", folder.appendingPathComponent("cmp\(index).svg").path],
                      in: folder, name: "cmp\(index)")
        }
        XCTAssertEqual(runs[0].keys.sorted(), ["RUN.json", "RUN.svg", "RUN_a_activations.csv", "RUN_b_activations.csv"])
        XCTAssertEqual(runs[0], runs[1])
        XCTAssertEqual(runs[1], runs[2])
    }

    /// A study (2 groups × 2 subjects × 2 time points, 8 muscles, 3 synergies, 20 s): one run with
    /// --jobs 1 --threads 1, one with --jobs 3 --threads 2, and three shards (--jobs 2) merged give
    /// byte for byte the same session files, study.json, summary.csv and report.html.
    func testBatchGivesTheSameFilesForAnyJobCountAndThreeShards() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let study = try ToolRunner.smallStudy(in: folder, groups: 2, subjects: 2, timePoints: 2, seed: 6)
        let manifest = study.appendingPathComponent("manifest.csv").path
        func batch(_ output: URL, _ extra: [String]) throws {
            let run = try synergy(["batch", manifest, "-o", output.path] + StudyCLITests.fast + extra)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let one = folder.appendingPathComponent("one"), many = folder.appendingPathComponent("many")
        try batch(one, ["--jobs", "1", "--threads", "1"])
        try batch(many, ["--jobs", "3", "--threads", "2"])
        let sharded = folder.appendingPathComponent("sharded")
        for shard in ["1/3", "2/3", "3/3"] { try batch(sharded, ["--jobs", "2", "--shard", shard]) }
        let merge = try synergy(["merge", sharded.path])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let expected = try Self.outputs(one)
        XCTAssertEqual(expected.keys.filter { $0.hasSuffix(".key") }.count, 8)
        XCTAssertEqual(try Self.outputs(many), expected)
        XCTAssertEqual(try Self.outputs(sharded), expected)
    }

    /// Every file of a study's output folder (relative path → bytes), temporaries included.
    static func outputs(_ folder: URL) throws -> [String: Data] {
        var files = [String: Data]()
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            var isFolder: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                files[name] = try Data(contentsOf: url)
            }
        }
        return files
    }
}
