import Foundation

/// Where a recording's gait events come from.
public enum GaitEventsSource: Sendable, Equatable {
    /// A CSV of touchdown times in seconds (first column) and optionally
    /// lift-off times (second column), one row per cycle, with a header row.
    case csv(path: String)
    /// The recording's own events (C3D EVENT group): touchdowns labelled
    /// `touchdown` ("Foot Strike"), lift-offs `liftoff` ("Foot Off"), of one
    /// context ("Right", "Left"; nil: whichever single context the file has).
    case recording(touchdown: String, liftoff: String, context: String?)

    /// The words naming the recording's own events: a C3D EVENT
    /// group, a Nexus CSV's `Events` section, EDF+/BDF+ annotations; `file`
    /// stands for any of them.
    public static let recordingEventWords = ["c3d", "nexus", "edf", "bdf", "file"]

    /// True when `text` is one of `recordingEventWords`, alone or with `:CONTEXT`.
    public static func namesRecordingEvents(_ text: String) -> Bool {
        let word = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0].lowercased()
        return recordingEventWords.contains(word)
    }

    /// Parses a gait-events source: `c3d`, `nexus`, `edf`, `bdf` or `file`,
    /// each optionally `:CONTEXT`, or a CSV path; the file's events are
    /// matched by these labels (Vicon's defaults).
    public static func parse(_ text: String, touchdown: String = "Foot Strike",
                             liftoff: String = "Foot Off") -> GaitEventsSource {
        guard namesRecordingEvents(text) else { return .csv(path: text) }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return .recording(touchdown: touchdown, liftoff: liftoff, context: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// The events for `recording`, checked against its time span and, when the
    /// protocol cuts cycles, against what `cycles` needs; errors name the events' file.
    public func events(for recording: EMGRecording, cycles: CycleSettings? = nil) throws -> GaitEvents {
        let events: GaitEvents
        let source: String
        switch self {
        case .csv(let path):
            events = try GaitEventsCSV.read(path: path)
            source = path
        case .recording(let touchdown, let liftoff, let context):
            events = try fromRecording(recording, touchdown: touchdown, liftoff: liftoff, context: context)
            source = recording.path
        }
        if let problem = events.problem(start: recording.startTime, end: recording.endTime) {
            throw InputError(file: source, problem)
        }
        if let problem = cycles.flatMap(events.problem(cutting:)) {
            throw InputError(file: source, problem)
        }
        return events
    }

    private func fromRecording(_ recording: EMGRecording, touchdown: String, liftoff: String,
                               context: String?) throws -> GaitEvents {
        func matching(_ label: String) -> [RecordingEvent] {
            recording.events.filter { $0.label.caseInsensitiveCompare(label) == .orderedSame }
        }
        let strikes = matching(touchdown)
        guard !strikes.isEmpty else {
            let labels = Set(recording.events.map(\.label)).sorted()
            if labels.isEmpty { throw InputError(file: recording.path, .noRecordingEvents(touchdown: touchdown)) }
            throw InputError(file: recording.path, "no '\(touchdown)' events in the file (its event labels: "
                             + "\(labels.joined(separator: ", ")))")
        }
        let contexts = Set(strikes.map(\.context)).sorted()
        let chosen: String
        if let context {
            guard let found = contexts.first(where: { $0.caseInsensitiveCompare(context) == .orderedSame }) else {
                throw InputError(file: recording.path, "no '\(touchdown)' events in context '\(context)' "
                                 + "(contexts: \(contexts.joined(separator: ", ")))")
            }
            chosen = found
        } else {
            guard contexts.count == 1 else {
                throw InputError(file: recording.path, .eventContextNeeded(touchdown: touchdown, contexts: contexts,
                                                                           format: recording.format))
            }
            chosen = contexts[0]
        }
        let touchdowns = strikes.filter { $0.context == chosen }.map(\.time).sorted()
        let offs = matching(liftoff).filter { $0.context == chosen }.map(\.time).sorted()
        // Each cycle's lift-off is the first after its touchdown, if it comes before the next touchdown.
        var liftoffs = [Double]()
        for (i, start) in touchdowns.enumerated().dropLast() {
            guard let off = offs.first(where: { $0 > start }), off < touchdowns[i + 1] else { break }
            liftoffs.append(off)
        }
        let complete = liftoffs.count == touchdowns.count - 1 && !liftoffs.isEmpty
        return GaitEvents(touchdowns: touchdowns, liftoffs: complete ? liftoffs : nil)
    }
}

/// Reads a cycles CSV as musclesyneRgies ships them (`touchdown_s,liftoff_s`).
public enum GaitEventsCSV {
    /// Reads the file at `path`: touchdowns (s), and lift-offs (s) when it has a second column; throws `InputError` for a malformed file.
    public static func read(path: String) throws -> GaitEvents {
        try parse(try FileInput.contents(of: path), path: path)
    }

    /// Parses the bytes of a cycles CSV; `path` only names the source in errors.
    public static func parse(_ bytes: Data, path: String) throws -> GaitEvents {
        let table = try DelimitedTable.parse(bytes, path: path)
        guard table.header.count <= 2 else {
            throw InputError(file: path, line: 1, "has \(table.header.count) columns; expected touchdown times "
                             + "and optionally lift-off times (seconds)")
        }
        guard table.rowCount > 0 else { throw InputError(file: path, "has a header but no events") }
        return GaitEvents(touchdowns: table.columns[0], liftoffs: table.header.count == 2 ? table.columns[1] : nil)
    }
}
