// The multiplicative update of C (Lee & Seung 2001; the math is in
// MultiplicativeUpdateWorkspace.swift) over a tile of SYNERGY_MU_TILE samples
// at a time, for every replicate of a batch: each sample's column of C is
// updated on its own, from its own column of D, so a tile's rows of C and D
// stay in L1 while both products, WᵀD and (WᵀW)·C, are formed and the ratio
// is applied. No product is written out or packed, as GEMMs would.
#include "SolverKernels.h"
#include "Vectors.h"

#include <string.h>

/// How far ahead of the tile at hand the rows are prefetched (two tiles).
#define PREFETCH_AHEAD (2 * SYNERGY_MU_TILE)

/// Row j's update over the tile from its numerators: Cⱼ ← max(ε, Cⱼ·numⱼ/denⱼ).
#define UPDATE_ROW(j, numerators)                                                             \
    do {                                                                                      \
        float *row = c + (j) * cs;                                                            \
        const float *denominator = denominators + (j) * SYNERGY_MU_TILE;                      \
        for (int v = 0; v < TILE_VECTORS; v++) {                                              \
            const Vector updated = LOAD(row + v * LANES) * (numerators)[v] / LOAD(denominator + v * LANES); \
            STORE(row + v * LANES, AT_LEAST(updated, floors));                                \
        }                                                                                     \
    } while (0)

/// One replicate's C over one tile (rows at c + j·cs), from the tile's rows of
/// D (at d + i·ds), W (m × k, column j at w + j·m) and WᵀW (k × k):
/// first every denominator max(smallest normal, ((WᵀW)·C)ⱼ) from the old C
/// (Jacobi: no row sees another's update) into `denominators` (k × tile), then
/// each row's numerator (WᵀD)ⱼ and its update.
static inline __attribute__((always_inline)) void update_tile(
    float *c, ptrdiff_t cs, const float *d, ptrdiff_t ds, ptrdiff_t m, const float *w, const float *gram,
    ptrdiff_t k, float floor, float *denominators) {
    const Vector floors = SPLAT(floor), smallest = SPLAT(__FLT_MIN__);
    Vector a[TILE_VECTORS], b[TILE_VECTORS];
    ptrdiff_t j = 0;
    for (; j + 1 < k; j += 2) {
        PAIR_SUMS(c, cs, k, gram + j * k, gram + (j + 1) * k, a, b);
        for (int v = 0; v < TILE_VECTORS; v++) {
            STORE(denominators + j * SYNERGY_MU_TILE + v * LANES, AT_LEAST(a[v], smallest));
            STORE(denominators + (j + 1) * SYNERGY_MU_TILE + v * LANES, AT_LEAST(b[v], smallest));
        }
    }
    if (j < k) {
        PAIR_SUMS(c, cs, k, gram + j * k, gram + j * k, a, b);
        for (int v = 0; v < TILE_VECTORS; v++) {
            STORE(denominators + j * SYNERGY_MU_TILE + v * LANES, AT_LEAST(a[v], smallest));
        }
    }
    for (j = 0; j + 1 < k; j += 2) {
        PAIR_SUMS(d, ds, m, w + j * m, w + (j + 1) * m, a, b);
        UPDATE_ROW(j, a);
        UPDATE_ROW(j + 1, b);
    }
    if (j < k) {
        PAIR_SUMS(d, ds, m, w + j * m, w + j * m, a, b);
        UPDATE_ROW(j, a);
    }
}

/// The whole block, tile by tile, every replicate of the tile before the next
/// tile (the tile of D stays in L1 for all of them); the last partial tile is
/// copied into `scratch` (zero-padded; the padding is computed and thrown away).
static inline __attribute__((always_inline)) void update_block(
    float *c, ptrdiff_t cs, const float *d, ptrdiff_t ds, ptrdiff_t m, const float *w, const float *gram,
    ptrdiff_t k, ptrdiff_t slots, ptrdiff_t width, float floor, float *scratch) {
    const ptrdiff_t tile = SYNERGY_MU_TILE, rows = slots * k;
    float *denominators = scratch;
    ptrdiff_t t = 0;
    for (; t + tile <= width; t += tile) {
        PREFETCH_ROWS(c + t, cs, rows, PREFETCH_AHEAD, 1);
        PREFETCH_ROWS(d + t, ds, m, PREFETCH_AHEAD, 0);
        for (ptrdiff_t s = 0; s < slots; s++) {
            update_tile(c + t + s * k * cs, cs, d + t, ds, m, w + s * k * m, gram + s * k * k, k, floor,
                        denominators);
        }
    }
    const ptrdiff_t rest = width - t;
    if (rest == 0) return;
    float *tc = scratch + k * tile, *td = tc + rows * tile;
    memset(tc, 0, sizeof(float) * (size_t)((rows + m) * tile));
    for (ptrdiff_t r = 0; r < rows; r++) memcpy(tc + r * tile, c + r * cs + t, sizeof(float) * (size_t)rest);
    for (ptrdiff_t i = 0; i < m; i++) memcpy(td + i * tile, d + i * ds + t, sizeof(float) * (size_t)rest);
    for (ptrdiff_t s = 0; s < slots; s++) {
        update_tile(tc + s * k * tile, tile, td, tile, m, w + s * k * m, gram + s * k * k, k, floor, denominators);
    }
    for (ptrdiff_t r = 0; r < rows; r++) memcpy(c + r * cs + t, tc + r * tile, sizeof(float) * (size_t)rest);
}

static void update_block_baseline(float *c, ptrdiff_t cs, const float *d, ptrdiff_t ds, ptrdiff_t m,
                                  const float *w, const float *gram, ptrdiff_t k, ptrdiff_t slots,
                                  ptrdiff_t width, float floor, float *scratch) {
    update_block(c, cs, d, ds, m, w, gram, k, slots, width, floor, scratch);
}

#if defined(__x86_64__)
// The same code compiled for AVX2 with fused multiply–adds (a + g·x in one rounding).
__attribute__((target("avx2,fma"))) static void update_block_avx2_fma(
    float *c, ptrdiff_t cs, const float *d, ptrdiff_t ds, ptrdiff_t m, const float *w, const float *gram,
    ptrdiff_t k, ptrdiff_t slots, ptrdiff_t width, float floor, float *scratch) {
    update_block(c, cs, d, ds, m, w, gram, k, slots, width, floor, scratch);
}
#endif

void synergy_mu_update_activations(float *activations, ptrdiff_t activations_stride, const float *data,
                                   ptrdiff_t data_stride, ptrdiff_t muscles, const float *weights,
                                   const float *gram, ptrdiff_t rank, ptrdiff_t slots, ptrdiff_t width,
                                   float floor, float *scratch, int use_avx2_fma) {
#if defined(__x86_64__)
    if (use_avx2_fma) {
        update_block_avx2_fma(activations, activations_stride, data, data_stride, muscles, weights, gram, rank,
                              slots, width, floor, scratch);
        return;
    }
#endif
    (void)use_avx2_fma;
    update_block_baseline(activations, activations_stride, data, data_stride, muscles, weights, gram, rank, slots,
                          width, floor, scratch);
}
