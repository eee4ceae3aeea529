import FuzzSupport
import SynergyKit

/// The bytes as a C3D file, then its events as gait events of either side,
/// checked against the recording's span.
func fuzzC3D(_ bytes: [UInt8]) {
    FuzzOracle.expectInputErrorOrSuccess {
        let recording = try C3DFile.parse(bytes, path: FuzzOracle.path).recording
        for context in [nil, "Right", "Left"] {
            FuzzOracle.expectInputErrorOrSuccess {
                _ = try GaitEventsSource.parse(context.map { "c3d:\($0)" } ?? "c3d").events(for: recording)
            }
        }
    }
}
