// Products of rows over a block of samples, P = A·Bᵀ with Pᵢⱼ = Σₜ Aᵢₜ Bⱼₜ,
// for HALS's CCᵀ and DCᵀ of a block (HALSWorkspace.swift). Every row is
// contiguous over the samples, so each Pᵢⱼ is a dot product of two rows read
// straight from where they lie: no packing, as a GEMM does first, and for CCᵀ
// only the products on and above the diagonal.
#include "SolverKernels.h"
#include "Vectors.h"

typedef float HalfVector __attribute__((vector_size(16)));

/// The sums of the lanes of v[0…3], in one fixed order (that of two
/// horizontal adds and the halves' sum): each vᵢ gives
/// ((x₀ + x₁) + (x₂ + x₃)) + ((x₄ + x₅) + (x₆ + x₇)).
static inline __attribute__((always_inline)) void lane_sums(const Vector *v, float *sums) {
    const Vector p = __builtin_shufflevector(v[0], v[1], 0, 2, 8, 10, 4, 6, 12, 14)
                   + __builtin_shufflevector(v[0], v[1], 1, 3, 9, 11, 5, 7, 13, 15);
    const Vector q = __builtin_shufflevector(v[2], v[3], 0, 2, 8, 10, 4, 6, 12, 14)
                   + __builtin_shufflevector(v[2], v[3], 1, 3, 9, 11, 5, 7, 13, 15);
    const Vector h = __builtin_shufflevector(p, q, 0, 2, 8, 10, 4, 6, 12, 14)
                   + __builtin_shufflevector(p, q, 1, 3, 9, 11, 5, 7, 13, 15);
    const HalfVector total = __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
    for (int i = 0; i < 4; i++) sums[i] = total[i];
}

/// P's rows i…i + ROWS − 1 by columns j…j + COLUMNS − 1: one vector of
/// partial sums per product over the samples taken 8 at a time (ROWS·COLUMNS
/// independent sums, from ROWS + COLUMNS loads), their lanes summed
/// (`lane_sums`), then the last width mod 8 samples one by one.
#define ROW_BLOCK(ROWS, COLUMNS)                                                              \
    do {                                                                                      \
        Vector sums[ROWS][COLUMNS];                                                           \
        for (int r = 0; r < ROWS; r++)                                                        \
            for (int s = 0; s < COLUMNS; s++) sums[r][s] = (Vector){0, 0, 0, 0, 0, 0, 0, 0};  \
        ptrdiff_t t = 0;                                                                      \
        for (; t + LANES <= width; t += LANES) {                                              \
            Vector x[ROWS];                                                                   \
            for (int r = 0; r < ROWS; r++) x[r] = LOAD(a + (i + r) * as + t);                 \
            for (int s = 0; s < COLUMNS; s++) {                                               \
                const Vector y = LOAD(b + (j + s) * bs + t);                                  \
                for (int r = 0; r < ROWS; r++) sums[r][s] += x[r] * y;                        \
            }                                                                                 \
        }                                                                                     \
        for (int r = 0; r < ROWS; r++) {                                                      \
            Vector four[4] = {{0}, {0}, {0}, {0}};                                            \
            for (int s = 0; s < COLUMNS; s++) four[s] = sums[r][s];                           \
            float totals[4];                                                                  \
            lane_sums(four, totals);                                                          \
            for (int s = 0; s < COLUMNS; s++) {                                               \
                float sum = totals[s];                                                        \
                for (ptrdiff_t u = t; u < width; u++) sum += a[(i + r) * as + u] * b[(j + s) * bs + u]; \
                out[(i + r) + (j + s) * ldo] = sum;                                           \
            }                                                                                 \
        }                                                                                     \
    } while (0)

/// Rows i… of A (up to 3) by rows j… of B (up to 4), ROW_BLOCK with the block's size fixed: 3 × 4 keeps
/// twelve sums going, enough to hide the latency of the multiply–adds, in the 16 vector registers.
static inline __attribute__((always_inline)) void row_block(
    const float *a, ptrdiff_t as, ptrdiff_t i, ptrdiff_t rows, const float *b, ptrdiff_t bs, ptrdiff_t j,
    ptrdiff_t columns, ptrdiff_t width, float *out, ptrdiff_t ldo) {
    switch (rows * 4 + columns) {
    case 3 * 4 + 4: ROW_BLOCK(3, 4); break;
    case 3 * 4 + 3: ROW_BLOCK(3, 3); break;
    case 3 * 4 + 2: ROW_BLOCK(3, 2); break;
    case 3 * 4 + 1: ROW_BLOCK(3, 1); break;
    case 2 * 4 + 4: ROW_BLOCK(2, 4); break;
    case 2 * 4 + 3: ROW_BLOCK(2, 3); break;
    case 2 * 4 + 2: ROW_BLOCK(2, 2); break;
    case 2 * 4 + 1: ROW_BLOCK(2, 1); break;
    case 1 * 4 + 4: ROW_BLOCK(1, 4); break;
    case 1 * 4 + 3: ROW_BLOCK(1, 3); break;
    case 1 * 4 + 2: ROW_BLOCK(1, 2); break;
    default: ROW_BLOCK(1, 1); break;
    }
}

/// P = A·Bᵀ, or for `symmetric` (B = A) only the blocks that reach the
/// diagonal or lie above it, each product then copied to its mirror.
static inline __attribute__((always_inline)) void row_products(
    const float *a, ptrdiff_t as, ptrdiff_t p, const float *b, ptrdiff_t bs, ptrdiff_t q, ptrdiff_t width,
    float *out, ptrdiff_t ldo, int symmetric) {
    for (ptrdiff_t j = 0; j < q; j += 4) {
        const ptrdiff_t columns = q - j < 4 ? q - j : 4;
        const ptrdiff_t last = symmetric ? (j + columns < p ? j + columns : p) : p;
        for (ptrdiff_t i = 0; i < last; i += 3) {
            row_block(a, as, i, last - i < 3 ? last - i : 3, b, bs, j, columns, width, out, ldo);
        }
    }
    if (symmetric) {
        for (ptrdiff_t j = 0; j < q; j++)
            for (ptrdiff_t i = j + 1; i < p; i++) out[i + j * ldo] = out[j + i * ldo];
    }
}

static void row_products_baseline(const float *a, ptrdiff_t as, ptrdiff_t p, const float *b, ptrdiff_t bs,
                                  ptrdiff_t q, ptrdiff_t width, float *out, ptrdiff_t ldo, int symmetric) {
    row_products(a, as, p, b, bs, q, width, out, ldo, symmetric);
}

#if defined(__x86_64__)
// The same code compiled for AVX2 with fused multiply–adds.
__attribute__((target("avx2,fma"))) static void row_products_avx2_fma(
    const float *a, ptrdiff_t as, ptrdiff_t p, const float *b, ptrdiff_t bs, ptrdiff_t q, ptrdiff_t width,
    float *out, ptrdiff_t ldo, int symmetric) {
    row_products(a, as, p, b, bs, q, width, out, ldo, symmetric);
}
#endif

void synergy_row_products(const float *a, ptrdiff_t a_stride, ptrdiff_t a_rows, const float *b,
                          ptrdiff_t b_stride, ptrdiff_t b_rows, ptrdiff_t width, float *products,
                          ptrdiff_t products_stride, int use_avx2_fma) {
    const int symmetric = a == b && a_stride == b_stride && a_rows == b_rows;
#if defined(__x86_64__)
    if (use_avx2_fma) {
        row_products_avx2_fma(a, a_stride, a_rows, b, b_stride, b_rows, width, products, products_stride, symmetric);
        return;
    }
#endif
    (void)use_avx2_fma;
    row_products_baseline(a, a_stride, a_rows, b, b_stride, b_rows, width, products, products_stride, symmetric);
}
