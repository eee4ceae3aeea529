import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as Delsys EMGworks and Trigno Discover CSV (`FuzzOracle.readLabRecording`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDelsys(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = FuzzOracle.bytes(start, count)
    FuzzOracle.readLabRecording(bytes, format: .delsysEMGworks)
    FuzzOracle.readLabRecording(bytes, format: .delsysDiscover)
    return 0
}
