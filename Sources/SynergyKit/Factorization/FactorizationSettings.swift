/// The update rule of the solver.
public enum UpdateRule: String, Codable, Sendable, CaseIterable {
    /// Lee & Seung (2001) multiplicative updates for the Euclidean cost ‖D − WC‖²:
    /// C ← C ∘ (WᵀD) ⊘ (WᵀW C), then W ← W ∘ (DCᵀ) ⊘ (W CCᵀ).
    case multiplicative = "mu"
    /// Hierarchical alternating least squares (Cichocki & Phan 2009): each row of
    /// C, then each column of W, is the exact non-negative least-squares update
    /// with the others held fixed.
    case hals
}

/// The floating-point precision of a solver's work over samples (the products
/// with D and C, and C itself); W, the k × k products, the error and R² are
/// always double.
public enum FactorizationPrecision: String, Codable, Sendable, CaseIterable {
    /// Single precision: twice the SIMD width and half the memory traffic of
    /// double, on D scaled by a power of two and with C floored at
    /// 1e-16 · max D·σ (HALS always works in single precision). The R² reported
    /// is that of the returned W and C, from the explicit residual; the running
    /// R² of the stopping rule is within about 1e-5 of double precision's from
    /// the same start, so the rule may fire some iterations apart.
    case single
    /// Double precision, for the multiplicative updates only: the trajectory of a
    /// plain double-precision implementation (`Scripts/reference/nmf_reference.py`)
    /// to 1e-10 in R², iteration by iteration.
    case double
}

/// How the random starting W and C are drawn.
public enum Initialisation: String, Codable, Sendable {
    /// Uniform on the open interval (0, max D) (Cheung et al. 2020).
    case uniformZeroToMax = "uniform_0_to_max"
    /// Uniform on [min D, max D] (musclesyneRgies::synsNMF).
    case uniformMinToMax = "uniform_min_to_max"
}

/// What R² = 1 − SSE/SST is centred on.
public enum R2Centring: String, Codable, Sendable {
    /// SST = Σᵢⱼ (Dᵢⱼ − mean of muscle i)² (Cheung et al. 2020).
    case muscleMean = "muscle_mean"
    /// SST = Σᵢⱼ (Dᵢⱼ − mean of D)² (musclesyneRgies).
    case grandMean = "grand_mean"
}

/// When a replicate stops iterating.
public struct StoppingRule: Codable, Sendable, Equatable {
    /// Which rule: the change of R² over consecutive iterations, or relative to `window` iterations back.
    public enum Kind: String, Codable, Sendable {
        /// Stop once |R²ₜ − R²ₜ₋₁| < `threshold` for `window` consecutive iterations
        /// (Cheung et al. 2020: 1e-5, 20).
        case consecutiveSmallChanges = "consecutive_small_changes"
        /// Stop at iteration t > `window` once R²ₜ − R²ₜ₋window < R²ₜ · `threshold`
        /// (musclesyneRgies: 1e-4, i.e. 0.01 %, over 20 iterations).
        case relativeGainOverWindow = "relative_gain_over_window"
    }
    /// Which rule.
    public var kind: Kind
    /// The rule's threshold on the change of R² (absolute, or relative for `relativeGainOverWindow`).
    public var threshold: Double
    /// Iterations the rule looks over.
    public var window: Int

    /// A stopping rule of this kind, threshold and window.
    public init(kind: Kind, threshold: Double, window: Int) {
        self.kind = kind
        self.threshold = threshold
        self.window = window
    }
}

/// Every parameter of one factorisation run of a rank: the part of a protocol
/// that the Factorization stage reads.
public struct FactorizationSettings: Codable, Sendable, Equatable {
    /// Multiplicative updates or HALS.
    public var algorithm: UpdateRule
    /// The precision of the work over samples (`.double` for the multiplicative updates only).
    public var precision: FactorizationPrecision
    /// Random starts per rank; the one with the highest R² is kept.
    public var replicates: Int
    /// Iteration cap per replicate; a replicate it stops is reported as not converged.
    public var maxIterations: Int
    /// When a replicate stops before the cap.
    public var stopping: StoppingRule
    /// How the random starting W and C are drawn.
    public var initialisation: Initialisation
    /// What the R² is centred on.
    public var r2Centring: R2Centring
    /// Scale W's columns to unit norm (C's rows by the inverse) after every
    /// iteration from the second on, as musclesyneRgies does.
    public var normaliseWeightsEachIteration: Bool
    /// Replace values ≤ 0 in D by the smallest positive value before fitting,
    /// as musclesyneRgies does.
    public var replaceNonPositive: Bool

    /// Settings from every parameter; a protocol's preset holds its paper's values (`SynergyProtocol.named(_:)`).
    public init(algorithm: UpdateRule, precision: FactorizationPrecision = .single, replicates: Int,
                maxIterations: Int, stopping: StoppingRule, initialisation: Initialisation, r2Centring: R2Centring,
                normaliseWeightsEachIteration: Bool, replaceNonPositive: Bool) {
        self.algorithm = algorithm
        self.precision = precision
        self.replicates = replicates
        self.maxIterations = maxIterations
        self.stopping = stopping
        self.initialisation = initialisation
        self.r2Centring = r2Centring
        self.normaliseWeightsEachIteration = normaliseWeightsEachIteration
        self.replaceNonPositive = replaceNonPositive
    }

    /// Whether the update rule works in this precision: HALS only in single.
    public var precisionIsSupported: Bool { algorithm == .multiplicative || precision == .single }

    private enum CodingKeys: String, CodingKey {
        case algorithm, precision, replicates, maxIterations, stopping, initialisation, r2Centring,
             normaliseWeightsEachIteration, replaceNonPositive
    }

    /// Decodes settings; those written before `precision` existed (without it)
    /// get the precision their update rule then had: double for the
    /// multiplicative updates, single for HALS.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try container.decode(UpdateRule.self, forKey: .algorithm)
        precision = try container.decodeIfPresent(FactorizationPrecision.self, forKey: .precision)
            ?? (algorithm == .multiplicative ? .double : .single)
        replicates = try container.decode(Int.self, forKey: .replicates)
        maxIterations = try container.decode(Int.self, forKey: .maxIterations)
        stopping = try container.decode(StoppingRule.self, forKey: .stopping)
        initialisation = try container.decode(Initialisation.self, forKey: .initialisation)
        r2Centring = try container.decode(R2Centring.self, forKey: .r2Centring)
        normaliseWeightsEachIteration = try container.decode(Bool.self, forKey: .normaliseWeightsEachIteration)
        replaceNonPositive = try container.decode(Bool.self, forKey: .replaceNonPositive)
    }
}
