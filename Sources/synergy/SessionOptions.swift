import ArgumentParser
import Foundation
import SynergyKit

/// The factorisation options: solver, replicates, stopping rule, seed, threads.
struct SolverOptions: ParsableArguments {
    @Option(help: "Solver: mu (Lee–Seung multiplicative updates) or hals (faster, same stopping rule).")
    var algorithm: UpdateRule = .multiplicative

    @Option(help: """
        Precision of the work over samples: single (the default; R² within about 1e-6 of double) or \
        double (mu only: the trajectory of a plain double-precision implementation).
        """)
    var precision: FactorizationPrecision?

    @Option(help: "Random starts per rank; the best R² is kept (cheung2020: 20, santuz: 5).")
    var replicates: Int?

    @Option(help: "Iteration cap per replicate (cheung2020: 20000, santuz: 1000).")
    var maxIterations: Int?

    @Option(help: "Stopping threshold: |ΔR²| for cheung2020 (1e-5), relative R² gain for santuz (1e-4).")
    var stopThreshold: Double?

    @Option(help: "Stopping window in iterations (both protocols: 20).")
    var stopWindow: Int?

    @Option(help: "Seed of the random starts (the same seed gives the same result).")
    var seed: UInt64 = 1

    @Option(help: "Worker threads, by default one per core. Results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if let replicates, replicates < 1 { throw ValidationError("--replicates must be at least 1") }
        if let maxIterations, maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1") }
        if let stopThreshold, !(stopThreshold > 0) { throw ValidationError("--stop-threshold must be positive") }
        if let stopWindow, stopWindow < 1 { throw ValidationError("--stop-window must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if algorithm == .hals && precision == .double {
            throw ValidationError("--precision double is for --algorithm mu (HALS works in single precision)")
        }
    }

    /// `base` with the options given applied.
    func applied(to base: SynergyProtocol) -> SynergyProtocol {
        var chosen = base
        chosen.factorization.algorithm = algorithm
        if let precision { chosen.factorization.precision = precision }
        if let replicates { chosen.factorization.replicates = replicates }
        if let maxIterations { chosen.factorization.maxIterations = maxIterations }
        if let stopThreshold { chosen.factorization.stopping.threshold = stopThreshold }
        if let stopWindow { chosen.factorization.stopping.window = stopWindow }
        return chosen
    }
}

/// The options every command that factorises one session shares.
struct SessionOptions: ParsableArguments {
    @OptionGroup var source: InputOptions

    @OptionGroup var solver: SolverOptions

    @OptionGroup var bootstrapOptions: BootstrapOptions

    @Option(name: .shortAndLong,
            help: "Write the JSON report to this file and the activations to <name>_activations.csv beside it.")
    var output: String?

    func validate() throws {
        if let output, !output.hasSuffix(".json") { throw ValidationError("--output must name a .json file") }
    }

    var seed: UInt64 { solver.seed }
    var threads: Int { solver.threads }

    /// The protocol with the options given on the command line applied (and `rank`'s, for a sweep).
    func resolvedProtocol(rank: RankOptions? = nil) -> SynergyProtocol {
        source.preprocessingOptions.synergyProtocol(solver: solver, rank: rank)
    }

    /// The envelope to factorise (read, or preprocessed from the raw recording)
    /// and, with --bootstrap, the gait events given, which its resamples draw by.
    func readEnvelope() throws -> (envelope: EnvelopeTable, events: GaitEvents?) {
        let settings = resolvedProtocol().preprocessing
        guard bootstrapOptions.plan != nil else { return (try source.sessionInput.envelope(settings: settings), nil) }
        return try source.sessionInput.envelopeAndEvents(settings: settings)
    }

    /// With --bootstrap, resamples `outcome`'s envelope and refits (a sweep to `highestRank`, or the one rank).
    func bootstrap(_ outcome: inout SynergyAnalysis.Outcome, _ analysis: SynergyAnalysis, events: GaitEvents?,
                   highestRank: Int) throws {
        guard let plan = bootstrapOptions.plan else { return }
        _ = try analysis.bootstrap(&outcome.report, plan: plan, events: events, highestRank: highestRank)
    }

    /// The activations CSV's path beside the JSON, and its name as the JSON records it.
    var activationsPath: (path: String, name: String)? {
        guard let output else { return nil }
        let path = String(output.dropLast(".json".count)) + "_activations.csv"
        return (path, (path as NSString).lastPathComponent)
    }

    /// Prints the tables, then writes the JSON and the activations CSV (all or nothing).
    func present(_ outcome: SynergyAnalysis.Outcome, envelope: EnvelopeTable, summary: String) throws {
        let report = outcome.report
        print("synergy \(report.command): \(envelope.path): \(envelope.muscles.count) muscles × "
              + "\(envelope.time.count) samples; protocol \(report.protocol.name.rawValue), "
              + "algorithm \(report.protocol.factorization.algorithm.rawValue), seed \(report.seed)")
        print(ReportTables.ranks(report))
        print(summary)
        print("\nWeights at rank \(report.rank) (unit vectors):")
        print(ReportTables.weights(report))
        if let bootstrap = ReportTables.bootstrap(report) { print("\n" + bootstrap) }
        if let warning = ReportTables.iterationCapWarning(report).map(ErrorMessages.iterationCapWarning) {
            FileHandle.standardError.write(Data("synergy: warning: \(envelope.path): \(warning)\n".utf8))
        }
        guard let output, let activations = activationsPath else { return }
        let csv = ActivationsCSV.render(timeHeader: envelope.timeHeader, time: envelope.time, activations: outcome.activations)
        try OutputFiles.write([(activations.path, Data(csv.utf8)), (output, try report.jsonData())])
        print("\nWrote \(output) and \(activations.path)")
    }
}
