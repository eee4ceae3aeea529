import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as Vicon Nexus CSV (`FuzzOracle.readLabRecording`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNexus(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = FuzzOracle.bytes(start, count)
    FuzzOracle.readLabRecording(bytes, format: .nexusCSV)
    return 0
}
