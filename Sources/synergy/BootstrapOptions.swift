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

    /// The units of one session's envelope, the error naming its file.
    static func units(_ envelope: EnvelopeTable, cycles: CycleSettings?, events: GaitEvents?,
                      plan: BootstrapPlan) throws -> ResamplingUnits {
        do {
            return try ResamplingUnits.of(time: envelope.time, cycles: cycles, touchdowns: events?.touchdowns,
                                          blockSeconds: plan.blockSeconds)
        } catch let problem as ResamplingUnits.Problem {
            throw InputError(file: envelope.path, "--bootstrap: " + problem.description
                             + (events == nil && cycles == nil ? " (--bootstrap-block)" : ""))
        }
    }
}
