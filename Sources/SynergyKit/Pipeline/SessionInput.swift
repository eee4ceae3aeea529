import Foundation

/// One session's input file turned into the envelope D that factorisation
/// takes: an envelope CSV read as it is, or a raw recording (CSV or C3D) read
/// and preprocessed by the protocol. Errors name the file.
public struct SessionInput: Sendable {
    /// What the file holds.
    public enum Kind: String, Sendable, CaseIterable {
        /// Raw EMG (CSV/TSV/TXT or C3D), preprocessed by the protocol.
        case raw
        /// A preprocessed envelope matrix (CSV), used as it is.
        case envelope
    }

    /// The input file's path.
    public var path: String
    /// A raw recording or an envelope.
    public var kind: Kind
    /// Sample rate for a raw CSV without a time column.
    public var sampleRate: Double?
    /// The file's format; nil: detected from its content (`RecordingFormat.detect`).
    public var format: RecordingFormat?
    /// Bring every channel to this rate (Hz) with an anti-aliasing filter; nil:
    /// the channels must share one rate.
    public var resampleTo: Double?
    /// Channels to keep, in order (nil: all).
    public var muscles: [String]?
    /// Channel renames (old → new, case-insensitive), applied before `muscles` selects channels.
    public var renames: [(old: String, new: String)] = []
    /// Where gait events come from (needed when the protocol cuts cycles).
    public var events: GaitEventsSource?
    /// Other recordings of the same subject whose pooled amplitude gives one scale per muscle.
    public var normaliseAcross: [String] = []

    /// An input of `kind` at `path`, every other option at its default.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// The raw recording with renames, channel selection and resampling applied
    /// (`LabRecording.emgRecording`).
    public func recording(at path: String) throws -> EMGRecording {
        let recording = try LabRecording.read(path: path, format: format, sampleRate: sampleRate)
            .emgRecording(names: muscles, renames: renames, resampleTo: resampleTo)
        guard recording.channels.count >= 2 else {
            throw InputError(file: path, "has \(recording.channels.count) channel(s); synergies need at least 2 muscles")
        }
        return recording
    }

    /// The envelope for factorisation.
    public func envelope(settings: PreprocessingSettings) throws -> EnvelopeTable {
        try read(settings: settings, withEvents: false).envelope
    }

    /// The envelope and, for a raw recording with `events` given, its gait
    /// events (checked against the recording), which a bootstrap resamples by.
    public func envelopeAndEvents(settings: PreprocessingSettings) throws -> (envelope: EnvelopeTable, events: GaitEvents?) {
        try read(settings: settings, withEvents: true)
    }

    private func read(settings: PreprocessingSettings, withEvents: Bool) throws -> (envelope: EnvelopeTable, events: GaitEvents?) {
        switch kind {
        case .envelope:
            var table = try EnvelopeCSV.read(path: path)
            if let muscles {
                let indices = try muscles.map { name in
                    guard let i = table.muscles.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                        throw InputError(file: path, "no muscle named '\(name)' (muscles: \(table.muscles.joined(separator: ", ")))")
                    }
                    return i
                }
                var data = Matrix(rows: indices.count, columns: table.data.columns)
                for (row, i) in indices.enumerated() { for t in 0..<data.columns { data[row, t] = table.data[i, t] } }
                table.muscles = indices.map { table.muscles[$0] }
                table.data = data
            }
            return (table, nil)
        case .raw:
            let recording = try recording(at: path)
            let resolved = settings.resolved(sampleRate: recording.sampleRate)
            let envelope = try preprocess(recording, settings: resolved)
            let events = withEvents ? try self.events?.events(for: recording, cycles: resolved.cycles) : nil
            return (EnvelopeTable(path: path, sha256: recording.sha256, timeHeader: envelope.timeHeader,
                                  time: envelope.time, muscles: envelope.muscles, data: envelope.data,
                                  format: recording.format.reportName, preprocessing: resolved,
                                  units: recording.units, warnings: recording.warnings), events)
        }
    }

    /// Runs the preprocessing chain on a recording read from `path`.
    public func preprocess(_ recording: EMGRecording, settings: PreprocessingSettings) throws -> Envelope {
        let events: GaitEvents? = try settings.cycles.map { cycles in
            guard let source = self.events else { throw InputError(file: path, .gaitEventsNeeded(side: nil)) }
            return try source.events(for: recording, cycles: cycles)
        }
        let others = try normaliseAcross.map { try self.recording(at: $0) }
        for other in others where other.channelNames.map({ $0.lowercased() }) != recording.channelNames.map({ $0.lowercased() }) {
            throw InputError(file: other.path, .normalisationChannelsDiffer(channels: other.channelNames, session: path,
                                                                            sessionChannels: recording.channelNames))
        }
        do {
            return try Preprocessor.envelope(recording, events: events, settings: settings, pooledWith: others)
        } catch let error as SignalError {
            throw InputError(file: path, error)
        }
    }
}
