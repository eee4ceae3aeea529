// What the solver kernels share: vectors of 8 floats (GCC/Clang vector
// extensions, compiled as SSE2 pairs in the baseline and as AVX2 registers in
// the AVX2/FMA versions), and the sums over a tile of samples.
#ifndef SYNERGY_VECTORS_H
#define SYNERGY_VECTORS_H

#include <stddef.h>

typedef float Vector __attribute__((vector_size(32)));
typedef float UnalignedVector __attribute__((vector_size(32), aligned(4)));
typedef int Mask __attribute__((vector_size(32)));

#define LANES 8
/// The vectors of a tile of 32 samples (SYNERGY_HALS_TILE, SYNERGY_MU_TILE).
#define TILE_VECTORS 4
#define LOAD(pointer) (*(const UnalignedVector *)(pointer))
#define STORE(pointer, value) (*(UnalignedVector *)(pointer) = (value))
#define SPLAT(x) ((Vector){(x), (x), (x), (x), (x), (x), (x), (x)})
// max(floor, v) that keeps a NaN, as `v < floor ? floor : v` does.
#define AT_LEAST(v, floors) \
    ((Vector)((((Mask)((v) < (floors))) & (Mask)(floors)) | (~((Mask)((v) < (floors))) & (Mask)(v))))

/// Σₗ column0[l]·xₗ and Σₗ column1[l]·xₗ over a tile's 4 vectors, for the
/// `count` rows xₗ at x + l·xs, into a[4] and b[4]: two rows' sums from the
/// same loads (eight independent sums, enough to hide the latency of the
/// multiply–adds), each summed in the order l = 0, 1, ….
#define PAIR_SUMS(x, xs, count, column0, column1, a, b)                             \
    do {                                                                            \
        for (int v = 0; v < TILE_VECTORS; v++) (a)[v] = (b)[v] = SPLAT(0.0f);       \
        for (ptrdiff_t l = 0; l < (count); l++) {                                   \
            const float *row_ = (x) + l * (xs);                                     \
            const Vector first_ = SPLAT((column0)[l]), second_ = SPLAT((column1)[l]); \
            for (int v = 0; v < TILE_VECTORS; v++) {                                \
                const Vector value_ = LOAD(row_ + v * LANES);                       \
                (a)[v] += first_ * value_;                                          \
                (b)[v] += second_ * value_;                                         \
            }                                                                       \
        }                                                                           \
    } while (0)

/// Asks for `count` rows, `ahead` floats past x, two cache lines each (WRITE 1
/// for rows to be written): a kernel's rows lie far apart, more streams than
/// the hardware prefetcher follows.
#define PREFETCH_ROWS(x, xs, count, ahead, WRITE)                                  \
    do {                                                                           \
        for (ptrdiff_t l_ = 0; l_ < (count); l_++) {                               \
            __builtin_prefetch((x) + l_ * (xs) + (ahead), WRITE);                  \
            __builtin_prefetch((x) + l_ * (xs) + (ahead) + 16, WRITE);             \
        }                                                                          \
    } while (0)

#endif
