import Foundation
import XCTest

/// `synergy batch` and `synergy merge` as a user runs them, on a study made by
/// `synergy simulate --study`: 2 groups × 4 subjects at 3 time points (every
/// third subject misses the last), 12 muscles, 4 planted synergies; in the
/// training group synergies 3 and 4 (1-based) are merged from week8 on.
final class StudyCLITests: XCTestCase {
    private func synergy(_ arguments: [String]) throws -> ToolRunner.Run { try ToolRunner.synergy(arguments) }

    /// The simulated study, made once for the class.
    nonisolated(unsafe) private static var studyFolder: URL?

    private func study() throws -> URL {
        if let folder = Self.studyFolder { return folder }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synergy-study-\(UUID().uuidString)")
        let run = try synergy(["simulate", "--study", "-o", folder.path, "--muscles", "12", "--synergies", "4",
                               "--sample-rate", "1000", "--duration", "30", "--seed", "3"])
        XCTAssertEqual(run.status, 0, run.stderr)
        Self.studyFolder = folder
        return folder
    }

    override class func tearDown() {
        if let folder = studyFolder { try? FileManager.default.removeItem(at: folder) }
        super.tearDown()
    }

    /// Fast but complete settings: HALS with 5 replicates, and the group analysis with reduced replicate counts.
    static let fast = ["--algorithm", "hals", "--replicates", "5", "--kmeans-replicates", "50", "--gap-references", "20",
                       "--gap-replicates", "10", "--max-clusters", "8", "--quiet"]

    private func batch(_ manifest: URL, _ output: URL, _ extra: [String] = []) throws -> ToolRunner.Run {
        try synergy(["batch", manifest.path, "-o", output.path] + Self.fast + extra)
    }

    private func bytes(_ folder: URL, _ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    private func outputs(_ folder: URL) throws -> [String: Data] {
        var files = [String: Data]()
        for name in ["study.json", "summary.csv", "report.html"] { files[name] = try bytes(folder, name) }
        let sessions = folder.appendingPathComponent("sessions")
        for name in try FileManager.default.contentsOfDirectory(atPath: sessions.path) where !name.hasPrefix(".") {
            files["sessions/" + name] = try Data(contentsOf: sessions.appendingPathComponent(name))
        }
        return files
    }

    private func cosine(_ x: [Double], _ y: [Double]) -> Double {
        let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / (nx * ny)
    }

    /// The planted structure is recovered:
    /// - every session's count is its planted number (4, or 3 once merged) at R² ≥ 0.90;
    /// - each reference cluster (control week0) lies within 0.95 of a planted synergy, and each
    ///   planted synergy has an invariant reference cluster within 0.95 (the gap statistic may
    ///   split a planted synergy in two, as it split the paper's groups into 9–12 clusters);
    /// - in the merged groups (training week8, week16) there is a centroid merging, and every
    ///   centroid merging is a cluster within 0.95 of the planted merged synergy explained by
    ///   reference clusters of exactly planted synergies 3 and 4; every subject shows a
    ///   subject-level merging of those two, and no other kind of merging is seen;
    /// - groups without the planted merging show no merging at either level;
    /// - the Merging Index is 0 for every session without the planted merging, and ≥ 1/3 (one of
    ///   three synergies) for every session with it;
    /// - each training subject's timeline shows that merging from week0 to week8.
    func testBatchRecoversThePlantedMerging() throws {
        let folder = try study()
        let output = try ToolRunner.temporaryFolder(for: self)
        let run = try batch(folder.appendingPathComponent("manifest.csv"), output, ["--criterion-threshold", "0.90", "--jobs", "2"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let truth = try ToolRunner.json(folder.appendingPathComponent("study_truth.json"))
        let planted = try XCTUnwrap(truth["group_weights"] as? [[Double]])
        let merged = zip(planted[2], planted[3]).map { $0 + $1 }
        let truthSessions = try XCTUnwrap(truth["sessions"] as? [[String: Any]])
        let report = try ToolRunner.json(output.appendingPathComponent("study.json"))
        let sessions = try XCTUnwrap(report["sessions"] as? [[String: Any]])
        XCTAssertEqual(sessions.count, truthSessions.count)
        for (session, planted) in zip(sessions, truthSessions) {
            let isMerged = try XCTUnwrap(planted["merged"] as? Bool)
            XCTAssertEqual(session["status"] as? String, "ok")
            XCTAssertEqual(session["count"] as? Int, isMerged ? 3 : 4, "\(session["id"]!)")
            let index = try XCTUnwrap(session["merging_index"] as? Double)
            if isMerged { XCTAssertGreaterThanOrEqual(index, 1.0 / 3 - 1e-12, "\(session["id"]!)") }
            else { XCTAssertEqual(index, 0, "\(session["id"]!)") }
        }
        XCTAssertEqual(report["reference_group"] as? String, "control week0")

        let groups = try XCTUnwrap(report["groups"] as? [[String: Any]])
        func clusters(_ name: String) throws -> [[String: Any]] {
            let group = try XCTUnwrap(groups.first { $0["name"] as? String == name })
            return try XCTUnwrap((group["clusters"] as? [String: Any])?["clusters"] as? [[String: Any]])
        }
        func centroid(_ cluster: [String: Any]) -> [Double] { cluster["centroid"] as? [Double] ?? [] }
        // Each reference cluster's planted synergy.
        let reference = try clusters("control week0")
        let plantedOf = reference.map { cluster -> Int in
            let similarities = planted.map { cosine(centroid(cluster), $0) }
            let best = similarities.indices.max { similarities[$0] < similarities[$1] }!
            XCTAssertGreaterThanOrEqual(similarities[best], 0.95)
            return best
        }
        for p in planted.indices {
            XCTAssertTrue(zip(reference, plantedOf).contains { $1 == p && $0["invariant"] as? Bool == true }, "planted \(p)")
        }
        let comparisons = try XCTUnwrap(report["comparisons"] as? [[String: Any]])
        for comparison in comparisons {
            let name = try XCTUnwrap(comparison["group"] as? String)
            let mergings = try XCTUnwrap(comparison["merging"] as? [[String: Any]])
            let instances = try XCTUnwrap(comparison["subject_merging"] as? [[String: Any]])
            guard name == "training week8" || name == "training week16" else {
                XCTAssertTrue(mergings.isEmpty && instances.isEmpty, name)
                continue
            }
            let own = try clusters(name)
            XCTAssertFalse(mergings.isEmpty, name)
            for merging in mergings {
                let cluster = own[try XCTUnwrap(merging["cluster"] as? Int)]
                XCTAssertGreaterThanOrEqual(cosine(centroid(cluster), merged), 0.95, name)
                let sources = try XCTUnwrap(merging["reference_clusters"] as? [Int]).map { plantedOf[$0] }
                XCTAssertEqual(sources.sorted(), [2, 3], name)
            }
            var showing = Set<String>()
            for instance in instances {
                let sources = try XCTUnwrap(instance["reference_clusters"] as? [Int]).map { plantedOf[$0] }
                XCTAssertEqual(sources.sorted(), [2, 3], name)
                showing.formUnion(try XCTUnwrap(instance["subjects"] as? [String]))
            }
            let subjects = try XCTUnwrap(groups.first { $0["name"] as? String == name }?["subjects"] as? [String])
            XCTAssertEqual(showing, Set(subjects), name)
        }
        let timelines = try XCTUnwrap(report["timelines"] as? [[String: Any]])
        XCTAssertEqual(timelines.count, 8)
        for timeline in timelines where timeline["group"] as? String == "training" {
            let steps = try XCTUnwrap(timeline["steps"] as? [[String: Any]])
            XCTAssertEqual((steps.first?["merging"] as? [Any])?.count, 1, "\(timeline["subject"]!)")
        }
        let summary = try String(contentsOf: output.appendingPathComponent("summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, sessions.count + 1)
        XCTAssertTrue(try String(contentsOf: output.appendingPathComponent("report.html"), encoding: .utf8)
            .contains("training week8"))
    }

    /// Two shards and a merge give byte for byte the files of one run (run with --jobs 1 and
    /// --jobs 2 respectively); a run killed with SIGKILL part-way, then run again, also does;
    /// and a re-run with nothing changed recomputes nothing and changes no byte.
    func testShardsAndAKilledRunGiveTheSameFiles() throws {
        let folder = try study()
        let manifest = folder.appendingPathComponent("manifest.csv")
        let single = try ToolRunner.temporaryFolder(for: self)
        let whole = try batch(manifest, single, ["--jobs", "1"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let expected = try outputs(single)

        let sharded = try ToolRunner.temporaryFolder(for: self)
        for shard in ["1/2", "2/2"] {
            let run = try batch(manifest, sharded, ["--jobs", "2", "--shard", shard])
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sharded.appendingPathComponent("study.json").path))
        let merge = try synergy(["merge", sharded.path])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertEqual(try outputs(sharded), expected)

        // Killed part-way (after at least 3 sessions are done), every finished session is whole; then re-run.
        let killed = try ToolRunner.temporaryFolder(for: self)
        let process = Process()
        process.executableURL = ToolRunner.binary
        process.arguments = ["batch", manifest.path, "-o", killed.path, "--jobs", "2"] + Self.fast
        try process.run()
        let sessions = killed.appendingPathComponent("sessions")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let keys = ((try? FileManager.default.contentsOfDirectory(atPath: sessions.path)) ?? []).filter { $0.hasSuffix(".key") }
            if keys.count >= 3 { break }
            usleep(2000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the run finished before it could be killed")
        let finished = try FileManager.default.contentsOfDirectory(atPath: sessions.path).filter { $0.hasSuffix(".key") }
        XCTAssertGreaterThanOrEqual(finished.count, 3)
        for key in finished {
            let json = sessions.appendingPathComponent(String(key.dropLast(4)) + ".json")
            XCTAssertEqual(try Data(contentsOf: json), expected["sessions/" + json.lastPathComponent], key)
        }
        let rerun = try synergy(["batch", manifest.path, "-o", killed.path] + Self.fast.filter { $0 != "--quiet" })
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(rerun.stderr.components(separatedBy: "unchanged, kept").count - 1, finished.count)
        XCTAssertEqual(try outputs(killed), expected)

        let again = try synergy(["batch", manifest.path, "-o", killed.path] + Self.fast.filter { $0 != "--quiet" })
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stderr.components(separatedBy: "unchanged, kept").count - 1, expected.keys.filter {
            $0.hasSuffix(".key")
        }.count)
        XCTAssertEqual(try outputs(killed), expected)
    }

    /// `synergy status` on a half-finished study: shard 1 of 2 run, then one session marked as
    /// computed by this (live) test process, one by a process of another host, one by a dead
    /// process of this host (pending: its run was killed), and one with an error left behind.
    func testStatusReportsAHalfFinishedStudy() throws {
        let folder = try study()
        let manifest = folder.appendingPathComponent("manifest.csv")
        let output = try ToolRunner.temporaryFolder(for: self)
        let shard = try batch(manifest, output, ["--jobs", "2", "--shard", "1/2"])
        XCTAssertEqual(shard.status, 0, shard.stderr)
        let ids = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(fields[0])_\(fields[2])"
        }
        XCTAssertGreaterThanOrEqual(ids.count, 8)

        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        let thisHost = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .replacingOccurrences(of: "/", with: "_")
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let sessions = output.appendingPathComponent("sessions")
        func mark(_ id: String, host: String, process: Int32) throws {
            try Data().write(to: sessions.appendingPathComponent(".\(id).running.partial-\(host)-\(process)"))
        }
        try mark(ids[1], host: thisHost, process: ProcessInfo.processInfo.processIdentifier)
        try mark(ids[3], host: "another-node", process: 1)
        try mark(ids[5], host: thisHost, process: finished.processIdentifier)
        try mark(ids[0], host: "another-node", process: 7)  // done before, being recomputed
        try Data(#"{"error": "S9/week8.c3d: the file ends in the middle of frame 12", "id": "x"}"#.utf8)
            .write(to: sessions.appendingPathComponent("\(ids[7]).error.json"))

        let run = try synergy(["status", output.path, "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let states = try XCTUnwrap(status["sessions"] as? [[String: Any]])
        XCTAssertEqual(states.map { $0["id"] as? String }, ids)
        var expected = ids.indices.map { $0 % 2 == 0 ? "done" : "pending" }
        expected[0] = "running"
        expected[1] = "running"
        expected[3] = "running"
        expected[7] = "failed"
        XCTAssertEqual(states.map { $0["state"] as? String }, expected)
        XCTAssertEqual(states[7]["error"] as? String, "S9/week8.c3d: the file ends in the middle of frame 12")
        XCTAssertNil(states[2]["error"])
        for state in ["done", "failed", "running", "pending"] {
            XCTAssertEqual(status[state] as? Int, expected.filter { $0 == state }.count, state)
        }
        XCTAssertEqual(states[2]["subject"] as? String, ids[2].components(separatedBy: "_").first)

        let text = try synergy(["status", output.path])
        XCTAssertEqual(text.status, 0, text.stderr)
        let counts = ["done", "failed", "running", "pending"].map { state in "\(expected.filter { $0 == state }.count) \(state)" }
        XCTAssertTrue(text.stdout.hasPrefix("\(output.path): \(ids.count) session(s): " + counts.joined(separator: ", ")),
                      text.stdout)
        XCTAssertTrue(text.stdout.contains("  \(ids[7]): failed: S9/week8.c3d: the file ends"), text.stdout)

        // The second shard finishes the study: every session done, no marker of its own left.
        let second = try batch(manifest, output, ["--jobs", "2", "--shard", "2/2"])
        XCTAssertEqual(second.status, 0, second.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: sessions.path)
        XCTAssertFalse(names.contains { $0.contains(".running.partial-\(thisHost)-") && !$0.hasSuffix("-\(ProcessInfo.processInfo.processIdentifier)") }, "\(names)")

        let missing = try synergy(["status", folder.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("run.json"), missing.stderr)
    }

    /// A corrupt recording in the manifest fails alone: exit code 1, its row in summary.csv says
    /// "failed" with a one-line error naming the file as the manifest does, the others are analysed.
    func testACorruptRecordingIsReportedAndTheRestCompletes() throws {
        let folder = try study()
        let copy = try ToolRunner.temporaryFolder(for: self)
        let text = try String(contentsOf: folder.appendingPathComponent("manifest.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        var manifest = lines[0] + "\n"
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let source = folder.appendingPathComponent(fields[3])
            let data = try Data(contentsOf: source)
            // The third session's C3D is cut in half.
            try (manifest.split(separator: "\n").count == 3 ? data.prefix(data.count / 2) : data)
                .write(to: copy.appendingPathComponent(fields[3]))
            try FileManager.default.copyItem(at: folder.appendingPathComponent(fields[4]),
                                             to: copy.appendingPathComponent(fields[4]))
            manifest += line + "\n"
        }
        try manifest.write(to: copy.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
        let output = copy.appendingPathComponent("out")
        let run = try batch(copy.appendingPathComponent("manifest.csv"), output)
        XCTAssertEqual(run.status, 1, run.stderr)
        let broken = lines[3].split(separator: ",").map(String.init)
        XCTAssertTrue(run.stderr.contains("\(broken[0])_\(broken[2]): \(broken[3]):"), run.stderr)
        let rows = try String(contentsOf: output.appendingPathComponent("summary.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, lines.count)
        XCTAssertEqual(rows.filter { $0.contains(",failed,") }.count, 1)
        XCTAssertTrue(rows[3].contains(",failed,") && rows[3].contains(broken[3] + ":"), rows[3])
        XCTAssertEqual(rows.filter { $0.contains(",ok,") }.count, lines.count - 2)
        let report = try ToolRunner.json(output.appendingPathComponent("study.json"))
        XCTAssertEqual(report["failed"] as? Int, 1)
    }

    /// Bad manifests stop before anything is written: exit code 2, one line naming the manifest,
    /// the line and the problem, and no output folder.
    func testBadManifestsAreRefusedWithOneLine() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        try Data().write(to: folder.appendingPathComponent("a.csv"))
        let cases: [(text: String, problem: String)] = [
            ("subject,group,session,path\nS1,g,w0,missing.csv\n", "line 2, column 'path': no such file: missing.csv"),
            ("subject,group,path\nS1,g,a.csv\n", "no 'session' column"),
            ("subject,group,session,path\nS1,g,w0,a.csv\nS1,g,w0,a.csv\n", "subject 'S1' session 'w0' is also on line 2"),
            ("subject,group,session,path\nS1,g,w0,a.csv\nS1,h,w1,a.csv\n", "subject 'S1' is in group 'g' on an earlier line"),
            ("subject,group,session,path,weight\nS1,g,w0,a.csv,3\n", "unknown column 'weight'"),
            ("subject,group,session,path\nS1,g,w0\n", "line 2: has 3 fields; the header has 4"),
            ("subject,group,session,path\n", "has a header but no sessions"),
        ]
        for (n, item) in cases.enumerated() {
            let manifest = folder.appendingPathComponent("manifest\(n).csv")
            try item.text.write(to: manifest, atomically: true, encoding: .utf8)
            let output = folder.appendingPathComponent("out\(n)")
            let run = try batch(manifest, output)
            XCTAssertEqual(run.status, 2, item.problem)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("synergy: error: \(manifest.path): "), run.stderr)
            XCTAssertTrue(run.stderr.contains(item.problem), "\(run.stderr) lacks \(item.problem)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), item.problem)
        }
        // An unknown reference group is refused the same way.
        let study = try study()
        let output = folder.appendingPathComponent("out-reference")
        let run = try batch(study.appendingPathComponent("manifest.csv"), output, ["--reference-group", "sedentary"])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("--reference-group 'sedentary' is not one of its analysis groups"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    /// A YAML config file sets options; the command line wins over it; study.json records the result.
    func testConfigFileSetsOptionsAndTheCommandLineWins() throws {
        let study = try study()
        let folder = try ToolRunner.temporaryFolder(for: self)
        let config = folder.appendingPathComponent("study.yaml")
        try """
            # study settings
            algorithm: hals
            replicates: 3
            kmeans_replicates: 20
            gap-references: 5
            gap_replicates: 5
            max_clusters: 5
            reference_group: training week0
            quiet: true
            """.write(to: config, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")
        let run = try synergy(["batch", study.appendingPathComponent("manifest.csv").path, "-o", output.path,
                               "--config", config.path, "--replicates", "4"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "")
        let report = try ToolRunner.json(output.appendingPathComponent("study.json"))
        let settings = try XCTUnwrap(report["settings"] as? [String: Any])
        let factorization = try XCTUnwrap((settings["protocol"] as? [String: Any])?["factorization"] as? [String: Any])
        XCTAssertEqual(factorization["algorithm"] as? String, "hals")
        XCTAssertEqual(factorization["replicates"] as? Int, 4)
        let group = try XCTUnwrap(settings["group_analysis"] as? [String: Any])
        XCTAssertEqual(group["kmeans_replicates"] as? Int, 20)
        XCTAssertEqual(group["gap_reference_sets"] as? Int, 5)
        XCTAssertEqual(group["maximum_clusters"] as? Int, 5)
        XCTAssertEqual(report["reference_group"] as? String, "training week0")

        try "replicates: [1, 2\n".write(to: config, atomically: true, encoding: .utf8)
        let bad = try synergy(["batch", study.appendingPathComponent("manifest.csv").path, "-o", output.path,
                               "--config", config.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("synergy: error: \(config.path): is neither JSON nor YAML"), bad.stderr)
    }
}
