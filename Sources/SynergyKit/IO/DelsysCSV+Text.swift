import Foundation

extension DelsysCSV {
    /// The bytes of an export read front to back: header lines one at a time,
    /// then the data block as one array of numbers per column.
    struct Text {
        let path: String
        /// The file's bytes; reading starts after any UTF-8 byte-order mark.
        private let bytes: Data
        private var end: Int { bytes.count }
        private(set) var position = 0
        /// Number of the line at `position`.
        private(set) var lineNumber = 1

        init(_ data: Data, path: String) {
            self.bytes = data.startIndex == 0 ? data : Data(data)  // indices from 0
            self.path = path
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
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
        ///
        /// With `pairedTime` (EMGworks), columns 0, 2, 4, … are each channel's
        /// time, which a row usually writes alike: a time cell with the text of
        /// the row's first takes its value without being read again.
        mutating func columns(names: [String], pairedTime: Bool = false) throws -> (columns: [[Double]], firstLine: Int) {
            let width = names.count
            let (path, start, firstLine) = (path, position, lineNumber)
            let (rows, end) = try bytes.withUnsafeBytes { raw in
                let text = raw.bindMemory(to: UInt8.self)
                var scanner = LabTextScanner(text: text, path: path, delimiter: 44)
                scanner.resume(at: start, lineNumber: firstLine - 1)
                // A blank cell is NaN here (a number must be finite).
                let rows = try scanner.numericRows(width: width, blankLines: .skipped, isBlank: { $1.isEmpty },
                                                   prefixChecks: { _ = try Self.checkBlanks($0, names: names, path: path) }) {
                    scanner, line, values in
                    try Self.readRow(scanner, line, names: names, pairedTime: pairedTime, into: &values)
                }
                return (rows, (scanner.position, scanner.lineNumber + 1))
            }
            (position, lineNumber) = end
            let blanks = try Self.checkBlanks(rows, names: names, path: path)
            let columns = zip(rows.columns(0..<width), blanks).map { column, blank in
                blank.map { Array(column[..<$0]) } ?? column
            }
            return (columns, firstLine)
        }

        /// The rows' blanks, in the order one pass meets them: a blank line
        /// followed by more rows, and a value after its column's first blank
        /// cell (NaN), are errors. Returns each column's first blank cell, where it ends.
        private static func checkBlanks(_ rows: NumericRows, names: [String], path: String) throws -> [Int?] {
            var interrupted: (line: Int, next: Int)?
            if let blank = rows.firstBlankLine {
                if let next = rows.lines.first(where: { $0 > blank }) ?? rows.badRowLine.flatMap({ $0 > blank ? $0 : nil }) {
                    interrupted = (blank, next)
                }
            }
            var valueAfterBlank: (row: Int, column: Int, blank: Int)?
            let blanks = names.indices.map { rows.column($0).firstIndex(where: \.isNaN) }
            for (c, blank) in blanks.enumerated() {
                guard let blank, let value = rows.column(c)[blank...].firstIndex(where: { !$0.isNaN }) else { continue }
                if valueAfterBlank.map({ value < $0.row }) ?? true { valueAfterBlank = (value, c, blank) }
            }
            if let interrupted, valueAfterBlank.map({ interrupted.next <= rows.lines[$0.row] }) ?? true {
                throw InputError(file: path, line: interrupted.line,
                                 "a blank line interrupts the data (more rows follow on line \(interrupted.next))")
            }
            if let (row, column, blank) = valueAfterBlank {
                throw InputError(file: path, line: rows.lines[row], column: names[column],
                                 "a value follows the column's blank cell on line \(rows.lines[blank]) "
                                 + "(a column ends at its first blank cell)")
            }
            return blanks
        }

        /// One data row's `names.count` cells (NaN for a blank one) appended to `values`.
        private static func readRow(_ scanner: LabTextScanner, _ line: Range<Int>, names: [String], pairedTime: Bool,
                                    into values: inout RowWriter) throws {
            let text = scanner.text, width = names.count
            func isSpace(_ i: Int) -> Bool { i < line.upperBound && (text[i] == 32 || text[i] == 9) }
            var position = line.lowerBound
            var column = 0
            var firstTime: (cell: Range<Int>, value: Double)?
            /// The first time cell's value when the cell at `position` has its text.
            func repeatedTime() -> (value: Double, end: Int)? {
                guard let firstTime, column % 2 == 0 else { return nil }
                let end = position + firstTime.cell.count
                guard end <= line.upperBound, end == line.upperBound || text[end] == 44 || isSpace(end),
                      memcmp(text.baseAddress! + position, text.baseAddress! + firstTime.cell.lowerBound, firstTime.cell.count) == 0
                else { return nil }
                return (firstTime.value, end)
            }
            while true {
                while isSpace(position) { position += 1 }
                if column == width, position == line.upperBound { break }  // one trailing comma
                guard column < width else { throw scanner.error("has more than the header's \(width) cells") }
                if position == line.upperBound || text[position] == 44 {
                    values.append(.nan)
                } else {
                    let cellStart = position
                    let number = repeatedTime() ?? DecimalNumber.parse(text, from: position, before: line.upperBound)
                    if let number { position = number.end }
                    if pairedTime, column == 0, let number { firstTime = (cellStart..<number.end, number.value) }
                    while isSpace(position) { position += 1 }
                    guard let number, position == line.upperBound || text[position] == 44 else {
                        var cellEnd = cellStart
                        while cellEnd < line.upperBound, text[cellEnd] != 44 { cellEnd += 1 }
                        let cell = String(decoding: text[cellStart..<cellEnd], as: UTF8.self)
                        throw scanner.error(column: names[column], "'\(cell.trimmingCharacters(in: .whitespaces))' is not a number")
                    }
                    guard number.value.isFinite else {
                        let cell = String(decoding: text[cellStart..<position], as: UTF8.self)
                        throw scanner.error(column: names[column], "value '\(cell.trimmingCharacters(in: .whitespaces))' is not finite")
                    }
                    values.append(number.value)
                }
                column += 1
                guard position < line.upperBound, text[position] == 44 else { break }
                position += 1
            }
            if column < width { throw scanner.error("has \(column) cells but the header has \(width)") }
        }
    }
}
