import Foundation
import XCTest

/// One flag, one meaning (renamed 2026-12): `--similarity` is the matching similarity of
/// `compare` and `batch`, `--criterion-threshold` the rank criterion's threshold of `count`,
/// `compare` and `batch`, `--session-scale` how `compare` scales two recordings, and
/// `--normalise` the amplitude normalisation everywhere. The old spellings are refused.
final class OptionNamesCLITests: XCTestCase {
    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }
    private func temporaryFolder() throws -> URL { try ToolRunner.temporaryFolder(for: self) }

    /// Each old spelling, on the command line or in a batch config file, exits with code 2,
    /// prints one line on standard error naming the new flag and nothing on standard output,
    /// and writes nothing into the output folder, where the same run with the new name works
    /// (checked for compare's and batch's similarity below).
    func testOldSpellingsAreRefusedNamingTheNewFlag() throws {
        let folder = try temporaryFolder()
        let prefix = try ToolRunner.novicePair(in: folder)
        let (novice, trained) = (prefix + "_novice.csv", prefix + "_trained.csv")
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let json = out.appendingPathComponent("x.json").path
        let manifest = folder.appendingPathComponent("manifest.csv")
        try "subject,group,session,path\nS01,g,week0,runner_novice.csv\nS02,g,week0,runner_trained.csv\n"
            .write(to: manifest, atomically: true, encoding: .utf8)
        func config(_ text: String) throws -> String {
            let path = folder.appendingPathComponent("config-\(UUID().uuidString).yaml")
            try text.write(to: path, atomically: true, encoding: .utf8)
            return path.path
        }
        let threshold = "--threshold was renamed: use --similarity (matching) or --criterion-threshold (rank criterion)"
        let cases: [([String], String)] = [
            (["count", novice, "--threshold", "0.9", "-o", json], threshold),
            (["compare", novice, trained, "--threshold", "0.85", "-o", json], threshold),
            (["batch", manifest.path, "-o", out.appendingPathComponent("study").path, "--threshold", "0.9"], threshold),
            (["batch", manifest.path, "-o", out.appendingPathComponent("study").path, "--config", try config("threshold: 0.9\n")],
             threshold),
            (["batch", manifest.path, "-o", out.appendingPathComponent("study").path, "--similarity-threshold", "0.9"],
             "--similarity-threshold was renamed: use --similarity"),
            (["batch", manifest.path, "-o", out.appendingPathComponent("study").path,
              "--config", try config("similarity_threshold: 0.9\n")], "--similarity-threshold was renamed: use --similarity"),
            (["compare", novice, trained, "--similarity-threshold", "0.9", "-o", json],
             "--similarity-threshold was renamed: use --similarity"),
            (["compare", novice, trained, "--normalise", "per-session", "-o", json],
             "--normalise per-session was renamed: use --session-scale per-session"),
            (["compare", novice, trained, "--normalise", "shared", "-o", json],
             "--normalise shared was renamed: use --session-scale shared"),
        ]
        for (arguments, message) in cases {
            let run = try synergy(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("synergy: error: \(message)"), "\(arguments): \(run.stderr)")
            XCTAssertEqual(run.stdout, "", "\(arguments)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "\(arguments)")
        }
        // --normalise keeps its meaning, amplitude normalisation, in compare too.
        let normalised = try synergy(["compare", novice, trained, "--normalise", "trial_maximum", "--rank-a", "3",
                                      "--rank-b", "3", "--max-rank", "3", "--replicates", "2", "-o", json])
        XCTAssertEqual(normalised.status, 0, normalised.stderr)
        let report = try ToolRunner.json(URL(fileURLWithPath: json))
        let side = try XCTUnwrap(report["a"] as? [String: Any])
        let preprocessing = try XCTUnwrap((side["protocol"] as? [String: Any])?["preprocessing"] as? [String: Any])
        XCTAssertEqual(preprocessing["amplitude"] as? String, "trial_maximum")
    }

    /// Every command's help names the same flag for the same concept, and none the old ones.
    func testHelpUsesOneFlagPerConcept() throws {
        let expected: [(command: String, present: [String], absent: [String])] = [
            ("compare", ["--similarity <", "--coefficient-min", "--criterion-threshold", "--max-rank", "--criterion <",
                         "--session-scale", "--normalise <"], []),
            ("count", ["--criterion-threshold", "--max-rank", "--normalise <"], ["--similarity", "--session-scale"]),
            ("batch", ["--similarity <", "--coefficient-min", "--criterion-threshold", "--max-rank", "--normalise <"],
             ["--session-scale"]),
            ("extract", ["--normalise <"], ["--similarity", "--criterion-threshold", "--session-scale"]),
            ("preprocess", ["--normalise <"], ["--similarity", "--criterion-threshold", "--session-scale"]),
        ]
        for (command, present, absent) in expected {
            let run = try synergy([command, "--help"])
            XCTAssertEqual(run.status, 0, run.stderr)
            for flag in present { XCTAssertTrue(run.stdout.contains(flag), "\(command) --help lacks \(flag):\n\(run.stdout)") }
            for flag in absent + ["--threshold", "--similarity-threshold"] {
                XCTAssertFalse(run.stdout.contains(flag), "\(command) --help shows \(flag):\n\(run.stdout)")
            }
            // --normalise offers the amplitude normalisations only.
            let lines = run.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("--normalise <") }, command)
            let entry = ([lines[start]] + lines[(start + 1)...].prefix { !$0.hasPrefix("-") }).joined(separator: " ")
            XCTAssertTrue(entry.contains("unit_variance") && !entry.contains("per-session"), entry)
        }
    }

    /// `compare --criterion-threshold` reaches the rank criterion of both sides: on the
    /// simulated pair (8 muscles; B's R² is 0.86 at rank 2, 0.98 at rank 3) R² ≥ 0.90 counts
    /// no fewer synergies than the default R² ≥ 0.80 on either side and more on at least one,
    /// and each side's JSON records the threshold used; `--max-rank` bounds both sweeps.
    func testCompareCountsByTheCriterionThresholdGiven() throws {
        let folder = try temporaryFolder()
        let prefix = try ToolRunner.novicePair(in: folder)
        var counts = [String: [Int]]()
        for (name, flags, threshold) in [("default", [String](), 0.80), ("higher", ["--criterion-threshold", "0.9"], 0.90)] {
            let output = folder.appendingPathComponent("\(name).json")
            let run = try synergy(["compare", prefix + "_novice.csv", prefix + "_trained.csv", "--max-rank", "6",
                                   "--replicates", "2", "--algorithm", "hals", "-o", output.path] + flags)
            XCTAssertEqual(run.status, 0, run.stderr)
            let report = try ToolRunner.json(output)
            for label in ["a", "b"] {
                let side = try XCTUnwrap(report[label] as? [String: Any])
                counts[name, default: []].append(try XCTUnwrap(side["count"] as? Int, "\(name) \(label)"))
                let criterion = (side["protocol"] as? [String: Any])?["criterion"] as? [String: Any]
                XCTAssertEqual(criterion?["threshold"] as? Double, threshold, "\(name) \(label)")
                XCTAssertEqual((side["ranks"] as? [Any])?.count, 6, "\(name) \(label)")
            }
        }
        let (base, higher) = (try XCTUnwrap(counts["default"]), try XCTUnwrap(counts["higher"]))
        XCTAssertTrue(zip(base, higher).allSatisfy { $0 <= $1 }, "\(base) → \(higher)")
        XCTAssertNotEqual(base, higher)
    }

    /// `batch --similarity` and `--coefficient-min` (here one from a config file, one from the
    /// command line) reach the study's group-analysis settings, which study.json records.
    func testBatchSimilarityReachesTheStudySettings() throws {
        let folder = try temporaryFolder()
        let study = try ToolRunner.smallStudy(in: folder, groups: 1, subjects: 2, timePoints: 1)
        let config = folder.appendingPathComponent("study.yaml")
        try "similarity: 0.7\n".write(to: config, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")
        let run = try synergy(["batch", study.appendingPathComponent("manifest.csv").path, "-o", output.path,
                               "--config", config.path, "--coefficient-min", "0.3", "--max-rank", "4", "--replicates", "2",
                               "--algorithm", "hals", "--max-clusters", "3", "--kmeans-replicates", "5",
                               "--gap-references", "3", "--gap-replicates", "3", "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try ToolRunner.json(output.appendingPathComponent("study.json"))
        let group = try XCTUnwrap((report["settings"] as? [String: Any])?["group_analysis"] as? [String: Any])
        XCTAssertEqual(group["threshold"] as? Double, 0.7)
        XCTAssertEqual(group["coefficient_minimum"] as? Double, 0.3)
    }
}
