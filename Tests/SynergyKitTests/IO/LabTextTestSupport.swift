import Foundation
import SynergyKit
import XCTest

/// What the lab text readers' tests share: the values Python's csv module read
/// (Fixtures/labtext/expected.json, from Scripts/fixtures/make_lab_text_fixtures.py)
/// and the replay of a bad-input folder.
enum LabTextExpected {
    struct Channel: Decodable { var first: Double, last: Double, sum: Double, count: Int }
    struct Noraxon: Decodable { var header: [String], timeFirst: Double, timeLast: Double, channels: [Channel] }
    struct Nexus: Decodable { var names: [String], units: [String], channels: [Channel] }
    struct BTS: Decodable { var tracks: [String], channels: [Channel] }
    struct File: Decodable { var noraxon: [String: Noraxon], nexus: Nexus, bts: [String: BTS] }

    static func load() throws -> File {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(File.self, from: Data(contentsOf: TestPaths.fixtures.appendingPathComponent("labtext/expected.json")))
    }

    /// Checks a channel's count, first and last values and sum against Python's.
    static func check(_ channel: LabChannel, _ expected: Channel, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(channel.samples.count, expected.count, channel.name, file: file, line: line)
        XCTAssertEqual(channel.samples.first, expected.first, channel.name, file: file, line: line)
        XCTAssertEqual(channel.samples.last, expected.last, channel.name, file: file, line: line)
        XCTAssertEqual(channel.samples.reduce(0, +), expected.sum, accuracy: 1e-9 * max(1, abs(expected.sum)),
                       channel.name, file: file, line: line)
    }

    /// Every file of Tests/BadInputs/`folder` is refused by `parse` with an
    /// `InputError` that starts with the file's name and is one line.
    static func replayBadInputs(_ folder: String, parse: (Data, String) throws -> Void,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let url = TestPaths.repository.appendingPathComponent("Tests/BadInputs/\(folder)")
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10, "bad inputs in Tests/BadInputs/\(folder)", file: file, line: line)
        for name in names {
            do {
                try parse(try Data(contentsOf: url.appendingPathComponent(name)), name)
                XCTFail("\(folder)/\(name) was accepted", file: file, line: line)
            } catch let error as InputError {
                XCTAssertTrue(error.description.hasPrefix(name + ": "), "\(name): \(error)", file: file, line: line)
                XCTAssertFalse(error.description.contains(where: \.isNewline), "\(name): \(error)", file: file, line: line)
            }
        }
    }
}
