/// Every parameter of the preprocessing chain, raw EMG → envelope matrix D.
/// The steps run in this order, each skipped when its setting is off:
/// demean → high-pass → full-wave rectification → low-pass → floor and
/// minimum → bins → amplitude normalisation → cycles.
public struct PreprocessingSettings: Codable, Sendable, Equatable {
    /// Subtract each channel's mean first.
    public var demean: Bool
    /// High-pass filter before rectification (nil: none).
    public var highPass: FilterStep?
    /// Low-pass filter after rectification, making the envelope (nil: none).
    public var lowPass: FilterStep?
    /// How the zero-phase filters treat the ends of the signal.
    public var edgePadding: EdgePadding
    /// What replaces values that filtering left below zero (an envelope must be non-negative).
    public var floor: EnvelopeFloor
    /// Subtract each channel's minimum.
    public var subtractMinimum: Bool
    /// Average into consecutive bins of this many seconds (nil: keep every sample).
    public var binWidth: Double?
    /// How each muscle's envelope is scaled.
    public var amplitude: AmplitudeNormalisation
    /// Cut into gait cycles and resample each (nil: the whole session, no segmentation).
    public var cycles: CycleSettings?

    /// These settings with every default that depends on the sample rate made explicit (FIR lengths).
    public func resolved(sampleRate: Double) -> PreprocessingSettings {
        var copy = self
        for keyPath in [\PreprocessingSettings.highPass, \.lowPass] where copy[keyPath: keyPath]?.design == .fir {
            if copy[keyPath: keyPath]?.taps == nil { copy[keyPath: keyPath]?.taps = FilterStep.defaultFIRTaps(sampleRate: sampleRate) }
        }
        return copy
    }

    /// Settings from every step's parameter.
    public init(demean: Bool, highPass: FilterStep?, lowPass: FilterStep?, edgePadding: EdgePadding,
                floor: EnvelopeFloor, subtractMinimum: Bool, binWidth: Double?,
                amplitude: AmplitudeNormalisation, cycles: CycleSettings?) {
        self.demean = demean
        self.highPass = highPass
        self.lowPass = lowPass
        self.edgePadding = edgePadding
        self.floor = floor
        self.subtractMinimum = subtractMinimum
        self.binWidth = binWidth
        self.amplitude = amplitude
        self.cycles = cycles
    }
}

/// One zero-phase filter of the chain.
public struct FilterStep: Codable, Sendable, Equatable {
    /// The filter's design.
    public enum Design: String, Codable, Sendable, CaseIterable {
        /// Windowed-sinc FIR (Hamming window), applied forward and backward.
        case fir
        /// Butterworth IIR, applied forward and backward.
        case butterworth
    }

    /// FIR or Butterworth.
    public var design: Design
    /// Cutoff frequency in Hz.
    public var cutoff: Double
    /// Butterworth order (each pass; forward-backward doubles it).
    public var order: Int?
    /// FIR length in taps; nil means `FilterStep.defaultFIRTaps(sampleRate:)`.
    public var taps: Int?

    /// A filter step; give `order` for Butterworth, `taps` for FIR (nil: the default for the rate).
    public init(design: Design, cutoff: Double, order: Int? = nil, taps: Int? = nil) {
        self.design = design
        self.cutoff = cutoff
        self.order = order
        self.taps = taps
    }

    /// Default FIR length: 0.1 s of samples, made odd (101 taps at 1000 Hz,
    /// 201 at 2000 Hz); with a Hamming window the transition band is then
    /// about 3.3/0.1 s = 33 Hz wide at any sample rate.
    /// Saturates at 2³¹ − 1, so that an absurd rate is refused as longer than
    /// the recording rather than trapping.
    public static func defaultFIRTaps(sampleRate: Double) -> Int {
        let taps = Int(min((0.1 * sampleRate).rounded(), Double(Int32.max - 1)))
        return max(3, taps % 2 == 0 ? taps + 1 : taps)
    }
}

/// What a zero-phase (forward-backward) filter assumes beyond the ends of the signal.
public enum EdgePadding: String, Codable, Sendable, CaseIterable {
    /// SciPy's `filtfilt`/`sosfiltfilt` default: odd extension by 3 × the filter
    /// length, with steady-state initial conditions.
    case odd
    /// R `signal::filtfilt` (used by musclesyneRgies): zeros appended after the
    /// end (2 × the filter length), zero initial state, no extension at the start.
    case zeroTail = "zero_tail"
}

/// The floor under a filtered envelope (a low-pass filter rings below zero near sharp bursts).
public enum EnvelopeFloor: String, Codable, Sendable, CaseIterable {
    /// Negative values become 0.
    case zero
    /// Values ≤ 0 become the smallest positive value of the whole matrix (musclesyneRgies).
    case smallestPositive = "smallest_positive"
}

/// Scaling of each muscle's envelope.
public enum AmplitudeNormalisation: String, Codable, Sendable, CaseIterable {
    /// Divide by the standard deviation (n − 1) over the session.
    case unitVariance = "unit_variance"
    /// Divide by the maximum over the session.
    case trialMaximum = "trial_maximum"
    /// No scaling.
    case none
}

/// Time normalisation by gait cycle.
public struct CycleSettings: Codable, Sendable, Equatable {
    /// Points per phase: [stance, swing] when lift-offs are given (santuz: [100, 100]),
    /// or a single count for the whole cycle.
    public var pointsPerPhase: [Int]
    /// Drop the first and the last cycle (filter edge effects).
    public var dropFirstAndLast: Bool

    /// Cycles of `pointsPerPhase` points per phase, the first and last dropped if asked.
    public init(pointsPerPhase: [Int], dropFirstAndLast: Bool) {
        self.pointsPerPhase = pointsPerPhase
        self.dropFirstAndLast = dropFirstAndLast
    }
}
