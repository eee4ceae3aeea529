import ArgumentParser
import Foundation
import SynergyKit

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic raw EMG recording with planted synergies and its ground truth.",
        discussion: """
            Writes OUT.csv (time and raw EMG), OUT.c3d (the same, with 'Foot Strike'/'Foot Off' events), \
            OUT_events.csv (touchdown_s,liftoff_s) and OUT_truth.json (the planted weights, burst phases \
            and every setting). The same settings and seed give the same files.

            With --training-change, writes two sessions of one runner, OUT_novice.* and OUT_trained.*, and \
            OUT_change.json: from novice to trained, novice synergy 1 is fractionated into two, novice synergies \
            k−1 and k are merged into one, and the rest are kept (indices in the JSON are 0-based).
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

    @Option(help: "Seed of every random draw.")
    var seed: UInt64 = 1

    @Flag(help: "Write a novice and a trained session with a planted fractionation and merging (see above).")
    var trainingChange = false

    @Option(help: "Which recordings to write: both, csv or c3d (a long recording is far smaller as C3D).")
    var format: Format = .both

    enum Format: String, ExpressibleByArgument, CaseIterable { case both, csv, c3d }

    private var settings: SimulationSettings {
        var s = SimulationSettings()
        (s.muscles, s.synergies, s.sampleRate, s.duration) = (muscles, synergies, sampleRate, duration)
        (s.strideTime, s.strideVariability, s.stanceFraction) = (strideTime, strideVariability, stanceFraction)
        (s.burstWidth, s.amplitudeVariability, s.noise) = (burstWidth, amplitudeVariability, noise)
        (s.humAmplitude, s.humFrequency, s.driftAmplitude, s.seed) = (hum, humFrequency, drift, seed)
        return s
    }

    func validate() throws {
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

    /// PREFIX.csv and/or PREFIX.c3d, PREFIX_events.csv and PREFIX_truth.json of one recording.
    private func sessionFiles(_ simulated: SyntheticRecording, prefix: String) throws -> [(path: String, contents: Data)] {
        let paths = (csv: prefix + ".csv", c3d: prefix + ".c3d", events: prefix + "_events.csv", truth: prefix + "_truth.json")
        var recording = simulated.recording
        recording.path = paths.c3d
        var files = [(path: String, contents: Data)]()
        if format != .c3d {
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
        if format != .csv {
            // A C3D EVENT group holds at most 255 events; longer recordings keep theirs in the events CSV only.
            if recording.events.count > 255 {
                recording.events = []
                FileHandle.standardError.write(Data(("synergy: note: \(simulated.events.cycleCount) strides are more than a "
                    + "C3D EVENT group holds; \(paths.c3d) has no events (use \(paths.events))\n").utf8))
            }
            files.append((paths.c3d, try C3DFile.encode(recording, samplesPerFrame: perFrame)))
        }
        let truth = Truth(
            toolVersion: SynergyAnalysis.toolVersion, settings: simulated.settings, muscles: recording.channelNames,
            synergies: (0..<simulated.weights.columns).map {
                .init(weights: simulated.weights.column($0), phase: simulated.phases[$0])
            },
            touchdowns: simulated.events.touchdowns, liftoffs: liftoffs,
            files: (files.map(\.path) + [paths.events]).map { ($0 as NSString).lastPathComponent })
        return files + [(paths.events, Data(events.utf8)), (paths.truth, try Self.json(truth))]
    }
}
