import Foundation

/// Noraxon MR3/MR4 CSV export: header rows, a blank row, the column header
/// `time,Activity,Marker,<channels>`, then one row per sample: the time, the
/// Activity and Marker text cells (skipped; they may be empty or quoted) and
/// one value per channel. The delimiter (comma, tab or semicolon) is the
/// column header's.
///
/// Header rows are either `key,value` rows (MR3) or a row of keys over a row
/// of values (MR4: `type,begin_time,frequency,count,…`). Keys read
/// (case-insensitive): `frequency`/`sample rate` (Hz; must agree with the
/// time column to 0.1 %), `count`/`samples` (must equal the data rows),
/// `time_units`/`time unit` (`s` or `ms`), and the software version
/// (`exported with version`, `created with version`, `version`).
///
/// Time is in s, or ms when the time column's name (`time (ms)`) or the
/// header says so; it must be uniformly sampled and gives the rate (the
/// declared frequency when there is one) and the start time. A channel's unit
/// is the text in brackets at the end of its name (`LT TIB.ANT. (uV)`: name
/// `LT TIB.ANT.`, unit `uV`). A channel is EMG when its unit is a voltage
/// (V, mV, uV, µV) or absent and no word of its name starts with a sensor
/// word that is not EMG (`nonEMGWords`: ACC, GYRO, switch, force, angle, …).
public enum NoraxonCSV {
    /// Name words (prefixes, case-insensitive) of channels that are not EMG.
    static let nonEMGWords = ["acc", "gyro", "gonio", "angle", "incl", "switch", "footswitch", "force", "pressure",
                              "velocity", "trigger", "sync", "heart", "ecg", "ekg", "temperature", "position",
                              "orientation", "quaternion"]
    /// Units of EMG channels (lower-cased).
    static let voltageUnits: Set<String> = ["v", "mv", "uv", "µv", "μv"]

    /// Parses a file's bytes; `path` only names the source in errors. Throws `InputError` for a malformed export.
    public static func parse(_ bytes: Data, path: String) throws -> LabRecording {
        try LabTextScanner.scan(bytes, path: path, delimiter: UInt8(ascii: ",")) { scanner in
            var metadataLines = [(range: Range<Int>, line: Int)]()
            var header: [String]?
            while let line = scanner.nextLine() {
                if line.allSatisfy({ [9, 32, 44, 59].contains(scanner.text[$0]) }) { continue }
                if let delimiter = columnHeaderDelimiter(try scanner.string(line)) {
                    scanner.delimiter = delimiter
                    header = try scanner.cells(line)
                    break
                }
                metadataLines.append((line, scanner.lineNumber))
            }
            guard var header else { throw InputError(file: path, "has no column header 'time,Activity,Marker,<channels>'") }
            let headerLine = scanner.lineNumber
            while header.last == "" { header.removeLast() }
            let metadata = try readMetadata(metadataLines, scanner: scanner)

            // The time column's unit: from its name, else the header rows, else seconds.
            let (_, timeUnit) = nameAndUnit(header[0])
            var unit = timeUnit.lowercased()
            if unit.isEmpty, let entry = metadata.value(["time_units", "time units", "time unit"]) { unit = entry.value.lowercased() }
            guard ["", "s", "sec", "ms"].contains(unit) else {
                throw InputError(file: path, line: headerLine, column: header[0], "unknown time unit '\(unit)' (s or ms)")
            }
            let timeScale = unit == "ms" ? 0.001 : 1

            let columns = Array(header.dropFirst(3))
            guard !columns.isEmpty else { throw InputError(file: path, line: headerLine, "has no channel columns after time, Activity, Marker") }
            var names = [String](), units = [String](), seen = Set<String>()
            for column in columns {
                let (name, unit) = nameAndUnit(column)
                guard !name.isEmpty else { throw InputError(file: path, line: headerLine, "a channel column has an empty name") }
                guard seen.insert(name.lowercased()).inserted else {
                    throw InputError(file: path, line: headerLine, column: column, "duplicate channel name")
                }
                names.append(name)
                units.append(unit)
            }

            let width = header.count, timeColumn = header[0]
            let rows = try scanner.numericRows(width: columns.count + 1, blankLines: .skipped) { scanner, line, values in
                var position = line.lowerBound
                values.append(try scanner.number(&position, in: line, column: timeColumn) * timeScale)
                for text in 1...2 {
                    if scanner.rowEnded(position, in: line) { throw scanner.shortRow(found: text, fields: width) }
                    scanner.skipCell(&position, in: line)
                }
                try scanner.appendNumbers(&position, in: line, names: columns, cellsBefore: 3, fields: width, into: &values)
                try scanner.expectRowEnd(position, in: line, fields: width)
            }
            let time = rows.column(0), lines = rows.lines
            let samples = rows.columns(1..<columns.count + 1)
            guard time.count >= 2 else { throw InputError(file: path, "has \(time.count) data row(s); a recording needs at least 2") }
            if let (text, line) = metadata.value(["count", "samples", "sample count"]) {
                guard let count = Int(text), count > 0 else {
                    throw InputError(file: path, line: line, "the sample count '\(text)' is not a positive whole number")
                }
                guard count == time.count else {
                    throw InputError(file: path, line: line, "the header declares \(count) samples but the file holds \(time.count)")
                }
            }
            var rate = try LabTextScanner.uniformRate(time, lines: lines, path: path, column: header[0])
            if let (text, line) = metadata.value(["frequency", "sample rate", "sampling rate", "sample frequency"]) {
                var number = text.lowercased()
                if number.hasSuffix("hz") { number.removeLast(2) }
                guard let declared = Double(number.trimmingCharacters(in: .whitespaces)), declared.isFinite, declared > 0 else {
                    throw InputError(file: path, line: line, "the sample rate '\(text)' is not a positive number of Hz")
                }
                guard abs(declared - rate) <= 1e-3 * declared else {
                    throw InputError(file: path, line: line, String(format: "the header says %.6g Hz but the time column gives %.6g Hz",
                                                                    declared, rate))
                }
                rate = declared
            }
            let version = metadata.value(["exported with version", "created with version", "version"])?.value ?? ""
            return LabRecording(path: path, format: .noraxonCSV, formatVersion: version, channels: names.indices.map {
                LabChannel(name: names[$0], signal: names[$0], unit: units[$0], sampleRate: rate, startTime: time[0],
                           samples: samples[$0], isEMG: isEMG(name: names[$0], unit: units[$0]))
            })
        }
    }

    /// The delimiter of a `time,Activity,Marker,…` line; nil for any other line.
    static func columnHeaderDelimiter(_ line: String) -> UInt8? {
        for delimiter in [",", "\t", ";"] {
            let cells = line.split(separator: Character(delimiter), maxSplits: 3, omittingEmptySubsequences: false).prefix(3)
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")).lowercased() }
            if cells.count == 3, cells[0].hasPrefix("time"), cells[1] == "activity", cells[2] == "marker" {
                return UInt8(ascii: Unicode.Scalar(delimiter)!)
            }
        }
        return nil
    }

    /// `LT TIB.ANT. (uV)` as (`LT TIB.ANT.`, `uV`); a name without a unit in brackets as (name, "").
    static func nameAndUnit(_ column: String) -> (name: String, unit: String) {
        let text = column.trimmingCharacters(in: .whitespaces)
        guard let close = text.last, close == ")" || close == "]",
              let open = text.lastIndex(of: close == ")" ? "(" : "[") else { return (text, "") }
        return (text[..<open].trimmingCharacters(in: .whitespaces),
                text[text.index(after: open)..<text.index(before: text.endIndex)].trimmingCharacters(in: .whitespaces))
    }

    /// EMG: a voltage unit or none, and no name word starting with one of `nonEMGWords`.
    static func isEMG(name: String, unit: String) -> Bool {
        guard unit.isEmpty || voltageUnits.contains(unit.lowercased()) else { return false }
        let words = name.lowercased().split(whereSeparator: { !$0.isLetter })
        return !words.contains { word in nonEMGWords.contains { word.hasPrefix($0) } }
    }

    /// The header rows' keys (lower-cased, without a final colon) and values with their line numbers.
    private struct Metadata {
        var entries = [String: (value: String, line: Int)]()

        /// The first of `keys` the header gives.
        func value(_ keys: [String]) -> (value: String, line: Int)? { keys.lazy.compactMap { entries[$0] }.first }
    }

    /// Header rows as `key,value` rows, or pairs of a row of keys over a row of as many values.
    private static func readMetadata(_ lines: [(range: Range<Int>, line: Int)], scanner: LabTextScanner) throws -> Metadata {
        let rows = try lines.map { entry -> (cells: [String], line: Int) in
            (try scanner.cells(entry.range), entry.line)
        }
        var metadata = Metadata()
        func add(_ key: String, _ value: String, _ line: Int) {
            var key = key.lowercased()
            if key.hasSuffix(":") { key.removeLast() }
            key = key.trimmingCharacters(in: .whitespaces)
            if !key.isEmpty, metadata.entries[key] == nil { metadata.entries[key] = (value, line) }
        }
        var i = 0
        while i < rows.count {
            let row = rows[i]
            if row.cells.count > 2, i + 1 < rows.count, rows[i + 1].cells.count == row.cells.count {
                for (key, value) in zip(row.cells, rows[i + 1].cells) { add(key, value, rows[i + 1].line) }
                i += 2
            } else {
                add(row.cells[0], row.cells.count > 1 ? row.cells[1] : "", row.line)
                i += 1
            }
        }
        return metadata
    }
}
