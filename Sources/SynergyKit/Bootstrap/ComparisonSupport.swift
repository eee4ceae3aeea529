/// The support of each match, merging and fractionation between two sessions:
/// the share of paired resamples (resample b of A with resample b of B, drawn
/// independently) in which the same instance is found. In each pair, the
/// resamples' synergies are compared by the full comparison's rules, and
/// every resample synergy is read as the full-data synergy it was matched to
/// (`SessionBootstrap.Resample.matchedTo`); an instance is the same when its
/// synergies map onto the full-data instance's: a match onto the same pair, a
/// merging onto the same B synergy from the same set of A's, a fractionation
/// onto the same A synergy into the same set of B's.
public struct ComparisonSupport: Sendable, Equatable {
    /// In the order of the full comparison's `matches`, `merging` and `fractionation`.
    public var matches: [Double]
    /// In the order of the full comparison's `merging`.
    public var merging: [Double]
    /// In the order of the full comparison's `fractionation`.
    public var fractionation: [Double]

    /// Pairs resample b of `a` with resample b of `b` and counts, for each instance of `comparison`, the pairs that find it; throws when a paired comparison cannot be made.
    public init(_ comparison: SynergyComparison, a: [SessionBootstrap.Resample], b: [SessionBootstrap.Resample]) throws {
        precondition(a.count == b.count && !a.isEmpty)
        struct Instance: Hashable { var targets: [Int]; var sources: [Int] }
        var seen = (matches: [Instance: Int](), merging: [Instance: Int](), fractionation: [Instance: Int]())
        for (resampleA, resampleB) in zip(a, b) {
            let paired = try SynergyComparison(a: resampleA.weights, b: resampleB.weights, rules: comparison.rules)
            let (mapA, mapB) = (resampleA.matchedTo, resampleB.matchedTo)
            for match in Set(paired.matches.map { Instance(targets: [mapA[$0.a]], sources: [mapB[$0.b]]) }) {
                seen.matches[match, default: 0] += 1
            }
            for merging in Set(paired.merging.map { Instance(targets: [mapB[$0.target]], sources: $0.sources.map { mapA[$0] }.sorted()) }) {
                seen.merging[merging, default: 0] += 1
            }
            for fractionation in Set(paired.fractionation.map {
                Instance(targets: [mapA[$0.target]], sources: $0.sources.map { mapB[$0] }.sorted())
            }) {
                seen.fractionation[fractionation, default: 0] += 1
            }
        }
        let total = Double(a.count)
        matches = comparison.matches.map { Double(seen.matches[Instance(targets: [$0.a], sources: [$0.b])] ?? 0) / total }
        merging = comparison.merging.map { Double(seen.merging[Instance(targets: [$0.target], sources: $0.sources)] ?? 0) / total }
        fractionation = comparison.fractionation.map {
            Double(seen.fractionation[Instance(targets: [$0.target], sources: $0.sources)] ?? 0) / total
        }
    }
}
