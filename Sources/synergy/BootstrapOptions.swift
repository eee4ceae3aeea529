import ArgumentParser
import Foundation
import SynergyKit

/// `--bootstrap N` and `--bootstrap-block SECONDS`: the options of every command
/// that can resample its sessions (count, extract, compare, batch).
struct BootstrapOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Resample each session N times and refit each resample by the protocol's rules: count "
                               + "interval, R² intervals, each synergy's stability and (compare) each instance's "
                               + "support. 0 (the default) is off.", valueName: "N"))
    var bootstrap = 0

    @Option(help: ArgumentHelp("With --bootstrap and no gait cycles known: resample in blocks of this many seconds "
                               + "of the envelope (1).", valueName: "seconds"))
    var bootstrapBlock: Double?

    func validate() throws {
        if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 (off) or a number of resamples") }
        if let bootstrapBlock {
            guard bootstrapBlock > 0, bootstrapBlock.isFinite else {
                throw ValidationError("--bootstrap-block must be a positive number of seconds")
            }
            if bootstrap == 0 { throw ValidationError("--bootstrap-block goes with --bootstrap N") }
        }
    }

    /// The plan, or nil when off.
    var plan: BootstrapPlan? {
        bootstrap > 0 ? BootstrapPlan(resamples: bootstrap, blockSeconds: bootstrapBlock ?? 1) : nil
    }
}
