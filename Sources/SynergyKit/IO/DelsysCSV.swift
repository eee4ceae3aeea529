import Foundation

/// Reads the CSV exports of Delsys EMGworks and Trigno Discover. Every
/// channel keeps its own rate, start and length. A rate printed in the file,
/// or measured from a time column, that agrees with a Trigno rate k·2000/27 Hz
/// (148.148…, 1259.259…, 1925.925… Hz) to the precision it is printed with
/// becomes exactly `Double(k) * 2000 / 27`, so resampling works with rational
/// factors; other rates are taken as given.
public enum DelsysCSV {
    /// Reads an EMGworks CSV export:
    ///
    ///     Label: Avanti sensor 1: EMG 1 Sampling frequency: 1.925926e+003 Number of points: 250 start: 0.000000e+000 Unit: V Domain Unit: s
    ///     …                     (optional: one Label line per channel, then a blank line)
    ///     X[s],"Avanti sensor 1: EMG 1",X[s],"Avanti sensor 1: ACC.X 1",…
    ///     0.000000,-1.225299E-05,0.000000,0.4316406,…
    ///
    /// Each channel's own time column (seconds) gives its start and its rate
    /// (the Label line's Sampling frequency when there is one) and must be
    /// uniform; a slower channel ends early with blank cells. Names are the
    /// header's (`Avanti sensor 1: EMG 1`), split at the first `: ` into
    /// sensor and signal; a signal starting with `EMG` is EMG. Units come from
    /// the Label lines, and are empty without them.
    public static func parseEMGworks(_ bytes: Data, path: String) throws -> LabRecording {
        var text = Text(bytes, path: path)
        var labels = [String: (line: Int, fields: [String: String])]()
        var header: (text: String, number: Int)?
        while let line = text.nextNonBlankLine() {
            guard line.text.hasPrefix("Label:") else {
                header = line
                break
            }
            let fields = labelFields(line.text)
            let label = fields["Label", default: ""]
            guard labels[label] == nil else {
                throw InputError(file: path, line: line.number, "a second Label line for '\(label)'")
            }
            labels[label] = (line.number, fields)
        }
        guard let header else { throw InputError(file: path, "ends before the column header (X[s], then a channel, …)") }
        var cells = Text.cells(header.text)
        if cells.count > 1, cells.count % 2 == 1, cells.last == "" { cells.removeLast() }  // a trailing comma
        guard cells.count >= 2, cells.count % 2 == 0 else {
            throw InputError(file: path, line: header.number,
                             "the header has \(cells.count) cells, not pairs of a time column X[s] and a channel")
        }
        let names = stride(from: 1, to: cells.count, by: 2).map { cells[$0] }
        var seen = Set<String>()
        for (pair, name) in names.enumerated() {
            guard cells[2 * pair] == "X[s]" else {
                throw InputError(file: path, line: header.number, column: cells[2 * pair],
                                 "cell \(2 * pair + 1) of the header should be the time column X[s]")
            }
            if name.isEmpty { throw InputError(file: path, line: header.number, "channel \(pair + 1) has no name") }
            guard seen.insert(name.lowercased()).inserted else {
                throw InputError(file: path, line: header.number, column: name, "duplicate channel name")
            }
        }
        if !labels.isEmpty {
            if let stray = labels.first(where: { !names.contains($0.key) }) {
                throw InputError(file: path, line: stray.value.line, "Label '\(stray.key)' names no channel of the header")
            }
            if let missing = names.first(where: { labels[$0] == nil }) {
                throw InputError(file: path, line: header.number, column: missing, "the channel has no Label line")
            }
        }
        let columnNames = names.flatMap { ["X[s] before '\($0)'", $0] }
        let (columns, firstLine) = try text.columns(names: columnNames, pairedTime: true)
        guard columns.contains(where: { !$0.isEmpty }) else { throw InputError(file: path, "has no data rows") }

        var channels = [LabChannel]()
        for (pair, name) in names.enumerated() {
            let time = columns[2 * pair]
            let samples = columns[2 * pair + 1]
            let timeName = columnNames[2 * pair]
            guard time.count == samples.count else {
                throw InputError(file: path, column: name, "has \(samples.count) values but its time column \(time.count)")
            }
            guard !samples.isEmpty else { throw InputError(file: path, line: firstLine, column: name, "the channel has no values") }
            var rate: Double?
            var unit = ""
            if let label = labels[name] {
                let fields = label.fields
                func field(_ key: String) throws -> String {
                    guard let value = fields[key], !value.isEmpty else {
                        throw InputError(file: path, line: label.line, "the Label line of '\(name)' has no \(key)")
                    }
                    return value
                }
                let frequency = try field("Sampling frequency")
                guard let given = Double(frequency), given > 0, given.isFinite else {
                    throw InputError(file: path, line: label.line, "Sampling frequency '\(frequency)' of '\(name)' is not a positive number")
                }
                rate = trignoRate(given, tolerance: halfUnit(frequency))
                if let points = fields["Number of points"] {
                    guard Int(points) == samples.count else {
                        throw InputError(file: path, line: label.line, "Number of points of '\(name)' is \(points) "
                                         + "but its column holds \(samples.count) values")
                    }
                }
                if let start = fields["start"], let rate {
                    guard let value = Double(start), abs(value - time[0]) <= 0.5 / rate else {
                        throw InputError(file: path, line: label.line, "start '\(start)' of '\(name)' is not its first "
                                         + "time stamp, \(time[0]) s")
                    }
                }
                if let domain = fields["Domain Unit"], domain != "s" {
                    throw InputError(file: path, line: label.line, "Domain Unit '\(domain)' of '\(name)' is not s (seconds)")
                }
                unit = fields["Unit"] ?? ""
            }
            if rate == nil {
                guard samples.count >= 2 else {
                    throw InputError(file: path, column: name, "one value and no Label line: its rate is unknown")
                }
                rate = try measuredRate(time, path: path, column: timeName, firstLine: firstLine)
            }
            try checkGrid(time, rate: rate!, path: path, column: timeName, firstLine: firstLine)
            let parts = name.split(separator: ": ", maxSplits: 1).map(String.init)
            let signal = parts.count == 2 ? parts[1] : name
            channels.append(LabChannel(name: name, sensor: parts.count == 2 ? parts[0] : "", signal: signal, unit: unit,
                                       sampleRate: rate!, startTime: time[0], samples: samples,
                                       isEMG: signal.hasPrefix("EMG")))
        }
        return LabRecording(path: path, format: .delsysEMGworks, formatVersion: "EMGworks", channels: channels)
    }

    /// The fields of an EMGworks Label line, by key (`Label`, `Sampling
    /// frequency`, `Number of points`, `start`, `Unit`, `Domain Unit`).
    private static func labelFields(_ line: String) -> [String: String] {
        var rest = Substring(line)
        var fields = [String: String]()
        for key in ["Domain Unit", "Unit", "start", "Number of points", "Sampling frequency"] {
            if let range = rest.range(of: " \(key):", options: .backwards) {
                fields[key] = rest[range.upperBound...].trimmingCharacters(in: .whitespaces)
                rest = rest[..<range.lowerBound]
            }
        }
        fields["Label"] = rest.dropFirst("Label:".count).trimmingCharacters(in: .whitespaces)
        return fields
    }

    /// Reads a Trigno Discover CSV export (1.4.2 to 1.7.x):
    ///
    ///     Application:, Trigno Discover (1.6.4)
    ///     Date/Time:, 12/6/2024 12:37:52 PM
    ///     Collection Length (seconds):, 0.112500
    ///     EMG 01 04498 (54717), , , , EMG 02 04284 (55240), …       each sensor's name over its first column
    ///     sensor mode: 45, , , , sensor mode: 45, …
    ///     EMG 1 (mV), ACC X (G), ACC Y (G), ACC Z (G), EMG 1 (mV), …  1.4.2: EMG 1 (1259Hz), no unit
    ///     1925.9259 Hz, 74.0741 Hz, 74.0741 Hz, 74.0741 Hz, …         1.5.0 and later
    ///     -0.0297093,0.4316406,-0.8720703,0.1918945,-0.0102388,…
    ///
    /// An `X Time Series (s)` column may precede each channel; its time stamps
    /// give the channel's start and must lie on its rate's grid. Every column
    /// is its own sample sequence from the first data row (a slower channel
    /// ends early with blank cells). Channels at `-1 Hz` (linked devices such as
    /// a VO2 Master or an HR strap, sampled irregularly) are skipped with a warning.
    ///
    /// A channel is named `sensor: signal` with the sensor's name cut after its
    /// slot number (`EMG 01 04498 (54717)` and `EMG 1 (mV)` give `EMG 01: EMG 1`;
    /// a name without a number loses only its trailing `(…)`). Names that would
    /// clash take the sensor's full name where that tells them apart; any
    /// still alike get ` (2)`, ` (3)`, … in file order. A signal starting with `EMG` is EMG.
    /// Warnings count each EMG channel's samples in runs of two or more exact
    /// zeros (Discover writes 0 for dropped samples) and name all-zero (empty) slots.
    public static func parseDiscover(_ bytes: Data, path: String) throws -> LabRecording {
        var text = Text(bytes, path: path)
        guard let first = text.nextNonBlankLine(), let application = Text.cells(first.text).first,
              application == "Application:" else {
            throw InputError(file: path, line: 1, "does not start with 'Application:' (a Trigno Discover export)")
        }
        let version = Text.cells(first.text).dropFirst().first(where: { !$0.isEmpty }) ?? ""
        var line = text.nextNonBlankLine()
        while let current = line, Text.cells(current.text)[0].hasSuffix(":") { line = text.nextNonBlankLine() }
        func row(_ what: String) throws -> (cells: [String], number: Int) {
            guard let current = line ?? text.nextNonBlankLine() else { throw InputError(file: path, "ends before the \(what) row") }
            line = nil
            return (Text.cells(current.text), current.number)
        }
        let sensors = try row("sensor-name")
        let modes = try row("sensor-mode")
        guard modes.cells[0].lowercased().hasPrefix("sensor mode") else {
            throw InputError(file: path, line: modes.number, "should be the sensor-mode row ('sensor mode: NN' under each sensor)")
        }
        var signals = try row("channel-name")
        while signals.cells.count > 1, signals.cells.last == "" { signals.cells.removeLast() }
        let width = signals.cells.count
        let place = (text.position, text.lineNumber)
        var rates: (cells: [String], number: Int)?
        if let next = text.nextNonBlankLine() {
            let cells = Text.cells(next.text)
            if cells.contains(where: { !$0.isEmpty }), cells.allSatisfy({ $0.isEmpty || $0.lowercased().hasSuffix("hz") }) {
                rates = (cells, next.number)
            } else {
                text.rewind(to: place)
            }
        }
        var rows = [(sensors, "sensor-name"), (modes, "sensor-mode")]
        if let rates { rows.append((rates, "rate")) }
        for (other, what) in rows {
            if let extra = other.cells.indices.first(where: { $0 >= width && !other.cells[$0].isEmpty }) {
                throw InputError(file: path, line: other.number, "the \(what) row has '\(other.cells[extra])' in column "
                                 + "\(extra + 1), beyond the \(width) channel columns")
            }
        }
        guard !sensors.cells[0].isEmpty else { throw InputError(file: path, line: sensors.number, "the first column has no sensor name") }

        // The channels, each with its column, its time column and its rate (nil: -1 Hz, irregular).
        var layout = [(sensor: String, signal: String, unit: String, rate: Double?, column: Int, time: Int?)]()
        var sensor = ""
        var timeColumn: Int?
        for column in 0..<width {
            if column < sensors.cells.count, !sensors.cells[column].isEmpty { sensor = sensors.cells[column] }
            let cell = signals.cells[column]
            guard !cell.isEmpty else {
                throw InputError(file: path, line: signals.number, "column \(column + 1) (of sensor '\(sensor)') has no channel name")
            }
            if cell.lowercased().hasSuffix("time series (s)") {
                guard timeColumn == nil, column + 1 < width else {
                    throw InputError(file: path, line: signals.number, column: cell, "a time column not followed by its channel")
                }
                timeColumn = column
                continue
            }
            let parsed = trailingGroup(cell)
            var signal = parsed.head
            var unit = parsed.group ?? ""
            var printedRate: String
            var rateLine = signals.number
            if let rates {
                printedRate = column < rates.cells.count ? rates.cells[column] : ""
                rateLine = rates.number
                guard printedRate.lowercased().hasSuffix("hz") else {
                    throw InputError(file: path, line: rates.number, column: cell, "the channel has no rate ('1259.2593 Hz')")
                }
                printedRate.removeLast(2)
            } else {
                guard let group = parsed.group, group.lowercased().hasSuffix("hz") else {
                    throw InputError(file: path, line: signals.number, column: cell,
                                     "no rate: there is no rate row and the name has no '(…Hz)'")
                }
                printedRate = String(group.dropLast(2))
                let inner = trailingGroup(signal)
                signal = inner.head
                unit = inner.group ?? ""
            }
            printedRate = printedRate.trimmingCharacters(in: .whitespaces)
            guard let value = Double(printedRate), value.isFinite else {
                throw InputError(file: path, line: rateLine, column: cell, "rate '\(printedRate) Hz' is not a number")
            }
            guard value > 0 || value == -1 else {
                throw InputError(file: path, line: rateLine, column: cell, "rate '\(printedRate) Hz' is not positive")
            }
            layout.append((sensor, signal, unit, value > 0 ? trignoRate(value, tolerance: halfUnit(printedRate)) : nil,
                           column, timeColumn))
            timeColumn = nil
        }
        let names = uniqueNames(layout.map { ($0.sensor, $0.signal) })
        var columnNames = signals.cells
        for (channel, name) in zip(layout, names) {
            columnNames[channel.column] = name
            if let time = channel.time { columnNames[time] = "time of '\(name)'" }
        }
        let (columns, firstLine) = try text.columns(names: columnNames)
        guard columns.contains(where: { !$0.isEmpty }) else { throw InputError(file: path, "has no data rows") }

        var channels = [LabChannel]()
        var warnings = [String]()
        var skipped = [String]()
        for (channel, name) in zip(layout, names) {
            var start = 0.0
            if let time = channel.time {
                guard columns[time].count == columns[channel.column].count else {
                    throw InputError(file: path, column: name, "has \(columns[channel.column].count) values but its time "
                                     + "column \(columns[time].count)")
                }
                if let rate = channel.rate {
                    try checkGrid(columns[time], rate: rate, path: path, column: columnNames[time], firstLine: firstLine)
                }
                start = columns[time].first ?? 0
            }
            guard let rate = channel.rate else {
                skipped.append(name)
                continue
            }
            let samples = columns[channel.column]
            let isEMG = channel.signal.hasPrefix("EMG")
            if isEMG { warnings += zeroWarnings(samples, name: name) }
            channels.append(LabChannel(name: name, sensor: channel.sensor, signal: channel.signal, unit: channel.unit,
                                       sampleRate: rate, startTime: start, samples: samples, isEMG: isEMG))
        }
        if !skipped.isEmpty {
            warnings.append("skipped \(skipped.count) irregularly sampled channel(s) at -1 Hz (linked devices): "
                            + skipped.joined(separator: ", "))
        }
        let formatVersion = version.replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: "")
        return LabRecording(path: path, format: .delsysDiscover, formatVersion: formatVersion, channels: channels,
                            warnings: warnings)
    }

    /// A header cell split into what comes before its trailing parenthesised
    /// group and the group's content: `Breathing Cycle (Cycle(s))` gives
    /// `Breathing Cycle` and `Cycle(s)`; nil without a trailing group.
    private static func trailingGroup(_ cell: String) -> (head: String, group: String?) {
        guard cell.hasSuffix(")") else { return (cell, nil) }
        var depth = 0
        var index = cell.endIndex
        while index > cell.startIndex {
            index = cell.index(before: index)
            if cell[index] == ")" { depth += 1 }
            if cell[index] == "(" {
                depth -= 1
                if depth == 0 {
                    let group = String(cell[cell.index(after: index)..<cell.index(before: cell.endIndex)])
                    return (cell[..<index].trimmingCharacters(in: .whitespaces), group)
                }
            }
        }
        return (cell, nil)
    }

    /// `sensor: signal` names, the sensor cut after its slot number, made unique as `parseDiscover` says.
    private static func uniqueNames(_ channels: [(sensor: String, signal: String)]) -> [String] {
        func short(_ sensor: String) -> String {
            var words = sensor.split(separator: " ")
            if let last = words.last, last.hasPrefix("("), last.hasSuffix(")"), words.count > 1 { words.removeLast() }
            if let slot = words.firstIndex(where: { $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
                words = Array(words[...slot])
            }
            return words.joined(separator: " ")
        }
        var names = channels.map { "\(short($0.sensor)): \($0.signal)" }
        let full = channels.map { "\($0.sensor): \($0.signal)" }
        func counts(_ names: [String]) -> [String: Int] {
            names.reduce(into: [:]) { $0[$1.lowercased(), default: 0] += 1 }
        }
        let (shortCounts, fullCounts) = (counts(names), counts(full))
        for i in names.indices where shortCounts[names[i].lowercased()]! > 1 && fullCounts[full[i].lowercased()]! == 1 {
            names[i] = full[i]
        }
        var taken = Set<String>()
        for i in names.indices {
            var name = names[i]
            var copy = 1
            while !taken.insert(name.lowercased()).inserted {
                copy += 1
                name = "\(names[i]) (\(copy))"
            }
            names[i] = name
        }
        return names
    }

    /// Warnings about exact zeros in an EMG channel: an all-zero channel is an
    /// empty slot; else the samples in runs of two or more zeros are counted.
    private static func zeroWarnings(_ samples: [Double], name: String) -> [String] {
        if samples.isEmpty { return ["\(name): the channel has no samples"] }
        if samples.allSatisfy({ $0 == 0 }) { return ["\(name): every sample is exactly 0 (an empty slot?)"] }
        var zeros = 0
        var run = 0
        for value in samples {
            if value == 0 {
                run += 1
            } else {
                if run >= 2 { zeros += run }
                run = 0
            }
        }
        if run >= 2 { zeros += run }
        return zeros == 0 ? [] : ["\(name): \(zeros) samples are exactly 0 (dropped samples?)"]
    }

    /// Half a unit of the last digit `printed` gives (`1259.2593`: 0.00005; `1.925926e+003`: 0.0005).
    static func halfUnit(_ printed: String) -> Double {
        let lower = printed.lowercased()
        let mantissa = lower.split(separator: "e", maxSplits: 1)
        let exponent = mantissa.count == 2 ? Int(mantissa[1]) ?? 0 : 0
        let decimals = mantissa.first.map { part in part.firstIndex(of: ".").map { part.distance(from: $0, to: part.endIndex) - 1 } ?? 0 } ?? 0
        return 0.5 * pow(10, Double(exponent - decimals))
    }

    /// `rate`, or the Trigno rate k·2000/27 Hz within `tolerance` of it.
    static func trignoRate(_ rate: Double, tolerance: Double) -> Double {
        let k = (rate * 27 / 2000).rounded()
        guard k >= 1, k <= 1_000_000 else { return rate }
        let exact = k * 2000 / 27
        return abs(exact - rate) <= tolerance * (1 + 1e-9) ? exact : rate
    }

    /// The largest error of `time` printed with 7 significant digits.
    private static func printingError(_ time: Double) -> Double {
        time == 0 ? 0 : 0.5 * pow(10, (log10(abs(time))).rounded(.down) - 6)
    }

    /// The rate of a time column: (n − 1) over its span, taken as a Trigno rate
    /// when within the precision of time stamps printed with 7 significant
    /// digits (as EMGworks prints them); the stamps must increase.
    private static func measuredRate(_ time: [Double], path: String, column: String, firstLine: Int) throws -> Double {
        for i in 1..<time.count where !(time[i] > time[i - 1]) {
            throw InputError(file: path, line: firstLine + i, column: column,
                             "time \(time[i]) s does not increase on the previous row's \(time[i - 1]) s")
        }
        let span = time[time.count - 1] - time[0]
        let rate = Double(time.count - 1) / span
        guard rate.isFinite else { throw InputError(file: path, column: column, "the time stamps give no finite rate") }
        return trignoRate(rate, tolerance: rate * 1e-6 * (abs(time[0]) + abs(time[time.count - 1])) / span)
    }

    /// Checks that time stamp i lies within half a sample of time[0] + i / rate
    /// and within half a sample of one sample after stamp i − 1 (both plus the
    /// error of printing stamps with 7 significant digits): a gap, a jump back,
    /// jitter or a wrong rate is an `InputError` naming the row.
    private static func checkGrid(_ time: [Double], rate: Double, path: String, column: String, firstLine: Int) throws {
        guard let start = time.first else { return }
        for i in time.indices.dropFirst() {
            if time[i] < time[i - 1] {
                throw InputError(file: path, line: firstLine + i, column: column,
                                 "time \(time[i]) s goes back from the previous row's \(time[i - 1]) s")
            }
            let step = (time[i] - time[i - 1]) * rate
            let off = (time[i] - start - Double(i) / rate) * rate
            guard abs(step - 1) > 0.5 || abs(off) > 0.5 else { continue }
            let slack = printingError(time[i]) * rate
            if abs(step - 1) > 0.5 + slack + printingError(time[i - 1]) * rate {
                throw InputError(file: path, line: firstLine + i, column: column, String(
                    format: "time %.9g s comes %.2f samples of %@ after the previous row's %.9g s (a gap or jitter)",
                    time[i], step, LabRecording.hertz(rate), time[i - 1]))
            }
            if abs(off) > 0.5 + slack {
                throw InputError(file: path, line: firstLine + i, column: column, String(
                    format: "time %.9g s is %.2f samples off the %@ grid from %.9g s (jitter or a wrong rate)",
                    time[i], off, LabRecording.hertz(rate), start))
            }
        }
    }
}
