import Foundation

/// Everything that shapes a synthetic recording (all seeded, so the same
/// settings give the same file).
public struct SimulationSettings: Codable, Sendable, Equatable {
    /// Number of muscles m (≥ 2).
    public var muscles = 12
    /// Number of planted synergies k (1 … m).
    public var synergies = 4
    /// Sample rate, Hz (≥ 200).
    public var sampleRate = 2000.0
    /// Seconds.
    public var duration = 60.0
    /// Mean stride time in seconds (running: about 0.75 s) and its coefficient of variation.
    public var strideTime = 0.75
    /// Coefficient of variation of the stride time (0 … 0.2).
    public var strideVariability = 0.03
    /// Stance as a fraction of the stride (running: about 0.4).
    public var stanceFraction = 0.4
    /// Standard deviation of each synergy's Gaussian burst, as a fraction of the stride.
    public var burstWidth = 0.07
    /// Coefficient of variation of each burst's amplitude from stride to stride.
    public var amplitudeVariability = 0.1
    /// Additive white noise, standard deviation relative to the mean EMG amplitude.
    public var noise = 0.05
    /// Powerline hum amplitude relative to the mean EMG amplitude, and its frequency in Hz.
    public var humAmplitude = 0.05
    /// Hum frequency, Hz.
    public var humFrequency = 50.0
    /// Baseline drift (a slow sine plus an offset) amplitude relative to the mean EMG amplitude, and its frequency in Hz.
    public var driftAmplitude = 0.5
    /// Drift frequency, Hz.
    public var driftFrequency = 0.3
    /// Electrode gains: each muscle's whole signal is multiplied by a gain drawn
    /// log-uniform in [1/s, s], s this spread (2: gains 0.5–2, so a muscle's gain
    /// can differ 4-fold between two sessions either way; 1: every gain is 1).
    public var gainSpread = 2.0
    /// Sessions of one subject (a training pair, a study) share one set of gains,
    /// as when the electrodes stay in place; otherwise each session draws its own,
    /// as when they are taken off and put back between sessions.
    public var sameGains = false
    /// Seed of every random draw (weights, strides, noise, gains).
    public var seed: UInt64 = 1

    /// The default settings: 12 muscles, 4 synergies, 2000 Hz, 60 s of running.
    public init() {}

    /// The first problem with these settings, or nil.
    public var problem: String? {
        if muscles < 2 { return "a recording needs at least 2 muscles" }
        if synergies < 1 || synergies > muscles { return "synergies must be 1 to the number of muscles (\(muscles))" }
        if !(sampleRate >= 200) { return "the sample rate must be at least 200 Hz" }
        if !(strideTime > 0.2) { return "the stride time must be more than 0.2 s" }
        if !(duration >= 4 * strideTime) { return "the duration must hold at least 4 strides" }
        if !(stanceFraction > 0.1 && stanceFraction < 0.9) { return "the stance fraction must be between 0.1 and 0.9" }
        if !(strideVariability >= 0 && strideVariability < 0.2) { return "the stride variability must be 0 to 0.2" }
        if !(burstWidth > 0.01 && burstWidth < 0.5) { return "the burst width must be between 0.01 and 0.5" }
        if !(gainSpread >= 1 && gainSpread.isFinite) { return "the gain spread must be a finite number, 1 or more" }
        for (name, value) in [("noise", noise), ("hum amplitude", humAmplitude), ("drift amplitude", driftAmplitude),
                              ("amplitude variability", amplitudeVariability)] where !(value >= 0 && value.isFinite) {
            return "the \(name) must be 0 or more"
        }
        return nil
    }
}

/// A synthetic raw EMG recording with planted synergies and its ground truth.
///
/// Model (amplitude-modulated noise, e.g. Hogan & Mann 1980): muscle i's EMG is
/// xᵢ(t) = gᵢ·[eᵢ(t)·nᵢ(t) + σ·εᵢ(t) + h·sin(2π·f_h·t + θᵢ) + d·(1 + sin(2π·f_d·t + ψᵢ))],
/// with gᵢ > 0 the electrode gain (skin, placement, fat and amplifier scale all
/// the electrode picks up; drawn log-uniform in [1/s, s], s = `gainSpread`), envelope eᵢ = 0.02 + Σⱼ Wᵢⱼ·cⱼ(t), n and ε white Gaussian noise, and
/// synergy j's activation cⱼ a Gaussian burst centred at phase (j + ½)/k of every
/// stride, its amplitude varying from stride to stride. Each synergy weights
/// ⌈m/k⌉ muscles strongly (0.5–1) and the rest weakly (0–0.1); W's columns are unit vectors.
public struct SyntheticRecording: Sendable {
    /// The settings it was drawn with.
    public var settings: SimulationSettings
    /// The raw EMG, one channel per muscle, named by `muscleName(_:)`.
    public var recording: EMGRecording
    /// Every stride's touchdown and lift-off, s.
    public var events: GaitEvents
    /// The planted W, muscles × synergies, unit columns.
    public var weights: Matrix
    /// Burst centres as fractions of the stride.
    public var phases: [Double]
    /// Each muscle's electrode gain gᵢ.
    public var gains: [Double]

    /// Muscle names: the 15 of Cheung et al. (2020), then M16, M17, ….
    public static let muscleNames = ["LatDor", "EO", "RA", "ES", "GLUT", "TFL", "VM", "VL", "RF", "HAM", "TA",
                                     "MGN", "LGN", "SOL", "PL"]

    /// A standard normal draw (Box–Muller).
    static func gaussian(_ random: inout SeededGenerator) -> Double {
        let u = random.nextOpenUnit(), v = random.nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// The name of muscle `index`: the paper's 15, then M16, M17, ….
    public static func muscleName(_ index: Int) -> String {
        index < muscleNames.count ? muscleNames[index] : "M\(index + 1)"
    }

    /// A recording with synergies planted as the settings say.
    public init(_ settings: SimulationSettings) {
        var random = SeededGenerator(seed: settings.seed)
        let planted = Self.plantedWeights(settings, &random)
        self.init(settings, weights: planted, phases: Self.evenPhases(settings.synergies), gains: Self.gains(settings),
                  random: &random)
    }

    /// A recording of the given synergies (`weights` muscles × k with unit
    /// columns, `phases` their burst centres as fractions of the stride) and
    /// electrode `gains` (nil: drawn as `gains(_:)` draws them).
    public init(_ settings: SimulationSettings, weights: Matrix, phases: [Double], gains: [Double]? = nil) {
        var random = SeededGenerator(seed: settings.seed)
        self.init(settings, weights: weights, phases: phases, gains: gains ?? Self.gains(settings), random: &random)
    }

    /// The stream the gains are drawn from, apart from the strides' and noise's, so
    /// that a recording's other draws do not depend on its gains.
    static let gainStream = 0x6761_696E  // "gain"

    /// Electrode gains log-uniform in [1/s, s], s = `settings.gainSpread`, one per
    /// muscle: s^(2u − 1), u uniform on [0, 1), from a generator of their own derived
    /// from the settings' seed (all 1 when s = 1).
    public static func gains(_ settings: SimulationSettings) -> [Double] {
        var random = SeededGenerator(seed: settings.seed, rank: gainStream, replicate: 0)
        return gains(settings, &random)
    }

    /// Gains as `gains(_:)` draws them, from `random`.
    static func gains(_ settings: SimulationSettings, _ random: inout SeededGenerator) -> [Double] {
        let spread = log(settings.gainSpread)
        return (0..<settings.muscles).map { _ in exp((2 * random.nextUnit() - 1) * spread) }
    }

    /// Burst centres (j + ½)/k: the k synergies spread evenly over the stride.
    public static func evenPhases(_ k: Int) -> [Double] { (0..<k).map { (Double($0) + 0.5) / Double(k) } }

    /// W: muscle i is strong (0.5–1) in synergy i mod k after a seeded shuffle of
    /// the muscles, weak (0–0.1) in the others; unit columns.
    static func plantedWeights(_ settings: SimulationSettings, _ random: inout SeededGenerator) -> Matrix {
        let (m, k) = (settings.muscles, settings.synergies)
        let order = (0..<m).shuffled(using: &random)
        var w = Matrix(rows: m, columns: k)
        for (position, i) in order.enumerated() {
            for j in 0..<k { w[i, j] = position % k == j ? 0.5 + 0.5 * random.nextUnit() : 0.1 * random.nextUnit() }
        }
        return unitColumns(w)
    }

    static func unitColumns(_ matrix: Matrix) -> Matrix {
        var w = matrix
        for j in 0..<w.columns {
            let norm = (0..<w.rows).reduce(0) { $0 + w[$1, j] * w[$1, j] }.squareRoot()
            for i in 0..<w.rows { w[i, j] /= norm }
        }
        return w
    }

    private init(_ settings: SimulationSettings, weights w: Matrix, phases: [Double], gains: [Double],
                 random: inout SeededGenerator) {
        precondition(settings.problem == nil, settings.problem ?? "")
        precondition(w.rows == settings.muscles && w.columns == phases.count)
        precondition(gains.count == settings.muscles && gains.allSatisfy { $0 > 0 && $0.isFinite })
        self.settings = settings
        self.gains = gains
        func gaussian() -> Double { Self.gaussian(&random) }
        let (m, k) = (settings.muscles, w.columns)
        let names = (0..<m).map(Self.muscleName)
        weights = w
        self.phases = phases

        // Strides: touchdowns from 0.5 s on, lift-off at the stance fraction.
        var touchdowns = [Double](), liftoffs = [Double]()
        var time = 0.5
        var amplitudes = [[Double]]()
        while true {
            let stride = settings.strideTime * max(0.5, 1 + settings.strideVariability * gaussian())
            guard time + stride < settings.duration - 0.5 else { break }
            touchdowns.append(time)
            liftoffs.append(time + settings.stanceFraction * stride)
            amplitudes.append((0..<k).map { _ in max(0.2, 1 + settings.amplitudeVariability * gaussian()) })
            time += stride
        }
        // The last touchdown starts a stride the recording cuts short; its lift-off still falls inside.
        touchdowns.append(time)
        liftoffs.append(time + settings.stanceFraction * settings.strideTime)
        events = GaitEvents(touchdowns: touchdowns, liftoffs: liftoffs)

        let count = Int(settings.duration * settings.sampleRate)
        var activations = [[Double]](repeating: [Double](repeating: 0, count: count), count: k)
        for s in 0..<(touchdowns.count - 1) {
            let (start, end) = (touchdowns[s], touchdowns[s + 1])
            let stride = end - start
            // Bursts spill over into the neighbouring strides, so evaluate ±½ stride around this one.
            let first = max(0, Int(((start - stride / 2) * settings.sampleRate).rounded(.up)))
            let last = min(count - 1, Int(((end + stride / 2) * settings.sampleRate).rounded(.down)))
            guard first <= last else { continue }
            for n in first...last {
                let phase = (Double(n) / settings.sampleRate - start) / stride
                for j in 0..<k {
                    let distance = (phase - phases[j]) / settings.burstWidth
                    if abs(distance) < 6 { activations[j][n] += amplitudes[s][j] * exp(-0.5 * distance * distance) }
                }
            }
        }
        var channels = [[Double]](repeating: [Double](repeating: 0.02, count: count), count: m)
        for i in 0..<m {
            for j in 0..<k {
                let weight = w[i, j]
                for n in 0..<count { channels[i][n] += weight * activations[j][n] }
            }
        }
        // The unit the noise, hum and drift amplitudes are relative to: the mean envelope.
        let reference = channels.reduce(0) { $0 + $1.reduce(0, +) } / Double(m * count)
        // The electrode's gain scales everything it picks up: EMG, noise, hum and drift.
        for i in 0..<m {
            let hum = 2 * Double.pi * random.nextUnit(), drift = 2 * Double.pi * random.nextUnit()
            let gain = gains[i]
            for n in 0..<count {
                let t = Double(n) / settings.sampleRate
                channels[i][n] = gain * (channels[i][n] * gaussian() + reference * (settings.noise * gaussian()
                    + settings.humAmplitude * sin(2 * Double.pi * settings.humFrequency * t + hum)
                    + settings.driftAmplitude * (1 + sin(2 * Double.pi * settings.driftFrequency * t + drift))))
            }
        }
        var fileEvents = [RecordingEvent]()
        for (s, touchdown) in touchdowns.enumerated() {
            fileEvents.append(RecordingEvent(label: "Foot Strike", context: "Right", time: touchdown))
            fileEvents.append(RecordingEvent(label: "Foot Off", context: "Right", time: liftoffs[s]))
        }
        recording = EMGRecording(path: "", sha256: "", channelNames: names, sampleRate: settings.sampleRate,
                                 startTime: 0, channels: channels, events: fileEvents)
    }
}
