import XCTest
@testable import SynergyKit

/// The preprocessing chain takes each channel through every step in one task
/// and keeps only its binned result (to bound memory on long recordings). It
/// gives bit for bit what the steps give applied one after another to whole
/// channels, for both protocols' chains.
final class ChannelAtATimeTests: XCTestCase {
    private func recording() -> SyntheticRecording {
        var settings = SimulationSettings()
        (settings.muscles, settings.synergies, settings.sampleRate, settings.duration) = (6, 3, 1000, 12)
        return SyntheticRecording(settings)
    }

    /// Demean → high-pass → rectify → low-pass over every channel, then the floor
    /// over every channel, then the minimum, then bins: the chain written out step by step.
    private func stepByStep(_ recording: EMGRecording, _ settings: PreprocessingSettings) throws -> [[Double]] {
        let highPass = try settings.highPass!.zeroPhase(highPass: true, sampleRate: recording.sampleRate,
                                                        padding: settings.edgePadding)
        let lowPass = try settings.lowPass!.zeroPhase(highPass: false, sampleRate: recording.sampleRate,
                                                      padding: settings.edgePadding)
        var channels = recording.channels
        if settings.demean { for c in channels.indices { EnvelopeSteps.demean(&channels[c]) } }
        channels = try channels.map { try highPass($0) }
        for c in channels.indices { EnvelopeSteps.rectify(&channels[c]) }
        channels = try channels.map { try lowPass($0) }
        switch settings.floor {
        case .zero:
            for c in channels.indices { for i in channels[c].indices where channels[c][i] < 0 { channels[c][i] = 0 } }
        case .smallestPositive:
            let smallest = channels.compactMap { $0.filter { $0 > 0 }.min() }.min()!
            for c in channels.indices { for i in channels[c].indices where channels[c][i] <= 0 { channels[c][i] = smallest } }
        }
        if settings.subtractMinimum { for c in channels.indices { EnvelopeSteps.subtractMinimum(&channels[c]) } }
        guard let width = settings.binWidth else { return channels }
        let starts = EnvelopeSteps.binStarts(count: recording.sampleCount, sampleRate: recording.sampleRate, width: width)
        return channels.map { EnvelopeSteps.binMeans($0, starts: starts) }
    }

    func testEachChannelThroughTheWholeChainEqualsTheStepsOverWholeChannels() throws {
        let simulated = recording()
        var santuzBinned = SynergyProtocol.santuz.preprocessing
        santuzBinned.binWidth = 0.01
        for (name, settings) in [("cheung2020", SynergyProtocol.cheung2020.preprocessing),
                                 ("santuz", SynergyProtocol.santuz.preprocessing), ("santuz, 10 ms bins", santuzBinned)] {
            let resolved = settings.resolved(sampleRate: simulated.recording.sampleRate)
            let streamed = try Preprocessor.continuousEnvelope(simulated.recording, settings: resolved)
            XCTAssertEqual(streamed.channels, try stepByStep(simulated.recording, resolved), name)
        }
    }
}
