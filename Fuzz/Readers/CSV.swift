import Foundation
import FuzzSupport
import SynergyKit

/// The bytes as a raw EMG CSV (the rate from a time column, then given as
/// 1 kHz) and as an envelope CSV.
func fuzzCSV(_ bytes: [UInt8]) {
    let data = Data(bytes)
    FuzzOracle.expectInputErrorOrSuccess { _ = try RawEMGCSV.parse(data, path: FuzzOracle.path) }
    FuzzOracle.expectInputErrorOrSuccess {
        _ = try RawEMGCSV.parse(data, path: FuzzOracle.path, options: .init(sampleRate: 1000))
    }
    FuzzOracle.expectInputErrorOrSuccess { _ = try EnvelopeCSV.parse(data, path: FuzzOracle.path) }
}
