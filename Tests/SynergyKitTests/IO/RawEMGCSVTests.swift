import Foundation
import XCTest
import SynergyKit

final class RawEMGCSVTests: XCTestCase {
    private func parse(_ text: String, sampleRate: Double? = nil) throws -> EMGRecording {
        try RawEMGCSV.parse(Data(text.utf8), path: "raw.csv", options: .init(sampleRate: sampleRate))
    }

    private func assertError(_ text: String, sampleRate: Double? = nil, _ expected: String, setting: SettingProblem? = nil,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text, sampleRate: sampleRate), file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected, file: file, line: line)
            XCTAssertEqual((error as? InputError)?.setting, setting, file: file, line: line)
        }
    }

    func testDelimitersTimeColumnAndRate() throws {
        let comma = try parse("time,TA,MG\n0.010,1,-2\n0.011,3,4\n0.012,5,6\n")
        XCTAssertEqual(comma.channelNames, ["TA", "MG"])
        XCTAssertEqual(comma.sampleRate, 1000)
        XCTAssertEqual(comma.startTime, 0.010)
        XCTAssertEqual(comma.channels, [[1, 3, 5], [-2, 4, 6]])
        let tab = try parse("Time (s)\tTA\tMG\r\n0\t1\t2\r\n0.0005\t3\t4\r\n0.001\t5\t6\r\n")
        XCTAssertEqual(tab.sampleRate, 2000)
        XCTAssertEqual(tab.channels[1], [2, 4, 6])
        let semicolon = try parse("TA;MG\n1;2\n3;4\n", sampleRate: 1500)
        XCTAssertEqual(semicolon.sampleRate, 1500)
        XCTAssertEqual(semicolon.startTime, 0)
        let spaces = try parse("time  TA MG\n0   1 2\n0.5 3  4\n")
        XCTAssertEqual(spaces.channels, [[1, 3], [2, 4]])
        XCTAssertEqual(spaces.sampleRate, 2)
        // Time stamps printed to 4 decimals at 3 kHz step by 0.0003 or 0.0004 s.
        let rounded = try parse("time,TA,MG\n" + (0..<10).map { String(format: "%.4f,1,2", Double($0) / 3000) }
            .joined(separator: "\n"))
        XCTAssertEqual(rounded.sampleRate, 3000)
    }

    func testBadInputNamesLineAndColumn() {
        assertError("time,TA,MG\n0,1,2\n0.001,x,3\n", "raw.csv: line 3, column 'TA': 'x' is not a number")
        assertError("time,TA,MG\n0,1,2\n0.001,nan,3\n", "raw.csv: line 3, column 'TA': value 'nan' is not finite")
        assertError("time,TA,MG\n0,1,2\n0.001,1\n", "raw.csv: line 3: has 2 fields but the header has 3")
        assertError("time,TA,MG\n0,1,2\n0,1,2\n", "raw.csv: line 3, column 'time': time 0.0 does not increase on the previous row's 0.0")
        assertError("time,TA,ta\n0,1,2\n0.001,1,2\n", "raw.csv: line 1, column 'ta': duplicate channel name")
        assertError("TA,MG\n1,2\n3,4\n", "raw.csv: line 1: no time column (the first header is 'TA'); name it 'time' (seconds) or give the sample rate",
                    setting: .sampleRateNeeded(firstHeader: "TA"))
        assertError("time,TA,MG\n0,1,2\n0.001,1,2\n0.002,1,2\n0.004,1,2\n0.005,1,2\n",
                    "raw.csv: line 5, column 'time': time is not uniformly sampled: 0.002 s since the previous row, 1.60× the mean interval 0.00125 s (a gap or jitter); resample the file first")
        assertError("time,TA,MG\n0,1,2\n0.001,1,2\n", sampleRate: 2000,
                    "raw.csv: column 'time': the time column gives 1000 Hz but the sample rate given is 2000 Hz",
                    setting: .sampleRateDisagrees(timeColumn: 1000, given: 2000))
        assertError("", "raw.csv: is empty")
        assertError("time,TA,MG\n0,1,2\n0.001,,2\n", "raw.csv: line 3, column 'TA': empty field")
        assertError("0,1,2\n0.001,3,4\n0.002,5,6\n", sampleRate: 1000,
                    "raw.csv: line 1: the first line holds numbers, not column names; the file needs a header row")
        assertError("time,TA,MG\n0,1,2\n", "raw.csv: has 1 data row(s); a recording needs at least 2")
    }

    /// Found by fuzzing: a header of spaces, and fields strtod would have read
    /// across a line end (it skips leading white space, newlines included).
    func testFieldsNeverSpanLines() {
        assertError(" ", "raw.csv: line 1: the header names no columns")
        assertError("time,TA,MG\n0,1,2\n0.001, \n3,4\n0.002,5,6\n", "raw.csv: line 3, column 'TA': empty field")
        assertError("time,TA,MG\n0,1,2\n0.001,1,\u{0B}\n7\n", "raw.csv: line 3, column 'MG': '\\u{0B}' is not a number")
        assertError("time,TA,MG\n0,1,2\n0.001,,3\n", "raw.csv: line 3, column 'TA': empty field")
        assertError("time\tTA\tMG\n0\t1\t2\n0.001\t\t3\n", "raw.csv: line 3, column 'TA': empty field")
    }

    func testChannelSelectionAndRenaming() throws {
        let recording = try parse("time,TA,MG,SOL\n0,1,2,3\n0.001,4,5,6\n")
        let picked = try recording.selecting(["sol", "TA"])
        XCTAssertEqual(picked.channelNames, ["SOL", "TA"])
        XCTAssertEqual(picked.channels, [[3, 6], [1, 4]])
        XCTAssertThrowsError(try recording.selecting(["VL"])) { error in
            XCTAssertEqual("\(error)", "raw.csv: no channel named 'VL' (channels: TA, MG, SOL)")
        }
        let renamed = try recording.renaming([("mg", "GM")])
        XCTAssertEqual(renamed.channelNames, ["TA", "GM", "SOL"])
        XCTAssertThrowsError(try recording.renaming([("MG", "ta")])) { error in
            XCTAssertEqual((error as? InputError)?.setting, .renamedChannelsCollide(name: "ta"))
        }
        XCTAssertThrowsError(try recording.renaming([("VL", "GL")])) { error in
            XCTAssertEqual((error as? InputError)?.setting, .renamedChannelMissing(name: "VL", channels: ["TA", "MG", "SOL"]))
        }
        XCTAssertThrowsError(try recording.selecting(["TA", "ta"])) { error in
            XCTAssertEqual((error as? InputError)?.setting, .muscleNamedTwice(name: "ta"))
        }
    }
}
