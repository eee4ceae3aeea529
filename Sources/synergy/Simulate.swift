import ArgumentParser
import Foundation
import SynergyKit

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic raw EMG recording with planted synergies and its ground truth.",
        discussion: """
            Writes OUT.csv (time and raw EMG), OUT.c3d (the same, with 'Foot Strike'/'Foot Off' events), \
            OUT_events.csv (touchdown_s,liftoff_s) and OUT_truth.json (the planted weights, burst phases \
            and every setting). The same settings and seed give the same files. --format edf or bdf writes \
            OUT.edf or OUT.bdf (EDF+C or BDF+C, the events as annotations such as 'Right Foot Strike') in place \
            of the CSV and C3D files.

            Every muscle's whole signal is multiplied by an electrode gain drawn log-uniform in \
            [1/S, S], S = --gain-spread (default 2; 1 turns gains off); the gains are in the truth JSON. Sessions \
            draw their own gains, as when the electrodes are put back between sessions; --same-gains gives all \
            sessions of one subject the same gains (electrodes left in place).

            With --training-change, writes two sessions of one runner, OUT_novice.* and OUT_trained.*, and \
            OUT_change.json: from novice to trained, novice synergy 1 is fractionated into two, novice synergies \
            k−1 and k are merged into one, and the rest are kept (indices in the JSON are 0-based).

            With --study, OUT is a folder: writes a study of --groups groups × --subjects subjects recorded at \
            --time-points time points (week0, week8, …), one recording per session (C3D unless --format csv, edf or bdf), \
            OUT/manifest.csv for 'synergy batch', and OUT/study_truth.json. The first group (control) keeps the k \
            planted synergies; in the others, synergies k−1 and k are merged from the second time point on. With 3 or \
            more time points every third subject misses the last one.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Output prefix: writes PREFIX.csv, PREFIX.c3d, PREFIX_events.csv, "
                                                    + "PREFIX_truth.json.", valueName: "prefix"))
    var output: String

    @Option(help: "Number of muscles (names: the 15 of Cheung et al. 2020, then M16, …).")
    var muscles = 12

    @Option(help: "Number of planted synergies.")
    var synergies = 4

    @Option(help: "Sample rate in Hz.")
    var sampleRate = 2000.0

    @Option(help: "Duration in seconds.")
    var duration = 60.0

    @Option(help: "Mean stride time in seconds.")
    var strideTime = 0.75

    @Option(help: "Coefficient of variation of the stride time.")
    var strideVariability = 0.03

    @Option(help: "Stance as a fraction of the stride.")
    var stanceFraction = 0.4

    @Option(help: "Standard deviation of each synergy's burst, as a fraction of the stride.")
    var burstWidth = 0.07

    @Option(help: "Coefficient of variation of each burst's amplitude across strides.")
    var amplitudeVariability = 0.1

    @Option(help: "Additive white noise, relative to the mean EMG envelope.")
    var noise = 0.05

    @Option(help: "Powerline hum amplitude, relative to the mean EMG envelope.")
    var hum = 0.05

    @Option(help: "Powerline frequency in Hz.")
    var humFrequency = 50.0

    @Option(help: "Baseline drift amplitude, relative to the mean EMG envelope.")
    var drift = 0.5

    @Option(help: ArgumentHelp("Electrode gains are drawn log-uniform in [1/S, S] (1: all gains 1).", valueName: "S"))
    var gainSpread = 2.0

    @Flag(help: "With --training-change or --study: every session of a subject uses the same electrode gains.")
    var sameGains = false

    @Option(help: "Seed of every random draw.")
    var seed: UInt64 = 1

    @Flag(help: "Write a novice and a trained session with a planted fractionation and merging (see above).")
    var trainingChange = false

    @Flag(help: "Write a whole study into the folder OUT (see above).")
    var study = false

    @Option(help: "With --study: number of groups (the first is the reference, 'control').")
    var groups = 2

    @Option(help: "With --study: subjects per group.")
    var subjects = 4

    @Option(help: "With --study: time points per subject.")
    var timePoints = 3

    @Option(help: "With --study: variability of each subject's synergy weights around the group's (relative SD).")
    var subjectVariability = 0.1

    @Option(help: ArgumentHelp("Which recordings to write: both (CSV and C3D), csv, c3d, edf, bdf or nexus (a Vicon "
                               + "Nexus CSV export as PREFIX.csv, with the events) (default: both; c3d with --study; a long "
                               + "recording is far smaller as C3D, EDF or BDF)."))
    var format: Format?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case both, csv, c3d, edf, bdf, nexus

        /// The recording file's extension (the C3D's for both).
        var fileExtension: String {
            switch self {
            case .both: "c3d"
            case .nexus: "csv"
            default: rawValue
            }
        }
    }

    private var settings: SimulationSettings {
        var s = SimulationSettings()
        (s.muscles, s.synergies, s.sampleRate, s.duration) = (muscles, synergies, sampleRate, duration)
        (s.strideTime, s.strideVariability, s.stanceFraction) = (strideTime, strideVariability, stanceFraction)
        (s.burstWidth, s.amplitudeVariability, s.noise) = (burstWidth, amplitudeVariability, noise)
        (s.humAmplitude, s.humFrequency, s.driftAmplitude, s.seed) = (hum, humFrequency, drift, seed)
        (s.gainSpread, s.sameGains) = (gainSpread, sameGains)
        return s
    }

    private var studySettings: SyntheticStudy.Settings {
        var s = SyntheticStudy.Settings()
        s.recording = settings
        (s.groups, s.subjectsPerGroup, s.timePoints, s.subjectVariability) = (groups, subjects, timePoints, subjectVariability)
        return s
    }

    func validate() throws {
        if study && trainingChange { throw ValidationError("--study and --training-change are separate simulations") }
        if !(gainSpread >= 1 && gainSpread.isFinite) {
            throw ValidationError("--gain-spread must be a finite number, 1 or more (got \(gainSpread))")
        }
        if sameGains && !(study || trainingChange) {
            throw ValidationError("--same-gains applies to several sessions: --training-change or --study")
        }
        if study, let problem = studySettings.problem { throw ValidationError(problem) }
        if let problem = trainingChange ? SyntheticTrainingPair.problem(settings) : settings.problem {
            throw ValidationError(problem)
        }
    }

    /// The ground truth written beside the recording.
    struct Truth: Encodable {
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

    /// The planted change of `--training-change`, in the sessions' own synergy indices (0-based).
    struct Change: Encodable {
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

    func run() throws {
        if study { return try writeStudy() }
        var files = [(path: String, contents: Data)]()
        guard trainingChange else {
            let simulated = SyntheticRecording(settings)
            files = try sessionFiles(simulated, prefix: output)
            try OutputFiles.write(files)
            print("synergy simulate: \(describe(simulated))")
            print("Wrote " + files.map(\.path).joined(separator: ", "))
            return
        }
        let pair = SyntheticTrainingPair(settings)
        let prefixes = (novice: output + "_novice", trained: output + "_trained")
        files = try sessionFiles(pair.novice, prefix: prefixes.novice) + sessionFiles(pair.trained, prefix: prefixes.trained)
        let change = Change(
            toolVersion: SynergyAnalysis.toolVersion,
            novice: (prefixes.novice as NSString).lastPathComponent, trained: (prefixes.trained as NSString).lastPathComponent,
            kept: pair.kept.map { .init(novice: $0.novice, trained: $0.trained) },
            fractionated: .init(novice: pair.fractionated.novice, trained: pair.fractionated.trained),
            merged: .init(novice: pair.merged.novice, trained: pair.merged.trained))
        files.append((output + "_change.json", try Self.json(change)))
        try OutputFiles.write(files)
        print("synergy simulate: novice \(describe(pair.novice))")
        print("                  trained \(describe(pair.trained))")
        print("planted: novice synergy \(pair.fractionated.novice + 1) fractionated into trained "
              + pair.fractionated.trained.map { "\($0 + 1)" }.joined(separator: " and ") + "; novice "
              + pair.merged.novice.map { "\($0 + 1)" }.joined(separator: " and ")
              + " merged into trained \(pair.merged.trained + 1); the rest kept")
        print("Wrote " + files.map(\.path).joined(separator: ", "))
    }

    /// The planted structure of `--study`.
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

    private func writeStudy() throws {
        let simulated = SyntheticStudy(studySettings)
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: output, "cannot be created as the study folder")
        }
        let chosen = format ?? .c3d
        var manifest = "subject,group,session,path,events\n"
        for session in simulated.sessions {
            let name = "\(session.subject)_\(session.session)"
            try OutputFiles.write(try sessionFiles(session.recording, prefix: (output as NSString).appendingPathComponent(name),
                                                   format: chosen, noteDroppedEvents: false))
            let file = name + "." + chosen.fileExtension
            manifest += "\(session.subject),\(session.group),\(session.session),\(file),\(name)_events.csv\n"
        }
        let truth = StudyTruth(
            toolVersion: SynergyAnalysis.toolVersion, settings: simulated.settings,
            muscles: (0..<studySettings.recording.muscles).map(SyntheticRecording.muscleName),
            groupWeights: (0..<simulated.weights.columns).map { simulated.weights.column($0) },
            mergedSynergies: simulated.mergedSynergies,
            sessions: simulated.sessions.map {
                .init(subject: $0.subject, group: $0.group, session: $0.session, merged: $0.merged,
                      weights: (0..<$0.weights.columns).map($0.weights.column), gains: $0.gains)
            })
        let paths = (manifest: (output as NSString).appendingPathComponent("manifest.csv"),
                     truth: (output as NSString).appendingPathComponent("study_truth.json"))
        try OutputFiles.write([(paths.truth, try Self.json(truth)), (paths.manifest, Data(manifest.utf8))])
        print("synergy simulate: \(simulated.sessions.count) sessions of \(studySettings.groups * subjects) subjects in "
              + "\(groups) groups; planted: synergies \(simulated.mergedSynergies.map { "\($0 + 1)" }.joined(separator: " and ")) "
              + "merged in the trained groups from week\(studySettings.weeksBetween) on")
        print("Wrote \(paths.manifest), \(paths.truth) and \(simulated.sessions.count) recordings")
    }

    private func describe(_ simulated: SyntheticRecording) -> String {
        "\(simulated.recording.channels.count) muscles × \(simulated.recording.sampleCount) samples at "
            + "\(simulated.recording.sampleRate) Hz, \(simulated.weights.columns) planted synergies, "
            + "\(simulated.events.cycleCount) strides, seed \(simulated.settings.seed)"
    }

    private static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    /// PREFIX.csv and/or PREFIX.c3d (or PREFIX.edf, PREFIX.bdf), PREFIX_events.csv and PREFIX_truth.json of one recording.
    private func sessionFiles(_ simulated: SyntheticRecording, prefix: String,
                              format: Format? = nil, noteDroppedEvents: Bool = true) throws -> [(path: String, contents: Data)] {
        let format = format ?? self.format ?? .both
        let paths = (csv: prefix + ".csv", c3d: prefix + ".c3d", events: prefix + "_events.csv", truth: prefix + "_truth.json")
        var recording = simulated.recording
        recording.path = prefix + "." + format.fileExtension
        var files = [(path: String, contents: Data)]()
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
            // A C3D EVENT group holds at most 255 events; longer recordings keep theirs in the events CSV only.
            if recording.events.count > 255 {
                recording.events = []
                if noteDroppedEvents {
                    FileHandle.standardError.write(Data(("synergy: note: \(simulated.events.cycleCount) strides are more "
                        + "than a C3D EVENT group holds; \(paths.c3d) has no events (use \(paths.events))\n").utf8))
                }
            }
            files.append((paths.c3d, try C3DFile.encode(recording, samplesPerFrame: perFrame)))
        }
        let truth = Truth(
            toolVersion: SynergyAnalysis.toolVersion, settings: simulated.settings, muscles: recording.channelNames,
            synergies: (0..<simulated.weights.columns).map {
                .init(weights: simulated.weights.column($0), phase: simulated.phases[$0])
            },
            gains: simulated.gains, touchdowns: simulated.events.touchdowns, liftoffs: liftoffs,
            files: (files.map(\.path) + [paths.events]).map { ($0 as NSString).lastPathComponent })
        return files + [(paths.events, Data(events.utf8)), (paths.truth, try Self.json(truth))]
    }
}
