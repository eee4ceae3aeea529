// The HALS update of C over a tile of SYNERGY_HALS_TILE samples at a time
// (Cichocki & Phan 2009; the math is in HALSWorkspace.swift). Each sample's
// column of C is updated on its own, so a tile holds every row of C for its
// samples in L1 while the rows are updated in turn (Gauss–Seidel) `sweeps`
// times, and is then extrapolated, in one pass over C and its previous iterate.
#include "SolverKernels.h"
#include "Vectors.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/// How far ahead of the tile at hand the rows are prefetched (two tiles).
#define PREFETCH_AHEAD (2 * SYNERGY_HALS_TILE)

/// Asks for row r of C and of its previous iterate in the tile after next (two cache lines each).
#define PREFETCH_ROW(r)                                                   \
    do {                                                                  \
        __builtin_prefetch(c + (r) * cs + PREFETCH_AHEAD, 1);             \
        __builtin_prefetch(c + (r) * cs + PREFETCH_AHEAD + 16, 1);        \
        __builtin_prefetch(previous + (r) * ps + PREFETCH_AHEAD, 1);      \
        __builtin_prefetch(previous + (r) * ps + PREFETCH_AHEAD + 16, 1); \
    } while (0)

/// Row j's step over the tile's 4 vectors, from sums[v] = Σₗ Gₗⱼ Cₗ:
/// Cⱼ ← max(ε, Cⱼ + (Tⱼ − sums)·inverseⱼ); `steps` receives the change.
#define UPDATE_ROW(j, sums, steps)                                                      \
    do {                                                                                \
        const Vector scale = SPLAT(inverse[j]);                                         \
        float *row = c + (j) * cs;                                                      \
        const float *target = targets + (j) * ts;                                       \
        for (int v = 0; v < TILE_VECTORS; v++) {                                        \
            const Vector current = LOAD(row + v * LANES);                               \
            const Vector updated = current + (LOAD(target + v * LANES) - (sums)[v]) * scale; \
            const Vector kept = AT_LEAST(updated, floors);                              \
            STORE(row + v * LANES, kept);                                               \
            (steps)[v] = kept - current;                                                \
        }                                                                               \
    } while (0)

/// One tile: every row j of C, for the tile's 32 samples (4 vectors),
/// Cⱼ ← max(ε, Cⱼ + (Tⱼ − Σₗ Gₗⱼ Cₗ)·inverseⱼ), `sweeps` times; then
/// Ĉ = max(ε, C + β(C − C₀)) and C₀ ← C. Rows go in pairs: one pass over the
/// tile gives both rows' sums from the same loads (eight independent sums,
/// enough to hide the latency of the multiply–adds), and row j + 1's sum is
/// brought up to date with row j's step, Gⱼ,ⱼ₊₁ ΔCⱼ, before its own step.
static inline __attribute__((always_inline)) void update_tile(
    float *c, ptrdiff_t cs, float *previous, ptrdiff_t ps, const float *targets, ptrdiff_t ts,
    const float *gram, const float *inverse, ptrdiff_t k, int sweeps, float floor, float step) {
    const Vector floors = SPLAT(floor);
    for (int sweep = 0; sweep < sweeps; sweep++) {
        ptrdiff_t j = 0;
        for (; j + 1 < k; j += 2) {
            if (sweep == 0) {
                // C and its previous iterate come from memory, k rows far apart (more
                // streams than the hardware prefetcher follows): ask for these two
                // rows of the tile after next, spread over the rows' work.
                PREFETCH_ROW(j);
                PREFETCH_ROW(j + 1);
            }
            const float *g0 = gram + j * k, *g1 = g0 + k;
            Vector a0 = SPLAT(0.0f), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (ptrdiff_t l = 0; l < k; l++) {
                const float *r = c + l * cs;
                const Vector x0 = LOAD(r), x1 = LOAD(r + LANES), x2 = LOAD(r + 2 * LANES), x3 = LOAD(r + 3 * LANES);
                const Vector first = SPLAT(g0[l]), second = SPLAT(g1[l]);
                a0 += first * x0;
                a1 += first * x1;
                a2 += first * x2;
                a3 += first * x3;
                b0 += second * x0;
                b1 += second * x1;
                b2 += second * x2;
                b3 += second * x3;
            }
            Vector steps[4];
            const Vector sums[4] = {a0, a1, a2, a3};
            UPDATE_ROW(j, sums, steps);
            const Vector coupling = SPLAT(g1[j]);
            const Vector next[4] = {b0 + coupling * steps[0], b1 + coupling * steps[1], b2 + coupling * steps[2],
                                    b3 + coupling * steps[3]};
            UPDATE_ROW(j + 1, next, steps);
        }
        if (j < k) {
            if (sweep == 0) PREFETCH_ROW(j);
            const float *g0 = gram + j * k;
            Vector a0 = SPLAT(0.0f), a1 = a0, a2 = a0, a3 = a0;
            for (ptrdiff_t l = 0; l < k; l++) {
                const float *r = c + l * cs;
                const Vector first = SPLAT(g0[l]);
                a0 += first * LOAD(r);
                a1 += first * LOAD(r + LANES);
                a2 += first * LOAD(r + 2 * LANES);
                a3 += first * LOAD(r + 3 * LANES);
            }
            Vector steps[4];
            const Vector sums[4] = {a0, a1, a2, a3};
            UPDATE_ROW(j, sums, steps);
        }
    }
    const Vector beta = SPLAT(step);
    for (ptrdiff_t j = 0; j < k; j++) {
        float *row = c + j * cs, *before = previous + j * ps;
        for (int v = 0; v < TILE_VECTORS; v++) {
            const Vector current = LOAD(row + v * LANES);
            const Vector pushed = current + beta * (current - LOAD(before + v * LANES));
            STORE(row + v * LANES, AT_LEAST(pushed, floors));
            STORE(before + v * LANES, current);
        }
    }
}

/// The whole block: full tiles in place, the last partial one copied into
/// `scratch` (zero-padded; the padding is computed and thrown away).
static inline __attribute__((always_inline)) void update_block(
    float *c, ptrdiff_t cs, float *previous, ptrdiff_t ps, const float *targets, ptrdiff_t ts,
    const float *gram, const float *inverse, ptrdiff_t k, ptrdiff_t width, int sweeps,
    float floor, float step, float *scratch) {
    const ptrdiff_t tile = SYNERGY_HALS_TILE;
    ptrdiff_t t = 0;
    for (; t + tile <= width; t += tile) {
        update_tile(c + t, cs, previous + t, ps, targets + t, ts, gram, inverse, k, sweeps, floor, step);
    }
    const ptrdiff_t rest = width - t;
    if (rest == 0) return;
    float *tc = scratch, *tp = scratch + k * tile, *tt = scratch + 2 * k * tile;
    memset(scratch, 0, sizeof(float) * 3 * (size_t)(k * tile));
    for (ptrdiff_t j = 0; j < k; j++) {
        memcpy(tc + j * tile, c + j * cs + t, sizeof(float) * (size_t)rest);
        memcpy(tp + j * tile, previous + j * ps + t, sizeof(float) * (size_t)rest);
        memcpy(tt + j * tile, targets + j * ts + t, sizeof(float) * (size_t)rest);
    }
    update_tile(tc, tile, tp, tile, tt, tile, gram, inverse, k, sweeps, floor, step);
    for (ptrdiff_t j = 0; j < k; j++) {
        memcpy(c + j * cs + t, tc + j * tile, sizeof(float) * (size_t)rest);
        memcpy(previous + j * ps + t, tp + j * tile, sizeof(float) * (size_t)rest);
    }
}

static void update_block_baseline(float *c, ptrdiff_t cs, float *previous, ptrdiff_t ps, const float *targets,
                                  ptrdiff_t ts, const float *gram, const float *inverse, ptrdiff_t k,
                                  ptrdiff_t width, int sweeps, float floor, float step, float *scratch) {
    update_block(c, cs, previous, ps, targets, ts, gram, inverse, k, width, sweeps, floor, step, scratch);
}

#if defined(__x86_64__)
// The same code compiled for AVX2 with fused multiply–adds (a + g·x in one rounding).
__attribute__((target("avx2,fma"))) static void update_block_avx2_fma(
    float *c, ptrdiff_t cs, float *previous, ptrdiff_t ps, const float *targets, ptrdiff_t ts,
    const float *gram, const float *inverse, ptrdiff_t k, ptrdiff_t width, int sweeps,
    float floor, float step, float *scratch) {
    update_block(c, cs, previous, ps, targets, ts, gram, inverse, k, width, sweeps, floor, step, scratch);
}
#endif

int synergy_has_avx2_fma(void) {
#if defined(__x86_64__)
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!(fma && osxsave && avx)) return 0;
    // The operating system saves the YMM registers (XCR0 bits 1 and 2).
    unsigned int low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1;
#else
    return 0;
#endif
}

void synergy_hals_update_activations(float *activations, ptrdiff_t activations_stride, float *previous,
                                     ptrdiff_t previous_stride, const float *targets, ptrdiff_t targets_stride,
                                     const float *gram, const float *inverse_diagonal, ptrdiff_t rank,
                                     ptrdiff_t width, int sweeps, float floor, float step, float *scratch,
                                     int use_avx2_fma) {
#if defined(__x86_64__)
    if (use_avx2_fma) {
        update_block_avx2_fma(activations, activations_stride, previous, previous_stride, targets, targets_stride,
                              gram, inverse_diagonal, rank, width, sweeps, floor, step, scratch);
        return;
    }
#endif
    (void)use_avx2_fma;
    update_block_baseline(activations, activations_stride, previous, previous_stride, targets, targets_stride, gram,
                          inverse_diagonal, rank, width, sweeps, floor, step, scratch);
}
