import Foundation

extension DelsysCSV {
    /// The bytes of an export read front to back: header lines one at a time,
    /// then the data block as one array of numbers per column.
    struct Text {
        let path: String
        /// The file's bytes, then a 0 terminator (strtod stops there); reading starts after any UTF-8 byte-order mark.
        private let bytes: [UInt8]
        private var end: Int { bytes.count - 1 }
        private(set) var position = 0
        /// Number of the line at `position`.
        private(set) var lineNumber = 1

        init(_ data: Data, path: String) {
            var buffer = [UInt8](repeating: 0, count: data.count + 1)
            buffer.withUnsafeMutableBytes { _ = data.copyBytes(to: $0) }  // a block copy ([UInt8](data) goes byte by byte)
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            self.bytes = buffer
            self.path = path
        }

        private static func isLineEnd(_ byte: UInt8) -> Bool { byte == 10 || byte == 13 || byte == 0 }

        /// The next line as text (UTF-8, else Latin-1, so `°` reads either way) and
        /// its number, or nil at the end of the file.
        mutating func nextLine() -> (text: String, number: Int)? {
            guard position < end else { return nil }
            var lineEnd = position
            while lineEnd < end, !Self.isLineEnd(bytes[lineEnd]) { lineEnd += 1 }
            let line = bytes[position..<lineEnd]
            let number = lineNumber
            position = lineEnd
            skipLineEnd()
            return (String(bytes: line, encoding: .utf8) ?? String(bytes: line, encoding: .isoLatin1) ?? "", number)
        }

        /// The next line that is not blank.
        mutating func nextNonBlankLine() -> (text: String, number: Int)? {
            while let line = nextLine() {
                if !line.text.allSatisfy(\.isWhitespace) { return line }
            }
            return nil
        }

        /// Goes back to a place `position` and `lineNumber` gave before.
        mutating func rewind(to place: (position: Int, lineNumber: Int)) { (position, lineNumber) = place }

        private mutating func skipLineEnd() {
            guard position < end else { return }
            if bytes[position] == 13, position + 1 < end, bytes[position + 1] == 10 { position += 1 }
            position += 1
            lineNumber += 1
        }

        /// The cells of a header line: split at commas outside double quotes,
        /// trimmed of spaces, unquoted (`""` in quotes is one quote).
        static func cells(_ line: String) -> [String] {
            var cells = [String]()
            var cell = ""
            var quoted = false
            var previousWasQuote = false
            for character in line {
                if character == "\"" {
                    if quoted, previousWasQuote { cell.append("\"") }
                    quoted.toggle()
                    previousWasQuote = !quoted
                    continue
                }
                previousWasQuote = false
                if character == ",", !quoted {
                    cells.append(cell.trimmingCharacters(in: .whitespaces))
                    cell = ""
                } else {
                    cell.append(character)
                }
            }
            cells.append(cell.trimmingCharacters(in: .whitespaces))
            return cells
        }

        /// The rest of the file as `names.count` columns of numbers, each cut at
        /// its first blank cell (a slower channel ends early): a number after a
        /// column's blank cell, text in a cell, a value that is not finite, a row
        /// with more or fewer cells than `names` (one trailing comma allowed) or
        /// a blank line followed by more data is an `InputError`. Returns the
        /// columns and the number of the first data line (data row r is on line
        /// first + r).
        mutating func columns(names: [String]) throws -> (columns: [[Double]], firstLine: Int) {
            let width = names.count
            var columns = [[Double]](repeating: [], count: width)
            // Lines are about as long as the header's columns times 10 bytes.
            let estimate = max(16, (end - position) / max(1, 10 * width))
            for i in columns.indices { columns[i].reserveCapacity(estimate) }
            var endedOn = [Int](repeating: 0, count: width)  // line of a column's first blank cell, 0 while none
            var blankLine = 0
            let firstLine = lineNumber
            let (path, bytes) = (path, bytes)
            var (position, lineNumber) = (position, lineNumber)
            defer { (self.position, self.lineNumber) = (position, lineNumber) }
            try bytes.withUnsafeBufferPointer { text in
                let end = text.count - 1
                func skipLineEnd() {
                    if text[position] == 13, position + 1 < end, text[position + 1] == 10 { position += 1 }
                    position += 1
                    lineNumber += 1
                }
                func fail(_ column: Int, _ problem: String) -> InputError {
                    InputError(file: path, line: lineNumber, column: names[column], problem)
                }
                while position < end {
                    if Self.isLineEnd(text[position]) {
                        if blankLine == 0 { blankLine = lineNumber }
                        skipLineEnd()
                        continue
                    }
                    if blankLine != 0 {
                        throw InputError(file: path, line: blankLine,
                                         "a blank line interrupts the data (more rows follow on line \(lineNumber))")
                    }
                    var column = 0
                    while true {
                        while text[position] == 32 || text[position] == 9 { position += 1 }
                        let byte = text[position]
                        if column == width, Self.isLineEnd(byte) { break }  // one trailing comma
                        guard column < width else {
                            throw InputError(file: path, line: lineNumber, "has more than the header's \(width) cells")
                        }
                        if byte == 44 || Self.isLineEnd(byte) {  // a blank cell
                            if endedOn[column] == 0 { endedOn[column] = lineNumber }
                        } else {
                            let start = position
                            let value = Self.number(text, &position)
                            while text[position] == 32 || text[position] == 9 { position += 1 }
                            guard let value, text[position] == 44 || Self.isLineEnd(text[position]) else {
                                var cellEnd = start
                                while text[cellEnd] != 44, !Self.isLineEnd(text[cellEnd]) { cellEnd += 1 }
                                let cell = String(decoding: text[start..<cellEnd], as: UTF8.self)
                                throw fail(column, "'\(cell.trimmingCharacters(in: .whitespaces))' is not a number")
                            }
                            guard value.isFinite else {
                                let cell = String(decoding: text[start..<position], as: UTF8.self)
                                throw fail(column, "value '\(cell.trimmingCharacters(in: .whitespaces))' is not finite")
                            }
                            if endedOn[column] != 0 {
                                throw fail(column, "a value follows the column's blank cell on line \(endedOn[column]) "
                                           + "(a column ends at its first blank cell)")
                            }
                            columns[column].append(value)
                        }
                        column += 1
                        guard text[position] == 44 else { break }
                        position += 1
                    }
                    if column < width {
                        throw InputError(file: path, line: lineNumber, "has \(column) cells but the header has \(width)")
                    }
                    if position < end { skipLineEnd() }
                }
            }
            return (columns, firstLine)
        }

        private static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

        /// The decimal number at `position` (`-1.225299E-05`, `0.0135`), moving
        /// `position` past it; nil (and `position` unmoved) when no digits are
        /// there. Up to 15 significant digits and powers of ten up to 22 are
        /// converted exactly by one multiplication or division of exact terms
        /// (correctly rounded, as strtod); longer numbers go to strtod.
        private static func number(_ text: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> Double? {
            let start = position
            var i = position
            let negative = text[i] == 45
            if negative || text[i] == 43 { i += 1 }
            var mantissa: UInt64 = 0
            var significant = 0
            var exponent = 0
            var digits = 0
            while text[i] &- 48 < 10 {
                let digit = UInt64(text[i] &- 48)
                if mantissa != 0 || digit != 0 {
                    if significant < 19 { mantissa = mantissa * 10 + digit } else { exponent += 1 }
                    significant += 1
                }
                digits += 1
                i += 1
            }
            if text[i] == 46 {
                i += 1
                while text[i] &- 48 < 10 {
                    let digit = UInt64(text[i] &- 48)
                    if mantissa != 0 || digit != 0 {
                        if significant < 19 {
                            mantissa = mantissa * 10 + digit
                            exponent -= 1
                        }
                        significant += 1
                    } else {
                        exponent -= 1
                    }
                    digits += 1
                    i += 1
                }
            }
            guard digits > 0 else { return nil }
            if text[i] | 0x20 == 101 {  // e or E, taken only with digits after it
                var j = i + 1
                let negativeExponent = text[j] == 45
                if negativeExponent || text[j] == 43 { j += 1 }
                if text[j] &- 48 < 10 {
                    var power = 0
                    while text[j] &- 48 < 10 {
                        if power < 100_000 { power = power * 10 + Int(text[j] &- 48) }
                        j += 1
                    }
                    exponent += negativeExponent ? -power : power
                    i = j
                }
            }
            position = i
            if mantissa == 0 { return negative ? -0.0 : 0 }
            if significant <= 15, abs(exponent) <= 22 {
                let value = exponent < 0 ? Double(mantissa) / powersOfTen[-exponent] : Double(mantissa) * powersOfTen[exponent]
                return negative ? -value : value
            }
            return text.baseAddress!.advanced(by: start).withMemoryRebound(to: CChar.self, capacity: i - start + 1) {
                strtod($0, nil)
            }
        }
    }
}
