import CLinearAlgebra

/// The one wrapper around OpenBLAS (CBLAS) and LAPACKE. Every other file works
/// with `Matrix` and `MatrixView`; no C pointer or C enum leaves this file.
public enum BLAS {
    /// Lets each BLAS call use one thread. The solvers parallelise across
    /// replicates and ranks themselves, which keeps results independent of the
    /// thread count (OpenBLAS's own threading would split reductions
    /// differently on different machines).
    public static func useSingleThread() {
        openblas_set_num_threads(1)
    }

    /// C ← α · op(A) · op(B) + β · C (DGEMM), where op(X) is X or Xᵀ.
    /// The shapes are read from the views.
    @inlinable
    public static func multiply(_ a: MatrixView, _ b: MatrixView, into c: MatrixView,
                                transposeA transA: Bool = false, transposeB transB: Bool = false,
                                alpha: Double = 1, beta: Double = 0) {
        let m = transA ? a.columns : a.rows
        let k = transA ? a.rows : a.columns
        let n = transB ? b.rows : b.columns
        precondition(c.rows == m && c.columns == n && (transB ? b.columns : b.rows) == k,
                     "GEMM shapes do not agree")
        if m == 0 || n == 0 { return }
        cblas_dgemm(CblasColMajor, transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a.start, Int32(a.leadingDimension), b.start, Int32(b.leadingDimension),
                    beta, c.start, Int32(c.leadingDimension))
    }

    /// C ← α · op(A) · op(B) + β · C in single precision (SGEMM), as `multiply` for doubles.
    @inlinable
    public static func multiply(_ a: SingleMatrixView, _ b: SingleMatrixView, into c: SingleMatrixView,
                                transposeA transA: Bool = false, transposeB transB: Bool = false,
                                alpha: Float = 1, beta: Float = 0) {
        let m = transA ? a.columns : a.rows
        let k = transA ? a.rows : a.columns
        let n = transB ? b.rows : b.columns
        precondition(c.rows == m && c.columns == n && (transB ? b.columns : b.rows) == k,
                     "GEMM shapes do not agree")
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasColMajor, transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a.start, Int32(a.leadingDimension), b.start, Int32(b.leadingDimension),
                    beta, c.start, Int32(c.leadingDimension))
    }

    /// The Gram matrix C ← A·Aᵀ (or Aᵀ·A with `transposed`), or C ← C + A·Aᵀ with
    /// `accumulate`, computed with DSYRK on the upper triangle and mirrored, so
    /// C is a full symmetric matrix.
    @inlinable
    public static func gram(_ a: MatrixView, transposed: Bool = false, into c: MatrixView, accumulate: Bool = false) {
        let n = transposed ? a.columns : a.rows
        let k = transposed ? a.rows : a.columns
        precondition(c.rows == n && c.columns == n, "SYRK shapes do not agree")
        if n == 0 { return }
        cblas_dsyrk(CblasColMajor, CblasUpper, transposed ? CblasTrans : CblasNoTrans,
                    Int32(n), Int32(k), 1, a.start, Int32(a.leadingDimension),
                    accumulate ? 1 : 0, c.start, Int32(c.leadingDimension))
        for j in 0..<n {
            for i in (j + 1)..<n { c[i, j] = c[j, i] }
        }
    }

    /// The least-squares solution x of min ‖A·x − b‖₂ for a full-rank A with at
    /// least as many rows as columns (LAPACK DGELS, QR factorisation).
    public static func leastSquares(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        precondition(a.rows == b.count && a.rows >= a.columns && a.columns > 0)
        var factor = a.elements
        var rhs = b
        let info = LAPACKE_dgels(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")),
                                 Int32(a.rows), Int32(a.columns), 1,
                                 &factor, Int32(a.rows), &rhs, Int32(b.count))
        guard info == 0 else { throw LinearAlgebraError.rankDeficient }
        return Array(rhs.prefix(a.columns))
    }
}

/// Why a dense linear-algebra routine (`BLAS.leastSquares`) failed.
public enum LinearAlgebraError: Error, Equatable {
    /// The least-squares matrix does not have full column rank.
    case rankDeficient
}
