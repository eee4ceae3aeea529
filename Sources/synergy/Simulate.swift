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
    var format: SimulationFiles.Format?

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

    func run() throws {
        if study {
            let simulated = SyntheticStudy(studySettings)
            let paths = try SimulationFiles.writeStudy(simulated, folder: output, format: format ?? .c3d)
            print("synergy simulate: \(simulated.sessions.count) sessions of \(studySettings.groups * subjects) subjects in "
                  + "\(groups) groups; planted: synergies \(simulated.mergedSynergies.map { "\($0 + 1)" }.joined(separator: " and ")) "
                  + "merged in the trained groups from week\(studySettings.weeksBetween) on")
            print("Wrote \(paths.manifest), \(paths.truth) and \(simulated.sessions.count) recordings")
            return
        }
        guard trainingChange else {
            let simulated = SyntheticRecording(settings)
            let written = try write(SimulationFiles.recording(simulated, prefix: output, format: format ?? .both))
            print("synergy simulate: \(describe(simulated))")
            print("Wrote " + written.joined(separator: ", "))
            return
        }
        let pair = SyntheticTrainingPair(settings)
        let written = try write(SimulationFiles.trainingPair(pair, prefix: output, format: format ?? .both))
        print("synergy simulate: novice \(describe(pair.novice))")
        print("                  trained \(describe(pair.trained))")
        print("planted: novice synergy \(pair.fractionated.novice + 1) fractionated into trained "
              + pair.fractionated.trained.map { "\($0 + 1)" }.joined(separator: " and ") + "; novice "
              + pair.merged.novice.map { "\($0 + 1)" }.joined(separator: " and ")
              + " merged into trained \(pair.merged.trained + 1); the rest kept")
        print("Wrote " + written.joined(separator: ", "))
    }

    /// Notes the output's notes on standard error, then writes its files (all or nothing); their paths.
    private func write(_ simulated: SimulationFiles.Output) throws -> [String] {
        for note in simulated.notes { FileHandle.standardError.write(Data("synergy: note: \(note)\n".utf8)) }
        try OutputFiles.write(simulated.files)
        return simulated.files.map(\.path)
    }

    private func describe(_ simulated: SyntheticRecording) -> String {
        "\(simulated.recording.channels.count) muscles × \(simulated.recording.sampleCount) samples at "
            + "\(simulated.recording.sampleRate) Hz, \(simulated.weights.columns) planted synergies, "
            + "\(simulated.events.cycleCount) strides, seed \(simulated.settings.seed)"
    }
}

extension SimulationFiles.Format: ExpressibleByArgument {}
