import ArgumentParser
import Foundation
import SynergyKit

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare an earlier (novice) session A with a later (trained) session B.",
        discussion: """
            Each of A and B is a raw recording, an envelope (--input envelope) or the JSON of an earlier \
            extract/count run (its synergies are reused). Sessions are compared on their common muscles. \
            Reports the matched synergies (optimal one-to-one assignment, similarity ≥ --similarity), merging \
            (a synergy of B as a non-negative combination of ≥ 2 of A's) and fractionation (the converse), \
            sparseness, and cross-fit R² (each session's EMG with the other's weights held fixed), as \
            Cheung et al. (2020) did.

            Two raw recordings are each scaled by themselves (--session-scale per-session, the default): \
            right for sessions on separate days, electrodes re-applied. --session-scale shared gives each \
            muscle one amplitude scale over both: only for one sitting with the electrodes left in place.
            """)

    @Argument(help: "A: the earlier (novice, baseline) session: a recording, an envelope CSV, or an extract/count JSON.")
    var a: String

    @Argument(help: "B: the later (trained) session, in any of the same forms.")
    var b: String

    @OptionGroup var preprocessingOptions: PreprocessingOptions

    @Option(help: ArgumentHelp("Gait events of A: a CSV of touchdown (and lift-off) times in seconds, or the "
                               + "file's own events: c3d, nexus, edf, bdf or file, with an optional :CONTEXT.",
                               valueName: "source"))
    var eventsA: String?

    @Option(help: ArgumentHelp("Gait events of B, as --events-a.", valueName: "source"))
    var eventsB: String?

    @Option(help: ArgumentHelp("How two raw recordings are put on one amplitude scale: per-session (each by its own, "
                               + "the paper's; sessions on separate days, electrodes re-applied) or shared (one scale per "
                               + "muscle over both; one sitting, electrodes left in place). Default: per-session.",
                               valueName: "scale"))
    var sessionScale: ComparisonAnalysis.Scaling?

    @OptionGroup var solver: SolverOptions

    @OptionGroup var rankOptions: RankOptions

    @OptionGroup var bootstrapOptions: BootstrapOptions

    @Option(help: "Compare A's synergies at this rank instead of its count.")
    var rankA: Int?

    @Option(help: "Compare B's synergies at this rank instead of its count.")
    var rankB: Int?

    @OptionGroup var rulesOptions: ComparisonRulesOptions

    @Option(help: ArgumentHelp("Two raw recordings: a muscle whose envelope varies less than this share as much, "
                               + "relative to the other muscles, as in the other session is silent there (an error); "
                               + "0 turns the check off.", valueName: "share"))
    var silentBelow = 0.02

    @Flag(help: "Fail when the two sessions' muscles differ, instead of comparing the common ones.")
    var strict = false

    @Option(name: .shortAndLong,
            help: "Write the JSON report here, and each factorised side's activations to <name>_a/_b_activations.csv.")
    var output: String?

    @Option(help: ArgumentHelp("Draw the comparison as an SVG figure: weights side by side in matched order, merging "
                               + "and fractionation with their sources, activation profiles over the gait cycle when "
                               + "events are given.", valueName: "file.svg"))
    var figure: String?

    func validate() throws {
        if let output, !output.hasSuffix(".json") { throw ValidationError("--output must name a .json file") }
        if let figure, !figure.lowercased().hasSuffix(".svg") { throw ValidationError("--figure must name a .svg file") }
        for (flag, rank) in [("--rank-a", rankA), ("--rank-b", rankB)] {
            if let rank, rank < 1 { throw ValidationError("\(flag) must be at least 1") }
        }
        if !(silentBelow >= 0 && silentBelow < 1) { throw ValidationError("--silent-below must be in [0, 1)") }
        var given = [String]()
        if eventsA != nil || eventsB != nil { given.append("--events-a/--events-b") }
        if sessionScale != nil { given.append("--session-scale") }
        try preprocessingOptions.checkRawOnly(others: given)
    }

    /// The activations CSVs' paths beside the JSON, and their names as the JSON records them.
    private func activationsPath(_ side: String) -> (path: String, name: String)? {
        guard let output else { return nil }
        let path = String(output.dropLast(".json".count)) + "_\(side)_activations.csv"
        return (path, (path as NSString).lastPathComponent)
    }

    func run() throws {
        let chosen = preprocessingOptions.synergyProtocol(solver: solver, rank: rankOptions)
        var analysis = ComparisonAnalysis(
            a: .init(preprocessingOptions.sessionInput(path: a, events: eventsA)),
            b: .init(preprocessingOptions.sessionInput(path: b, events: eventsB)),
            protocol: chosen, seed: solver.seed, threads: solver.threads)
        (analysis.scaling, analysis.strict, analysis.rankA, analysis.rankB) = (sessionScale ?? .perSession, strict, rankA, rankB)
        analysis.maxRank = rankOptions.maxRank
        (analysis.rules, analysis.silenceRatio) = (rulesOptions.rules, silentBelow)
        analysis.bootstrap = bootstrapOptions.plan
        let outcome = try analysis.run(activationFiles: (activationsPath("a")?.name ?? "", activationsPath("b")?.name ?? ""))
        let report = outcome.report
        print("synergy compare: A = \(a), B = \(b); algorithm \(chosen.factorization.algorithm.rawValue), seed \(solver.seed)")
        print(ComparisonTables.all(report))
        print("\n(Synergies are numbered from 1 here; the JSON's indices are 0-based.)")
        for note in outcome.notes { FileHandle.standardError.write(Data("synergy: note: \(note)\n".utf8)) }
        for (source, side) in [(report.sources.a, report.a), (report.sources.b, report.b)] where source.kind != "synergies_json" {
            if let warning = ReportTables.iterationCapWarning(side).map(ErrorMessages.iterationCapWarning) {
                FileHandle.standardError.write(Data("synergy: warning: \(source.path): \(warning)\n".utf8))
            }
        }
        for fit in report.crossFit where !fit.converged {
            FileHandle.standardError.write(Data(("synergy: warning: cross-fit of \(fit.weights.uppercased())'s weights to "
                + "\(fit.emg.uppercased())'s EMG: the iteration cap (\(fit.iterations) iterations) stopped it before it "
                + "converged; raise --max-iterations\n").utf8))
        }
        var files = [(path: String, contents: Data)]()
        if let figure { files.append((figure, Data(Self.figure(outcome).svg().utf8))) }
        for (label, side) in [("a", outcome.a), ("b", outcome.b)] {
            guard let activations = side.activations, let envelope = side.envelope, let path = activationsPath(label) else { continue }
            let csv = ActivationsCSV.render(timeHeader: envelope.timeHeader, time: envelope.time, activations: activations)
            files.append((path.path, Data(csv.utf8)))
        }
        if let output { files.append((output, try report.jsonData())) }
        guard !files.isEmpty else { return }
        try OutputFiles.write(files)
        print("\nWrote " + files.map(\.path).joined(separator: ", "))
    }
}

extension Compare {
    /// The figure of a comparison: each side's weights, sparseness, R² at the rank compared and profiles;
    /// with a bootstrap, each side's count interval and the report's support of each match, merging and
    /// fractionation.
    static func figure(_ outcome: ComparisonAnalysis.Outcome) -> ComparisonFigure {
        let report = outcome.report
        func side(_ label: String, _ source: ComparisonReport.Source, _ synergies: SynergyReport,
                  _ extra: ComparisonAnalysis.SideOutcome) -> ComparisonFigure.Side {
            ComparisonFigure.Side(
                title: "\(label): \((source.path as NSString).lastPathComponent)", weights: synergies.synergies.map(\.weights),
                profiles: extra.profiles, r2: synergies.ranks.first { $0.rank == synergies.rank }?.r2,
                sparseness: synergies.sparseness.perSynergy, count: synergies.count,
                countInterval: synergies.bootstrap?.countInterval)
        }
        return ComparisonFigure(muscles: report.muscles,
                                a: side("A (earlier)", report.sources.a, report.a, outcome.a),
                                b: side("B (later)", report.sources.b, report.b, outcome.b),
                                comparison: outcome.comparison, support: ComparisonFigure.Support(report))
    }
}

extension ComparisonAnalysis.Scaling: ExpressibleByArgument {}
