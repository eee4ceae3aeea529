import Foundation
import FuzzSupport
import SynergyKit

/// The readers' fuzz targets, one binary: `SYNERGY_FUZZ_TARGET` chooses the
/// reader the bytes go to (Scripts/fuzz.sh sets it), so one sanitizer build
/// serves every target.
let targets: [String: @Sendable ([UInt8]) -> Void] = [
    "csv": fuzzCSV,
    "c3d": fuzzC3D,
    "events": fuzzEvents,
    "manifest": fuzzManifest,
    "delsys": { FuzzOracle.readLabRecording($0, formats: [.delsysEMGworks, .delsysDiscover]) },
    "nexus": { FuzzOracle.readLabRecording($0, formats: [.nexusCSV]) },
    "noraxon": { FuzzOracle.readLabRecording($0, formats: [.noraxonCSV]) },
    "edf": { FuzzOracle.readLabRecording($0, formats: [.edf, .bdf]) },
    "bts": { FuzzOracle.readLabRecording($0, formats: [.btsEMT]) },
]

/// The target named by `SYNERGY_FUZZ_TARGET`, looked up once.
let target: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["SYNERGY_FUZZ_TARGET"] ?? ""
    guard let target = targets[name] else {
        fatalError("set SYNERGY_FUZZ_TARGET to one of \(targets.keys.sorted().joined(separator: ", ")), not '\(name)'")
    }
    return target
}()

/// libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReaders(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    target(FuzzOracle.bytes(start, count))
    return 0
}
