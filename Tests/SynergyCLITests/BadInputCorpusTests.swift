import Foundation
import XCTest

/// The bad-input corpus, Tests/BadInputs/ (written by
/// Scripts/fixtures/make_bad_inputs.py): each file there is run through the
/// command of its row in cases.tsv, and must give exit code 2, exactly one line
/// on standard error naming the file and the problem, and no output at all.
final class BadInputCorpusTests: XCTestCase {
    static let corpus = ToolRunner.repository.appendingPathComponent("Tests/BadInputs")

    /// A row of cases.tsv: the bad file (relative to the corpus), the command
    /// line ({file}, {out}, {corpus} replaced when run), and a fragment of the error.
    struct Case { var file: String; var command: String; var expected: String }

    /// A line of cases.tsv that is not three non-empty tab-separated fields.
    struct MalformedRow: Error { var line: String }

    static func cases() throws -> [Case] {
        let text = try String(contentsOf: corpus.appendingPathComponent("cases.tsv"), encoding: .utf8)
        return try text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty }) else { throw MalformedRow(line: String(line)) }
            return Case(file: fields[0], command: fields[1], expected: fields[2])
        }
    }

    /// Every file of the corpus except cases.tsv and the valid companions under valid/.
    static func badFiles() throws -> [String] {
        let manager = FileManager.default
        let all = try XCTUnwrap(manager.enumerator(atPath: corpus.path)?.allObjects as? [String])
        return all.filter { path in
            var isFolder: ObjCBool = false
            return manager.fileExists(atPath: corpus.appendingPathComponent(path).path, isDirectory: &isFolder)
                && !isFolder.boolValue && path != "cases.tsv" && !path.hasPrefix("valid/")
        }.sorted()
    }

    func testEveryBadFileHasOneCaseAndEveryCaseAFile() throws {
        let rows = try Self.cases().map(\.file)
        let files = try Self.badFiles()
        XCTAssertEqual(Set(rows).count, rows.count, "a file has more than one row")
        XCTAssertEqual(Set(files).subtracting(rows).sorted(), [], "files without a row in cases.tsv")
        XCTAssertEqual(Set(rows).subtracting(files).sorted(), [], "rows without a file")
        XCTAssertGreaterThanOrEqual(rows.count, 40)
    }

    /// Runs every case and reports all failures together.
    func testEveryBadInputIsRefusedWithOneLineAndNoOutput() throws {
        let cases = try Self.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 40)
        var failures = [String]()
        for item in cases {
            let folder = try ToolRunner.temporaryFolder(for: self)
            let arguments = item.command.split(separator: " ").map {
                $0.replacingOccurrences(of: "{file}", with: Self.corpus.appendingPathComponent(item.file).path)
                    .replacingOccurrences(of: "{out}", with: folder.appendingPathComponent("out").path)
                    .replacingOccurrences(of: "{corpus}", with: Self.corpus.path)
            }
            let run = try ToolRunner.synergy(arguments)
            var problems = [String]()
            if run.status != 2 { problems.append("exit code \(run.status)") }
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count != 2 || lines[0].isEmpty || !lines[1].isEmpty {
                problems.append("standard error is not one line")
            }
            let name = (item.file as NSString).lastPathComponent
            if !run.stderr.contains(name) { problems.append("the error does not name \(name)") }
            if !run.stderr.contains(item.expected) { problems.append("the error lacks '\(item.expected)'") }
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            if !left.isEmpty { problems.append("it wrote \(left.sorted().joined(separator: ", "))") }
            if run.stdout.contains("Wrote") || run.stdout.contains(folder.path) {
                problems.append("standard output mentions an output file")
            }
            if !problems.isEmpty {
                failures.append("\(item.file): \(problems.joined(separator: "; ")) — stderr: \(run.stderr)")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(cases.count) cases failed:\n"
                      + failures.joined(separator: "\n"))
    }

    /// The recording and events the bad events files and manifests stand beside are themselves
    /// accepted, so each of those cases fails for its own file.
    func testValidCompanionsAreAccepted() throws {
        let folder = try ToolRunner.temporaryFolder(for: self)
        let valid = Self.corpus.appendingPathComponent("valid")
        let run = try ToolRunner.synergy([
            "preprocess", valid.appendingPathComponent("raw_emg.csv").path, "--protocol", "santuz",
            "--events", valid.appendingPathComponent("raw_emg_events.csv").path,
            "-o", folder.appendingPathComponent("envelope.csv").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let count = try ToolRunner.synergy(["count", valid.appendingPathComponent("envelope.csv").path,
                                            "--input", "envelope", "--replicates", "2"])
        XCTAssertEqual(count.status, 0, count.stderr)
    }
}
