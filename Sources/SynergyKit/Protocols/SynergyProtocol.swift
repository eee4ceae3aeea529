/// A named set of every parameter of the pipeline, so that a run is fully
/// described by its protocol, its inputs and its seed (the JSON output embeds all three).
public struct SynergyProtocol: Codable, Sendable, Equatable {
    /// The presets: `cheung2020` and `santuz`.
    public enum Name: String, Codable, Sendable, CaseIterable {
        /// `SynergyProtocol.cheung2020`.
        case cheung2020
        /// `SynergyProtocol.santuz`.
        case santuz
    }

    /// Which preset this protocol is (options may have changed its values).
    public var name: Name
    /// Raw EMG → envelope (skipped for `--input envelope`).
    public var preprocessing: PreprocessingSettings
    /// The factorisation of each rank: solver, replicates, stopping rule, starts, R² centring.
    public var factorization: FactorizationSettings
    /// The highest rank a rank sweep fits.
    public var maxRank: MaxRankRule
    /// How the number of synergies is chosen from the sweep.
    public var criterion: RankCriterion

    /// A protocol from its parts.
    public init(name: Name, preprocessing: PreprocessingSettings, factorization: FactorizationSettings,
                maxRank: MaxRankRule, criterion: RankCriterion) {
        self.name = name
        self.preprocessing = preprocessing
        self.factorization = factorization
        self.maxRank = maxRank
        self.criterion = criterion
    }

    /// The preset `name`: `cheung2020` or `santuz`.
    public static func named(_ name: Name) -> SynergyProtocol {
        switch name {
        case .cheung2020: cheung2020
        case .santuz: santuz
        }
    }

    /// Cheung et al. (2020) Nat Commun 11:4356. Preprocessing over the whole
    /// session: FIR high-pass 50 Hz, full-wave rectification, FIR low-pass 20 Hz
    /// (both windowed-sinc, Hamming, zero-phase; the paper states no order),
    /// negative values to 0, mean over consecutive 20 ms bins, unit variance.
    /// Factorisation: Lee–Seung updates, 20 replicates
    /// started uniformly on (0, max D), stop when |ΔR²| < 1e-5 for 20 consecutive
    /// iterations, R² centred on each muscle's mean, ranks 1…m, and the number of
    /// synergies is the smallest rank with R² ≥ 0.80. The paper states no
    /// iteration cap; 20 000 is ours, and so is single precision for the work over
    /// samples (`FactorizationPrecision`; MATLAB's double is `.double`).
    public static let cheung2020 = SynergyProtocol(
        name: .cheung2020,
        preprocessing: PreprocessingSettings(
            demean: false, highPass: FilterStep(design: .fir, cutoff: 50), lowPass: FilterStep(design: .fir, cutoff: 20),
            edgePadding: .odd, floor: .zero, subtractMinimum: false, binWidth: 0.020,
            amplitude: .unitVariance, cycles: nil),
        factorization: FactorizationSettings(
            algorithm: .multiplicative, replicates: 20, maxIterations: 20_000,
            stopping: StoppingRule(kind: .consecutiveSmallChanges, threshold: 1e-5, window: 20),
            initialisation: .uniformZeroToMax, r2Centring: .muscleMean,
            normaliseWeightsEachIteration: false, replaceNonPositive: false),
        maxRank: .allMuscles,
        criterion: RankCriterion(kind: .r2, threshold: 0.80))

    /// musclesyneRgies (Santuz et al. 2017, 2020). filtEMG: demean, Butterworth
    /// high-pass 4th order 50 Hz and, after full-wave rectification, low-pass 4th
    /// order 20 Hz, both forward-backward as R `signal::filtfilt`; values ≤ 0 to
    /// the smallest positive value, minus each muscle's minimum, divided by its
    /// maximum. normEMG: cycles from touchdowns, first and last dropped, stance and
    /// swing each resampled to 100 points. synsNMF: 5 replicates started
    /// uniformly on [min D, max D] after values ≤ 0 are replaced by the smallest
    /// positive one, W columns normalised every iteration, stop when R² gained
    /// less than 0.01 % of R² over the last 20 iterations or at 1000, R² centred
    /// on the grand mean, ranks 1…m − round(m/4), and the number of synergies by
    /// curve linearity (line-fit MSE ≤ 1e-4). The work over samples is in single
    /// precision (`FactorizationPrecision`; R's double is `.double`).
    public static let santuz = SynergyProtocol(
        name: .santuz,
        preprocessing: PreprocessingSettings(
            demean: true, highPass: FilterStep(design: .butterworth, cutoff: 50, order: 4),
            lowPass: FilterStep(design: .butterworth, cutoff: 20, order: 4), edgePadding: .zeroTail,
            floor: .smallestPositive, subtractMinimum: true, binWidth: nil, amplitude: .trialMaximum,
            cycles: CycleSettings(pointsPerPhase: [100, 100], dropFirstAndLast: true)),
        factorization: FactorizationSettings(
            algorithm: .multiplicative, replicates: 5, maxIterations: 1000,
            stopping: StoppingRule(kind: .relativeGainOverWindow, threshold: 1e-4, window: 20),
            initialisation: .uniformMinToMax, r2Centring: .grandMean,
            normaliseWeightsEachIteration: true, replaceNonPositive: true),
        maxRank: .musclesLessAQuarter,
        criterion: RankCriterion(kind: .linearity, threshold: 1e-4))
}

/// The highest rank of a sweep, as a function of the number of muscles m.
public enum MaxRankRule: String, Codable, Sendable {
    /// m.
    case allMuscles = "all_muscles"
    /// m − round(m/4), rounding halves to even as R does (m = 10 → 8, 13 → 10, 14 → 10).
    case musclesLessAQuarter = "muscles_less_a_quarter"

    /// The highest rank for m = `muscles` (at least 1).
    public func maxRank(muscles: Int) -> Int {
        switch self {
        case .allMuscles: muscles
        case .musclesLessAQuarter: max(1, muscles - Int((Double(muscles) / 4).rounded(.toNearestOrEven)))
        }
    }
}
