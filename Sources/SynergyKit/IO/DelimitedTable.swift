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
    var rowCount: Int { columns.first?.count ?? 0 }

    enum Delimiter: Equatable {
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
        var buffer = [UInt8](bytes)
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }  // UTF-8 byte-order mark
        buffer.append(0)  // strtod stops at the terminator
        return try buffer.withUnsafeBufferPointer { pointer in
            try parse(pointer, path: path)
        }
    }

    private static func isLineEnd(_ byte: UInt8) -> Bool { byte == 10 || byte == 13 || byte == 0 }

    private static func parse(_ text: UnsafeBufferPointer<UInt8>, path: String) throws -> DelimitedTable {
        let end = text.count - 1  // index of the terminator
        var position = 0
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
        while !isLineEnd(text[lineEnd]) { lineEnd += 1 }
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
        position = lineEnd
        var columns = [[Double]](repeating: [], count: width)
        // Rows are about as long as the header line's numbers; reserve from the file size.
        let estimate = max(16, (end - position) / max(1, 8 * width))
        for column in columns.indices { columns[column].reserveCapacity(estimate) }

        while true {
            skipLineEnds()
            guard position < end else { break }
            var column = 0
            while true {
                while text[position] == 32 || text[position] == 9 && delimiter != .character(9) { position += 1 }
                if isLineEnd(text[position]) || delimiter != .whitespace && text[position] == delimiterByte(delimiter) {
                    if delimiter == .whitespace, column > 0 { break }
                    throw InputError(file: path, line: lineNumber, column: column < width ? header[column] : nil,
                                     "empty field")
                }
                guard column < width else {
                    throw InputError(file: path, line: lineNumber, "has more than the header's \(width) fields")
                }
                // strtod would skip white space, line ends included, before a number: a field
                // starting with any (vertical tab, form feed) is not a number.
                let start = text.baseAddress! + position
                var stop: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(OpaquePointer(start))
                let value = (9...13).contains(text[position])
                    ? .nan : start.withMemoryRebound(to: CChar.self, capacity: 1) { strtod($0, &stop) }
                var consumed = UnsafeRawPointer(stop!) - UnsafeRawPointer(start)
                while text[position + consumed] == 32 || text[position + consumed] == 9 && delimiter != .character(9) {
                    consumed += 1
                }
                let next = text[position + consumed]
                let fieldEnds: Bool
                switch delimiter {
                case .character(let c): fieldEnds = next == c || isLineEnd(next)
                case .whitespace: fieldEnds = isLineEnd(next) || consumed > 0 && text[position + consumed - 1] == 32
                }
                guard consumed > 0, fieldEnds else {
                    var fieldEnd = position
                    while !isLineEnd(text[fieldEnd]),
                          delimiter == .whitespace ? text[fieldEnd] != 32 : text[fieldEnd] != delimiterByte(delimiter) {
                        fieldEnd += 1
                    }
                    let field = String(decoding: text[position..<fieldEnd], as: UTF8.self)
                    throw InputError(file: path, line: lineNumber, column: header[column],
                                     field.isEmpty ? "empty field" : "'\(field)' is not a number")
                }
                guard value.isFinite else {
                    let field = String(decoding: text[position..<(position + consumed)], as: UTF8.self)
                        .trimmingCharacters(in: .whitespaces)
                    throw InputError(file: path, line: lineNumber, column: header[column], "value '\(field)' is not finite")
                }
                columns[column].append(value)
                column += 1
                position += consumed
                if isLineEnd(next) { break }
                if case .character = delimiter { position += 1 }
            }
            guard column == width else {
                throw InputError(file: path, line: lineNumber, "has \(column) fields but the header has \(width)")
            }
        }
        return DelimitedTable(header: header, columns: columns)
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
