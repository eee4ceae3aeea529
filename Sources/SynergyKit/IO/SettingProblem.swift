import Foundation

/// An input that does not fit a setting of the analysis (the events, the
/// channels to keep or rename, the sample rate, the ranks, …), as facts: an
/// `InputError` holds one when its problem is of this kind, so that a caller
/// can word it in the terms of its own options (the command line names its
/// flags). `description` words it in the library's terms.
public enum SettingProblem: Equatable, Sendable, CustomStringConvertible {
    // Gait events
    /// The protocol cuts the signal into gait cycles and no gait events were given.
    case gaitEventsNeeded(side: ComparisonSide?)
    /// The recording has no events at all, so none labelled `touchdown`.
    case noRecordingEvents(touchdown: String)
    /// The recording's `touchdown` events lie in several contexts and none was chosen.
    case eventContextNeeded(touchdown: String, contexts: [String], format: RecordingFormat)
    /// Cycles cut into stance and swing need lift-offs, and the events have none.
    case liftoffsNeeded
    /// Dropping the first and last cycle leaves none of these.
    case noCyclesLeft(cycles: Int)

    // Channels
    /// A channel to rename is not in the file.
    case renamedChannelMissing(name: String, channels: [String])
    /// Renaming would give two channels this name.
    case renamedChannelsCollide(name: String)
    /// The channels to keep name this one twice.
    case muscleNamedTwice(name: String)
    /// The format marks channels as EMG or not, none is EMG, and no channels were named.
    case noEMGChannels(channels: [String])
    /// The chosen channels have different rates and no common rate was given.
    case mixedSampleRates([RateGroup])
    /// A recording pooled for amplitude normalisation has other channels than the session's.
    case normalisationChannelsDiffer(channels: [String], session: String, sessionChannels: [String])

    // Sample rate and format
    /// A sample rate was given for a format whose rates are in the file.
    case sampleRateNotApplicable(format: RecordingFormat)
    /// The time column's rate differs from the one given.
    case sampleRateDisagrees(timeColumn: Double, given: Double)
    /// A CSV without a time column, and no sample rate given.
    case sampleRateNeeded(firstHeader: String)
    /// The file was read as EDF (BDF) and is a BDF (EDF) file.
    case otherEDFVariant(readAs: RecordingFormat, firstBytes: String, actual: RecordingFormat)

    // Ranks (`SynergyAnalysis.highestRank`)
    /// The rank to report is more than the muscles (of the session, or compared).
    case rankAboveMuscles(rank: Int, muscles: Int, side: ComparisonSide?)
    /// The highest rank of the sweep is more than the muscles.
    case maxRankAboveMuscles(maxRank: Int, muscles: Int, side: ComparisonSide?)
    /// The rank to report is above the highest rank of the sweep.
    case rankAboveMaxRank(rank: Int, maxRank: Int, side: ComparisonSide?)
    /// Curve linearity needs at least 3 ranks; the sweep reaches `highest`,
    /// the maximum given when `maxRankGiven`, else the protocol's rule for `muscles`.
    case sweepTooShortForLinearity(highest: Int, muscles: Int, maxRankGiven: Bool, side: ComparisonSide?)
    /// A synergy report holds one rank; another needs the recording.
    case rankNeedsRecording(heldRank: Int, rank: Int, side: ComparisonSide)

    // Comparison
    /// Strict comparison: the two sessions' muscles differ.
    case musclesDiffer(from: String, onlyInA: [String], onlyInB: [String])
    /// A muscle is silent in this session: its envelope varies `share` as much,
    /// relative to the other muscles, as in `other`, below `silenceRatio`.
    case silentMuscle(muscle: String, share: Double, other: String, silenceRatio: Double)

    // Factorisation
    /// A fit did not stay finite; the other update rule or a rescaled envelope may.
    case fitNotFinite(rank: Int, algorithm: UpdateRule, minimum: Double, maximum: Double)

    /// Channels sharing one rate.
    public struct RateGroup: Equatable, Sendable, CustomStringConvertible {
        /// Samples per second, Hz.
        public var rate: Double
        /// The channels at that rate, in file order.
        public var channels: [String]

        /// The channels `channels` at `rate` Hz.
        public init(rate: Double, channels: [String]) {
            self.rate = rate
            self.channels = channels
        }

        /// "1259.259259 Hz (A, B)".
        public var description: String { "\(LabRecording.hertz(rate)) (\(channels.joined(separator: ", ")))" }
    }

    /// Names as a message lists them: the first 40, then how many in all.
    public static func nameList(_ names: [String]) -> String {
        names.prefix(40).joined(separator: ", ") + (names.count > 40 ? ", … (\(names.count) in all)" : "")
    }

    /// The two muscle lists of `musclesDiffer`: "only in A: …; only in B: …".
    public static func differing(onlyInA: [String], onlyInB: [String]) -> String {
        [onlyInA.isEmpty ? nil : "only in A: " + onlyInA.joined(separator: ", "),
         onlyInB.isEmpty ? nil : "only in B: " + onlyInB.joined(separator: ", ")]
            .compactMap { $0 }.joined(separator: "; ")
    }

    public var description: String {
        switch self {
        case .gaitEventsNeeded(let side):
            "the protocol cuts the signal into gait cycles; it needs the gait events (touchdown and lift-off times)"
                + (side.map { " of session \($0.rawValue)" } ?? "")
        case .noRecordingEvents(let touchdown):
            "no '\(touchdown)' events in the file (it has no events; give the gait events as a CSV file)"
        case .eventContextNeeded(let touchdown, let contexts, _):
            "'\(touchdown)' events in several contexts (\(contexts.joined(separator: ", "))); choose one of them"
        case .liftoffsNeeded:
            "the events have no lift-offs, which resampling stance and swing separately needs "
                + "(or resample whole cycles to one number of points)"
        case .noCyclesLeft(let cycles):
            "\(cycles) gait cycle(s) leave none once the first and last are dropped"
        case .renamedChannelMissing(let name, let channels):
            "no channel named '\(name)' to rename (channels: \(Self.nameList(channels)))"
        case .renamedChannelsCollide(let name):
            "renaming would name two channels '\(name)'"
        case .muscleNamedTwice(let name):
            "the muscles to keep name '\(name)' twice"
        case .noEMGChannels(let channels):
            "has no EMG channels (channels: \(Self.nameList(channels))); name the ones to use"
        case .mixedSampleRates(let groups):
            "the EMG channels have different sample rates: \(groups.map(\.description).joined(separator: "; ")); "
                + "resample them to one rate, or choose channels of one rate"
        case .normalisationChannelsDiffer(let channels, let session, let sessionChannels):
            "its channels (\(channels.joined(separator: ", "))) differ from \(session)'s "
                + "(\(sessionChannels.joined(separator: ", "))), so their amplitudes cannot be pooled"
        case .sampleRateNotApplicable(let format):
            "a sample rate applies to CSV files only (this is a \(format.title) file, whose rates are in the file)"
        case .sampleRateDisagrees(let timeColumn, let given):
            String(format: "the time column gives %.6g Hz but the sample rate given is %.6g Hz", timeColumn, given)
        case .sampleRateNeeded(let firstHeader):
            "no time column (the first header is '\(firstHeader)'); name it 'time' (seconds) or give the sample rate"
        case .otherEDFVariant(let readAs, let firstBytes, let actual):
            "is not an \(readAs.rawValue.uppercased()) file: its first 8 bytes are '\(firstBytes)' "
                + "(it is \(actual == .edf ? "an" : "a") \(actual.rawValue.uppercased()) file)"
        case .rankAboveMuscles(let rank, let muscles, let side):
            "rank \(rank)\(Self.of(side)) is more than \(Self.muscles(muscles, side))"
        case .maxRankAboveMuscles(let maxRank, let muscles, let side):
            "the highest rank \(maxRank)\(Self.of(side)) is more than \(Self.muscles(muscles, side))"
        case .rankAboveMaxRank(let rank, let maxRank, let side):
            "rank \(rank)\(Self.of(side)) is above the highest rank \(maxRank)"
        case .sweepTooShortForLinearity(let highest, _, _, _):
            "curve linearity needs a sweep of at least 3 ranks (max rank is \(highest))"
        case .rankNeedsRecording(let heldRank, let rank, _):
            "holds synergies at rank \(heldRank) only; rank \(rank) needs the recording"
        case .musclesDiffer(let from, let onlyInA, let onlyInB):
            "its muscles differ from \(from)'s (\(Self.differing(onlyInA: onlyInA, onlyInB: onlyInB)))"
        case .silentMuscle(let muscle, let share, let other, let silenceRatio):
            "muscle '\(muscle)' is silent: relative to the other muscles its envelope varies "
                + "\(String(format: "%.2g", share * 100)) % as much as in \(other) (below the silence ratio "
                + "\(silenceRatio)); leave it out of both sessions, or compare it anyway with no silence check"
        case .fitNotFinite(let rank, let algorithm, let minimum, let maximum):
            "rank \(rank): the \(algorithm.rawValue) fit did not stay finite (the envelope's values span "
                + "\(minimum)…\(maximum)); try the multiplicative updates or rescale the envelope"
        }
    }

    private static func of(_ side: ComparisonSide?) -> String { side.map { " of session \($0.rawValue)" } ?? "" }

    private static func muscles(_ count: Int, _ side: ComparisonSide?) -> String {
        side == nil ? "its \(count) muscles" : "the \(count) muscles compared"
    }
}

/// One of the two sessions of a comparison: A the earlier, B the later.
public enum ComparisonSide: String, Sendable, CaseIterable {
    case a = "A"
    case b = "B"
}
