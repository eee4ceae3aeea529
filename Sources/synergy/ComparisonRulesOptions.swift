import ArgumentParser
import SynergyKit

/// How two sets of synergies are matched, and when a merging or fractionation
/// counts: `compare`'s and `batch`'s options (`ComparisonRules`, by default
/// Cheung et al. 2020's).
struct ComparisonRulesOptions: ParsableArguments {
    @Option(help: "Similarity at or above which synergies match, and a merging or fractionation counts.")
    var similarity = ComparisonRules.cheung2020.similarityThreshold

    @Option(help: "Smallest coefficient of each synergy contributing to a merging or fractionation.")
    var coefficientMin = ComparisonRules.cheung2020.coefficientMinimum

    /// The old spelling of `batch` (renamed 2026-12): refused, naming the new flag.
    @Option(name: .customLong("similarity-threshold"), help: .hidden)
    var renamedSimilarityThreshold: String?

    func validate() throws {
        if renamedSimilarityThreshold != nil { throw ValidationError("--similarity-threshold was renamed: use --similarity") }
        if !(similarity > 0 && similarity <= 1) { throw ValidationError("--similarity must be in (0, 1]") }
        if !(coefficientMin >= 0 && coefficientMin.isFinite) { throw ValidationError("--coefficient-min must be 0 or more") }
    }

    /// The rules these options give.
    var rules: ComparisonRules { ComparisonRules(similarityThreshold: similarity, coefficientMinimum: coefficientMin) }
}
