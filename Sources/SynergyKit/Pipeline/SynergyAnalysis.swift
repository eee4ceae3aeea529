/// The analysis of one session from its envelope: factorise at one rank
/// (`extract`) or sweep the ranks and count the synergies (`count`).
/// Values in, values out: it reads no file and prints nothing.
public struct SynergyAnalysis: Sendable {
    /// The version every report records as `tool_version`.
    public static let toolVersion = "0.1.0"

    /// The envelope D to factorise: muscles × samples, with its time column and path.
    public var envelope: EnvelopeTable
    /// The protocol whose factorisation, rank rule and criterion are applied.
    public var `protocol`: SynergyProtocol
    /// Seed of the random starts; the same seed gives the same result on any thread count.
    public var seed: UInt64
    /// Threads the fits run on (the result does not depend on it).
    public var threads: Int

    /// An analysis of `envelope` with `protocol`, `seed` and `threads`.
    public init(envelope: EnvelopeTable, protocol: SynergyProtocol, seed: UInt64, threads: Int) {
        self.envelope = envelope
        self.protocol = `protocol`
        self.seed = seed
        self.threads = threads
    }

    /// The result: the report, and the activations of its reported rank.
    public struct Outcome: Sendable {
        /// The JSON report.
        public var report: SynergyReport
        /// C of the reported rank: synergies × samples, scaled so that W·C reproduces the fit with unit-norm W.
        public var activations: Matrix
    }

    /// Fits `rank` synergies (at most the envelope's muscles).
    public func extract(rank: Int, activationsFile: String) throws -> Outcome {
        guard rank <= envelope.muscles.count else {
            throw InputError(file: envelope.path, .rankAboveMuscles(rank: rank, muscles: envelope.muscles.count, side: nil))
        }
        let fits = try fit(ranks: [rank])
        return outcome(command: "extract", fits: fits, count: nil, reported: fits[0], activationsFile: activationsFile)
    }

    /// The highest rank of a sweep: `requested` when given, else the protocol's
    /// rule for the envelope's muscles (raised to `rank` when that is higher).
    /// Checked: `rank`, the rank to report instead of the count, is at most the
    /// muscles and the highest rank; the highest rank is at most the muscles;
    /// curve linearity has at least 3 ranks. The problems name `side` when the
    /// envelope is one session of a comparison.
    public func highestRank(requested: Int?, reporting rank: Int? = nil, side: ComparisonSide? = nil) throws -> Int {
        let muscles = envelope.muscles.count
        func problem(_ setting: SettingProblem) -> InputError { InputError(file: envelope.path, setting) }
        if let rank, rank > muscles { throw problem(.rankAboveMuscles(rank: rank, muscles: muscles, side: side)) }
        let highest = requested ?? max(`protocol`.maxRank.maxRank(muscles: muscles), rank ?? 1)
        guard highest <= muscles else { throw problem(.maxRankAboveMuscles(maxRank: highest, muscles: muscles, side: side)) }
        if let rank, rank > highest { throw problem(.rankAboveMaxRank(rank: rank, maxRank: highest, side: side)) }
        if `protocol`.criterion.kind == .linearity, highest < 3 {
            throw problem(.sweepTooShortForLinearity(highest: highest, muscles: muscles, maxRankGiven: requested != nil,
                                                     side: side))
        }
        return highest
    }

    /// Fits ranks 1…maxRank and counts the synergies by the protocol's criterion.
    /// The synergies reported are those of `reportedRank` when given (at most
    /// `maxRank`), else of the count; when no rank satisfies the criterion,
    /// `count` is nil and the highest rank is reported.
    public func count(maxRank: Int, reportedRank: Int? = nil, activationsFile: String) throws -> Outcome {
        precondition(reportedRank.map { (1...maxRank).contains($0) } ?? true)
        let fits = try fit(ranks: Array(1...maxRank))
        let count = `protocol`.criterion.select(from: fits)
        let reported = fits[(reportedRank ?? count ?? maxRank) - 1]
        return outcome(command: "count", fits: fits, count: count, reported: reported, activationsFile: activationsFile)
    }

    /// Resamples the envelope `plan.resamples` times and refits each resample as
    /// `report` was fitted (a sweep to `highestRank` for `count`, the one rank for
    /// `extract`); sets `report.bootstrap` and returns the resamples. The units are
    /// gait cycles when they are known (the envelope holds whole cycles, as its
    /// preprocessing or else the protocol says, or `events` are given), else
    /// blocks of `plan.blockSeconds`; `stream` is `SessionBootstrap.stream`.
    /// Errors name the envelope's file.
    public func bootstrap(_ report: inout SynergyReport, plan: BootstrapPlan, events: GaitEvents?, highestRank: Int,
                          stream: Int = 0) throws -> [SessionBootstrap.Resample] {
        let units: ResamplingUnits
        do {
            units = try ResamplingUnits.of(time: envelope.time,
                                           cycles: envelope.preprocessing.map(\.cycles) ?? `protocol`.preprocessing.cycles,
                                           touchdowns: events?.touchdowns, blockSeconds: plan.blockSeconds)
        } catch let problem as ResamplingUnits.Problem {
            throw InputError(file: envelope.path, "bootstrap: " + problem.description)
        }
        let sweep = report.command == "count"
        let run = SessionBootstrap(
            data: envelope.data, units: units, protocol: `protocol`, highestRank: sweep ? highestRank : report.rank,
            reportedRank: report.rank, count: report.count, weights: report.weightMatrix, sweep: sweep,
            resamples: plan.resamples, seed: seed, stream: stream, threads: threads)
        do {
            let resamples = try run.run()
            report.bootstrap = BootstrapSummary(resamples, units: units, sweep: sweep)
            return resamples
        } catch let problem as SessionBootstrap.FitProblem {
            throw InputError(file: envelope.path, "bootstrap resample \(problem.resample + 1): the "
                             + "\(`protocol`.factorization.algorithm.rawValue) fit at rank \(problem.rank) did not stay finite")
        }
    }

    /// The fits of `ranks`; a fit that did not stay finite (which the solvers'
    /// safeguards should prevent) is an error naming the file, never a NaN in a report.
    private func fit(ranks: [Int]) throws -> [RankFit] {
        let input = FactorizationInput(envelope.data, settings: `protocol`.factorization)
        let fits = RankSweep.fit(input, ranks: ranks, settings: `protocol`.factorization, seed: seed, threads: threads)
        for fit in fits {
            let finite = fit.replicates.allSatisfy { $0.r2.isFinite } && fit.quality.vaf.isFinite
                && fit.quality.muscleVAF.allSatisfy(\.isFinite) && fit.best.weights.elements.allSatisfy(\.isFinite)
                && fit.best.activationsAreFinite
            guard finite else {
                throw InputError(file: envelope.path, .fitNotFinite(rank: fit.rank, algorithm: `protocol`.factorization.algorithm,
                                                                    minimum: input.minimum, maximum: input.maximum))
            }
        }
        return fits
    }

    private func outcome(command: String, fits: [RankFit], count: Int?, reported: RankFit,
                         activationsFile: String) -> Outcome {
        let ranks = fits.map { fit in
            SynergyReport.Rank(
                rank: fit.rank, r2: fit.r2, vaf: fit.quality.vaf, muscleVaf: fit.quality.muscleVAF,
                iterations: fit.best.summary.iterations, converged: fit.best.summary.converged,
                bestReplicate: fit.best.summary.replicate,
                replicatesConverged: fit.replicates.filter(\.converged).count, replicates: fit.replicates)
        }
        let weights = reported.best.weights
        var applied = `protocol`
        if let preprocessing = envelope.preprocessing { applied.preprocessing = preprocessing }
        let report = SynergyReport(
            toolVersion: Self.toolVersion, command: command,
            input: .init(path: envelope.path, sha256: envelope.sha256, format: envelope.format, samples: envelope.time.count,
                         units: envelope.units.allSatisfy(\.isEmpty) ? nil : envelope.units,
                         warnings: envelope.warnings.isEmpty ? nil : envelope.warnings),
            protocol: applied, seed: seed, muscles: envelope.muscles, ranks: ranks, count: count,
            rank: reported.rank, synergies: (0..<weights.columns).map { .init(weights: weights.column($0)) },
            activationsCsv: activationsFile)
        return Outcome(report: report, activations: reported.best.activations)
    }
}
