import Foundation
import Synchronization
import XCTest

/// Runs the built `synergy` tool as a user would, in temporary folders.
enum ToolRunner {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    /// The built tool.
    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("synergy")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : Bundle.main.bundleURL.appendingPathComponent("synergy")
    }

    static func synergy(_ arguments: [String]) throws -> Run { try run(binary, arguments) }

    /// Runs `executable` to its end. Standard error is read on another thread
    /// while standard output is read here, so a child that fills one pipe's
    /// buffer while the other is being read cannot block forever.
    static func run(_ executable: URL, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errorOutput = Mutex(Data())
        let errorRead = DispatchSemaphore(value: 0)
        let errorHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            let data = errorHandle.readDataToEndOfFile()
            errorOutput.withLock { $0 = data }
            errorRead.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        errorRead.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: errorOutput.withLock { $0 }, as: UTF8.self))
    }

    /// A new empty folder, removed when `test` ends.
    static func temporaryFolder(for test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synergy-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// A small study written by `synergy simulate --study` into `folder/study` (8 muscles,
    /// 3 planted synergies, 20 s at 1000 Hz per session); returns the study folder.
    static func smallStudy(in folder: URL, groups: Int, subjects: Int, timePoints: Int, seed: Int? = nil) throws -> URL {
        let study = folder.appendingPathComponent("study")
        let simulate = try synergy(["simulate", "--study", "-o", study.path, "--groups", "\(groups)", "--subjects", "\(subjects)",
                                    "--time-points", "\(timePoints)", "--muscles", "8", "--synergies", "3",
                                    "--sample-rate", "1000", "--duration", "20"] + (seed.map { ["--seed", "\($0)"] } ?? []))
        XCTAssertEqual(simulate.status, 0, simulate.stderr)
        return study
    }

    /// A novice and a trained session written by `synergy simulate --training-change` as CSV
    /// (8 muscles, 3 planted synergies, 20 s at 1000 Hz, seed 5) under `folder/runner`; returns
    /// that prefix (`PREFIX_novice.csv`, `PREFIX_trained.csv` and their `_events.csv`).
    static func novicePair(in folder: URL) throws -> String {
        let prefix = folder.appendingPathComponent("runner").path
        let simulate = try synergy(["simulate", "--training-change", "-o", prefix, "--muscles", "8", "--synergies", "3",
                                    "--sample-rate", "1000", "--duration", "20", "--format", "csv", "--seed", "5"])
        XCTAssertEqual(simulate.status, 0, simulate.stderr)
        return prefix
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}
