import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as a C3D file, then its events as gait
/// events of either side, checked against the recording's span.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzC3D(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = FuzzOracle.bytes(start, count)
    FuzzOracle.expectInputErrorOrSuccess {
        let recording = try C3DFile.parse(bytes, path: FuzzOracle.path).recording
        for context in [nil, "Right", "Left"] {
            FuzzOracle.expectInputErrorOrSuccess {
                _ = try GaitEventsSource.parse(context.map { "c3d:\($0)" } ?? "c3d").events(for: recording)
            }
        }
    }
    return 0
}
