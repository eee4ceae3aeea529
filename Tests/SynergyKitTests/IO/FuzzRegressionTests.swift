import Foundation
import XCTest
import SynergyKit

/// Replays the inputs fuzzing found (Fixtures/fuzz/TARGET, see Scripts/fuzz.sh)
/// through the readers as the fuzz targets do: each must be read or refused
/// with a one-line `InputError` naming the file, never trap.
final class FuzzRegressionTests: XCTestCase {
    private func inputs(_ target: String) throws -> [URL] {
        let folder = TestPaths.fixtures.appendingPathComponent("fuzz/\(target)")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    private func assertReadOrRefused(_ url: URL, _ read: (Data, String) throws -> Void,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try Data(contentsOf: url)
        do {
            try read(data, url.lastPathComponent)
        } catch let error as InputError {
            XCTAssertTrue(error.description.hasPrefix(url.lastPathComponent + ": "), "\(error)", file: file, line: line)
            XCTAssertFalse(error.description.contains(where: \.isNewline), "\(error)", file: file, line: line)
        }
    }

    func testCSVFindings() throws {
        let found = try inputs("csv")
        XCTAssertFalse(found.isEmpty)
        for url in found {
            try assertReadOrRefused(url) { data, path in _ = try RawEMGCSV.parse(data, path: path) }
            try assertReadOrRefused(url) { data, path in
                _ = try RawEMGCSV.parse(data, path: path, options: .init(sampleRate: 1000))
            }
            try assertReadOrRefused(url) { data, path in
                _ = try EnvelopeCSV.parse(String(decoding: data, as: UTF8.self), path: path)
            }
        }
    }

    func testC3DFindings() throws {
        for url in try inputs("c3d") {
            try assertReadOrRefused(url) { data, path in _ = try C3DFile.parse([UInt8](data), path: path) }
        }
    }

    func testEventsFindings() throws {
        for url in try inputs("events") {
            try assertReadOrRefused(url) { data, path in _ = try GaitEventsCSV.parse(data, path: path) }
        }
    }

    func testManifestFindings() throws {
        for url in try inputs("manifest") {
            try assertReadOrRefused(url) { data, path in
                _ = try StudyManifest.parse(String(decoding: data, as: UTF8.self), path: path)
            }
        }
    }
}
