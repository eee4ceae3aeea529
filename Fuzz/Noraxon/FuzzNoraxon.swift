import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as Noraxon CSV (`FuzzOracle.readLabRecording`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNoraxon(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = FuzzOracle.bytes(start, count)
    FuzzOracle.readLabRecording(bytes, format: .noraxonCSV)
    return 0
}
