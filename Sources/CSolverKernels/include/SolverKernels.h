// Hand-vectorised kernels of the factorisation solvers, in C so that the
// AVX2/FMA version can be compiled beside the baseline one and chosen at run
// time (Swift's baseline code generation for x86-64 is SSE2).
// In the library only the solvers in Sources/SynergyKit/Factorization/ call
// them; HALSKernelTests and MultiplicativeKernelTests check them against the
// updates written out plainly, RowProductsTests against products summed in double.
#ifndef SYNERGY_SOLVER_KERNELS_H
#define SYNERGY_SOLVER_KERNELS_H

#include <stddef.h>

/// Samples the HALS kernel takes together: rows of this many samples stay in
/// registers and L1 while every row of C is updated.
#define SYNERGY_HALS_TILE 32

/// 1 when the processor and the operating system support AVX2 and FMA.
int synergy_has_avx2_fma(void);

/// The HALS update of one replicate's C over a block of `width` samples, then
/// its extrapolation (see HALSWorkspace.swift for the math). Row j of C starts
/// at activations + j·activations_stride (samples contiguous), likewise the
/// previous iterate and the targets (WᵀD); `gram` is WᵀW (k × k, symmetric),
/// `inverse_diagonal` its 1/(WᵀW)ⱼⱼ (0 for a diagonal left alone); `scratch`
/// holds 3·k·SYNERGY_HALS_TILE floats for the block's last partial tile.
/// `use_avx2_fma` chooses the AVX2/FMA code (only where synergy_has_avx2_fma()).
void synergy_hals_update_activations(float *activations, ptrdiff_t activations_stride,
                                     float *previous, ptrdiff_t previous_stride,
                                     const float *targets, ptrdiff_t targets_stride,
                                     const float *gram, const float *inverse_diagonal,
                                     ptrdiff_t rank, ptrdiff_t width, int sweeps,
                                     float floor, float step, float *scratch, int use_avx2_fma);

/// Samples the multiplicative-update kernel takes together.
#define SYNERGY_MU_TILE 32

/// The multiplicative update of C over a block of `width` samples for `slots`
/// replicates of rank k (see MultiplicativeUpdateWorkspace.swift for the math):
/// Cⱼ ← max(ε, Cⱼ ∘ (WᵀD)ⱼ ⊘ max((WᵀW·C)ⱼ, smallest normal)), every row from
/// the C before the update. Stacked row r of C starts at activations +
/// r·activations_stride and row i of D at data + i·data_stride (samples
/// contiguous); replicate s's W is m × k column-major at weights + s·k·m and
/// its WᵀW at gram + s·k·k. `scratch` holds (k + slots·k + m)·SYNERGY_MU_TILE
/// floats. Each sum runs in a fixed order (over l = 0, 1, …), and a NaN passes
/// through to C.
void synergy_mu_update_activations(float *activations, ptrdiff_t activations_stride, const float *data,
                                   ptrdiff_t data_stride, ptrdiff_t muscles, const float *weights,
                                   const float *gram, ptrdiff_t rank, ptrdiff_t slots, ptrdiff_t width,
                                   float floor, float *scratch, int use_avx2_fma);

/// P = A·Bᵀ over a block of `width` samples: Pᵢⱼ = Σₜ Aᵢₜ Bⱼₜ, row i of A at
/// a + i·a_stride and row j of B at b + j·b_stride (samples contiguous), P
/// column-major (a_rows × b_rows, leading dimension products_stride). When B is
/// A (the same rows), P = AAᵀ is computed on and above the diagonal and
/// mirrored, exactly symmetric. Each product is summed in a fixed order (eight
/// running sums over the samples, then the last width mod 8 samples).
void synergy_row_products(const float *a, ptrdiff_t a_stride, ptrdiff_t a_rows, const float *b,
                          ptrdiff_t b_stride, ptrdiff_t b_rows, ptrdiff_t width, float *products,
                          ptrdiff_t products_stride, int use_avx2_fma);

#endif
