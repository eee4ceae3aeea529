import CLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// The one wrapper around OpenBLAS (CBLAS) and LAPACKE. Every other file works
/// with `Matrix` and `MatrixView`; no C pointer or C enum leaves this file.
public enum BLAS {
    /// Lets each BLAS call use one thread. The solvers parallelise across
    /// replicates and ranks themselves, which keeps results independent of the
    /// thread count (OpenBLAS's own threading would split reductions
    /// differently on different machines).
    ///
    /// OpenBLAS starts its worker threads when it is loaded, and an idle worker
    /// spins (`sched_yield`) for about 0.1 s before it sleeps: on a 2-core
    /// machine it takes a core from the solvers for most of a short run. Its
    /// threaded builds export `blas_thread_shutdown_`, which stops them; it is
    /// looked up at run time, since the serial build has no such threads.
    public static func useSingleThread() {
        openblas_set_num_threads(1)
        _ = stopIdleWorkers
    }

    private static let stopIdleWorkers: Void = {
        #if canImport(Glibc)
        typealias Shutdown = @convention(c) () -> Int32
        if let symbol = dlsym(nil, "blas_thread_shutdown_") {
            _ = unsafeBitCast(symbol, to: Shutdown.self)()
        }
        #endif
    }()

    /// C ← α · op(A) · op(B) + β · C (DGEMM or SGEMM), where op(X) is X or Xᵀ.
    /// The shapes are read from the views.
    ///
    /// For β = 0, C is set to zero here (`memset` per column) and BLAS is called
    /// with β = 1, which gives the same C: OpenBLAS would otherwise zero C in a
    /// scalar loop of its own, which costs more than the product itself for
    /// the skinny products of the solvers (k ≤ 32 columns or rows).
    @inlinable
    public static func multiply<Scalar: BLASScalar>(
        _ a: StridedMatrixView<Scalar>, _ b: StridedMatrixView<Scalar>, into c: StridedMatrixView<Scalar>,
        transposeA transA: Bool = false, transposeB transB: Bool = false, alpha: Scalar = 1, beta: Scalar = 0) {
        let m = transA ? a.columns : a.rows
        let k = transA ? a.rows : a.columns
        let n = transB ? b.rows : b.columns
        precondition(c.rows == m && c.columns == n && (transB ? b.columns : b.rows) == k,
                     "GEMM shapes do not agree")
        if m == 0 || n == 0 { return }
        if beta == 0 {
            if c.leadingDimension == m {
                c.start.update(repeating: 0, count: m * n)
            } else {
                for j in 0..<n { (c.start + j * c.leadingDimension).update(repeating: 0, count: m) }
            }
        }
        Scalar.gemm(transposeA: transA, transposeB: transB, m: Int32(m), n: Int32(n), k: Int32(k), alpha: alpha,
                    a: a.start, lda: Int32(a.leadingDimension), b: b.start, ldb: Int32(b.leadingDimension),
                    beta: beta == 0 ? 1 : beta, c: c.start, ldc: Int32(c.leadingDimension))
    }

    /// The Gram matrix C ← A·Aᵀ (or Aᵀ·A with `transposed`), or C ← C + A·Aᵀ with
    /// `accumulate`, computed with DSYRK (SSYRK) on the upper triangle and mirrored, so
    /// C is a full symmetric matrix.
    @inlinable
    public static func gram<Scalar: BLASScalar>(_ a: StridedMatrixView<Scalar>, transposed: Bool = false,
                                                into c: StridedMatrixView<Scalar>, accumulate: Bool = false) {
        let n = transposed ? a.columns : a.rows
        let k = transposed ? a.rows : a.columns
        precondition(c.rows == n && c.columns == n, "SYRK shapes do not agree")
        if n == 0 { return }
        Scalar.syrk(transposed: transposed, n: Int32(n), k: Int32(k), a: a.start, lda: Int32(a.leadingDimension),
                    beta: accumulate ? 1 : 0, c: c.start, ldc: Int32(c.leadingDimension))
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

/// A floating-point type BLAS has routines for: `Double` (DGEMM, DSYRK) and
/// `Float` (SGEMM, SSYRK), so that `BLAS.multiply` and `BLAS.gram` serve both.
public protocol BLASScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable {
    /// C ← α · op(A) · op(B) + β · C on column-major storage (xGEMM).
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int32, b: UnsafePointer<Self>, ldb: Int32,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int32)
    /// The upper triangle of C ← A·Aᵀ + β·C (Aᵀ·A with `transposed`) on column-major storage (xSYRK).
    static func syrk(transposed: Bool, n: Int32, k: Int32, a: UnsafePointer<Self>, lda: Int32,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int32)
}

extension Double: BLASScalar {
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int32, b: UnsafePointer<Double>, ldb: Int32,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int32) {
        cblas_dgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inlinable
    public static func syrk(transposed: Bool, n: Int32, k: Int32, a: UnsafePointer<Double>, lda: Int32,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int32) {
        cblas_dsyrk(CblasColMajor, CblasUpper, transposed ? CblasTrans : CblasNoTrans, n, k, 1, a, lda, beta, c, ldc)
    }
}

extension Float: BLASScalar {
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int32, b: UnsafePointer<Float>, ldb: Int32,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int32) {
        cblas_sgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inlinable
    public static func syrk(transposed: Bool, n: Int32, k: Int32, a: UnsafePointer<Float>, lda: Int32,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int32) {
        cblas_ssyrk(CblasColMajor, CblasUpper, transposed ? CblasTrans : CblasNoTrans, n, k, 1, a, lda, beta, c, ldc)
    }
}
