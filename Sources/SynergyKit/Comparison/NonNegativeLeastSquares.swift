/// Non-negative least squares,
///
///     minimise ‖A·x − b‖₂ subject to x ≥ 0,
///
/// by the active-set algorithm NNLS of Lawson & Hanson (1974, *Solving Least
/// Squares Problems*, ch. 23), the algorithm of `scipy.optimize.nnls`. The
/// comparison stage fits a synergy b ≈ Σ mₖ aₖ with it (merging and
/// fractionation, Cheung et al. 2020).
///
/// The columns are split into a passive set P (free, xⱼ > 0) and an active set
/// Z (held at xⱼ = 0). Starting from x = 0, P = ∅, the outer loop computes the
/// dual w = Aᵀ(b − A·x) (minus the gradient of ½‖A·x − b‖²) and moves the
/// column of Z with the largest wⱼ into P; the inner loop solves the
/// unconstrained least-squares problem z = argmin ‖A_P·z − b‖ on P (LAPACK
/// DGELS through `BLAS.leastSquares`) and, while some zⱼ ≤ 0, steps from x
/// towards z as far as x stays feasible, x ← x + α(z − x) with
/// α = min over zⱼ ≤ 0 of xⱼ/(xⱼ − zⱼ), moves the columns that reached zero
/// back to Z and solves again. At the end the Karush–Kuhn–Tucker conditions
/// hold: x ≥ 0, wⱼ = 0 where xⱼ > 0 and wⱼ ≤ 0 (to the tolerance) where xⱼ = 0,
/// which for this convex problem means x is a minimiser.
///
/// Tolerances and safeguards (DGELS needs a full-rank A_P with at least as
/// many rows as columns):
/// - Dual test: a column of Z is a candidate only if
///   wⱼ > 10⁻¹² · ‖aⱼ‖ · (‖b‖ + Σₖ xₖ‖aₖ‖); the factor in parentheses bounds
///   the size of the terms of b − A·x, so the test sits well above the
///   rounding error of w. With no candidate left, x is returned.
/// - Independence: a candidate enters P only if its distance from the span of
///   the columns already in P (the residual of its own least-squares fit on
///   A_P) exceeds 10⁻¹⁰ · ‖aⱼ‖, and the outer loop stops once P has as many
///   columns as A has rows (A_P is then square and b is fitted exactly). So
///   A_P always has full column rank and at most as many columns as rows, and
///   DGELS is never handed a singular system. Exact or near duplicates of
///   passive columns are skipped: where columns are duplicated the minimiser
///   is not unique, and the weight goes to the column that entered P first.
///   Since b − A·x is orthogonal to the span of A_P, a column skipped this
///   way has wⱼ ≤ 10⁻¹⁰ · ‖aⱼ‖ · ‖b − A·x‖. This departs from SciPy (whose
///   test admits columns down to about 10⁻¹⁴, relative, from the span) only
///   when the minimum needs such a column: columns of mixed sign that nearly
///   cancel, with coefficients of order 10¹⁰. That cannot happen for a
///   non-negative A (synergy weights), where ‖A·x‖² ≥ Σₖ xₖ²‖aₖ‖² bounds x.
/// - Sign of the entering variable: in exact arithmetic the new column's
///   coefficient in z is positive (Lawson & Hanson, ch. 23); a candidate whose
///   zⱼ comes out ≤ 0 through rounding is skipped, as their code does, so
///   rounding cannot make the loop admit and drop one column forever.
///   Candidates are tried in decreasing order of wⱼ (lower index first on
///   equal wⱼ).
/// - Iteration cap: 3n subproblem solves (n = columns; SciPy's default
///   `maxiter`), each solve after a column enters P and each solve after
///   columns leave it counting one, as in Lawson & Hanson's code.
///
/// Sizes here are muscles × synergies (8…16 × 1…16); the loops over rows and
/// columns are plain Swift, only the subproblems go to LAPACK.
public enum NonNegativeLeastSquares {
    /// A minimiser x ≥ 0 and ‖A·x − b‖₂ at it.
    public struct Solution: Equatable, Sendable {
        /// The minimiser x ≥ 0, one entry per column of A.
        public var x: [Double]
        /// ‖A·x − b‖₂ at x.
        public var residualNorm: Double
    }

    private static let dualTolerance = 1e-12
    private static let independenceTolerance = 1e-10

    /// Solves min ‖A·x − b‖₂ subject to x ≥ 0 (see the type's documentation).
    ///
    /// - Precondition: `b.count == a.rows`.
    /// - Throws: `ComparisonError.nonFiniteInput` if A or b holds NaN or ±∞;
    ///   `ComparisonError.iterationLimitReached` after 3n subproblem solves.
    public static func solve(_ a: Matrix, _ b: [Double]) throws -> Solution {
        precondition(b.count == a.rows, "NNLS: A has \(a.rows) rows but b has \(b.count) entries")
        guard a.elements.allSatisfy(\.isFinite) else { throw ComparisonError.nonFiniteInput("the NNLS matrix A") }
        guard b.allSatisfy(\.isFinite) else { throw ComparisonError.nonFiniteInput("the NNLS right-hand side b") }
        let (m, n) = (a.rows, a.columns)
        let columnNorms = (0..<n).map { norm(a.column($0)) }
        let bNorm = norm(b)
        let solveLimit = 3 * n
        var solves = 0
        var x = [Double](repeating: 0, count: n)
        var passive: [Int] = []  // P, in the order its columns entered

        while passive.count < m {
            // Outer loop: the dual w and the columns of Z that may enter.
            let r = residual(a, x, b)
            let scale = bNorm + (0..<n).reduce(0) { $0 + x[$1] * columnNorms[$1] }
            let w = (0..<n).map { j in (0..<m).reduce(0) { $0 + a[$1, j] * r[$1] } }
            let candidates = (0..<n)
                .filter { j in !passive.contains(j) && w[j] > dualTolerance * columnNorms[j] * scale }
                .sorted { w[$0] > w[$1] || (w[$0] == w[$1] && $0 < $1) }
            var entering: (column: Int, z: [Double])?
            for t in candidates {
                if !passive.isEmpty {
                    let (basis, column) = (columns(a, passive), a.column(t))
                    let distance = try norm(residual(basis, BLAS.leastSquares(basis, column), column))
                    guard distance > independenceTolerance * columnNorms[t] else { continue }
                }
                let z = try BLAS.leastSquares(columns(a, passive + [t]), b)
                if z[z.count - 1] > 0 {
                    entering = (t, z)
                    break
                }
            }
            guard let entering else { break }
            passive.append(entering.column)
            var z = entering.z
            // Inner loop: until the subproblem's solution z is feasible, step
            // towards it and drop the columns that reach zero.
            while true {
                solves += 1
                guard solves <= solveLimit else { throw ComparisonError.iterationLimitReached(solveLimit) }
                if z.allSatisfy({ $0 > 0 }) {
                    for (k, j) in passive.enumerated() { x[j] = z[k] }
                    break
                }
                var alpha = Double.infinity
                var blocking = passive[0]
                for (k, j) in passive.enumerated() where z[k] <= 0 {
                    let step = x[j] / (x[j] - z[k])
                    if step < alpha { (alpha, blocking) = (step, j) }
                }
                for (k, j) in passive.enumerated() { x[j] += alpha * (z[k] - x[j]) }
                x[blocking] = 0
                for j in passive where x[j] <= 0 { x[j] = 0 }  // rounding can leave tiny negatives
                passive.removeAll { x[$0] == 0 }
                if passive.isEmpty { break }
                z = try BLAS.leastSquares(columns(a, passive), b)
            }
        }
        return Solution(x: x, residualNorm: norm(residual(a, x, b)))
    }

    /// The matrix of the listed columns of `a`, in that order.
    private static func columns(_ a: Matrix, _ list: [Int]) -> Matrix {
        Matrix(rows: a.rows, columns: list.count, elements: list.flatMap { a.column($0) })
    }

    /// b − A·x.
    private static func residual(_ a: Matrix, _ x: [Double], _ b: [Double]) -> [Double] {
        (0..<a.rows).map { i in (0..<a.columns).reduce(b[i]) { $0 - a[i, $1] * x[$1] } }
    }

    private static func norm(_ v: [Double]) -> Double {
        v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}

/// Failures of the comparison stage's numerics.
public enum ComparisonError: Error, Equatable, CustomStringConvertible {
    /// An input held NaN or ±∞; the payload names it.
    case nonFiniteInput(String)
    /// The NNLS active-set iteration made this many subproblem solves (its cap,
    /// 3 × columns) without meeting the optimality test.
    case iterationLimitReached(Int)

    public var description: String {
        switch self {
        case .nonFiniteInput(let what): "\(what) holds a non-finite value (NaN or infinity)"
        case .iterationLimitReached(let solves): "NNLS did not converge within \(solves) iterations"
        }
    }
}
