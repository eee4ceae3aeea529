import Foundation

/// Vicon Nexus CSV export: sections separated by blank lines, each starting
/// with its title alone on a line (`Devices`, `Trajectories`, `Events`, …).
///
/// The `Devices` section: the analog rate (Hz), a row of device names (each
/// written over its device's first column), `Frame,Sub Frame,<channels>`, a
/// row of units, then one row per sample: the frame number, the sample's
/// index within the frame (0 …), and the channels' values. Frames follow each
/// other with the same number of sub frames; frame 1 is time 0 (as in C3D),
/// so the recording starts at (first frame − 1) / frame rate.
///
/// The `Events` section: `Subject,Context,Name,Time (s),Description`, then one
/// event per row (`RecordingEvent(label: Name, context: Context, time:)`).
/// Other sections (trajectories, model outputs, …) are skipped.
///
/// Channel names are the file's column names; where two columns share a name
/// (case-insensitively), each of them becomes `<device> - <column>`. A channel
/// is EMG when its device's name says `EMG`, except the numbered inputs of a
/// generic analog device's `Voltage` output (`Analog EMG - Voltage`: Nexus's
/// analog board, whose inputs the C3D names `Voltage.1`, … rather than by muscle).
public enum NexusCSV {
    /// Section titles of a Nexus CSV export.
    static let sectionNames: Set<String> = ["Devices", "Trajectories", "Model Outputs", "Joints", "Segments", "Events", "Global Variables"]

    /// Parses a file's bytes; `path` only names the source in errors. Throws `InputError` when the export breaks the layout above.
    public static func parse(_ bytes: Data, path: String) throws -> LabRecording {
        try LabTextScanner.scan(bytes, path: path, delimiter: UInt8(ascii: ",")) { scanner in
            var channels: [LabChannel]?
            var events: [RecordingEvent]?
            var warnings = [String]()
            while let line = scanner.nextLine() {
                if scanner.isBlank(line) { continue }
                let cells = try scanner.cells(line)
                guard cells.dropFirst().allSatisfy(\.isEmpty) else {
                    throw scanner.error("expected a section title (Devices, Events, …) alone on its line, found '\(cells[0])'")
                }
                let title = cells[0]
                switch title {
                case "Devices":
                    guard channels == nil else { throw scanner.error("a second Devices section") }
                    channels = try readDevices(&scanner)
                case "Events":
                    guard events == nil else { throw scanner.error("a second Events section") }
                    events = try readEvents(&scanner)
                default:
                    if !sectionNames.contains(title) { warnings.append("skipped the unknown section '\(title)'") }
                    while let row = scanner.nextLine(), !scanner.isBlank(row) {}
                }
            }
            guard let channels else {
                throw InputError(file: path, "has no Devices section (the analog channels of a Nexus CSV export)")
            }
            return LabRecording(path: path, format: .nexusCSV, channels: channels, events: events ?? [], warnings: warnings)
        }
    }

    /// The analog channels of a `Devices` section, after its title line.
    private static func readDevices(_ scanner: inout LabTextScanner) throws -> [LabChannel] {
        func headerRow(_ what: String) throws -> [String] {
            guard let line = scanner.nextLine(), !scanner.isBlank(line) else {
                throw scanner.error("the Devices section ends before its \(what)")
            }
            return try scanner.cells(line)
        }
        let rateCell = try headerRow("rate line")[0]
        guard let rate = Double(rateCell), rate.isFinite, rate > 0 else {
            throw scanner.error("the Devices section's rate '\(rateCell)' is not a positive number of Hz")
        }
        let deviceRow = try headerRow("device names")
        let header = try headerRow("column names (Frame, Sub Frame, channels)")
        guard header.count >= 3, header[0] == "Frame", header[1] == "Sub Frame" else {
            throw scanner.error("expected the column names 'Frame,Sub Frame,<channels>', found '\(header.prefix(3).joined(separator: ","))'")
        }
        let width = header.count
        let unitRow = try headerRow("units row")
        if let extra = unitRow.indices.first(where: { $0 >= width && !unitRow[$0].isEmpty }) {
            throw scanner.error("the units row has a unit ('\(unitRow[extra])') beyond the \(width) columns")
        }
        if let extra = deviceRow.indices.first(where: { $0 >= width && !deviceRow[$0].isEmpty }) {
            throw scanner.error("the device row names a device ('\(deviceRow[extra])') beyond the \(width) columns")
        }
        var devices = [String]()
        for column in 2..<width {
            let cell = column < deviceRow.count ? deviceRow[column] : ""
            devices.append(cell.isEmpty ? devices.last ?? "" : cell)
        }
        let signals = Array(header[2...])
        if let empty = signals.firstIndex(of: "") {
            throw InputError(file: scanner.path, line: scanner.lineNumber - 1, "column \(empty + 3) has no channel name")
        }
        let names = try uniqueNames(signals, devices: devices, path: scanner.path, line: scanner.lineNumber - 1)

        // Data rows: frame, sub frame, values; until a blank line or the end.
        let path = scanner.path
        /// Frames in order, each with the same sub frames from 0: the sub frames per frame, once a second frame begins.
        func checkFrames(_ rows: NumericRows) throws -> Int? {
            guard rows.count > 0 else { return nil }
            let frames = rows.column(0), subs = rows.column(1)
            let firstFrame = Int(frames[0])
            var subFrames: Int?
            for row in 0..<rows.count {
                let (frame, sub) = (Int(frames[row]), Int(subs[row]))
                if subFrames == nil, row > 0, frame != firstFrame { subFrames = row }
                let expected = subFrames.map { (firstFrame + row / $0, row % $0) } ?? (firstFrame, row)
                guard (frame, sub) == expected else {
                    throw InputError(file: path, line: rows.lines[row],
                                     "frame \(frame), sub frame \(sub) where frame \(expected.0), sub frame "
                                     + "\(expected.1) should follow (frames in order, each with the same sub frames from 0)")
                }
            }
            return subFrames
        }
        let rows = try scanner.numericRows(width: width, blankLines: .endRows, prefixChecks: { _ = try checkFrames($0) }) {
            scanner, line, values in
            var position = line.lowerBound
            let frame = try scanner.number(&position, in: line, column: "Frame")
            if scanner.rowEnded(position, in: line) { throw scanner.shortRow(found: 1, fields: width) }
            let sub = try scanner.number(&position, in: line, column: "Sub Frame")
            guard frame == frame.rounded(), abs(frame) < 1e9, sub == sub.rounded(), sub >= 0, sub < 1e9 else {
                throw scanner.error("frame \(frame), sub frame \(sub): frame and sub frame numbers must be whole numbers")
            }
            values.append(frame)
            values.append(sub)
            try scanner.appendNumbers(&position, in: line, names: names, cellsBefore: 2, fields: width, into: &values)
            try scanner.expectRowEnd(position, in: line, fields: width)
        }
        guard rows.count > 0 else { throw scanner.error("the Devices section has no data rows") }
        let subFrames = try checkFrames(rows)
        let firstFrame = Int(rows.column(0)[0])
        let perFrame = subFrames ?? rows.count
        guard rows.count % perFrame == 0 else {
            throw scanner.error("the last frame has \(rows.count % perFrame) of its \(perFrame) sub frames (a truncated file?)")
        }
        let frameRate = rate / Double(perFrame)
        let start = Double(firstFrame - 1) / frameRate
        let columns = rows.columns(2..<width)
        return names.indices.map { i in
            LabChannel(name: names[i], sensor: devices[i], signal: signals[i], unit: i + 2 < unitRow.count ? unitRow[i + 2] : "",
                       sampleRate: rate, startTime: start, samples: columns[i], isEMG: isEMGDevice(devices[i]))
        }
    }

    /// Column names as the file gives them; those that clash (case-insensitively)
    /// become `<device> - <column>`, which must then be unique.
    private static func uniqueNames(_ signals: [String], devices: [String], path: String, line: Int) throws -> [String] {
        var counts = [String: Int]()
        for signal in signals { counts[signal.lowercased(), default: 0] += 1 }
        let names = signals.indices.map { i in
            counts[signals[i].lowercased()]! > 1 && !devices[i].isEmpty ? "\(devices[i]) - \(signals[i])" : signals[i]
        }
        var seen = Set<String>()
        for (name, signal) in zip(names, signals) where !seen.insert(name.lowercased()).inserted {
            throw InputError(file: path, line: line, column: signal, "duplicate channel name (within one device)")
        }
        return names
    }

    /// True when the device's name says EMG, except a generic analog device's `Voltage` output.
    static func isEMGDevice(_ device: String) -> Bool {
        let words = device.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        guard words.contains("EMG") else { return false }
        return !(words.contains("ANALOG") && words.last == "VOLTAGE")
    }

    /// The rows of an `Events` section, after its title line, in time order.
    private static func readEvents(_ scanner: inout LabTextScanner) throws -> [RecordingEvent] {
        guard let headerLine = scanner.nextLine(), !scanner.isBlank(headerLine) else {
            throw scanner.error("the Events section has no header (Subject,Context,Name,Time (s),Description)")
        }
        let header = try scanner.cells(headerLine)
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw scanner.error("the Events header has no '\(name)' column (expected Subject,Context,Name,Time (s),Description)")
            }
            return index
        }
        let (context, name, time) = (try column("Context"), try column("Name"), try column("Time (s)"))
        var events = [RecordingEvent]()
        while let line = scanner.nextLine(), !scanner.isBlank(line) {
            let cells = try scanner.cells(line)
            guard cells.count > max(context, name, time) else { throw scanner.shortRow(found: cells.count, fields: header.count) }
            guard let seconds = Double(cells[time]), seconds.isFinite else {
                throw scanner.error(column: header[time], "event time '\(cells[time])' is not a finite number of seconds")
            }
            guard !cells[name].isEmpty else { throw scanner.error(column: header[name], "an event without a name") }
            events.append(RecordingEvent(label: cells[name], context: cells[context], time: seconds))
        }
        return events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// `recording` as a Nexus CSV export that `parse` reads back exactly: a
    /// `Devices` section of one device, `Simulated EMG`, with frames at 100 Hz
    /// when the rate is a multiple of 100 Hz and the samples fill whole frames
    /// (else one sample per frame), the units of `recording.units` (`V` where
    /// it gives none), numbers in shortest round-trip form; then an `Events`
    /// section when the recording has events.
    public static func encode(_ recording: EMGRecording) throws -> Data {
        let path = recording.path
        let (rate, count) = (recording.sampleRate, recording.sampleCount)
        guard rate.isFinite, rate > 0 else { throw InputError(file: path, "cannot be written as Nexus CSV: its rate is \(rate) Hz") }
        guard !recording.channels.isEmpty, count > 0 else {
            throw InputError(file: path, "cannot be written as Nexus CSV: it has no samples")
        }
        func firstFrame(_ perFrame: Int) -> Int? {
            let frame = recording.startTime * rate / Double(perFrame) + 1
            return abs(frame - frame.rounded()) <= 1e-6 && abs(frame) < 1e9 ? Int(frame.rounded()) : nil
        }
        var perFrame = rate.truncatingRemainder(dividingBy: 100) == 0 ? Int(rate / 100) : 1
        if count % perFrame != 0 || firstFrame(perFrame) == nil { perFrame = 1 }
        guard let first = firstFrame(perFrame) else {
            throw InputError(file: path, "cannot be written as Nexus CSV: it starts at \(recording.startTime) s, "
                             + "not on a sample of its \(rate) Hz")
        }
        let names = try recording.channelNames.map { try cell($0, path: path) }
        let units = try recording.channelNames.indices.map { i in
            try cell(i < recording.units.count && !recording.units[i].isEmpty ? recording.units[i] : "V", path: path)
        }
        let blanks = String(repeating: ",", count: names.count - 1)
        var text = "Devices\n\(rate == rate.rounded() && rate < 1e15 ? String(Int(rate)) : String(rate))\(blanks),,\n"
        text += ",,Simulated EMG\(blanks)\nFrame,Sub Frame,\(names.joined(separator: ","))\n,,\(units.joined(separator: ","))\n"
        text.reserveCapacity(text.utf8.count + count * names.count * 24)
        for sample in 0..<count {
            text += "\(first + sample / perFrame),\(sample % perFrame)"
            for channel in recording.channels { text += ",\(channel[sample])" }
            text += "\n"
        }
        if !recording.events.isEmpty {
            text += "\nEvents\nSubject,Context,Name,Time (s),Description\n"
            for event in recording.events {
                text += ",\(try cell(event.context, path: path)),\(try cell(event.label, path: path)),\(event.time),\n"
            }
        }
        return Data(text.utf8)
    }

    /// Text as a CSV cell, quoted when it holds a comma, a quote or spaces at its ends.
    private static func cell(_ text: String, path: String) throws -> String {
        if text.contains(where: \.isNewline) {
            throw InputError(file: path, "cannot be written as Nexus CSV: '\(text)' holds a line break")
        }
        let plain = !text.contains(where: { $0 == "," || $0 == "\"" }) && text.trimmingCharacters(in: .whitespaces) == text
        return plain ? text : "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
