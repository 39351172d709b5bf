// SPDX-License-Identifier: LGPL-2.1-or-later
// AVX-512F kernels for rational ratios: sixteen consecutive outputs of a
// period per call, each lane with its own phase row (gather16; spread16 is
// Highway's on every target, resample_hwy_kernels.cc).
// Built for baseline x86-64: only the functions marked with a target
// attribute use the wider instructions, and they are reached only after a
// run-time CPU check. Taps are always a multiple of 8.
#include <immintrin.h>

#include <algorithm>
#include <utility>

// GCC 12's AVX-512 headers read an intentionally undefined register in some
// intrinsics (masked loads, casts) and warn about it when they are inlined.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "resample_kernels.h"
#include "simd_avx2.h"
#include "simd_avx512.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))
#define FA_AVX512 __attribute__((target("avx512f,avx2,fma")))

namespace fastaudio::resample_detail {

// Sixteen consecutive outputs of a rational ratio (one per lane), each with
// its own phase row: out[i] = sum_m tb[m * 16 + i] * x[r[i] + m]. Per eight
// taps, two loads of x cover every lane's window (r[i] + 7 <= 31) and one
// permute per tap gathers the lanes' samples, so each FMA needs one
// coefficient load, one permute and a quarter of a load of x (the dot
// products load a window and a row per FMA). Four accumulators (taps mod 4)
// hide the FMA latency. Reads x up to x[taps + 23].
template <bool kTwo>
FA_AVX512 inline void gather16(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                               float *out0, float *out1) {
  const __m512i base = _mm512_loadu_si512(r);
  __m512i idx[8];
  for (int j = 0; j < 8; j++) idx[j] = _mm512_add_epi32(base, _mm512_set1_epi32(j));
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  for (size_t m = 0; m < taps; m += 8) {
    const __m512 lo = _mm512_loadu_ps(x0 + m), hi = _mm512_loadu_ps(x0 + m + 16);
    __m512 lo1 = lo, hi1 = hi;
    if (kTwo) lo1 = _mm512_loadu_ps(x1 + m), hi1 = _mm512_loadu_ps(x1 + m + 16);
    const float *c = tb + m * 16;
#define FA_GTAP(j, acc, bcc)                                                                  \
  {                                                                                           \
    const __m512 cv = _mm512_loadu_ps(c + 16 * (j));                                          \
    acc = _mm512_fmadd_ps(_mm512_permutex2var_ps(lo, idx[j], hi), cv, acc);                   \
    if (kTwo) bcc = _mm512_fmadd_ps(_mm512_permutex2var_ps(lo1, idx[j], hi1), cv, bcc);       \
  }
    FA_GTAP(0, a0, b0) FA_GTAP(1, a1, b1) FA_GTAP(2, a2, b2) FA_GTAP(3, a3, b3)
    FA_GTAP(4, a0, b0) FA_GTAP(5, a1, b1) FA_GTAP(6, a2, b2) FA_GTAP(7, a3, b3)
#undef FA_GTAP
  }
  _mm512_storeu_ps(out0, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  if (kTwo) _mm512_storeu_ps(out1, _mm512_add_ps(_mm512_add_ps(b0, b1), _mm512_add_ps(b2, b3)));
}

FA_AVX512 void gather16_avx512(const float *x, const float *tb, const int32_t *r, size_t taps, float *out) {
  gather16<false>(x, nullptr, tb, r, taps, out, nullptr);
}

FA_AVX512 void gather16x2_avx512(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                                 float *out0, float *out1) {
  gather16<true>(x0, x1, tb, r, taps, out0, out1);
}

}  // namespace fastaudio::resample_detail
