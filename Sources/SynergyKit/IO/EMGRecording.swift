/// A raw multichannel EMG recording as read from a file: uniformly sampled
/// channels with their names, and any events the file itself carries (C3D,
/// Nexus, EDF+). `LabRecording.emgRecording` makes one from any format.
public struct EMGRecording: Sendable, Equatable {
    /// The path as the user gave it (names the source in messages).
    public var path: String
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    /// Channel names, in the order of `channels`.
    public var channelNames: [String]
    /// Samples per second of every channel.
    public var sampleRate: Double
    /// Time of sample 0 in seconds, on the file's own clock.
    public var startTime: Double
    /// One array per channel, all the same length.
    public var channels: [[Double]]
    /// Events found in the file, in time order (empty for CSV).
    public var events: [RecordingEvent]
    /// The format the file was read in.
    public var format: RecordingFormat = .csv
    /// Each channel's unit as the file gives it (empty when it gives none).
    public var units: [String] = []
    /// What reading noticed that a user should know (dropped samples, resampling), one sentence each.
    public var warnings: [String] = []

    /// A recording from its parts; `format`, `units` and `warnings` keep their defaults.
    public init(path: String, sha256: String, channelNames: [String], sampleRate: Double, startTime: Double,
                channels: [[Double]], events: [RecordingEvent] = []) {
        self.path = path
        self.sha256 = sha256
        self.channelNames = channelNames
        self.sampleRate = sampleRate
        self.startTime = startTime
        self.channels = channels
        self.events = events
    }

    /// Samples per channel (0 without channels).
    public var sampleCount: Int { channels.first?.count ?? 0 }
    /// Time of the last sample in seconds.
    public var endTime: Double { startTime + Double(max(sampleCount - 1, 0)) / sampleRate }
}

/// An event stored in a recording, such as a C3D "Foot Strike".
public struct RecordingEvent: Sendable, Equatable {
    /// The event's label, e.g. "Foot Strike".
    public var label: String
    /// Its context, e.g. "Right" (empty if none).
    public var context: String
    /// Seconds, on the same clock as `EMGRecording.startTime`.
    public var time: Double

    /// An event labelled `label` in `context` at `time` s.
    public init(label: String, context: String, time: Double) {
        self.label = label
        self.context = context
        self.time = time
    }
}
