import Foundation

/// Text tables of a report, for a terminal.
public enum ReportTables {
    /// rank, R², VAF, iterations, converged replicates; the reported rank marked.
    public static func ranks(_ report: SynergyReport) -> String {
        let centring = report.protocol.factorization.r2Centring == .muscleMean ? "muscle-mean" : "grand-mean"
        var lines = ["rank  R² (\(centring))     VAF  iterations  converged"]
        for rank in report.ranks {
            let mark = rank.rank == report.count ? "  ← count" + (rank.rank == report.rank ? "" : " (synergies at rank \(report.rank))")
                : rank.rank == report.rank ? (report.command == "count" ? "  ← reported" : "  ← extracted") : ""
            let converged = "\(rank.converged ? "yes" : "NO ")  (\(rank.replicatesConverged)/\(rank.replicates.count))"
            lines.append(pad(rank.rank, 4) + pad(format(rank.r2), 17) + pad(format(rank.vaf), 8)
                         + pad(rank.iterations, 12) + "  " + converged + mark)
        }
        return lines.joined(separator: "\n")
    }

    /// One line on the ranks whose replicates the iteration cap stopped before
    /// their stopping rule, or nil when every replicate converged, e.g. "the
    /// iteration cap (20 iterations) stopped 7 of 10 replicates before they
    /// converged: rank 1 5 of 5 (the kept one too), rank 2 2 of 5" (the facts:
    /// a caller adds how to raise the cap).
    public static func iterationCapWarning(_ report: SynergyReport) -> String? {
        let capped = report.ranks.filter { $0.replicatesConverged < $0.replicates.count }
        guard !capped.isEmpty else { return nil }
        let stopped = capped.reduce(0) { $0 + $1.replicates.count - $1.replicatesConverged }
        let total = report.ranks.reduce(0) { $0 + $1.replicates.count }
        let ranks = capped.map { rank in
            "rank \(rank.rank) \(rank.replicates.count - rank.replicatesConverged) of \(rank.replicates.count)"
                + (rank.converged ? "" : " (the kept one too)")
        }
        return "the iteration cap (\(report.protocol.factorization.maxIterations) iterations) stopped \(stopped) of \(total) "
            + "replicates before they converged: " + ranks.joined(separator: ", ")
    }

    /// Muscles down, synergies across: the unit-norm weights of the reported rank.
    public static func weights(_ report: SynergyReport) -> String {
        let width = max(6, report.muscles.map(\.count).max() ?? 0)
        var lines = [String(repeating: " ", count: width) + report.synergies.indices.map { pad("S\($0 + 1)", 7) }.joined()]
        for (i, muscle) in report.muscles.enumerated() {
            lines.append(muscle.padding(toLength: width, withPad: " ", startingAt: 0)
                         + report.synergies.map { pad(String(format: "%.3f", $0.weights[i]), 7) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The bootstrap block: the resamples, the count's distribution and 95 %
    /// interval, R² per rank (median and 95 % interval) and each synergy's
    /// stability; nil without a bootstrap. `label` prefixes synergy names (A, B).
    public static func bootstrap(_ report: SynergyReport, label: String = "S") -> String? {
        guard let bootstrap = report.bootstrap else { return nil }
        let unit = bootstrap.unit == .gaitCycle ? "gait cycles"
            : "blocks of \(bootstrap.blockSeconds.map { String(format: "%g", $0) } ?? "?") s"
        var lines = ["Bootstrap: \(bootstrap.resamples) resamples of \(bootstrap.units) \(unit)"]
        if let interval = bootstrap.countInterval, let distribution = bootstrap.countDistribution {
            lines.append("Count: 95 % interval " + countInterval(interval) + "; resamples per count: "
                         + distribution.map { "\($0.count.map(String.init) ?? "none"): \($0.resamples)" }.joined(separator: ", "))
        }
        lines.append("rank  R² median   95 % interval")
        for rank in bootstrap.r2 {
            lines.append(pad(rank.rank, 4) + pad(format(rank.median), 11) + "   [" + format(rank.low) + ", " + format(rank.high) + "]")
        }
        lines.append("Synergies at rank \(report.rank), similarity to the resamples' matched synergy, median (2.5 %): "
                     + bootstrap.synergies.map {
                         "\(label)\($0.synergy + 1) " + String(format: "%.3f (%.3f)", $0.medianSimilarity, $0.low)
                     }.joined(separator: "  "))
        return lines.joined(separator: "\n")
    }

    /// "5–6", "5", or with no count ("6–none").
    public static func countInterval(_ interval: [Int?]) -> String {
        let text = interval.map { $0.map(String.init) ?? "none" }
        return text.first == text.last ? text[0] : text.joined(separator: "–")
    }

    private static func format(_ value: Double) -> String { String(format: "%.4f", value) }

    private static func pad(_ value: CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
