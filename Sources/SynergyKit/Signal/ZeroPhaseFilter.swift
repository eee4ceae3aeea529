import Foundation

/// A filter applied forward and then backward over a signal, so the result has
/// no phase shift and the filter's magnitude response squared, with SciPy's
/// default edge handling: the signal is extended at each end by `padding`
/// samples of its odd reflection, x[−i] = 2x[0] − x[i] (`odd_ext`), each pass
/// starts in the filter's steady state for a constant input equal to its first
/// sample, and the extension is cut off again.
public protocol ZeroPhaseFilter: Sendable {
    /// SciPy's default `padlen`: the number of reflected samples added at each end.
    /// A signal must be longer than this.
    var padding: Int { get }

    /// The zero-phase filtered signal, as long as the input.
    func zeroPhase(_ signal: [Double]) throws -> [Double]

    /// Every channel filtered exactly as `zeroPhase(_:)` filters it, on up to
    /// `threads` threads (one channel per thread at a time). All channels are
    /// checked before any is filtered.
    func zeroPhase(channels: [[Double]], threads: Int) throws -> [[Double]]
}

extension ZeroPhaseFilter {
    /// Every channel filtered, on as many threads as the machine has cores.
    public func zeroPhase(channels: [[Double]]) throws -> [[Double]] {
        try zeroPhase(channels: channels, threads: ProcessInfo.processInfo.activeProcessorCount)
    }
}

private func checkLength(_ count: Int, padding: Int) throws {
    guard count > padding else {
        throw SignalError("a signal of \(count) samples is too short for zero-phase filtering with this filter: "
            + "it needs more than \(padding) samples (the reflected padding at each end)")
    }
}

/// `transform` applied to every channel (all lengths checked first), the
/// channels shared out among threads.
private func mapChannels(_ channels: [[Double]], padding: Int, threads: Int,
                         _ transform: @Sendable ([Double]) -> [Double]) throws -> [[Double]] {
    for channel in channels { try checkLength(channel.count, padding: padding) }
    return parallelMap(count: channels.count, workers: threads) { transform(channels[$0]) }
}

/// `signal` with `count` samples of odd reflection before and after it:
/// 2x[0] − x[count … 1], x, 2x[L−1] − x[L−2 … L−1−count] (SciPy's `odd_ext`).
private func oddExtension(_ signal: [Double], by count: Int) -> [Double] {
    let length = signal.count
    precondition(count < length)
    return [Double](unsafeUninitializedCapacity: length + 2 * count) { extended, initialized in
        signal.withUnsafeBufferPointer { x in
            let (first, last) = (x[0], x[length - 1])
            for i in 0..<count {
                extended[i] = 2 * first - x[count - i]
                extended[count + length + i] = 2 * last - x[length - 2 - i]
            }
            _ = UnsafeMutableBufferPointer(rebasing: extended[count..<(count + length)]).initialize(from: x)
        }
        initialized = extended.count
    }
}

extension SecondOrderSections: ZeroPhaseFilter {
    /// `sosfiltfilt`'s default padlen, 3·(2·sections + 1 − min(#{b₂ = 0}, #{a₂ = 0})).
    public var padding: Int {
        let zeroB2 = sections.count(where: { $0.b2 == 0 }), zeroA2 = sections.count(where: { $0.a2 == 0 })
        return 3 * (2 * sections.count + 1 - min(zeroB2, zeroA2))
    }

    /// `scipy.signal.sosfiltfilt(sos, x)` (padtype 'odd', default padlen): the
    /// odd extension e is filtered forward from the state `sosfilt_zi`·e[0],
    /// the result backward from `sosfilt_zi`·(its last value), and the
    /// padding is removed.
    public func zeroPhase(_ signal: [Double]) throws -> [Double] {
        try checkLength(signal.count, padding: padding)
        return filteredTwice(signal)
    }

    /// Every channel through `sosfiltfilt`, as `zeroPhase(_:)`; throws `SignalError` when a channel is not longer than `padding`.
    public func zeroPhase(channels: [[Double]], threads: Int) throws -> [[Double]] {
        try mapChannels(channels, padding: padding, threads: threads) { filteredTwice($0) }
    }

    private func filteredTwice(_ signal: [Double]) -> [Double] {
        let pad = padding
        var extended = oddExtension(signal, by: pad)
        let steady = steadyState
        extended.withUnsafeMutableBufferPointer { buffer in
            var state = steady.map { $0 * buffer[0] }
            state.withUnsafeMutableBufferPointer { run(buffer, backwards: false, state: $0) }
            state = steady.map { $0 * buffer[buffer.count - 1] }
            state.withUnsafeMutableBufferPointer { run(buffer, backwards: true, state: $0) }
        }
        return Array(extended[pad..<(pad + signal.count)])
    }
}

extension FIRFilter: ZeroPhaseFilter {
    /// `filtfilt`'s default padlen for an FIR filter, 3·N.
    public var padding: Int { 3 * taps.count }

    /// `scipy.signal.filtfilt(taps, [1.0], x)` (padtype 'odd', padlen 3N,
    /// `lfilter_zi` initial conditions), computed as one correlation.
    ///
    /// Each pass starts in the steady state of a constant input, so the passes
    /// act as if the extended signal continued with its end values for ever;
    /// but the extension is 3N long and every kept output depends only on
    /// extended samples within N − 1 of it, so the constant continuation never
    /// reaches the result. The kept outputs are therefore exactly
    /// y[n] = Σ_d r[|d|]·x̃[n + d], d = −(N − 1) … N − 1, where r[d] = Σₖ h[k]h[k + d]
    /// is the taps' autocorrelation and x̃ the odd extension of x. (Checked
    /// against SciPy to 1e-15 relative for lengths from 3N + 1 samples up.)
    public func zeroPhase(_ signal: [Double]) throws -> [Double] {
        try checkLength(signal.count, padding: padding)
        return FIRZeroPhaseKernel(taps).apply(to: signal)
    }

    /// Every channel through `filtfilt`, as `zeroPhase(_:)`; throws `SignalError` when a channel is not longer than `padding`.
    public func zeroPhase(channels: [[Double]], threads: Int) throws -> [[Double]] {
        let kernel = FIRZeroPhaseKernel(taps)
        return try mapChannels(channels, padding: padding, threads: threads) { kernel.apply(to: $0) }
    }
}

/// The correlation y[n] = Σₘ g[m]·e[n + m], m = 0 … P − 1 (P = 2N − 1), of the
/// extended signal e (N − 1 reflected samples at each end) with
/// g[m] = r[|m − N + 1|], by overlap-save FFT convolution: O(log P) work per
/// sample instead of the P multiply-adds of the direct sum.
///
/// Each block of M = 2^q ≥ 4P extended samples yields S = M − P + 1 outputs:
/// the circular correlation of the block with g, IFFT(FFT(block)·conj(FFT(g))),
/// is free of wrap-around at its first S points. Blocks are transformed eight
/// at a time: two real blocks form one complex sequence (as real and
/// imaginary part; g is real, so their results come back apart), and four
/// complex sequences fill the lanes of a `SIMD4<Double>`, so every butterfly
/// works on eight blocks at once. The forward transform decimates in
/// frequency (natural order in, bit-reversed out) and the inverse in time
/// (bit-reversed in, natural out), so no permutation is ever needed. Rounding
/// error is a few units of 1e-16 of the signal's magnitude.
private struct FIRZeroPhaseKernel: Sendable {
    /// Four lanes (the gathers below are written out for them).
    private typealias Lanes = FourierTransform.Lanes
    private static let lanes = 4
    /// Blocks per batch: the real and the imaginary part of every lane.
    private static let blocksPerBatch = 2 * lanes

    private let tapCount: Int
    /// S = M − P + 1, outputs per block.
    private let step: Int
    private let transform: FourierTransform
    /// conj(FFT(g))/M in bit-reversed order.
    private let responseRe: [Double], responseIm: [Double]

    init(_ taps: [Double]) {
        let n = taps.count
        var g = [Double](repeating: 0, count: 2 * n - 1)
        for d in 0..<n {
            var sum = 0.0
            for k in 0..<(n - d) { sum += taps[k] * taps[k + d] }
            (g[n - 1 - d], g[n - 1 + d]) = (sum, sum)
        }
        var size = 16
        while size < 4 * g.count { size *= 2 }
        let transform = FourierTransform(size: size)
        var re = [Lanes](repeating: .zero, count: size), im = re
        for (m, value) in g.enumerated() { re[m] = Lanes(repeating: value) }
        re.withUnsafeMutableBufferPointer { re in
            im.withUnsafeMutableBufferPointer { im in transform.forward(re.baseAddress!, im.baseAddress!) }
        }
        let scale = 1 / Double(size)
        tapCount = n
        step = size - g.count + 1
        self.transform = transform
        responseRe = re.map { $0[0] * scale }
        responseIm = im.map { -$0[0] * scale }
    }

    func apply(to signal: [Double]) -> [Double] {
        let (m, s, length, reach) = (transform.size, step, signal.count, tapCount - 1)
        let blocks = (length + s - 1) / s
        let batches = (blocks + Self.blocksPerBatch - 1) / Self.blocksPerBatch
        let computed = batches * Self.blocksPerBatch * s
        let re = UnsafeMutablePointer<Lanes>.allocate(capacity: m), im = UnsafeMutablePointer<Lanes>.allocate(capacity: m)
        // Blocks that reach into the reflected ends (or past them: zeros) are
        // written out here; the others are read from the signal itself.
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Self.blocksPerBatch * m)
        let sources = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: Self.blocksPerBatch)
        defer { re.deallocate(); im.deallocate(); scratch.deallocate(); sources.deallocate() }
        // Blocks past the end write past the end of the result, which is then cut.
        var output = [Double](unsafeUninitializedCapacity: computed) { y, initialized in
            signal.withUnsafeBufferPointer { x in
                /// Sample i of the extended signal: reach reflected samples, x, reach reflected samples, zeros.
                func extended(_ i: Int) -> Double {
                    let j = i - reach
                    if j < 0 { return 2 * x[0] - x[-j] }
                    if j < length { return x[j] }
                    if j < length + reach { return 2 * x[length - 1] - x[2 * length - 2 - j] }
                    return 0
                }
                responseRe.withUnsafeBufferPointer { gr in
                    responseIm.withUnsafeBufferPointer { gi in
                        for batch in 0..<batches {
                            // Block q of the batch starts at extended sample (batch·8 + q)·S;
                            // blocks 0 … 3 are the real parts of the lanes, 4 … 7 the imaginary.
                            for q in 0..<Self.blocksPerBatch {
                                let start = (batch * Self.blocksPerBatch + q) * s
                                if start >= reach && start + m <= reach + length {
                                    sources[q] = x.baseAddress! + (start - reach)
                                } else {
                                    for k in 0..<m { scratch[q * m + k] = extended(start + k) }
                                    sources[q] = UnsafePointer(scratch + q * m)
                                }
                            }
                            let (p0, p1, p2, p3) = (sources[0], sources[1], sources[2], sources[3])
                            let (p4, p5, p6, p7) = (sources[4], sources[5], sources[6], sources[7])
                            for k in 0..<m {
                                re[k] = Lanes(p0[k], p1[k], p2[k], p3[k])
                                im[k] = Lanes(p4[k], p5[k], p6[k], p7[k])
                            }
                            transform.forward(re, im)
                            for k in 0..<m {
                                let (zr, zi) = (re[k], im[k])
                                re[k] = zr * gr[k] - zi * gi[k]
                                im[k] = zr * gi[k] + zi * gr[k]
                            }
                            transform.inverse(re, im)
                            let target = y.baseAddress! + batch * Self.blocksPerBatch * s
                            for k in 0..<s {
                                for lane in 0..<Self.lanes {
                                    (target + k + lane * s).initialize(to: re[k][lane])
                                    (target + k + (Self.lanes + lane) * s).initialize(to: im[k][lane])
                                }
                            }
                        }
                    }
                }
            }
            initialized = computed
        }
        output.removeLast(computed - length)
        return output
    }
}

/// Radix-4 FFTs (with one radix-2 stage when log₂M is odd) of length M = 2^q
/// on four complex sequences at once, one per SIMD lane, real and imaginary
/// parts in separate buffers. (Four lanes of `Double` keep the butterflies in
/// registers on plain x86-64; wider vectors spill.)
private struct FourierTransform: Sendable {
    typealias Lanes = SIMD4<Double>
    let size: Int
    /// cos(2πk/M) and sin(2πk/M), k < M.
    private let cosines: [Double], sines: [Double]

    init(size: Int) {
        let angles = (0..<size).map { 2 * Double.pi * Double($0) / Double(size) }
        self.size = size
        cosines = angles.map(cos)
        sines = angles.map(sin)
    }

    /// The radix-4 stages' spacings q (M/4, M/16, …, down to 1 or 2), and
    /// whether a radix-2 stage of spacing 1 is left (log₂M odd).
    private var quarters: (quarters: [Int], radix2: Bool) {
        var q = size / 4, list: [Int] = []
        while q >= 1 { list.append(q); q /= 4 }
        return (list, list.last.map { $0 != 1 } ?? true)
    }

    /// In place, X[f] = Σₙ x[n]·exp(−2πi·fn/M), by decimation in frequency:
    /// natural order in, bit-reversed order out. A radix-4 butterfly on
    /// x₀ … x₃ (spaced q apart) is two radix-2 stages in one, with
    /// w = exp(−2πi·j/(4q)):
    /// x₀ ← (x₀ + x₂) + (x₁ + x₃),  x₁ ← ((x₀ + x₂) − (x₁ + x₃))·w²,
    /// x₂ ← ((x₀ − x₂) − i(x₁ − x₃))·w,  x₃ ← ((x₀ − x₂) + i(x₁ − x₃))·w³.
    func forward(_ re: UnsafeMutablePointer<Lanes>, _ im: UnsafeMutablePointer<Lanes>) {
        let (list, radix2) = quarters
        cosines.withUnsafeBufferPointer { cosines in
            sines.withUnsafeBufferPointer { sines in
                for q in list {
                    let t = size / (4 * q)
                    for group in stride(from: 0, to: size, by: 4 * q) {
                        for j in 0..<q {
                            let (i0, i1, i2, i3) = (group + j, group + j + q, group + j + 2 * q, group + j + 3 * q)
                            let (s02r, s02i, d02r, d02i) = (re[i0] + re[i2], im[i0] + im[i2], re[i0] - re[i2], im[i0] - im[i2])
                            let (s13r, s13i, d13r, d13i) = (re[i1] + re[i3], im[i1] + im[i3], re[i1] - re[i3], im[i1] - im[i3])
                            let (ar, ai, br, bi) = (d02r + d13i, d02i - d13r, d02r - d13i, d02i + d13r)
                            let (cr, ci) = (s02r - s13r, s02i - s13i)
                            re[i0] = s02r + s13r
                            im[i0] = s02i + s13i
                            let (c1, s1, c2, s2, c3, s3) = (cosines[j * t], sines[j * t], cosines[2 * j * t],
                                                            sines[2 * j * t], cosines[3 * j * t], sines[3 * j * t])
                            re[i1] = cr * c2 + ci * s2
                            im[i1] = ci * c2 - cr * s2
                            re[i2] = ar * c1 + ai * s1
                            im[i2] = ai * c1 - ar * s1
                            re[i3] = br * c3 + bi * s3
                            im[i3] = bi * c3 - br * s3
                        }
                    }
                }
                if radix2 {
                    for i in stride(from: 0, to: size, by: 2) {
                        (re[i], re[i + 1]) = (re[i] + re[i + 1], re[i] - re[i + 1])
                        (im[i], im[i + 1]) = (im[i] + im[i + 1], im[i] - im[i + 1])
                    }
                }
            }
        }
    }

    /// In place and unscaled, M·x[n] = Σ_f X[f]·exp(2πi·fn/M), by decimation
    /// in time: bit-reversed order in, natural order out; the butterfly undoes
    /// the forward one with v = exp(2πi·j/(4q)): with a, b = x₀ ± x₁v² and
    /// c, d = x₂v ± x₃v³, x₀ ← a + c, x₂ ← a − c, x₁ ← b + i·d, x₃ ← b − i·d.
    func inverse(_ re: UnsafeMutablePointer<Lanes>, _ im: UnsafeMutablePointer<Lanes>) {
        let (list, radix2) = quarters
        cosines.withUnsafeBufferPointer { cosines in
            sines.withUnsafeBufferPointer { sines in
                if radix2 {
                    for i in stride(from: 0, to: size, by: 2) {
                        (re[i], re[i + 1]) = (re[i] + re[i + 1], re[i] - re[i + 1])
                        (im[i], im[i + 1]) = (im[i] + im[i + 1], im[i] - im[i + 1])
                    }
                }
                for q in list.reversed() {
                    let t = size / (4 * q)
                    for group in stride(from: 0, to: size, by: 4 * q) {
                        for j in 0..<q {
                            let (i0, i1, i2, i3) = (group + j, group + j + q, group + j + 2 * q, group + j + 3 * q)
                            let (c1, s1, c2, s2, c3, s3) = (cosines[j * t], sines[j * t], cosines[2 * j * t],
                                                            sines[2 * j * t], cosines[3 * j * t], sines[3 * j * t])
                            let (p1r, p1i) = (re[i1] * c2 - im[i1] * s2, re[i1] * s2 + im[i1] * c2)
                            let (p2r, p2i) = (re[i2] * c1 - im[i2] * s1, re[i2] * s1 + im[i2] * c1)
                            let (p3r, p3i) = (re[i3] * c3 - im[i3] * s3, re[i3] * s3 + im[i3] * c3)
                            let (ar, ai, br, bi) = (re[i0] + p1r, im[i0] + p1i, re[i0] - p1r, im[i0] - p1i)
                            let (cr, ci, dr, di) = (p2r + p3r, p2i + p3i, p2r - p3r, p2i - p3i)
                            re[i0] = ar + cr
                            im[i0] = ai + ci
                            re[i2] = ar - cr
                            im[i2] = ai - ci
                            re[i1] = br - di
                            im[i1] = bi + dr
                            re[i3] = br + di
                            im[i3] = bi - dr
                        }
                    }
                }
            }
        }
    }
}
