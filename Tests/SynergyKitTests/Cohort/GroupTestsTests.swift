import Foundation
import XCTest
import SynergyKit

/// The group tests and their special functions against SciPy. The fixture
/// Fixtures/cohort/statistics.json is written by
/// Scripts/fixtures/make_statistics_fixtures.py (SciPy's defaults; the method
/// its 'auto' picked, checked there against an explicit call).
///
/// Tolerance: statistic and p-value to 1e-10 relative (a zero must come out
/// exactly zero), the method string exactly. Special functions to 1e-12
/// relative; values below 1e-300 (where SciPy and we may round differently
/// near underflow) are compared absolutely at 1e-300.
final class GroupTestsTests: XCTestCase {
    private static let tolerance = 1e-10
    private static let specialTolerance = 1e-12

    private struct TwoSampleCase: Decodable {
        let name: String
        let x: [Double]
        let y: [Double]
        let statistic: Double
        let p_value: Double
        let method: String
    }

    private struct GroupsCase: Decodable {
        let name: String
        let groups: [[Double]]
        let statistic: Double
        let p_value: Double
        let method: String
    }

    private struct ConditionsCase: Decodable {
        let name: String
        let conditions: [[Double]]
        let statistic: Double
        let p_value: Double
        let method: String
    }

    private struct Special: Decodable {
        struct Gamma: Decodable { let a, x, p, q: Double }
        struct Beta: Decodable { let a, b, x, value: Double }
        struct Normal: Decodable { let x, cdf, survival: Double }
        struct ChiSquared: Decodable { let x, df, survival: Double }
        struct StudentT: Decodable { let t, df, cdf: Double }
        let gamma: [Gamma]
        let beta: [Beta]
        let normal: [Normal]
        let chi_squared: [ChiSquared]
        let student_t: [StudentT]
    }

    private struct Fixture: Decodable {
        let scipy_version: String
        let mann_whitney_u: [TwoSampleCase]
        let kruskal_wallis: [GroupsCase]
        let friedman: [ConditionsCase]
        let wilcoxon_signed_rank: [TwoSampleCase]
        let student_t: [TwoSampleCase]
        let welch_t: [TwoSampleCase]
        let special_functions: Special
    }

    private static let fixture: Fixture = {
        let url = TestPaths.fixtures.appendingPathComponent("cohort/statistics.json")
        // A missing or malformed fixture must fail the tests, not skip them.
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// Largest relative error seen per quantity, printed at the end of each test.
    private var worst: [String: (error: Double, label: String)] = [:]

    private func relativeError(_ actual: Double, _ expected: Double) -> Double {
        if actual == expected { return 0 }
        return expected == 0 ? .infinity : abs(actual - expected) / abs(expected)
    }

    private func assertClose(_ actual: Double, _ expected: Double, _ tolerance: Double, _ what: String,
                             _ label: String, floor: Double = 0,
                             file: StaticString = #filePath, line: UInt = #line) {
        let error = abs(actual - expected) <= floor ? 0 : relativeError(actual, expected)
        XCTAssertLessThanOrEqual(error, tolerance, "\(label): \(what) \(actual), SciPy \(expected)",
                                 file: file, line: line)
        if error >= (worst[what]?.error ?? -1) { worst[what] = (error, label) }
    }

    private func report(_ test: String) {
        for (what, entry) in worst.sorted(by: { $0.key < $1.key }) {
            print("\(test): worst relative error of \(what) \(entry.error) (\(entry.label))")
        }
    }

    private func check(_ result: GroupTests.Result, test: String, statistic: Double, p: Double, method: String,
                       samples: [Int], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.test, test, label, file: file, line: line)
        XCTAssertEqual(result.method, method, "\(label): method", file: file, line: line)
        XCTAssertEqual(result.samples, samples, "\(label): sample sizes", file: file, line: line)
        assertClose(result.statistic, statistic, Self.tolerance, "\(test) statistic", label, file: file, line: line)
        assertClose(result.pValue, p, Self.tolerance, "\(test) p", label, file: file, line: line)
        XCTAssert(result.pValue >= 0 && result.pValue <= 1, "\(label): p \(result.pValue) outside [0, 1]",
                  file: file, line: line)
    }

    private func methods(_ cases: [TwoSampleCase]) -> [String: Int] {
        cases.reduce(into: [:]) { $0[$1.method, default: 0] += 1 }
    }

    // MARK: Against SciPy

    func testMannWhitneyUMatchesSciPy() throws {
        let cases = Self.fixture.mann_whitney_u
        // Both of SciPy's paths must be exercised.
        XCTAssertGreaterThanOrEqual(methods(cases)["exact"] ?? 0, 10)
        XCTAssertGreaterThanOrEqual(methods(cases)["asymptotic"] ?? 0, 10)
        for c in cases {
            let result = try GroupTests.mannWhitneyU(c.x, c.y)
            check(result, test: "mann_whitney_u", statistic: c.statistic, p: c.p_value, method: c.method,
                  samples: [c.x.count, c.y.count], c.name)
        }
        report("Mann–Whitney U")
    }

    func testKruskalWallisMatchesSciPy() throws {
        let cases = Self.fixture.kruskal_wallis
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for c in cases {
            let result = try GroupTests.kruskalWallis(c.groups)
            check(result, test: "kruskal_wallis", statistic: c.statistic, p: c.p_value, method: c.method,
                  samples: c.groups.map(\.count), c.name)
        }
        report("Kruskal–Wallis")
    }

    func testFriedmanMatchesSciPy() throws {
        let cases = Self.fixture.friedman
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        XCTAssert(cases.contains { $0.conditions.count == 3 && $0.conditions[0].count == 14 && $0.name.contains("ties") })
        for c in cases {
            let result = try GroupTests.friedman(c.conditions)
            check(result, test: "friedman", statistic: c.statistic, p: c.p_value, method: c.method,
                  samples: c.conditions.map(\.count), c.name)
        }
        report("Friedman")
    }

    func testWilcoxonSignedRankMatchesSciPy() throws {
        let cases = Self.fixture.wilcoxon_signed_rank
        XCTAssertGreaterThanOrEqual(methods(cases)["exact"] ?? 0, 8)
        XCTAssertGreaterThanOrEqual(methods(cases)["permutation"] ?? 0, 5)
        XCTAssertGreaterThanOrEqual(methods(cases)["asymptotic"] ?? 0, 5)
        for c in cases {
            let result = try GroupTests.wilcoxonSignedRank(c.x, c.y)
            check(result, test: "wilcoxon_signed_rank", statistic: c.statistic, p: c.p_value, method: c.method,
                  samples: [c.x.count, c.y.count], c.name)
        }
        report("Wilcoxon signed-rank")
    }

    func testStudentTMatchesSciPy() throws {
        XCTAssertGreaterThanOrEqual(Self.fixture.student_t.count, 10)
        for c in Self.fixture.student_t {
            let result = try GroupTests.studentT(c.x, c.y)
            check(result, test: "student_t", statistic: c.statistic, p: c.p_value, method: c.method,
                  samples: [c.x.count, c.y.count], c.name)
        }
        report("Student's t")
    }

    func testWelchTMatchesSciPy() throws {
        XCTAssertGreaterThanOrEqual(Self.fixture.welch_t.count, 10)
        for c in Self.fixture.welch_t {
            let result = try GroupTests.welchT(c.x, c.y)
            check(result, test: "welch_t", statistic: c.statistic, p: c.p_value, method: c.method,
                  samples: [c.x.count, c.y.count], c.name)
        }
        report("Welch's t")
    }

    func testSpecialFunctionsMatchSciPy() {
        let special = Self.fixture.special_functions
        let (tolerance, floor) = (Self.specialTolerance, 1e-300)
        XCTAssertGreaterThan(special.gamma.count, 40)
        for c in special.gamma {
            let label = "a \(c.a), x \(c.x)"
            assertClose(SpecialFunctions.regularisedGammaP(c.a, c.x), c.p, tolerance, "gammainc", label, floor: floor)
            assertClose(SpecialFunctions.regularisedGammaQ(c.a, c.x), c.q, tolerance, "gammaincc", label, floor: floor)
        }
        XCTAssertGreaterThan(special.beta.count, 40)
        for c in special.beta {
            assertClose(SpecialFunctions.regularisedBeta(c.a, c.b, c.x), c.value, tolerance, "betainc",
                        "a \(c.a), b \(c.b), x \(c.x)", floor: floor)
        }
        for c in special.normal {
            assertClose(SpecialFunctions.normalCDF(c.x), c.cdf, tolerance, "ndtr", "x \(c.x)", floor: floor)
            assertClose(SpecialFunctions.normalSurvival(c.x), c.survival, tolerance, "ndtr(-x)", "x \(c.x)",
                        floor: floor)
        }
        for c in special.chi_squared {
            assertClose(SpecialFunctions.chiSquaredSurvival(c.x, degreesOfFreedom: c.df), c.survival, tolerance,
                        "chdtrc", "df \(c.df), x \(c.x)", floor: floor)
        }
        for c in special.student_t {
            assertClose(SpecialFunctions.studentTCDF(c.t, degreesOfFreedom: c.df), c.cdf, tolerance, "stdtr",
                        "df \(c.df), t \(c.t)", floor: floor)
        }
        report("special functions")
    }

    // MARK: Independent checks of the exact distributions

    /// Exact Mann–Whitney p-values against a brute-force enumeration of every
    /// split of the pooled sample (5 + 4 values, 126 splits).
    func testMannWhitneyExactAgainstEnumeration() throws {
        let x = [0.3, 2.2, 4.1, 5.7, 8.8], y = [1.4, 3.3, 6.9, 9.5]
        let pooled = x + y
        let observed = try GroupTests.mannWhitneyU(x, y)
        XCTAssertEqual(observed.method, "exact")
        func u(_ first: [Double], _ second: [Double]) -> Double {
            first.reduce(0.0) { sum, a in sum + Double(second.filter { $0 < a }.count) }
        }
        let uObserved = u(x, y)
        XCTAssertEqual(observed.statistic, uObserved)
        let product = Double(x.count * y.count)
        let far = max(uObserved, product - uObserved)
        var extreme = 0, total = 0
        for mask in 0..<(1 << pooled.count) where mask.nonzeroBitCount == x.count {
            let first = pooled.indices.filter { mask & (1 << $0) != 0 }.map { pooled[$0] }
            let second = pooled.indices.filter { mask & (1 << $0) == 0 }.map { pooled[$0] }
            if u(first, second) >= far { extreme += 1 }
            total += 1
        }
        XCTAssertEqual(total, 126)
        XCTAssertEqual(observed.pValue, min(1, 2 * Double(extreme) / Double(total)), accuracy: 1e-15)
    }

    /// Exact and permutation Wilcoxon p-values against a brute-force
    /// enumeration of all 2ⁿ sign flips of the differences.
    func testWilcoxonAgainstSignFlipEnumeration() throws {
        let y = [Double](repeating: 0, count: 9)
        for x in [[0.5, -1.5, 2.5, 3.5, -4.5, 5.5, 6.5, 7.5, -8.5],   // exact (no ties, no zeros)
                  [1, -1, 2, 2, -3, 0, 4, 4, 5]] {                  // ties and a zero: permutation
            let result = try GroupTests.wilcoxonSignedRank(x, y)
            let nonZero = x.filter { $0 != 0 }
            let magnitudes = nonZero.map(abs)
            let ranks = magnitudes.map { m in
                Double(magnitudes.filter { $0 < m }.count) + (Double(magnitudes.filter { $0 == m }.count) + 1) / 2
            }
            func rPlus(_ mask: Int) -> Double {
                ranks.indices.reduce(0.0) { $0 + (mask & (1 << $1) != 0 ? ranks[$1] : 0) }
            }
            let observedMask = nonZero.indices.reduce(0) { $0 | (nonZero[$1] > 0 ? 1 << $1 : 0) }
            let observed = rPlus(observedMask)
            var lower = 0, upper = 0
            for mask in 0..<(1 << nonZero.count) {
                if rPlus(mask) <= observed { lower += 1 }
                if rPlus(mask) >= observed { upper += 1 }
            }
            let expected = min(1, 2 * Double(min(lower, upper)) / Double(1 << nonZero.count))
            XCTAssertEqual(result.method, x.contains(0) ? "permutation" : "exact")
            XCTAssertEqual(result.statistic, min(observed, ranks.reduce(0, +) - observed))
            XCTAssertEqual(result.pValue, expected, accuracy: 1e-15, "\(x)")
        }
    }

    /// Swapping x and y leaves two-sided p unchanged and mirrors U and t.
    func testSymmetryOfTwoSampleTests() throws {
        let x = [5.1, 6.3, 4.4, 7.9, 6.0, 5.5], y = [3.2, 4.8, 2.9, 5.0, 4.1, 3.7, 4.4]
        let (a, b) = (try GroupTests.mannWhitneyU(x, y), try GroupTests.mannWhitneyU(y, x))
        XCTAssertEqual(a.statistic + b.statistic, Double(x.count * y.count))
        XCTAssertEqual(a.pValue, b.pValue, accuracy: 1e-15)
        for test in [GroupTests.studentT, GroupTests.welchT] {
            let (s, t) = (try test(x, y), try test(y, x))
            XCTAssertEqual(s.statistic, -t.statistic, accuracy: 1e-14)
            XCTAssertEqual(s.pValue, t.pValue, accuracy: 1e-15)
        }
    }

    func testResultCodesPValueKey() throws {
        let result = try GroupTests.kruskalWallis([[1, 2, 3], [4, 5, 6]])
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        XCTAssert(json.contains("\"p_value\""), json)
        XCTAssertFalse(json.contains("pValue"), json)
        XCTAssertEqual(try JSONDecoder().decode(GroupTests.Result.self, from: Data(json.utf8)), result)
    }

    // MARK: Errors

    private func assertThrows(_ expression: @autoclosure () throws -> GroupTests.Result, _ fragment: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let error = error as? GroupTestError else {
                return XCTFail("not a GroupTestError: \(error)", file: file, line: line)
            }
            XCTAssert(error.description.contains(fragment), "“\(error.description)” lacks “\(fragment)”",
                      file: file, line: line)
        }
    }

    func testErrors() {
        let nan = Double.nan, inf = Double.infinity
        // Mann–Whitney U
        assertThrows(try GroupTests.mannWhitneyU([], [1, 2]), "at least one value in each group")
        assertThrows(try GroupTests.mannWhitneyU([1, 2], []), "at least one value in each group")
        assertThrows(try GroupTests.mannWhitneyU([1, nan], [1, 2]), "non-finite")
        assertThrows(try GroupTests.mannWhitneyU([1, 2], [inf, 2]), "non-finite")
        assertThrows(try GroupTests.mannWhitneyU([3, 3, 3], [3, 3]), "all values are identical")
        // Kruskal–Wallis
        assertThrows(try GroupTests.kruskalWallis([[1, 2, 3]]), "at least 2 groups")
        assertThrows(try GroupTests.kruskalWallis([[1, 2], []]), "group 2 is empty")
        assertThrows(try GroupTests.kruskalWallis([[1, 2], [-inf, 1]]), "non-finite")
        assertThrows(try GroupTests.kruskalWallis([[2, 2], [2], [2, 2]]), "all values are identical")
        // Friedman
        assertThrows(try GroupTests.friedman([[1, 2], [2, 3]]), "at least 3 conditions")
        assertThrows(try GroupTests.friedman([[1, 2, 3], [2, 3], [3, 4, 5]]), "3, 2, 3")
        assertThrows(try GroupTests.friedman([[], [], []]), "at least one subject")
        assertThrows(try GroupTests.friedman([[1, 2], [nan, 3], [3, 4]]), "non-finite")
        assertThrows(try GroupTests.friedman([[1, 2], [1, 2], [1, 2]]), "same value under all conditions")
        // Wilcoxon signed-rank
        assertThrows(try GroupTests.wilcoxonSignedRank([1, 2, 3], [1, 2]), "equal length")
        assertThrows(try GroupTests.wilcoxonSignedRank([], []), "at least one pair")
        assertThrows(try GroupTests.wilcoxonSignedRank([1, nan], [1, 2]), "non-finite")
        assertThrows(try GroupTests.wilcoxonSignedRank([1.7e308, 1], [-1.7e308, 2]), "x − y")
        assertThrows(try GroupTests.wilcoxonSignedRank([1, 2, 3], [1, 2, 3]), "every difference is zero")
        // t-tests
        for (test, name) in [(GroupTests.studentT, "Student's"), (GroupTests.welchT, "Welch's")] {
            assertThrows(try test([1], [1, 2, 3]), "at least 2 values in each group")
            assertThrows(try test([1, 2, 3], [4]), "at least 2 values in each group")
            assertThrows(try test([1, 2, inf], [1, 2]), "non-finite")
            assertThrows(try test([4, 4, 4], [5, 5]), "\(name) t-test: both groups are constant")
        }
    }
}
