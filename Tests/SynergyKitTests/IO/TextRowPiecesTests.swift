import Foundation
import XCTest
@testable import SynergyKit

/// The text readers cut the data rows into pieces read in parallel
/// (`LabTextScanner.numericRows`). Whatever the number of pieces, every
/// recording must come out the same and every bad file must get the same
/// error, line number included: checked on the real and built exports in
/// Datasets/ and on the bad-input corpus, with 1 piece (one pass from the
/// top) as the reference.
final class TextRowPiecesTests: XCTestCase {
    private static let pieceCounts = [2, 3, 7, 64]

    /// The recording or the error `bytes` give with `pieces` pieces.
    private func read(_ bytes: Data, name: String, pieces: Int) -> String {
        LabTextScanner.$rowPieces.withValue(pieces) {
            do {
                let format = RecordingFormat.detect(bytes, path: name)
                let recording = try LabRecording.parse(bytes, path: name, format: format,
                                                       sampleRate: format == .csv ? 1000 : nil)
                return "\(recording)"
            } catch {
                return "error: \(error)"
            }
        }
    }

    private func checkEverySplit(_ files: [URL], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertGreaterThan(files.count, 5, file: file, line: line)
        var refused = 0, read = 0
        for url in files {
            let bytes = try Data(contentsOf: url)
            let reference = self.read(bytes, name: url.lastPathComponent, pieces: 1)
            if reference.hasPrefix("error: ") { refused += 1 } else { read += 1 }
            for pieces in Self.pieceCounts {
                let result = self.read(bytes, name: url.lastPathComponent, pieces: pieces)
                XCTAssertEqual(result, reference, "\(url.lastPathComponent) in \(pieces) pieces", file: file, line: line)
            }
        }
        XCTAssertGreaterThan(refused + read, 0, file: file, line: line)
    }

    private func files(_ folder: URL, extensions: Set<String>) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { extensions.contains($0.pathExtension.lowercased()) }.sorted { $0.path < $1.path }
    }

    func testRealAndBuiltExportsReadTheSameInAnyNumberOfPieces() throws {
        var urls = [URL]()
        for folder in ["delsys", "nexus", "noraxon", "bts", "musclesyneRgies"] {
            urls += try files(TestPaths.datasets.appendingPathComponent(folder), extensions: ["csv", "emt"])
        }
        try checkEverySplit(urls)
    }

    func testBadInputsGetTheSameErrorInAnyNumberOfPieces() throws {
        let corpus = TestPaths.repository.appendingPathComponent("Tests/BadInputs")
        var urls = [URL]()
        for folder in ["csv", "delsys", "nexus", "noraxon", "bts"] {
            urls += try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent(folder),
                                                                includingPropertiesForKeys: nil)
                .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
        }
        try checkEverySplit(urls)
    }

    /// A long recording, so that every piece holds many rows, with a bad cell
    /// placed in a late piece, and a blank line ending a Nexus Devices section early.
    func testLongFilesSplitAtLineStartsWithErrorsOnTheirLines() throws {
        var csv = "time,A,B\r\n"
        for i in 0..<5000 { csv += "\(Double(i) / 1000),\(sin(Double(i))),\(Double(i % 7) * 1e-5)\r\n" }
        let good = Data(csv.utf8)
        let reference = read(good, name: "long.csv", pieces: 1)
        XCTAssertFalse(reference.hasPrefix("error"), reference)
        var lines = csv.components(separatedBy: "\r\n")
        lines[4001] = "4.000,0.5,x7"
        let bad = Data(lines.joined(separator: "\r\n").utf8)
        for pieces in [1] + Self.pieceCounts {
            XCTAssertEqual(read(good, name: "long.csv", pieces: pieces), reference)
            XCTAssertEqual(read(bad, name: "long.csv", pieces: pieces),
                           "error: long.csv: line 4002, column 'B': 'x7' is not a number", "\(pieces) pieces")
        }
    }

    /// A long Nexus CSV with a frame out of order early and a bad cell late: the frame
    /// comes first in the file, so it is the error, however the rows are split.
    func testAnEarlierRowsProblemWinsOverALaterBadCell() throws {
        var nexus = "Devices\n1000\n,,Sensor 1,Sensor 2\nFrame,Sub Frame,TA,MG\n,,V,V\n"
        for frame in 1...3000 {
            let number = frame == 200 ? 202 : frame
            nexus += "\(number),0,\(Double(frame % 13) * 1e-4),-0.002\n"
        }
        var lines = nexus.components(separatedBy: "\n")
        lines[2805] = "2801,0,0.001,?"
        let data = Data(lines.joined(separator: "\n").utf8)
        for pieces in [1] + Self.pieceCounts {
            XCTAssertEqual(read(data, name: "n.csv", pieces: pieces),
                           "error: n.csv: line 205: frame 202, sub frame 0 where frame 200, sub frame 0 should follow "
                           + "(frames in order, each with the same sub frames from 0)", "\(pieces) pieces")
        }
    }

    /// The envelope or the error `EnvelopeCSV` gives for `bytes` with `pieces` pieces.
    private func readEnvelope(_ bytes: Data, name: String, pieces: Int) -> String {
        LabTextScanner.$rowPieces.withValue(pieces) {
            do { return "\(try EnvelopeCSV.parse(bytes, path: name))" } catch { return "error: \(error)" }
        }
    }

    /// The real envelopes and the envelope bad inputs, and a long envelope whose
    /// time goes back early and which has a bad cell late: the earlier problem
    /// is the error, on its line, however the rows are split.
    func testEnvelopesReadTheSameInAnyNumberOfPieces() throws {
        var urls = try files(TestPaths.datasets.appendingPathComponent("musclesyneRgies/reference_syns"),
                             extensions: ["csv"])
        urls += try files(TestPaths.repository.appendingPathComponent("Tests/BadInputs/envelope"), extensions: ["csv"])
        XCTAssertGreaterThan(urls.count, 40)
        for url in urls {
            let bytes = try Data(contentsOf: url)
            let reference = readEnvelope(bytes, name: url.lastPathComponent, pieces: 1)
            for pieces in Self.pieceCounts {
                XCTAssertEqual(readEnvelope(bytes, name: url.lastPathComponent, pieces: pieces), reference,
                               "\(url.lastPathComponent) in \(pieces) pieces")
            }
        }
        var csv = "time,A,B\n"
        for i in 0..<4000 { csv += "\(i == 300 ? 0.2 : Double(i) / 1000),\(1 + sin(Double(i))),\(Double(i % 7))\n" }
        var lines = csv.components(separatedBy: "\n")
        lines[3500] = "3.499,0.5,nan"
        let bad = Data(lines.joined(separator: "\n").utf8)
        lines[301] = "0.3,1,2"
        let lateOnly = Data(lines.joined(separator: "\n").utf8)
        for pieces in [1] + Self.pieceCounts {
            XCTAssertEqual(readEnvelope(bad, name: "e.csv", pieces: pieces),
                           "error: e.csv: line 302, column 'time': 0.2 does not increase on the previous row's 0.299")
            XCTAssertEqual(readEnvelope(lateOnly, name: "e.csv", pieces: pieces),
                           "error: e.csv: line 3501, column 'B': value 'nan' is not finite")
        }
    }
}
