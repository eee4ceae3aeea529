import ArgumentParser
import SynergyKit

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract synergies at one rank: W (muscle weights) and C (activations).")

    @OptionGroup var session: SessionOptions

    @Option(help: "The number of synergies to extract (1 … number of muscles).")
    var rank: Int

    func validate() throws {
        if rank < 1 { throw ValidationError("--rank must be at least 1") }
    }

    func run() throws {
        let (envelope, events) = try session.readEnvelope()
        let analysis = SynergyAnalysis(envelope: envelope, protocol: session.resolvedProtocol(),
                                       seed: session.seed, threads: session.threads)
        var outcome = try analysis.extract(rank: rank, activationsFile: session.activationsPath?.name ?? "")
        try session.bootstrap(&outcome, analysis, events: events, highestRank: rank)
        try session.present(outcome, envelope: envelope,
                            summary: "R² at rank \(rank): \(outcome.report.ranks[0].r2)")
    }
}
