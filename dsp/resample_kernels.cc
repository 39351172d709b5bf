// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's portable kernels and the per-ISA choice of kernels: the
// scalar reference dot products, the half-band stage and the stream splits
// (plain loops the compiler vectorises), and which kernel set each ISA runs.
#include <vector>

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

#if defined(__x86_64__)
#define FASTAUDIO_HAND_AVX512(fn) &fn
#define FASTAUDIO_HAND_AVX2(fn) &fn
#else
#define FASTAUDIO_HAND_AVX512(fn) nullptr
#define FASTAUDIO_HAND_AVX2(fn) nullptr
#endif

// Order of the Isa enum: Scalar, Orc, Neon, Avx2, Avx512.
const IsaKernels<Dot4x2Fn> kDot4x2Kernels = {{{nullptr, nullptr, nullptr, nullptr, FASTAUDIO_HAND_AVX512(dot4x2_avx512)}}};
const IsaKernels<Dot4RowsFn> kDot4RowsKernels = {
    {{nullptr, nullptr, nullptr, nullptr, FASTAUDIO_HAND_AVX512(dot4_rows_avx512)}}};
const IsaKernels<Gather16Fn> kGather16Kernels = {{{nullptr, nullptr, nullptr, nullptr, FASTAUDIO_HAND_AVX512(gather16_avx512)}}};
const IsaKernels<Gather16x2Fn> kGather16x2Kernels = {
    {{nullptr, nullptr, nullptr, nullptr, FASTAUDIO_HAND_AVX512(gather16x2_avx512)}}};
// Bit-identical to table_row (no FMA), so banks do not depend on the ISA.
const IsaKernels<TableRowFn> kTableRowKernels = {{{&table_row, nullptr, nullptr, FASTAUDIO_HAND_AVX2(table_row_avx2), nullptr}}};

Kernels kernels_for(Isa isa, bool wide) {
  if (wide) return Kernels{kDot4WideKernels.for_isa(isa)};
  return Kernels{kDot4Kernels.for_isa(isa), kDot4x2Kernels.for_isa(isa), kDot4RowsKernels.for_isa(isa)};
}

// Clones of the plain loops for each x86-64 ISA, picked by the loader; on
// ARM64 the compiler vectorises them for NEON, the baseline there.
#if defined(__x86_64__)
#define FA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FA_CLONES
#endif

// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]), summed in that
// order; o is the odd-sample stream starting K pairs before the first output.
// Vectorised across outputs by the compiler (clones per ISA, see resample.h).
FA_CLONES
void halfband_block(const float *e, const float *o, const float *h, size_t K, size_t count, float *y) {
  for (size_t q = 0; q < count; q++) y[q] = 0.5f * e[q];
  for (size_t i = 0; i < K; i++) {
    const float hi = h[i];
    const float *a = o + K + i, *b = o + K - 1 - i;
    for (size_t q = 0; q < count; q++) y[q] += hi * (a[q] + b[q]);
  }
}

// x[2m] = e[m], x[2m + 1] = o[m] for m < pairs.
FA_CLONES
void interleave2(const float *e, const float *o, size_t pairs, float *x) {
  for (size_t m = 0; m < pairs; m++) x[2 * m] = e[m], x[2 * m + 1] = o[m];
}

// e[m] = x[2m], o[m] = x[2m + 1] for m < pairs.
FA_CLONES
void deinterleave2(const float *x, size_t pairs, float *e, float *o) {
  for (size_t m = 0; m < pairs; m++) e[m] = x[2 * m], o[m] = x[2 * m + 1];
}

// a[m] = x[4m], b[m] = x[4m + 1], c[m] = x[4m + 2], d[m] = x[4m + 3] for m < n:
// the Highway kernel of best_isa() (kDeinterleave4Kernels).
void deinterleave4(const float *x, size_t n, float *a, float *b, float *c, float *d) {
  kDeinterleave4Kernels.for_isa(best_isa())(x, n, a, b, c, d);
}

// e[m] = x[2m], o[m] = x[2m + 1] (an exact copy whatever the kernel ISA):
// the unrolled AVX-512 loop where it runs, which keeps up with memcpy on
// input fresh from memory; the compiler's clones otherwise.
using Deinterleave2Fn = void (*)(const float *x, size_t pairs, float *e, float *o);
const IsaKernels<Deinterleave2Fn> kDeinterleave2Kernels = {
    {{&deinterleave2, nullptr, nullptr, nullptr, FASTAUDIO_HAND_AVX512(deinterleave2_avx512)}}};

void split_pairs(const float *x, size_t pairs, float *e, float *o) {
  kDeinterleave2Kernels.for_isa(best_isa())(x, pairs, e, o);
}

// The half-band stage's kernel for the inner stage's ISA.
void run_halfband(Isa isa, const float *e, const float *o, const float *h, size_t K, size_t count, float *y) {
  kHalfbandKernels.for_isa(isa)(e, o, h, K, count, y);
}

}  // namespace resample_detail

}  // namespace fastaudio
