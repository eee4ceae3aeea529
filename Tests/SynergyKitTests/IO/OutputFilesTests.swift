import XCTest
@testable import SynergyKit

/// Temporaries of killed runs: a run removes those of this machine whose
/// process is gone, and keeps live processes', other machines' and every other file.
final class OutputFilesTests: XCTestCase {
    /// The id of a process that has exited (and been reaped).
    private func deadProcess() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testAbandonedTemporariesOfThisMachineAreRemoved() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synergy-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let host = OutputFiles.hostName, dead = try deadProcess(), alive = ProcessInfo.processInfo.processIdentifier
        let abandoned = [".a.json.partial-\(host)-\(dead)", ".b_activations.csv.partial-\(host)-\(dead)"]
        let kept = [".c.json.partial-\(host)-\(alive)", ".d.json.partial-other-host-\(dead)", ".e.json.partial-\(dead)",
                    "f.json", ".f.json.partial-\(host)-x", "g.partial-\(host)-\(dead)"]
        for name in abandoned + kept { try Data("x".utf8).write(to: folder.appendingPathComponent(name)) }
        XCTAssertEqual(OutputFiles.temporaryOwner(abandoned[0])?.host, host)
        XCTAssertEqual(OutputFiles.temporaryOwner(".d.json.partial-other-host-\(dead)")?.host, "other-host")
        XCTAssertEqual(OutputFiles.temporaryName(for: "z.json"), ".z.json.partial-\(host)-\(alive)")

        // A write into the folder cleans it, and leaves no temporary of its own.
        try OutputFiles.write([(folder.appendingPathComponent("h.json").path, Data("{}".utf8))])
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        XCTAssertEqual(names, Set(kept + ["h.json"]))
        OutputFiles.removeAbandonedTemporaries(in: folder.path)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)), names)
    }
}
