import Foundation

/// Changes a channel's sample rate by a rational factor up/down with a
/// polyphase anti-aliasing FIR filter, as `scipy.signal.resample_poly` does
/// with its defaults (a Kaiser window, β = 5, and zero padding at the edges):
///
///   h = firwin(2·10·max(up, down) + 1, cutoff 1/max(up, down) of Nyquist, Kaiser β = 5) · up
///   y = (↓down ∘ (h ∗) ∘ ↑up)(x), delayed so that y[0] lines up with x[0],
///
/// giving ⌈n·up/down⌉ samples. The filter's cutoff is the lower of the two
/// Nyquist frequencies, so nothing above the new Nyquist folds back.
public enum PolyphaseResampler {
    /// Largest up or down factor accepted: the filter has 20·max + 1 taps.
    public static let largestFactor = 10_000

    /// The smallest integers with up/down = target/rate to 1e-9 relative, or nil
    /// when no factors up to `largestFactor` come that close.
    public static func factors(from rate: Double, to target: Double) -> (up: Int, down: Int)? {
        guard rate > 0, target > 0, rate.isFinite, target.isFinite else { return nil }
        let ratio = target / rate
        // Continued-fraction convergents p/q of the ratio.
        var (p0, q0, p1, q1) = (0, 1, 1, 0)
        var remainder = ratio
        for _ in 0..<64 {
            let whole = remainder.rounded(.down)
            guard whole < Double(largestFactor) else { return nil }
            let a = Int(whole)
            (p0, q0, p1, q1) = (p1, q1, a * p1 + p0, a * q1 + q0)
            if p1 > largestFactor || q1 > largestFactor { return nil }
            if abs(Double(p1) / Double(q1) - ratio) <= 1e-9 * ratio { return (p1, q1) }
            let fraction = remainder - whole
            guard fraction > 0 else { break }
            remainder = 1 / fraction
        }
        return nil
    }

    /// `x` resampled by up/down (factors already in lowest terms or not).
    public static func resample(_ x: [Double], up: Int, down: Int) -> [Double] {
        precondition(up > 0 && down > 0)
        let divisor = gcd(up, down)
        let (up, down) = (up / divisor, down / divisor)
        if up == 1 && down == 1 { return x }
        let count = x.count
        guard count > 0 else { return [] }
        let outputCount = (count * up + down - 1) / down
        let halfLength = 10 * max(up, down)
        // Leading zeros put the filter's centre on an output sample; trailing
        // zeros make the full convolution long enough for `outputCount` kept samples.
        let prePad = down - halfLength % down
        let skipped = (halfLength + prePad) / down
        var taps = [Double](repeating: 0, count: prePad) + lowPass(taps: 2 * halfLength + 1, cutoff: 1 / Double(max(up, down)))
            .map { $0 * Double(up) }
        while fullLength(taps: taps.count, input: count, up: up, down: down) < outputCount + skipped { taps.append(0) }
        var output = [Double](repeating: 0, count: outputCount)
        taps.withUnsafeBufferPointer { h in
            x.withUnsafeBufferPointer { x in
                for i in 0..<outputCount {
                    // y[t] = Σₖ h[k]·x↑[t − k], where x↑[j·up] = x[j] and zero elsewhere.
                    let t = (i + skipped) * down
                    var k = t % up
                    var j = (t - k) / up
                    if j >= count {  // skip taps that reach past the last input sample
                        let excess = j - (count - 1)
                        k += excess * up
                        j = count - 1
                    }
                    var sum = 0.0
                    while k < h.count, j >= 0 {
                        sum += h[k] * x[j]
                        k += up
                        j -= 1
                    }
                    output[i] = sum
                }
            }
        }
        return output
    }

    /// Length of the full upsample-filter-downsample output.
    private static func fullLength(taps: Int, input: Int, up: Int, down: Int) -> Int {
        ((input - 1) * up + taps - 1) / down + 1
    }

    /// `scipy.signal.firwin(taps, cutoff, window=('kaiser', 5.0))`: a windowed
    /// sinc with the cutoff as a fraction of Nyquist, scaled to unit gain at 0 Hz.
    static func lowPass(taps: Int, cutoff: Double) -> [Double] {
        let centre = Double(taps - 1) / 2
        let beta = 5.0
        let norm = besselI0(beta)
        var h = (0..<taps).map { n -> Double in
            let m = Double(n) - centre
            let sinc = m == 0 ? 1 : sin(Double.pi * cutoff * m) / (Double.pi * cutoff * m)
            let r = 2 * Double(n) / Double(taps - 1) - 1
            return cutoff * sinc * besselI0(beta * (max(0, 1 - r * r)).squareRoot()) / norm
        }
        let sum = h.reduce(0, +)
        for n in h.indices { h[n] /= sum }
        return h
    }

    /// Modified Bessel function of the first kind, order 0, by its power series
    /// Σ ((x/2)^k / k!)², which converges fast for the window's arguments (|x| ≤ 5).
    static func besselI0(_ x: Double) -> Double {
        var (sum, term, k) = (1.0, 1.0, 1.0)
        let quarter = x * x / 4
        while term > 1e-17 * sum {
            term *= quarter / (k * k)
            sum += term
            k += 1
        }
        return sum
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
