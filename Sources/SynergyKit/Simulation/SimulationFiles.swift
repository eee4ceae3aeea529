import Foundation

/// The files of a simulation, as `synergy simulate` writes them: each
/// recording as CSV, C3D, EDF, BDF or Nexus CSV, its events CSV
/// (`touchdown_s,liftoff_s`) and its ground truth JSON; a training pair's
/// planted change; a study's manifest and ground truth.
public enum SimulationFiles {
    /// Which recording files to write.
    public enum Format: String, CaseIterable, Sendable {
        /// CSV and C3D.
        case both, csv, c3d, edf, bdf
        /// A Vicon Nexus CSV export (with the events).
        case nexus

        /// The recording file's extension (the C3D's for both).
        public var fileExtension: String {
            switch self {
            case .both: "c3d"
            case .nexus: "csv"
            default: rawValue
            }
        }
    }

    /// Files to write, and what the user should know about them.
    public struct Output {
        /// Each file's path (from the prefix) and bytes, in the order written.
        public var files: [(path: String, contents: Data)]
        /// E.g. a C3D file left without events: more strides than its EVENT group holds.
        public var notes: [String]
    }

    /// A C3D EVENT group holds at most this many events; longer recordings keep theirs in the events CSV only.
    static let c3dEventLimit = 255

    /// PREFIX.csv and/or PREFIX.c3d (or PREFIX.edf, PREFIX.bdf), PREFIX_events.csv and PREFIX_truth.json of one recording.
    public static func recording(_ simulated: SyntheticRecording, prefix: String, format: Format) throws -> Output {
        let paths = (csv: prefix + ".csv", c3d: prefix + ".c3d", events: prefix + "_events.csv", truth: prefix + "_truth.json")
        var recording = simulated.recording
        recording.path = prefix + "." + format.fileExtension
        var files = [(path: String, contents: Data)]()
        var notes = [String]()
        if format == .edf || format == .bdf {
            files.append((recording.path, try EDFFile.encode(recording, format: format == .edf ? .edf : .bdf)))
        }
        if format == .nexus {
            files.append((recording.path, try NexusCSV.encode(recording)))
        }
        if format == .both || format == .csv {
            var values = Matrix(rows: recording.channels.count, columns: recording.sampleCount)
            for (i, channel) in recording.channels.enumerated() { for (n, x) in channel.enumerated() { values[i, n] = x } }
            let time = (0..<recording.sampleCount).map { Double($0) / recording.sampleRate }
            let csv = TimeSeriesCSV.render(timeHeader: "time", time: time, columns: recording.channelNames, values: values)
            files.append((paths.csv, Data(csv.utf8)))
        }
        let liftoffs = simulated.events.liftoffs ?? []
        var events = "touchdown_s,liftoff_s\n"
        for (touchdown, liftoff) in zip(simulated.events.touchdowns, liftoffs) { events += "\(touchdown),\(liftoff)\n" }
        let rate = recording.sampleRate
        let perFrame = rate.truncatingRemainder(dividingBy: 100) == 0 ? Int(rate / 100) : 1
        if format == .both || format == .c3d {
            if recording.events.count > c3dEventLimit {
                recording.events = []
                notes.append("\(simulated.events.cycleCount) strides are more than a C3D EVENT group holds; "
                             + "\(paths.c3d) has no events (use \(paths.events))")
            }
            files.append((paths.c3d, try C3DFile.encode(recording, samplesPerFrame: perFrame)))
        }
        let truth = RecordingTruth(
            toolVersion: SynergyAnalysis.toolVersion, settings: simulated.settings, muscles: recording.channelNames,
            synergies: (0..<simulated.weights.columns).map {
                .init(weights: simulated.weights.column($0), phase: simulated.phases[$0])
            },
            gains: simulated.gains, touchdowns: simulated.events.touchdowns, liftoffs: liftoffs,
            files: (files.map(\.path) + [paths.events]).map { ($0 as NSString).lastPathComponent })
        files += [(paths.events, Data(events.utf8)), (paths.truth, try truthJSON(truth))]
        return Output(files: files, notes: notes)
    }

    /// PREFIX_novice.* and PREFIX_trained.* (each as `recording` writes it) and PREFIX_change.json.
    public static func trainingPair(_ pair: SyntheticTrainingPair, prefix: String, format: Format) throws -> Output {
        let prefixes = (novice: prefix + "_novice", trained: prefix + "_trained")
        let novice = try recording(pair.novice, prefix: prefixes.novice, format: format)
        let trained = try recording(pair.trained, prefix: prefixes.trained, format: format)
        let change = PlantedChange(
            toolVersion: SynergyAnalysis.toolVersion,
            novice: (prefixes.novice as NSString).lastPathComponent, trained: (prefixes.trained as NSString).lastPathComponent,
            kept: pair.kept.map { .init(novice: $0.novice, trained: $0.trained) },
            fractionated: .init(novice: pair.fractionated.novice, trained: pair.fractionated.trained),
            merged: .init(novice: pair.merged.novice, trained: pair.merged.trained))
        return Output(files: novice.files + trained.files + [(prefix + "_change.json", try truthJSON(change))],
                      notes: novice.notes + trained.notes)
    }

    /// Writes a study into `folder` (created if need be): each session's recording, events and truth as
    /// `recording` makes them (written session by session, so a large study is never held whole), then
    /// `manifest.csv` for `batch` and `study_truth.json`. Returns the manifest's and the truth's paths.
    public static func writeStudy(_ study: SyntheticStudy, folder: String,
                                  format: Format) throws -> (manifest: String, truth: String) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: folder, "cannot be created as the study folder")
        }
        var manifest = "subject,group,session,path,events\n"
        for session in study.sessions {
            let name = "\(session.subject)_\(session.session)"
            let prefix = (folder as NSString).appendingPathComponent(name)
            try OutputFiles.write(try recording(session.recording, prefix: prefix, format: format).files)
            let file = name + "." + format.fileExtension
            manifest += "\(session.subject),\(session.group),\(session.session),\(file),\(name)_events.csv\n"
        }
        let truth = StudyTruth(
            toolVersion: SynergyAnalysis.toolVersion, settings: study.settings,
            muscles: (0..<study.settings.recording.muscles).map(SyntheticRecording.muscleName),
            groupWeights: (0..<study.weights.columns).map { study.weights.column($0) },
            mergedSynergies: study.mergedSynergies,
            sessions: study.sessions.map {
                .init(subject: $0.subject, group: $0.group, session: $0.session, merged: $0.merged,
                      weights: (0..<$0.weights.columns).map($0.weights.column), gains: $0.gains)
            })
        let paths = (manifest: (folder as NSString).appendingPathComponent("manifest.csv"),
                     truth: (folder as NSString).appendingPathComponent("study_truth.json"))
        try OutputFiles.write([(paths.truth, try truthJSON(truth)), (paths.manifest, Data(manifest.utf8))])
        return paths
    }

    /// The ground truth JSON: keys sorted and in snake_case, pretty-printed. Unlike the reports' JSON
    /// (`ReportJSON`) it escapes slashes and has no final newline; kept so, as the files written stay as
    /// they always were.
    static func truthJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    /// The ground truth written beside a recording.
    struct RecordingTruth: Encodable {
        struct Synergy: Encodable { var weights: [Double]; var phase: Double }
        var toolVersion: String
        var settings: SimulationSettings
        var muscles: [String]
        var synergies: [Synergy]
        /// Each muscle's electrode gain.
        var gains: [Double]
        var touchdowns: [Double]
        var liftoffs: [Double]
        var files: [String]
    }

    /// The planted change of a training pair, in the sessions' own synergy indices (0-based).
    struct PlantedChange: Encodable {
        struct Kept: Encodable { var novice: Int; var trained: Int }
        struct Fractionated: Encodable { var novice: Int; var trained: [Int] }
        struct Merged: Encodable { var novice: [Int]; var trained: Int }
        var toolVersion: String
        var novice: String
        var trained: String
        var kept: [Kept]
        var fractionated: Fractionated
        var merged: Merged
    }

    /// The planted structure of a study.
    struct StudyTruth: Encodable {
        struct Session: Encodable { var subject: String; var group: String; var session: String; var merged: Bool
                                    var weights: [[Double]]; var gains: [Double] }
        var toolVersion: String
        var settings: SyntheticStudy.Settings
        var muscles: [String]
        var groupWeights: [[Double]]
        var mergedSynergies: [Int]
        var sessions: [Session]
    }
}
