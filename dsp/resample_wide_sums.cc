// SPDX-License-Identifier: LGPL-2.1-or-later
// Sums in F64 for `very-high`'s two-stage path, in GCC's generic vectors
// (a version per ISA, picked by the caller's): the half-band, and the second stage's
// centre taps for groups of eight outputs. In F32 the half-band (the
// centre tap and 2K more summed in order) rounds at the output's own
// magnitude at each step, which limits THD+N to about -141 dB.
#include <algorithm>

#include "resample_internal.h"

namespace fastaudio::resample_detail {

// The vector helpers below are always inlined: no vector crosses a call,
// whatever the calling version's ISA.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace {

// F64 lanes as GCC's generic vectors: eight in one AVX-512 register, four
// in one AVX register (or two SSE2 ones). Each version below uses the
// widest its ISA holds in registers (eight lanes on AVX2 would spill).
typedef double Lanes4 __attribute__((vector_size(32)));
typedef double Lanes8 __attribute__((vector_size(64)));

template <typename V>
__attribute__((always_inline)) inline V load(const double *p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// Outputs per pass: their input converted to F64 once (not once per tap).
constexpr size_t kWideHalfbandBlock = 512;
// Half-band sums kept in registers across the taps: four vectors, four
// independent chains of dependent adds (32 outputs on AVX-512, 16 else).
constexpr size_t kWideHalfbandVectors = 4;

template <typename V>
__attribute__((always_inline)) inline void halfband_group(const double *e, const double *o, const double *h, size_t K,
                                                          float *y) {
  constexpr size_t W = sizeof(V) / sizeof(double), N = kWideHalfbandVectors;
  V acc[N];
  for (size_t v = 0; v < N; v++) acc[v] = load<V>(e + W * v) * 0.5;
  for (size_t i = 0; i < K; i++) {
    const double tap = h[i];
    const double *a = o + K + i, *b = o + K - 1 - i;
    for (size_t v = 0; v < N; v++) acc[v] += (load<V>(a + W * v) + load<V>(b + W * v)) * tap;
  }
  for (size_t v = 0; v < N; v++)
    for (size_t l = 0; l < W; l++) y[W * v + l] = float(acc[v][l]);
}

template <typename V>
__attribute__((always_inline)) inline void halfband_wide(const float *e, const float *o, const double *h, size_t K,
                                                         size_t count, float *y) {
  double ew[kWideHalfbandBlock], ow[kWideHalfbandBlock + 2 * kMaxWideHalfbandK];
  for (size_t q0 = 0; q0 < count; q0 += kWideHalfbandBlock) {
    const size_t n = std::min(kWideHalfbandBlock, count - q0);
    for (size_t q = 0; q < n; q++) ew[q] = double(e[q0 + q]);
    for (size_t q = 0; q < n + 2 * K - 1; q++) ow[q] = double(o[q0 + q]);
    constexpr size_t group = kWideHalfbandVectors * sizeof(V) / sizeof(double);
    size_t q = 0;
    for (; q + group <= n; q += group) halfband_group<V>(ew + q, ow + q, h, K, y + q0 + q);
    for (; q < n; q++) {
      double acc = 0.5 * ew[q];
      for (size_t i = 0; i < K; i++) acc += h[i] * (ow[q + K + i] + ow[q + K - 1 - i]);
      y[q0 + q] = float(acc);
    }
  }
}

// Input frames t mod 4 in separate sums: four chains of dependent adds.
template <typename V>
__attribute__((always_inline)) inline void centre_group(const float *x, const double *table, size_t span, float *out,
                                                        size_t stride) {
  constexpr size_t W = sizeof(V) / sizeof(double), N = kCentreGroup / W, kChains = 4;
  V sums[kChains][N] = {};
  size_t t = 0;
  for (; t + kChains <= span; t += kChains)
    for (size_t k = 0; k < kChains; k++) {
      const double *c = table + (t + k) * kCentreGroup;
      const double xk = double(x[t + k]);
      for (size_t v = 0; v < N; v++) sums[k][v] += load<V>(c + W * v) * xk;
    }
  for (; t < span; t++)
    for (size_t v = 0; v < N; v++) sums[0][v] += load<V>(table + t * kCentreGroup + W * v) * double(x[t]);
  for (size_t v = 0; v < N; v++) {
    const V sum = (sums[0][v] + sums[1][v]) + (sums[2][v] + sums[3][v]);
    float *o = out + W * v * stride;
    for (size_t l = 0; l < W; l++) o[l * stride] = float(double(o[l * stride]) + sum[l]);
  }
}

}  // namespace

#if defined(__x86_64__)
#define FA_WIDE_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define FA_WIDE_AVX2 __attribute__((target("avx2,fma")))

FA_WIDE_AVX512 static void halfband_wide_avx512(const float *e, const float *o, const double *h, size_t K,
                                                size_t count, float *y) {
  halfband_wide<Lanes8>(e, o, h, K, count, y);
}
FA_WIDE_AVX2 static void halfband_wide_avx2(const float *e, const float *o, const double *h, size_t K, size_t count,
                                            float *y) {
  halfband_wide<Lanes4>(e, o, h, K, count, y);
}
FA_WIDE_AVX512 static void centre_group_avx512(const float *x, const double *table, size_t span, float *out,
                                               size_t stride) {
  centre_group<Lanes8>(x, table, span, out, stride);
}
FA_WIDE_AVX2 static void centre_group_avx2(const float *x, const double *table, size_t span, float *out,
                                           size_t stride) {
  centre_group<Lanes4>(x, table, span, out, stride);
}
#endif

// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]) in F64,
// rounded once; a group of outputs at a time, the rest one by one.
void halfband_block_wide(ResampleIsa isa, const float *e, const float *o, const double *h, size_t K, size_t count,
                         float *y) {
#if defined(__x86_64__)
  if (isa == ResampleIsa::Avx512) return halfband_wide_avx512(e, o, h, K, count, y);
  if (isa == ResampleIsa::Avx2) return halfband_wide_avx2(e, o, h, K, count, y);
#endif
  (void)isa;
  halfband_wide<Lanes4>(e, o, h, K, count, y);
}

// out[l * stride] += sum_t table[t * 8 + l] * x[t] for t < span, the sum in
// F64 and the result rounded once: eight outputs' windows as one
// input-major pass (a coefficient vector per input frame, no horizontal sums).
void centre_group_wide(ResampleIsa isa, const float *x, const double *table, size_t span, float *out, size_t stride) {
#if defined(__x86_64__)
  if (isa == ResampleIsa::Avx512) return centre_group_avx512(x, table, span, out, stride);
  if (isa == ResampleIsa::Avx2) return centre_group_avx2(x, table, span, out, stride);
#endif
  (void)isa;
  centre_group<Lanes4>(x, table, span, out, stride);
}

}  // namespace fastaudio::resample_detail
