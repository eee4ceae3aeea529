import XCTest
import SynergyKit

final class EnvelopeCSVTests: XCTestCase {
    private func error(_ text: String) -> String {
        do {
            _ = try EnvelopeCSV.parse(text, path: "s.csv")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testReadsHeaderTimeAndMusclesAsRows() throws {
        let table = try EnvelopeCSV.parse("time,TA,\"SOL\"\r\n0,1,2\r\n0.02,3,4\r\n0.04,5,7\r\n\n", path: "s.csv")
        XCTAssertEqual(table.muscles, ["TA", "SOL"])
        XCTAssertEqual(table.timeHeader, "time")
        XCTAssertEqual(table.time, [0, 0.02, 0.04])
        XCTAssertEqual(table.data, Matrix(rowMajor: [[1, 3, 5], [2, 4, 7]]))
    }

    func testReadsAFileAndHashesItsBytes() throws {
        let path = TestPaths.datasets.appendingPathComponent("musclesyneRgies/reference_syns/ID0001_TW_01_V.csv").path
        let table = try EnvelopeCSV.read(path: path)
        XCTAssertEqual(table.muscles.count, 13)
        XCTAssertEqual(table.time.count, 200)
        XCTAssertEqual(table.data[0, 0], 0.31731169956397803)
        // Independent reference: `sha256sum Datasets/musclesyneRgies/reference_syns/ID0001_TW_01_V.csv`.
        XCTAssertEqual(table.sha256, "904fe92d953f4bbfd1b28762715095b7e84ea49c1f68fcbdd4413cefc53f7f7d")
    }

    func testEachBadInputNamesFileAndPlace() {
        XCTAssertEqual(error(""), "s.csv: is empty")
        XCTAssertEqual(error("time,A,B\n"), "s.csv: has a header but no data rows")
        XCTAssertEqual(error("time,A\n0,1\n1,2\n"),
                       "s.csv: line 1: the header has 2 column(s); expected a time column and at least 2 muscles")
        XCTAssertEqual(error("time,A,A\n0,1,2\n1,2,3\n"), "s.csv: line 1, column 'A': duplicate muscle name")
        XCTAssertEqual(error("time,A,B\n0,1,2\n1,2\n"), "s.csv: line 3: has 2 fields but the header has 3")
        XCTAssertEqual(error("time,A,B\n0,1,2\n1,x,3\n"), "s.csv: line 3, column 'A': 'x' is not a number")
        XCTAssertEqual(error("time,A,B\n0,1,2\n1,2,nan\n"), "s.csv: line 3, column 'B': value 'nan' is not finite")
        XCTAssertEqual(error("time,A,B\n0,1,2\n1,inf,3\n"), "s.csv: line 3, column 'A': value 'inf' is not finite")
        XCTAssertEqual(error("time,A,B\n0,1,2\n1,-0.5,3\n"),
                       "s.csv: line 3, column 'A': negative value -0.5 (an envelope is non-negative)")
        XCTAssertEqual(error("time,A,B\n0,1,2\n0,2,3\n"),
                       "s.csv: line 3, column 'time': 0.0 does not increase on the previous row's 0.0")
        XCTAssertEqual(error("time,A,B,C\n0,1,2,3\n1,2,3,4\n"),
                       "s.csv: has 2 samples for 3 muscles; it needs at least as many samples as muscles")
        XCTAssertEqual(error("time,A,B\n0,1,2\n1,1,3\n2,1,4\n"), "s.csv: column 'A': the channel is flat (every value is 1.0)")
        XCTAssertEqual(error("time,A,\n0,1,2\n1,2,3\n"), "s.csv: line 1: a muscle column has an empty name")
        XCTAssertEqual(error("0,1,2\n1,2,3\n2,3,5\n"),
                       "s.csv: line 1: the first line holds numbers, not column names; the file needs a header row")
        // Squares that overflow (1e300) or vanish (1e-170) would make every R² NaN.
        XCTAssertEqual(error("time,A,B\n0,1,2e300\n1,2,3\n"), "s.csv: column 'B': values reach 2e+300, too large "
                       + "to square and sum in double precision; rescale the envelope")
        XCTAssertEqual(error("time,A,B\n0,1e-170,2e-170\n1,2e-170,3e-170\n"), "s.csv: column 'B': values reach 3e-170, "
                       + "too small to square and sum in double precision; rescale the envelope")
    }

    func testMissingFileIsNamed() {
        XCTAssertThrowsError(try EnvelopeCSV.read(path: "/nonexistent/x.csv")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/x.csv: no such file")
        }
    }
}
