import Foundation

/// Byte-level reading shared by the lab text exports (Nexus CSV, Noraxon CSV,
/// BTS tracks): lines ending in LF, CRLF or CR; cells split at one delimiter
/// byte, spaces around them ignored, double quotes around a cell removed;
/// numbers read in place with strtod. Errors are `InputError`s naming the
/// file and the line.
struct LabTextScanner {
    /// The text, ending with a 0 byte that is not part of it.
    let text: UnsafeBufferPointer<UInt8>
    let path: String
    var delimiter: UInt8
    /// Where the next line starts.
    private(set) var position = 0
    /// 1-based number of the line `nextLine` last returned.
    private(set) var lineNumber = 0

    /// Runs `body` on a scanner of `bytes` (a UTF-8 byte-order mark skipped).
    static func scan<T>(_ bytes: Data, path: String, delimiter: UInt8,
                        _ body: (inout LabTextScanner) throws -> T) throws -> T {
        var buffer = [UInt8](bytes)
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
        buffer.append(0)
        return try buffer.withUnsafeBufferPointer { pointer in
            var scanner = LabTextScanner(text: pointer, path: path, delimiter: delimiter)
            return try body(&scanner)
        }
    }

    private var end: Int { text.count - 1 }

    /// Bytes left after the current line (an estimate of the rows to come).
    var remainingBytes: Int { end - position }

    /// The next line without its ending; nil at the end of the text.
    mutating func nextLine() -> Range<Int>? {
        guard position < end else { return nil }
        let start = position
        var stop = start
        while stop < end, text[stop] != 10, text[stop] != 13 { stop += 1 }
        position = stop
        if position < end, text[position] == 13 { position += 1 }
        if position < end, text[position] == 10 { position += 1 }
        lineNumber += 1
        return start..<stop
    }

    /// True when the line holds nothing but delimiters and spaces.
    func isBlank(_ line: Range<Int>) -> Bool {
        line.allSatisfy { text[$0] == delimiter || text[$0] == 32 || text[$0] == 9 }
    }

    /// An error at the line last read.
    func error(column: String? = nil, _ problem: String) -> InputError {
        InputError(file: path, line: lineNumber, column: column, problem)
    }

    /// The line as text (an error when it is not UTF-8).
    func string(_ line: Range<Int>) throws -> String {
        guard let string = String(bytes: UnsafeBufferPointer(rebasing: text[line]), encoding: .utf8) else {
            throw error("is not UTF-8 text")
        }
        return string
    }

    /// The line's cells, trimmed of spaces (and tabs unless tab is the
    /// delimiter); a cell in double quotes may hold the delimiter and `""`.
    func cells(_ line: Range<Int>) throws -> [String] {
        var cells = [String]()
        var i = line.lowerBound
        while true {
            var cell = [UInt8]()
            while i < line.upperBound, isSpace(text[i]) { i += 1 }
            if i < line.upperBound, text[i] == 34 {
                i += 1
                while i < line.upperBound {
                    if text[i] == 34 {
                        if i + 1 < line.upperBound, text[i + 1] == 34 { cell.append(34); i += 2; continue }
                        i += 1
                        break
                    }
                    cell.append(text[i])
                    i += 1
                }
                while i < line.upperBound, isSpace(text[i]) { i += 1 }
                if i < line.upperBound, text[i] != delimiter { throw error("text after a closing quote in a cell") }
            } else {
                while i < line.upperBound, text[i] != delimiter { cell.append(text[i]); i += 1 }
                while let last = cell.last, isSpace(last) { cell.removeLast() }
            }
            guard let string = String(bytes: cell, encoding: .utf8) else { throw error("is not UTF-8 text") }
            cells.append(string)
            guard i < line.upperBound else { return cells }
            i += 1  // the delimiter
        }
    }

    /// Moves `position` past the cell starting there (quoted or not) and its delimiter.
    func skipCell(_ position: inout Int, in line: Range<Int>) {
        var quoted = false
        while position < line.upperBound {
            let byte = text[position]
            if byte == 34 { quoted.toggle() }
            position += 1
            if byte == delimiter, !quoted { return }
        }
    }

    /// The number in the cell starting at `position`, which then moves past
    /// the cell and its delimiter. The cell must hold one finite decimal
    /// number (spaces around it allowed); `column` names it in errors.
    @inline(__always)
    func number(_ position: inout Int, in line: Range<Int>, column: @autoclosure () -> String) throws -> Double {
        var start = position
        while start < line.upperBound, isSpace(text[start]) { start += 1 }
        var stop = start
        var value = Double.nan
        if start < line.upperBound, let (fast, end) = decimal(at: start, before: line.upperBound) {
            (value, stop) = (fast, end)
        } else if start < line.upperBound, Self.startsNumber(text[start]) {
            let base = UnsafeMutableRawPointer(mutating: text.baseAddress!)
            var after: UnsafeMutablePointer<CChar>?
            value = strtod(base.assumingMemoryBound(to: CChar.self) + start, &after)
            stop = UnsafeRawPointer(after!) - UnsafeRawPointer(base)
            // strtod reads hexadecimal ("0x1A"); an export never writes it.
            if let x = text[start..<stop].firstIndex(where: { $0 | 0x20 == UInt8(ascii: "x") }), x > start {
                stop = start
            }
        }
        var next = stop
        while next < line.upperBound, isSpace(text[next]) { next += 1 }
        guard stop > start, next == line.upperBound || text[next] == delimiter else {
            var cellEnd = position
            while cellEnd < line.upperBound, text[cellEnd] != delimiter { cellEnd += 1 }
            let cell = String(decoding: text[position..<cellEnd], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            throw error(column: column(), cell.isEmpty ? "empty field" : "'\(cell)' is not a number")
        }
        guard value.isFinite else {
            throw error(column: column(), "value '\(String(decoding: text[start..<stop], as: UTF8.self))' is not finite")
        }
        position = next == line.upperBound ? next : next + 1
        return value
    }

    /// Powers of ten exactly representable as doubles.
    private static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                                1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// A plain decimal number (`-1.25`, `3.80E-06`) at `start` and where it
    /// ends, when its digits form an integer up to 2^53 and its power of ten is
    /// within ±22: one exact multiplication or division then gives the
    /// correctly rounded value, as strtod would (Clinger's fast path). Nil
    /// otherwise, and strtod reads it.
    @inline(__always)
    private func decimal(at start: Int, before limit: Int) -> (Double, Int)? {
        var i = start
        let negative = text[i] == 45
        if negative || text[i] == 43 { i += 1 }
        var significand: UInt64 = 0, exponent = 0, digits = 0
        while i < limit, text[i] &- 48 < 10 {
            guard significand < 100_000_000_000_000_000 else { return nil }
            significand = significand * 10 + UInt64(text[i] &- 48)
            digits += 1
            i += 1
        }
        if i < limit, text[i] == 46 {
            i += 1
            while i < limit, text[i] &- 48 < 10 {
                guard significand < 100_000_000_000_000_000 else { return nil }
                significand = significand * 10 + UInt64(text[i] &- 48)
                exponent -= 1
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < limit, text[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            let negativeExponent = j < limit && text[j] == 45
            if j < limit, text[j] == 45 || text[j] == 43 { j += 1 }
            if j < limit, text[j] &- 48 < 10 {
                var power = 0
                while j < limit, text[j] &- 48 < 10 {
                    guard power < 10_000 else { return nil }
                    power = power * 10 + Int(text[j] &- 48)
                    j += 1
                }
                exponent += negativeExponent ? -power : power
                i = j
            }
        }
        guard significand <= 1 << 53, abs(exponent) <= 22 else { return nil }
        let magnitude = exponent < 0 ? Double(significand) / Self.powersOfTen[-exponent]
                                     : Double(significand) * Self.powersOfTen[exponent]
        return (negative ? -magnitude : magnitude, i)
    }

    /// True when the row has no cell left at `position`: its end, not preceded by a delimiter.
    func rowEnded(_ position: Int, in line: Range<Int>) -> Bool {
        position >= line.upperBound && (position == line.lowerBound || text[position - 1] != delimiter)
    }

    /// After the last cell of a row: an error unless the row ends there
    /// (with `trailingDelimiter`, one delimiter and spaces may follow).
    func expectRowEnd(_ position: Int, in line: Range<Int>, fields: Int, trailingDelimiter: Bool = false) throws {
        if rowEnded(position, in: line) { return }
        if trailingDelimiter, text[position - 1] == delimiter, line[position...].allSatisfy({ isSpace(text[$0]) }) { return }
        throw error("has more than the header's \(fields) fields")
    }

    /// An error for a row that ended after `found` of its `fields` fields.
    func shortRow(found: Int, fields: Int) -> InputError {
        error("has \(found) fields but the header has \(fields)")
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 && delimiter != 9 }

    private static func startsNumber(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || byte == 43 || byte == 45 || byte == 46
    }

    /// The rate of uniformly sampled time stamps (seconds): an error at
    /// `lines[i]` where time does not increase or a step departs from the mean
    /// by more than `RawEMGCSV.intervalTolerance`; a rate within 1e-6 of an
    /// integer is rounded to it (time printed with few decimals).
    static func uniformRate(_ time: [Double], lines: [Int], path: String, column: String) throws -> Double {
        let count = time.count
        for i in 1..<count where !(time[i] > time[i - 1]) {
            throw InputError(file: path, line: lines[i], column: column,
                             "time \(time[i]) does not increase on the previous row's \(time[i - 1])")
        }
        let interval = (time[count - 1] - time[0]) / Double(count - 1)
        for i in 1..<count {
            let ratio = (time[i] - time[i - 1]) / interval
            if abs(ratio - 1) > RawEMGCSV.intervalTolerance {
                throw InputError(file: path, line: lines[i], column: column, String(
                    format: "time is not uniformly sampled: %.6g s since the previous row, %.2f× the mean "
                        + "interval %.6g s (a gap or jitter)", time[i] - time[i - 1], ratio, interval))
            }
        }
        let measured = 1 / interval
        let rounded = measured.rounded()
        return abs(measured - rounded) <= 1e-6 * measured ? rounded : measured
    }
}
