import Foundation
import XCTest

/// `synergy batch --bootstrap` as a user runs it: each session's resamples kept in
/// `sessions/ID_resamples.json`, the count intervals in study.json, summary.csv and the
/// report, and the support of every match, merging and fractionation of the timelines.
final class StudyBootstrapCLITests: XCTestCase {
    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }

    /// Fast settings: HALS with 4 replicates, the group analysis with reduced replicate counts.
    private static let fast = ["--algorithm", "hals", "--replicates", "4", "--kmeans-replicates", "50", "--gap-references", "20",
                               "--gap-replicates", "10", "--max-clusters", "8"]

    /// A 2 × 2 × 2 study with `--bootstrap 6`:
    /// - every session has `sessions/ID_resamples.json` with 6 resamples, each a W of whole weight
    ///   vectors and a matching onto the full data's synergies; sessions draw different resamples;
    /// - study.json's sessions have `count_interval`, summary.csv's `count_low` and `count_high` are filled;
    /// - every timeline step's matches, mergings and fractionations carry a `support` in [0, 1];
    /// - the report shows the sessions' "95 %" intervals and "support" in the timelines;
    /// - a second run keeps every session (nothing recomputed, no file rewritten) and gives the same bytes;
    /// - without `--bootstrap`: no resamples files and no support anywhere.
    func testBatchBootstrapKeepsResamplesAndGivesTheTimelinesSupport() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let study = try ToolRunner.smallStudy(in: folder, groups: 2, subjects: 2, timePoints: 2, seed: 4)
        let manifest = study.appendingPathComponent("manifest.csv").path
        let output = folder.appendingPathComponent("boot")
        let arguments = ["batch", manifest, "-o", output.path] + Self.fast + ["--bootstrap", "6", "--jobs", "2"]
        let first = try synergy(arguments)
        XCTAssertEqual(first.status, 0, first.stderr)

        let report = try ToolRunner.json(output.appendingPathComponent("study.json"))
        let sessions = try XCTUnwrap(report["sessions"] as? [[String: Any]])
        XCTAssertEqual(sessions.count, 8)
        let sessionsFolder = output.appendingPathComponent("sessions")
        var firstResamples = [Data]()
        for session in sessions {
            XCTAssertEqual(session["status"] as? String, "ok")
            let id = try XCTUnwrap(session["id"] as? String)
            let interval = try XCTUnwrap(session["count_interval"] as? [Any], id)
            XCTAssertEqual(interval.count, 2, id)
            let rank = try XCTUnwrap(session["rank"] as? Int, id)
            let file = sessionsFolder.appendingPathComponent(id + "_resamples.json")
            let resamples = try XCTUnwrap(try ToolRunner.json(file)["resamples"] as? [[String: Any]], id)
            XCTAssertEqual(resamples.count, 6, id)
            for resample in resamples {
                let weights = try XCTUnwrap(resample["weights"] as? [[Double]], id)
                let matched = try XCTUnwrap(resample["matched_to"] as? [Int], id)
                XCTAssertEqual(weights.count, rank, id)
                XCTAssertTrue(weights.allSatisfy { $0.count == 8 && $0.allSatisfy { $0 >= 0 && $0.isFinite } }, id)
                XCTAssertEqual(matched.sorted(), Array(0..<rank), id)
            }
            firstResamples.append(try Data(contentsOf: file))
        }
        XCTAssertEqual(Set(firstResamples).count, firstResamples.count, "each session draws its own resamples")

        let summary = try String(contentsOf: output.appendingPathComponent("summary.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let low = try XCTUnwrap(summary[0].firstIndex(of: "count_low")), high = try XCTUnwrap(summary[0].firstIndex(of: "count_high"))
        XCTAssertEqual(summary.count, 9)
        for row in summary.dropFirst() {
            XCTAssertNotNil(Int(row[low]), row.joined(separator: ","))
            XCTAssertNotNil(Int(row[high]), row.joined(separator: ","))
        }

        let timelines = try XCTUnwrap(report["timelines"] as? [[String: Any]])
        XCTAssertEqual(timelines.count, 4)
        var instances = 0
        for timeline in timelines {
            let steps = try XCTUnwrap(timeline["steps"] as? [[String: Any]])
            XCTAssertEqual(steps.count, 1)
            for step in steps {
                for kind in ["matches", "merging", "fractionation"] {
                    for entry in try XCTUnwrap(step[kind] as? [[String: Any]]) {
                        let support = try XCTUnwrap(entry["support"] as? Double, "\(kind) without support")
                        XCTAssertTrue((0...1).contains(support), "\(kind) support \(support)")
                        instances += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(instances, 0)
        let html = try String(contentsOf: output.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("(95 % "), "the sessions' count intervals")
        XCTAssertTrue(html.contains("(support "), "the timelines' support")

        // A second run: every session kept, nothing rewritten, the same bytes.
        let before = try DeterminismCLITests.outputs(output)
        var dates = [String: Date]()
        for name in before.keys where name.hasPrefix("sessions/") {
            dates[name] = try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent(name).path)[.modificationDate] as? Date
        }
        let second = try synergy(arguments)
        XCTAssertEqual(second.status, 0, second.stderr)
        let progress = second.stderr.split(separator: "\n").filter { $0.hasPrefix("synergy batch: [") }
        XCTAssertEqual(progress.count, 8, second.stderr)
        XCTAssertTrue(progress.allSatisfy { $0.contains("unchanged, kept") }, second.stderr)
        for (name, date) in dates {
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent(name).path)[.modificationDate]
                as? Date, date, name)
        }
        XCTAssertEqual(try DeterminismCLITests.outputs(output), before)

        // A lost resamples file makes its session computed again, to the same bytes.
        let lost = sessionsFolder.appendingPathComponent((sessions[0]["id"] as? String ?? "") + "_resamples.json")
        try FileManager.default.removeItem(at: lost)
        let third = try synergy(arguments)
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertEqual(third.stderr.split(separator: "\n").filter { $0.contains("unchanged, kept") }.count, 7, third.stderr)
        XCTAssertEqual(try DeterminismCLITests.outputs(output), before)

        // Without a bootstrap.
        let plainOutput = folder.appendingPathComponent("plain")
        let plain = try synergy(["batch", manifest, "-o", plainOutput.path, "--quiet"] + Self.fast)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let plainFiles = try DeterminismCLITests.outputs(plainOutput)
        XCTAssertFalse(plainFiles.keys.contains { $0.hasSuffix("_resamples.json") })
        for name in ["study.json", "report.html"] {
            XCTAssertFalse(String(decoding: try XCTUnwrap(plainFiles[name]), as: UTF8.self).contains("support"), name)
        }
    }
}
