/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast generator whose output
/// depends only on its seed, so every replicate's start can be re-drawn exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator started from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The generator of one replicate, seeded from (seed, rank, replicate) alone,
    /// so a replicate draws the same start whichever thread runs it and whatever
    /// else runs in the same call.
    public init(seed: UInt64, rank: Int, replicate: Int) {
        var mixer = SeededGenerator(seed: seed)
        let a = mixer.next()
        mixer = SeededGenerator(seed: a ^ UInt64(truncatingIfNeeded: rank))
        let b = mixer.next()
        mixer = SeededGenerator(seed: b ^ (UInt64(truncatingIfNeeded: replicate) &* 0x9E37_79B9_7F4A_7C15))
        state = mixer.next()
    }

    /// The next 64-bit output of SplitMix64.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on the open interval (0, 1): the 53-bit grid shifted by half a step.
    public mutating func nextOpenUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Uniform on [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
