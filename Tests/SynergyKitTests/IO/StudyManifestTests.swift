import Foundation
import SynergyKit
import XCTest

/// The manifest reader: the columns researchers write, quoting as spreadsheets
/// export it, overrides, and each refusal with its line.
final class StudyManifestTests: XCTestCase {
    func testReadsColumnsQuotesAndOverrides() throws {
        let text = """
            Subject;Group;Session;Path;Events;Muscles;Sample Rate\r
            S01;novice;month0;"data/S01 m0.csv";c3d;"TA, MGN;SOL";2000\r
            \r
            S01;novice;month3;data/S01_m3.c3d;;;\r
            "S""02";elite;week0;S02.c3d;ev.csv;TA VL;\r
            """
        let manifest = try StudyManifest.parse(text, path: "m.csv")
        XCTAssertEqual(manifest.entries.count, 3)
        let first = manifest.entries[0]
        XCTAssertEqual([first.subject, first.group, first.session, first.path], ["S01", "novice", "month0", "data/S01 m0.csv"])
        XCTAssertEqual(first.events, "c3d")
        XCTAssertEqual(first.muscles, ["TA", "MGN", "SOL"])
        XCTAssertEqual(first.sampleRate, 2000)
        XCTAssertEqual(first.line, 2)
        XCTAssertNil(manifest.entries[1].events)
        XCTAssertNil(manifest.entries[1].muscles)
        XCTAssertNil(manifest.entries[1].sampleRate)
        XCTAssertEqual(manifest.entries[1].line, 4)
        XCTAssertEqual(manifest.entries[2].subject, "S\"02")
        XCTAssertEqual(manifest.entries[2].id, "S-02_week0")
        XCTAssertEqual(manifest.entries[2].muscles, ["TA", "VL"])
        XCTAssertEqual(StudyManifest(path: "study/m.csv", sha256: "", entries: []).resolve("a/b.c3d"), "study/a/b.c3d")
        XCTAssertEqual(StudyManifest(path: "m.csv", sha256: "", entries: []).resolve("/x/b.c3d"), "/x/b.c3d")
    }

    func testRefusesBadManifestsNamingTheLine() {
        let cases: [(String, String)] = [
            ("", "m.csv: is empty; a manifest needs a header (subject,group,session,path) and one row per session"),
            ("subject,group,session\n", "m.csv: line 1: no 'path' column (needed: subject, group, session, path)"),
            ("subject,group,session,path,path\n", "m.csv: line 1: the column 'path' appears twice"),
            ("subject,group,session,path\nS1,g,,a.csv\n", "m.csv: line 2, column 'session': is empty"),
            ("subject,group,session,path,sample_rate\nS1,g,w0,a.csv,-5\n",
             "m.csv: line 2, column 'sample_rate': '-5' is not a positive number"),
            ("subject,group,session,path\nS1,g,w0,a.csv\nS/1,g,w0,b.csv\nS:1,g,w0,c.csv\n",
             "m.csv: line 4: its session id 'S-1_w0' (subject_session, with unsafe characters as '-') is the same as line 3's"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try StudyManifest.parse(text, path: "m.csv"), message) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }

    func testChecksThatEveryFileExists() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("x".utf8).write(to: folder.appendingPathComponent("a.csv"))
        let path = folder.appendingPathComponent("m.csv").path
        try "subject,group,session,path,events\nS1,g,w0,a.csv,c3d:Right\nS2,g,w0,a.csv,ev.csv\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StudyManifest.read(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): line 3, column 'events': no such file: ev.csv")
        }
        try Data("t".utf8).write(to: folder.appendingPathComponent("ev.csv"))
        let manifest = try StudyManifest.read(path: path)
        XCTAssertEqual(manifest.sha256.count, 64)
        XCTAssertEqual(manifest.entries.map(\.events), ["c3d:Right", "ev.csv"])
    }
}
