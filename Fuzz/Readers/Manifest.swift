import Foundation
import FuzzSupport
import SynergyKit

/// The bytes as a study manifest (files not checked).
func fuzzManifest(_ bytes: [UInt8]) {
    guard let text = String(data: Data(bytes), encoding: .utf8) else { return }
    FuzzOracle.expectInputErrorOrSuccess {
        let manifest = try StudyManifest.parse(text, path: FuzzOracle.path)
        for entry in manifest.entries { _ = manifest.resolve(entry.path) }
    }
}
