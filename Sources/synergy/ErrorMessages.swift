import Foundation
import SynergyKit

/// The command line's words for what the library reports as facts: its
/// errors' `SettingProblem`s and its warnings, worded with this tool's flags.
enum ErrorMessages {
    /// The one line an error is reported as: an `InputError` naming its file,
    /// its setting problem worded with flags; an unknown reference group with
    /// its flag; any other error its description.
    static func text(_ error: any Error) -> String {
        if let unknown = error as? StudyAnalysis.UnknownReferenceGroup {
            return InputError(file: unknown.manifest, "--reference-group '\(unknown.name)' is not one of its analysis groups ("
                              + unknown.groups.map { "'\($0)'" }.joined(separator: ", ") + ")").description
        }
        guard let error = error as? InputError else { return "\(error)" }
        guard let setting = error.setting else { return error.description }
        var worded = error
        worded.problem = setting.commandLineText
        return worded.description
    }

    /// `ReportTables.iterationCapWarning`'s facts and how to raise the cap.
    static func iterationCapWarning(_ facts: String) -> String { facts + "; raise --max-iterations" }

    /// The end of `inspect`'s warning on channels of different rates.
    static let mixedRatesAdvice = "analysing them together needs --resample HZ"
}

extension SettingProblem {
    /// The problem worded with the flags that set what it names.
    var commandLineText: String {
        switch self {
        case .gaitEventsNeeded(let side):
            let flag = "--events" + Self.flagSuffix(side)
            return "the protocol cuts the signal into gait cycles; give \(flag) CYCLES.csv (touchdown and lift-off times) "
                + "or \(flag) c3d"
        case .noRecordingEvents(let touchdown):
            return "no '\(touchdown)' events in the file (it has no events; give --events CYCLES.csv)"
        case .eventContextNeeded(let touchdown, let contexts, let format):
            return "'\(touchdown)' events in several contexts (\(contexts.joined(separator: ", "))); "
                + "choose one with --events \(format.eventsWord):CONTEXT"
        case .liftoffsNeeded:
            return "the events have no lift-offs, which resampling stance and swing separately needs "
                + "(or give --points-per-cycle N)"
        case .noCyclesLeft:
            return description
        case .renamedChannelMissing(let name, let channels):
            return "--rename: no channel named '\(name)' (channels: \(Self.nameList(channels)))"
        case .renamedChannelsCollide(let name):
            return "--rename: two channels would be named '\(name)'"
        case .muscleNamedTwice(let name):
            return "--muscles names '\(name)' twice"
        case .noEMGChannels(let channels):
            return "has no EMG channels (channels: \(Self.nameList(channels))); name the ones to use with --muscles"
        case .mixedSampleRates(let groups):
            return "the EMG channels have different sample rates: \(groups.map(\.description).joined(separator: "; ")); "
                + "give --resample HZ to bring them to one, or choose channels with --muscles"
        case .normalisationChannelsDiffer(let channels, let session, let sessionChannels):
            return "--normalise-across: its channels (\(channels.joined(separator: ", "))) "
                + "differ from \(session)'s (\(sessionChannels.joined(separator: ", "))); use --muscles"
        case .sampleRateNotApplicable(let format):
            return "--sample-rate applies to CSV files only (this is a \(format.title) file, whose rates are in the file)"
        case .sampleRateDisagrees(let timeColumn, let given):
            return String(format: "the time column gives %.6g Hz but --sample-rate says %.6g Hz", timeColumn, given)
        case .sampleRateNeeded(let firstHeader):
            return "no time column (the first header is '\(firstHeader)'); name it 'time' (seconds) or give --sample-rate HZ"
        case .otherEDFVariant(let readAs, let firstBytes, let actual):
            return "is not an \(readAs.rawValue.uppercased()) file: its first 8 bytes are '\(firstBytes)' "
                + "(it is \(actual == .edf ? "an" : "a") \(actual.rawValue.uppercased()) file: give --format \(actual.rawValue))"
        case .rankAboveMuscles(let rank, let muscles, let side):
            return "\(Self.rankFlag(side)) \(rank) is more than \(Self.muscles(muscles, side))"
        case .maxRankAboveMuscles(let maxRank, let muscles, let side):
            return "--max-rank \(maxRank) is more than \(Self.muscles(muscles, side))"
        case .rankAboveMaxRank(let rank, let maxRank, let side):
            return "\(Self.rankFlag(side)) \(rank) is above --max-rank \(maxRank)"
        case .sweepTooShortForLinearity(let highest, let muscles, let maxRankGiven, let side):
            guard side != nil else { return "curve linearity needs a sweep of at least 3 ranks (max rank is \(highest))" }
            return "curve linearity needs a sweep of at least 3 ranks; "
                + (maxRankGiven ? "--max-rank is \(highest)" : "\(muscles) muscles compared allow \(highest)")
        case .rankNeedsRecording(let heldRank, let rank, let side):
            return "holds synergies at rank \(heldRank) only; \(Self.rankFlag(side)) \(rank) needs the recording"
        case .musclesDiffer(let from, let onlyInA, let onlyInB):
            return "--strict: its muscles differ from \(from)'s (\(Self.differing(onlyInA: onlyInA, onlyInB: onlyInB)))"
        case .silentMuscle(let muscle, let share, let other, let silenceRatio):
            return "muscle '\(muscle)' is silent: relative to the other muscles its envelope varies "
                + "\(String(format: "%.2g", share * 100)) % as much as in \(other) (below --silent-below \(silenceRatio)); "
                + "leave it out of both with --muscles, or compare it anyway with --silent-below 0"
        case .fitNotFinite(let rank, let algorithm, let minimum, let maximum):
            return "rank \(rank): the \(algorithm.rawValue) fit did not stay finite (the envelope's values span "
                + "\(minimum)…\(maximum)); try --algorithm mu or rescale the envelope"
        }
    }

    /// "-a", "-b", or nothing for a single session.
    private static func flagSuffix(_ side: ComparisonSide?) -> String { side.map { "-" + $0.rawValue.lowercased() } ?? "" }

    /// `extract`'s --rank, `compare`'s --rank-a and --rank-b.
    private static func rankFlag(_ side: ComparisonSide?) -> String { "--rank" + flagSuffix(side) }

    private static func muscles(_ count: Int, _ side: ComparisonSide?) -> String {
        side == nil ? "its \(count) muscles" : "the \(count) muscles compared"
    }
}

extension RecordingFormat {
    /// The --events word for this format's own events.
    var eventsWord: String {
        switch self {
        case .c3d: "c3d"
        case .nexusCSV: "nexus"
        case .edf: "edf"
        case .bdf: "bdf"
        default: "file"
        }
    }
}
