import ArgumentParser
import Foundation
import Synchronization
import SynergyKit

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a whole study from a manifest: every session, then the group analysis.",
        discussion: """
            MANIFEST is a CSV with one row per session: subject, group, session (time point) and path \
            (relative to the manifest), optionally events, muscles and sample_rate. Each session is counted \
            as 'synergy count' does and written to OUTDIR/sessions/ID.json (+ activations CSV, SVG figure); \
            each session is preprocessed alone, so scaled by itself (as compare scales two recordings by \
            default). Then OUTDIR/study.json, OUTDIR/summary.csv and OUTDIR/report.html hold the group \
            analysis (matching by --similarity).

            A re-run skips every session whose input, events, protocol and tool version are unchanged, so a \
            killed run is finished by running it again. A session that fails is reported and the others go on; \
            the exit code is 1 when any session failed, 2 on bad flags or a bad manifest.

            --shard i/N runs every N-th session (i = 1 … N) into the shared OUTDIR and skips the group analysis; \
            after all shards, 'synergy merge OUTDIR' writes the study files (byte for byte those of one run).

            --config FILE (JSON or YAML) gives options as a mapping, e.g. {"algorithm": "hals", "replicates": 20}; \
            options on the command line win.
            """)

    @Argument(help: "The manifest CSV.")
    var manifest: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The output folder.", valueName: "outdir"))
    var output: String

    @Option(help: ArgumentHelp("Options from a JSON or YAML file (read before the command line's).", valueName: "file"))
    var config: String?

    @Option(help: "Sessions run at a time (default: one per core); the threads are shared among them.")
    var jobs: Int?

    @Option(help: ArgumentHelp("Run only shard i of N (every N-th session, from the i-th); then 'synergy merge'.",
                               valueName: "i/N"))
    var shard: String?

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @OptionGroup var preprocessingOptions: PreprocessingOptions

    @Option(help: ArgumentHelp("Gait events for rows without an events entry: c3d, nexus, edf, bdf or file "
                               + "(the recording's own events), with an optional :CONTEXT.",
                               valueName: "source"))
    var events: String?

    @OptionGroup var solver: SolverOptions

    @OptionGroup var bootstrapOptions: BootstrapOptions

    @OptionGroup var rankOptions: RankOptions

    @OptionGroup var rulesOptions: ComparisonRulesOptions

    @OptionGroup var groupOptions: GroupAnalysisOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        _ = try parsedShard()
        try preprocessingOptions.checkRawOnly(others: events != nil ? ["--events"] : [])
    }

    /// (index 0-based, count) of --shard i/N.
    func parsedShard() throws -> (index: Int, count: Int) {
        guard let shard else { return (0, 1) }
        let parts = shard.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, (1...n).contains(i) else {
            throw ValidationError("--shard takes i/N with 1 ≤ i ≤ N, e.g. 2/4; not '\(shard)'")
        }
        return (i - 1, n)
    }

    func run() throws {
        let studyManifest = try StudyManifest.read(path: manifest)
        let chosen = preprocessingOptions.synergyProtocol(solver: solver, rank: rankOptions)
        let settings = StudySettings(protocol: chosen, seed: solver.seed, maxRank: rankOptions.maxRank,
                                     input: preprocessingOptions.input.rawValue,
                                     groupAnalysis: groupOptions.settings(rules: rulesOptions.rules),
                                     bootstrap: bootstrapOptions.plan)
        // Before any session runs.
        _ = try StudyAnalysis.referenceGroup(groupOptions.referenceGroup, entries: studyManifest.entries, manifest: manifest)
        var batch = StudyBatch(manifest: studyManifest, settings: settings,
                               template: preprocessingOptions.sessionInput(path: "", events: nil), outputFolder: output)
        batch.touchdownLabel = preprocessingOptions.touchdownLabel
        batch.liftoffLabel = preprocessingOptions.liftoffLabel
        batch.defaultEvents = events
        batch.errorText = { ErrorMessages.text($0) }
        let shard = try parsedShard()
        let entries = batch.entries(shard: shard)
        try batch.prepare()

        let jobs = min(self.jobs ?? ProcessInfo.processInfo.activeProcessorCount, max(1, entries.count))
        let progress = BatchProgress(total: entries.count, quiet: quiet)
        let outcomes = batch.run(entries, jobs: jobs, threadsPerSession: max(1, solver.threads / jobs)) { progress.report($0) }
        progress.finish()
        let failed = outcomes.filter { if case .failed = $0.status { true } else { false } }
        if shard.count > 1 {
            progress.line("shard \(shard.index + 1)/\(shard.count): \(outcomes.count - failed.count) of \(outcomes.count) "
                          + "sessions done; when every shard has finished, run 'synergy merge \(output)'")
        } else {
            progress.line("group analysis of \(studyManifest.entries.count) sessions")
            let report = try StudyOutputs.write(folder: output, threads: solver.threads)
            print(StudyTables.summary(report))
            print("\nWrote \((output as NSString).appendingPathComponent("study.json")), summary.csv and report.html")
        }
        if !failed.isEmpty {
            FileHandle.standardError.write(Data("synergy: \(failed.count) session(s) failed:\n".utf8))
            for outcome in failed {
                if case .failed(let message) = outcome.status {
                    FileHandle.standardError.write(Data("  \(outcome.entry.id): \(message)\n".utf8))
                }
            }
            throw ExitCode(1)
        }
    }
}

/// The group analysis' options (defaults: Cheung et al. 2020).
struct GroupAnalysisOptions: ParsableArguments {
    @Option(help: "The analysis group others are compared with (default: the manifest's first), e.g. 'sedentary week0'.")
    var referenceGroup: String?

    @Option(help: "k-means replicates on each group's synergies (1000).")
    var kmeansReplicates = 1000

    @Option(help: "Gap statistic: uniform reference sets (500).")
    var gapReferences = 500

    @Option(help: "Gap statistic: k-means replicates per reference set (100).")
    var gapReplicates = 100

    @Option(help: "Smallest number of clusters tried (2).")
    var minClusters = 2

    @Option(help: "Largest number of clusters tried (20; at most the number of synergies − 1).")
    var maxClusters = 20

    @Option(help: "A cluster is subject-invariant with synergies of at least this share of subjects (1/3).")
    var invariantFraction = 1.0 / 3.0

    func validate() throws {
        for (flag, value) in [("--kmeans-replicates", kmeansReplicates), ("--gap-references", gapReferences),
                              ("--gap-replicates", gapReplicates)] where value < 1 {
            throw ValidationError("\(flag) must be at least 1")
        }
        if minClusters < 1 || maxClusters < minClusters {
            throw ValidationError("--min-clusters must be at least 1 and at most --max-clusters")
        }
        if !(invariantFraction > 0 && invariantFraction <= 1) { throw ValidationError("--invariant-fraction must be in (0, 1]") }
    }

    /// The settings, matching by `rules`.
    func settings(rules: ComparisonRules) -> GroupAnalysisSettings {
        var s = GroupAnalysisSettings()
        s.referenceGroup = referenceGroup
        (s.kmeansReplicates, s.gapReferenceSets, s.gapReplicates) = (kmeansReplicates, gapReferences, gapReplicates)
        (s.minimumClusters, s.maximumClusters, s.invariantFraction) = (minClusters, maxClusters, invariantFraction)
        s.rules = rules
        return s
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, one line per session otherwise.
final class BatchProgress: Sendable {
    private let total: Int
    private let quiet: Bool
    private let terminal = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private let sessionsDone = Mutex(0)

    init(total: Int, quiet: Bool) { (self.total, self.quiet) = (total, quiet) }

    /// Prints the session's progress, and its warning even when quiet (`StudyBatch.run` reports one session at a time).
    func report(_ outcome: StudyBatch.SessionOutcome) {
        let done = sessionsDone.withLock { done in
            done += 1
            return done
        }
        if let warning = outcome.warning.map(ErrorMessages.iterationCapWarning) {
            write((terminal && !quiet ? "\r\u{1B}[K" : "") + "synergy: warning: \(outcome.entry.id): \(outcome.entry.path): \(warning)\n")
        }
        guard !quiet else { return }
        let what: String
        switch outcome.status {
        case .computed: what = outcome.count.map { "\($0) synergies" } ?? "no rank met the criterion"
        case .reused: what = "unchanged, kept"
        case .failed(let message): what = "failed: \(message)"
        }
        let elapsed = Date().timeIntervalSince(start)
        if terminal {
            let width = 30, filled = total == 0 ? width : width * done / total
            let remaining = done == 0 ? 0 : elapsed / Double(done) * Double(total - done)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            write("\r\u{1B}[K[\(bar)] \(done)/\(total) sessions  elapsed \(Self.clock(elapsed))  remaining ~\(Self.clock(remaining))"
                  + (outcome.status == .computed || outcome.status == .reused ? "" : "\n  \(outcome.entry.id): \(what)\n"))
        } else {
            write("synergy batch: [\(done)/\(total)] \(outcome.entry.id): \(what) (\(String(format: "%.1f", outcome.seconds)) s)\n")
        }
    }

    func finish() { if terminal && !quiet && sessionsDone.withLock({ $0 }) > 0 { write("\n") } }

    func line(_ text: String) { if !quiet { write("synergy batch: \(text)\n") } }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
