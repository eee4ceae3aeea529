import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as BTS .emt tracks (`FuzzOracle.readLabRecording`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBTS(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = FuzzOracle.bytes(start, count)
    FuzzOracle.readLabRecording(bytes, format: .btsEMT)
    return 0
}
