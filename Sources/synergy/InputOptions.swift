import ArgumentParser
import Foundation
import SynergyKit

/// How a recording is read and turned into an envelope: the options every
/// command that takes recordings shares (`compare` applies them to both sides).
struct PreprocessingOptions: ParsableArguments {
    @Option(help: "What the file holds: raw (EMG, preprocessed by the protocol) or envelope (already preprocessed).")
    var input: SessionInput.Kind = .raw

    @Option(name: .customLong("protocol"),
            help: "cheung2020 or santuz; each option below defaults to the protocol's value.")
    var protocolName: SynergyProtocol.Name = .cheung2020

    @Option(help: ArgumentHelp("The recording's format, when detection from its content should be overruled: "
                               + "csv, c3d, delsys_emgworks, delsys_discover, nexus_csv, noraxon_csv, edf, bdf, bts_emt.",
                               valueName: "name"))
    var format: RecordingFormat?

    @Option(help: "Sample rate in Hz of a raw CSV without a time column.")
    var sampleRate: Double?

    @Option(help: ArgumentHelp("Bring every channel to this rate (polyphase resampling with an anti-aliasing filter, "
                               + "as scipy.signal.resample_poly); needed when the EMG channels differ in rate.",
                               valueName: "hz"))
    var resample: Double?

    @Option(help: ArgumentHelp("Channels to use, in order, by name (case-insensitive), e.g. TA,MG,SOL.",
                               valueName: "names"))
    var muscles: String?

    @Option(help: ArgumentHelp("Rename a channel (repeatable), e.g. --rename 'Delt_ant.EMG1=DELT'.",
                               valueName: "old=new"))
    var rename: [String] = []

    @Option(help: "With the file's own events: the label of touchdown events.")
    var touchdownLabel = "Foot Strike"

    @Option(help: "With the file's own events: the label of lift-off events.")
    var liftoffLabel = "Foot Off"

    @Option(help: "Filter design for both filters: fir (cheung2020) or butterworth (santuz).")
    var filter: FilterStep.Design?

    @Option(help: "High-pass cutoff in Hz (both protocols: 50); 0 turns it off.")
    var highPass: Double?

    @Option(help: "Low-pass cutoff in Hz after rectification (both protocols: 20); 0 turns it off.")
    var lowPass: Double?

    @Option(help: "Butterworth order of each pass (santuz: 4).")
    var filterOrder: Int?

    @Option(help: "FIR length in taps, odd (default: 0.1 s of samples, e.g. 101 at 1000 Hz).")
    var firTaps: Int?

    @Option(help: "Zero-phase edge handling: odd (SciPy filtfilt, cheung2020) or zero_tail (R signal::filtfilt, santuz).")
    var edgePadding: EdgePadding?

    @Option(help: "Bin width in milliseconds for averaging (cheung2020: 20); 0 keeps every sample.")
    var binWidth: Double?

    @Option(help: "Resample each gait cycle to N points (santuz: stance and swing 100 each, with lift-offs).")
    var pointsPerCycle: Int?

    @Option(help: "Amplitude normalisation: unit_variance (cheung2020), trial_maximum (santuz) or none.")
    var normalise: NormaliseArgument?

    func validate() throws {
        if let normalise, normalise.amplitude == nil {
            throw ValidationError("--normalise \(normalise.rawValue) was renamed: use --session-scale \(normalise.rawValue) "
                                  + "(compare); --normalise takes unit_variance, trial_maximum or none")
        }
        if let sampleRate, !(sampleRate > 0 && sampleRate.isFinite) { throw ValidationError("--sample-rate must be positive") }
        if let resample, !(resample > 0 && resample.isFinite) { throw ValidationError("--resample must be positive") }
        for (flag, value) in [("--high-pass", highPass), ("--low-pass", lowPass), ("--bin-width", binWidth)] {
            if let value, !(value >= 0 && value.isFinite) { throw ValidationError("\(flag) must be 0 or positive") }
        }
        if let filterOrder, !(1...20).contains(filterOrder) { throw ValidationError("--filter-order must be 1 to 20") }
        if let firTaps, firTaps < 3 || firTaps % 2 == 0 { throw ValidationError("--fir-taps must be odd and at least 3") }
        if let pointsPerCycle, pointsPerCycle < 2 { throw ValidationError("--points-per-cycle must be at least 2") }
        _ = try parsedRenames()
    }

    /// Fails when options that only apply to raw recordings come with `--input envelope`;
    /// `others` names the caller's own raw-only options that were given.
    func checkRawOnly(others: [String]) throws {
        guard input == .envelope else { return }
        var given = others
        if sampleRate != nil { given.append("--sample-rate") }
        if format != nil { given.append("--format") }
        if resample != nil { given.append("--resample") }
        if !rename.isEmpty { given.append("--rename") }
        if filter != nil || highPass != nil || lowPass != nil || filterOrder != nil || firTaps != nil || edgePadding != nil {
            given.append("filter options")
        }
        if binWidth != nil || pointsPerCycle != nil { given.append("envelope options") }
        if normalise != nil { given.append("--normalise") }
        if !given.isEmpty {
            throw ValidationError("\(given.joined(separator: ", ")) apply to raw recordings, not to --input envelope")
        }
    }

    private func parsedRenames() throws -> [(old: String, new: String)] {
        try rename.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--rename takes old=new, not '\(pair)'")
            }
            return (parts[0], parts[1])
        }
    }

    /// The protocol's preprocessing with the options above applied.
    func preprocessing(_ base: PreprocessingSettings) -> PreprocessingSettings {
        var settings = base
        func step(_ existing: FilterStep?, cutoff: Double?) -> FilterStep? {
            if cutoff == 0 { return nil }
            let template = existing ?? base.highPass ?? base.lowPass ?? FilterStep(design: .fir, cutoff: 0)
            guard var step = existing ?? cutoff.map({ FilterStep(design: template.design, cutoff: $0, order: template.order) })
            else { return nil }
            if let cutoff { step.cutoff = cutoff }
            if let filter {
                step.design = filter
                if filter == .butterworth, step.order == nil { step.order = 4 }
            }
            if let filterOrder { step.order = filterOrder }
            if let firTaps { step.taps = firTaps }
            return step
        }
        settings.highPass = step(base.highPass, cutoff: highPass)
        settings.lowPass = step(base.lowPass, cutoff: lowPass)
        if let edgePadding { settings.edgePadding = edgePadding }
        if let binWidth { settings.binWidth = binWidth == 0 ? nil : binWidth / 1000 }
        if let amplitude = normalise?.amplitude { settings.amplitude = amplitude }
        if let pointsPerCycle {
            settings.cycles = CycleSettings(pointsPerPhase: [pointsPerCycle],
                                            dropFirstAndLast: base.cycles?.dropFirstAndLast ?? true)
        }
        return settings
    }

    /// The protocol of `--protocol` with these options' preprocessing and, when given, `solver`'s and
    /// `rank`'s options applied: the protocol of every command.
    func synergyProtocol(solver: SolverOptions? = nil, rank: RankOptions? = nil) -> SynergyProtocol {
        var chosen = SynergyProtocol.named(protocolName)
        if let solver { chosen = solver.applied(to: chosen) }
        chosen.preprocessing = preprocessing(chosen.preprocessing)
        if let rank { chosen.criterion = rank.criterion(chosen.criterion) }
        return chosen
    }

    /// A session input for `path` with these options and `events` (a source as --events takes it).
    func sessionInput(path: String, events: String?) -> SessionInput {
        var session = SessionInput(path: path, kind: input)
        session.sampleRate = sampleRate
        session.format = format
        session.resampleTo = resample
        session.muscles = muscles.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        session.renames = (try? parsedRenames()) ?? []
        session.events = events.map { GaitEventsSource.parse($0, touchdown: touchdownLabel, liftoff: liftoffLabel) }
        return session
    }
}

/// How a session's file is read and preprocessed: the options shared by every
/// command that takes one recording.
struct InputOptions: ParsableArguments {
    @Argument(help: "The recording: raw EMG as CSV/TSV/TXT or C3D (or, with --input envelope, an envelope CSV).")
    var file: String

    @OptionGroup var preprocessingOptions: PreprocessingOptions

    @Option(help: ArgumentHelp("Gait events: a CSV of touchdown (and lift-off) times in seconds, or the file's own "
                               + "'Foot Strike'/'Foot Off' events: c3d, nexus, edf, bdf or file, each with an optional "
                               + ":CONTEXT (e.g. c3d:Right).", valueName: "source"))
    var events: String?

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Other recordings of the same subject: each muscle gets one amplitude scale over all of "
                               + "them (pooled maximum or standard deviation), so sessions compare on one scale.",
                               valueName: "files"))
    var normaliseAcross: [String] = []

    func validate() throws {
        var given = [String]()
        if events != nil { given.append("--events") }
        if !normaliseAcross.isEmpty { given.append("--normalise-across") }
        try preprocessingOptions.checkRawOnly(others: given)
    }

    var input: SessionInput.Kind { preprocessingOptions.input }

    /// The session input these options describe.
    var sessionInput: SessionInput {
        var session = preprocessingOptions.sessionInput(path: file, events: events)
        session.normaliseAcross = normaliseAcross
        return session
    }
}

extension SessionInput.Kind: ExpressibleByArgument {}
extension RecordingFormat: ExpressibleByArgument {}
extension FilterStep.Design: ExpressibleByArgument {}
extension EdgePadding: ExpressibleByArgument {}

/// `--normalise`: an amplitude normalisation, or one of compare's old session-scale
/// words (renamed 2026-12 to `--session-scale`), which parse only to be refused
/// with a message naming the new flag.
enum NormaliseArgument: String, ExpressibleByArgument, CaseIterable {
    case unitVariance = "unit_variance"
    case trialMaximum = "trial_maximum"
    case none
    case perSession = "per-session"
    case shared

    /// The normalisation; nil for the renamed session-scale words.
    var amplitude: AmplitudeNormalisation? { AmplitudeNormalisation(rawValue: rawValue) }

    /// The values help and completion offer: the amplitude normalisations only.
    static var allValueStrings: [String] { allCases.filter { $0.amplitude != nil }.map(\.rawValue) }
}
