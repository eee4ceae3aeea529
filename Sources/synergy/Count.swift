import ArgumentParser
import Foundation
import SynergyKit

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sweep the ranks and count the synergies.",
        discussion: """
            Fits ranks 1 … max rank and picks the number of synergies: the smallest rank with \
            R² ≥ 0.80 (cheung2020), curve linearity (santuz), or uncentred VAF.
            """)

    @OptionGroup var session: SessionOptions

    @OptionGroup var rankOptions: RankOptions

    func run() throws {
        let (envelope, events) = try session.readEnvelope()
        let chosen = session.resolvedProtocol(rank: rankOptions)
        let analysis = SynergyAnalysis(envelope: envelope, protocol: chosen, seed: session.seed, threads: session.threads)
        let highest = try analysis.highestRank(requested: rankOptions.maxRank)
        var outcome = try analysis.count(maxRank: highest, activationsFile: session.activationsPath?.name ?? "")
        try session.bootstrap(&outcome, analysis, events: events, highestRank: highest)
        let rule = Self.describe(chosen.criterion)
        if let count = outcome.report.count {
            try session.present(outcome, envelope: envelope, summary: "\nNumber of synergies: \(count) (\(rule))")
        } else {
            FileHandle.standardError.write(Data(
                "synergy: warning: \(envelope.path): no rank up to \(highest) satisfies \(rule); count is null\n".utf8))
            try session.present(outcome, envelope: envelope,
                                summary: "\nNumber of synergies: none up to rank \(highest) (\(rule)); reporting rank \(highest)")
        }
    }

    static func describe(_ criterion: RankCriterion) -> String {
        switch criterion.kind {
        case .r2: "smallest rank with R² ≥ \(criterion.threshold)"
        case .linearity: "curve linearity, MSE ≤ \(criterion.threshold)"
        case .vaf: "smallest rank with VAF ≥ \(criterion.threshold)"
                + (criterion.perMuscleThreshold.map { " and every muscle's VAF ≥ \($0)" } ?? "")
        }
    }
}

/// How a rank sweep is bounded and its count chosen: `count`'s, `compare`'s and `batch`'s options.
struct RankOptions: ParsableArguments {
    @Option(help: "Highest rank of the sweep (cheung2020: all muscles; santuz: m − round(m/4)).")
    var maxRank: Int?

    @Option(help: "r2 (smallest rank with R² ≥ --criterion-threshold), linearity (R²-curve line-fit MSE ≤ it) or vaf.")
    var criterion: RankCriterion.Kind?

    @Option(help: "The rank criterion's threshold (r2: 0.80, linearity: 1e-4, vaf: 0.90).")
    var criterionThreshold: Double?

    @Option(help: "With --criterion vaf: every muscle's VAF must also reach this (e.g. 0.75).")
    var perMuscleThreshold: Double?

    /// The old spelling (renamed 2026-12): refused, naming the new flags.
    @Option(name: .customLong("threshold"), help: .hidden)
    var renamedThreshold: String?

    func validate() throws {
        if renamedThreshold != nil {
            throw ValidationError("--threshold was renamed: use --similarity (matching) or --criterion-threshold (rank criterion)")
        }
        if let maxRank, maxRank < 1 { throw ValidationError("--max-rank must be at least 1") }
        if perMuscleThreshold != nil, criterion != .vaf {
            throw ValidationError("--per-muscle-threshold goes with --criterion vaf")
        }
        if let criterionThreshold, !criterionThreshold.isFinite || criterionThreshold <= 0 {
            throw ValidationError("--criterion-threshold must be a positive number")
        }
    }

    /// `base`'s criterion with the options given applied.
    func criterion(_ base: RankCriterion) -> RankCriterion {
        let kind = criterion ?? base.kind
        return RankCriterion(kind: kind,
                             threshold: criterionThreshold
                                ?? (kind == base.kind ? base.threshold : RankCriterion.defaultThreshold(for: kind)),
                             perMuscleThreshold: perMuscleThreshold)
    }
}
