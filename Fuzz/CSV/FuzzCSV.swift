import Foundation
import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as a raw EMG CSV (the rate from a time
/// column, then given as 1 kHz) and as an envelope CSV.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(FuzzOracle.bytes(start, count))
    FuzzOracle.expectInputErrorOrSuccess { _ = try RawEMGCSV.parse(data, path: FuzzOracle.path) }
    FuzzOracle.expectInputErrorOrSuccess {
        _ = try RawEMGCSV.parse(data, path: FuzzOracle.path, options: .init(sampleRate: 1000))
    }
    if let text = String(data: data, encoding: .utf8) {
        FuzzOracle.expectInputErrorOrSuccess { _ = try EnvelopeCSV.parse(text, path: FuzzOracle.path) }
    }
    return 0
}
