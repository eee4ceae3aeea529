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
/// a missing header.
public enum EnvelopeCSV {
    /// Reads and checks the file at `path`; throws `InputError` naming the file (and line, column) when it breaks the rules above.
    public static func read(path: String) throws -> EnvelopeTable {
        let bytes = try FileInput.contents(of: path)
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw InputError(file: path, "is not a UTF-8 text file (expected CSV)")
        }
        var table = try parse(text, path: path)
        table.sha256 = FileInput.sha256(bytes)
        return table
    }

    /// Parses CSV text; `path` only names the source in errors.
    public static func parse(_ text: String, path: String) throws -> EnvelopeTable {
        // "\r\n" is one Character in Swift, and a newline like "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        guard let headerLine = lines.first else { throw InputError(file: path, "is empty") }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map(unquote)
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
        let sampleCount = lines.count - 1
        guard sampleCount > 0 else { throw InputError(file: path, "has a header but no data rows") }

        var time = [Double]()
        time.reserveCapacity(sampleCount)
        var data = Matrix(rows: muscles.count, columns: sampleCount)
        for (index, line) in lines.dropFirst().enumerated() {
            let lineNumber = index + 2
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw InputError(file: path, line: lineNumber,
                                 "has \(fields.count) fields but the header has \(header.count)")
            }
            for (column, field) in fields.enumerated() {
                let name = header[column]
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed) else {
                    throw InputError(file: path, line: lineNumber, column: name, "'\(trimmed)' is not a number")
                }
                guard value.isFinite else {
                    throw InputError(file: path, line: lineNumber, column: name, "value '\(trimmed)' is not finite")
                }
                if column == 0 {
                    if let previous = time.last, value <= previous {
                        throw InputError(file: path, line: lineNumber, column: name,
                                         "\(trimmed) does not increase on the previous row's \(previous)")
                    }
                    time.append(value)
                } else {
                    guard value >= 0 else {
                        throw InputError(file: path, line: lineNumber, column: name,
                                         "negative value \(trimmed) (an envelope is non-negative)")
                    }
                    data[column - 1, index] = value
                }
            }
        }
        guard sampleCount >= muscles.count else {
            throw InputError(file: path, "has \(sampleCount) samples for \(muscles.count) muscles; "
                             + "it needs at least as many samples as muscles")
        }
        for (i, name) in muscles.enumerated() {
            let first = data[i, 0]
            if (1..<sampleCount).allSatisfy({ data[i, $0] == first }) {
                throw InputError(file: path, column: name, "the channel is flat (every value is \(first))")
            }
        }
        // Fits sum the squares of every value; they must neither overflow nor vanish.
        guard data.elements.reduce(0, { $0 + $1 * $1 }).isNormal else {
            let peaks = muscles.indices.map { i in (0..<sampleCount).map { data[i, $0] }.max() ?? 0 }
            let (largest, peak) = peaks.enumerated().max { $0.element < $1.element }!
            let size = peak > 1 ? "too large" : "too small"
            throw InputError(file: path, column: muscles[largest], "values reach \(peak), \(size) to square and sum "
                             + "in double precision; rescale the envelope")
        }
        return EnvelopeTable(path: path, sha256: "", timeHeader: header[0], time: time, muscles: muscles, data: data)
    }

    private static func unquote(_ field: Substring) -> String {
        var name = field.trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        return name
    }
}
