import Foundation
import XCTest
@testable import SynergyKit

/// `DecimalNumber` against glibc's strtod, which rounds correctly: every
/// value must have the same bits and end at the same byte (no tolerance).
final class DecimalNumberTests: XCTestCase {
    /// Parses `text` both ways; a failure message naming the text when they differ.
    private func mismatch(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        let count = bytes.count
        let ours = bytes.withUnsafeBufferPointer { DecimalNumber.parse($0, from: 0, before: count) }
        bytes.append(0)
        var stop: UnsafeMutablePointer<CChar>?
        let reference = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: count + 1) { start in
                let value = strtod(start, &stop)
                return (value, stop! - start)
            }
        }
        guard let ours else { return "\(text): not read, strtod gives \(reference.0)" }
        if ours.value.bitPattern != reference.0.bitPattern || ours.end != reference.1 {
            return "\(text): \(ours.value) ending at \(ours.end), strtod \(reference.0) ending at \(reference.1)"
        }
        return nil
    }

    private func checkAll(_ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
        let failures = texts.compactMap(mismatch)
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(texts.count) differ, e.g. \(failures.prefix(5))",
                      file: file, line: line)
    }

    /// Doubles as exports print them: shortest round trip, %.17g, %e, and 1 to 16 digits.
    func testPrintedDoublesReadBackAsStrtodReadsThem() {
        var random = SplitMix(state: 1)
        var texts = [String]()
        for _ in 0..<100_000 {
            let x = Double.random(in: 1..<10, using: &random) * pow(10, Double.random(in: -70...70, using: &random))
            texts += ["\(x)", String(format: "%.17g", x), String(format: "%.17E", -x),
                      String(format: "%.\(Int.random(in: 1...16, using: &random))g", x)]
        }
        checkAll(texts)
    }

    /// Random digit strings of 1 to 19 significant digits with a point anywhere and
    /// exponents from -90 to 90: the fast path, Eisel–Lemire and the table's edges.
    func testRandomDecimalsOfUpToNineteenDigits() {
        var random = SplitMix(state: 2)
        var texts = [String]()
        for _ in 0..<100_000 {
            let count = Int.random(in: 1...19, using: &random)
            let digits = String(Int.random(in: 1...9, using: &random))
                + String((1..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
            let point = digits.index(digits.startIndex, offsetBy: Int.random(in: 0...count, using: &random))
            let exponent = Int.random(in: -90...90, using: &random)
            texts += ["\(digits)e\(exponent)", "-\(digits[..<point]).\(digits[point...])E\(exponent)", "0.000\(digits)"]
        }
        checkAll(texts)
    }

    /// Numbers halfway between neighbouring doubles, where rounding to even decides,
    /// and numbers a hair on either side of halfway.
    func testHalfwayCasesRoundToEvenAsStrtodDoes() {
        var random = SplitMix(state: 3)
        var texts = [String]()
        for _ in 0..<20_000 {
            let x = Double.random(in: 1..<10, using: &random) * pow(10, Double.random(in: -40...40, using: &random))
            let half = (Decimal(x) + Decimal(x.nextUp)) / 2
            texts.append("\(half)")
            for digits in 17...20 { texts.append(String(format: "%.\(digits)e", x + (x.nextUp - x) / 2)) }
        }
        // Exact halfway integers around 2^53, and the classic hard cases.
        texts += ["9007199254740993", "9007199254740995", "9007199254740997", "18014398509481985",
                  "2.2250738585072011e-308", "2.2250738585072012e-308", "4.9406564584124654e-324",
                  "1.7976931348623157e308", "1.7976931348623159e308", "7.3177701707893310e+15",
                  "0.1", "0.3", "123456789012345678", "1234567890123456789", "12345678901234567890",
                  "0.000000000000000000000000000000000000000001", "1e-400", "1e400", "-0", "+.5", "7.", "-0.0e5"]
        checkAll(texts)
    }

    /// Only digits with an optional sign, point and exponent are read; what follows stays.
    func testSyntaxStopsWhereStrtodStopsAndRefusesWhatItMustNot() {
        checkAll(["1.5e", "1.5e+", "2E-x", "3..4", "12abc", "-.5e-3,", "1,5"])
        // Hexadecimal is not read: "0x1A" is the number 0 followed by text.
        let hexadecimal = Array("0x1A".utf8)
        let zero = hexadecimal.withUnsafeBufferPointer { DecimalNumber.parse($0, from: 0, before: hexadecimal.count) }
        XCTAssertEqual(zero?.value, 0)
        XCTAssertEqual(zero?.end, 1)
        for text in ["", "-", "+", ".", "e5", "nan", "inf", "-inf", " 1"] {
            let bytes = Array(text.utf8)
            XCTAssertNil(bytes.withUnsafeBufferPointer { DecimalNumber.parse($0, from: 0, before: bytes.count) }, text)
        }
        // Nothing at or after the limit is read.
        let bytes = Array("12345".utf8)
        let value = bytes.withUnsafeBufferPointer { DecimalNumber.parse($0, from: 0, before: 3) }
        XCTAssertEqual(value?.value, 123)
        XCTAssertEqual(value?.end, 3)
    }
}
