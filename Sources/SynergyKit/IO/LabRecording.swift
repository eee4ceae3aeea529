import Foundation

/// A recording as a lab's export holds it, before it becomes one uniformly
/// sampled `EMGRecording`: every channel with its own rate, start, length,
/// unit and kind (EMG, accelerometer, analog, …), the file's events, and what
/// the reader noticed on the way (dropped samples, empty slots).
public struct LabRecording: Sendable, Equatable {
    /// The path as the user gave it (names the source in messages).
    public var path: String
    /// SHA-256 of the file's bytes, lower-case hex (empty when parsed from bytes).
    public var sha256: String
    /// The format the file was read in.
    public var format: RecordingFormat
    /// The exporting software's version or the format's variant, as the file
    /// states it ("Trigno Discover 1.6.4", "EDF+C"); empty when it says none.
    public var formatVersion: String
    /// Channels in file order; names are unique (case-insensitively).
    public var channels: [LabChannel]
    /// Events found in the file, in time order.
    public var events: [RecordingEvent]
    /// What the reader noticed that a user should know, one sentence each.
    public var warnings: [String]

    /// A recording from its parts, as a reader assembles it.
    public init(path: String, sha256: String = "", format: RecordingFormat, formatVersion: String = "",
                channels: [LabChannel], events: [RecordingEvent] = [], warnings: [String] = []) {
        self.path = path
        self.sha256 = sha256
        self.format = format
        self.formatVersion = formatVersion
        self.channels = channels
        self.events = events
        self.warnings = warnings
    }

    /// Seconds from the earliest channel start to the latest channel end, plus one
    /// sample of the fastest channel (the time its last sample covers).
    public var duration: Double {
        let spans = channels.filter { !$0.samples.isEmpty }
        guard let start = spans.map(\.startTime).min(), let end = spans.map(\.endTime).max() else { return 0 }
        return end - start + 1 / (spans.map(\.sampleRate).max() ?? 1)
    }
}

/// One channel of a `LabRecording`.
public struct LabChannel: Sendable, Equatable {
    /// The name `--muscles` and `--rename` match, as the file gives it (made
    /// unique with the sensor's name where the file repeats a channel name).
    public var name: String
    /// The sensor or device it belongs to (empty when the file names none).
    public var sensor: String
    /// What it measures as the file says ("EMG 1", "ACC X", "Analog 1"); empty when it says nothing.
    public var signal: String
    /// Unit as the file writes it ("mV", "V", "uV"); empty when it gives none.
    public var unit: String
    /// Samples per second, kept exactly as the format defines it.
    public var sampleRate: Double
    /// Time of sample 0 in seconds, on the file's clock.
    public var startTime: Double
    /// The channel's values in `unit`, at `sampleRate` from `startTime`.
    public var samples: [Double]
    /// True when the format says the channel is EMG, false when it says it is
    /// something else, nil when the format does not say (plain CSV, C3D).
    public var isEMG: Bool?

    /// A channel from its parts; sensor, signal and unit default to empty, the start to 0 s.
    public init(name: String, sensor: String = "", signal: String = "", unit: String = "", sampleRate: Double,
                startTime: Double = 0, samples: [Double], isEMG: Bool? = nil) {
        self.name = name
        self.sensor = sensor
        self.signal = signal
        self.unit = unit
        self.sampleRate = sampleRate
        self.startTime = startTime
        self.samples = samples
        self.isEMG = isEMG
    }

    /// Time of the last sample in seconds.
    public var endTime: Double { startTime + Double(max(samples.count - 1, 0)) / sampleRate }
}

/// The file formats a recording is read from.
public enum RecordingFormat: String, Sendable, CaseIterable, Codable {
    /// Delimited text with a header row, optionally a time column (`RawEMGCSV`).
    case csv
    /// C3D (`C3DFile`).
    case c3d
    /// Delsys EMGworks CSV export: a time column before every channel.
    case delsysEMGworks = "delsys_emgworks"
    /// Delsys Trigno Discover CSV export (1.4.2 to 1.7.x).
    case delsysDiscover = "delsys_discover"
    /// Vicon Nexus CSV export (the `Devices` section, and `Events`).
    case nexusCSV = "nexus_csv"
    /// Noraxon MR3/MR4 CSV export.
    case noraxonCSV = "noraxon_csv"
    /// European Data Format, EDF and EDF+ (16-bit).
    case edf
    /// BioSemi Data Format, BDF and BDF+ (24-bit).
    case bdf
    /// BTS SMART Analyzer ASCII tracks (`.emt`).
    case btsEMT = "bts_emt"

    /// The name reports give the format of a raw recording (`raw_csv` for plain CSV, as before).
    public var reportName: String { self == .csv ? "raw_csv" : rawValue }

    /// What users read in `inspect` and in the manual.
    public var title: String {
        switch self {
        case .csv: "CSV (header row, optional time column)"
        case .c3d: "C3D"
        case .delsysEMGworks: "Delsys EMGworks CSV"
        case .delsysDiscover: "Delsys Trigno Discover CSV"
        case .nexusCSV: "Vicon Nexus CSV"
        case .noraxonCSV: "Noraxon MR3/MR4 CSV"
        case .edf: "EDF/EDF+"
        case .bdf: "BDF/BDF+"
        case .btsEMT: "BTS ASCII tracks (.emt)"
        }
    }
}
