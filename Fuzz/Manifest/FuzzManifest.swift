import Foundation
import FuzzSupport
import SynergyKit

/// libFuzzer entry point: the bytes as a study manifest (files not checked).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let text = String(data: Data(FuzzOracle.bytes(start, count)), encoding: .utf8) else { return 0 }
    FuzzOracle.expectInputErrorOrSuccess {
        let manifest = try StudyManifest.parse(text, path: FuzzOracle.path)
        for entry in manifest.entries { _ = manifest.resolve(entry.path) }
    }
    return 0
}
