import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as EDF and BDF (`FuzzOracle.readLabRecording`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEDF(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = FuzzOracle.bytes(start, count)
    FuzzOracle.readLabRecording(bytes, format: .edf)
    FuzzOracle.readLabRecording(bytes, format: .bdf)
    return 0
}
