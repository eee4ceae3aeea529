import Foundation

/// Text tables of a comparison, for a terminal. Synergies are numbered from 1
/// here (A1, B2, …), as in figures; the JSON's indices are 0-based.
public enum ComparisonTables {
    /// Everything, in reading order.
    public static func all(_ report: ComparisonReport) -> String {
        [sides(report), ranks(report), similarity(report), changes(report), sparseness(report), crossFit(report),
         bootstrap(report)]
            .filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Where each side came from and what was compared.
    public static func sides(_ report: ComparisonReport) -> String {
        var lines = [String]()
        for (label, source, side) in [("A", report.sources.a, report.a), ("B", report.sources.b, report.b)] {
            let kind = source.kind == "synergies_json" ? "synergies from JSON" : source.kind
            let count = (side.count.map { "count \($0)" } ?? "no count")
                + (side.bootstrap?.countInterval.map { " (95 % interval \(ReportTables.countInterval($0)))" } ?? "")
            lines.append("\(label): \(source.path) (\(kind); protocol \(side.protocol.name.rawValue); \(count); "
                         + "synergies at rank \(side.rank))")
        }
        lines.append("Muscles compared (\(report.muscles.count)): \(report.muscles.joined(separator: ", "))")
        for (label, source) in [("A", report.sources.a), ("B", report.sources.b)] where !source.droppedMuscles.isEmpty {
            lines.append("  dropped from \(label) (not in the other session): \(source.droppedMuscles.joined(separator: ", "))")
        }
        let scaling = switch report.sessionScale {
        case "shared": "shared, one amplitude scale per muscle over both recordings"
        case "per_session": "per session, each recording by its own amplitude scale"
        default: "as given (envelope or synergies read from file)"
        }
        lines.append("Session scale: \(scaling)")
        return lines.joined(separator: "\n")
    }

    /// Both R² curves side by side, the count and the compared rank marked.
    public static func ranks(_ report: ComparisonReport) -> String {
        let highest = max(report.a.ranks.map(\.rank).max() ?? 0, report.b.ranks.map(\.rank).max() ?? 0)
        guard highest > 0 else { return "" }
        func cell(_ side: SynergyReport, _ rank: Int) -> String {
            guard let fit = side.ranks.first(where: { $0.rank == rank }) else { return pad("", 14) }
            let mark = (rank == side.count ? "c" : " ") + (rank == side.rank ? "*" : " ")
            return pad(String(format: "%.4f", fit.r2), 12) + mark
        }
        var lines = ["rank      R² (A)        R² (B)"]
        for rank in 1...highest { lines.append(pad(rank, 4) + cell(report.a, rank) + cell(report.b, rank)) }
        lines.append("c: the count, *: the rank compared")
        return lines.joined(separator: "\n")
    }

    /// The similarity matrix, matched pairs in brackets.
    public static func similarity(_ report: ComparisonReport) -> String {
        let matched = Set(report.matches.map { "\($0.a),\($0.b)" })
        var lines = ["Similarity (scalar product of unit weights; [matched] ≥ \(report.threshold))",
                     "    " + report.b.synergies.indices.map { pad("B\($0 + 1)", 8) }.joined()]
        for (i, row) in report.similarity.enumerated() {
            lines.append(pad("A\(i + 1)", 4) + row.enumerated().map { j, value in
                let text = String(format: "%.3f", value)
                return pad(matched.contains("\(i),\(j)") ? "[\(text)]" : text + " ", 8)
            }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// Matches, unmatched synergies, merging and fractionation, and the indices.
    public static func changes(_ report: ComparisonReport) -> String {
        var lines = ["Matched: " + (report.matches.isEmpty ? "none"
            : report.matches.map { "A\($0.a + 1)–B\($0.b + 1) \(String(format: "%.3f", $0.similarity))" + support($0.support) }
                .joined(separator: ", "))]
        lines.append("Unmatched in A: " + list(report.unmatchedA, "A") + "; in B: " + list(report.unmatchedB, "B"))
        lines.append("Merging (B ≈ Σ m·A):" + (report.merging.isEmpty ? " none" : ""))
        for entry in report.merging {
            lines.append("  B\(entry.b + 1) ≈ " + combination(entry.coefficients, entry.sourcesA, "A")
                         + "   similarity \(String(format: "%.3f", entry.similarity))" + support(entry.support))
        }
        lines.append("Fractionation (A ≈ Σ m·B):" + (report.fractionation.isEmpty ? " none" : ""))
        for entry in report.fractionation {
            lines.append("  A\(entry.a + 1) ≈ " + combination(entry.coefficients, entry.fractionsB, "B")
                         + "   similarity \(String(format: "%.3f", entry.similarity))" + support(entry.support))
        }
        lines.append(String(format: "Merging index of B: %.3f   Fractionation index of A: %.3f",
                            report.mergingIndexB, report.fractionationIndexA))
        return lines.joined(separator: "\n")
    }

    /// Hoyer sparseness per synergy and the mean, per side.
    public static func sparseness(_ report: ComparisonReport) -> String {
        var lines = ["Sparseness (Hoyer)"]
        for (label, side) in [("A", report.a), ("B", report.b)] {
            lines.append("  \(label): " + side.sparseness.perSynergy.enumerated()
                .map { "\(label)\($0.offset + 1) \(String(format: "%.3f", $0.element))" }.joined(separator: "  ")
                + String(format: "   mean %.3f", side.sparseness.mean))
        }
        return lines.joined(separator: "\n")
    }

    /// Each session's EMG fitted with the other's weights, next to its own R².
    public static func crossFit(_ report: ComparisonReport) -> String {
        guard !report.crossFit.isEmpty else { return "" }
        var lines = ["Cross-fit (W held fixed, C fitted)          R²    own R²"]
        for fit in report.crossFit {
            let label = "  \(fit.weights.uppercased())'s synergies on \(fit.emg.uppercased())'s EMG"
            lines.append(label.padding(toLength: 40, withPad: " ", startingAt: 0)
                         + pad(String(format: "%.4f", fit.r2), 9) + pad(String(format: "%.4f", fit.ownR2), 9)
                         + (fit.converged ? "" : "  (iteration cap)"))
        }
        return lines.joined(separator: "\n")
    }

    /// Each side's bootstrap block (empty without a bootstrap).
    public static func bootstrap(_ report: ComparisonReport) -> String {
        let blocks = [("A", report.a), ("B", report.b)].compactMap { label, side in
            ReportTables.bootstrap(side, label: label).map { "\(label): " + $0 }
        }
        guard !blocks.isEmpty else { return "" }
        return (["Support: the share of paired resamples (A and B resampled independently) showing the same instance"]
                + blocks).joined(separator: "\n\n")
    }

    private static func support(_ value: Double?) -> String {
        value.map { String(format: " (support %.2f)", $0) } ?? ""
    }

    private static func combination(_ coefficients: [Double], _ sources: [Int], _ label: String) -> String {
        zip(coefficients, sources).map { String(format: "%.2f", $0.0) + "·\(label)\($0.1 + 1)" }.joined(separator: " + ")
    }

    private static func list(_ indices: [Int], _ label: String) -> String {
        indices.isEmpty ? "none" : indices.map { "\(label)\($0 + 1)" }.joined(separator: ", ")
    }

    private static func pad(_ value: CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
