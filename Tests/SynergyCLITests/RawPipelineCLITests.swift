import Foundation
import XCTest

/// The raw-EMG path as a user runs it: simulate, preprocess, count.
final class RawPipelineCLITests: XCTestCase {
    private let datasets = ToolRunner.repository.appendingPathComponent("Datasets/musclesyneRgies")

    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }
    private func temporaryFolder() throws -> URL { try ToolRunner.temporaryFolder(for: self) }
    private func json(_ url: URL) throws -> [String: Any] { try ToolRunner.json(url) }

    private func weights(_ report: [String: Any]) throws -> [[Double]] {
        try XCTUnwrap(report["synergies"] as? [[String: Any]]).map { try XCTUnwrap($0["weights"] as? [Double]) }
    }

    /// Best one-to-one scalar products between two sets of unit vectors (brute force; sets ≤ 6).
    private func matchedSimilarities(_ a: [[Double]], _ b: [[Double]]) -> [Double] {
        func dot(_ x: [Double], _ y: [Double]) -> Double {
            let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / (nx * ny)
        }
        var best: [Double] = []
        func search(_ i: Int, _ used: Set<Int>, _ chosen: [Double]) {
            if i == a.count {
                if chosen.reduce(0, +) > best.reduce(0, +) { best = chosen }
                return
            }
            for j in b.indices where !used.contains(j) { search(i + 1, used.union([j]), chosen + [dot(a[i], b[j])]) }
        }
        search(0, [], [])
        return best
    }

    /// `simulate` plants 4 synergies in 10 muscles; `count` on the raw CSV (cheung2020)
    /// finds 4 and recovers each planted weight vector with scalar product ≥ 0.95; the
    /// C3D copy of the recording gives the same synergies (≥ 0.999: its samples are 32-bit).
    func testCountRecoversSynergiesPlantedInASimulatedRecording() throws {
        let folder = try temporaryFolder()
        let prefix = folder.appendingPathComponent("sim").path
        let simulate = try synergy(["simulate", "-o", prefix, "--muscles", "10", "--synergies", "4",
                                    "--sample-rate", "1000", "--duration", "40", "--seed", "3"])
        XCTAssertEqual(simulate.status, 0, simulate.stderr)
        let truth = try json(URL(fileURLWithPath: prefix + "_truth.json"))
        let planted = try XCTUnwrap(truth["synergies"] as? [[String: Any]]).map { try XCTUnwrap($0["weights"] as? [Double]) }

        let csvReport = folder.appendingPathComponent("csv.json")
        let count = try synergy(["count", prefix + ".csv", "--replicates", "8", "-o", csvReport.path])
        XCTAssertEqual(count.status, 0, count.stderr)
        let report = try json(csvReport)
        XCTAssertEqual(report["count"] as? Int, 4, count.stdout)
        XCTAssertEqual((report["input"] as? [String: Any])?["format"] as? String, "raw_csv")
        // The report records the preprocessing as run, the FIR length resolved for 1000 Hz.
        let preprocessing = try XCTUnwrap((report["protocol"] as? [String: Any])?["preprocessing"] as? [String: Any])
        XCTAssertEqual((preprocessing["high_pass"] as? [String: Any])?["taps"] as? Int, 101)
        XCTAssertEqual(preprocessing["bin_width"] as? Double, 0.02)
        for similarity in matchedSimilarities(planted, try weights(report)) { XCTAssertGreaterThanOrEqual(similarity, 0.95) }

        let c3dReport = folder.appendingPathComponent("c3d.json")
        let fromC3D = try synergy(["extract", prefix + ".c3d", "--rank", "4", "--replicates", "8", "-o", c3dReport.path])
        XCTAssertEqual(fromC3D.status, 0, fromC3D.stderr)
        for similarity in matchedSimilarities(try weights(report), try weights(try json(c3dReport))) {
            XCTAssertGreaterThanOrEqual(similarity, 0.999)
        }
    }

    /// `simulate` writes each session's electrode gains into its truth JSON: within [1/S, S],
    /// drawn per session, the same with --same-gains, all 1 with --gain-spread 1, per session in
    /// study_truth.json; a --gain-spread below 1 or not finite is refused in one line.
    func testSimulateWritesElectrodeGains() throws {
        let folder = try temporaryFolder()
        func gains(_ arguments: [String], _ sessions: [String]) throws -> [[Double]] {
            let prefix = folder.appendingPathComponent("g\(UUID().uuidString.prefix(8))").path
            let run = try synergy(["simulate", "-o", prefix, "--muscles", "6", "--synergies", "3", "--sample-rate", "500",
                                   "--duration", "8", "--format", "csv"] + arguments)
            XCTAssertEqual(run.status, 0, run.stderr)
            return try sessions.map { try XCTUnwrap(try json(URL(fileURLWithPath: prefix + $0 + "_truth.json"))["gains"] as? [Double]) }
        }
        let single = try gains([], [""])[0]
        XCTAssertEqual(single.count, 6)
        XCTAssertTrue(single.allSatisfy { $0 >= 0.5 && $0 <= 2 } && Set(single).count == 6, "\(single)")
        let pair = try gains(["--training-change", "--gain-spread", "3"], ["_novice", "_trained"])
        XCTAssertTrue(pair.joined().allSatisfy { $0 >= 1.0 / 3 && $0 <= 3 }, "\(pair)")
        XCTAssertNotEqual(pair[0], pair[1])
        let same = try gains(["--training-change", "--gain-spread", "3", "--same-gains"], ["_novice", "_trained"])
        XCTAssertEqual(same[0], same[1])
        XCTAssertEqual(same[0], pair[0])
        XCTAssertEqual(try gains(["--gain-spread", "1"], [""])[0], [Double](repeating: 1, count: 6))

        let study = folder.appendingPathComponent("study").path
        XCTAssertEqual(try synergy(["simulate", "--study", "-o", study, "--muscles", "6", "--synergies", "3", "--subjects", "1",
                                    "--time-points", "2", "--sample-rate", "500", "--duration", "8", "--same-gains"]).status, 0)
        let sessions = try XCTUnwrap(try json(URL(fileURLWithPath: study + "/study_truth.json"))["sessions"] as? [[String: Any]])
        let studyGains = try sessions.map { try XCTUnwrap($0["gains"] as? [Double]) }
        XCTAssertEqual(studyGains.count, 4)
        XCTAssertEqual(studyGains[0], studyGains[1], "one subject's sessions share gains with --same-gains")
        XCTAssertNotEqual(studyGains[0], studyGains[2], "subjects draw their own")

        for bad in ["0.5", "nan", "inf"] {
            let run = try synergy(["simulate", "-o", folder.appendingPathComponent("bad").path, "--gain-spread", bad])
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertTrue(run.stderr.contains("--gain-spread"), run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        }
        let alone = try synergy(["simulate", "-o", folder.appendingPathComponent("bad").path, "--same-gains"])
        XCTAssertEqual(alone.status, 2, alone.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad.csv").path))
    }

    /// The C3D's own events cut the same cycles as the events CSV written beside it.
    func testC3DEventsGiveTheSameCyclesAsTheEventsCSV() throws {
        let folder = try temporaryFolder()
        let prefix = folder.appendingPathComponent("walk").path
        XCTAssertEqual(try synergy(["simulate", "-o", prefix, "--muscles", "6", "--synergies", "3",
                                    "--sample-rate", "1000", "--duration", "12"]).status, 0)
        var envelopes = [[[Double]]]()
        for (file, events) in [(prefix + ".c3d", "c3d:Right"), (prefix + ".csv", prefix + "_events.csv")] {
            let output = folder.appendingPathComponent("env\(envelopes.count).csv")
            let run = try synergy(["preprocess", file, "--protocol", "santuz", "--events", events, "-o", output.path])
            XCTAssertEqual(run.status, 0, run.stderr)
            envelopes.append(try String(contentsOf: output, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").map { Double($0)! } })
        }
        XCTAssertEqual(envelopes[0].count, envelopes[1].count)
        XCTAssertEqual(envelopes[0].count % 200, 0)
        // The C3D holds 32-bit samples: the envelopes (0…1) agree to 1e-5.
        let worst = zip(envelopes[0], envelopes[1]).flatMap { zip($0, $1).map { abs($0 - $1) } }.max()!
        XCTAssertLessThanOrEqual(worst, 1e-5)
    }

    /// `simulate --format edf|bdf` writes the recording with its events as annotations; they cut the same
    /// cycles as the events CSV, and the envelopes agree within the 16-bit (EDF) or 24-bit (BDF) quantisation.
    func testEDFAndBDFAnnotationsGiveTheSameCyclesAsTheEventsCSV() throws {
        let folder = try temporaryFolder()
        var envelopes = [String: [[Double]]]()
        for format in ["csv", "edf", "bdf"] {
            let prefix = folder.appendingPathComponent(format).path
            let simulate = try synergy(["simulate", "-o", prefix, "--format", format, "--muscles", "6", "--synergies", "3",
                                        "--sample-rate", "1000", "--duration", "12"])
            XCTAssertEqual(simulate.status, 0, simulate.stderr)
            let events = format == "csv" ? prefix + "_events.csv" : format + ":Right"
            let output = folder.appendingPathComponent("env_\(format).csv")
            let run = try synergy(["preprocess", prefix + "." + format, "--protocol", "santuz", "--events", events,
                                   "-o", output.path])
            XCTAssertEqual(run.status, 0, run.stderr)
            envelopes[format] = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").map { Double($0)! } }
        }
        let reference = try XCTUnwrap(envelopes["csv"])
        XCTAssertEqual(reference.count % 200, 0)
        for (format, tolerance) in [("edf", 1e-3), ("bdf", 1e-5)] {
            let envelope = try XCTUnwrap(envelopes[format])
            XCTAssertEqual(envelope.count, reference.count, format)
            let worst = zip(envelope, reference).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, tolerance, format)
        }
    }

    /// With --normalise-across, a session recorded at half the amplitude keeps half the envelope.
    func testNormaliseAcrossSessionsSharesOneScalePerMuscle() throws {
        let folder = try temporaryFolder()
        let raw = datasets.appendingPathComponent("RAW_EMG_ID0012_TW_01.csv")
        let lines = try String(contentsOf: raw, encoding: .utf8).split(separator: "\n")
        let half = folder.appendingPathComponent("half.csv")
        try ([String(lines[0])] + lines.dropFirst().map { line in
            let fields = line.split(separator: ",")
            return ([String(fields[0])] + fields.dropFirst().map { String(Double($0)! / 2) }).joined(separator: ",")
        }).joined(separator: "\n").write(to: half, atomically: true, encoding: .utf8)
        func envelope(_ file: String, _ extra: [String]) throws -> [[Double]] {
            let output = folder.appendingPathComponent("e\(UUID().uuidString).csv")
            let run = try synergy(["preprocess", file, "-o", output.path] + extra)
            XCTAssertEqual(run.status, 0, run.stderr)
            return try String(contentsOf: output, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
        }
        let full = try envelope(raw.path, ["--normalise-across", half.path])
        let shared = try envelope(half.path, ["--normalise-across", raw.path])
        let own = try envelope(half.path, [])
        let worstShared = zip(full, shared).flatMap { zip($0, $1).map { abs($0 / 2 - $1) } }.max()!
        XCTAssertLessThanOrEqual(worstShared, 1e-9)
        // Per session, the half-amplitude recording is scaled back up: twice the shared envelope.
        let worstOwn = zip(own, shared).flatMap { zip($0, $1).map { abs($0 - 2 * $1) } }.max()!
        XCTAssertGreaterThan(worstOwn, 0.1)
    }

    /// `preprocess --protocol santuz` writes the envelope the package itself wrote for that trial.
    func testPreprocessWritesTheSantuzEnvelope() throws {
        let folder = try temporaryFolder()
        let output = folder.appendingPathComponent("env.csv")
        let run = try synergy(["preprocess", datasets.appendingPathComponent("RAW_EMG_ID0012_TW_01.csv").path,
                               "--protocol", "santuz", "--events", datasets.appendingPathComponent("CYCLES_ID0012_TW_01.csv").path,
                               "-o", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        func rows(_ url: URL) throws -> [[Double]] {
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
        }
        let ours = try rows(output), theirs = try rows(datasets.appendingPathComponent("FILT_EMG_ID0012_TW_01.csv"))
        XCTAssertEqual(ours.count, 600)
        XCTAssertEqual(ours.count, theirs.count)
        let worst = zip(ours, theirs).flatMap { zip($0, $1).map { abs($0 - $1) } }.max()!
        XCTAssertLessThanOrEqual(worst, 1e-6)
    }

    func testBadRawInputFailsWithOneLineExitTwoAndNoOutput() throws {
        let folder = try temporaryFolder()
        let raw = datasets.appendingPathComponent("RAW_EMG_ID0012_TW_01.csv").path
        let late = folder.appendingPathComponent("late.csv")
        try "touchdown_s,liftoff_s\n1.4,2.0\n2.4,3.1\n9.5,9.9\n".write(to: late, atomically: true, encoding: .utf8)
        let huge = folder.appendingPathComponent("huge.csv")
        try ("time,A,B\n" + (0..<400).map { "\(Double($0) / 1000),\($0 % 5 == 0 ? 1.7e308 : 1e307),\(Double($0 % 7))" }
            .joined(separator: "\n")).write(to: huge, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.json")
        let cases: [([String], String)] = [
            (["count", raw, "--muscles", "TA,XX", "-o", output.path], "RAW_EMG_ID0012_TW_01.csv: no channel named 'XX'"),
            (["count", huge.path, "-o", output.path], "huge.csv: channel 'A' overflows: its samples reach 1.7e+308"),
            (["count", raw, "--protocol", "santuz", "-o", output.path], "give --events CYCLES.csv"),
            (["count", raw, "--protocol", "santuz", "--events", late.path, "-o", output.path],
             "late.csv: touchdown 3 at 9.5 s is outside the recording (0.014–7.631 s)"),
            (["count", raw, "--events", "c3d", "--protocol", "santuz", "-o", output.path], "no 'Foot Strike' events"),
            (["preprocess", raw, "--input", "envelope", "-o", folder.appendingPathComponent("x.csv").path], "not --input envelope"),
            (["count", raw, "--high-pass", "600", "-o", output.path], "RAW_EMG_ID0012_TW_01.csv:"),
        ]
        for (arguments, message) in cases {
            let run = try synergy(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["huge.csv", "late.csv"])
    }
}
