// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's scalar reference dot products and half-band, the tables
// of the kernels that exist as hand-written ones only, and the entry points
// of the exact copies (stream splits and interleaves).
#include <vector>

#include "hwy_kernels.h"
#include "resample_internal.h"

namespace fastaudio {

namespace resample_detail {

float dot_scalar(const float *x, const float *c, size_t taps) {
  float acc = 0;
  for (size_t i = 0; i < taps; i++) acc += x[i] * c[i];
  return acc;
}

void dot4_scalar(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) out[q] = dot_scalar(x[q], c[q], taps);
}

float dot_wide_scalar(const float *x, const float *c, size_t taps) {
  double acc = 0;
  for (size_t i = 0; i < taps; i++) acc += double(x[i]) * c[i];
  return float(acc);
}

void dot4_wide_scalar(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) out[q] = dot_wide_scalar(x[q], c[q], taps);
}

// Kernels that exist as hand-written x86 ones only (null elsewhere: the
// callers fall back to dot4 or table_row).
const IsaKernels<Dot4x2Fn> kDot4x2Kernels = IsaKernels<Dot4x2Fn>{} FASTAUDIO_X86_KERNEL(Avx512, dot4x2_avx512);
const IsaKernels<Dot4RowsFn> kDot4RowsKernels = IsaKernels<Dot4RowsFn>{} FASTAUDIO_X86_KERNEL(Avx512, dot4_rows_avx512);
const IsaKernels<Gather16Fn> kGather16Kernels = IsaKernels<Gather16Fn>{} FASTAUDIO_X86_KERNEL(Avx512, gather16_avx512);
const IsaKernels<Gather16x2Fn> kGather16x2Kernels =
    IsaKernels<Gather16x2Fn>{} FASTAUDIO_X86_KERNEL(Avx512, gather16x2_avx512);
// Bit-identical to table_row (no FMA), so banks do not depend on the ISA.
const IsaKernels<TableRowFn> kTableRowKernels =
    IsaKernels<TableRowFn>{}.with(Isa::Scalar, &table_row) FASTAUDIO_X86_KERNEL(Avx2, table_row_avx2);

Kernels kernels_for(Isa isa, bool wide) {
  if (wide) return Kernels{kDot4WideKernels.for_isa(isa)};
  return Kernels{kDot4Kernels.for_isa(isa), kDot4x2Kernels.for_isa(isa), kDot4RowsKernels.for_isa(isa)};
}

// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]), summed in that
// order; o is the odd-sample stream starting K pairs before the first output.
// The scalar reference of kHalfbandKernels.
void halfband_block(const float *e, const float *o, const float *h, size_t K, size_t count, float *y) {
  for (size_t q = 0; q < count; q++) y[q] = 0.5f * e[q];
  for (size_t i = 0; i < K; i++) {
    const float hi = h[i];
    const float *a = o + K + i, *b = o + K - 1 - i;
    for (size_t q = 0; q < count; q++) y[q] += hi * (a[q] + b[q]);
  }
}

// The exact copies run the kernels of best_isa() whatever ISA the caller's
// sums use: every ISA gives the same bits.
void interleave2(const float *e, const float *o, size_t pairs, float *x) {
  kInterleave2Kernels.for_isa(best_isa())(e, o, pairs, x);
}

void deinterleave2(const float *x, size_t pairs, float *e, float *o) {
  kDeinterleave2Kernels.for_isa(best_isa())(x, pairs, e, o);
}

void deinterleave4(const float *x, size_t n, float *a, float *b, float *c, float *d) {
  kDeinterleave4Kernels.for_isa(best_isa())(x, n, a, b, c, d);
}

void split_pairs(const float *x, size_t pairs, float *e, float *o) { deinterleave2(x, pairs, e, o); }

// The half-band stage's kernel for the inner stage's ISA.
void run_halfband(Isa isa, const float *e, const float *o, const float *h, size_t K, size_t count, float *y) {
  kHalfbandKernels.for_isa(isa)(e, o, h, K, count, y);
}

}  // namespace resample_detail

}  // namespace fastaudio
