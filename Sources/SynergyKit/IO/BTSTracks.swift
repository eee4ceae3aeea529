import Foundation

/// BTS SMART Analyzer ASCII tracks (`.emt`): the line `BTS ASCII format`,
/// header lines `Key:<spaces><tab>value` (`Type: Emg tracks`, `Measure unit: V`,
/// `Tracks: N`, `Frequency: 1000 Hz`, `Frames: N`, `Start time: 0.000`; blank
/// lines between groups), the tab-separated column header
/// ` Frame  Time  <quantity>:<track>…`, then one row per frame: the frame
/// number, the time in s and one value per track (fixed width, right
/// aligned; a trailing tab allowed). The declared tracks and frames must match
/// the data, frames must count up by one and the time column must agree with
/// the start time and the frequency.
///
/// Channels are named by their track (the part after `Voltage:`); they are EMG
/// when the type says `Emg tracks` (not EMG for another type, unknown
/// without a `Type` line), in the `Measure unit`.
public enum BTSTracks {
    /// Parses a file's bytes; `path` only names the source in errors. Throws `InputError` when the file breaks the layout above.
    public static func parse(_ bytes: Data, path: String) throws -> LabRecording {
        try LabTextScanner.scan(bytes, path: path, delimiter: 9) { scanner in
            guard let first = scanner.nextLine(),
                  try scanner.string(first).trimmingCharacters(in: .whitespaces) == "BTS ASCII format" else {
                throw InputError(file: path, line: 1, "does not start with 'BTS ASCII format'")
            }
            var keys = [String: (value: String, line: Int)]()
            var header: [String]?
            while let line = scanner.nextLine() {
                if scanner.isBlank(line) { continue }
                let text = try scanner.string(line)
                let cells = try scanner.cells(line)
                if cells[0] == "Frame" {
                    header = cells.last == "" ? Array(cells.dropLast()) : cells
                    break
                }
                guard let colon = text.firstIndex(of: ":") else {
                    throw scanner.error("expected a header line 'Key: value' or the column header ' Frame  Time  …', "
                                        + "found '\(text.trimmingCharacters(in: .whitespaces))'")
                }
                let key = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                keys[key] = (text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces), scanner.lineNumber)
            }
            guard let header else { throw InputError(file: path, "ends before the column header (' Frame  Time  …')") }
            let headerLine = scanner.lineNumber

            func value(_ key: String) throws -> (value: String, line: Int) {
                guard let entry = keys[key.lowercased()] else {
                    throw InputError(file: path, "the header has no '\(key):' line")
                }
                return entry
            }
            func count(_ key: String) throws -> Int {
                let (text, line) = try value(key)
                guard let number = Int(text), number > 0 else {
                    throw InputError(file: path, line: line, "\(key) '\(text)' is not a positive whole number")
                }
                return number
            }
            let tracks = try count("Tracks"), frames = try count("Frames")
            let (frequencyText, frequencyLine) = try value("Frequency")
            let hertz = frequencyText.lowercased().hasSuffix("hz") ? String(frequencyText.dropLast(2)) : frequencyText
            guard let rate = Double(hertz.trimmingCharacters(in: .whitespaces)), rate.isFinite, rate > 0 else {
                throw InputError(file: path, line: frequencyLine, "Frequency '\(frequencyText)' is not a positive number of Hz")
            }
            var start = 0.0
            if let (text, line) = keys["start time"] {
                guard let time = Double(text), time.isFinite else {
                    throw InputError(file: path, line: line, "Start time '\(text)' is not a number of seconds")
                }
                start = time
            }
            let unit = keys["measure unit"]?.value ?? ""
            let isEMG = keys["type"].map { $0.value.lowercased().hasPrefix("emg") }

            guard header.count >= 2, header[1] == "Time" else {
                throw InputError(file: path, line: headerLine, "expected the column header ' Frame  Time  <tracks>'")
            }
            let columns = Array(header.dropFirst(2))
            guard columns.count == tracks else {
                throw InputError(file: path, line: headerLine, "the header declares \(tracks) track(s) but names \(columns.count)")
            }
            var names = [String](), signals = [String](), seen = Set<String>()
            for column in columns {
                let parts = column.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let name = (parts.count == 2 ? parts[1] : parts[0]).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw InputError(file: path, line: headerLine, "a track has no name ('\(column)')") }
                guard seen.insert(name.lowercased()).inserted else {
                    throw InputError(file: path, line: headerLine, column: column, "duplicate track name")
                }
                names.append(name)
                signals.append(parts.count == 2 ? String(parts[0]) : "")
            }

            let width = tracks + 2
            /// Frames count up from the first; time follows Start time and Frequency; no more rows than frames.
            func checkRows(_ rows: NumericRows) throws {
                let frameColumn = rows.column(0), timeColumn = rows.column(1)
                let tolerance = 0.5 / rate + 5e-4  // the time column is printed with 3 decimals
                for row in 0..<rows.count {
                    let line = rows.lines[row]
                    guard row < frames else {
                        throw InputError(file: path, line: line, "more data rows than the \(frames) frames the header declares")
                    }
                    guard frameColumn[row] == frameColumn[0] + Double(row) else {
                        throw InputError(file: path, line: line, column: "Frame", String(
                            format: "frame %.15g where %.15g should follow", frameColumn[row], frameColumn[0] + Double(row)))
                    }
                    let expected = start + Double(row) / rate
                    guard abs(timeColumn[row] - expected) <= tolerance else {
                        throw InputError(file: path, line: line, column: "Time", String(
                            format: "time %.6g s where Start time and Frequency give %.6g s", timeColumn[row], expected))
                    }
                }
                if let bad = rows.badRowLine, rows.count >= frames {
                    throw InputError(file: path, line: bad, "more data rows than the \(frames) frames the header declares")
                }
            }
            let rows = try scanner.numericRows(width: width, blankLines: .skipped, prefixChecks: checkRows) { scanner, line, values in
                var position = line.lowerBound
                values.append(try scanner.number(&position, in: line, column: "Frame"))
                if scanner.rowEnded(position, in: line) { throw scanner.shortRow(found: 1, fields: width) }
                values.append(try scanner.number(&position, in: line, column: "Time"))
                try scanner.appendNumbers(&position, in: line, names: columns, cellsBefore: 2, fields: width, into: &values)
                try scanner.expectRowEnd(position, in: line, fields: width, trailingDelimiter: true)
            }
            try checkRows(rows)
            let rowCount = rows.count
            let samples = rows.columns(2..<width)
            guard rowCount == frames else {
                throw InputError(file: path, "the header declares \(frames) frames but the file holds \(rowCount) (a truncated file?)")
            }
            return LabRecording(path: path, format: .btsEMT, channels: names.indices.map {
                LabChannel(name: names[$0], signal: signals[$0], unit: unit, sampleRate: rate, startTime: start,
                           samples: samples[$0], isEMG: isEMG)
            })
        }
    }
}
