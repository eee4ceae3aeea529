import SynergyKit
import XCTest

/// The library words its setting problems in its own terms: no command-line flag.
final class SettingProblemTests: XCTestCase {
    func testDescriptionsNameNoFlag() {
        let problems: [SettingProblem] = [
            .gaitEventsNeeded(side: nil), .gaitEventsNeeded(side: .b), .noRecordingEvents(touchdown: "Foot Strike"),
            .eventContextNeeded(touchdown: "Foot Strike", contexts: ["Left", "Right"], format: .c3d),
            .liftoffsNeeded, .noCyclesLeft(cycles: 2),
            .renamedChannelMissing(name: "X", channels: ["TA", "MG"]), .renamedChannelsCollide(name: "TA"),
            .muscleNamedTwice(name: "TA"), .noEMGChannels(channels: ["ACC"]),
            .mixedSampleRates([.init(rate: 1000, channels: ["TA"]), .init(rate: 2000, channels: ["MG"])]),
            .normalisationChannelsDiffer(channels: ["TA"], session: "a.csv", sessionChannels: ["TA", "MG"]),
            .sampleRateNotApplicable(format: .c3d), .sampleRateDisagrees(timeColumn: 1000, given: 2000),
            .sampleRateNeeded(firstHeader: "TA"), .otherEDFVariant(readAs: .bdf, firstBytes: "0       ", actual: .edf),
            .rankAboveMuscles(rank: 12, muscles: 10, side: .a), .maxRankAboveMuscles(maxRank: 12, muscles: 10, side: nil),
            .rankAboveMaxRank(rank: 4, maxRank: 3, side: .b),
            .sweepTooShortForLinearity(highest: 2, muscles: 2, maxRankGiven: false, side: nil),
            .rankNeedsRecording(heldRank: 4, rank: 3, side: .a),
            .musclesDiffer(from: "a.csv", onlyInA: ["RF"], onlyInB: []),
            .silentMuscle(muscle: "EO", share: 0.0002, other: "a.csv", silenceRatio: 0.02),
            .fitNotFinite(rank: 3, algorithm: .hals, minimum: 0, maximum: 1e300),
        ]
        for problem in problems {
            XCTAssertFalse(problem.description.contains("--"), problem.description)
        }
        XCTAssertEqual(SettingProblem.otherEDFVariant(readAs: .bdf, firstBytes: "0       ", actual: .edf).description,
                       "is not an BDF file: its first 8 bytes are '0       ' (it is an EDF file)")
        XCTAssertEqual(InputError(file: "a.csv", .rankAboveMaxRank(rank: 4, maxRank: 3, side: .b)).description,
                       "a.csv: rank 4 of session B is above the highest rank 3")
    }

    /// A signal step's setting problem survives its file being named.
    func testSignalErrorKeepsItsFacts() {
        let error = InputError(file: "a.csv", SignalError(.gaitEventsNeeded(side: nil)))
        XCTAssertEqual(error.setting, .gaitEventsNeeded(side: nil))
        XCTAssertEqual(error.problem, SettingProblem.gaitEventsNeeded(side: nil).description)
    }
}
