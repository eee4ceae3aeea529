import Foundation

/// Byte-level reading shared by the lab text exports (Nexus CSV, Noraxon CSV,
/// BTS tracks): lines ending in LF, CRLF or CR; cells split at one delimiter
/// byte, spaces around them ignored, double quotes around a cell removed;
/// numbers read in place (`DecimalNumber`). Errors are `InputError`s naming
/// the file and the line.
struct LabTextScanner {
    /// The whole text.
    let text: UnsafeBufferPointer<UInt8>
    let path: String
    var delimiter: UInt8
    /// Where the next line starts.
    private(set) var position: Int
    /// Where the scanned text ends (the text's end, or a line start inside it).
    let end: Int
    /// 1-based number of the line `nextLine` last returned (counted from the scanner's start).
    private(set) var lineNumber = 0

    /// A scanner of text[position..<end]; `end` is the text's end or the start of a line.
    init(text: UnsafeBufferPointer<UInt8>, path: String, delimiter: UInt8, position: Int = 0, end: Int? = nil) {
        self.text = text
        self.path = path
        self.delimiter = delimiter
        self.position = position
        self.end = end ?? text.count
    }

    /// Moves to a place another scanner of the same text reached.
    mutating func resume(at position: Int, lineNumber: Int) { (self.position, self.lineNumber) = (position, lineNumber) }

    /// Runs `body` on a scanner of `bytes` in place (a UTF-8 byte-order mark skipped).
    static func scan<T>(_ bytes: Data, path: String, delimiter: UInt8,
                        _ body: (inout LabTextScanner) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            let text = raw.bindMemory(to: UInt8.self)
            var scanner = LabTextScanner(text: text, path: path, delimiter: delimiter,
                                         position: text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
            return try body(&scanner)
        }
    }

    /// Bytes left after the current line (an estimate of the rows to come).
    var remainingBytes: Int { end - position }

    /// The next line without its ending; nil at the end of the text.
    mutating func nextLine() -> Range<Int>? {
        guard position < end else { return nil }
        let start = position
        // The first LF, then a CR before it (memchr scans many bytes at a time).
        let base = UnsafeRawPointer(text.baseAddress!)
        var stop = end
        if let lineFeed = memchr(base + start, 10, end - start) { stop = UnsafeRawPointer(lineFeed) - base }
        if let carriageReturn = memchr(base + start, 13, stop - start) { stop = UnsafeRawPointer(carriageReturn) - base }
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

    /// The numbers of the `names.count` cells from `position` appended to
    /// `values`; `position` moves past them. `cellsBefore` cells precede them
    /// in a row of `fields`; an error as `number` gives for the first bad cell.
    @inline(__always)
    func appendNumbers(_ position: inout Int, in line: Range<Int>, names: [String], cellsBefore: Int, fields: Int,
                       into values: inout RowWriter) throws {
        for k in names.indices {
            if !rowEnded(position, in: line), let value = finiteNumber(&position, in: line) {
                values.append(value)
                continue
            }
            if rowEnded(position, in: line) { throw shortRow(found: cellsBefore + k, fields: fields) }
            _ = try number(&position, in: line, column: names[k])
        }
    }

    /// The finite decimal number filling the cell at `position` (spaces
    /// around it allowed), moving `position` past the cell and its delimiter;
    /// nil, and `position` unmoved, for anything else.
    @inline(__always)
    func finiteNumber(_ position: inout Int, in line: Range<Int>) -> Double? {
        var start = position
        while start < line.upperBound, isSpace(text[start]) { start += 1 }
        guard let (value, stop) = DecimalNumber.parse(text, from: start, before: line.upperBound), value.isFinite else { return nil }
        var next = stop
        while next < line.upperBound, isSpace(text[next]) { next += 1 }
        guard next == line.upperBound || text[next] == delimiter else { return nil }
        position = next == line.upperBound ? next : next + 1
        return value
    }

    /// The number in the cell starting at `position`, which then moves past
    /// the cell and its delimiter. The cell must hold one finite decimal
    /// number (spaces around it allowed); `column` names it in errors.
    func number(_ position: inout Int, in line: Range<Int>, column: @autoclosure () -> String) throws -> Double {
        if let value = finiteNumber(&position, in: line) { return value }
        var start = position
        while start < line.upperBound, isSpace(text[start]) { start += 1 }
        var stop = start
        var value = Double.nan
        if let (decimal, end) = DecimalNumber.parse(text, from: start, before: line.upperBound) {
            (value, stop) = (decimal, end)
        } else if start < line.upperBound, Self.startsNumber(text[start]) {
            (value, stop) = DecimalNumber.strtodPrefix(text, from: start, before: line.upperBound)
            // strtod reads hexadecimal ("0x1A"); an export never writes it.
            if let x = text[start..<stop].firstIndex(where: { $0 | 0x20 == UInt8(ascii: "x") }), x > start {
                stop = start
            }
        }
        var next = stop
        while next < line.upperBound, isSpace(text[next]) { next += 1 }
        guard stop > start, next == line.upperBound || text[next] == delimiter else {
            let content = cell(at: position, in: line)
            throw error(column: column(), content.isEmpty ? "empty field" : "'\(content)' is not a number")
        }
        guard value.isFinite else {
            throw error(column: column(), "value '\(String(decoding: text[start..<stop], as: UTF8.self))' is not finite")
        }
        position = next == line.upperBound ? next : next + 1
        return value
    }

    /// The text of the cell starting at `position`, up to its delimiter, trimmed of spaces (for errors).
    func cell(at position: Int, in line: Range<Int>) -> String {
        var end = position
        while end < line.upperBound, text[end] != delimiter { end += 1 }
        return String(decoding: text[position..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
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
