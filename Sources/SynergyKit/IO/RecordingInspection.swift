import Foundation

/// What `synergy inspect` reports of a file: its format, every channel with
/// what it measures, its rate, length and whether it looks usable, the file's
/// events and the reader's warnings. The JSON fields are the property names
/// in snake_case.
public struct RecordingInspection: Codable, Sendable, Equatable {
    /// One channel as the file holds it, and what inspection found in it.
    public struct Channel: Codable, Sendable, Equatable {
        /// The channel's name as `LabChannel.name` gives it.
        public var name: String
        /// Its sensor or device (empty when the file names none).
        public var sensor: String
        /// What it measures as the file says (empty when it says nothing).
        public var signal: String
        /// Its unit as the file writes it (empty when it gives none).
        public var unit: String
        /// Samples per second, Hz, exact.
        public var sampleRate: Double
        /// Number of samples.
        public var samples: Int
        /// Time of sample 0, s, on the file's clock.
        public var startS: Double
        /// True or false where the format says whether it is EMG, null where it does not.
        public var emg: Bool?
        /// Every sample has the same value (a disconnected or empty slot).
        public var flat: Bool
        /// At least 0.5 % of the samples (and at least 3) sit at a non-zero
        /// minimum or maximum, as when an amplifier or converter saturates.
        public var clipped: Bool
        /// Share of samples exactly 0 (a Trigno Discover export writes 0 for dropped samples).
        public var zerosFraction: Double

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(sensor, forKey: .sensor)
            try container.encode(signal, forKey: .signal)
            try container.encode(unit, forKey: .unit)
            try container.encode(sampleRate, forKey: .sampleRate)
            try container.encode(samples, forKey: .samples)
            try container.encode(startS, forKey: .startS)
            try container.encode(emg, forKey: .emg)  // null, not absent, when the format does not say
            try container.encode(flat, forKey: .flat)
            try container.encode(clipped, forKey: .clipped)
            try container.encode(zerosFraction, forKey: .zerosFraction)
        }
    }

    /// One event the file holds: its label, context and time in seconds.
    public struct Event: Codable, Sendable, Equatable {
        /// The event's label, e.g. "Foot Strike".
        public var label: String
        /// Its context, e.g. "Right" (empty if none).
        public var context: String
        /// Seconds, on the file's clock.
        public var timeS: Double
    }

    /// The path as the user gave it.
    public var path: String
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    /// `RecordingFormat`'s raw value ("edf", "delsys_discover", …).
    public var format: String
    /// The version or variant the file states ("Trigno Discover 1.6.4", "EDF+C"; empty when none).
    public var formatVersion: String
    /// Seconds from the earliest channel start to the latest channel end, plus one sample of the fastest channel.
    public var durationS: Double
    /// Every channel, in file order.
    public var channels: [Channel]
    /// The file's events, in time order.
    public var events: [Event]
    /// What reading and inspection noticed, one sentence each.
    public var warnings: [String]

    /// The report of `recording`; `mixedRatesAdvice` ends the warning on
    /// channels of different rates (a caller names its own way to resample them).
    public init(_ recording: LabRecording,
                mixedRatesAdvice: String = "analysing them together needs them resampled to one rate") {
        path = recording.path
        sha256 = recording.sha256
        format = recording.format.rawValue
        formatVersion = recording.formatVersion
        durationS = recording.duration
        channels = recording.channels.map { channel in
            let values = channel.samples
            let low = values.min() ?? 0, high = values.max() ?? 0
            let atLow = low != 0 ? values.reduce(0) { $0 + ($1 == low ? 1 : 0) } : 0
            let atHigh = high != 0 && high != low ? values.reduce(0) { $0 + ($1 == high ? 1 : 0) } : 0
            let extremes = max(atLow, atHigh)
            let zeros = values.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            return Channel(name: channel.name, sensor: channel.sensor, signal: channel.signal, unit: channel.unit,
                           sampleRate: channel.sampleRate, samples: values.count, startS: channel.startTime,
                           emg: channel.isEMG, flat: low == high,
                           clipped: low != high && extremes >= max(3, values.count / 200),
                           zerosFraction: values.isEmpty ? 0 : Double(zeros) / Double(values.count))
        }
        events = recording.events.map { Event(label: $0.label, context: $0.context, timeS: $0.time) }
        warnings = recording.warnings
        let rates = Set(recording.channels.filter { $0.isEMG != false }.map(\.sampleRate))
        if rates.count > 1 {
            warnings.append("the \(recording.channels.contains { $0.isEMG == true } ? "EMG " : "")channels have "
                            + "\(rates.count) different sample rates (\(rates.sorted().map(LabRecording.hertz).joined(separator: ", "))); "
                            + mixedRatesAdvice)
        }
    }

    /// The JSON document (sorted keys, snake_case, final newline).
    public func json() throws -> Data { try ReportJSON.encode(self) }

    /// The human-readable report: a summary, a table of channels, the events, the warnings.
    public var text: String {
        var lines = ["\(path): \(RecordingFormat(rawValue: format)?.title ?? format)"
                     + (formatVersion.isEmpty ? "" : ", \(formatVersion)")
                     + String(format: "; %.3f s; %d channels; %d events", durationS, channels.count, events.count)]
        let header = ["name", "sensor", "signal", "unit", "rate (Hz)", "samples", "start (s)", "EMG", "state"]
        var rows = [header]
        for channel in channels {
            var state = [String]()
            if channel.flat { state.append("flat") }
            if channel.clipped { state.append("clipped") }
            if channel.zerosFraction >= 0.5 && !channel.flat { state.append("mostly zeros") }
            rows.append([channel.name, channel.sensor, channel.signal, channel.unit,
                         String(LabRecording.hertz(channel.sampleRate).dropLast(3)), "\(channel.samples)",
                         String(format: "%.4f", channel.startS), channel.emg.map { $0 ? "yes" : "no" } ?? "?",
                         state.isEmpty ? "ok" : state.joined(separator: ", ")])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        if !events.isEmpty {
            lines.append("events:")
            for event in events {
                lines.append(String(format: "  %10.4f s  ", event.timeS) + event.label
                             + (event.context.isEmpty ? "" : " (\(event.context))"))
            }
        }
        for warning in warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
