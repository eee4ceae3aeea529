import Foundation
import XCTest

/// What a user sees when things go wrong: replicates stopped by the iteration
/// cap, a muscle silent in one session of a comparison, and a study run killed
/// again and again.
final class RobustnessCLITests: XCTestCase {
    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }

    /// A simulated raw CSV recording (8 muscles, 3 synergies, 20 s at 1 kHz) in `folder`.
    private func recording(_ folder: URL) throws -> String {
        let prefix = folder.appendingPathComponent("sim").path
        let run = try synergy(["simulate", "-o", prefix, "--muscles", "8", "--synergies", "3", "--sample-rate", "1000",
                               "--duration", "20", "--format", "csv", "--seed", "2"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return prefix + ".csv"
    }

    /// With --max-iterations 5 every replicate hits the cap: each rank's JSON entry says so
    /// (`converged` false, `replicates_converged` 0, `iterations` 5, every replicate's
    /// `converged` false) and standard error has one warning line naming the file, the cap
    /// and every rank. With the default cap there is no warning. `batch` warns per session,
    /// even with --quiet.
    func testReplicatesStoppedByTheIterationCapAreReportedPerRankAndWarnedOnOneLine() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let file = try recording(folder)
        let output = folder.appendingPathComponent("capped.json")
        let capped = try synergy(["count", file, "--max-rank", "3", "--replicates", "2", "--max-iterations", "5",
                                  "--criterion-threshold", "0.5", "-o", output.path])
        XCTAssertEqual(capped.status, 0, capped.stderr)
        let lines = capped.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, capped.stderr)
        XCTAssertEqual(String(lines[0]), "synergy: warning: \(file): the iteration cap (5 iterations) stopped 6 of 6 "
                       + "replicates before they converged: rank 1 2 of 2 (the kept one too), rank 2 2 of 2 (the kept one "
                       + "too), rank 3 2 of 2 (the kept one too); raise --max-iterations")
        let ranks = try XCTUnwrap(try ToolRunner.json(output)["ranks"] as? [[String: Any]])
        XCTAssertEqual(ranks.count, 3)
        for rank in ranks {
            XCTAssertEqual(rank["converged"] as? Bool, false)
            XCTAssertEqual(rank["iterations"] as? Int, 5)
            XCTAssertEqual(rank["replicates_converged"] as? Int, 0)
            let replicates = try XCTUnwrap(rank["replicates"] as? [[String: Any]])
            XCTAssertTrue(replicates.allSatisfy { $0["converged"] as? Bool == false && $0["iterations"] as? Int == 5 })
        }
        XCTAssertTrue(capped.stdout.contains("NO   (0/2)"), capped.stdout)

        let free = try synergy(["count", file, "--max-rank", "3", "--replicates", "2", "--criterion-threshold", "0.5"])
        XCTAssertEqual(free.status, 0, free.stderr)
        XCTAssertEqual(free.stderr, "")

        let study = try ToolRunner.smallStudy(in: folder, groups: 1, subjects: 2, timePoints: 1)
        let batch = try synergy(["batch", study.appendingPathComponent("manifest.csv").path, "-o",
                                 folder.appendingPathComponent("out").path, "--max-rank", "3", "--max-iterations", "5",
                                 "--replicates", "2", "--criterion-threshold", "0.5", "--max-clusters", "3", "--kmeans-replicates", "5",
                                 "--gap-references", "3", "--gap-replicates", "3", "--quiet"])
        XCTAssertEqual(batch.status, 0, batch.stderr)
        let warnings = batch.stderr.split(separator: "\n")
        XCTAssertEqual(warnings.count, 2, batch.stderr)
        for (line, subject) in zip(warnings.sorted(), ["S01", "S02"]) {
            XCTAssertTrue(line.hasPrefix("synergy: warning: \(subject)_week0: ") && line.contains("stopped 6 of 6 replicates"),
                          batch.stderr)
        }
    }

    /// One session's muscle is silent (A is the novice, B the trained session of `simulate
    /// --training-change`): exactly zero is refused as a flat channel, and near-zero noise (a
    /// thousandth of the raw amplitude) as a silent muscle, each with one line naming the file
    /// and the muscle and exit code 2; silent in A names A. With --silent-below 0 the comparison
    /// runs and gives finite results: under the default per-session scale B's noise is scaled up
    /// like a working muscle (a synergy of B weights it ≥ 0.5: why it is refused by default);
    /// under --session-scale shared it weighs next to nothing in B (< 0.05).
    func testAMuscleSilentInOneSessionIsRefusedNamingTheFileAndMuscle() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let prefix = try ToolRunner.novicePair(in: folder)
        let (novice, trained) = (prefix + "_novice.csv", prefix + "_trained.csv")
        let lines = try String(contentsOfFile: trained, encoding: .utf8).split(separator: "\n").map(String.init)
        let muscle = String(lines[0].split(separator: ",")[4])
        /// The recording with column 4 (the fourth muscle) replaced by `value(row)`.
        func silenced(_ source: String, _ name: String, _ value: (Int) -> Double) throws -> String {
            let rows = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n").map(String.init)
            var text = rows[0] + "\n"
            for (index, row) in rows.dropFirst().enumerated() {
                var fields = row.split(separator: ",").map(String.init)
                fields[4] = "\(value(index))"
                text += fields.joined(separator: ",") + "\n"
            }
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let peak = lines.dropFirst().map { abs(Double($0.split(separator: ",")[4])!) }.max()!
        var state: UInt64 = 12345
        func noise(_: Int) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return peak * 1e-3 * (Double(state >> 11) / Double(1 << 53) - 0.5)
        }
        let zero = try silenced(trained, "zero.csv") { _ in 0 }
        let quiet = try silenced(trained, "quiet.csv", noise)
        let quietNovice = try silenced(novice, "quiet_novice.csv", noise)
        let fast = ["--replicates", "2", "--rank-a", "3", "--rank-b", "3"]
        let output = folder.appendingPathComponent("out.json").path
        for (a, b, named, message) in [(novice, zero, zero, "channel '\(muscle)' is flat"),
                                       (novice, quiet, quiet, "muscle '\(muscle)' is silent"),
                                       (quietNovice, trained, quietNovice, "muscle '\(muscle)' is silent")] {
            let run = try synergy(["compare", a, b, "-o", output] + fast)
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("synergy: error: \(named): \(message)"), run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        }
        for shared in [false, true] {
            let anyway = try synergy(["compare", novice, quiet, "-o", output, "--silent-below", "0"] + fast
                                     + (shared ? ["--session-scale", "shared"] : []))
            XCTAssertEqual(anyway.status, 0, anyway.stderr)
            let report = try ToolRunner.json(URL(fileURLWithPath: output))
            let b = try XCTUnwrap(report["b"] as? [String: Any])
            let weights = try XCTUnwrap(b["synergies"] as? [[String: Any]]).map { try XCTUnwrap($0["weights"] as? [Double]) }
            XCTAssertTrue(weights.allSatisfy { $0.allSatisfy(\.isFinite) }, "\(weights)")
            if shared {
                XCTAssertTrue(weights.allSatisfy { $0[3] < 0.05 }, "\(weights)")
            } else {
                XCTAssertGreaterThanOrEqual(weights.map { $0[3] }.max() ?? 0, 0.5, "\(weights)")
            }
            let crossFit = try XCTUnwrap(report["cross_fit"] as? [[String: Any]])
            XCTAssertTrue(crossFit.allSatisfy { ($0["r2"] as? Double)?.isFinite == true })
        }
    }

    /// `batch` killed with SIGKILL at four pseudo-random moments (a fixed seed; each run resumes
    /// the last): after every kill each session with a key has its whole files, the bytes of an
    /// uninterrupted run's, and study.json is absent or whole. A temporary that a killed run left
    /// is removed by the next run. The final run completes the study with every file byte for byte
    /// that of the uninterrupted run, and no temporary remains.
    func testABatchKilledAtRandomMomentsLosesNothing() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let study = try ToolRunner.smallStudy(in: folder, groups: 2, subjects: 3, timePoints: 2, seed: 8)
        let arguments = ["batch", study.appendingPathComponent("manifest.csv").path] + StudyCLITests.fast + ["--jobs", "2"]

        let reference = folder.appendingPathComponent("reference")
        let start = Date()
        let whole = try synergy(arguments + ["-o", reference.path])
        let duration = Date().timeIntervalSince(start)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let expected = try DeterminismCLITests.outputs(reference)
        XCTAssertEqual(expected.keys.filter { $0.hasSuffix(".key") }.count, 12)

        let killed = folder.appendingPathComponent("killed")
        let sessions = killed.appendingPathComponent("sessions")
        var state: UInt64 = 2024
        var interrupted = 0
        for _ in 0..<4 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let delay = duration * (0.1 + 0.6 * Double(state >> 11) / Double(1 << 53))
            let process = Process()
            process.executableURL = ToolRunner.binary
            process.arguments = arguments + ["-o", killed.path]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard process.terminationReason == .uncaughtSignal else { continue }
            interrupted += 1
            let files = try DeterminismCLITests.outputs(killed)
            for (name, bytes) in files where name.hasSuffix(".key") {
                let id = String(name.dropLast(".key".count))
                XCTAssertEqual(bytes, expected[name], name)
                for suffix in [".json", "_activations.csv", ".svg"] {
                    XCTAssertEqual(files[id + suffix], expected[id + suffix], id + suffix)
                }
                XCTAssertNoThrow(try JSONSerialization.jsonObject(with: files[id + ".json"] ?? Data()), id)
            }
            if let report = files["study.json"] { XCTAssertEqual(report, expected["study.json"]) }
            // What a kill between writing and renaming leaves behind.
            try Data("{".utf8).write(to: sessions.appendingPathComponent(
                ".S01_week0.json.partial-\(Self.hostName)-\(process.processIdentifier)"))
        }
        XCTAssertGreaterThan(interrupted, 0, "every run finished before its kill")

        let final = try synergy(arguments + ["-o", killed.path])
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertEqual(try DeterminismCLITests.outputs(killed), expected)
        for folder in [killed, sessions] {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }, [])
        }
    }

    /// This machine's host name, as temporaries are named.
    private static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
