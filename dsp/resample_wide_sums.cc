// SPDX-License-Identifier: LGPL-2.1-or-later
// Sums in F64 for `very-high`'s two-stage path, as plain loops the compiler
// vectorises (clones per x86-64 ISA): the half-band, and the second stage's
// centre taps for groups of eight outputs. In F32 the half-band (the
// centre tap and 2K more summed in order) rounds at the output's own
// magnitude at each step, which limits THD+N to about -141 dB.
#include <algorithm>

#include "resample_internal.h"

namespace fastaudio::resample_detail {

#if defined(__x86_64__)
// x86-64-v3 brings FMA with AVX2 (GCC's "avx2" clone has none).
#define FA_WIDE_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FA_WIDE_CLONES
#endif

// load4() is always inlined: no vector crosses a call, whatever the clone's ISA.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace {

// Four F64 lanes (GCC's generic vectors: AVX registers where the clone has
// them, SSE2 pairs otherwise).
typedef double Lanes4 __attribute__((vector_size(32)));

__attribute__((always_inline)) inline Lanes4 load4(const double *p) {
  Lanes4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// Outputs per pass: their input converted to F64 once (not once per tap).
constexpr size_t kWideHalfbandBlock = 512;

// Sixteen half-band outputs with their sums in registers across the taps.
__attribute__((always_inline)) inline void halfband16(const double *e, const double *o, const double *h, size_t K,
                                                      float *y) {
  Lanes4 acc[4];
  for (size_t v = 0; v < 4; v++) acc[v] = load4(e + 4 * v) * 0.5;
  for (size_t i = 0; i < K; i++) {
    const double hi = h[i];
    const double *a = o + K + i, *b = o + K - 1 - i;
    for (size_t v = 0; v < 4; v++) acc[v] += (load4(a + 4 * v) + load4(b + 4 * v)) * hi;
  }
  for (size_t v = 0; v < 4; v++)
    for (size_t l = 0; l < 4; l++) y[4 * v + l] = float(acc[v][l]);
}

}  // namespace

// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]) in F64,
// rounded once; sixteen outputs at a time, the rest one by one.
// K <= kMaxWideHalfbandK.
FA_WIDE_CLONES
void halfband_block_wide(const float *e, const float *o, const double *h, size_t K, size_t count, float *y) {
  double ew[kWideHalfbandBlock], ow[kWideHalfbandBlock + 2 * kMaxWideHalfbandK];
  for (size_t q0 = 0; q0 < count; q0 += kWideHalfbandBlock) {
    const size_t n = std::min(kWideHalfbandBlock, count - q0);
    for (size_t q = 0; q < n; q++) ew[q] = double(e[q0 + q]);
    for (size_t q = 0; q < n + 2 * K - 1; q++) ow[q] = double(o[q0 + q]);
    size_t q = 0;
    for (; q + 16 <= n; q += 16) halfband16(ew + q, ow + q, h, K, y + q0 + q);
    for (; q < n; q++) {
      double acc = 0.5 * ew[q];
      for (size_t i = 0; i < K; i++) acc += h[i] * (ow[q + K + i] + ow[q + K - 1 - i]);
      y[q0 + q] = float(acc);
    }
  }
}

// acc[l] = sum_t table[t * 8 + l] * x[t] for t < span: eight outputs'
// windows as one input-major pass (a coefficient vector per input frame,
// no horizontal sums); even and odd t in separate sums for two chains.
FA_WIDE_CLONES
void centre_group_wide(const float *x, const double *table, size_t span, double acc[kCentreGroup]) {
  static_assert(kCentreGroup == 8, "two vectors of four lanes per group");
  Lanes4 even_lo = {}, even_hi = {}, odd_lo = {}, odd_hi = {};
  size_t t = 0;
  for (; t + 2 <= span; t += 2) {
    const double x0 = double(x[t]), x1 = double(x[t + 1]);
    const double *c = table + t * kCentreGroup;
    even_lo += load4(c) * x0;
    even_hi += load4(c + 4) * x0;
    odd_lo += load4(c + 8) * x1;
    odd_hi += load4(c + 12) * x1;
  }
  if (t < span) {
    const double x0 = double(x[t]);
    even_lo += load4(table + t * kCentreGroup) * x0;
    even_hi += load4(table + t * kCentreGroup + 4) * x0;
  }
  const Lanes4 lo = even_lo + odd_lo, hi = even_hi + odd_hi;
  __builtin_memcpy(acc, &lo, sizeof lo);
  __builtin_memcpy(acc + 4, &hi, sizeof hi);
}

}  // namespace fastaudio::resample_detail
