import Foundation

/// A numeric table read from delimited text: a header row of names, then rows
/// of numbers, one array per column. The delimiter (comma, tab, semicolon, or
/// runs of spaces) is detected from the header line. Every field must be a
/// finite number; a ragged row, text in a numeric field, NaN or Inf is an
/// `InputError` naming the line and column. A first line of numbers is a
/// missing header, not one whose names are numbers.
struct DelimitedTable {
    var header: [String]
    var columns: [[Double]]
    /// The line of each row in the file.
    var lines: [Int]
    var rowCount: Int { columns.first?.count ?? 0 }

    enum Delimiter: Equatable, Sendable {
        case character(UInt8)
        case whitespace

        var name: String {
            switch self {
            case .character(UInt8(ascii: ",")): "comma"
            case .character(UInt8(ascii: "\t")): "tab"
            case .character(UInt8(ascii: ";")): "semicolon"
            case .character: "delimiter"
            case .whitespace: "whitespace"
            }
        }
    }

    /// The delimiter of a header line: tab, then semicolon, then comma if present, else whitespace.
    static func detectDelimiter(_ headerLine: [UInt8]) -> Delimiter {
        for candidate in [UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: ",")] where headerLine.contains(candidate) {
            return .character(candidate)
        }
        return .whitespace
    }

    /// Parses `bytes`; `path` only names the source in errors.
    static func parse(_ bytes: Data, path: String) throws -> DelimitedTable {
        try bytes.withUnsafeBytes { raw in
            try parse(raw.bindMemory(to: UInt8.self), path: path)
        }
    }

    private static func isLineEnd(_ byte: UInt8) -> Bool { byte == 10 || byte == 13 }

    private static func parse(_ text: UnsafeBufferPointer<UInt8>, path: String) throws -> DelimitedTable {
        let end = text.count
        var position = text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // a UTF-8 byte-order mark
        var lineNumber = 1
        // Skips blank lines, counting them.
        func skipLineEnds() {
            while position < end, isLineEnd(text[position]) {
                if text[position] == 10 { lineNumber += 1 }
                else if text[position] == 13, position + 1 >= end || text[position + 1] != 10 { lineNumber += 1 }
                position += 1
            }
        }
        skipLineEnds()
        guard position < end else { throw InputError(file: path, "is empty") }
        var lineEnd = position
        while lineEnd < end, !isLineEnd(text[lineEnd]) { lineEnd += 1 }
        let headerBytes = Array(text[position..<lineEnd])
        guard let headerText = String(bytes: headerBytes, encoding: .utf8) else {
            throw InputError(file: path, line: lineNumber, "the header is not UTF-8 text")
        }
        let delimiter = detectDelimiter(headerBytes)
        let header: [String]
        switch delimiter {
        case .character(let c):
            header = headerText.split(separator: Character(UnicodeScalar(c)), omittingEmptySubsequences: false).map(unquote)
        case .whitespace:
            header = headerText.split(whereSeparator: { $0 == " " }).map(unquote)
        }
        let width = header.count
        guard width > 0 else { throw InputError(file: path, line: lineNumber, "the header names no columns") }
        if header.allSatisfy({ Double($0) != nil }) {
            throw InputError(file: path, line: lineNumber, "the first line holds numbers, not column names; "
                             + "the file needs a header row")
        }
        // The data rows, from the line after the header.
        position = lineEnd
        if position < end, text[position] == 13 { position += 1 }
        if position < end, text[position] == 10 { position += 1 }
        var scanner = LabTextScanner(text: text, path: path, delimiter: delimiterByte(delimiter), position: position)
        scanner.resume(at: position, lineNumber: lineNumber)
        let rows = try scanner.numericRows(width: width, blankLines: .skipped, isBlank: { $1.isEmpty }) { scanner, line, values in
            try readRow(scanner, line, delimiter: delimiter, header: header, into: &values)
        }
        return DelimitedTable(header: header, columns: rows.columns, lines: rows.lines)
    }

    /// One row's numbers appended to `values`.
    private static func readRow(_ scanner: LabTextScanner, _ line: Range<Int>, delimiter: Delimiter, header: [String],
                                into values: inout RowWriter) throws {
        let text = scanner.text, width = header.count, end = line.upperBound
        func isSpace(_ i: Int) -> Bool { i < end && (text[i] == 32 || text[i] == 9 && delimiter != .character(9)) }
        func error(_ column: String?, _ problem: String) -> InputError { scanner.error(column: column, problem) }
        var position = line.lowerBound
        var column = 0
        while true {
            while isSpace(position) { position += 1 }
            if position == end || delimiter != .whitespace && text[position] == delimiterByte(delimiter) {
                if delimiter == .whitespace, column > 0 { break }
                throw error(column < width ? header[column] : nil, "empty field")
            }
            guard column < width else { throw error(nil, "has more than the header's \(width) fields") }
            let start = position
            var value = Double.nan, stop = start
            if let number = DecimalNumber.parse(text, from: start, before: end) {
                (value, stop) = number
            } else if !(9...13).contains(text[start]) {
                // Not a plain decimal: strtod also reads `nan` and `inf` (refused below as not
                // finite) and hexadecimal. It would skip white space before a number: a field
                // starting with any (vertical tab, form feed) is not a number.
                (value, stop) = DecimalNumber.strtodPrefix(text, from: start, before: end)
            }
            var next = stop
            while isSpace(next) { next += 1 }
            let fieldEnds: Bool
            switch delimiter {
            case .character(let c): fieldEnds = next == end || text[next] == c
            case .whitespace: fieldEnds = next == end || next > stop && text[next - 1] == 32
            }
            guard stop > start, fieldEnds else {
                var fieldEnd = start
                while fieldEnd < end, text[fieldEnd] != delimiterByte(delimiter) { fieldEnd += 1 }
                let field = String(decoding: text[start..<fieldEnd], as: UTF8.self)
                throw error(header[column], field.isEmpty ? "empty field" : "'\(field)' is not a number")
            }
            guard value.isFinite else {
                let field = String(decoding: text[start..<stop], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                throw error(header[column], "value '\(field)' is not finite")
            }
            values.append(value)
            column += 1
            position = next
            if next == end { break }
            if case .character = delimiter { position += 1 }
        }
        guard column == width else { throw error(nil, "has \(column) fields but the header has \(width)") }
    }

    private static func delimiterByte(_ delimiter: Delimiter) -> UInt8 {
        if case .character(let c) = delimiter { return c }
        return 32
    }

    static func unquote(_ field: Substring) -> String {
        var name = field.trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        return name
    }
}
