/// Two synthetic sessions of one runner with a known change of synergies
/// between them, the test bed for `compare`: the novice (earlier) session has
/// the settings' k planted synergies; in the trained (later) session
///
/// - novice synergy 0 is fractionated: its strong muscles are split into two
///   halves, each a synergy of its own (the parent's weights with the other
///   half's strong muscles dropped to a tenth), bursting a quarter of the spacing 1/k
///   before and after the original phase;
/// - novice synergies k−2 and k−1 are merged: one synergy with weights
///   w_{k−2} + w_{k−1} (unit norm), bursting midway between their phases;
/// - the others are kept, weights and phases unchanged.
///
/// The trained session is listed as: kept (novice 1…k−3), the two fractions,
/// the merged synergy; so it also has k synergies. Its recording draws its own
/// strides and noise (seed + 1), and its own electrode gains unless
/// `settings.sameGains` (electrodes left in place) gives it the novice's.
public struct SyntheticTrainingPair: Sendable {
    /// The earlier session: the settings' k planted synergies.
    public var novice: SyntheticRecording
    /// The later session, with the planted change.
    public var trained: SyntheticRecording
    /// Novice synergy → trained synergy, for the kept ones.
    public var kept: [(novice: Int, trained: Int)]
    /// The fractionated novice synergy and its two trained fractions.
    public var fractionated: (novice: Int, trained: [Int])
    /// The merged novice synergies and the trained synergy they became.
    public var merged: (novice: [Int], trained: Int)

    /// Why these settings cannot plant the change, or nil.
    public static func problem(_ settings: SimulationSettings) -> String? {
        if let problem = settings.problem { return problem }
        if settings.synergies < 3 { return "a training change needs at least 3 synergies (one fractionated, two merged)" }
        if settings.muscles < 2 * settings.synergies {
            return "a training change needs at least twice as many muscles as synergies, so that the fractionated "
                + "synergy has two strong muscles to split"
        }
        return nil
    }

    /// Plants the change in a pair drawn from `settings` (they must have no `problem(_:)`).
    public init(_ settings: SimulationSettings) {
        precondition(Self.problem(settings) == nil, Self.problem(settings) ?? "")
        novice = SyntheticRecording(settings)
        let (m, k) = (settings.muscles, settings.synergies)
        let w = novice.weights, phases = novice.phases

        // Fractions: the strong muscles of synergy 0, split in two. Strong weights
        // (0.5–1 before scaling) are at least half the largest, weak ones (≤ 0.1) at most a fifth.
        let largest = (0..<m).map { w[$0, 0] }.max()!
        let strong = (0..<m).filter { w[$0, 0] > 0.35 * largest }.sorted { w[$0, 0] > w[$1, 0] }
        let halves = [strong.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
                      strong.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)]
        let spacing = 1 / Double(k)
        var columns = [[Double]](), trainedPhases = [Double]()
        var keptPairs = [(novice: Int, trained: Int)]()
        for j in 1..<(k - 2) {
            keptPairs.append((j, columns.count))
            columns.append(w.column(j))
            trainedPhases.append(phases[j])
        }
        var fractions = [Int]()
        for (h, half) in halves.enumerated() {
            fractions.append(columns.count)
            // The parent's weights, the other half's strong muscles dropped to a tenth (the weak range).
            columns.append((0..<m).map { i in strong.contains(i) && !half.contains(i) ? 0.1 * w[i, 0] : w[i, 0] })
            trainedPhases.append(phases[0] + (Double(h) - 0.5) * spacing / 2)
        }
        let mergedIndex = columns.count
        columns.append((0..<m).map { w[$0, k - 2] + w[$0, k - 1] })
        trainedPhases.append((phases[k - 2] + phases[k - 1]) / 2)

        var trainedSettings = settings
        trainedSettings.seed = settings.seed &+ 1
        let trainedWeights = SyntheticRecording.unitColumns(Matrix(rows: m, columns: columns.count,
                                                                   elements: columns.flatMap { $0 }))
        trained = SyntheticRecording(trainedSettings, weights: trainedWeights, phases: trainedPhases,
                                     gains: settings.sameGains ? novice.gains : nil)
        kept = keptPairs
        fractionated = (0, fractions)
        merged = ([k - 2, k - 1], mergedIndex)
    }
}
