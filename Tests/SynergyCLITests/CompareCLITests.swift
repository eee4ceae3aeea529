import Foundation
import XCTest

/// `synergy compare` as a user runs it: on simulated sessions with a planted
/// training change, on synergy JSON files, and on bad input.
final class CompareCLITests: XCTestCase {
    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }
    private func temporaryFolder() throws -> URL { try ToolRunner.temporaryFolder(for: self) }
    private func json(_ path: String) throws -> [String: Any] { try ToolRunner.json(URL(fileURLWithPath: path)) }

    private func weights(_ report: [String: Any]) throws -> [[Double]] { try PlantedChange.weights(report) }
    private func cosine(_ x: [Double], _ y: [Double]) -> Double { PlantedChange.cosine(x, y) }
    private func correspondence(planted: [[Double]], recovered: [[Double]]) -> [Int] {
        PlantedChange.correspondence(planted: planted, recovered: recovered)
    }

    /// Simulated novice and trained sessions (20 muscles, 5 synergies, the same electrode gains): novice synergy 0 is
    /// fractionated into two, novice 3 and 4 merged into one, the other two kept
    /// (`simulate --training-change`). Compared at the planted rank 5, `compare` must report
    /// exactly one fractionation, of the recovered novice synergy corresponding to planted 0,
    /// into the recovered trained synergies of the two planted fractions; exactly one merging,
    /// of the trained synergy corresponding to the planted merged one, from the novice
    /// synergies corresponding to planted 3 and 4; and each kept pair matched with similarity
    /// ≥ 0.9. Each recovered synergy is first checked to be its planted one (≥ 0.92: recovered
    /// weights are in the envelope's unit-variance muscle scales, not the planted raw units;
    /// under the default per-session scale the lowest, a trained fraction, is 0.928, against
    /// 0.948 with one shared scale over both sessions). The
    /// figure and both activation files are written; the same run again gives the same bytes,
    /// whatever the thread count.
    func testFindsThePlantedFractionationAndMerging() throws {
        let folder = try temporaryFolder()
        let prefix = folder.appendingPathComponent("runner").path
        // --same-gains: the electrodes stay in place between the sessions; gains drawn per session
        // are BootstrapCLITests' and ScalingUnderElectrodeGainsTests' case.
        let simulate = try synergy(["simulate", "--training-change", "-o", prefix, "--muscles", "20", "--synergies", "5",
                                    "--sample-rate", "1000", "--duration", "40", "--format", "csv", "--seed", "7",
                                    "--same-gains"])
        XCTAssertEqual(simulate.status, 0, simulate.stderr)
        let change = try json(prefix + "_change.json")
        let planted = (novice: try weights(try json(prefix + "_novice_truth.json")),
                       trained: try weights(try json(prefix + "_trained_truth.json")))

        let output = folder.appendingPathComponent("compare.json").path
        let figure = folder.appendingPathComponent("compare.svg").path
        let arguments = ["compare", prefix + "_novice.csv", prefix + "_trained.csv",
                         "--events-a", prefix + "_novice_events.csv", "--events-b", prefix + "_trained_events.csv",
                         "--rank-a", "5", "--rank-b", "5", "--replicates", "6", "-o", output, "--figure", figure]
        let run = try synergy(arguments)
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try json(output)
        let a = try XCTUnwrap(report["a"] as? [String: Any]), b = try XCTUnwrap(report["b"] as? [String: Any])
        let toA = correspondence(planted: planted.novice, recovered: try weights(a))
        let toB = correspondence(planted: planted.trained, recovered: try weights(b))
        for (truth, index) in toA.enumerated() {
            XCTAssertGreaterThanOrEqual(cosine(planted.novice[truth], try weights(a)[index]), 0.92, "novice \(truth)")
        }
        for (truth, index) in toB.enumerated() {
            XCTAssertGreaterThanOrEqual(cosine(planted.trained[truth], try weights(b)[index]), 0.92, "trained \(truth)")
        }

        let fractionated = try XCTUnwrap(change["fractionated"] as? [String: Any])
        let fractionation = try XCTUnwrap(report["fractionation"] as? [[String: Any]])
        XCTAssertEqual(fractionation.count, 1, run.stdout)
        XCTAssertEqual(fractionation.first?["a"] as? Int, toA[try XCTUnwrap(fractionated["novice"] as? Int)])
        XCTAssertEqual(fractionation.first?["fractions_b"] as? [Int],
                       try XCTUnwrap(fractionated["trained"] as? [Int]).map { toB[$0] }.sorted())

        let merged = try XCTUnwrap(change["merged"] as? [String: Any])
        let merging = try XCTUnwrap(report["merging"] as? [[String: Any]])
        XCTAssertEqual(merging.count, 1, run.stdout)
        XCTAssertEqual(merging.first?["b"] as? Int, toB[try XCTUnwrap(merged["trained"] as? Int)])
        XCTAssertEqual(merging.first?["sources_a"] as? [Int],
                       try XCTUnwrap(merged["novice"] as? [Int]).map { toA[$0] }.sorted())
        XCTAssertEqual(report["merging_index_b"] as? Double, 0.2)
        XCTAssertEqual(report["fractionation_index_a"] as? Double, 0.2)

        let matches = try XCTUnwrap(report["matches"] as? [[String: Any]])
        for pair in try XCTUnwrap(change["kept"] as? [[String: Int]]) {
            let match = matches.first { $0["a"] as? Int == toA[pair["novice"]!] }
            XCTAssertEqual(match?["b"] as? Int, toB[pair["trained"]!], "kept novice \(pair["novice"]!)")
            XCTAssertGreaterThanOrEqual(match?["similarity"] as? Double ?? 0, 0.9)
        }
        let crossFit = try XCTUnwrap(report["cross_fit"] as? [[String: Any]])
        XCTAssertEqual(crossFit.map { "\($0["weights"]!)→\($0["emg"]!)" }, ["a→b", "b→a"])
        for fit in crossFit {
            // Another session's synergies explain the EMG less well than its own.
            XCTAssertLessThan(try XCTUnwrap(fit["r2"] as? Double), try XCTUnwrap(fit["own_r2"] as? Double))
        }
        XCTAssertEqual(report["session_scale"] as? String, "per_session")
        for side in ["a", "b"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("compare_\(side)_activations.csv").path))
        }
        let svg = try String(contentsOfFile: figure, encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        XCTAssertTrue(svg.contains("Merging") && svg.contains("Fractionation"))

        let again = folder.appendingPathComponent("again.json").path
        let oneThread = try synergy(arguments.map { $0 == output ? again : $0 == figure ? figure + ".2.svg" : $0 }
                                    + ["--threads", "1"])
        XCTAssertEqual(oneThread.status, 0, oneThread.stderr)
        let first = try String(contentsOfFile: output, encoding: .utf8)
        let second = try String(contentsOfFile: again, encoding: .utf8)
        XCTAssertEqual(first.replacingOccurrences(of: "compare_", with: "again_"), second)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: figure)),
                       try Data(contentsOf: URL(fileURLWithPath: figure + ".2.svg")))
    }

    /// Synergies read back from `count` JSON compare exactly as the recordings they came
    /// from compared with the default per-session scaling (each recording scaled by itself,
    /// as `count` scales it: the same protocol, seed and ranks give the same synergies); a
    /// JSON side reports no cross-fit on its EMG.
    func testJSONSidesReuseTheirSynergies() throws {
        let folder = try temporaryFolder()
        let prefix = folder.appendingPathComponent("s").path
        XCTAssertEqual(try synergy(["simulate", "--training-change", "-o", prefix, "--muscles", "8", "--synergies", "3",
                                    "--sample-rate", "500", "--duration", "20", "--format", "csv"]).status, 0)
        let common = ["--replicates", "3", "--algorithm", "hals"]
        for session in ["novice", "trained"] {
            let count = try synergy(["count", "\(prefix)_\(session).csv", "-o", "\(prefix)_\(session)_count.json"] + common)
            XCTAssertEqual(count.status, 0, count.stderr)
        }
        let fromRecordings = folder.appendingPathComponent("recordings.json").path
        let fromJSON = folder.appendingPathComponent("json.json").path
        let recordings = try synergy(["compare", prefix + "_novice.csv", prefix + "_trained.csv", "-o", fromRecordings] + common)
        XCTAssertEqual(recordings.status, 0, recordings.stderr)
        let reused = try synergy(["compare", prefix + "_novice_count.json", prefix + "_trained_count.json", "-o", fromJSON] + common)
        XCTAssertEqual(reused.status, 0, reused.stderr)
        let (x, y) = (try json(fromRecordings), try json(fromJSON))
        for key in ["similarity", "matches", "merging", "fractionation", "muscles"] {
            XCTAssertEqual(x[key] as? NSObject, y[key] as? NSObject, key)
        }
        XCTAssertEqual(try weights(try XCTUnwrap(x["a"] as? [String: Any])), try weights(try XCTUnwrap(y["a"] as? [String: Any])))
        XCTAssertEqual(((y["sources"] as? [String: Any])?["a"] as? [String: Any])?["kind"] as? String, "synergies_json")
        XCTAssertEqual((y["cross_fit"] as? [Any])?.count, 0)
        XCTAssertEqual(y["session_scale"] as? String, "as_given")
        XCTAssertEqual(x["session_scale"] as? String, "per_session")
        // A JSON side cannot be compared at a rank it does not hold.
        let wrongRank = try synergy(["compare", prefix + "_novice_count.json", prefix + "_trained_count.json", "--rank-a", "2"])
        XCTAssertEqual(wrongRank.status, 2)
        XCTAssertTrue(wrongRank.stderr.contains("_novice_count.json: holds synergies at rank 3 only"), wrongRank.stderr)
    }

    /// Sessions with different muscles are compared on the common ones and say which
    /// were dropped; --strict refuses them; one common muscle is an error.
    func testMusclesAreMatchedByName() throws {
        let folder = try temporaryFolder()
        let envelope = ToolRunner.repository.appendingPathComponent("Datasets/musclesyneRgies/reference_syns/ID0001_TW_01_V.csv").path
        let lines = try String(contentsOfFile: envelope, encoding: .utf8).split(separator: "\n").map(String.init)
        // B: the next subject without its first muscle (ME), columns in reverse order, names in lower case.
        let next = try String(contentsOfFile: envelope.replacingOccurrences(of: "ID0001", with: "ID0002"), encoding: .utf8)
            .split(separator: "\n").map { line in
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return ([cells[0]] + cells.dropFirst(2).reversed()).joined(separator: ",")
            }
        let reordered = folder.appendingPathComponent("b.csv").path
        try (next.enumerated().map { $0.offset == 0 ? $0.element.lowercased() : $0.element }.joined(separator: "\n") + "\n")
            .write(toFile: reordered, atomically: true, encoding: .utf8)
        XCTAssertEqual(lines.count, next.count)
        let output = folder.appendingPathComponent("out.json").path
        let run = try synergy(["compare", envelope, reordered, "--input", "envelope", "--protocol", "santuz", "-o", output])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try json(output)
        let muscles = try XCTUnwrap(report["muscles"] as? [String])
        XCTAssertEqual(muscles.count, 12)
        XCTAssertFalse(muscles.contains("ME"))
        XCTAssertEqual(muscles.first, "MA")  // A's order and spelling
        let sources = try XCTUnwrap(report["sources"] as? [String: [String: Any]])
        XCTAssertEqual(sources["a"]?["dropped_muscles"] as? [String], ["ME"])
        XCTAssertEqual(sources["b"]?["dropped_muscles"] as? [String], [])
        XCTAssertTrue(run.stdout.contains("dropped from A (not in the other session): ME"), run.stdout)
        // B's weights were reordered to A's muscle order: each B muscle's row is the same muscle.
        let b = try XCTUnwrap(report["b"] as? [String: Any])
        XCTAssertEqual((b["muscles"] as? [String])?.map { $0.uppercased() }, muscles)

        let strictOutput = folder.appendingPathComponent("strict.json").path
        let strict = try synergy(["compare", envelope, reordered, "--input", "envelope", "--protocol", "santuz", "--strict",
                                  "-o", strictOutput])
        XCTAssertEqual(strict.status, 2)
        XCTAssertEqual(strict.stderr.split(separator: "\n").count, 1, strict.stderr)
        XCTAssertTrue(strict.stderr.contains("b.csv: --strict: its muscles differ") && strict.stderr.contains("only in A: ME"),
                      strict.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: strictOutput))

        // Only one muscle in common.
        let lonely = folder.appendingPathComponent("lonely.csv").path
        try (lines.enumerated().map { index, line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return index == 0 ? ([cells[0], cells[1]] + cells.dropFirst(2).map { "X" + $0 }).joined(separator: ",") : line
        }.joined(separator: "\n") + "\n").write(toFile: lonely, atomically: true, encoding: .utf8)
        let one = try synergy(["compare", envelope, lonely, "--input", "envelope", "--protocol", "santuz", "-o", output + ".x.json"])
        XCTAssertEqual(one.status, 2)
        XCTAssertTrue(one.stderr.contains("lonely.csv: has 1 muscle(s) in common with"), one.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + ".x.json"))
    }

    /// JSON that is not a synergy report: one line naming the file and the problem,
    /// exit code 2, nothing written.
    func testBadSynergyJSON() throws {
        let folder = try temporaryFolder()
        let good = folder.appendingPathComponent("good.json").path
        let subject = ToolRunner.repository.appendingPathComponent("Datasets/musclesyneRgies/reference_syns/ID0003_TW_01_V.csv").path
        XCTAssertEqual(try synergy(["extract", subject, "--input", "envelope", "--protocol", "santuz", "--rank", "3",
                                    "--replicates", "1", "-o", good]).status, 0)
        var old = try json(good)
        old["tool_version"] = "0.0.9"
        old.removeValue(forKey: "sparseness")
        let cases: [(name: String, contents: Data, message: String)] = [
            ("garbage.json", Data("{ not json".utf8), "garbage.json: is not valid JSON"),
            ("old.json", try JSONSerialization.data(withJSONObject: old),
             "old.json: missing field 'sparseness' (synergy 0.0.9 (this is "),
            ("list.json", Data("[1, 2]".utf8), "list.json: is JSON but not a synergy report"),
        ]
        for bad in cases {
            let path = folder.appendingPathComponent(bad.name).path
            try bad.contents.write(to: URL(fileURLWithPath: path))
            let output = folder.appendingPathComponent("out-\(bad.name)").path
            let run = try synergy(["compare", good, path, "-o", output])
            XCTAssertEqual(run.status, 2, bad.name)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.contains(bad.message), run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        }
        let missing = try synergy(["compare", good, folder.appendingPathComponent("absent.json").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("absent.json: no such file"), missing.stderr)
    }

    /// The amplitude scale of two recordings: B is A with one muscle's EMG doubled (an
    /// electrode re-applied with twice the gain). With the default per-session unit variance
    /// (the paper) the doubling is normalised away, so B's envelope, and so its synergies,
    /// equal A's (every match ≥ 0.999999) and the JSON records `per_session`. With
    /// `--session-scale shared` B's envelope of that muscle is twice A's, so the synergy that
    /// weights it most weights it more in B than in A (ratio > 1.3), and the JSON records `shared`.
    func testSharedScaleKeepsAnAmplitudeChange() throws {
        let folder = try temporaryFolder()
        let prefix = folder.appendingPathComponent("a").path
        XCTAssertEqual(try synergy(["simulate", "-o", prefix, "--muscles", "8", "--synergies", "3", "--sample-rate", "500",
                                    "--duration", "20", "--format", "csv"]).status, 0)
        var lines = try String(contentsOfFile: prefix + ".csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let doubled = 3  // column of the fourth channel after the time column
        for index in 1..<lines.count {
            var cells = lines[index].split(separator: ",").map(String.init)
            cells[doubled] = "\(2 * Double(cells[doubled])!)"
            lines[index] = cells.joined(separator: ",")
        }
        let b = folder.appendingPathComponent("b.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: b, atomically: true, encoding: .utf8)
        var results = [String: [String: Any]]()
        let runs: [(name: String, flags: [String])] = [("default", []), ("shared", ["--session-scale", "shared"])]
        for (name, flags) in runs {
            let output = folder.appendingPathComponent("\(name).json").path
            let run = try synergy(["compare", prefix + ".csv", b, "--rank-a", "3", "--rank-b", "3",
                                   "--replicates", "4", "-o", output] + flags)
            XCTAssertEqual(run.status, 0, run.stderr)
            results[name] = try json(output)
        }
        let perSession = try XCTUnwrap(results["default"]), shared = try XCTUnwrap(results["shared"])
        XCTAssertEqual(perSession["session_scale"] as? String, "per_session")
        XCTAssertEqual(shared["session_scale"] as? String, "shared")
        let matches = try XCTUnwrap(perSession["matches"] as? [[String: Any]])
        XCTAssertEqual(matches.count, 3)
        for match in matches { XCTAssertGreaterThanOrEqual(try XCTUnwrap(match["similarity"] as? Double), 0.999999) }

        let muscle = doubled - 1
        let a = try weights(try XCTUnwrap(shared["a"] as? [String: Any]))
        let bWeights = try weights(try XCTUnwrap(shared["b"] as? [String: Any]))
        let strongest = try XCTUnwrap(a.indices.max { a[$0][muscle] < a[$1][muscle] })
        let partner = try XCTUnwrap(bWeights.indices.max { cosine(a[strongest], bWeights[$0]) < cosine(a[strongest], bWeights[$1]) })
        XCTAssertGreaterThan(bWeights[partner][muscle] / a[strongest][muscle], 1.3)
    }
}
