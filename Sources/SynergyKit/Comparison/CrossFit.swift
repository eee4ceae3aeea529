/// Cross-fit generalisability (Cheung et al. 2020): how well one session's
/// synergies W explain another session's EMG D when only the activations are
/// fitted. C starts uniform on (0, max D) from the seed and follows the
/// multiplicative update with W held fixed, C ← C ∘ (WᵀD) ⊘ (WᵀW·C), under the
/// settings' stopping rule and iteration cap; R² is centred as the settings say.
/// WᵀD and WᵀW are computed once; SSE comes from ‖D‖² − 2⟨WᵀD, C⟩ + ⟨WᵀW, CCᵀ⟩.
public enum CrossFit {
    /// The cross-fit's R², its iterations, whether it converged, and the fitted activations.
    public struct Result: Sendable, Equatable {
        /// R² of W·C against D at the last iteration, centred as the settings say.
        public var r2: Double
        /// Iterations run.
        public var iterations: Int
        /// Whether the stopping rule was met before the iteration cap.
        public var converged: Bool
        /// The fitted activations, k × samples.
        public var activations: Matrix
    }

    /// Fits C (k × samples) to `data` (muscles × samples) with `weights` (muscles × k) held fixed; the seed draws the starting C.
    public static func fit(_ data: Matrix, weights: Matrix, settings: FactorizationSettings, seed: UInt64) -> Result {
        precondition(data.rows == weights.rows && weights.columns >= 1)
        let input = FactorizationInput(data, settings: settings)
        let (k, n) = (weights.columns, data.columns)
        var generator = SeededGenerator(seed: seed, rank: k, replicate: 0)
        var c = Matrix(rows: k, columns: n, elements: (0..<(k * n)).map { _ in input.maximum * generator.nextOpenUnit() })
        var projected = Matrix(rows: k, columns: n)  // WᵀD
        var gram = Matrix(rows: k, columns: k)       // WᵀW
        var denominator = Matrix(rows: k, columns: n)  // WᵀW·C
        var cross = Matrix(rows: k, columns: k)        // CCᵀ
        weights.withView { w in
            input.data.withView { d in projected.withMutableView { BLAS.multiply(w, d, into: $0, transposeA: true) } }
            gram.withMutableView { BLAS.gram(w, transposed: true, into: $0) }
        }
        var monitor = ConvergenceMonitor(rule: settings.stopping)
        var r2 = Double.nan
        for iteration in 1...settings.maxIterations {
            gram.withView { g in c.withView { cv in denominator.withMutableView { BLAS.multiply(g, cv, into: $0) } } }
            for index in c.elements.indices {
                c.elements[index] *= projected.elements[index] / max(denominator.elements[index], .leastNormalMagnitude)
            }
            c.withView { cv in cross.withMutableView { BLAS.gram(cv, into: $0) } }
            var sse = input.sumOfSquares
            for index in c.elements.indices { sse -= 2 * projected.elements[index] * c.elements[index] }
            for index in gram.elements.indices { sse += gram.elements[index] * cross.elements[index] }
            r2 = 1 - max(0, sse) / input.centredSumOfSquares
            if monitor.record(r2) {
                return Result(r2: r2, iterations: iteration, converged: true, activations: c)
            }
        }
        return Result(r2: r2, iterations: settings.maxIterations, converged: false, activations: c)
    }
}
