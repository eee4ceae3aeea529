/// An IIR filter as a cascade of second-order sections (biquads), SciPy's
/// `sos` form: section s is Hₛ(z) = (b₀ + b₁z⁻¹ + b₂z⁻²)/(1 + a₁z⁻¹ + a₂z⁻²)
/// and the filter is H(z) = Πₛ Hₛ(z), applied first section first.
public struct SecondOrderSections: Equatable, Sendable {
    /// One biquad; its a₀ is 1.
    public struct Section: Equatable, Sendable {
        /// Numerator b₀, b₁, b₂ and denominator a₁, a₂ coefficients.
        public var b0, b1, b2, a1, a2: Double

        /// A section from its coefficients (a₀ = 1).
        public init(b0: Double, b1: Double, b2: Double, a1: Double, a2: Double) {
            (self.b0, self.b1, self.b2, self.a1, self.a2) = (b0, b1, b2, a1, a2)
        }
    }

    /// The sections, applied first to last.
    public let sections: [Section]

    init(_ sections: [Section]) {
        self.sections = sections
    }

    /// Sections from SciPy's rows [b₀, b₁, b₂, a₀, a₁, a₂], which need a₀ = 1
    /// (as `scipy.signal.sosfilt` requires).
    public init(rows: [[Double]]) throws {
        guard !rows.isEmpty else { throw SignalError("a filter needs at least one second-order section") }
        self.sections = try rows.map { row in
            guard row.count == 6 else {
                throw SignalError("a second-order section has 6 coefficients [b0, b1, b2, a0, a1, a2], not \(row.count)")
            }
            guard row.allSatisfy(\.isFinite) else { throw SignalError("filter coefficients must be finite numbers") }
            guard row[3] == 1 else { throw SignalError("a second-order section needs a0 = 1, not \(row[3])") }
            return Section(b0: row[0], b1: row[1], b2: row[2], a1: row[4], a2: row[5])
        }
    }

    /// The sections as SciPy's rows [b₀, b₁, b₂, 1, a₁, a₂].
    public var rows: [[Double]] { sections.map { [$0.b0, $0.b1, $0.b2, 1, $0.a1, $0.a2] } }

    /// One causal pass from rest, `scipy.signal.sosfilt(sos, x)`.
    public func filter(_ signal: [Double]) -> [Double] {
        var output = signal
        var state = Array(repeating: 0.0, count: 2 * sections.count)
        output.withUnsafeMutableBufferPointer { buffer in
            state.withUnsafeMutableBufferPointer { run(buffer, backwards: false, state: $0) }
        }
        return output
    }

    /// Filters the buffer in place, from its start or (`backwards`) from its
    /// end, from the state (z₀, z₁ of each section, in order), which it
    /// updates, in the transposed direct form II that `sosfilt` uses:
    /// y = b₀x + z₀,  z₀ ← b₁x − a₁y + z₁,  z₁ ← b₂x − a₂y.
    /// Sections run two at a time through the buffer, their states in
    /// registers; each sample still meets the sections in order, so the
    /// arithmetic is the same as section by section for every sample.
    func run(_ buffer: UnsafeMutableBufferPointer<Double>, backwards: Bool, state: UnsafeMutableBufferPointer<Double>) {
        let (count, first, direction) = (buffer.count, backwards ? buffer.count - 1 : 0, backwards ? -1 : 1)
        var s = 0
        while s + 1 < sections.count {
            let (u, v) = (sections[s], sections[s + 1])
            var (u0, u1, v0, v1) = (state[2 * s], state[2 * s + 1], state[2 * s + 2], state[2 * s + 3])
            for i in 0..<count {
                let n = first + i * direction
                let x = buffer[n]
                let y = u.b0 * x + u0
                u0 = u.b1 * x - u.a1 * y + u1
                u1 = u.b2 * x - u.a2 * y
                let w = v.b0 * y + v0
                v0 = v.b1 * y - v.a1 * w + v1
                v1 = v.b2 * y - v.a2 * w
                buffer[n] = w
            }
            (state[2 * s], state[2 * s + 1], state[2 * s + 2], state[2 * s + 3]) = (u0, u1, v0, v1)
            s += 2
        }
        if s < sections.count {
            let u = sections[s]
            var (u0, u1) = (state[2 * s], state[2 * s + 1])
            for i in 0..<count {
                let n = first + i * direction
                let x = buffer[n]
                let y = u.b0 * x + u0
                u0 = u.b1 * x - u.a1 * y + u1
                u1 = u.b2 * x - u.a2 * y
                buffer[n] = y
            }
            (state[2 * s], state[2 * s + 1]) = (u0, u1)
        }
    }

    /// The state of every section after an endless constant input of 1, the
    /// state from which a step gives no transient: `scipy.signal.sosfilt_zi`.
    /// Section s sees the constant Πᵣ Hᵣ(1) over the sections r before it, and
    /// a biquad's steady state for input 1 (`lfilter_zi`'s solution of
    /// z = Az + B) is z₀ = (b₁ + b₂ − (a₁ + a₂)b₀)/(1 + a₁ + a₂),
    /// z₁ = b₂ − a₂b₀ − a₂z₀.
    var steadyState: [Double] {
        var state: [Double] = []
        var scale = 1.0
        for s in sections {
            let (c0, c1) = (s.b1 - s.a1 * s.b0, s.b2 - s.a2 * s.b0)
            let z0 = (c0 + c1) / (1 + s.a1 + s.a2)
            state += [scale * z0, scale * (c1 - s.a2 * z0)]
            scale *= (s.b0 + s.b1 + s.b2) / (1 + s.a1 + s.a2)
        }
        return state
    }
}
