import Foundation

/// Two sessions compared end to end, as `synergy compare` does: A the earlier
/// (novice, baseline) session, B the later (trained) one.
///
/// 1. Each side is read: a recording (raw or envelope, as `SessionInput` says)
///    or the JSON of an earlier `extract`/`count` run, whose synergies are reused.
/// 2. Both are cut to their common muscles (case-insensitive names, A's order);
///    with `strict`, differing muscle sets are an error.
/// 3. Two raw recordings are preprocessed each by its own amplitude scale
///    (`Scaling.perSession`, the default and the paper's) or with one scale per
///    muscle over both (`.shared`).
/// 4. Each recording's ranks are swept (1 … `maxRank`, by default the
///    protocol's) and counted by the protocol's criterion; its synergies are
///    those of the count, or of `rankA`/`rankB` when given.
/// 5. `SynergyComparison` matches them and finds merging and fractionation;
///    `CrossFit` fits each side's EMG with the other side's W held fixed.
public struct ComparisonAnalysis: Sendable {
    /// Where one side's synergies come from.
    public enum Side: Sendable {
        /// A recording or envelope, factorised here.
        case session(SessionInput)
        /// The JSON written by `extract` or `count`.
        case synergies(path: String)

        /// A `.json` path is a synergy report, anything else a session.
        public init(_ session: SessionInput) {
            self = session.path.lowercased().hasSuffix(".json") ? .synergies(path: session.path) : .session(session)
        }
    }

    /// How two raw recordings are put on one amplitude scale.
    public enum Scaling: String, Sendable, CaseIterable {
        /// Each session by its own scale, as Cheung et al. (2020) did: right for
        /// sessions on separate days with the electrodes re-applied, whose gains
        /// differ per muscle (the default).
        case perSession = "per-session"
        /// One scale per muscle over both sessions (maximum or standard deviation of
        /// both together): right only for sessions of one sitting with the electrodes
        /// left in place, where a real amplitude change between them should count.
        case shared

        /// The value the report records (`per_session`, `shared`).
        public var reportValue: String { self == .perSession ? "per_session" : "shared" }
    }

    /// The earlier (baseline) session.
    public var a: Side
    /// The later (trained) session.
    public var b: Side
    /// The protocol each recording is preprocessed and factorised with.
    public var `protocol`: SynergyProtocol
    /// Seed of the random starts, the cross fits and the bootstrap's resamples.
    public var seed: UInt64
    /// Threads the fits run on (the result does not depend on it).
    public var threads: Int
    /// How two raw recordings are put on one amplitude scale (`perSession` by default).
    public var scaling = Scaling.perSession
    /// Highest rank of each recording's sweep (at most its muscles compared);
    /// nil: the protocol's rule.
    public var maxRank: Int?
    /// Differing muscle sets are an error instead of being cut to the common muscles.
    public var strict = false
    /// Compare at these ranks instead of the counted ones.
    public var rankA: Int?
    /// B's rank to compare at instead of its count.
    public var rankB: Int?
    /// When synergies match, and when a merging or fractionation counts.
    public var rules = ComparisonRules.cheung2020
    /// Points per gait cycle of the activation profiles drawn in figures.
    public var profilePoints = 100
    /// Two raw recordings: a muscle whose envelope's standard deviation in one
    /// session, relative to the other's, is below this share of the median
    /// muscle's ratio is silent in that session (an electrode off), which is an
    /// error; 0 turns the check off.
    public var silenceRatio = 0.02
    /// Resample both sessions (independently) and give every match, merging and
    /// fractionation its support; nil: no bootstrap.
    public var bootstrap: BootstrapPlan?

    /// A comparison of `a` with `b`; the other settings keep their defaults.
    public init(a: Side, b: Side, protocol: SynergyProtocol, seed: UInt64, threads: Int) {
        self.a = a
        self.b = b
        self.protocol = `protocol`
        self.seed = seed
        self.threads = threads
    }

    /// One side's result beyond the report.
    public struct SideOutcome: Sendable {
        /// The envelope factorised here (nil for a JSON side).
        public var envelope: EnvelopeTable?
        /// The activations of the reported rank (nil for a JSON side).
        public var activations: Matrix?
        /// Each synergy's activation averaged over gait cycles, when cycles are known: the
        /// protocol cut them (an envelope then holds whole cycles), or events were given.
        public var profiles: [[Double]]?
    }

    /// The comparison's result: the report, the comparison itself and each side's extras.
    public struct Outcome: Sendable {
        /// The JSON report.
        public var report: ComparisonReport
        /// The matching, merging and fractionation of A's and B's synergies.
        public var comparison: SynergyComparison
        /// Side A's envelope, activations and profiles.
        public var a: SideOutcome
        /// Side B's envelope, activations and profiles.
        public var b: SideOutcome
        /// Things the user should know (e.g. the two sides used different protocols).
        public var notes: [String]
    }

    /// Runs the comparison; `activationFiles` are the names the report gives the activations CSVs.
    public func run(activationFiles: (a: String, b: String)) throws -> Outcome {
        if bootstrap != nil {
            for side in [a, b] {
                if case .synergies(let path) = side {
                    throw InputError(file: path, "holds synergies only; a bootstrap resamples the recording or envelope")
                }
            }
        }
        var sideA = try load(a, side: .a), sideB = try load(b, side: .b)
        let common = sideA.muscles.filter { name in sideB.muscles.contains { $0.caseInsensitiveCompare(name) == .orderedSame } }
        let (droppedA, droppedB) = (Self.missing(from: common, sideA.muscles), Self.missing(from: common, sideB.muscles))
        if strict, !(droppedA.isEmpty && droppedB.isEmpty) {
            throw InputError(file: sideB.path, .musclesDiffer(from: sideA.path, onlyInA: droppedA, onlyInB: droppedB))
        }
        guard common.count >= 2 else {
            throw InputError(file: sideB.path, "has \(common.count) muscle(s) in common with \(sideA.path) "
                             + "(\(common.joined(separator: ", "))); a comparison needs at least 2")
        }
        try sideA.restrict(to: common)
        try sideB.restrict(to: common)
        let scaled = try preprocess(&sideA, &sideB)

        var reportA = try synergies(&sideA, rank: rankA, activationsFile: activationFiles.a, side: .a)
        var reportB = try synergies(&sideB, rank: rankB, activationsFile: activationFiles.b, side: .b)
        let comparison = try SynergyComparison(a: Self.weights(reportA), b: Self.weights(reportB), rules: rules)
        var support: ComparisonSupport?
        if let bootstrap {
            let resamplesA = try resample(sideA, &reportA, plan: bootstrap, stream: 0)
            let resamplesB = try resample(sideB, &reportB, plan: bootstrap, stream: 1)
            support = try ComparisonSupport(comparison, a: resamplesA, b: resamplesB)
        }
        var crossFit = [ComparisonReport.CrossFitResult]()
        for (weights, target, labels) in [(reportA, (sideB, reportB), ("a", "b")), (reportB, (sideA, reportA), ("b", "a"))] {
            guard let envelope = target.0.envelope else { continue }
            let fit = CrossFit.fit(envelope.data, weights: Self.weights(weights),
                                   settings: target.1.protocol.factorization, seed: seed)
            let own = target.1.ranks.first { $0.rank == target.1.rank }?.r2 ?? .nan
            crossFit.append(.init(weights: labels.0, emg: labels.1, r2: fit.r2, ownR2: own,
                                  iterations: fit.iterations, converged: fit.converged))
        }
        var notes = [String]()
        if reportA.protocol.name != reportB.protocol.name {
            notes.append("A's synergies come from protocol \(reportA.protocol.name.rawValue), "
                         + "B's from \(reportB.protocol.name.rawValue)")
        }
        for side in [sideA, sideB] where side.report != nil && side.dropped.count > 0 {
            notes.append("\(side.path): weights cut to the common muscles and rescaled to unit norm; its R² is "
                         + "that of the fit on all its muscles")
        }
        let report = ComparisonReport(
            sources: .init(a: sideA.source, b: sideB.source), muscles: common,
            sessionScale: scaled ? scaling.reportValue : "as_given", a: reportA, b: reportB,
            comparison: comparison, crossFit: crossFit, support: support)
        return Outcome(report: report, comparison: comparison, a: sideA.outcome(profilePoints), b: sideB.outcome(profilePoints),
                       notes: notes)
    }

    // MARK: - Steps

    /// One side as read, then cut, preprocessed and factorised in place.
    struct LoadedSide {
        var path: String
        var kind: String
        var sha256: String
        var muscles: [String]
        var dropped: [String] = []
        var recording: EMGRecording?
        var events: GaitEvents?
        var settings: PreprocessingSettings?
        var envelope: EnvelopeTable?
        var report: SynergyReport?
        var activations: Matrix?
        var cycles: CycleSettings?
        /// The highest rank of the side's sweep.
        var highestRank = 0

        var source: ComparisonReport.Source {
            .init(kind: kind, path: path, sha256: sha256, droppedMuscles: dropped)
        }

        /// Keeps the muscles named in `common` (case-insensitive), in its order.
        mutating func restrict(to common: [String]) throws {
            dropped = ComparisonAnalysis.missing(from: common, muscles)
            let indices = common.map { name in muscles.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }! }
            muscles = indices.map { muscles[$0] }
            if let recording { self.recording = try recording.selecting(muscles) }
            if var envelope {
                var data = Matrix(rows: indices.count, columns: envelope.data.columns)
                for (row, i) in indices.enumerated() { for t in 0..<data.columns { data[row, t] = envelope.data[i, t] } }
                envelope.muscles = muscles
                envelope.data = data
                self.envelope = envelope
            }
            if let report { self.report = report.restricted(to: indices) }
        }

        func outcome(_ points: Int) -> SideOutcome {
            var profiles: [[Double]]?
            if let activations, let envelope {
                let rows = (0..<activations.rows).map { j in (0..<activations.columns).map { activations[j, $0] } }
                if let cycles {
                    let perCycle = cycles.pointsPerPhase.reduce(0, +)
                    profiles = rows.compactMap { ActivationProfile.cycleMean($0, pointsPerCycle: perCycle) }
                } else if let events {
                    profiles = rows.compactMap {
                        ActivationProfile.cycleMean($0, time: envelope.time, touchdowns: events.touchdowns, points: points)
                    }
                }
                if profiles?.count != activations.rows { profiles = nil }
            }
            return SideOutcome(envelope: envelope, activations: activations, profiles: profiles)
        }
    }

    private func load(_ side: Side, side label: ComparisonSide) throws -> LoadedSide {
        switch side {
        case .synergies(let path):
            let report = try SynergyReport.read(path: path)
            let sha = FileInput.sha256(try FileInput.contents(of: path))
            return LoadedSide(path: path, kind: "synergies_json", sha256: sha, muscles: report.muscles, report: report)
        case .session(let input) where input.kind == .envelope:
            let envelope = try input.envelope(settings: `protocol`.preprocessing)
            // With a protocol that cuts cycles, an envelope is taken to hold whole cycles (as `preprocess` writes them).
            return LoadedSide(path: input.path, kind: "envelope", sha256: envelope.sha256, muscles: envelope.muscles,
                              envelope: envelope, cycles: `protocol`.preprocessing.cycles)
        case .session(let input):
            let recording = try input.recording(at: input.path)
            let settings = `protocol`.preprocessing.resolved(sampleRate: recording.sampleRate)
            if settings.cycles != nil, input.events == nil {
                throw InputError(file: input.path, .gaitEventsNeeded(side: label))
            }
            return LoadedSide(path: input.path, kind: "raw", sha256: recording.sha256, muscles: recording.channelNames,
                              recording: recording, events: try input.events?.events(for: recording, cycles: settings.cycles),
                              settings: settings, cycles: settings.cycles)
        }
    }

    /// Turns the raw sides into envelopes; true when any side was a recording.
    private func preprocess(_ a: inout LoadedSide, _ b: inout LoadedSide) throws -> Bool {
        var continuous = [(channels: [[Double]], time: [Double])?]()
        for side in [a, b] {
            guard let recording = side.recording, let settings = side.settings else { continuous.append(nil); continue }
            continuous.append(try Self.named(side.path) { try Preprocessor.continuousEnvelope(recording, settings: settings) })
        }
        guard continuous.contains(where: { $0 != nil }) else { return false }
        if let envelopeA = continuous[0], let envelopeB = continuous[1] {
            try checkNoSilentMuscle(a: (a.path, envelopeA.channels), b: (b.path, envelopeB.channels), muscles: a.muscles)
        }
        let shared = scaling == .shared && continuous.allSatisfy { $0 != nil }
        func finish(_ side: inout LoadedSide, _ own: (channels: [[Double]], time: [Double])?) throws {
            guard let own, let recording = side.recording, let settings = side.settings else { return }
            let pooled = shared ? continuous.compactMap { $0?.channels } : [own.channels]
            let envelope = try Self.named(side.path) {
                let scales = try Preprocessor.amplitudeScales(pooled, names: recording.channelNames,
                                                              normalisation: settings.amplitude)
                return try Preprocessor.normalisedEnvelope(recording, own, scales: scales, events: side.events,
                                                           settings: settings)
            }
            side.envelope = EnvelopeTable(path: side.path, sha256: side.sha256, timeHeader: envelope.timeHeader,
                                          time: envelope.time, muscles: envelope.muscles, data: envelope.data,
                                          format: recording.format.reportName, preprocessing: settings,
                                          units: recording.units, warnings: recording.warnings)
        }
        try finish(&a, continuous[0])
        try finish(&b, continuous[1])
        return true
    }

    /// Throws, naming the file and the muscle, when a muscle is silent in one
    /// session: with σ each muscle's envelope standard deviation before
    /// normalisation and rᵢ = σ_B,ᵢ / σ_A,ᵢ, muscle i is silent in B when
    /// rᵢ < `silenceRatio` · median(r), and in A when rᵢ > median(r) / `silenceRatio`.
    /// Relative to the median, a gain that differs between sessions for every
    /// muscle alike changes nothing.
    private func checkNoSilentMuscle(a: (path: String, channels: [[Double]]), b: (path: String, channels: [[Double]]),
                                     muscles: [String]) throws {
        guard silenceRatio > 0 else { return }
        let sigmaA = a.channels.map { EnvelopeSteps.amplitudeScale([$0], .unitVariance) }
        let sigmaB = b.channels.map { EnvelopeSteps.amplitudeScale([$0], .unitVariance) }
        let ratios = zip(sigmaB, sigmaA).map { $0 / $1 }
        let sorted = ratios.sorted()
        let median = (sorted[(sorted.count - 1) / 2] + sorted[sorted.count / 2]) / 2
        for (i, ratio) in ratios.enumerated() {
            let (silent, other, share) = ratio < silenceRatio * median ? (b.path, a.path, ratio / median)
                : ratio * silenceRatio > median ? (a.path, b.path, median / ratio) : ("", "", 1.0)
            guard !silent.isEmpty else { continue }
            throw InputError(file: silent, .silentMuscle(muscle: muscles[i], share: share, other: other,
                                                         silenceRatio: silenceRatio))
        }
    }

    /// The side's synergy report: reused from its JSON, or counted here.
    private func synergies(_ side: inout LoadedSide, rank: Int?, activationsFile: String,
                           side label: ComparisonSide) throws -> SynergyReport {
        if let report = side.report {
            if let rank, rank != report.rank {
                throw InputError(file: side.path, .rankNeedsRecording(heldRank: report.rank, rank: rank, side: label))
            }
            return report
        }
        guard let envelope = side.envelope else { preconditionFailure("a session side always has an envelope") }
        let analysis = SynergyAnalysis(envelope: envelope, protocol: `protocol`, seed: seed, threads: threads)
        let highest = try analysis.highestRank(requested: maxRank, reporting: rank, side: label)
        let outcome = try analysis.count(maxRank: highest, reportedRank: rank, activationsFile: activationsFile)
        side.activations = outcome.activations
        side.highestRank = highest
        return outcome.report
    }

    /// The bootstrap of a side's count, series `stream`: sets `report.bootstrap` and returns the resamples.
    private func resample(_ side: LoadedSide, _ report: inout SynergyReport, plan: BootstrapPlan,
                          stream: Int) throws -> [SessionBootstrap.Resample] {
        guard let envelope = side.envelope else { preconditionFailure("a bootstrap side always has an envelope") }
        return try SynergyAnalysis(envelope: envelope, protocol: `protocol`, seed: seed, threads: threads)
            .bootstrap(&report, plan: plan, events: side.events, highestRank: side.highestRank, stream: stream)
    }

    // MARK: - Helpers

    static func weights(_ report: SynergyReport) -> Matrix { report.weightMatrix }

    static func missing(from common: [String], _ muscles: [String]) -> [String] {
        muscles.filter { name in !common.contains { $0.caseInsensitiveCompare(name) == .orderedSame } }
    }

    /// Runs a signal step, naming the file in its error.
    private static func named<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as SignalError { throw InputError(file: path, error) }
    }
}
