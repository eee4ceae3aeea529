import Foundation

/// A preprocessed envelope recording: one row per sample, one column per muscle.
public struct EnvelopeTable: Sendable, Equatable {
    /// The path as the user gave it.
    public var path: String
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    /// The header of the first column (time or sample index) and its values.
    public var timeHeader: String
    /// The first column's values, one per sample, strictly increasing.
    public var time: [Double]
    /// Muscle names, the column headers after the first, in the order of `data`'s rows.
    public var muscles: [String]
    /// D, muscles × samples.
    public var data: Matrix
    /// What the file held: "envelope", or the raw format it was preprocessed
    /// from (`RecordingFormat.reportName`: "raw_csv", "c3d", "edf", …).
    public var format: String = "envelope"
    /// The preprocessing that made it from a raw recording, defaults resolved (nil for an envelope file).
    public var preprocessing: PreprocessingSettings?
    /// The raw channels' units as the file gave them (empty when it gave none).
    public var units: [String] = []
    /// What reading the raw file noticed (`EMGRecording.warnings`).
    public var warnings: [String] = []
}

/// Reads envelope CSV files: a header row, a first column of time or sample
/// index (finite, strictly increasing), then one column per muscle whose header
/// is the muscle's name. Values must be finite and non-negative; there must be
/// at least 2 muscles, no fewer samples than muscles, unique names, no flat
/// (constant) channel, and values whose squares sum to a normal double (not
/// beyond about 1e154, not all below about 1e-154). A first line of numbers is
/// a missing header; lines of spaces only are skipped. The bytes are read in
/// place, with the lab exports' number reader (`LabTextScanner`).
public enum EnvelopeCSV {
    /// Reads and checks the file at `path`; throws `InputError` naming the file (and line, column) when it breaks the rules above.
    public static func read(path: String) throws -> EnvelopeTable {
        let bytes = try FileInput.contents(of: path)
        let digest = FileInput.sha256InBackground(bytes)
        var table = try parse(bytes, path: path)
        table.sha256 = digest()
        return table
    }

    /// Parses CSV text; `path` only names the source in errors.
    public static func parse(_ text: String, path: String) throws -> EnvelopeTable {
        try parse(Data(text.utf8), path: path)
    }

    /// Parses a file's bytes (SHA-256 left empty); `path` only names the source in errors.
    /// The rows are read in place, in parallel pieces (`LabTextScanner.numericRows`);
    /// the first problem reported is the one a reading from the top meets first.
    public static func parse(_ bytes: Data, path: String) throws -> EnvelopeTable {
        try LabTextScanner.scan(bytes, path: path, delimiter: UInt8(ascii: ",")) { scanner in
            try parse(&scanner)
        }
    }

    private static func parse(_ scanner: inout LabTextScanner) throws -> EnvelopeTable {
        let path = scanner.path
        let text = scanner.text
        guard text[scanner.position...].contains(where: { !(9...13).contains($0) && $0 != 32 }),
              let headerLine = scanner.nextLine() else { throw InputError(file: path, "is empty") }
        guard String(bytes: UnsafeBufferPointer(rebasing: text[headerLine]), encoding: .utf8) != nil else {
            throw InputError(file: path, "is not a UTF-8 text file (expected CSV)")
        }
        let header = try scanner.cells(headerLine)
        guard header.count >= 3 else {
            throw InputError(file: path, line: 1,
                             "the header has \(header.count) column(s); expected a time column and at least 2 muscles")
        }
        if header.allSatisfy({ Double($0) != nil }) {
            throw InputError(file: path, line: 1, "the first line holds numbers, not column names; the file needs a header row")
        }
        let muscles = Array(header.dropFirst())
        var seen = Set<String>()
        for name in muscles {
            if name.isEmpty { throw InputError(file: path, line: 1, "a muscle column has an empty name") }
            if !seen.insert(name).inserted { throw InputError(file: path, line: 1, column: name, "duplicate muscle name") }
        }

        // Lines of spaces only are skipped; a row of empty fields is an error.
        let isBlank: @Sendable (LabTextScanner, Range<Int>) -> Bool = { scanner, line in
            line.allSatisfy { scanner.text[$0] == 32 || scanner.text[$0] == 9 }
        }
        let rows = try scanner.numericRows(width: header.count, blankLines: .skipped, isBlank: isBlank,
                                           prefixChecks: { try checkTime($0, header: header[0], path: path) }) {
            scanner, line, values in
            try readRow(scanner, line, header: header, into: &values)
        }
        let sampleCount = rows.count
        guard sampleCount > 0 else { throw InputError(file: path, "has a header but no data rows") }
        try checkTime(rows, header: header[0], path: path)
        guard sampleCount >= muscles.count else {
            throw InputError(file: path, "has \(sampleCount) samples for \(muscles.count) muscles; "
                             + "it needs at least as many samples as muscles")
        }
        // The file's columns are D's rows; D is column-major, one sample's muscles after another.
        var data = Matrix(rows: muscles.count, columns: sampleCount)
        data.elements.withUnsafeMutableBufferPointer { elements in
            for (i, series) in rows.columns(1..<header.count).enumerated() {
                for (j, value) in series.enumerated() { elements[i + j * muscles.count] = value }
            }
        }
        for (i, name) in muscles.enumerated() {
            let series = rows.column(i + 1)
            if let first = series.first, series.allSatisfy({ $0 == first }) {
                throw InputError(file: path, column: name, "the channel is flat (every value is \(first))")
            }
        }
        // Fits sum the squares of every value; they must neither overflow nor vanish.
        guard data.elements.reduce(0, { $0 + $1 * $1 }).isNormal else {
            let peaks = muscles.indices.map { rows.column($0 + 1).max() ?? 0 }
            let (largest, peak) = peaks.enumerated().max { $0.element < $1.element }!
            let size = peak > 1 ? "too large" : "too small"
            throw InputError(file: path, column: muscles[largest], "values reach \(peak), \(size) to square and sum "
                             + "in double precision; rescale the envelope")
        }
        return EnvelopeTable(path: path, sha256: "", timeHeader: header[0], time: rows.column(0), muscles: muscles,
                             data: data)
    }

    /// One row: its time, then its muscles' values, each finite and non-negative.
    private static func readRow(_ scanner: LabTextScanner, _ line: Range<Int>, header: [String],
                                into values: inout RowWriter) throws {
        var position = line.lowerBound
        for (column, name) in header.enumerated() {
            if scanner.rowEnded(position, in: line) { throw scanner.shortRow(found: column, fields: header.count) }
            let start = position
            let value: Double
            if let number = scanner.finiteNumber(&position, in: line) {
                value = number
            } else {
                let word = scanner.cell(at: start, in: line)
                if nonFiniteWords.contains(word.lowercased().trimmingPrefix(while: { $0 == "+" || $0 == "-" })) {
                    throw scanner.error(column: name, "value '\(word)' is not finite")
                }
                value = try scanner.number(&position, in: line, column: name)
            }
            if value < 0, column > 0 {
                throw scanner.error(column: name, "negative value \(scanner.cell(at: start, in: line)) (an envelope is non-negative)")
            }
            values.append(value)
        }
        try scanner.expectRowEnd(position, in: line, fields: header.count)
    }

    /// How NaN and infinity may be written (after a sign), as Swift's `Double(_:)` reads them.
    private static let nonFiniteWords: Set<Substring> = ["nan", "snan", "inf", "infinity"]

    /// The time column must increase strictly from row to row.
    private static func checkTime(_ rows: NumericRows, header: String, path: String) throws {
        let time = rows.columns[0]
        for i in time.indices.dropFirst() where !(time[i] > time[i - 1]) {
            throw InputError(file: path, line: rows.lines[i], column: header,
                             "\(time[i]) does not increase on the previous row's \(time[i - 1])")
        }
    }
}
