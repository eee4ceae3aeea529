import Foundation
import FuzzSupport
import SynergyKit

/// A fixed 8 s, 1 kHz, two-channel recording the fuzzed events cut into cycles.
private let recording: EMGRecording = {
    let samples = 8000
    let channels = [1.0, 2.0].map { channel -> [Double] in
        (0..<samples).map { sample -> Double in
            let t = Double(sample)
            return sin(t * channel * 0.37) + 0.5 * sin(t * channel * 0.011)
        }
    }
    return EMGRecording(path: "recording", sha256: "", channelNames: ["TA", "SO"], sampleRate: 1000, startTime: 0,
                        channels: channels, events: [])
}()

/// The bytes as a cycles CSV, checked against the recording, which is then
/// preprocessed by the santuz protocol (stance and swing resampled) and by
/// 200 points per whole cycle.
func fuzzEvents(_ bytes: [UInt8]) {
    let data = Data(bytes)
    FuzzOracle.expectInputErrorOrSuccess {
        let events = try GaitEventsCSV.parse(data, path: FuzzOracle.path)
        if let problem = events.problem(start: recording.startTime, end: recording.endTime) {
            throw InputError(file: FuzzOracle.path, problem)
        }
        var settings = SynergyProtocol.santuz.preprocessing.resolved(sampleRate: recording.sampleRate)
        for points in [[100, 100], [200]] {
            settings.cycles?.pointsPerPhase = points
            do {
                _ = try Preprocessor.envelope(recording, events: events, settings: settings)
            } catch let error as SignalError {
                throw InputError(file: FuzzOracle.path, error.problem)
            }
        }
    }
}
